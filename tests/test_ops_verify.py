"""verify's failures that the local AWS cannot stage, on recorded AWS answers (botocore's
Stubber): a failed alarm notification, failed rule invocations, only pending subscriptions,
a key pending deletion. Each names what fixes it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from app.config import BaselineConfig
from ops.aws import Aws
from ops.report import Result, Status
from ops.verify import Context, Expected, check_alarms, check_key, check_rules, check_subscriptions

ACCOUNT = "111122223333"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:mgmt-baseline-alerts"
ALARM_TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:mgmt-baseline-alarm-actions"
DAY = datetime.timedelta(hours=24)


class RecordedAws(Aws):
    """An :class:`Aws` whose clients answer from recordings (no network, no credentials)."""

    def __init__(self) -> None:
        super().__init__(boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1"))
        self.stubbers: dict[str, Stubber] = {}

    @property
    def account_id(self) -> str:
        return ACCOUNT

    def stub(self, service: str) -> Stubber:
        if service not in self.stubbers:
            self.stubbers[service] = Stubber(self.client(service))
            self.stubbers[service].activate()
        return self.stubbers[service]


@pytest.fixture
def aws() -> Iterator[RecordedAws]:
    recorded = RecordedAws()
    yield recorded
    for stubber in recorded.stubbers.values():
        stubber.assert_no_pending_responses()


def _context(aws: Aws, **config: Any) -> Context:
    return Context(aws, Expected.of(BaselineConfig.model_validate(config)), DAY)


def _alarm(name: str) -> dict[str, Any]:
    return {"AlarmName": name, "ActionsEnabled": True, "AlarmActions": [ALARM_TOPIC], "StateValue": "OK"}


def test_an_alarm_whose_notification_failed_fails_and_names_the_policy_check(aws: RecordedAws) -> None:
    context = _context(aws, detections={"disabled": ["console-sign-in", "access-denied"]})
    cloudwatch = aws.stub("cloudwatch")
    cloudwatch.add_response(
        "describe_alarms",
        {"MetricAlarms": [_alarm("mgmt-baseline-monthly-charges")]},
        {"AlarmNames": ["mgmt-baseline-monthly-charges"]},
    )
    summary = f"Failed to execute action {ALARM_TOPIC}. Received error: KMS key is disabled"
    cloudwatch.add_response(
        "describe_alarm_history",
        {"AlarmHistoryItems": [{"AlarmName": "mgmt-baseline-monthly-charges", "HistorySummary": summary}]},
        {
            "AlarmName": "mgmt-baseline-monthly-charges",
            "HistoryItemType": "Action",
            "StartDate": ANY,
            "MaxRecords": 100,
        },
    )
    (result,) = check_alarms(context)
    assert (result.item, result.status) == ("alarm mgmt-baseline-monthly-charges", Status.FAIL)
    assert summary in result.detail
    assert result.fix
    assert "./run aws-check-policies" in result.fix


def _rule_answers(aws: RecordedAws, rule: str, failed_invocations: list[float]) -> None:
    events = aws.stub("events")
    events.add_response("describe_rule", {"Name": rule, "State": "ENABLED"}, {"Name": rule})
    events.add_response("list_targets_by_rule", {"Targets": [{"Id": "alert-topic", "Arn": TOPIC}]}, {"Rule": rule})
    aws.stub("cloudwatch").add_response(
        "get_metric_statistics",
        {"Datapoints": [{"Sum": count} for count in failed_invocations]},
        {
            "Namespace": "AWS/Events",
            "MetricName": "FailedInvocations",
            "Dimensions": [{"Name": "RuleName", "Value": rule}],
            "StartTime": ANY,
            "EndTime": ANY,
            "Period": 86400,
            "Statistics": ["Sum"],
        },
    )


def test_a_rule_with_failed_invocations_fails(aws: RecordedAws) -> None:
    # The event detection's rule, then each alarm's message rule (here only the billing alarm's).
    context = _context(aws, detections={"disabled": ["console-sign-in", "access-denied"]})
    _rule_answers(aws, "mgmt-baseline-root-sign-in", [2.0, 1.0])
    _rule_answers(aws, "mgmt-baseline-monthly-charges", [])
    failing, passing = check_rules(context)
    assert failing == Result(
        "rule mgmt-baseline-root-sign-in",
        Status.FAIL,
        "3 failed invocations in the last 3 days",
        "the topic or its KMS key policy refuses EventBridge: re-apply the baseline and run ./run aws-check-policies",
    )
    assert (passing.item, passing.status) == ("rule mgmt-baseline-monthly-charges", Status.PASS)


def test_only_pending_subscriptions_fail_and_are_named(aws: RecordedAws) -> None:
    context = _context(aws, alert_emails=["a@example.com", "b@example.com"])
    aws.stub("sns").add_response(
        "list_subscriptions_by_topic",
        {
            "Subscriptions": [
                {"SubscriptionArn": "PendingConfirmation", "Endpoint": "a@example.com", "Protocol": "email"}
            ]
        },
        {"TopicArn": TOPIC},
    )
    (result,) = check_subscriptions(context)
    assert result.status is Status.FAIL
    assert result.detail == (
        "no confirmed subscription: alerts reach no one; pending confirmation: a@example.com; "
        "not subscribed: b@example.com"
    )
    assert result.fix
    assert "clicks the link" in result.fix


def test_a_key_pending_deletion_fails(aws: RecordedAws) -> None:
    context = _context(aws)
    aws.stub("kms").add_response(
        "describe_key",
        {"KeyMetadata": {"KeyId": "k", "KeyState": "PendingDeletion"}},
        {"KeyId": "alias/mgmt-baseline-baseline"},
    )
    (result,) = check_key(context)
    assert result.status is Status.FAIL
    assert result.detail.startswith("alias/mgmt-baseline-baseline is PendingDeletion")
