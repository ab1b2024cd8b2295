"""Upgrading the module from 0.6.0: which bill each alert watches (CHANGELOG.md, 0.7.0).

The fixture is the module of 0.6.0 and the example as it called it (``budget_limit_usd``); the
caller then follows the upgrade notes (``billing = { ... }``, the renamed input refused by name)
and calls today's module. The plan must replace only what is renamed after the bill it reads,
create only the anomaly alerts, change only the two policies that admit Cost Anomaly Detection,
and destroy nothing else.
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
    """The example on 0.6.0, applied; then the caller upgraded to today's module: the plan."""
    return planned_upgrade(
        tmp_path_factory.mktemp("module-upgrade-0.6"), local_aws, module=BEFORE, caller=BEFORE_CALLER
    )


def test_the_old_input_is_refused_naming_the_new_one(local_aws: LocalAws, tmp_path: Path) -> None:
    example = copy_example(tmp_path, local_aws, caller=BEFORE_CALLER)
    result = run_terraform("plan", "-input=false", cwd=example.workdir, env=example.env)
    assert result.returncode == 1
    error = " ".join(result.stderr.split())
    assert "budget_limit_usd was renamed billing.management_account_limit_usd: set that input instead." in error


def test_the_upgrade_replaces_creates_and_changes_only_what_the_notes_say(
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


def test_after_the_upgrade_a_second_plan_is_empty(upgraded: tuple[Example, dict[str, Any]]) -> None:
    example, _ = upgraded
    terraform("apply", "-input=false", str(example.workdir / "upgrade.tfplan"), cwd=example.workdir, env=example.env)
    result = run_terraform("plan", "-input=false", "-detailed-exitcode", cwd=example.workdir, env=example.env)
    assert result.returncode == 0, result.stdout + result.stderr
    ce = example.aws.client("ce")
    (subscription,) = ce.get_anomaly_subscriptions()["AnomalySubscriptions"]
    assert subscription["Frequency"] == "IMMEDIATE"
