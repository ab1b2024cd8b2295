"""Addresses: plain names in the module and the app, detections keyed by name, and the
``moved`` blocks from the hashed addresses before them.

The addresses are an interface: every plan, ``terraform state`` command and ``moved`` block
of a user names them. They are pinned here the way the outputs are; a change to this list
needs a ``moved`` block (``app/moves.py``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import TerraformStack, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from constructs import Construct

from app.moves import HASHED_TO_PLAIN, moves
from constructs_lib.addresses import AddressError, addressed, check_addresses, plain_addresses
from tests.configs import EVERY_OPTION
from tests.synth import app_documents
from tools.module import module_json

#: Every resource, data source and local of the module (the app builds the same, less what
#: its config leaves out, and no locals).
MODULE_ADDRESSES = [
    "aws_budgets_budget.monthly",
    "aws_ce_anomaly_monitor.this",
    "aws_ce_anomaly_subscription.this",
    "aws_cloudtrail.management_account_trail",
    "aws_cloudtrail.organization_trail",
    "aws_cloudwatch_event_rule.estimated_charges",
    "aws_cloudwatch_event_rule.log_alarms",
    "aws_cloudwatch_event_rule.this",
    "aws_cloudwatch_event_target.estimated_charges",
    "aws_cloudwatch_event_target.log_alarms",
    "aws_cloudwatch_event_target.this",
    "aws_cloudwatch_log_group.organization_trail",
    "aws_cloudwatch_log_metric_filter.this",
    "aws_cloudwatch_metric_alarm.estimated_charges",
    "aws_cloudwatch_metric_alarm.this",
    "aws_iam_role.cloudtrail_to_cloudwatch",
    "aws_iam_role_policy.cloudtrail_to_cloudwatch",
    "aws_kms_alias.this",
    "aws_kms_key.this",
    "aws_s3_bucket.access_logs",
    "aws_s3_bucket.trail_logs",
    "aws_s3_bucket_lifecycle_configuration.access_logs",
    "aws_s3_bucket_lifecycle_configuration.trail_logs",
    "aws_s3_bucket_logging.trail_logs",
    "aws_s3_bucket_object_lock_configuration.trail_logs",
    "aws_s3_bucket_ownership_controls.access_logs",
    "aws_s3_bucket_ownership_controls.trail_logs",
    "aws_s3_bucket_policy.access_logs",
    "aws_s3_bucket_policy.trail_logs",
    "aws_s3_bucket_public_access_block.access_logs",
    "aws_s3_bucket_public_access_block.trail_logs",
    "aws_s3_bucket_server_side_encryption_configuration.access_logs",
    "aws_s3_bucket_server_side_encryption_configuration.trail_logs",
    "aws_s3_bucket_versioning.access_logs",
    "aws_s3_bucket_versioning.trail_logs",
    "aws_sns_topic.alarm_actions",
    "aws_sns_topic.alerts",
    "aws_sns_topic_policy.alarm_actions",
    "aws_sns_topic_policy.alerts",
    "aws_sns_topic_subscription.alarm_actions",
    "aws_sns_topic_subscription.alerts",
    "aws_sqs_queue.alarm_actions",
    "aws_sqs_queue_policy.alarm_actions",
    "data.aws_caller_identity.current",
    "data.aws_iam_policy_document.access_logs",
    "data.aws_iam_policy_document.alarm_actions",
    "data.aws_iam_policy_document.alarm_actions_queue",
    "data.aws_iam_policy_document.alerts",
    "data.aws_iam_policy_document.alerts_without_budgets",
    "data.aws_iam_policy_document.alerts_without_budgets_cost_anomalies",
    "data.aws_iam_policy_document.alerts_without_cost_anomalies",
    "data.aws_iam_policy_document.cloudtrail_to_cloudwatch",
    "data.aws_iam_policy_document.cloudtrail_to_cloudwatch_trust",
    "data.aws_iam_policy_document.key",
    "data.aws_iam_policy_document.key_without_budgets",
    "data.aws_iam_policy_document.key_without_budgets_cost_anomalies",
    "data.aws_iam_policy_document.key_without_cost_anomalies",
    "data.aws_iam_policy_document.key_without_trail",
    "data.aws_iam_policy_document.key_without_trail_budgets",
    "data.aws_iam_policy_document.key_without_trail_budgets_cost_anomalies",
    "data.aws_iam_policy_document.key_without_trail_cost_anomalies",
    "data.aws_iam_policy_document.trail_logs",
    "data.aws_organizations_organization.current",
    "data.aws_partition.current",
    "data.aws_region.current",
    "local.anomaly_monitor_arn",
    "local.event_detections",
    "local.ignored_clauses",
    "local.log_data_protection",
    "local.log_detections",
    "local.log_group_name",
    "local.organization_trail_arn",
    "terraform_data.log_data_protection",
]
STATE_STACK_ADDRESSES = [
    "aws_s3_bucket.state",
    "aws_s3_bucket_lifecycle_configuration.state",
    "aws_s3_bucket_ownership_controls.state",
    "aws_s3_bucket_policy.state",
    "aws_s3_bucket_public_access_block.state",
    "aws_s3_bucket_server_side_encryption_configuration.state",
    "aws_s3_bucket_versioning.state",
    "data.aws_iam_policy_document.state",
]
#: What [ci] adds to the state-bootstrap stack (every-option has it): the provider and the two roles.
CI_ADDRESSES = [
    "aws_iam_openid_connect_provider.github",
    "aws_iam_role.ci_apply",
    "aws_iam_role.ci_plan",
    "aws_iam_role_policy.ci_apply",
    "aws_iam_role_policy.ci_plan",
    "data.aws_caller_identity.ci_caller",
    "data.aws_iam_policy_document.ci_apply_permissions",
    "data.aws_iam_policy_document.ci_apply_trust",
    "data.aws_iam_policy_document.ci_plan_permissions",
    "data.aws_iam_policy_document.ci_plan_trust",
    "data.aws_partition.ci_partition",
]
#: The keys of the detection resources with every detection on (the catalogue's names).
LOG_DETECTION_KEYS = [
    "access-denied",
    "cis-aws-config-changes",
    "cis-cloudtrail-changes",
    "cis-console-authentication-failures",
    "cis-console-sign-in-without-mfa",
    "cis-iam-policy-changes",
    "cis-kms-key-disable-or-deletion",
    "cis-nacl-changes",
    "cis-network-gateway-changes",
    "cis-organizations-changes",
    "cis-root-usage",
    "cis-route-table-changes",
    "cis-s3-bucket-policy-changes",
    "cis-security-group-changes",
    "cis-unauthorized-api-calls",
    "cis-vpc-changes",
    "console-sign-in",
]
EVENT_DETECTION_KEYS = ["root-sign-in"]

Json = dict[str, Any]


def addresses(document: Json) -> list[str]:
    """``type.name`` of every resource, ``data.type.name`` of every data source, ``local.name``."""
    found = [f"{kind}.{name}" for kind, blocks in document.get("resource", {}).items() for name in blocks]
    found += [f"data.{kind}.{name}" for kind, blocks in document.get("data", {}).items() for name in blocks]
    found += [f"local.{name}" for name in document.get("locals", {})]
    return sorted(found)


@pytest.fixture(scope="module")
def module() -> Json:
    return module_json()


@pytest.fixture(scope="module")
def every_option() -> list[Json]:
    return app_documents(EVERY_OPTION)


def test_the_module_addresses_are_pinned(module: Json) -> None:
    assert addresses(module) == MODULE_ADDRESSES


def test_the_app_builds_the_module_addresses_and_keys_the_detections_by_name(every_option: list[Json]) -> None:
    baseline, state = every_option
    # The every-option config builds all the module can, but the module-only locals and the
    # policy documents the module switches at plan time.
    module_only = {
        "local.anomaly_monitor_arn",
        "local.event_detections",
        "local.ignored_clauses",
        "local.log_data_protection",
        "local.log_detections",
        "data.aws_iam_policy_document.alerts_without_budgets",
        "data.aws_iam_policy_document.alerts_without_budgets_cost_anomalies",
        "data.aws_iam_policy_document.alerts_without_cost_anomalies",
        "data.aws_iam_policy_document.key_without_budgets",
        "data.aws_iam_policy_document.key_without_budgets_cost_anomalies",
        "data.aws_iam_policy_document.key_without_cost_anomalies",
        "data.aws_iam_policy_document.key_without_trail",
        "data.aws_iam_policy_document.key_without_trail_budgets",
        "data.aws_iam_policy_document.key_without_trail_budgets_cost_anomalies",
        "data.aws_iam_policy_document.key_without_trail_cost_anomalies",
        "local.log_group_name",
        "local.organization_trail_arn",
    }
    assert addresses(baseline) == sorted(set(MODULE_ADDRESSES) - module_only)
    assert addresses(state) == sorted(STATE_STACK_ADDRESSES + CI_ADDRESSES)
    resources = baseline["resource"]
    for kind in ("aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm"):
        assert sorted(resources[kind]["this"]["for_each"]) == LOG_DETECTION_KEYS
    for kind in ("aws_cloudwatch_event_rule", "aws_cloudwatch_event_target"):
        assert sorted(resources[kind]["this"]["for_each"]) == EVENT_DETECTION_KEYS


def test_every_hashed_address_moves_to_a_resource_that_exists(module: Json, every_option: list[Json]) -> None:
    declared = {address for document in (module, *every_option) for address in addresses(document)}
    for resource_type, names in HASHED_TO_PLAIN.items():
        for old, new in names.items():
            assert f"{resource_type}.{new.partition('[')[0]}" in declared, old
            key = new.partition("[")[2].removesuffix("]")
            assert not key or json.loads(key) in LOG_DETECTION_KEYS + EVENT_DETECTION_KEYS


#: Resources that came after the plain addresses (issue 15's readable messages and later): nothing to move.
BORN_PLAIN = {
    "aws_iam_openid_connect_provider.github",
    "aws_iam_role.ci_plan",
    "aws_iam_role.ci_apply",
    "aws_iam_role_policy.ci_plan",
    "aws_iam_role_policy.ci_apply",
    "aws_cloudtrail.management_account_trail",
    "aws_ce_anomaly_monitor.this",
    "aws_ce_anomaly_subscription.this",
    "terraform_data.log_data_protection",
    "aws_sns_topic.alarm_actions",
    "aws_sns_topic_policy.alarm_actions",
    "aws_sns_topic_subscription.alarm_actions",
    "aws_sqs_queue.alarm_actions",
    "aws_sqs_queue_policy.alarm_actions",
    "aws_cloudwatch_event_rule.log_alarms",
    "aws_cloudwatch_event_target.log_alarms",
    "aws_cloudwatch_event_rule.estimated_charges",
    "aws_cloudwatch_event_target.estimated_charges",
}


def test_every_resource_had_a_hashed_address_and_has_a_moved_block(module: Json, every_option: list[Json]) -> None:
    for document in (module, *every_option):
        targets = {block["to"].partition("[")[0] for block in document["moved"]}
        resources = {address for address in addresses(document) if not address.startswith(("data.", "local."))}
        assert targets == resources - BORN_PLAIN


def test_the_module_moves_each_detection_from_its_counted_instance(module: Json) -> None:
    blocks = {block["to"]: block["from"] for block in module["moved"]}
    assert blocks['aws_cloudwatch_metric_alarm.this["cis-root-usage"]'] == (
        "aws_cloudwatch_metric_alarm.baseline_cis-root-usage_alarm_34673FCE[0]"
    )
    # Singletons move whole, with whatever count they have.
    assert blocks["aws_kms_key.this"] == "aws_kms_key.baseline_key_0F77B690"


def test_the_app_moves_each_detection_from_its_resource() -> None:
    (block,) = moves(["aws_cloudwatch_event_rule.this"], counted_detections=False)
    assert block == {
        "from": "aws_cloudwatch_event_rule.baseline_root-sign-in_rule_479BD0DB",
        "to": 'aws_cloudwatch_event_rule.this["root-sign-in"]',
    }


def _stack() -> TerraformStack:
    stack = TerraformStack(Testing.app(), "s")
    AwsProvider(stack, "aws", region="us-east-1")
    return stack


def _composition(names: dict[str, str]) -> Construct:
    """A construct naming what is built under it after ``names``."""
    scope = Construct(_stack(), "c")
    plain_addresses(scope, names)
    return scope


def test_outside_a_composition_elements_keep_cdktf_unique_ids() -> None:
    stack = _stack()
    topic = addressed(SnsTopic(Construct(stack, "c"), "topic", name="t"))
    assert topic.friendly_unique_id.startswith("c_topic_")


def test_an_element_not_created_through_addressed_is_refused() -> None:
    scope = _composition({"alerts": "alerts"})
    SnsTopic(Construct(scope, "alerts"), "topic", name="t")
    with pytest.raises(AddressError, match=r"s/c/alerts/topic: is 'c_alerts_topic_\w+', not 'alerts'"):
        check_addresses(scope)


def test_an_element_without_a_name_in_the_table_is_refused() -> None:
    scope = _composition({"alerts": "alerts"})
    addressed(SnsTopic(Construct(scope, "other"), "topic", name="t"))
    with pytest.raises(AddressError, match="s/c/other/topic: no plain address for it"):
        check_addresses(scope)


def test_two_elements_with_one_address_are_refused() -> None:
    scope = _composition({"a": "alerts", "b": "alerts"})
    addressed(SnsTopic(Construct(scope, "a"), "topic", name="a"))
    addressed(SnsTopic(Construct(scope, "b"), "topic", name="b"))
    with pytest.raises(AddressError, match=r"s/c/b/topic: aws_sns_topic\.alerts is also s/c/a/topic"):
        check_addresses(scope)
