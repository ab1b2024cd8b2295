"""The whole management account baseline, composed from the library's constructs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

from cdktf import IResolvable
from constructs import Construct

from constructs_lib.budget_alarm import BudgetAlarm, BudgetAlarmProps
from constructs_lib.config import BaselineConfig, module_inputs
from constructs_lib.detections import SEED_DETECTIONS
from constructs_lib.environment import AwsEnvironment
from constructs_lib.log_metric_alarm import LogMetricAlarm, LogMetricAlarmProps
from constructs_lib.notification_topic import NotificationTopic, NotificationTopicProps
from constructs_lib.organization_trail import OrganizationTrail, OrganizationTrailProps
from constructs_lib.root_sign_in_alert import RootSignInAlert, RootSignInAlertProps


@dataclass(frozen=True, kw_only=True)
class ManagementAccountBaselineProps:
    """Settings of :class:`ManagementAccountBaseline`: the config fields marked ``ModuleInput``.

    Each is a plain value (the app: :meth:`from_config`) or a Terraform token (the module
    flavour: its variables). Documentation, defaults and checks live on ``BaselineConfig``.
    """

    name_prefix: str
    budget_limit_usd: float
    alert_emails: Sequence[str]
    log_retention_days: float
    protect_log_data: bool | IResolvable
    create_budget: bool | IResolvable

    @classmethod
    def from_config(cls, config: BaselineConfig) -> Self:
        """The props of a validated config."""
        return cls(**{name: getattr(config, name) for name in module_inputs()})


#: Key of the billing alarm in the ``alarm_arns`` output (the log alarms use their detection's name).
BILLING_ALARM_KEY = "estimated-charges"


@dataclass(frozen=True)
class BaselineOutput:
    """A value callers of the baseline read (a Terraform output of the stack and the module)."""

    value: Any
    description: str


class ManagementAccountBaseline(Construct):
    """Organization trail, alert topic, root sign-in alert, log alarms and budget alarm.

    Every alert goes to the one topic exposed as :attr:`topic`.
    """

    def __init__(self, scope: Construct, id_: str, *, props: ManagementAccountBaselineProps) -> None:
        super().__init__(scope, id_)
        prefix = props.name_prefix
        self.environment = AwsEnvironment(self, "environment")

        self.topic = NotificationTopic(
            self,
            "alerts",
            props=NotificationTopicProps(
                environment=self.environment,
                name=f"{prefix}-alerts",
                email_addresses=props.alert_emails,
            ),
        )
        self.trail = OrganizationTrail(
            self,
            "organization-trail",
            props=OrganizationTrailProps(
                environment=self.environment,
                name=f"{prefix}-organization-trail",
                log_retention_days=props.log_retention_days,
                protect_log_data=props.protect_log_data,
            ),
        )
        self.root_sign_in = RootSignInAlert(
            self,
            "root-sign-in",
            props=RootSignInAlertProps(name=f"{prefix}-root-sign-in", topic_arn=self.topic.topic_arn),
        )
        self.log_alarms: dict[str, LogMetricAlarm] = {
            detection.name: LogMetricAlarm(
                self,
                detection.name,
                props=LogMetricAlarmProps(
                    detection=detection,
                    name=f"{prefix}-{detection.name}",
                    log_group_name=self.trail.log_group.name,
                    management_account_id=self.environment.account_id,
                    topic_arn=self.topic.topic_arn,
                ),
            )
            for detection in SEED_DETECTIONS
        }
        self.budget = BudgetAlarm(
            self,
            "budget",
            props=BudgetAlarmProps(
                name=f"{prefix}-monthly-charges",
                limit_usd=props.budget_limit_usd,
                topic_arn=self.topic.topic_arn,
                create_budget=props.create_budget,
            ),
        )

    def outputs(self) -> dict[str, BaselineOutput]:
        """The stable outputs: names are an interface of the module flavour, never renamed."""
        alarm_arns = {name: alarm.alarm.arn for name, alarm in self.log_alarms.items()}
        alarm_arns[BILLING_ALARM_KEY] = self.budget.billing_alarm.arn
        return {
            "alert_topic_arn": BaselineOutput(self.topic.topic_arn, "ARN of the SNS topic every alert goes to."),
            "organization_trail_arn": BaselineOutput(self.trail.trail.arn, "ARN of the organization trail."),
            "log_bucket_name": BaselineOutput(self.trail.bucket.bucket, "Name of the trail's S3 bucket."),
            "log_group_name": BaselineOutput(self.trail.log_group.name, "Name of the trail's log group."),
            "log_group_arn": BaselineOutput(self.trail.log_group.arn, "ARN of the trail's log group."),
            "root_sign_in_rule_arn": BaselineOutput(
                self.root_sign_in.rule.arn, "ARN of the EventBridge rule that reports root sign-ins."
            ),
            "alarm_arns": BaselineOutput(
                alarm_arns,
                f"ARNs of the CloudWatch alarms by name: each log detection, and {BILLING_ALARM_KEY!r} "
                "for the billing alarm.",
            ),
        }
