"""The stack around the baseline: provider, region, tags."""

from __future__ import annotations

from app.config import BaselineConfig
from tests.synth import Synthesized, synth


def test_provider_is_pinned_to_us_east_1(default_stack: Synthesized) -> None:
    (provider,) = default_stack.doc["provider"]["aws"]
    assert provider["region"] == "us-east-1"


def test_every_resource_gets_the_configured_tags(default_stack: Synthesized, custom_stack: Synthesized) -> None:
    (default_provider,) = default_stack.doc["provider"]["aws"]
    (custom_provider,) = custom_stack.doc["provider"]["aws"]
    assert default_provider["default_tags"] == [{"tags": {"ManagedBy": "management-account-baseline"}}]
    assert custom_provider["default_tags"] == [{"tags": {"Owner": "platform", "CostCenter": "42"}}]


def test_provider_is_the_pinned_aws_5_100(default_stack: Synthesized) -> None:
    assert default_stack.doc["terraform"]["required_providers"]["aws"] == {"source": "aws", "version": "5.100.0"}


def test_account_and_organization_are_looked_up_at_plan_time(default_stack: Synthesized) -> None:
    data = default_stack.doc["data"]
    assert len(data["aws_caller_identity"]) == 1
    assert len(data["aws_organizations_organization"]) == 1


#: Name arguments and the longest name AWS accepts for each.
NAME_LIMITS = {
    ("aws_s3_bucket", "bucket"): 63,
    ("aws_iam_role", "name"): 64,
    ("aws_cloudwatch_event_rule", "name"): 64,
    ("aws_cloudtrail", "name"): 128,
    ("aws_sns_topic", "name"): 256,
    ("aws_cloudwatch_metric_alarm", "alarm_name"): 255,
    ("aws_cloudwatch_log_metric_filter", "name"): 512,
    ("aws_cloudwatch_log_group", "name"): 512,
    ("aws_budgets_budget", "name"): 100,
}


def test_the_longest_name_prefix_keeps_every_name_within_aws_limits() -> None:
    s = synth(BaselineConfig(name_prefix="a" * 24))
    account_id = s.env.account_id
    checked = set()
    for (resource_type, argument), limit in NAME_LIMITS.items():
        for body in s.bodies(resource_type):
            name = body[argument].replace(account_id, "123456789012")
            assert name.startswith("a" * 24) or name.startswith("/aws/cloudtrail/" + "a" * 24)
            assert len(name) <= limit, f"{resource_type}.{argument} {name!r} is longer than {limit}"
            checked.add((resource_type, argument))
    assert checked == set(NAME_LIMITS)  # every limited name was synthesized and checked


def test_the_baseline_stack_has_the_module_outputs(default_stack: Synthesized) -> None:
    outputs = default_stack.doc["output"]
    topic = default_stack.stack.baseline.topic.topic
    assert outputs["alert_topic_arn"]["value"] == default_stack.ref(topic, "arn")
    # No billing alarm on the organization's total by default (billing.organization_limit_usd unset).
    assert set(outputs["alarm_arns"]["value"]) == {"console-sign-in", "access-denied"}
