"""Prowler 5.46.0's own CloudWatch check classes (pinned, offline, in their own venv) on the
synthesized stacks of the app and the module: a scanner users run, as a peer test.

With the CIS pack on, in either mode, all 15 CIS monitoring checks pass (CloudWatch.1-14 and
CIS 4.15), and in every config the alarms have enabled actions and the log group a year of
retention and a KMS key. With the pack off, the seed detections alone satisfy none of the
CIS checks (Prowler wants the CIS patterns), which is what ``cis_pack`` is for.
"""

from __future__ import annotations

import pytest

from app.config import BaselineConfig
from tests.synth import baseline_stack
from tools.policies.resolve import Environment, TerraformJson
from tools.prowler_checks import CHECKS
from tools.prowler_scan import inventory, run_checks, scan

ENV = Environment()
CONFIGS = {
    "cis-off": BaselineConfig(),
    "cis-exact": BaselineConfig.model_validate({"detections": {"cis_pack": "exact"}}),
    "cis-management-only": BaselineConfig.model_validate({"detections": {"cis_pack": "management-only"}}),
}
STACKS = [f"{flavour}-{name}" for flavour in ("app", "module") for name in CONFIGS]
#: The 15 CIS monitoring checks; the others look at alarms and log groups.
CIS_CHECKS = [check for check in CHECKS if "metric_filter" in check or check.startswith("cloudwatch_changes_to_")]


def _stack(stack: str) -> TerraformJson:
    flavour, name = stack.split("-", 1)
    return baseline_stack(flavour, CONFIGS[name], ENV)


def _others(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """The verdicts of the checks on alarms and log groups."""
    return {check: statuses for check, statuses in found.items() if check not in CIS_CHECKS}


def _all_passing(*, alarms: int) -> dict[str, list[str]]:
    """Every alarm with enabled actions for the ALARM state; the one log group kept a year, encrypted."""
    return {
        "cloudwatch_alarm_actions_enabled": ["PASS"] * alarms,
        "cloudwatch_alarm_actions_alarm_state_configured": ["PASS"] * alarms,
        "cloudwatch_log_group_retention_policy_specific_days_enabled": ["PASS"],
        "cloudwatch_log_group_kms_encryption_enabled": ["PASS"],
    }


@pytest.fixture(scope="module")
def verdicts() -> dict[str, dict[str, list[str]]]:
    return {stack: scan(_stack(stack)) for stack in STACKS}


def test_the_cis_checks_are_the_fifteen_controls() -> None:
    assert len(CIS_CHECKS) == 15


@pytest.mark.parametrize("stack", [s for s in STACKS if not s.endswith("cis-off")])
def test_every_cis_check_passes_with_the_pack_on(verdicts: dict[str, dict[str, list[str]]], stack: str) -> None:
    found = verdicts[stack]
    assert {check: found[check] for check in CIS_CHECKS} == {check: ["PASS"] for check in CIS_CHECKS}
    # One finding per alarm (17 detections; no billing alarm without billing.organization_limit_usd), all passing.
    assert _others(found) == _all_passing(alarms=17)


@pytest.mark.parametrize("stack", [s for s in STACKS if s.endswith("cis-off")])
def test_without_the_pack_no_cis_check_passes_and_the_rest_do(
    verdicts: dict[str, dict[str, list[str]]], stack: str
) -> None:
    found = verdicts[stack]
    assert {check: found[check] for check in CIS_CHECKS} == {check: ["FAIL"] for check in CIS_CHECKS}
    # One finding per alarm (the seed's two), one per log group.
    assert _others(found) == _all_passing(alarms=2)


def test_prowler_reads_the_stack_as_deployed(verdicts: dict[str, dict[str, list[str]]]) -> None:
    # The inventory is the resolved stack: the trail names its log group, and every filter
    # reads that group with its alarm's metric, in the example account.
    found = inventory(_stack("app-cis-exact"))
    (trail,) = found["trails"]
    (group,) = found["log_groups"]
    assert trail["log_group_arn"] == group["arn"]
    assert (group["retention_days"], group["never_expire"]) == (365, False)
    assert {item["log_group"] for item in found["metric_filters"]} == {group["name"]}
    assert {item["metric"] for item in found["metric_filters"]} <= {alarm["metric"] for alarm in found["alarms"]}
    assert len(found["metric_filters"]) == 17
    assert all(len(statuses) == 1 for check, statuses in verdicts["app-cis-exact"].items() if check in CIS_CHECKS)


def test_a_pattern_prowler_does_not_accept_fails_its_check() -> None:
    # The peer test can fail: 4.15 without the three names Prowler also wants fails its check.
    found = inventory(_stack("app-cis-exact"))
    for item in found["metric_filters"]:
        if item["name"].endswith("cis-organizations-changes"):
            item["pattern"] = item["pattern"].replace('($.eventName = "EnableAllFeatures") || ', "")
    assert run_checks(found)["cloudwatch_log_metric_filter_aws_organizations_changes"] == ["FAIL"]
