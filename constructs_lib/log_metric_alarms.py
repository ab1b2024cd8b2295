"""CloudWatch Logs metric filters, and the alarms that fire when they count too much."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.cloudwatch_log_metric_filter import (
    CloudwatchLogMetricFilter,
    CloudwatchLogMetricFilterMetricTransformation,
)
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from constructs import Construct

from constructs_lib.addresses import address, addressed
from constructs_lib.alarm_messages import (
    LINK_LABEL,
    AlarmMessages,
    AlarmMessagesProps,
    ReadableMessages,
    alarm_summary,
    json_text,
    log_events_link,
    quoted_line,
    quoted_lines,
)
from constructs_lib.detections import ALARM_DEFAULTS, LogDetection, organization_wide_by_default
from constructs_lib.switch import Flag, Switched, either, for_each_of

DEFAULT_NAMESPACE = "ManagementAccountBaseline"


@dataclass(frozen=True, kw_only=True)
class LogMetricAlarm:
    """One detection's metric filter and alarm."""

    #: What to count (pattern, metric, description, severity); its name keys the resources.
    detection: LogDetection
    #: Name of the metric filter and of the alarm.
    name: str
    #: Use the pattern as written (every account) instead of scoping it to the management
    #: account. Default: the detection's own scope.
    organization_wide: Flag | None = None
    #: Build the filter and the alarm (a Terraform expression filters the ``for_each``). Default: True.
    enabled: Flag = True
    #: Alarm period in seconds. Default: 300.
    period: float = ALARM_DEFAULTS.period
    #: Periods that must breach before the alarm fires. Default: 1.
    evaluation_periods: float = ALARM_DEFAULTS.evaluation_periods
    #: The alarm fires when the count in one period is above this. Default: 0.
    threshold: float = ALARM_DEFAULTS.threshold
    #: Conditions appended to the scoped pattern (``detections.ignored_clauses``); the pattern
    #: as written (``organization_wide``) stays verbatim. Default: none.
    left_out: str = ""


@dataclass(frozen=True, kw_only=True)
class LogMetricAlarmsProps:
    """Settings of :class:`LogMetricAlarms`."""

    #: One filter and alarm each; detection names must be unique (else ``ValueError``).
    alarms: Sequence[LogMetricAlarm]
    #: Log group the filters read (the organization trail's).
    log_group_name: str
    #: Account id that scoped patterns are restricted to (a plan-time lookup).
    management_account_id: str
    #: ARN of the SNS topic people read: the alarms notify it.
    topic_arn: str
    #: Instead, each alarm's change to ALARM reaches ``topic_arn`` as a readable message with a
    #: console link to the matching events (:mod:`constructs_lib.alarm_messages`), and its
    #: actions notify a topic no person reads. Default: none (the alarm's own notification).
    messages: ReadableMessages | None = None
    #: Namespace of the metrics. Default: ``ManagementAccountBaseline``.
    namespace: str = DEFAULT_NAMESPACE


class LogMetricAlarms(Construct):
    """Counts matching trail events and notifies the topic when a count is above its threshold.

    One ``aws_cloudwatch_log_metric_filter`` and one ``aws_cloudwatch_metric_alarm``, each
    with ``for_each`` keyed by detection name. An alarm reads its filter's metric by name
    (``depends_on`` orders them).
    """

    def __init__(self, scope: Construct, id_: str, *, props: LogMetricAlarmsProps) -> None:
        super().__init__(scope, id_)
        entries = [
            Switched(
                name=alarm.detection.name, values=self._entry(alarm, props.management_account_id), enabled=alarm.enabled
            )
            for alarm in props.alarms
        ]
        self.for_each = for_each_of(self, "detections", entries)
        each = self.for_each.each
        self.metric_filter = addressed(
            CloudwatchLogMetricFilter(
                self,
                "filter",
                for_each=each,
                name=each.get_string("name"),
                log_group_name=props.log_group_name,
                pattern=each.get_string("pattern"),
                metric_transformation=CloudwatchLogMetricFilterMetricTransformation(
                    name=each.get_string("metric_name"),
                    namespace=props.namespace,
                    value="1",
                ),
            )
        )
        self.alarm = addressed(
            CloudwatchMetricAlarm(
                self,
                "alarm",
                for_each=each,
                alarm_name=each.get_string("name"),
                alarm_description=each.get_string("description"),
                namespace=props.namespace,
                metric_name=each.get_string("metric_name"),
                statistic="Sum",
                period=each.get_number("period"),
                evaluation_periods=each.get_number("evaluation_periods"),
                threshold=each.get_number("threshold"),
                comparison_operator="GreaterThanThreshold",
                # No matching events means nothing happened, not that the alarm is blind.
                treat_missing_data="notBreaching",
                # Security Hub CloudWatch.15/.17: an alarm must have its actions enabled.
                actions_enabled=True,
                alarm_actions=[props.messages.alarm_actions_topic_arn if props.messages else props.topic_arn],
                depends_on=[self.metric_filter],
            )
        )
        #: The readable messages (None without ``props.messages``).
        self.messages: AlarmMessages | None = None
        if props.messages:
            # The link searches with the entry's own pattern: the value the filter counts with.
            link = log_events_link(props.messages.region, props.log_group_name, each.get_string("pattern"))
            self.messages = AlarmMessages(
                self,
                "messages",
                props=AlarmMessagesProps(
                    rule_name=each.get_string("name"),
                    alarm_name=each.get_string("name"),
                    input_template=f"{each.get_string('message')}\n{quoted_line(json_text(LINK_LABEL), link)}",
                    topic_arn=props.topic_arn,
                    for_each=each,
                    depends_on=[self.alarm],
                ),
            )

    @staticmethod
    def _entry(alarm: LogMetricAlarm, management_account_id: str) -> dict[str, Any]:
        detection = alarm.detection
        organization_wide = alarm.organization_wide
        if organization_wide is None:
            organization_wide = organization_wide_by_default(detection)
        scoped = detection.scoped_pattern(management_account_id, alarm.left_out)
        return {
            "name": alarm.name,
            "pattern": either(organization_wide, detection.pattern, scoped),
            "metric_name": detection.metric_name,
            "description": f"[{detection.severity}] {detection.description}",
            "message": quoted_lines(alarm_summary(detection.severity, detection.name, detection.description)),
            "period": alarm.period,
            "evaluation_periods": alarm.evaluation_periods,
            "threshold": alarm.threshold,
        }

    def arn_of(self, detection_name: str) -> str:
        """The ARN of one detection's alarm (an expression: ``<alarms>["name"].arn``)."""
        return f"${{{address(self.alarm)}[{json.dumps(detection_name)}].arn}}"

    def arns_expression(self) -> str:
        """The bare expression of every built alarm's ARN by detection name."""
        return f"{{ for name, alarm in {address(self.alarm)} : name => alarm.arn }}"
