"""Upgrading the module from its hashed addresses: the ``moved`` blocks move every resource.

The fixture is the module as it was committed before resources had plain addresses
(``modules/management-account-baseline/main.tf.json`` at 6efd93b): cdktf's hashed construct
paths, and ``count`` on each detection. The example applies it on the local AWS, then calls
the module of today instead; the plan must move every resource, change only what was
changed on purpose since (``CHANGED_SINCE`` and the alarms' actions, each with its reason),
create only what was added since (``CREATED_SINCE``) and destroy nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.moves import COUNTED_SINCE, HASHED_TO_PLAIN
from tests.e2e.example import MODULE_CALL, Example, copy_example
from tests.local_aws import LocalAws
from tests.terraform import terraform

BEFORE = Path(__file__).parent / "fixtures" / "module-before-plain-addresses"
#: The example as it called that module (examples/plain-hcl/main.tf at 6efd93b).
BEFORE_CALLER = Path(__file__).parent / "fixtures" / "module-before-plain-addresses-caller"


@pytest.fixture(scope="module")
def upgrade_plan(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON plan of today's module over the state the old module applied."""
    root = tmp_path_factory.mktemp("module-upgrade")
    example: Example = copy_example(root, local_aws, module=BEFORE, caller=BEFORE_CALLER)
    example.point_at_local_aws()
    terraform("apply", "-auto-approve", "-input=false", cwd=example.workdir, env=example.env)
    example.upgrade()
    terraform("plan", "-input=false", "-out=upgrade.tfplan", cwd=example.workdir, env=example.env)
    shown = terraform("show", "-json", "upgrade.tfplan", cwd=example.workdir, env=example.env)
    plan: dict[str, Any] = json.loads(shown.stdout)
    return plan


def _managed(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [change for change in plan["resource_changes"] if change["mode"] == "managed"]


def _plain(old: str) -> str:
    """Where the table moves an old instance: a detection's key replaces its ``[0]``; any
    other instance key (``count``, the subscriptions' ``for_each``) stays."""
    resource, bracket, key = old.partition("[")
    resource_type, name = resource.split(".")
    new = HASHED_TO_PLAIN[resource_type][name]
    if f"{resource_type}.{new}" in COUNTED_SINCE:  # no count then, count now: on to instance [0]
        return f"{resource_type}.{new}[0]"
    return f"{resource_type}.{new}" if "[" in new else f"{resource_type}.{new}{bracket}{key}"


#: What the module changed on purpose since the fixture, by address: the arguments that
#: change and why. Every other resource must plan nothing but its move.
CHANGED_SINCE: dict[str, tuple[set[str], str]] = {
    'aws_cloudwatch_log_metric_filter.this["cis-organizations-changes"]': (
        {"pattern"},
        "CIS 4.15 also counts CancelHandshake, CreateOrganization and EnableAllFeatures",
    ),
    'aws_cloudwatch_log_metric_filter.this["access-denied"]': (
        {"pattern"},
        "access-denied leaves out the known-benign denials (BENIGN_DENIALS)",
    ),
    'aws_cloudwatch_log_metric_filter.this["cis-unauthorized-api-calls"]': (
        {"pattern"},
        "scoped (management-only, as the example has it), CloudWatch.2 leaves them out too",
    ),
    "aws_sns_topic_policy.alerts": (
        {"policy"},
        "CloudWatch alarms no longer publish to the alert topic (their readable messages come through "
        "EventBridge), and Cost Anomaly Detection does (0.7.0)",
    ),
    "aws_kms_key.this[0]": ({"policy"}, "Cost Anomaly Detection may use the key for the alert topic (0.7.0)"),
}
#: What the module replaces on purpose since the fixture, with the reason (upgrade notes of 0.7.0).
REPLACED_SINCE = {
    # Counted since (billing.organization_limit_usd), so instance [0].
    "aws_cloudwatch_metric_alarm.estimated_charges[0]": "named after the bill it reads: <prefix>-organization-charges",
}
#: Every alarm's own notification moved to the alarm-actions topic: people get the readable
#: message (constructs_lib/alarm_messages.py) instead.
ALARM_ARGUMENTS_CHANGED = {"alarm_actions"}
#: What the module added since: the alarm-actions topic with its queue, each alarm's message rule,
#: and the guards of the log data (0.6.0: terraform_data, nothing in AWS).
CREATED_SINCE = (
    "terraform_data.log_data_protection[",
    "aws_ce_anomaly_monitor.this",
    "aws_ce_anomaly_subscription.this",
    "aws_sns_topic.alarm_actions",
    "aws_sns_topic_policy.alarm_actions",
    "aws_sns_topic_subscription.alarm_actions",
    "aws_sqs_queue.alarm_actions",
    "aws_sqs_queue_policy.alarm_actions",
    "aws_cloudwatch_event_rule.log_alarms[",
    "aws_cloudwatch_event_target.log_alarms[",
    "aws_cloudwatch_event_rule.estimated_charges[0]",
    "aws_cloudwatch_event_target.estimated_charges[0]",
)


def _expected_changes(address: str) -> set[str] | None:
    """The arguments ``address`` changes on purpose (None: none)."""
    if address in CHANGED_SINCE:
        return CHANGED_SINCE[address][0]
    if address.startswith("aws_cloudwatch_metric_alarm.this["):
        return ALARM_ARGUMENTS_CHANGED
    return None


def test_the_upgrade_plan_destroys_nothing_and_changes_and_creates_only_what_changed_on_purpose(
    upgrade_plan: dict[str, Any],
) -> None:
    changes = {change["address"].removeprefix(MODULE_CALL): change["change"] for change in _managed(upgrade_plan)}
    assert changes, "the plan holds no resources"
    acted = {address: change["actions"] for address, change in changes.items() if change["actions"] != ["no-op"]}
    created = {address for address, actions in acted.items() if actions == ["create"]}
    assert created == {address for address in changes if address.startswith(CREATED_SINCE)}
    replaced = {address for address, actions in acted.items() if sorted(actions) == ["create", "delete"]}
    assert replaced == set(REPLACED_SINCE)
    updated = {address: actions for address, actions in acted.items() if address not in created | replaced}
    assert updated == {address: ["update"] for address in changes if _expected_changes(address) is not None}
    for address in updated:
        before, after = changes[address]["before"], changes[address]["after"]
        changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
        assert changed == _expected_changes(address), address


def test_every_resource_of_the_old_state_moves_to_its_plain_address(upgrade_plan: dict[str, Any]) -> None:
    moved = {
        change["previous_address"].removeprefix(MODULE_CALL): change["address"].removeprefix(MODULE_CALL)
        for change in _managed(upgrade_plan)
        if change["change"]["actions"] != ["create"]  # what the module added since has no old address
    }
    assert None not in moved, "a resource kept its address"  # every old address was hashed
    assert {old: _plain(old) for old in moved} == moved
    # The switched detections: instance [0] of each became its key.
    assert moved["aws_cloudwatch_metric_alarm.baseline_cis-root-usage_alarm_34673FCE[0]"] == (
        'aws_cloudwatch_metric_alarm.this["cis-root-usage"]'
    )
