"""``moved`` blocks from the addresses cdktf gave each resource before they had plain names.

Until the stacks named their resources (:data:`constructs_lib.baseline.ADDRESSES`), cdktf
named each after its construct path plus a hash, and the module switched each detection
with ``count``. State written then still holds those addresses; these blocks move every
one of them to its plain address, so an upgrade plans no replacement. Terraform ignores a
block whose old address is not in the state, so a fresh deployment is not affected.

The table is history: its keys never change. A rename from now on adds a row here.
"""

from __future__ import annotations

from collections.abc import Iterable

from cdktf import TerraformResource, TerraformStack

from constructs_lib.addresses import address, elements

#: By resource type, old name (hashed construct path) → plain name (with its ``for_each`` key),
#: for every resource either stack or the module ever built (the every-option config, the
#: module with all it can switch on).
HASHED_TO_PLAIN: dict[str, dict[str, str]] = {
    "aws_budgets_budget": {
        "baseline_budget_3F9EFED9": "monthly",
    },
    "aws_cloudtrail": {
        "baseline_organization-trail_6E90BCDE": "organization_trail",
    },
    "aws_cloudwatch_event_rule": {
        "baseline_root-sign-in_rule_479BD0DB": 'this["root-sign-in"]',
    },
    "aws_cloudwatch_event_target": {
        "baseline_root-sign-in_target_D0F5F195": 'this["root-sign-in"]',
    },
    "aws_cloudwatch_log_group": {
        "baseline_organization-trail_log-group_48E2EFDE": "organization_trail",
    },
    "aws_cloudwatch_log_metric_filter": {
        "baseline_access-denied_filter_991840A6": 'this["access-denied"]',
        "baseline_cis-aws-config-changes_filter_E0D19F77": 'this["cis-aws-config-changes"]',
        "baseline_cis-cloudtrail-changes_filter_B80345F4": 'this["cis-cloudtrail-changes"]',
        "baseline_cis-console-authentication-failures_filter_078FCEA7": 'this["cis-console-authentication-failures"]',
        "baseline_cis-console-sign-in-without-mfa_filter_33A7069D": 'this["cis-console-sign-in-without-mfa"]',
        "baseline_cis-iam-policy-changes_filter_53106F0A": 'this["cis-iam-policy-changes"]',
        "baseline_cis-kms-key-disable-or-deletion_filter_0D4999E3": 'this["cis-kms-key-disable-or-deletion"]',
        "baseline_cis-nacl-changes_filter_FA607AAA": 'this["cis-nacl-changes"]',
        "baseline_cis-network-gateway-changes_filter_A9054D02": 'this["cis-network-gateway-changes"]',
        "baseline_cis-organizations-changes_filter_37C5354C": 'this["cis-organizations-changes"]',
        "baseline_cis-root-usage_filter_29D786AF": 'this["cis-root-usage"]',
        "baseline_cis-route-table-changes_filter_C2DB500E": 'this["cis-route-table-changes"]',
        "baseline_cis-s3-bucket-policy-changes_filter_E843C5E5": 'this["cis-s3-bucket-policy-changes"]',
        "baseline_cis-security-group-changes_filter_0B4F6AC9": 'this["cis-security-group-changes"]',
        "baseline_cis-unauthorized-api-calls_filter_BB6E9EF8": 'this["cis-unauthorized-api-calls"]',
        "baseline_cis-vpc-changes_filter_5486570E": 'this["cis-vpc-changes"]',
        "baseline_console-sign-in_filter_FF39CED7": 'this["console-sign-in"]',
    },
    "aws_cloudwatch_metric_alarm": {
        "baseline_access-denied_alarm_EAE80BC3": 'this["access-denied"]',
        "baseline_budget_billing-alarm_B6C6077E": "estimated_charges",
        "baseline_cis-aws-config-changes_alarm_9EF449EC": 'this["cis-aws-config-changes"]',
        "baseline_cis-cloudtrail-changes_alarm_E4D220AB": 'this["cis-cloudtrail-changes"]',
        "baseline_cis-console-authentication-failures_alarm_AFF7B97A": 'this["cis-console-authentication-failures"]',
        "baseline_cis-console-sign-in-without-mfa_alarm_E38544A1": 'this["cis-console-sign-in-without-mfa"]',
        "baseline_cis-iam-policy-changes_alarm_1E95CECF": 'this["cis-iam-policy-changes"]',
        "baseline_cis-kms-key-disable-or-deletion_alarm_53AFA55E": 'this["cis-kms-key-disable-or-deletion"]',
        "baseline_cis-nacl-changes_alarm_1C7A64E5": 'this["cis-nacl-changes"]',
        "baseline_cis-network-gateway-changes_alarm_565C05F3": 'this["cis-network-gateway-changes"]',
        "baseline_cis-organizations-changes_alarm_642F0095": 'this["cis-organizations-changes"]',
        "baseline_cis-root-usage_alarm_34673FCE": 'this["cis-root-usage"]',
        "baseline_cis-route-table-changes_alarm_5D344BA7": 'this["cis-route-table-changes"]',
        "baseline_cis-s3-bucket-policy-changes_alarm_D12419CB": 'this["cis-s3-bucket-policy-changes"]',
        "baseline_cis-security-group-changes_alarm_FF826ABF": 'this["cis-security-group-changes"]',
        "baseline_cis-unauthorized-api-calls_alarm_A2C1AD8D": 'this["cis-unauthorized-api-calls"]',
        "baseline_cis-vpc-changes_alarm_D1684299": 'this["cis-vpc-changes"]',
        "baseline_console-sign-in_alarm_23C0B8AE": 'this["console-sign-in"]',
    },
    "aws_iam_role": {
        "baseline_organization-trail_logs-role_44C81C66": "cloudtrail_to_cloudwatch",
    },
    "aws_iam_role_policy": {
        "baseline_organization-trail_logs-role-policy_B4AF9E53": "cloudtrail_to_cloudwatch",
    },
    "aws_kms_alias": {
        "baseline_key_alias_BBC3370B": "this",
    },
    "aws_kms_key": {
        "baseline_key_0F77B690": "this",
    },
    "aws_s3_bucket": {
        "baseline_organization-trail_access-logs_bucket_7AD1C2C0": "access_logs",
        "baseline_organization-trail_storage_bucket_F74A8660": "trail_logs",
        "state_bucket_803B4E61": "state",
    },
    "aws_s3_bucket_lifecycle_configuration": {
        "baseline_organization-trail_access-logs_lifecycle_CD8433E1": "access_logs",
        "baseline_organization-trail_storage_lifecycle_76D5C657": "trail_logs",
        "state_lifecycle_9EBA48F5": "state",
    },
    "aws_s3_bucket_logging": {
        "baseline_organization-trail_storage_access-logging_A3D45DF4": "trail_logs",
    },
    "aws_s3_bucket_object_lock_configuration": {
        "baseline_organization-trail_storage_object-lock_746C98D5": "trail_logs",
    },
    "aws_s3_bucket_ownership_controls": {
        "baseline_organization-trail_access-logs_ownership_58197339": "access_logs",
        "baseline_organization-trail_storage_ownership_8C3A165E": "trail_logs",
        "state_ownership_D3E5679B": "state",
    },
    "aws_s3_bucket_policy": {
        "baseline_organization-trail_access-logs_policy_B2EE5B77": "access_logs",
        "baseline_organization-trail_storage_policy_11493239": "trail_logs",
        "state_policy_DB2E7E78": "state",
    },
    "aws_s3_bucket_public_access_block": {
        "baseline_organization-trail_access-logs_public-access-block_7D21E170": "access_logs",
        "baseline_organization-trail_storage_public-access-block_5CD2B02C": "trail_logs",
        "state_public-access-block_ADE6B831": "state",
    },
    "aws_s3_bucket_server_side_encryption_configuration": {
        "baseline_organization-trail_access-logs_encryption_9B6FDF68": "access_logs",
        "baseline_organization-trail_storage_encryption_D23922AB": "trail_logs",
        "state_encryption_3FDA0990": "state",
    },
    "aws_s3_bucket_versioning": {
        "baseline_organization-trail_access-logs_versioning_F5862430": "access_logs",
        "baseline_organization-trail_storage_versioning_FAEB5485": "trail_logs",
        "state_versioning_27DF9ED5": "state",
    },
    "aws_sns_topic": {
        "baseline_alerts_topic_0888F0D1": "alerts",
    },
    "aws_sns_topic_policy": {
        "baseline_alerts_policy_9475F020": "alerts",
    },
    "aws_sns_topic_subscription": {
        "baseline_alerts_email_E5F4CD18": "alerts",
    },
}


