"""moto's server over TLS, with bucket policies evaluated as for TLS requests.

    python -m tests.moto_tls_server -H 127.0.0.1 -p PORT --ssl-cert CERT --ssl-key KEY

moto (5.2.5) evaluates bucket policies without the request's condition context and
treats a statement whose condition does not hold as a denial, even for a ``Deny``
statement. A TLS-only bucket policy (``Deny`` when ``aws:SecureTransport`` is ``false``,
as every bucket of this project has) therefore refuses every request, TLS or not. This
server only speaks TLS, so such a statement can never apply to a request it receives:
it leaves those statements out when it checks a bucket policy. The policy stored (and
read back by the tests) is the full one.

moto 5.2.5 also leaves out what the fire drill (``ops/drill.py``) observes; this server adds
it, each as AWS documents it:

- EventBridge's TestEventPattern: answered with moto's own rule matcher (the one that routes
  PutEvents to targets).
- A CloudWatch alarm's actions: on a change to ALARM with actions enabled, the alarm
  publishes to each SNS topic of its ``AlarmActions`` and records an ``Action`` item in its
  history ("Successfully executed action ..." or "Failed to execute action ..."), and
  DescribeAlarmHistory answers from that history.
- An alarm's state change event: "CloudWatch sends events to Amazon EventBridge whenever a
  CloudWatch alarm ... changes alarm state" (CloudWatch User Guide, "Alarm events and
  EventBridge"). On every change of state, with or without actions, the default bus of the
  alarm's account and region gets a "CloudWatch Alarm State Change" event in the documented
  shape (the fields the baseline's messages read: account, region, time, alarmName, state
  value and reason, previous state, description; no metrics).
- An EventBridge rule's SNS targets: a matched event is published to the topic (moto
  delivers only to SQS, log groups and buses), through the target's input transformer (a
  text template sent as written, each field filled in, as AWS's tutorial shows), and the rule's ``Invocations`` metric
  counts it in ``AWS/Events`` ("includes successful and failed invocations", EventBridge
  metrics reference), and ``FailedInvocations`` too when the publish failed.

- CloudTrail's DeleteTrail by ARN: "Name: Specifies the name or the CloudTrail ARN of the trail
  to be deleted" (CloudTrail API Reference, DeleteTrail); moto deletes by name only and answers
  an ARN with success, keeping the trail (the provider deletes by ARN).
- CloudTrail's DescribeTrails with ``trailNameList``: "Specifies a list of trail names, trail ARNs,
  or both, of the trails to describe" (CloudTrail API Reference, DescribeTrails); a name matches
  a trail of the current Region only, an ARN any trail the account sees. moto 5.2.5 ignores the
  list and answers every trail, so the provider, which reads one trail by ARN, fails with "too
  many results" once the account has two.
- S3 Object Lock turned on for a versioned bucket that holds objects: "You can enable Object
  Lock for new or existing buckets" (S3 API Reference, PutObjectLockConfiguration; S3 User Guide,
  "Enable Object Lock on an existing S3 bucket": "Object Lock works only with versioned
  buckets"); moto 5.2.5 still refuses a bucket with objects, as S3 did before November 2023.
  A bucket without versioning is still refused.

- Cost Anomaly Detection's monitors and subscriptions (``tests/moto_cost_anomalies.py``): moto
  5.2.5 has no anomaly API.

For the tests only, a refusal they stage: while the JSON file named by ``LOCAL_AWS_REFUSALS``
maps an S3 operation to a bucket name (``{"PutObjectLockConfiguration": ["bucket"]}``), that
operation on that bucket answers ``AccessDenied``, as S3 does for a role without the permission.

Nothing else of moto is changed.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

from moto.cloudtrail.models import CloudTrailBackend
from moto.cloudtrail.responses import CloudTrailResponse
from moto.cloudwatch.models import Alarm, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.events.models import EventPattern, Rule, events_backends
from moto.events.responses import EventsHandler
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.exceptions import InvalidBucketState, S3ClientError
from moto.s3.models import FakeBucket, S3Backend
from moto.server import main
from moto.sns.models import sns_backends

from tests import moto_cost_anomalies

TLS_ONLY_CONDITION = {"Bool": {"aws:SecureTransport": "false"}}


def _applies_over_tls(statement: dict[str, Any]) -> bool:
    return not (statement.get("Effect") == "Deny" and statement.get("Condition") == TLS_ONLY_CONDITION)


def _get_permission(self: FakeBucket, action: str, resource: str) -> Any:
    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy)
    statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    policy["Statement"] = [statement for statement in statements if _applies_over_tls(statement)]
    return IAMPolicy(json.dumps(policy)).is_action_permitted(action, resource)


def _test_event_pattern(self: EventsHandler) -> tuple[str, dict[str, str]]:
    pattern = EventPattern.load(self._get_param("EventPattern"))
    event = json.loads(self._get_param("Event"))
    return json.dumps({"Result": pattern.matches_event(event)}), self.response_headers


def _publish(topic_arn: str, message: str, subject: str | None) -> str:
    """Publish to an SNS topic of the local AWS; the history line AWS would record."""
    _, _, _, region, account, _ = topic_arn.split(":", 5)
    try:
        sns_backends[account][region].publish(message, arn=topic_arn, subject=subject)
    except Exception as error:  # any refusal is a failed action, as on AWS
        return f"Failed to execute action {topic_arn}. Received error: {error}"
    return f"Successfully executed action {topic_arn}"


_update_state = Alarm.update_state


def _state_change_event(alarm: Alarm, previous: dict[str, Any]) -> dict[str, Any]:
    """The PutEvents entry of an alarm's state change, in the shape CloudWatch documents."""

    def state(value: str, reason: str, when: datetime.datetime) -> dict[str, str]:
        return {"value": value, "reason": reason, "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"}

    now = alarm.state_updated_timestamp
    return {
        "Source": "aws.cloudwatch",
        "DetailType": "CloudWatch Alarm State Change",
        "Time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Resources": [alarm.alarm_arn],
        "Detail": json.dumps(
            {
                "alarmName": alarm.name,
                "state": state(alarm.state_value, alarm.state_reason, now),
                "previousState": state(previous["value"], previous["reason"], previous["when"]),
                "configuration": {"description": alarm.description or "", "metrics": []},
            }
        ),
    }


