"""verify's failures that the local AWS cannot stage, on recorded AWS answers (botocore's
Stubber): a failed alarm notification, failed rule invocations, only pending subscriptions,
a key pending deletion, an existing trail that delivers to another Region or does not log
management events. Each names what fixes it."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from app.config import BaselineConfig
from constructs_lib.detections import BILLING_ALERT_STATES, ROOT_SIGN_IN, alarm_state_change_pattern
from ops.aws import Aws
from ops.report import Result, Status
from ops.verify import (
    Context,
    Expected,
    check_alarms,
    check_anomaly_alerts,
    check_key,
    check_rules,
    check_subscriptions,
    check_trail,
)

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


#: A config with the billing alarm on the organization's total (off by default).
BILLED = {"organization_limit_usd": 5000}


def _context(aws: Aws, **config: Any) -> Context:
    return Context(aws, Expected.of(BaselineConfig.model_validate(config)), DAY)


def _alarm(name: str) -> dict[str, Any]:
    return {"AlarmName": name, "ActionsEnabled": True, "AlarmActions": [ALARM_TOPIC], "StateValue": "OK"}


def test_an_alarm_whose_notification_failed_fails_and_names_the_policy_check(aws: RecordedAws) -> None:
    context = _context(aws, detections={"disabled": ["console-sign-in", "access-denied"]}, billing=BILLED)
    cloudwatch = aws.stub("cloudwatch")
    cloudwatch.add_response(
        "describe_alarms",
        {"MetricAlarms": [_alarm("mgmt-baseline-organization-charges")]},
        {"AlarmNames": ["mgmt-baseline-organization-charges"]},
    )
    summary = f"Failed to execute action {ALARM_TOPIC}. Received error: KMS key is disabled"
    cloudwatch.add_response(
        "describe_alarm_history",
        {"AlarmHistoryItems": [{"AlarmName": "mgmt-baseline-organization-charges", "HistorySummary": summary}]},
        {
            "AlarmName": "mgmt-baseline-organization-charges",
            "HistoryItemType": "Action",
            "StartDate": ANY,
            "MaxRecords": 100,
        },
    )
    (result,) = check_alarms(context)
    assert (result.item, result.status) == ("alarm mgmt-baseline-organization-charges", Status.FAIL)
    assert summary in result.detail
    assert result.fix
    assert "./run aws-check-policies" in result.fix


def _rule_answers(
    aws: RecordedAws,
    rule: str,
    failed_invocations: list[float] | None,
    *,
    pattern: dict[str, Any],
    transformer: bool = True,
) -> None:
    """What EventBridge and CloudWatch answer for one rule; no metric read when ``failed_invocations`` is None."""
    events = aws.stub("events")
    events.add_response(
        "describe_rule", {"Name": rule, "State": "ENABLED", "EventPattern": json.dumps(pattern)}, {"Name": rule}
    )
    target: dict[str, Any] = {"Id": "alert-topic", "Arn": TOPIC}
    if transformer:
        target["InputTransformer"] = {"InputPathsMap": {}, "InputTemplate": '"x"'}
    events.add_response("list_targets_by_rule", {"Targets": [target]}, {"Rule": rule})
    if failed_invocations is None:
        return
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
    context = _context(aws, detections={"disabled": ["console-sign-in", "access-denied"]}, billing=BILLED)
    _rule_answers(aws, "mgmt-baseline-root-sign-in", [2.0, 1.0], pattern=ROOT_SIGN_IN.event_pattern)
    _rule_answers(aws, "mgmt-baseline-organization-charges", [], pattern=_billing_pattern())
    failing, passing = check_rules(context)
    assert failing == Result(
        "rule mgmt-baseline-root-sign-in",
        Status.FAIL,
        "3 failed invocations in the last 3 days",
        "the topic or its KMS key policy refuses EventBridge: re-apply the baseline and run ./run aws-check-policies",
    )
    assert (passing.item, passing.status) == ("rule mgmt-baseline-organization-charges", Status.PASS)


def _billing_pattern() -> dict[str, Any]:
    return alarm_state_change_pattern("mgmt-baseline-organization-charges", BILLING_ALERT_STATES)


def test_a_message_rule_changed_by_hand_fails(aws: RecordedAws) -> None:
    # The billing alarm's rule now matches ALARM only (an INSUFFICIENT_DATA alert would be lost),
    # and the root sign-in rule's target sends the raw event.
    context = _context(aws, detections={"disabled": ["console-sign-in", "access-denied"]}, billing=BILLED)
    _rule_answers(aws, "mgmt-baseline-root-sign-in", None, pattern=ROOT_SIGN_IN.event_pattern, transformer=False)
    narrowed = alarm_state_change_pattern("mgmt-baseline-organization-charges", ("ALARM",))
    _rule_answers(aws, "mgmt-baseline-organization-charges", None, pattern=narrowed)
    raw, changed = check_rules(context)
    assert (raw.status, raw.detail) == (Status.FAIL, "sends the topic the raw event, not the message")
    assert (changed.status, changed.detail) == (Status.FAIL, "its event pattern is not the baseline's")
    assert changed.fix
    assert "re-apply the baseline" in changed.fix


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


SERVICES_MONITOR = f"arn:aws:ce::{ACCOUNT}:anomalymonitor/0a1b2c3d-1111-2222-3333-444455556666"


def test_a_missing_anomaly_monitor_names_the_services_monitor_the_account_already_has(aws: RecordedAws) -> None:
    # AWS creates an AWS services monitor when Cost Explorer is first enabled, and an account holds one:
    # the baseline's could not be created, so verify names the one to subscribe instead.
    existing = {
        "MonitorArn": SERVICES_MONITOR,
        "MonitorName": "Default-Services-Monitor",
        "MonitorType": "DIMENSIONAL",
        "MonitorDimension": "SERVICE",
    }
    aws.stub("ce").add_response("get_anomaly_monitors", {"AnomalyMonitors": [existing]}, {})
    (result,) = check_anomaly_alerts(_context(aws))
    assert (result.item, result.status) == ("anomaly monitor", Status.FAIL)
    assert f"this account's AWS services monitor is {SERVICES_MONITOR}: set billing.anomaly_monitor to it" in (
        result.detail
    )


def test_an_anomaly_subscription_that_does_not_reach_the_topic_at_once_fails(aws: RecordedAws) -> None:
    monitor = {
        "MonitorArn": SERVICES_MONITOR,
        "MonitorName": "x",
        "MonitorType": "DIMENSIONAL",
        "MonitorDimension": "SERVICE",
    }
    subscription = {
        "SubscriptionName": "mgmt-baseline-cost-anomalies",
        "MonitorArnList": [SERVICES_MONITOR],
        "Subscribers": [{"Address": "secops@example.com", "Type": "EMAIL"}],
        "Frequency": "DAILY",
    }
    ce = aws.stub("ce")
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [monitor]}, {})
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": [subscription]}, {})
    monitor_result, subscription_result = check_anomaly_alerts(
        _context(aws, billing={"anomaly_monitor": SERVICES_MONITOR})
    )
    assert monitor_result.status == Status.PASS
    assert (subscription_result.item, subscription_result.status) == ("anomaly subscription", Status.FAIL)
    assert subscription_result.detail == (
        "mgmt-baseline-cost-anomalies: frequency DAILY, does not notify the alert topic"
    )


CONTROL_TOWER_GROUP = "aws-controltower/CloudTrailLogs"
CONTROL_TOWER_TRAIL = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/aws-controltower-BaselineCloudTrail"


def _control_tower_trail(region: str = "us-east-1", **fields: Any) -> dict[str, Any]:
    return {
        "Name": "aws-controltower-BaselineCloudTrail",
        "TrailARN": CONTROL_TOWER_TRAIL,
        "HomeRegion": "us-east-1",
        "IsOrganizationTrail": True,
        "IsMultiRegionTrail": True,
        "IncludeGlobalServiceEvents": True,
        "LogFileValidationEnabled": True,
        "CloudWatchLogsLogGroupArn": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{CONTROL_TOWER_GROUP}:*",
        **fields,
    }


def _existing(aws: RecordedAws, **trail: Any) -> Context:
    return _context(aws, trail={"mode": "existing", "log_group_name": CONTROL_TOWER_GROUP, **trail})


def test_an_existing_trail_that_delivers_to_another_region_fails_naming_the_region(aws: RecordedAws) -> None:
    aws.stub("cloudtrail").add_response(
        "describe_trails", {"trailList": [_control_tower_trail("eu-west-1")]}, {"includeShadowTrails": True}
    )
    (result,) = check_trail(_existing(aws))
    assert (result.item, result.status) == ("existing trail", Status.FAIL)
    assert f"delivers to {CONTROL_TOWER_GROUP} in eu-west-1 of account {ACCOUNT}" in result.detail
    assert result.fix is not None
    assert "cloudwatch_logs_scope = management-account" in result.fix


def test_no_trail_delivering_to_the_named_group_fails_naming_where_the_trails_deliver(aws: RecordedAws) -> None:
    other = _control_tower_trail(CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:other:*")
    aws.stub("cloudtrail").add_response("describe_trails", {"trailList": [other]}, {"includeShadowTrails": True})
    (result,) = check_trail(_existing(aws))
    assert result.status is Status.FAIL
    elsewhere = "aws-controltower-BaselineCloudTrail delivers to other in us-east-1"
    assert result.detail == f"no trail delivers to {CONTROL_TOWER_GROUP} ({elsewhere})"
    assert result.fix is not None
    assert result.fix.startswith("set trail.log_group_name")


def test_an_existing_trail_without_management_events_fails(aws: RecordedAws) -> None:
    cloudtrail = aws.stub("cloudtrail")
    cloudtrail.add_response(
        "describe_trails",
        {"trailList": [_control_tower_trail()]},
        {"trailNameList": [CONTROL_TOWER_TRAIL], "includeShadowTrails": True},
    )
    data_only = {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}
    cloudtrail.add_response("get_event_selectors", data_only, {"TrailName": CONTROL_TOWER_TRAIL})
    cloudtrail.add_response("get_trail_status", {"IsLogging": True}, {"Name": CONTROL_TOWER_TRAIL})
    shape, logging, to_s3, to_logs = check_trail(_existing(aws, trail_arn=CONTROL_TOWER_TRAIL))
    assert shape.status is Status.FAIL
    assert shape.detail.endswith("but is not logging management events")
    assert [r.status for r in (logging, to_s3, to_logs)] == [Status.PASS] * 3


def test_another_organization_trail_is_a_paid_duplicate_with_the_figure_at_the_cost_volumes(aws: RecordedAws) -> None:
    own = {
        "Name": "mgmt-baseline-organization-trail",
        "TrailARN": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/mgmt-baseline-organization-trail",
        "IsOrganizationTrail": True,
        "IsMultiRegionTrail": True,
        "IncludeGlobalServiceEvents": True,
        "LogFileValidationEnabled": True,
        "CloudWatchLogsLogGroupArn": (
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/cloudtrail/mgmt-baseline-organization-trail:*"
        ),
    }
    cloudtrail = aws.stub("cloudtrail")
    cloudtrail.add_response(
        "describe_trails",
        {"trailList": [own]},
        {"trailNameList": ["mgmt-baseline-organization-trail"], "includeShadowTrails": True},
    )
    cloudtrail.add_response("get_trail_status", {"IsLogging": True}, {"Name": own["TrailARN"]})
    cloudtrail.add_response(
        "describe_trails", {"trailList": [own, _control_tower_trail()]}, {"includeShadowTrails": True}
    )
    cloudtrail.add_response("get_event_selectors", {}, {"TrailName": CONTROL_TOWER_TRAIL})
    context = _context(aws, cost={"accounts": 50, "events_per_account": 1000000})
    *own_results, duplicate = check_trail(context)
    assert [r.status for r in own_results] == [Status.PASS] * 4
    assert (duplicate.item, duplicate.status) == ("other trails: aws-controltower-BaselineCloudTrail", Status.WARN)
    # 50 accounts x 1,000,000 events x $2.00 per 100,000 (ops/prices.toml).
    assert "it costs 1,000.00 USD a month (50,000,000 events x $2.00 per 100,000" in duplicate.detail
    assert duplicate.fix is not None
    assert duplicate.fix.startswith("set trail.mode = existing")
