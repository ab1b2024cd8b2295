"""Upgrading the module release by release, on the local AWS: 0.6.0, 0.7.0, today.

The fixtures are the module of each release and the example as it called it. One deployment
goes through them in order, as a caller following the upgrade notes would:

- **0.6.0 to 0.7.0, which bill each alert watches** (CHANGELOG.md, 0.7.0): the caller follows
  the notes (``billing = { ... }``; the renamed ``budget_limit_usd`` is refused by name). The
  plan must replace only what is renamed after the bill it reads, create only the anomaly
  alerts, change only the two policies that admit Cost Anomaly Detection, and destroy nothing.
- **0.7.0 to today, the trail choices** (CHANGELOG.md, 0.8.0): with the defaults the trail, its
  bucket and settings, the log group and the logs role become counted, and the module's
  ``moved`` blocks carry each to instance ``[0]``. The plan must do nothing else; then switching
  to ``cloudwatch_logs_scope = "management-account"`` changes in place what the notes name and
  destroys nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.example import MODULE_CALL, Example, copy_example, planned_upgrade
from tests.local_aws import LocalAws
from tests.terraform import run_terraform, terraform

FIXTURES = Path(__file__).parent / "fixtures"
BEFORE, BEFORE_CALLER = FIXTURES / "module-0.6.0", FIXTURES / "module-0.6.0-caller"
RELEASE, RELEASE_CALLER = FIXTURES / "module-0.7.0", FIXTURES / "module-0.7.0-caller"

#: Replaced on purpose, with the reason (CHANGELOG.md, 0.7.0, upgrade notes).
REPLACED = {
    # Counted since (billing.organization_limit_usd): Terraform moves each to instance [0] by itself.
    "aws_cloudwatch_metric_alarm.estimated_charges[0]": "named after the bill it reads: <prefix>-organization-charges",
    "aws_cloudwatch_event_rule.estimated_charges[0]": "the alarm's message rule is named after the alarm",
    "aws_cloudwatch_event_target.estimated_charges[0]": "its target names the rule",
}
#: Changed in place on purpose: the arguments, and why.
CHANGED = {
    "aws_sns_topic_policy.alerts": ({"policy"}, "Cost Anomaly Detection publishes to the alert topic"),
    "aws_kms_key.this[0]": ({"policy"}, "Cost Anomaly Detection may use the key for the alert topic"),
}
CREATED = {"aws_ce_anomaly_monitor.this[0]", "aws_ce_anomaly_subscription.this[0]"}


@pytest.fixture(scope="module")
def upgraded(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> tuple[Example, dict[str, Any]]:
    """The example on 0.6.0, applied; then the caller upgraded to 0.7.0: the plan."""
    return planned_upgrade(
        tmp_path_factory.mktemp("module-upgrades"),
        local_aws,
        module=BEFORE,
        caller=BEFORE_CALLER,
        to_module=RELEASE,
        to_caller=RELEASE_CALLER,
    )


def test_the_old_input_is_refused_naming_the_new_one(local_aws: LocalAws, tmp_path: Path) -> None:
    example = copy_example(tmp_path, local_aws, caller=BEFORE_CALLER)
    result = run_terraform("plan", "-input=false", cwd=example.workdir, env=example.env)
    assert result.returncode == 1
    error = " ".join(result.stderr.split())
    assert "budget_limit_usd was renamed billing.management_account_limit_usd: set that input instead." in error


def test_0_7_replaces_creates_and_changes_only_what_the_notes_say(
    upgraded: tuple[Example, dict[str, Any]],
) -> None:
    _, plan = upgraded
    changes = {
        change["address"].removeprefix(MODULE_CALL): change["change"]
        for change in plan["resource_changes"]
        if change["mode"] == "managed"
    }
    acted = {address: change["actions"] for address, change in changes.items() if change["actions"] != ["no-op"]}
    assert {a for a, actions in acted.items() if sorted(actions) == ["create", "delete"]} == set(REPLACED)
    assert {a for a, actions in acted.items() if actions == ["create"]} == CREATED
    assert not [a for a, actions in acted.items() if actions == ["delete"]]
    updated = {a for a, actions in acted.items() if actions == ["update"]}
    assert updated == set(CHANGED)
    for address in updated:
        before, after = changes[address]["before"], changes[address]["after"]
        changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
        assert changed == CHANGED[address][0], address


def test_after_the_upgrade_to_0_7_a_second_plan_is_empty(upgraded: tuple[Example, dict[str, Any]]) -> None:
    example, _ = upgraded
    terraform("apply", "-input=false", str(example.workdir / "upgrade.tfplan"), cwd=example.workdir, env=example.env)
    result = run_terraform("plan", "-input=false", "-detailed-exitcode", cwd=example.workdir, env=example.env)
    assert result.returncode == 0, result.stdout + result.stderr
    ce = example.aws.client("ce")
    (subscription,) = ce.get_anomaly_subscriptions()["AnomalySubscriptions"]
    assert subscription["Frequency"] == "IMMEDIATE"


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
def upgraded_to_today(upgraded: tuple[Example, dict[str, Any]]) -> tuple[Example, dict[str, Any]]:
    """The example on 0.7.0, applied; then the caller upgraded to today's module: the plan."""
    example, _ = upgraded
    terraform("apply", "-auto-approve", "-input=false", cwd=example.workdir, env=example.env)
    example.upgrade()
    return example, example.saved_plan("today.tfplan")


def _changes(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        change["address"].removeprefix(MODULE_CALL): change
        for change in plan["resource_changes"]
        if change["mode"] == "managed"
    }


def test_today_s_upgrade_destroys_replaces_creates_and_changes_nothing(
    upgraded_to_today: tuple[Example, dict[str, Any]],
) -> None:
    _, plan = upgraded_to_today
    acted = {
        address: change["change"]["actions"]
        for address, change in _changes(plan).items()
        if change["change"]["actions"] != ["no-op"]
    }
    assert acted == {}


def test_the_trail_and_its_data_move_to_instance_zero(upgraded_to_today: tuple[Example, dict[str, Any]]) -> None:
    _, plan = upgraded_to_today
    moved = {
        change["previous_address"].removeprefix(MODULE_CALL): address
        for address, change in _changes(plan).items()
        if change.get("previous_address")
    }
    assert {old: new for old, new in moved.items() if old in MOVED} == {old: f"{old}[0]" for old in MOVED}


def test_after_the_upgrade_the_same_trail_still_logs(upgraded_to_today: tuple[Example, dict[str, Any]]) -> None:
    example, _ = upgraded_to_today
    terraform("apply", "-auto-approve", "-input=false", cwd=example.workdir, env=example.env)
    (trail,) = example.aws.client("cloudtrail").describe_trails()["trailList"]
    assert trail["IsOrganizationTrail"] is True
    assert trail["CloudWatchLogsLogGroupArn"].split(":")[6] == "/aws/cloudtrail/acme-mgmt-organization-trail"
    assert example.aws.client("cloudtrail").get_trail_status(Name=trail["TrailARN"])["IsLogging"] is True


def test_switching_a_deployed_baseline_to_the_management_account_scope_destroys_nothing(
    upgraded_to_today: tuple[Example, dict[str, Any]],
) -> None:
    # After the upgrade's apply: the CHANGELOG's note on cloudwatch_logs_scope, as a plan.
    example, _ = upgraded_to_today
    terraform("apply", "-auto-approve", "-input=false", cwd=example.workdir, env=example.env)
    example.override(
        "scope", {"module": {"management_baseline": {"trail": {"cloudwatch_logs_scope": "management-account"}}}}
    )
    plan = example.saved_plan("scope.tfplan")
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
