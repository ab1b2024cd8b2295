"""The alert topic: who may publish, TLS only, email subscriptions."""

from __future__ import annotations

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
}


def _topic_statements(s: Synthesized) -> dict[str, dict[str, object]]:
    (policy,) = s.resources("aws_sns_topic_policy").values()
    assert policy["arn"] == s.ref(s.stack.baseline.topic.topic, "arn")
    return s.policy_statements(policy["policy"])


def test_topic_is_named_from_the_prefix(default_stack: Synthesized, custom_stack: Synthesized) -> None:
    assert default_stack.body(default_stack.stack.baseline.topic.topic)["name"] == "mgmt-baseline-alerts"
    assert custom_stack.body(custom_stack.stack.baseline.topic.topic)["name"] == "acme-root-alerts"


def test_topic_policy_admits_exactly_the_alert_services(default_stack: Synthesized) -> None:
    statements = _topic_statements(default_stack)
    assert set(statements) == {*PUBLISHERS, "DenyInsecureTransport"}
    services = {sid: statement["principals"] for sid, statement in statements.items() if statement["effect"] == "Allow"}
    assert services == {
        sid: [{"type": "Service", "identifiers": [service]}] for sid, (service, _) in PUBLISHERS.items()
    }


@pytest.mark.parametrize("sid", PUBLISHERS)
def test_each_publisher_may_publish_only_from_this_account_where_it_says_so(
    default_stack: Synthesized, sid: str
) -> None:
    s = default_stack
    env = s.env
    statement = _topic_statements(s)[sid]
    source_arn = PUBLISHERS[sid][1]
    assert statement["actions"] == ["sns:Publish"]
    assert statement["resources"] == [s.ref(s.stack.baseline.topic.topic, "arn")]
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


def test_topic_refuses_publishing_without_tls(default_stack: Synthesized) -> None:
    deny = _topic_statements(default_stack)["DenyInsecureTransport"]
    assert deny["effect"] == "Deny"
    assert deny["principals"] == [{"type": "*", "identifiers": ["*"]}]
    assert deny["actions"] == ["sns:Publish"]
    assert conditions(deny) == {("Bool", "aws:SecureTransport"): ["false"]}


def test_no_email_subscription_without_addresses(default_stack: Synthesized) -> None:
    (subscription,) = default_stack.resources("aws_sns_topic_subscription").values()
    assert subscription["for_each"] == "${toset([])}"


def test_every_configured_address_gets_an_email_subscription(custom_stack: Synthesized) -> None:
    s = custom_stack
    (subscription,) = s.resources("aws_sns_topic_subscription").values()
    assert subscription["for_each"] == '${toset(["secops@example.com", "cfo@example.org"])}'
    assert subscription["protocol"] == "email"
    assert subscription["endpoint"] == "${each.value}"
    assert subscription["topic_arn"] == s.ref(s.stack.baseline.topic.topic, "arn")


def test_without_a_budget_neither_topic_nor_key_lets_budgets_in() -> None:
    s = synth(BaselineConfig(create_budget=False))
    assert set(_topic_statements(s)) == {"AllowEventBridgeRules", "AllowCloudWatchAlarms", "DenyInsecureTransport"}
    (key,) = s.resources("aws_kms_key").values()
    assert "BudgetsPublishToTheTopic" not in s.policy_statements(key["policy"])
    assert "CloudWatchAlarmsPublishToTheTopic" in s.policy_statements(key["policy"])
