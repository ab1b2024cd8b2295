"""Prowler's CloudWatch checks on synthesized stacks, offline: a peer review of the detections.

    python -m tools.prowler_scan cdktf.out/stacks/*/cdk.tf.json    # (./run prowler)

Each stack is resolved for an example account (``tools.policies.resolve``) into what
Prowler's AWS services would list after a deploy: the trails, log groups, metric filters and
alarms. The pinned Prowler (``.tools/prowler/``, tools/prowler-requirements.txt) then runs
its own check classes on that inventory (``tools/prowler_checks.py``). Prints each check's
statuses; exits 1 when one fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tools.policies.resolve import Environment, TerraformJson

ROOT = Path(__file__).resolve().parent.parent
PROWLER_PYTHON = ROOT / ".tools" / "prowler" / "bin" / "python"
RUNNER = ROOT / "tools" / "prowler_checks.py"


def _all(stack: TerraformJson, resource_type: str, *arguments: str) -> list[dict[str, Any]]:
    """``arguments`` of every instance of every resource of ``resource_type``, resolved."""
    names = stack.doc.get("resource", {}).get(resource_type, {})
    return [instance for name in names for instance in stack.arguments(resource_type, name, *arguments).values()]


def inventory(stack: TerraformJson) -> dict[str, Any]:
    """What Prowler's CloudTrail, CloudWatch Logs and CloudWatch services would list for ``stack``."""
    env = stack.env
    trails = [
        {
            "name": trail["name"],
            "arn": env.arn("cloudtrail", f"trail/{trail['name']}"),
            "home_region": env.region,
            "is_multiregion": trail.get("is_multi_region_trail", False),
            "is_logging": trail.get("enable_logging", True),
            "log_group_arn": trail.get("cloud_watch_logs_group_arn"),
        }
        for trail in _all(
            stack, "aws_cloudtrail", "name", "is_multi_region_trail", "enable_logging", "cloud_watch_logs_group_arn"
        )
    ]
    log_groups = [
        {
            "name": group["name"],
            # As DescribeLogGroups lists it, and as Prowler reads a group kept forever.
            "arn": env.arn("logs", f"log-group:{group['name']}:*"),
            "retention_days": group.get("retention_in_days") or 9999,
            "never_expire": not group.get("retention_in_days"),
            "kms_id": group.get("kms_key_id"),
        }
        for group in _all(stack, "aws_cloudwatch_log_group", "name", "retention_in_days", "kms_key_id")
    ]
    metric_filters = [
        {
            "name": item["name"],
            "arn": env.arn("logs", f"metric-filter/{item['name']}"),
            "metric": item["metric_transformation"]["name"],
            "metric_namespace": item["metric_transformation"]["namespace"],
            "pattern": item["pattern"],
            "log_group": item["log_group_name"],
        }
        for item in _all(
            stack, "aws_cloudwatch_log_metric_filter", "name", "pattern", "log_group_name", "metric_transformation"
        )
    ]
    alarms = [
        {
            "name": alarm["alarm_name"],
            "arn": env.arn("cloudwatch", f"alarm:{alarm['alarm_name']}"),
            "metric": alarm.get("metric_name"),
            "name_space": alarm.get("namespace"),
            "alarm_actions": alarm.get("alarm_actions", []),
            "actions_enabled": alarm.get("actions_enabled", True),
        }
        for alarm in _all(
            stack,
            "aws_cloudwatch_metric_alarm",
            "alarm_name",
            "metric_name",
            "namespace",
            "alarm_actions",
            "actions_enabled",
        )
    ]
    return {
        "account": env.account_id,
        "region": env.region,
        "trails": trails,
        "log_groups": log_groups,
        "metric_filters": metric_filters,
        "alarms": alarms,
    }


def run_checks(found: dict[str, Any]) -> dict[str, list[str]]:
    """Prowler's verdicts on an inventory: each check's finding statuses."""
    if not PROWLER_PYTHON.exists():
        raise FileNotFoundError(f"{PROWLER_PYTHON} is missing: ./run setup-prowler installs the pinned Prowler")
    result = subprocess.run(
        [str(PROWLER_PYTHON), str(RUNNER)], input=json.dumps(found), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"prowler checks failed ({result.returncode}): {result.stderr[-2000:]}")
    verdicts: dict[str, list[str]] = json.loads(result.stdout)
    return verdicts


def scan(stack: TerraformJson) -> dict[str, list[str]]:
    """Prowler's CloudWatch checks on one stack."""
    return run_checks(inventory(stack))


def main(paths: list[str]) -> int:
    failing = 0
    for path in paths:
        stack = TerraformJson(json.loads(Path(path).read_text()), Environment())
        if "aws_cloudtrail" not in stack.doc.get("resource", {}):
            continue  # the state bootstrap stack: nothing CloudWatch checks look at
        for check, statuses in scan(stack).items():
            shown = ", ".join(statuses) or "no finding"
            failing += "FAIL" in statuses
            print(f"{path}: {check}: {shown}")
    print(f"Prowler 5.46.0 CloudWatch checks: {failing} failing")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
