"""``./run verify`` and ``./run drill`` on the local AWS: before and after a deploy, each
verify item failing when its precondition is removed, and a drill whose messages arrive.

The commands run as a user runs them (``python -m ops``, the SDK environment pointing at
the local AWS); the test plays the operator's manual steps with boto3. What the local AWS
cannot do by itself (deliver trail events, publish the billing metric) the test does, as
AWS would.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest

from ops.aws import Aws
from ops.drill import Drill
from tests.e2e.deploy import Deployment, apply_with_terraform, local_settings, to_toml
from tests.e2e.operator import deliver_trail_event, failures, ops, statuses
from tests.local_aws import LocalAws


@pytest.fixture(scope="module")
def config_file(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("operator")
    path = workdir / "baseline.toml"
    path.write_text(to_toml(local_settings(local_aws, workdir)))
    return path


def test_verify_before_the_deploy_fails_the_items_that_need_it(local_aws: LocalAws, config_file: Path) -> None:
    code, report = ops(local_aws, "verify", "--config", str(config_file))
    assert code == 1
    failed = failures(report)
    assert "trail" in failed
    assert "deploy the baseline" in failed["trail"]
    for item in ("log group receives events", "alarm mgmt-baseline-access-denied", "topic subscriptions", "KMS key"):
        assert item in failed
    assert statuses(report)["region"] == "pass"
    assert statuses(report)["budget"] == "skip"  # create_budget is off on the local AWS


@pytest.fixture(scope="module")
def deployed(local_aws: LocalAws, config_file: Path) -> Deployment:
    deployment = apply_with_terraform(local_aws, config_file.parent)
    assert deployment.config_file == config_file
    return deployment


def test_verify_after_the_deploy_names_the_manual_steps_still_to_do(deployed: Deployment) -> None:
    code, report = ops(deployed.aws, "verify", "--config", str(deployed.config_file))
    assert code == 1
    failed = failures(report)
    assert set(failed) == {"log group receives events", "billing metric", "trusted access for CloudTrail"}
    assert "Receive CloudWatch Billing Alerts" in failed["billing metric"]
    assert (
        "enable-aws-service-access --service-principal cloudtrail.amazonaws.com"
        in failed["trusted access for CloudTrail"]
    )


@pytest.fixture(scope="module")
def operated(deployed: Deployment) -> Deployment:
    """The deployment after the operator's manual steps (README), and a first trail event."""
    aws = deployed.aws
    aws.client("organizations").enable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")
    aws.client("cloudwatch").put_metric_data(  # AWS publishes it once billing alerts are on
        Namespace="AWS/Billing",
        MetricData=[
            {"MetricName": "EstimatedCharges", "Value": 1.5, "Dimensions": [{"Name": "Currency", "Value": "USD"}]}
        ],
    )
    deliver_trail_event(aws, "/aws/cloudtrail/mgmt-baseline-organization-trail")
    return deployed


def test_verify_after_the_manual_steps_passes_every_item(operated: Deployment) -> None:
    code, report = ops(operated.aws, "verify", "--config", str(operated.config_file))
    assert failures(report) == {}
    assert code == 0
    items = statuses(report)
    assert items["alarm mgmt-baseline-organization-charges"] == "pass"
    assert (items["anomaly monitor"], items["anomaly subscription"]) == ("pass", "pass")
    assert items["rule mgmt-baseline-root-sign-in"] == "pass"
    assert items["trusted access for CloudTrail"] == "pass"
    assert items["budget"] == "skip"


@pytest.fixture
def restored(operated: Deployment) -> Iterator[Deployment]:
    """The operated deployment; a test that breaks a precondition mends it in its own body."""
    yield operated
    code, report = ops(operated.aws, "verify", "--config", str(operated.config_file))
    assert (code, failures(report)) == (0, {}), "a test left the deployment broken"


@contextmanager
def _unsubscribed(deployment: Deployment, topic_name: str) -> Iterator[None]:
    """The topic's one subscription removed while it lasts, then made again (same protocol, endpoint)."""
    sns = deployment.aws.client("sns")
    topic = f"arn:aws:sns:us-east-1:{deployment.aws.account_id}:{topic_name}"
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
    try:
        yield
    finally:
        sns.subscribe(TopicArn=topic, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])


