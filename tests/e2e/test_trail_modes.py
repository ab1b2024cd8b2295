"""The trail choices on the local AWS, in an organization that already has a trail.

The module's fixture first makes what AWS Control Tower leaves in the management account: an
organization trail, multi-region, delivering to ``aws-controltower/CloudTrailLogs``. Then:

- ``trail.mode = "existing"`` on that log group: applied, a second plan with no change, and
  ``verify`` green after the manual steps, the existing trail checked;
- ``trail.cloudwatch_logs_scope = "management-account"`` next to it: applied and read back
  (the organization trail keeps only S3, the account's own trail feeds the log group), and
  ``verify`` warning of the Control Tower trail as a paid duplicate, with its figure.

Two deployments share the account, so each has its own prefix (and state bucket).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from constructs_lib.names import BaselineNames
from tests.configs import CONTROL_TOWER_GROUP
from tests.e2e.deploy import Deployment, apply_with_terraform
from tests.e2e.test_operator_commands import _deliver_trail_event, failures, ops, statuses
from tests.local_aws import LocalAws
from tests.terraform import run_terraform

CONTROL_TOWER_TRAIL = "aws-controltower-BaselineCloudTrail"
#: The [cost] volumes of the management-account deployment: the duplicate's figure comes from them.
ACCOUNTS, EVENTS_PER_ACCOUNT = 10, 20000


@pytest.fixture(scope="module")
def landing_zone(local_aws: LocalAws) -> str:
    """AWS Control Tower's organization trail and log group, and trusted access for CloudTrail; its ARN."""
    account = local_aws.account_id
    bucket = f"aws-controltower-logs-{account}-us-east-1"
    local_aws.client("s3").create_bucket(Bucket=bucket)
    logs = local_aws.client("logs")
    logs.create_log_group(logGroupName=CONTROL_TOWER_GROUP)
    group_arn = logs.describe_log_groups(logGroupNamePrefix=CONTROL_TOWER_GROUP)["logGroups"][0]["arn"]
    statement = {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}
    trust = {"Version": "2012-10-17", "Statement": [statement]}
    role = local_aws.client("iam").create_role(
        RoleName="aws-controltower-CloudWatchLogsRole", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    local_aws.client("organizations").enable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")
    cloudtrail = local_aws.client("cloudtrail")
    trail = cloudtrail.create_trail(
        Name=CONTROL_TOWER_TRAIL,
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        IsOrganizationTrail=True,
        CloudWatchLogsLogGroupArn=group_arn if group_arn.endswith(":*") else f"{group_arn}:*",
        CloudWatchLogsRoleArn=role,
    )["TrailARN"]
    cloudtrail.start_logging(Name=trail)
    # What AWS publishes once billing alerts are on (README, manual steps).
    local_aws.client("cloudwatch").put_metric_data(
        Namespace="AWS/Billing",
        MetricData=[
            {"MetricName": "EstimatedCharges", "Value": 1.5, "Dimensions": [{"Name": "Currency", "Value": "USD"}]}
        ],
    )
    return str(trail)


def _filters(aws: LocalAws, group: str) -> dict[str, str]:
    """The metric filters on ``group``: name -> pattern."""
    found = aws.client("logs").describe_metric_filters(logGroupName=group)["metricFilters"]
    return {item["filterName"]: item["filterPattern"] for item in found}


def _second_plan_changes_nothing(deployment: Deployment) -> None:
    result = run_terraform(
        "plan", "-input=false", "-detailed-exitcode", cwd=deployment.baseline_dir, env=deployment.env
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def on_existing(local_aws: LocalAws, landing_zone: str, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return apply_with_terraform(
        local_aws,
        tmp_path_factory.mktemp("existing"),
        name_prefix="on-existing",
        trail={"mode": "existing", "log_group_name": CONTROL_TOWER_GROUP, "trail_arn": landing_zone},
    )


def test_an_existing_trail_gets_no_second_trail_bucket_log_group_or_role(on_existing: Deployment) -> None:
    kinds = {address.split(".")[0] for address in on_existing.baseline_state()}
    assert kinds.isdisjoint({"aws_cloudtrail", "aws_cloudwatch_log_group", "aws_iam_role", "aws_s3_bucket"})
    trails = on_existing.aws.client("cloudtrail").describe_trails()["trailList"]
    assert [trail["Name"] for trail in trails] == [CONTROL_TOWER_TRAIL]


def test_the_detections_read_the_existing_log_group(on_existing: Deployment) -> None:
    filters = _filters(on_existing.aws, CONTROL_TOWER_GROUP)
    assert {"on-existing-console-sign-in", "on-existing-access-denied"} <= set(filters)
    account = on_existing.aws.account_id
    assert all(f'$.recipientAccountId = "{account}"' in pattern for pattern in filters.values())


def test_a_second_plan_on_the_existing_trail_changes_nothing(on_existing: Deployment) -> None:
    _second_plan_changes_nothing(on_existing)


def test_verify_on_the_existing_trail_passes_every_item(on_existing: Deployment) -> None:
    _deliver_trail_event(on_existing.aws, CONTROL_TOWER_GROUP)
    code, report = ops(on_existing.aws, "verify", "--config", str(on_existing.config_file))
    assert failures(report) == {}
    assert code == 0
    items = statuses(report)
    assert items["existing trail"] == "pass"
    assert items["existing trail delivery to CloudWatch Logs"] == "pass"
    assert "trail" not in items  # no trail of its own to check
    assert not [item for item in items if item.startswith("other trails")]


@pytest.fixture(scope="module")
def account_scope(
    local_aws: LocalAws, landing_zone: str, on_existing: Deployment, tmp_path_factory: pytest.TempPathFactory
) -> Deployment:
    # Needed first: the trail to warn of, and the account's one AWS services monitor.
    del landing_zone, on_existing
    return apply_with_terraform(
        local_aws,
        tmp_path_factory.mktemp("account-scope"),
        name_prefix="account-scope",
        trail={"cloudwatch_logs_scope": "management-account"},
        # One AWS services monitor per account: the first deployment made it.
        billing={"organization_limit_usd": 5000, "anomaly_monitor": "off"},
        cost={"accounts": ACCOUNTS, "events_per_account": EVENTS_PER_ACCOUNT},
    )


def _trail(aws: LocalAws, name: str) -> dict[str, Any]:
    (trail,) = aws.client("cloudtrail").describe_trails(trailNameList=[name])["trailList"]
    found: dict[str, Any] = trail
    return found


def test_the_management_account_scope_feeds_the_log_group_from_the_account_s_own_trail(
    account_scope: Deployment,
) -> None:
    aws, names = account_scope.aws, BaselineNames("account-scope")
    organization, own = _trail(aws, names.trail), _trail(aws, names.management_account_trail)
    assert organization["IsOrganizationTrail"] is True
    assert "CloudWatchLogsLogGroupArn" not in organization  # the S3 archive only
    assert (own["IsOrganizationTrail"], own["IsMultiRegionTrail"]) == (False, True)
    assert own["CloudWatchLogsLogGroupArn"].split(":")[6] == names.log_group
    assert own["S3BucketName"] == organization["S3BucketName"]
    assert {"account-scope-console-sign-in", "account-scope-access-denied"} <= set(_filters(aws, names.log_group))


def test_a_second_plan_of_the_management_account_scope_changes_nothing(account_scope: Deployment) -> None:
    _second_plan_changes_nothing(account_scope)


def test_verify_warns_of_the_other_organization_trail_as_a_paid_copy(account_scope: Deployment) -> None:
    _deliver_trail_event(account_scope.aws, BaselineNames("account-scope").log_group)
    code, report = ops(account_scope.aws, "verify", "--config", str(account_scope.config_file))
    assert failures(report) == {}
    assert code == 0  # a warning is not a failure
    items = statuses(report)
    assert items["management account trail"] == "pass"
    assert items["management account trail delivery to CloudWatch Logs"] == "pass"
    (warning,) = [result for result in report["results"] if result["status"] == "warn"]
    assert warning["item"] == f"other trails: {CONTROL_TOWER_TRAIL}"
    events = ACCOUNTS * EVENTS_PER_ACCOUNT
    assert f"({events:,} events x $2.00 per 100,000" in warning["detail"]
    assert warning["fix"].startswith("set trail.mode = existing")
