"""A CloudWatch Logs metric filter and the alarm that fires when it counts anything."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_log_metric_filter import (
    CloudwatchLogMetricFilter,
    CloudwatchLogMetricFilterMetricTransformation,
)
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from constructs import Construct

from constructs_lib.detections import LogDetection

DEFAULT_NAMESPACE = "ManagementAccountBaseline"


@dataclass(frozen=True, kw_only=True)
class LogMetricAlarmProps:
    """Settings of :class:`LogMetricAlarm`."""

    #: What to count (pattern, metric, description).
    detection: LogDetection
    #: Name of the metric filter and of the alarm.
    name: str
    #: Log group the filter reads (the organization trail's).
    log_group_name: str
    #: Account id that management-account detections are scoped to (a plan-time lookup).
    management_account_id: str
    #: ARN of the SNS topic the alarm notifies.
    topic_arn: str
    #: Namespace of the metric. Default: ``ManagementAccountBaseline``.
    namespace: str = DEFAULT_NAMESPACE
    #: Alarm period in seconds. Default: 300.
    period_seconds: int = 300
    #: The alarm fires when the count in one period is above this. Default: 0.
    threshold: float = 0


class LogMetricAlarm(Construct):
    """Counts matching trail events and notifies the topic when the count is above the threshold."""

    def __init__(self, scope: Construct, id_: str, *, props: LogMetricAlarmProps) -> None:
        super().__init__(scope, id_)
        detection = props.detection
        self.metric_filter = CloudwatchLogMetricFilter(
            self,
            "filter",
            name=props.name,
            log_group_name=props.log_group_name,
            pattern=detection.filter_pattern(props.management_account_id),
            metric_transformation=CloudwatchLogMetricFilterMetricTransformation(
                name=detection.metric_name,
                namespace=props.namespace,
                value="1",
            ),
        )
        self.alarm = CloudwatchMetricAlarm(
            self,
            "alarm",
            alarm_name=props.name,
            alarm_description=detection.description,
            namespace=props.namespace,
            metric_name=detection.metric_name,
            statistic="Sum",
            period=props.period_seconds,
            evaluation_periods=1,
            threshold=props.threshold,
            comparison_operator="GreaterThanThreshold",
            # No matching events means nothing happened, not that the alarm is blind.
            treat_missing_data="notBreaching",
            actions_enabled=True,
            alarm_actions=[props.topic_arn],
            depends_on=[self.metric_filter],
        )