def _no_subscription(deployment: Deployment) -> AbstractContextManager[None]:
    return _unsubscribed(deployment, "mgmt-baseline-alerts")


def _alarm_actions_unsubscribed(deployment: Deployment) -> AbstractContextManager[None]:
    return _unsubscribed(deployment, "mgmt-baseline-alarm-actions")


@contextmanager
def _alarm_actions_disabled(deployment: Deployment) -> Iterator[None]:
    cloudwatch = deployment.aws.client("cloudwatch")
    cloudwatch.disable_alarm_actions(AlarmNames=["mgmt-baseline-access-denied"])
    try:
        yield
    finally:
        cloudwatch.enable_alarm_actions(AlarmNames=["mgmt-baseline-access-denied"])


@contextmanager
def _trail_stopped(deployment: Deployment) -> Iterator[None]:
    cloudtrail = deployment.aws.client("cloudtrail")
    cloudtrail.stop_logging(Name="mgmt-baseline-organization-trail")
    try:
        yield
    finally:
        cloudtrail.start_logging(Name="mgmt-baseline-organization-trail")


@contextmanager
def _rule_disabled(deployment: Deployment) -> Iterator[None]:
    events = deployment.aws.client("events")
    events.disable_rule(Name="mgmt-baseline-root-sign-in")
    try:
        yield
    finally:
        events.enable_rule(Name="mgmt-baseline-root-sign-in")


