"""Run Prowler's own CloudWatch check classes on an inventory, offline (Prowler's venv only).

    .tools/prowler/bin/python tools/prowler_checks.py < inventory.json   # (tools/prowler_scan.py)

The inventory is what Prowler's AWS services would have listed (trails, log groups, metric
filters, alarms); this script builds Prowler's own models from it, puts them where the check
modules import their clients from (``cloudtrail_client``, ``logs_client``,
``cloudwatch_client``), runs each check's ``execute()`` unchanged, and prints
``{check: [status, ...]}`` as JSON. Standard library and Prowler only: it runs in the venv
of the pinned Prowler (tools/prowler-requirements.txt), apart from the project's packages.
"""

from __future__ import annotations

import importlib
import json
import sys
import types
from typing import Any

SERVICES = "prowler.providers.aws.services"

#: The checks run: the CIS monitoring ones (CloudWatch.1-14, CIS 4.15) and the alarm and log
#: group checks whose data the inventory holds.
CHECKS = (
    "cloudwatch_log_metric_filter_root_usage",
    "cloudwatch_log_metric_filter_unauthorized_api_calls",
    "cloudwatch_log_metric_filter_sign_in_without_mfa",
    "cloudwatch_log_metric_filter_policy_changes",
    "cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled",
    "cloudwatch_log_metric_filter_authentication_failures",
    "cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk",
    "cloudwatch_log_metric_filter_for_s3_bucket_policy_changes",
    "cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled",
    "cloudwatch_log_metric_filter_security_group_changes",
    "cloudwatch_changes_to_network_acls_alarm_configured",
    "cloudwatch_changes_to_network_gateways_alarm_configured",
    "cloudwatch_changes_to_network_route_tables_alarm_configured",
    "cloudwatch_changes_to_vpcs_alarm_configured",
    "cloudwatch_log_metric_filter_aws_organizations_changes",
    "cloudwatch_alarm_actions_enabled",
    "cloudwatch_alarm_actions_alarm_state_configured",
    "cloudwatch_log_group_retention_policy_specific_days_enabled",
    "cloudwatch_log_group_kms_encryption_enabled",
)


def _client(module: str, name: str, attributes: dict[str, Any]) -> None:
    """Install ``module`` with the object ``name`` the checks import, holding ``attributes``."""
    fake = types.ModuleType(module)
    setattr(fake, name, types.SimpleNamespace(**attributes))
    sys.modules[module] = fake


def install_clients(inventory: dict[str, Any]) -> None:
    """The three clients the checks read, built from Prowler's own models."""
    cloudtrail = importlib.import_module(f"{SERVICES}.cloudtrail.cloudtrail_service")
    cloudwatch = importlib.import_module(f"{SERVICES}.cloudwatch.cloudwatch_service")
    region, account = inventory["region"], inventory["account"]
    trails = {trail["arn"]: cloudtrail.Trail(**trail, region=region) for trail in inventory["trails"]}
    log_groups = {group["arn"]: cloudwatch.LogGroup(**group, region=region) for group in inventory["log_groups"]}
    by_name = {group.name: group for group in log_groups.values()}
    metric_filters = [
        cloudwatch.MetricFilter(**{**item, "log_group": by_name.get(item["log_group"])}, region=region)
        for item in inventory["metric_filters"]
    ]
    alarms = [cloudwatch.MetricAlarm(**alarm, region=region) for alarm in inventory["alarms"]]
    _client(
        f"{SERVICES}.cloudtrail.cloudtrail_client",
        "cloudtrail_client",
        {"trails": trails, "trails_unavailable": False},
    )
    _client(
        f"{SERVICES}.cloudwatch.logs_client",
        "logs_client",
        {
            "log_groups": log_groups,
            "metric_filters": metric_filters,
            "log_groups_unavailable": False,
            "metric_filters_unavailable": False,
            "region": region,
            "audited_account": account,
            "log_group_arn_template": f"arn:aws:logs:{region}:{account}:log-group",
            "audit_config": {},
        },
    )
    _client(
        f"{SERVICES}.cloudwatch.cloudwatch_client",
        "cloudwatch_client",
        {"metric_alarms": alarms, "metric_alarms_unavailable": False},
    )


def run(inventory: dict[str, Any]) -> dict[str, list[str]]:
    """Each check's finding statuses (``PASS``, ``FAIL``, ``MANUAL``)."""
    install_clients(inventory)
    results = {}
    for check in CHECKS:
        module = importlib.import_module(f"{SERVICES}.cloudwatch.{check}.{check}")
        findings = getattr(module, check)().execute()
        results[check] = [finding.status for finding in findings]
    return results


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
