"""Every alarm reaches people as one readable message, field by field.

Each alarm (every log detection that is on, and the billing alarm) has an EventBridge rule on
its own "CloudWatch Alarm State Change" events whose target is the alert topic, through an
input transformer. Here the synthesized rules and targets of the app and of the module are
resolved for one account (``tools.policies.resolve``, which evaluates ``urlencode`` and
``replace`` as Terraform does: compared below with ``terraform console``), fed the event
CloudWatch documents, and the message read back: severity and meaning from the catalogue,
account, region, time, state, reason, and for a log detection a console link that, parsed
back, searches the alarm's own log group with the alarm's own filter pattern.
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from app.config import BaselineConfig
from constructs_lib.alarm_messages import ALARM_EVENT_FIELDS, LINK_LABEL, LINK_WINDOW_HOURS
from constructs_lib.billing_alarm import BILLING_ALARM_LABEL, BILLING_SEVERITY, BILLS_URL
from constructs_lib.detections import BILLING_ALERT_STATES, CATALOGUE, LogDetection
from tests.configs import EVERY_OPTION, MINIMAL
from tests.synth import app_documents, baseline_stack
from tests.terraform import terraform_console
from tools.alarm_events import alarm_event, console_link, message_lines, transformed
from tools.policies.resolve import Environment, TerraformJson

ENV = Environment()
EXISTING_LOG_GROUP = "aws-controltower/CloudTrailLogs"
ALARM_TIME = "2026-11-30T06:08:11Z"
REASON = (
    "Threshold Crossed: 1 out of the last 1 datapoints [2.0 (30/11/26 06:03:00)] was greater than the threshold (0.0)"
)
CONFIGS = {
    "default": BaselineConfig(),
    "cis-exact": EVERY_OPTION,
    "cis-management-only": BaselineConfig.model_validate(
        {
            "detections": {
                "cis_pack": "management-only",
                "ignored_principals": ["arn:aws:sts::111122223333:assumed-role/ci-deployer/*"],
                "ignored_event_sources": ["tagging.amazonaws.com"],
            }
        }
    ),
    "minimal": MINIMAL,
    # An existing organization trail's log group (AWS Control Tower's): the filters and links read it.
    "existing-trail": BaselineConfig.model_validate(
        {"trail": {"mode": "existing", "log_group_name": EXISTING_LOG_GROUP}, "detections": {"cis_pack": "exact"}}
    ),
}
STACKS = [f"{flavour}-{name}" for flavour in ("app", "module") for name in CONFIGS]


@cache
def _stack(stack: str) -> TerraformJson:
    flavour, name = stack.split("-", 1)
    return baseline_stack(flavour, CONFIGS[name], ENV)


def _event(alarm: str, state: str = "ALARM") -> dict[str, Any]:
    return alarm_event(ENV.account_id, ENV.region, alarm, state=state, reason=REASON, time=ALARM_TIME)


def _transform(target: dict[str, Any], event: dict[str, Any]) -> str:
    transformer = target["input_transformer"]
    return transformed(transformer["input_template"], transformer["input_paths"], event)


def _alarms(stack: TerraformJson) -> dict[str, dict[str, Any]]:
    """Every alarm, by alarm name."""
    arguments = ("alarm_name", "actions_enabled", "alarm_actions", "insufficient_data_actions")
    alarms = [*stack.arguments("aws_cloudwatch_metric_alarm", "this", *arguments).values()]
    alarms += stack.arguments("aws_cloudwatch_metric_alarm", "estimated_charges", *arguments).values()
    return {alarm["alarm_name"]: alarm for alarm in alarms}


def _messages(stack: TerraformJson) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Each message rule and its target, by the alarm name the rule matches."""
    found = {}
    for name in ("log_alarms", "estimated_charges"):
        rules = stack.arguments("aws_cloudwatch_event_rule", name, "name", "state", "event_pattern")
        targets = stack.arguments("aws_cloudwatch_event_target", name, "rule", "arn", "input_transformer")
        assert rules.keys() == targets.keys()
        for key, rule in rules.items():
            (alarm,) = json.loads(rule["event_pattern"])["detail"]["alarmName"]
            found[alarm] = (rule, targets[key])
    return found


