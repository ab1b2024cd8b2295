"""Protection that protects: a guard per item of log data in the app and the module, the blocks that
remove the baseline keeping its logs and adopt them again, and what the config refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing

from app.config import BaselineConfig
from app.load import ConfigError, parse_config
from app.stacks import BaselineRemovalStack, build_app
from tests.synth import synth
from tools.kept import import_blocks, removed_blocks
from tools.module import module_json, synthesized_module

GUARD = "terraform_data"
ITEMS = ["access-log-bucket", "kms-key", "log-bucket", "log-group"]


def _guard(doc: dict[str, Any]) -> dict[str, Any]:
    guard: dict[str, Any] = doc["resource"][GUARD]["log_data_protection"]
    return guard


def test_each_item_of_log_data_has_a_guard_that_refuses_its_destruction_or_replacement() -> None:
    s = synth(BaselineConfig())
    guard = _guard(s.doc)
    assert guard["lifecycle"] == {"prevent_destroy": True}
    assert guard["triggers_replace"] == "${each.value}"
    items = guard["for_each"]
    assert sorted(items) == ITEMS
    trail = s.trail
    # What identifies each item: replacing the bucket or stripping a setting changes it.
    assert items["log-bucket"] == {
        "bucket": s.ref(trail.bucket, "arn"),
        "policy": s.ref(trail.bucket_policy, "id"),
        "public_access_block": s.ref(trail.storage.public_access_block, "id"),
        "encryption": s.ref(trail.storage.encryption, "id"),
        "versioning": s.ref(trail.storage.versioning, "id"),
    }
    assert items["log-group"] == {"log_group": s.ref(trail.log_group, "arn")}
    assert s.stack.baseline.key is not None
    assert items["kms-key"] == {"key": s.ref(s.stack.baseline.key.key, "arn")}


@pytest.mark.parametrize(
    ("settings", "items"),
    [
        ({"kms_encryption": False}, ["access-log-bucket", "log-bucket", "log-group"]),
        ({"log_bucket": {"access_logging": False}}, ["kms-key", "log-bucket", "log-group"]),
        ({"protect_log_data": False}, None),
        # Locked log files no one can delete: the bucket stays guarded with protection off.
        ({"protect_log_data": False, "log_bucket": {"object_lock_mode": "COMPLIANCE"}}, ["log-bucket"]),
        ({"protect_log_data": False, "log_bucket": {"object_lock_mode": "GOVERNANCE"}}, None),
    ],
    ids=["kms-off", "access-logging-off", "protection-off", "compliance-lock", "governance-lock"],
)
def test_the_guards_follow_what_is_built_and_protected(settings: dict[str, Any], items: list[str] | None) -> None:
    doc = synth(BaselineConfig.model_validate(settings)).doc
    if items is None:
        assert GUARD not in doc.get("resource", {})
    else:
        assert sorted(_guard(doc)["for_each"]) == items


def test_the_module_switches_each_guard_with_its_item_and_the_protection() -> None:
    document = module_json()
    guard = document["resource"][GUARD]["log_data_protection"]
    assert guard["lifecycle"] == {"prevent_destroy": True}
    assert guard["for_each"] == "${{ for name, entry in local.log_data_protection : name => entry if entry.enabled }}"
    enabled = {name: entry["enabled"] for name, entry in document["locals"]["log_data_protection"].items()}
    # Only the baseline's own trail holds log data: an existing trail's is its owner's to keep.
    protect = '(var.protect_log_data && (var.trail.mode == "create"))'
    locked = '((var.log_bucket.object_lock_mode == "COMPLIANCE") && (var.trail.mode == "create"))'
    assert enabled == {
        "access-log-bucket": f"${{({protect} && var.log_bucket.access_logging)}}",
        "kms-key": f"${{({protect} && var.kms_encryption)}}",
        "log-bucket": f"${{({protect} || {locked})}}",
        "log-group": f"${{{protect}}}",
    }


def test_the_bucket_policy_is_written_after_every_other_setting_of_its_bucket() -> None:
    resources = synth(BaselineConfig.model_validate({"log_bucket": {"object_lock_mode": "GOVERNANCE"}})).doc["resource"]
    settings = [
        kind
        for kind, blocks in resources.items()
        if kind.startswith("aws_s3_bucket_") and kind != "aws_s3_bucket_policy" and "trail_logs" in blocks
    ]
    policy = resources["aws_s3_bucket_policy"]["trail_logs"]
    assert sorted(policy["depends_on"]) == sorted(f"{kind}.trail_logs" for kind in settings)
    assert len(settings) == 7  # public access block, ownership, versioning, encryption, lifecycle, lock, logging
    # The trail is destroyed before the policy it needs, and created after it.
    assert "aws_s3_bucket_policy.trail_logs" in resources["aws_cloudtrail"]["organization_trail"]["depends_on"]


def _removal(config: BaselineConfig) -> dict[str, Any]:
    stack = BaselineRemovalStack(Testing.app(), "removal", config=config)
    doc: dict[str, Any] = json.loads(Testing.synth(stack))
    return doc


def _kept_types(addresses: list[str]) -> set[str]:
    return {address.split(".")[0] for address in addresses}


def test_a_removal_keeping_the_logs_forgets_the_log_data_and_builds_nothing() -> None:
    doc = _removal(BaselineConfig(remove_keeping_log_data=True))
    assert "resource" not in doc
    assert "data" not in doc
    forgotten = [block["from"] for block in doc["removed"]]
    assert all(block["lifecycle"] == {"destroy": False} for block in doc["removed"])
    everything = synth(BaselineConfig()).doc["resource"]
    expected = [
        f"{kind}.{name}"
        for kind, blocks in everything.items()
        for name in blocks
        if kind.startswith(("aws_kms_", "aws_s3_bucket")) or kind == "aws_cloudwatch_log_group"
    ]
    assert sorted(forgotten) == sorted(expected)
    assert doc["terraform"]["backend"]["s3"]["key"] == "management-account-baseline/terraform.tfstate"


def test_a_redeploy_adopts_each_kept_resource_once_by_its_name_and_the_key_by_its_alias() -> None:
    s = synth(BaselineConfig(adopt_log_data=True))
    imports = {block["to"]: block["id"] for block in s.doc["import"]}
    forgotten = [block["from"] for block in _removal(BaselineConfig(remove_keeping_log_data=True))["removed"]]
    assert sorted(imports) == sorted(forgotten)
    account = s.env.account_id
    assert imports["aws_s3_bucket.trail_logs"] == f"mgmt-baseline-organization-trail-{account}"
    assert imports["aws_s3_bucket_policy.access_logs"] == f"mgmt-baseline-access-logs-{account}"
    assert imports["aws_cloudwatch_log_group.organization_trail"] == "/aws/cloudtrail/mgmt-baseline-organization-trail"
    assert imports["aws_kms_alias.this"] == "alias/mgmt-baseline-baseline"
    assert imports["aws_kms_key.this"] == "${data.aws_kms_alias.kept_key.target_key_id}"
    assert s.doc["data"]["aws_kms_alias"]["kept_key"]["name"] == "alias/mgmt-baseline-baseline"


def test_without_kms_nothing_looks_up_or_imports_a_key() -> None:
    doc = synth(BaselineConfig(adopt_log_data=True, kms_encryption=False)).doc
    assert "aws_kms_alias" not in doc["data"]
    assert not [block for block in doc["import"] if block["to"].startswith("aws_kms")]


def test_build_app_picks_the_removal_stack_only_when_asked() -> None:
    kinds = {type(stack).__name__ for stack in build_app(BaselineConfig(remove_keeping_log_data=True)).node.children}
    assert "BaselineRemovalStack" in kinds
    assert "BaselineRemovalStack" not in {type(stack).__name__ for stack in build_app(BaselineConfig()).node.children}


def test_the_module_readme_blocks_name_every_kept_resource_of_the_module() -> None:
    document, kept = synthesized_module()
    resources = {f"{kind}.{name}" for kind, blocks in document["resource"].items() for name in blocks}
    assert {item.resource for item in kept} <= resources
    removed = removed_blocks(kept)
    assert removed.count("removed {") == len(kept)
    assert "from = module.management_baseline.aws_s3_bucket.trail_logs\n" in removed
    adopt = import_blocks(kept)
    assert adopt.count("import {") == len(kept)
    # Counted resources are imported at [0] and marked with the module's condition for them.
    assert "import { # only if var.kms_encryption\n  to = module.management_baseline.aws_kms_key.this[0]\n" in adopt
    assert "  id = data.aws_kms_alias.kept_baseline_key.target_key_id\n" in adopt
    assert (
        '  id = "${local.baseline_name_prefix}-organization-trail-${data.aws_caller_identity.current.account_id}"'
        in (adopt)
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"remove_keeping_log_data": True, "adopt_log_data": True},
            "adopt_log_data: cannot be on while remove_keeping_log_data is",
        ),
        ({"adopt_log_data": "yes"}, "adopt_log_data: must be true or false"),
        (
            {"state": {"bootstrap_backend": "s3", "bootstrap_state_path": "x.tfstate"}},
            "state: bootstrap_state_path has no effect while bootstrap_backend is s3",
        ),
        (
            {"state": {"bootstrap_key": "elsewhere"}},
            "state: bootstrap_key has no effect while bootstrap_backend is local",
        ),
        (
            {"state": {"bootstrap_backend": "s3", "bootstrap_key": "management-account-baseline/terraform.tfstate"}},
            "state: bootstrap_key must differ from key",
        ),
        ({"state": {"bootstrap_backend": "remote"}}, "state.bootstrap_backend:"),
        ({"state": {"bootstrap_backend": "s3", "bootstrap_key": "/abs"}}, "state.bootstrap_key: must be 1-1024"),
    ],
)
def test_day_two_settings_that_do_nothing_or_contradict_are_refused_in_one_line(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(settings)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
