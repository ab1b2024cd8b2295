"""A CloudWatch Logs metric filter and the alarm that fires when it counts too much."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_log_metric_filter import (
    CloudwatchLogMetricFilter,
    CloudwatchLogMetricFilterMetricTransformation,
)
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from constructs import Construct

from constructs_lib.detections import ALARM_DEFAULTS, LogDetection, organization_wide_by_default
from constructs_lib.switch import Flag, count_for, either

DEFAULT_NAMESPACE = "ManagementAccountBaseline"


@dataclass(frozen=True, kw_only=True)
class LogMetricAlarmProps:
    """Settings of :class:`LogMetricAlarm`."""

    #: What to count (pattern, metric, description, severity).
    detection: LogDetection
    #: Name of the metric filter and of the alarm.
    name: str
    #: Log group the filter reads (the organization trail's).
    log_group_name: str
    #: Account id that scoped patterns are restricted to (a plan-time lookup).
    management_account_id: str
    #: ARN of the SNS topic the alarm notifies.
    topic_arn: str
    #: Use the pattern as written (every account) instead of scoping it to the management
    #: account. Default: the detection's own scope.
    organization_wide: Flag | None = None
    #: Build the filter and the alarm (a Terraform expression becomes their ``count``). Default: True.
    enabled: Flag = True
    #: Namespace of the metric. Default: ``ManagementAccountBaseline``.
    namespace: str = DEFAULT_NAMESPACE
    #: Alarm period in seconds. Default: 300.
    period: float = ALARM_DEFAULTS.period
    #: Periods that must breach before the alarm fires. Default: 1.
    evaluation_periods: float = ALARM_DEFAULTS.evaluation_periods
    #: The alarm fires when the count in one period is above this. Default: 0.
    threshold: float = ALARM_DEFAULTS.threshold


class LogMetricAlarm(Construct):
    """Counts matching trail events and notifies the topic when the count is above the threshold.

    The two resources reference each other only by name (``depends_on`` orders them), so
    both can carry the same ``count`` when the module flavour switches the detection.
    """

    def __init__(self, scope: Construct, id_: str, *, props: LogMetricAlarmProps) -> None:
        super().__init__(scope, id_)
        detection = props.detection
        organization_wide = props.organization_wide
        if organization_wide is None:
            organization_wide = organization_wide_by_default(detection)
        count = count_for(props.enabled)
        self.metric_filter = CloudwatchLogMetricFilter(
            self,
            "filter",
            count=count,
            name=props.name,
            log_group_name=props.log_group_name,
            pattern=either(organization_wide, detection.pattern, detection.scoped_pattern(props.management_account_id)),
            metric_transformation=CloudwatchLogMetricFilterMetricTransformation(
                name=detection.metric_name,
                namespace=props.namespace,
                value="1",
            ),
        )
        self.alarm = CloudwatchMetricAlarm(
            self,
            "alarm",
            count=count,
            alarm_name=props.name,
            alarm_description=f"[{detection.severity}] {detection.description}",
            namespace=props.namespace,
            metric_name=detection.metric_name,
            statistic="Sum",
            period=props.period,
            evaluation_periods=props.evaluation_periods,
            threshold=props.threshold,
            comparison_operator="GreaterThanThreshold",
            # No matching events means nothing happened, not that the alarm is blind.
            treat_missing_data="notBreaching",
            # Security Hub CloudWatch.15/.17: an alarm must have its actions enabled.
            actions_enabled=True,
            alarm_actions=[props.topic_arn],
            depends_on=[self.metric_filter],
        )
