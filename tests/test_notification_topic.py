"""The alert topic and the alarm-actions topic: who may publish, TLS only, email subscriptions.

People subscribe to the alert topic; EventBridge (the readable messages) and AWS Budgets publish
to it. The alarms' own actions go to the alarm-actions topic, which only CloudWatch alarms may
publish to and only the account's queue is subscribed to: one message per alert.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.config import BaselineConfig
from tests.synth import Synthesized, conditions, synth

#: Each publisher's service principal and the source ARN its statement requires; EventBridge
#: none: it sends no aws:SourceArn to SNS ("You can't use Condition blocks in Amazon SNS topic
#: policies for EventBridge", EventBridge User Guide).
PUBLISHERS = {
    "AllowEventBridgeRules": ("events.amazonaws.com", None),
    "AllowCloudWatchAlarms": ("cloudwatch.amazonaws.com", "cloudwatch:{region}:{account}:alarm:*"),
    "AllowBudgets": ("budgets.amazonaws.com", "budgets::{account}:*"),
    # Cost Management User Guide, "Creating an Amazon SNS topic for anomaly notifications".
    "AllowCostAnomalyDetection": ("costalerts.amazonaws.com", "ce::{account}:anomalysubscription/*"),
}


#: Each topic's construct (an attribute of the baseline) and the publishers it admits.
TOPICS = {
    "topic": ("AllowEventBridgeRules", "AllowBudgets", "AllowCostAnomalyDetection"),
    "alarm_actions": ("AllowCloudWatchAlarms",),
}


def _topic(s: Synthesized, which: str = "topic") -> Any:
    return getattr(s.stack.baseline, which).topic


def _topic_statements(s: Synthesized, which: str = "topic") -> dict[str, dict[str, object]]:
    (policy,) = (p for p in s.resources("aws_sns_topic_policy").values() if p["arn"] == s.ref(_topic(s, which), "arn"))
    return s.policy_statements(policy["policy"])


def test_topic_is_named_from_the_prefix(default_stack: Synthesized, custom_stack: Synthesized) -> None:
    assert default_stack.body(default_stack.stack.baseline.topic.topic)["name"] == "mgmt-baseline-alerts"
    assert custom_stack.body(custom_stack.stack.baseline.topic.topic)["name"] == "acme-root-alerts"


def test_alarm_actions_topic_is_named_from_the_prefix(default_stack: Synthesized) -> None:
    assert default_stack.body(_topic(default_stack, "alarm_actions"))["name"] == "mgmt-baseline-alarm-actions"


@pytest.mark.parametrize("which", TOPICS)
def test_topic_policy_admits_exactly_its_publishers(default_stack: Synthesized, which: str) -> None:
    statements = _topic_statements(default_stack, which)
    assert set(statements) == {*TOPICS[which], "DenyInsecureTransport"}
    services = {sid: statement["principals"] for sid, statement in statements.items() if statement["effect"] == "Allow"}
    assert services == {sid: [{"type": "Service", "identifiers": [PUBLISHERS[sid][0]]}] for sid in TOPICS[which]}


@pytest.mark.parametrize(("which", "sid"), [(which, sid) for which, sids in TOPICS.items() for sid in sids])
def test_each_publisher_may_publish_only_from_this_account_where_it_says_so(
    default_stack: Synthesized, which: str, sid: str
) -> None:
    s = default_stack
    env = s.env
    statement = _topic_statements(s, which)[sid]
    source_arn = PUBLISHERS[sid][1]
    assert statement["actions"] == ["sns:Publish"]
    assert statement["resources"] == [s.ref(_topic(s, which), "arn")]
    expected = {}
    if source_arn:
        expected = {
            ("StringEquals", "aws:SourceAccount"): [env.account_id],
            ("ArnLike", "aws:SourceArn"): [
                ("arn:{partition}:" + source_arn).format(
                    partition=env.partition, region=env.region, account=env.account_id
                )
            ],
        }
    assert conditions(statement) == expected


@pytest.mark.parametrize("which", TOPICS)
def test_topic_refuses_publishing_without_tls(default_stack: Synthesized, which: str) -> None:
    deny = _topic_statements(default_stack, which)["DenyInsecureTransport"]
    assert deny["effect"] == "Deny"
    assert deny["principals"] == [{"type": "*", "identifiers": ["*"]}]
    assert deny["actions"] == ["sns:Publish"]
    assert conditions(deny) == {("Bool", "aws:SecureTransport"): ["false"]}


def test_no_email_subscription_without_addresses(default_stack: Synthesized) -> None:
    assert default_stack.resources("aws_sns_topic_subscription")["alerts"]["for_each"] == "${toset([])}"


def test_every_configured_address_gets_an_email_subscription(custom_stack: Synthesized) -> None:
    s = custom_stack
    subscription = s.resources("aws_sns_topic_subscription")["alerts"]
    assert subscription["for_each"] == '${toset(["secops@example.com", "cfo@example.org"])}'
    assert subscription["protocol"] == "email"
    assert subscription["endpoint"] == "${each.value}"
    assert subscription["topic_arn"] == s.ref(s.stack.baseline.topic.topic, "arn")


def test_without_a_budget_neither_topic_nor_key_lets_budgets_in() -> None:
    s = synth(BaselineConfig(create_budget=False))
    assert set(_topic_statements(s)) == {"AllowEventBridgeRules", "AllowCostAnomalyDetection", "DenyInsecureTransport"}
    (key,) = s.resources("aws_kms_key").values()
    assert "BudgetsPublishToTheTopic" not in s.policy_statements(key["policy"])
    assert "CloudWatchAlarmsPublishToTheTopic" in s.policy_statements(key["policy"])


def test_only_a_queue_of_the_account_is_subscribed_to_the_alarm_actions_topic(custom_stack: Synthesized) -> None:
    # Security Hub CloudWatch.1-14 (the CIS audit) want an active subscription on an alarm's
    # topic; the queue keeps the alarms' own notifications, and nobody is emailed twice.
    s = custom_stack
    kept = s.stack.baseline.alarm_actions_kept
    subscriptions = {b["topic_arn"]: b for b in s.resources("aws_sns_topic_subscription").values()}
    alarm_topic = subscriptions[s.ref(_topic(s, "alarm_actions"), "arn")]
    assert (alarm_topic["protocol"], alarm_topic["endpoint"]) == ("sqs", s.ref(kept.queue, "arn"))
    assert subscriptions[s.ref(_topic(s, "topic"), "arn")]["protocol"] == "email"
    queue = s.body(kept.queue)
    assert (queue["sqs_managed_sse_enabled"], queue["message_retention_seconds"]) == (True, 14 * 24 * 3600)
    statements = s.policy_statements(s.body(kept.policy)["policy"])
    assert set(statements) == {"AllowTheTopic", "DenyInsecureTransport"}
    assert statements["AllowTheTopic"]["principals"] == [{"type": "Service", "identifiers": ["sns.amazonaws.com"]}]
    assert conditions(statements["AllowTheTopic"]) == {
        ("ArnLike", "aws:SourceArn"): [s.ref(_topic(s, "alarm_actions"), "arn")]
    }
