"""The names the baseline gives what it builds, from its ``name_prefix``.

One source for the constructs and for the operator commands (``./run verify``,
``./run drill``), which find the deployed resources by these names. Plain Python: importing
it starts no jsii.
"""

from __future__ import annotations

from dataclasses import dataclass


def log_group_name(trail_name: str) -> str:
    """The name of the CloudWatch Logs log group of the trail called ``trail_name``."""
    return f"/aws/cloudtrail/{trail_name}"


def trail_bucket_name(trail_name: str, account_id: str) -> str:
    """The name of the bucket the trail called ``trail_name`` writes to, in ``account_id``."""
    return f"{trail_name}-{account_id}"


def logs_role_name(trail_name: str) -> str:
    """The role CloudTrail assumes to deliver the trail called ``trail_name`` to CloudWatch Logs."""
    return f"{trail_name}-cloudwatch-logs"


@dataclass(frozen=True)
class BaselineNames:
    """Names of the baseline's resources for one ``name_prefix``."""

    prefix: str

    @property
    def topic(self) -> str:
        """The SNS topic every alert goes to."""
        return f"{self.prefix}-alerts"

    @property
    def alarm_actions_topic(self) -> str:
        """The SNS topic the alarms' actions notify: no person reads it, the readable messages
        reach :attr:`topic` through EventBridge."""
        return f"{self.prefix}-alarm-actions"

    @property
    def trail(self) -> str:
        """The organization trail."""
        return f"{self.prefix}-organization-trail"

    @property
    def management_account_trail(self) -> str:
        """The management account's own multi-region trail (``trail.cloudwatch_logs_scope`` management-account)."""
        return f"{self.prefix}-management-account-trail"

    @property
    def log_group(self) -> str:
        """The trail's CloudWatch Logs log group."""
        return log_group_name(self.trail)

    @property
    def key_alias(self) -> str:
        """The KMS key's alias, without ``alias/``."""
        return f"{self.prefix}-baseline"

    @property
    def management_account_charges(self) -> str:
        """The AWS Budgets budget of the management account's own charges."""
        return f"{self.prefix}-management-account-charges"

    @property
    def organization_charges(self) -> str:
        """The billing alarm on the organization's total (every account's charges)."""
        return f"{self.prefix}-organization-charges"

    @property
    def anomaly_monitor(self) -> str:
        """The Cost Anomaly Detection monitor the baseline creates (AWS services)."""
        return f"{self.prefix}-aws-services"

    @property
    def anomaly_subscription(self) -> str:
        """The Cost Anomaly Detection alert subscription of the alert topic."""
        return f"{self.prefix}-cost-anomalies"

    def detection(self, name: str) -> str:
        """A detection's metric filter, alarm and the rule of its messages, or its EventBridge rule."""
        return f"{self.prefix}-{name}"

    def access_log_bucket(self, account_id: str) -> str:
        """The bucket of the log bucket's S3 server access logs."""
        return f"{self.prefix}-access-logs-{account_id}"

    def log_bucket(self, account_id: str) -> str:
        """The organization trail's bucket."""
        return trail_bucket_name(self.trail, account_id)

    @property
    def logs_role(self) -> str:
        """The role CloudTrail delivers to CloudWatch Logs with, whichever trail feeds the log group
        (``trail.cloudwatch_logs_scope``): named after the organization trail."""
        return logs_role_name(self.trail)

    @property
    def ci_plan_role(self) -> str:
        """The role GitHub Actions plans with (``[ci]``, the state-bootstrap stack)."""
        return f"{self.prefix}-ci-plan"

    @property
    def ci_apply_role(self) -> str:
        """The role GitHub Actions applies with (``[ci]``, the state-bootstrap stack)."""
        return f"{self.prefix}-ci-apply"