def _update_state_and_act(self: Alarm, reason: str, reason_data: str, state_value: str) -> None:
    previous: dict[str, Any] = {
        "value": self.state_value,
        "reason": self.state_reason,
        "when": self.state_updated_timestamp,
    }
    _update_state(self, reason, reason_data, state_value)
    if state_value != previous["value"]:
        account = self.alarm_arn.split(":")[4]
        events_backends[account][self.region_name].put_events([_state_change_event(self, previous)])
    if state_value != "ALARM" or previous["value"] == "ALARM" or not self.actions_enabled:
        return
    message = json.dumps({"AlarmName": self.name, "NewStateValue": state_value, "NewStateReason": reason})
    for arn in self.alarm_actions or []:
        if ":sns:" in arn:
            summary = _publish(arn, message, f'ALARM: "{self.name}" in US East (N. Virginia)'[:100])
            self.history.append(("Action", summary, None, None, utcnow()))


def _describe_alarm_history(self: CloudWatchResponse) -> ActionResult:
    name = self._get_param("AlarmName")
    alarm = self.cloudwatch_backend.alarms.get(name)
    kind = self._get_param("HistoryItemType")
    start = self._get_param("StartDate")
    if isinstance(start, str):
        start = datetime.datetime.fromisoformat(start)
    since = start.astimezone(datetime.UTC).replace(tzinfo=None) if start else datetime.datetime.min
    items = [
        {
            "AlarmName": name,
            "AlarmType": "MetricAlarm",
            "Timestamp": when,
            "HistoryItemType": item_kind,
            "HistorySummary": summary,
        }
        for item_kind, summary, _data, _state, when in (alarm.history if alarm else [])
        if kind in (None, item_kind) and when >= since
    ]
    return ActionResult({"AlarmHistoryItems": items})


_send_to_targets = Rule.send_to_targets


def _text_template(transformer: dict[str, Any], event: dict[str, Any]) -> str:
    """A text template as EventBridge sends it: as written, each ``<field>`` filled in (moto's
    own parser reads every template as JSON, which a template of several quoted lines is not)."""
    text = str(transformer["InputTemplate"])
    for field, path in transformer.get("InputPathsMap", {}).items():
        value: Any = event
        for part in path.removeprefix("$.").split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            text = text.replace(f"<{field}>", value if isinstance(value, str) else json.dumps(value))
    return text


