"""The stack around the baseline: provider, region, tags."""

from __future__ import annotations

from tests.synth import Synthesized


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
