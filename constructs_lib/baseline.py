"""The whole management account baseline, composed from the library's constructs."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from constructs_lib.budget_alarm import BudgetAlarm, BudgetAlarmProps
from constructs_lib.config import BaselineConfig
from constructs_lib.detections import SEED_DETECTIONS
from constructs_lib.environment import AwsEnvironment
from constructs_lib.log_metric_alarm import LogMetricAlarm, LogMetricAlarmProps
from constructs_lib.notification_topic import NotificationTopic, NotificationTopicProps
from constructs_lib.organization_trail import OrganizationTrail, OrganizationTrailProps
from constructs_lib.root_sign_in_alert import RootSignInAlert, RootSignInAlertProps


@dataclass(frozen=True, kw_only=True)
class ManagementAccountBaselineProps:
    """Settings of :class:`ManagementAccountBaseline`."""

    #: The validated inputs; every field has a default (see ``BaselineConfig``).
    config: BaselineConfig


class ManagementAccountBaseline(Construct):
    """Organization trail, alert topic, root sign-in alert, log alarms and budget alarm.

    Every alert goes to the one topic exposed as :attr:`topic`.
    """

    def __init__(self, scope: Construct, id_: str, *, props: ManagementAccountBaselineProps) -> None:
        super().__init__(scope, id_)
        config = props.config
        prefix = config.name_prefix
        self.environment = AwsEnvironment(self, "environment")

        self.topic = NotificationTopic(
            self,
            "alerts",
            props=NotificationTopicProps(
                environment=self.environment,
                name=f"{prefix}-alerts",
                email_addresses=config.alert_emails,
            ),
        )
        self.trail = OrganizationTrail(
            self,
            "organization-trail",
            props=OrganizationTrailProps(
                environment=self.environment,
                name=f"{prefix}-organization-trail",
                log_retention_days=config.log_retention_days,
                protect_log_data=config.protect_log_data,
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
                limit_usd=config.budget_limit_usd,
                topic_arn=self.topic.topic_arn,
                create_budget=config.create_budget,
            ),
        )