def _send_to_targets_and_topics(self: Rule, original_event: Any, transform_input: bool = True) -> None:
    targets = self.targets
    topics = [target for target in targets if ":sns:" in target["Arn"]]
    # moto raises NotImplementedError for an SNS target: it delivers to the others only.
    self.targets = [target for target in targets if target not in topics]
    try:
        _send_to_targets(self, original_event, transform_input)
    finally:
        self.targets = targets
    if not topics or not self.event_pattern.matches_event(original_event):
        return
    for target in topics:
        message = target.get("Input") or json.dumps(original_event)
        if transform_input and "InputTransformer" in target:
            message = _text_template(target["InputTransformer"], original_event)
        summary = _publish(target["Arn"], message, None)
        metrics = ["Invocations"] if summary.startswith("Successfully") else ["Invocations", "FailedInvocations"]
        cloudwatch_backends[self.account_id][self.region_name].put_metric_data(
            "AWS/Events",
            [
                {
                    "MetricName": metric,
                    "Value": 1.0,
                    "Unit": "Count",
                    "Dimensions": [{"Name": "RuleName", "Value": self.name}],
                }
                for metric in metrics
            ],
        )


#: The file of staged refusals (see the module's docstring); unset: none.
REFUSALS_ENV = "LOCAL_AWS_REFUSALS"


def refused(operation: str, bucket: str) -> bool:
    """Whether the tests staged a refusal of ``operation`` on ``bucket``."""
    path = Path(os.environ.get(REFUSALS_ENV) or "/nonexistent")
    if not path.exists():
        return False
    staged: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    return bucket in staged.get(operation, [])


def _put_object_lock_configuration(  # noqa: PLR0917  # moto's signature
    self: S3Backend,
    bucket_name: str,
    lock_enabled: bool,
    mode: str | None = None,
    days: int | None = None,
    years: int | None = None,
) -> None:
    if refused("PutObjectLockConfiguration", bucket_name):
        raise S3ClientError("AccessDenied", "Access Denied")
    bucket = self.get_bucket(bucket_name)
    if not bucket.is_versioned:
        raise InvalidBucketState("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
    if lock_enabled:
        bucket.object_lock_enabled = True
    bucket.default_lock_mode = mode
    bucket.default_lock_days = days
    bucket.default_lock_years = years


def _delete_trail(self: CloudTrailBackend, name: str) -> None:
    for key, trail in list(self.trails.items()):
        if name in (key, trail.arn):
            del self.trails[key]


def _describe_trails(self: CloudTrailResponse) -> str:
    include_shadow_trails = self._get_bool_param("includeShadowTrails", True)
    wanted = self._get_param("trailNameList") or []
    backend = self.cloudtrail_backend
    trails = list(backend.describe_trails(include_shadow_trails))
    if wanted:
        trails = [
            trail
            for trail in trails
            if trail.arn in wanted or (trail.trail_name in wanted and trail.region_name == backend.region_name)
        ]
    return json.dumps({"trailList": [trail.description(include_region=True) for trail in trails]})


if __name__ == "__main__":
    if "--ssl-cert" not in sys.argv:
        sys.exit("moto_tls_server serves TLS only: pass --ssl-cert and --ssl-key")
    FakeBucket.get_permission = _get_permission  # type: ignore[method-assign]
    EventsHandler.test_event_pattern = _test_event_pattern  # type: ignore[assignment,method-assign]
    Alarm.update_state = _update_state_and_act  # type: ignore[method-assign]
    CloudWatchResponse.describe_alarm_history = _describe_alarm_history  # type: ignore[attr-defined]
    Rule.send_to_targets = _send_to_targets_and_topics  # type: ignore[method-assign]
    CloudTrailBackend.delete_trail = _delete_trail  # type: ignore[method-assign]
    CloudTrailResponse.describe_trails = _describe_trails  # type: ignore[method-assign]
    S3Backend.put_object_lock_configuration = _put_object_lock_configuration  # type: ignore[method-assign]
    moto_cost_anomalies.install()
    main(sys.argv[1:])