#: Resources that had no ``count`` under their hashed address and have one now.
COUNTED_SINCE = frozenset(
    {
        # 0.7.0: the alarm on the organization's total exists only with billing.organization_limit_usd.
        "aws_cloudwatch_metric_alarm.estimated_charges",
        # 0.8.0: the trail, its bucket, log group and logs role exist only with trail.mode create.
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
)


def moves(declared: Iterable[str], *, counted_detections: bool, counted: Iterable[str] = ()) -> list[dict[str, str]]:
    """The ``moved`` blocks into the resources ``declared`` (``type.name``).

    ``counted_detections``: the old resources of a detection had ``count`` (the module
    flavour), so the move starts from their instance ``[0]``. ``counted``: the declared
    resources that have ``count`` now; those that had none then (:data:`COUNTED_SINCE`) move on
    to their instance ``[0]`` (one that was counted then moves whole, every instance).
    """
    present, now_counted = set(declared), set(counted)
    blocks = []
    for resource_type, names in HASHED_TO_PLAIN.items():
        for old, new in names.items():
            name, keyed, _ = new.partition("[")
            if f"{resource_type}.{name}" not in present:
                continue
            start = f"{resource_type}.{old}"
            end = f"{resource_type}.{new}"
            blocks.append({"from": f"{start}[0]" if keyed and counted_detections else start, "to": end})
    # A resource counted since: from its plain address without a key to instance [0] (a chain with
    # the move above; Terraform's own implied move does not happen beside an explicit one).
    blocks += [{"from": end, "to": f"{end}[0]"} for end in sorted(COUNTED_SINCE & now_counted & present)]
    return blocks


def add_moved_blocks(stack: TerraformStack, *, counted_detections: bool = False) -> None:
    """``moved`` blocks into every resource of ``stack`` that had a hashed address before."""
    found = elements(stack)
    declared = [address(element) for element in found]
    counted = [
        address(element) for element in found if isinstance(element, TerraformResource) and element.count is not None
    ]
    blocks = moves(declared, counted_detections=counted_detections, counted=counted)
    if blocks:
        stack.add_override("moved", blocks)
