"""The whole management account baseline, composed from the library's constructs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from constructs_lib.budget_alarm import BudgetAlarm, BudgetAlarmProps
from constructs_lib.choice import DetectionChooser
from constructs_lib.detections import CATALOGUE, EventDetection
from constructs_lib.encryption_key import EncryptionKey, EncryptionKeyProps
from constructs_lib.environment import AwsEnvironment
from constructs_lib.event_rule_alert import EventRuleAlert, EventRuleAlertProps
from constructs_lib.log_metric_alarm import LogMetricAlarm, LogMetricAlarmProps
from constructs_lib.notification_topic import NotificationTopic, NotificationTopicProps
from constructs_lib.organization_trail import (
    LogBucketProps,
    OrganizationTrail,
    OrganizationTrailProps,
    log_group_name,
    trail_arn,
)
from constructs_lib.switch import Flag, attribute, expression, is_off

#: Key of the billing alarm in the ``alarm_arns`` output (the log alarms use their detection's name).
BILLING_ALARM_KEY = "estimated-charges"


@dataclass(frozen=True, kw_only=True)
class ManagementAccountBaselineProps:
    """Settings of :class:`ManagementAccountBaseline`.

    Each is a plain value (the app maps its config to them: ``app.stacks.baseline_props``) or
    a Terraform expression (the module flavour: its variables). The app's config documents,
    defaults and checks them (``app/config.py``).
    """

    name_prefix: str
    budget_limit_usd: float
    alert_emails: Sequence[str]
    log_retention_days: float
    protect_log_data: Flag
    create_budget: Flag
    detections: DetectionChooser
    kms_encryption: Flag
    log_bucket: LogBucketProps


@dataclass(frozen=True)
class BaselineOutput:
    """A value callers of the baseline read (a Terraform output of the stack and the module)."""

    value: Any
    description: str


class ManagementAccountBaseline(Construct):
    """Organization trail, alert topic, KMS key, detections and budget alarm.

    Every detection of the catalogue the config leaves on becomes a metric filter + alarm or
    an EventBridge rule, in one loop; every alert goes to the one topic, :attr:`topic`.
    """

    def __init__(self, scope: Construct, id_: str, *, props: ManagementAccountBaselineProps) -> None:
        super().__init__(scope, id_)
        prefix = props.name_prefix
        self.environment = env = AwsEnvironment(self, "environment")
        topic_name, trail_name = f"{prefix}-alerts", f"{prefix}-organization-trail"

        self.key: EncryptionKey | None = None
        if not is_off(props.kms_encryption):
            self.key = EncryptionKey(
                self,
                "key",
                props=EncryptionKeyProps(
                    environment=env,
                    alias=f"{prefix}-baseline",
                    trail_arn=trail_arn(env, trail_name),
                    log_group_name=log_group_name(trail_name),
                    budgets_publish=props.create_budget,
                    prevent_destroy=props.protect_log_data is True,
                    enabled=props.kms_encryption,
                ),
            )
        key_arn = self.key.key_arn if self.key else None

        self.topic = NotificationTopic(
            self,
            "alerts",
            props=NotificationTopicProps(
                environment=env,
                name=topic_name,
                email_addresses=props.alert_emails,
                kms_key_arn=key_arn,
                budgets_publish=props.create_budget,
            ),
        )
        self.trail = OrganizationTrail(
            self,
            "organization-trail",
            props=OrganizationTrailProps(
                environment=env,
                name=trail_name,
                log_retention_days=props.log_retention_days,
                protect_log_data=props.protect_log_data,
                kms_key_arn=key_arn,
                log_bucket=props.log_bucket,
                access_log_bucket_name=f"{prefix}-access-logs-{env.account_id}",
            ),
        )
        self.log_alarms: dict[str, LogMetricAlarm] = {}
        self.event_alerts: dict[str, EventRuleAlert] = {}
        for detection in CATALOGUE.values():
            choice = props.detections.choice_for(detection)
            if is_off(choice.enabled):
                continue
            name = f"{prefix}-{detection.name}"
            if isinstance(detection, EventDetection):
                self.event_alerts[detection.name] = EventRuleAlert(
                    self,
                    detection.name,
                    props=EventRuleAlertProps(
                        detection=detection, name=name, topic_arn=self.topic.topic_arn, enabled=choice.enabled
                    ),
                )
                continue
            self.log_alarms[detection.name] = LogMetricAlarm(
                self,
                detection.name,
                props=LogMetricAlarmProps(
                    detection=detection,
                    name=name,
                    log_group_name=self.trail.log_group.name,
                    management_account_id=env.account_id,
                    topic_arn=self.topic.topic_arn,
                    organization_wide=choice.organization_wide,
                    enabled=choice.enabled,
                    threshold=choice.threshold,
                    period=choice.period,
                    evaluation_periods=choice.evaluation_periods,
                ),
            )
        self.budget = BudgetAlarm(
            self,
            "budget",
            props=BudgetAlarmProps(
                name=f"{prefix}-monthly-charges",
                limit_usd=props.budget_limit_usd,
                topic_arn=self.topic.topic_arn,
                create_budget=props.create_budget,
                depends_on=[self.topic.policy],
            ),
        )

    def _alarm_arns(self) -> Any:
        """Alarm ARNs by name; switched-off alarms (module flavour) are left out."""
        alarms = {name: alarm.alarm for name, alarm in self.log_alarms.items()}
        alarms[BILLING_ALARM_KEY] = self.budget.billing_alarm
        if all(alarm.count is None for alarm in alarms.values()):
            return {name: alarm.arn for name, alarm in alarms.items()}
        entries = ", ".join(f"{json.dumps(name)} = {expression(alarm, 'arn')}" for name, alarm in alarms.items())
        return f"${{{{ for name, arn in {{ {entries} }} : name => arn if arn != null }}}}"

    def outputs(self) -> dict[str, BaselineOutput]:
        """The stable outputs: names are an interface of the module flavour, never renamed."""
        root_rule = self.event_alerts.get("root-sign-in")
        return {
            "alert_topic_arn": BaselineOutput(self.topic.topic_arn, "ARN of the SNS topic every alert goes to."),
            "organization_trail_arn": BaselineOutput(self.trail.trail.arn, "ARN of the organization trail."),
            "log_bucket_name": BaselineOutput(self.trail.bucket_name, "Name of the trail's S3 bucket."),
            "log_group_name": BaselineOutput(self.trail.log_group.name, "Name of the trail's log group."),
            "log_group_arn": BaselineOutput(self.trail.log_group.arn, "ARN of the trail's log group."),
            "kms_key_arn": BaselineOutput(
                self.key.key_arn if self.key else None,
                "ARN of the KMS key of the trail, log group and topic (null when kms_encryption is off).",
            ),
            "root_sign_in_rule_arn": BaselineOutput(
                attribute(root_rule.rule, "arn") if root_rule else None,
                "ARN of the EventBridge rule that reports root sign-ins (null when disabled).",
            ),
            "alarm_arns": BaselineOutput(
                self._alarm_arns(),
                f"ARNs of the CloudWatch alarms by name: each log detection, and {BILLING_ALARM_KEY!r} "
                "for the billing alarm.",
            ),
        }