@contextmanager
def _key_disabled(deployment: Deployment) -> Iterator[None]:
    kms = deployment.aws.client("kms")
    key = kms.describe_key(KeyId="alias/mgmt-baseline-baseline")["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=key)
    try:
        yield
    finally:
        kms.enable_key(KeyId=key)


#: (case, what removes the precondition while it lasts, the one item that must fail, its fix).
BROKEN: list[tuple[str, Callable[[Deployment], AbstractContextManager[None]], str, str]] = [
    ("no-subscription-left", _no_subscription, "topic subscriptions", "clicks the link"),
    ("alarm-actions-unsubscribed", _alarm_actions_unsubscribed, "alarm-actions topic subscription", "re-apply"),
    ("alarm-actions-disabled", _alarm_actions_disabled, "alarm mgmt-baseline-access-denied", "enable-alarm-actions"),
    ("trail-stopped", _trail_stopped, "trail logging", "start-logging"),
    ("rule-disabled", _rule_disabled, "rule mgmt-baseline-root-sign-in", "enable-rule"),
    ("key-disabled", _key_disabled, "KMS key", "enable-key"),
]


@pytest.mark.parametrize(("broken", "item", "fix"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_verify_fails_the_one_item_whose_precondition_is_removed(
    restored: Deployment, broken: Callable[[Deployment], AbstractContextManager[None]], item: str, fix: str
) -> None:
    with broken(restored):
        code, report = ops(restored.aws, "verify", "--config", str(restored.config_file))
    assert code == 1
    failed = failures(report)
    assert list(failed) == [item]
    assert fix in failed[item]


def _drill_queue(deployment: Deployment) -> str:
    """An SQS queue subscribed to the alert topic: what a person's inbox would receive."""
    aws = deployment.aws
    sqs = aws.client("sqs")
    queue_url = sqs.create_queue(QueueName="drill-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = f"arn:aws:sns:us-east-1:{aws.account_id}:mgmt-baseline-alerts"
    aws.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return str(queue_url)


def _received(deployment: Deployment, queue_url: str) -> list[str]:
    sqs, messages = deployment.aws.client("sqs"), []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        messages += [json.loads(message["Body"])["Message"] for message in batch]
        sqs.delete_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch]
        )
    return messages


def _alarm_states(deployment: Deployment) -> dict[str, str]:
    alarms = deployment.aws.client("cloudwatch").describe_alarms(AlarmNamePrefix="mgmt-baseline-")["MetricAlarms"]
    return {alarm["AlarmName"]: alarm["StateValue"] for alarm in alarms}


def _drill_rules(deployment: Deployment) -> list[str]:
    rules = deployment.aws.client("events").list_rules(NamePrefix="mgmt-baseline-drill-")["Rules"]
    return [rule["Name"] for rule in rules]


def test_the_drill_s_dry_run_lists_every_step_and_touches_nothing(operated: Deployment) -> None:
    before = _alarm_states(operated)
    code, report = ops(operated.aws, "drill", "--config", str(operated.config_file), "--dry-run")
    assert code == 0
    # Planned steps; the budget skipped (no budget on the local AWS); anomaly alerts for a person to check.
    assert set(statuses(report).values()) == {"planned", "skip", "manual"}
    assert statuses(report)["anomaly alerts"] == "manual"
    assert {"EventBridge", "topic", "alarm mgmt-baseline-access-denied"} <= set(statuses(report))
    assert _alarm_states(operated) == before


def test_the_drill_reaches_the_topic_by_every_path_and_leaves_nothing_behind(operated: Deployment) -> None:
    queue_url = _drill_queue(operated)
    before = _alarm_states(operated)
    code, report = ops(
        operated.aws, "drill", "--config", str(operated.config_file), "--marker", "e2e", "--wait-seconds", "5"
    )
    assert failures(report) == {}
    assert code == 0
    items = statuses(report)
    assert {item for item, status in items.items() if status == "pass"} == {
        *(f"alarm {name}" for name in before),
        "EventBridge",
        "topic",
    }
    assert items["budget"] == "skip"
    messages = _received(operated, queue_url)
    # One readable message per alarm, the rule's event and the test message, each marked.
    assert len(messages) == len(before) + 2
    assert all("Fire drill e2e " in message for message in messages)
    alarmed = [re.search(r'^"Account .*: alarm (\S+) is ALARM\."$', message, re.MULTILINE) for message in messages]
    assert sorted(match.group(1) for match in alarmed if match) == sorted(before)
    assert _alarm_states(operated) == before
    assert _drill_rules(operated) == []


def test_an_interrupted_drill_sets_the_alarms_back_and_deletes_its_rule(
    operated: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", operated.aws.endpoint)
    before = _alarm_states(operated)

    deliveries = Drill._deliveries

    def interrupted(self: Drill, rules: list[str]) -> dict[str, tuple[float, float]]:
        if rules != [self.rule_name]:  # the alarms' message rules: read as usual
            return deliveries(self, rules)
        assert _drill_rules(operated) == ["mgmt-baseline-drill-interrupted"]  # the rule exists now
        raise KeyboardInterrupt

    monkeypatch.setattr(Drill, "_deliveries", interrupted)
    with (
        pytest.raises(KeyboardInterrupt),
        Drill(operated.config, Aws(), marker="interrupted", wait=datetime.timedelta(seconds=1)) as drill,
    ):
        drill.run()
    assert _drill_rules(operated) == []
    assert _alarm_states(operated) == before


def test_a_drill_interrupted_among_the_alarms_sets_back_those_it_set(
    operated: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", operated.aws.endpoint)
    aws = Aws(boto3.Session())
    cloudwatch = aws.client("cloudwatch")
    before = _alarm_states(operated)
    calls: list[tuple[str, str]] = []
    set_alarm_state = cloudwatch.set_alarm_state

    def then_ctrl_c(**request: Any) -> Any:
        calls.append((request["AlarmName"], request["StateValue"]))
        if len(calls) == 3:  # the second alarm's first change: the first is in ALARM now
            raise KeyboardInterrupt
        return set_alarm_state(**request)

    cloudwatch.set_alarm_state = then_ctrl_c
    with pytest.raises(KeyboardInterrupt), Drill(operated.config, aws, marker="among-alarms") as drill:
        drill.run()
    first = calls[0][0]
    assert calls[:2] == [(first, "OK"), (first, "ALARM")]
    assert (first, before[first]) in calls[3:]  # set back by the clean-up
    assert _alarm_states(operated) == before
