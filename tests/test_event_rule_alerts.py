"""The EventBridge rules of the catalogue: root console sign-ins."""

from __future__ import annotations

import json
from typing import Any

from tests.synth import Synthesized
from tools.detection_corpus import eventbridge_event, load_cases


def test_rule_matches_root_console_sign_ins_only(default_stack: Synthesized) -> None:
    alerts = default_stack.stack.baseline.event_alerts
    assert alerts is not None
    rule = default_stack.instance(alerts.rule, "root-sign-in")
    assert json.loads(rule["event_pattern"]) == {
        "source": ["aws.signin"],
        "detail-type": ["AWS Console Sign In via CloudTrail"],
        "detail": {"userIdentity": {"type": ["Root"]}},
    }
    assert rule["state"] == "ENABLED"
    assert rule["name"] == "mgmt-baseline-root-sign-in"


def test_rule_notifies_the_alert_topic(default_stack: Synthesized) -> None:
    s = default_stack
    alerts = s.stack.baseline.event_alerts
    assert alerts is not None
    target = s.instance(alerts.target, "root-sign-in")
    # By name, ordered by depends_on: the module flavour can filter both by the same switch.
    assert target["rule"] == "mgmt-baseline-root-sign-in"
    assert target["depends_on"] == [s.address(alerts.rule)]
    assert target["arn"] == s.ref(s.stack.baseline.topic.topic, "arn")


def _transform(transformer: dict[str, Any], event: dict[str, Any]) -> str:
    """What EventBridge sends: each input path read from the event, put in the template."""

    def read(path: str) -> Any:
        value: Any = event
        for step in path.removeprefix("$.").split("."):
            value = value[step]
        return value

    rendered = transformer["input_template"]
    for name, path in transformer["input_paths"].items():
        rendered = rendered.replace(f"<{name}>", str(read(path)))
    message: str = json.loads(rendered)  # a JSON string: plain text for email
    return message


def test_message_says_who_when_where_from_with_mfa_and_result(default_stack: Synthesized) -> None:
    alerts = default_stack.stack.baseline.event_alerts
    assert alerts is not None
    target = default_stack.instance(alerts.target, "root-sign-in")
    (case,) = [case for case in load_cases() if case.id == "root-console-sign-in-success-mfa"]
    event = eventbridge_event(case.record)
    message = _transform(target["input_transformer"], event)
    record = case.record
    assert message.startswith(f"[CRITICAL] Root user sign-in to AWS account {event['account']}")
    for fact in (
        record["eventTime"],
        record["userIdentity"]["arn"],
        record["sourceIPAddress"],
        record["additionalEventData"]["MFAUsed"],
        record["responseElements"]["ConsoleLogin"],
    ):
        assert fact in message
