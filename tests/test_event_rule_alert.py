"""The EventBridge rules of the catalogue: root console sign-ins."""

from __future__ import annotations

import json

from tests.synth import Synthesized


def test_rule_matches_root_console_sign_ins_only(default_stack: Synthesized) -> None:
    rule = default_stack.body(default_stack.stack.baseline.event_alerts["root-sign-in"].rule)
    assert json.loads(rule["event_pattern"]) == {
        "source": ["aws.signin"],
        "detail-type": ["AWS Console Sign In via CloudTrail"],
        "detail": {"userIdentity": {"type": ["Root"]}},
    }
    assert rule["state"] == "ENABLED"
    assert rule["name"] == "mgmt-baseline-root-sign-in"


def test_rule_notifies_the_alert_topic(default_stack: Synthesized) -> None:
    s = default_stack
    (target,) = s.resources("aws_cloudwatch_event_target").values()
    alert = s.stack.baseline.event_alerts["root-sign-in"]
    # By name, ordered by depends_on: the module flavour can put the same count on both.
    assert target["rule"] == "mgmt-baseline-root-sign-in"
    assert target["depends_on"] == [s.address(alert.rule)]
    assert target["arn"] == s.ref(s.stack.baseline.topic.topic, "arn")


def test_message_says_who_when_where_from_with_mfa_and_result(default_stack: Synthesized) -> None:
    (target,) = default_stack.resources("aws_cloudwatch_event_target").values()
    transformer = target["input_transformer"]
    assert transformer["input_paths"] == {
        "account": "$.account",
        "time": "$.detail.eventTime",
        "user": "$.detail.userIdentity.arn",
        "source_ip": "$.detail.sourceIPAddress",
        "mfa_used": "$.detail.additionalEventData.MFAUsed",
        "result": "$.detail.responseElements.ConsoleLogin",
    }
    message = json.loads(transformer["input_template"])  # a JSON string: plain text for email
    assert isinstance(message, str)
    assert message.startswith("[CRITICAL] Root user sign-in to AWS account <account>")
    for placeholder in transformer["input_paths"]:
        assert f"<{placeholder}>" in message