def _filters(stack: TerraformJson) -> dict[str, dict[str, Any]]:
    """Every metric filter, by name (the name of its alarm)."""
    filters = stack.arguments("aws_cloudwatch_log_metric_filter", "this", "name", "pattern", "log_group_name")
    return {f["name"]: f for f in filters.values()}


def _topic_arn(stack: TerraformJson, name: str) -> str:
    arn: str = stack.attribute("resource", "aws_sns_topic", name, "arn")
    return arn


def _detection(alarm_name: str) -> LogDetection:
    (detection,) = (d for d in CATALOGUE.values() if alarm_name.endswith(f"-{d.name}"))
    assert isinstance(detection, LogDetection)
    return detection


@pytest.mark.parametrize("stack", STACKS)
def test_every_alarm_has_one_message_rule_on_its_own_changes_to_an_alert_state(stack: str) -> None:
    resolved = _stack(stack)
    alarms, messages = _alarms(resolved), _messages(resolved)
    assert messages.keys() == alarms.keys()
    for name, (rule, target) in messages.items():
        assert rule["name"] == name  # the rule is named after its alarm
        assert rule["state"] == "ENABLED"
        states = list(BILLING_ALERT_STATES) if name.endswith("-organization-charges") else ["ALARM"]
        assert json.loads(rule["event_pattern"]) == {
            "source": ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            "detail": {"alarmName": [name], "state": {"value": states}},
        }
        assert target["rule"] == name
        assert target["arn"] == _topic_arn(resolved, "alerts")
        assert target["input_transformer"]["input_paths"] == dict(ALARM_EVENT_FIELDS)


@pytest.mark.parametrize("stack", STACKS)
def test_alarms_notify_only_the_topic_people_do_not_read(stack: str) -> None:
    # Security Hub CloudWatch.15/.17: every alarm has an enabled action; people get the message only.
    resolved = _stack(stack)
    alarm_topic = _topic_arn(resolved, "alarm_actions")
    for alarm in _alarms(resolved).values():
        assert alarm["actions_enabled"] is True
        assert alarm["alarm_actions"] == [alarm_topic]
        assert alarm.get("insufficient_data_actions", [alarm_topic]) == [alarm_topic]
    # Its only subscriber is the account's own queue (SQS), never a person.
    subscriptions = resolved.doc["resource"]["aws_sns_topic_subscription"].values()
    protocols = {resolved.value(s["topic_arn"]): s["protocol"] for s in subscriptions}
    assert protocols == {_topic_arn(resolved, "alerts"): "email", alarm_topic: "sqs"}


@pytest.mark.parametrize("stack", STACKS)
def test_a_log_alarms_message_says_what_happened_where_and_when(stack: str) -> None:
    resolved = _stack(stack)
    for name, (_rule, target) in _messages(resolved).items():
        if name.endswith("-organization-charges"):
            continue
        detection = _detection(name)
        lines = message_lines(_transform(target, _event(name)))
        assert lines[:3] == [
            f"[{detection.severity}] {detection.name}: {detection.description}",
            f"Account {ENV.account_id}, region {ENV.region}, at {ALARM_TIME}: alarm {name} is ALARM.",
            f"Why: {REASON}",
        ]
        assert len(lines) == 4
        assert lines[3].startswith(LINK_LABEL + "https://")


@pytest.mark.parametrize("stack", STACKS)
def test_the_link_searches_the_alarms_log_group_with_the_alarms_own_pattern(stack: str) -> None:
    resolved = _stack(stack)
    filters = _filters(resolved)
    log_group = CONFIGS[stack.split("-", 1)[1]].trail.log_group_name or resolved.attribute(
        "resource", "aws_cloudwatch_log_group", "organization_trail", "name"
    )
    links = 0
    for name, (_rule, target) in _messages(resolved).items():
        if name.endswith("-organization-charges"):
            continue
        link = console_link(_transform(target, _event(name)))
        assert link == {
            "host": f"{ENV.region}.console.aws.amazon.com",
            "path": "/cloudwatch/home",
            "region": ENV.region,
            "log_group": log_group,
            "pattern": filters[name]["pattern"],
            "start": str(-LINK_WINDOW_HOURS * 3600 * 1000),
        }
        assert filters[name]["log_group_name"] == log_group
        links += 1
    assert links == len(filters) > 0


