"""Upgrading the module from 0.7.0: the trail choices (CHANGELOG.md, 0.8.0) keep today's trail.

The fixture is the module of 0.7.0 and the example as it called it. The caller then calls
today's module with the defaults (``trail.mode = "create"``, scope ``organization``): the
trail, its buckets, log group and role become counted, and the module's ``moved`` blocks carry
each to instance ``[0]``. The plan must destroy, replace and create nothing, and change in
place only what the upgrade notes name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.example import MODULE_CALL, Example, planned_upgrade
from tests.local_aws import LocalAws
from tests.terraform import terraform

FIXTURES = Path(__file__).parent / "fixtures"
BEFORE, BEFORE_CALLER = FIXTURES / "module-0.7.0", FIXTURES / "module-0.7.0-caller"
#: Counted since 0.8.0 (trail.mode): each keeps its object, at instance [0].
MOVED = {
    "aws_cloudtrail.organization_trail",
    "aws_cloudwatch_log_group.organization_trail",
    "aws_iam_role.cloudtrail_to_cloudwatch",
    "aws_iam_role_policy.cloudtrail_to_cloudwatch",
    *(
        f"{resource_type}.trail_logs"
        for resource_type in (
            "aws_s3_bucket",
            "aws_s3_bucket_lifecycle_configuration",
            "aws_s3_bucket_ownership_controls",
            "aws_s3_bucket_policy",
            "aws_s3_bucket_public_access_block",
            "aws_s3_bucket_server_side_encryption_configuration",
            "aws_s3_bucket_versioning",
        )
    ),
}


@pytest.fixture(scope="module")
def upgraded(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> tuple[Example, dict[str, Any]]:
    """The example on 0.7.0, applied; then the caller upgraded to today's module: the plan."""
    return planned_upgrade(
        tmp_path_factory.mktemp("module-upgrade-0.7"), local_aws, module=BEFORE, caller=BEFORE_CALLER
    )


def _changes(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        change["address"].removeprefix(MODULE_CALL): change
        for change in plan["resource_changes"]
        if change["mode"] == "managed"
    }


def test_the_upgrade_destroys_replaces_creates_and_changes_nothing(upgraded: tuple[Example, dict[str, Any]]) -> None:
    _, plan = upgraded
    acted = {
        address: change["change"]["actions"]
        for address, change in _changes(plan).items()
        if change["change"]["actions"] != ["no-op"]
    }
    assert acted == {}


def test_the_trail_and_its_data_move_to_instance_zero(upgraded: tuple[Example, dict[str, Any]]) -> None:
    _, plan = upgraded
    moved = {
        change["previous_address"].removeprefix(MODULE_CALL): address
        for address, change in _changes(plan).items()
        if change.get("previous_address")
    }
    assert {old: new for old, new in moved.items() if old in MOVED} == {old: f"{old}[0]" for old in MOVED}


def test_after_the_upgrade_the_same_trail_still_logs(upgraded: tuple[Example, dict[str, Any]]) -> None:
    example, _ = upgraded
    terraform("apply", "-auto-approve", "-input=false", cwd=example.workdir, env=example.env)
    (trail,) = example.aws.client("cloudtrail").describe_trails()["trailList"]
    assert trail["IsOrganizationTrail"] is True
    assert trail["CloudWatchLogsLogGroupArn"].split(":")[6] == "/aws/cloudtrail/acme-mgmt-organization-trail"
    assert example.aws.client("cloudtrail").get_trail_status(Name=trail["TrailARN"])["IsLogging"] is True


def test_switching_a_deployed_baseline_to_the_management_account_scope_destroys_nothing(
    upgraded: tuple[Example, dict[str, Any]],
) -> None:
    # After the upgrade's apply: the CHANGELOG's note on cloudwatch_logs_scope, as a plan.
    example, _ = upgraded
    terraform("apply", "-auto-approve", "-input=false", cwd=example.workdir, env=example.env)
    example.override(
        "scope", {"module": {"management_baseline": {"trail": {"cloudwatch_logs_scope": "management-account"}}}}
    )
    plan_file = example.workdir / "scope.tfplan"
    terraform("plan", "-input=false", f"-out={plan_file}", cwd=example.workdir, env=example.env)
    plan = json.loads(terraform("show", "-json", str(plan_file), cwd=example.workdir, env=example.env).stdout)
    acted = {
        address: change["change"]["actions"]
        for address, change in _changes(plan).items()
        if change["change"]["actions"] != ["no-op"]
    }
    assert {address for address, actions in acted.items() if actions == ["create"]} == {
        "aws_cloudtrail.management_account_trail[0]"
    }
    assert not [address for address, actions in acted.items() if "delete" in actions]
    # In place: the organization trail stops delivering to the log group; the role's description and
    # streams, the bucket policy and the key policy admit the account trail.
    assert {address for address, actions in acted.items() if actions == ["update"]} == {
        "aws_cloudtrail.organization_trail[0]",
        "aws_iam_role.cloudtrail_to_cloudwatch[0]",
        "aws_iam_role_policy.cloudtrail_to_cloudwatch[0]",
        "aws_kms_key.this[0]",
        "aws_s3_bucket_policy.trail_logs[0]",
    }
