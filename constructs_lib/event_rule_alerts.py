"""EventBridge rules whose matches reach the alert topic as a readable sentence."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import TerraformIterator
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetInputTransformer,
)
from constructs import Construct

from constructs_lib.addresses import address, addressed
from constructs_lib.detections import EventDetection
from constructs_lib.switch import Flag, Switched, for_each_of


@dataclass(frozen=True)
class TopicRule:
    """An EventBridge rule and its one target, the topic."""

    rule: CloudwatchEventRule
    target: CloudwatchEventTarget


def rule_to_topic(
    scope: Construct,
    *,
    name: str,
    description: str,
    event_pattern: str,
    input_paths: Mapping[str, str],
    input_template: str,
    topic_arn: str,
    for_each: TerraformIterator | None = None,
    count: float | None = None,
    depends_on: Sequence[Any] = (),
) -> TopicRule:
    """The rule ``name`` (``rule`` in ``scope``) matching ``event_pattern``, and its target
    (``target``): ``topic_arn``, sent the text ``input_template`` writes from the event's
    ``input_paths``. Each argument may be a token of ``for_each``'s entry (one rule and target
    per entry; or ``count`` of each). The target names its rule by name (``depends_on`` orders
    them); the rule waits for ``depends_on``."""
    rule = addressed(
        CloudwatchEventRule(
            scope,
            "rule",
            for_each=for_each,
            count=count,
            name=name,
            description=description,
            event_pattern=event_pattern,
            state="ENABLED",
            depends_on=list(depends_on) or None,
        )
    )
    target = addressed(
        CloudwatchEventTarget(
            scope,
            "target",
            for_each=for_each,
            count=count,
            rule=name,
            target_id="alert-topic",
            arn=topic_arn,
            input_transformer=CloudwatchEventTargetInputTransformer(
                input_paths=input_paths, input_template=input_template
            ),
            depends_on=[rule],
        )
    )
    return TopicRule(rule, target)


@dataclass(frozen=True, kw_only=True)
class EventRuleAlert:
    """One detection's rule and target."""

    #: What to match and what to say (pattern, message, severity); its name keys the resources.
    detection: EventDetection
    #: Name of the EventBridge rule.
    name: str
    #: Build the rule and its target (a Terraform expression filters the ``for_each``). Default: True.
    enabled: Flag = True


@dataclass(frozen=True, kw_only=True)
class EventRuleAlertsProps:
    """Settings of :class:`EventRuleAlerts`."""

    #: One rule and target each; detection names must be unique (else ``ValueError``).
    alerts: Sequence[EventRuleAlert]
    #: ARN of the SNS topic that receives the alerts.
    topic_arn: str


class EventRuleAlerts(Construct):
    """EventBridge rules on the default bus, each targeting the topic through an input transformer.

    One ``aws_cloudwatch_event_rule`` and one ``aws_cloudwatch_event_target``, each with
    ``for_each`` keyed by detection name. They match events of the account's own default
    bus in us-east-1 (where the baseline lives): console sign-ins, for instance, reach only
    the bus of the account signed in to. A target names its rule by name (``depends_on``
    orders them).
    """

    def __init__(self, scope: Construct, id_: str, *, props: EventRuleAlertsProps) -> None:
        super().__init__(scope, id_)
        entries = [
            Switched(
                name=alert.detection.name,
                values={
                    "name": alert.name,
                    "description": alert.detection.description,
                    "event_pattern": alert.detection.event_pattern_json,
                    "input_paths": dict(alert.detection.message_fields),
                    "input_template": alert.detection.input_template,
                },
                enabled=alert.enabled,
            )
            for alert in props.alerts
        ]
        self.for_each = for_each_of(self, "detections", entries)
        each = self.for_each.each
        made = rule_to_topic(
            self,
            name=each.get_string("name"),
            description=each.get_string("description"),
            event_pattern=each.get_string("event_pattern"),
            input_paths=each.get_string_map("input_paths"),
            input_template=each.get_string("input_template"),
            topic_arn=props.topic_arn,
            for_each=each,
        )
        self.rule, self.target = made.rule, made.target

    def arn_of(self, detection_name: str) -> str:
        """The ARN of one detection's rule (``<rules>["name"].arn``); null if it is switched off."""
        arn = f"{address(self.rule)}[{json.dumps(detection_name)}].arn"
        return f"${{try({arn}, null)}}" if self.for_each.switched else f"${{{arn}}}"
