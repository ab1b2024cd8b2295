"""What the trail-choice tests share: the trail and log group AWS Control Tower leaves in the
management account, made on the local AWS, and reading a deployment back."""

from __future__ import annotations

import json

from tests.configs import CONTROL_TOWER_GROUP
from tests.e2e.deploy import Deployment
from tests.local_aws import LocalAws
from tests.terraform import assert_no_changes

CONTROL_TOWER_TRAIL = "aws-controltower-BaselineCloudTrail"


def make_landing_zone(local_aws: LocalAws) -> str:
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


def metric_filters(aws: LocalAws, group: str) -> dict[str, str]:
    """The metric filters on ``group``: name -> pattern."""
    found = aws.client("logs").describe_metric_filters(logGroupName=group)["metricFilters"]
    return {item["filterName"]: item["filterPattern"] for item in found}


def second_plan_changes_nothing(deployment: Deployment) -> None:
    assert_no_changes(deployment.baseline_dir, deployment.env)