@pytest.mark.parametrize("stack", STACKS)
def test_nothing_account_specific_is_written_into_a_message(stack: str) -> None:
    # The account id and region reach the message from the event and the plan-time lookups only.
    flavour, name = stack.split("-", 1)
    documents = app_documents(CONFIGS[name])[:1] if flavour == "app" else [json.loads(_module_text())]
    for document in documents:
        for block in [
            *document["resource"]["aws_cloudwatch_event_target"].values(),
            *document["resource"]["aws_cloudwatch_event_rule"].values(),
        ]:
            text = json.dumps({k: v for k, v in block.items() if k != "for_each"})
            assert not re.search(r"\d{12}", text)
            assert "us-east-1" not in text


def _module_text() -> str:
    return (Path(__file__).parents[1] / "modules" / "management-account-baseline" / "main.tf.json").read_text()


#: The stacks whose config sets billing.organization_limit_usd: the billing alarm is built.
BILLED_STACKS = [stack for stack in STACKS if CONFIGS[stack.split("-", 1)[1]].billing.organization_limit_usd]


def test_the_billing_alarm_is_built_only_with_its_limit() -> None:
    assert BILLED_STACKS == ["app-cis-exact", "module-cis-exact"]
    for stack in STACKS:
        names = [name for name in _messages(_stack(stack)) if name.endswith("-organization-charges")]
        assert len(names) == (stack in BILLED_STACKS)


@pytest.mark.parametrize("stack", BILLED_STACKS)
def test_the_billing_message_names_the_bill_the_limit_and_where_to_look(stack: str) -> None:
    resolved = _stack(stack)
    (name,) = (name for name in _messages(resolved) if name.endswith("-organization-charges"))
    _rule, target = _messages(resolved)[name]
    (billing,) = resolved.arguments("aws_cloudwatch_metric_alarm", "estimated_charges", "threshold").values()
    limit = billing["threshold"]
    for state in BILLING_ALERT_STATES:
        lines = message_lines(_transform(target, _event(name, state)))
        assert lines[0] == (
            f"[{BILLING_SEVERITY}] {BILLING_ALARM_LABEL}: The organization's estimated charges of the month "
            f"(every account, consolidated billing) are above {limit:.2f} USD."
        )
        assert lines[1] == f"Account {ENV.account_id}, region {ENV.region}, at {ALARM_TIME}: alarm {name} is {state}."
        assert lines[2] == f"Why: {REASON}"
        assert lines[3].startswith("If it is INSUFFICIENT_DATA, no billing data arrived for a day")
        assert lines[-1] == f"The bills: {BILLS_URL}"


def _input_template_limit() -> int:
    shape = botocore.session.get_session().get_service_model("events").shape_for("TransformerInput")
    limit: int = shape.metadata["max"]
    return limit


def test_the_longest_template_fits_eventbridges_limit() -> None:
    # The longest pattern the config allows (1024 characters, every character one that
    # urlencode turns into three) still leaves a template EventBridge takes.
    limit = _input_template_limit()
    resolved = _stack("app-cis-management-only")
    longest = max(
        (target for _rule, target in _messages(resolved).values()),
        key=lambda target: len(target["input_transformer"]["input_template"]),
    )
    template = longest["input_transformer"]["input_template"]
    pattern_part = re.search(r"filterPattern\$3D(\S+?)\$26start", template)
    assert pattern_part is not None
    worst = len(template) - len(pattern_part.group(1)) + 1024 * len("$2521")
    assert limit == 8192
    assert worst <= limit, f"a 1024-character pattern could make the template {worst} characters long"


def test_the_resolver_encodes_as_terraform_does(tmp_path: Path) -> None:
    samples = [
        string.printable.strip(),
        "Grüße ✓",
        *(d.pattern for d in CATALOGUE.values() if isinstance(d, LogDetection)),
    ]
    expressions = [f'replace(replace(urlencode({json.dumps(s)}), "%", "$25"), "+", "$2B")' for s in samples]
    answers = terraform_console(expressions, tmp_path)
    resolver = TerraformJson({}, ENV)
    assert answers == [resolver.value("${" + expression + "}") for expression in expressions]
