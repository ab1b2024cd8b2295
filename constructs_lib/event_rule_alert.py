"""An EventBridge rule whose matches reach the alert topic as a readable sentence."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetInputTransformer,
)
from constructs import Construct

from constructs_lib.detections import EventDetection
from constructs_lib.switch import Flag, count_for


@dataclass(frozen=True, kw_only=True)
class EventRuleAlertProps:
    """Settings of :class:`EventRuleAlert`."""

    #: What to match and what to say (pattern, message, severity).
    detection: EventDetection
    #: Name of the EventBridge rule.
    name: str
    #: ARN of the SNS topic that receives the alert.
    topic_arn: str
    #: Build the rule and its target (a Terraform expression becomes their ``count``). Default: True.
    enabled: Flag = True


class EventRuleAlert(Construct):
    """An EventBridge rule on the default bus, its target the topic, with an input transformer.

    Events of the account's own default bus in us-east-1 (where the baseline lives): console
    sign-ins, for instance, reach only the bus of the account signed in to. The target names
    the rule by name (``depends_on`` orders them), so both can carry the same ``count``.
    """

    def __init__(self, scope: Construct, id_: str, *, props: EventRuleAlertProps) -> None:
        super().__init__(scope, id_)
        detection = props.detection
        count = count_for(props.enabled)
        self.rule = CloudwatchEventRule(
            self,
            "rule",
            count=count,
            name=props.name,
            description=detection.description,
            event_pattern=detection.event_pattern_json,
            state="ENABLED",
        )
        self.target = CloudwatchEventTarget(
            self,
            "target",
            count=count,
            rule=props.name,
            target_id="alert-topic",
            arn=props.topic_arn,
            input_transformer=CloudwatchEventTargetInputTransformer(
                input_paths=detection.message_fields,
                input_template=detection.input_template,
            ),
            depends_on=[self.rule],
        )
