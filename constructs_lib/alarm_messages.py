"""Alarm state changes as messages a person can act on, through EventBridge.

A CloudWatch alarm's own notification is a generic form (name, threshold, state reason). For
each alarm, an EventBridge rule matches its "CloudWatch Alarm State Change" events and sends
the alert topic one readable message: severity, what it means, account, region, time, the
reason, and where to look. The alarm's actions go to a topic no person reads, so a person
gets one message per alert, and the alarm still has an enabled action (Security Hub
CloudWatch.15 and .17).

"CloudWatch sends events to Amazon EventBridge whenever a CloudWatch alarm is created,
updated, deleted, or changes alarm state ... CloudWatch guarantees the delivery of alarm state
change events to EventBridge" (CloudWatch User Guide, :data:`ALARM_EVENTS_DOC`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdktf import Fn, TerraformIterator, Token
from constructs import Construct

from constructs_lib.detections import LOG_ALERT_STATES, alarm_state_change_pattern
from constructs_lib.event_rule_alerts import rule_to_topic
from constructs_lib.switch import Flag, count_for

ALARM_EVENTS_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html"
TEMPLATE_DOC = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-input-transformer-tutorial.html"

#: The fields of an alarm state change event a message shows, as EventBridge input paths.
ALARM_EVENT_FIELDS: Mapping[str, str] = {
    "account": "$.account",
    "region": "$.region",
    "time": "$.time",
    "alarm": "$.detail.alarmName",
    "state": "$.detail.state.value",
    "reason": "$.detail.state.reason",
}

#: How far back a log detection's console link searches, counted from when it is opened: a
#: week, so that an alert read after a weekend or a holiday still shows its events.
LINK_WINDOW_HOURS = 7 * 24
#: What introduces the link in a log detection's message.
LINK_LABEL = f"The matching events of the last {LINK_WINDOW_HOURS // 24} days: "


def alarm_summary(severity: str, name: str, meaning: str) -> str:
    """The head of every alarm message: severity, what fired and what it means, then the event's facts."""
    return (
        f"[{severity}] {name}: {meaning}\n"
        "Account <account>, region <region>, at <time>: alarm <alarm> is <state>.\n"
        "Why: <reason>"
    )


def console_encoded(value: str) -> str:
    """``value`` (text or a token) encoded for a CloudWatch console fragment, when Terraform
    plans: URL-encoded (spaces as ``+``), then once more, with ``$`` for ``%``.

    The console's ``#logsV2:`` fragment carries its path and query percent-encoded with ``$``
    in place of ``%``; a query value inside it is URL-encoded before that.
    """
    return Token.as_string(Fn.replace(Fn.replace(Fn.urlencode(value), "%", "$25"), "+", "$2B"))


def log_events_link(region: str, log_group_name: str, pattern: str) -> str:
    """The console URL that searches ``log_group_name`` with the filter ``pattern`` over the
    last :data:`LINK_WINDOW_HOURS` hours (each value text or a token). No account id: the
    console opens the account the reader is signed in to."""
    window_ms = LINK_WINDOW_HOURS * 3600 * 1000
    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logsV2:log-groups/log-group/"
        f"{console_encoded(log_group_name)}/log-events$3FfilterPattern$3D{console_encoded(pattern)}"
        f"$26start$3D-{window_ms}"
    )


def json_text(text: str) -> str:
    """``text`` escaped for the inside of a JSON string (no quotes around it)."""
    return json.dumps(text)[1:-1]


def quoted_line(*parts: str) -> str:
    """One line of a text template, written as AWS's input-transformer examples write one: a
    JSON string. EventBridge sends such a template as it is, quotes included, with each
    ``<field>`` filled in (EventBridge User Guide, :data:`TEMPLATE_DOC`). ``parts`` are escaped
    with :func:`json_text`, or tokens whose values need no escaping."""
    return '"' + "".join(parts) + '"'


def quoted_lines(text: str) -> str:
    """Each line of ``text`` a :func:`quoted_line`, one per template line."""
    return "\n".join(quoted_line(json_text(line)) for line in text.split("\n"))


def alarm_event_pattern(alarm_name: str, states: Sequence[str]) -> str:
    """The event pattern (JSON) of ``alarm_name``'s changes to one of ``states``."""
    return json.dumps(alarm_state_change_pattern(alarm_name, tuple(states)))


@dataclass(frozen=True)
class ReadableMessages:
    """How alarms reach people through readable messages instead of their own notification."""

    #: ARN of the SNS topic the alarms' actions notify instead of the people's topic: one
    #: no person reads, so nobody gets the generic notification besides the message.
    alarm_actions_topic_arn: str
    #: The alarms' region, for the console links (a plan-time lookup).
    region: str


@dataclass(frozen=True, kw_only=True)
class AlarmMessagesProps:
    """Settings of :class:`AlarmMessages`. Each string may be a token of ``for_each``'s entry."""

    #: Name of the rule (an alarm's own name: rules and alarms have separate namespaces).
    rule_name: str
    #: The alarm whose state changes the rule matches.
    alarm_name: str
    #: The states whose changes are alerts. Default: ALARM only.
    states: Sequence[str] = LOG_ALERT_STATES
    #: The input template: lines of :func:`quoted_line` with ``<field>`` placeholders of
    #: :data:`ALARM_EVENT_FIELDS`.
    input_template: str
    #: ARN of the SNS topic the message goes to.
    topic_arn: str
    #: One rule and target per entry of this iterator (the alarms' own ``for_each``). Default: one.
    for_each: TerraformIterator | None = None
    #: Build the rule and target (a Terraform expression becomes ``count``). Default: True.
    enabled: Flag = True
    #: Resources the rule waits for (the alarm). Default: none.
    depends_on: Sequence[Any] = field(default_factory=tuple)


class AlarmMessages(Construct):
    """An EventBridge rule on an alarm's state changes, and its target: the topic, through an
    input transformer that writes the message.

    One ``aws_cloudwatch_event_rule`` and one ``aws_cloudwatch_event_target`` (per entry of
    ``for_each``, if given). The target names its rule by name (``depends_on`` orders them).
    """

    def __init__(self, scope: Construct, id_: str, *, props: AlarmMessagesProps) -> None:
        super().__init__(scope, id_)
        made = rule_to_topic(
            self,
            name=props.rule_name,
            description="Sends the alert topic a readable message when the alarm of the same name fires.",
            event_pattern=alarm_event_pattern(props.alarm_name, props.states),
            input_paths=dict(ALARM_EVENT_FIELDS),
            input_template=props.input_template,
            topic_arn=props.topic_arn,
            for_each=props.for_each,
            count=count_for(props.enabled),
            depends_on=props.depends_on,
        )
        self.rule, self.target = made.rule, made.target
