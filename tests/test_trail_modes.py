"""Which trail the detections read, in the app and in the module alike.

``trail.mode = "existing"`` builds no trail, bucket, log group or logs role and points the
detections at the named log group; ``cloudwatch_logs_scope = "management-account"`` keeps the
organization trail's S3 archive and feeds the log group from a multi-region trail of the
management account alone. Each stack is resolved for one account (``tools.policies.resolve``),
the app's synthesized JSON and the committed module called with the same inputs.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from app.config import BaselineConfig
from tests.configs import CONTROL_TOWER_GROUP, EXISTING_TRAIL
from tests.synth import baseline_stack, conditions, synth
from tools.policies.resolve import Environment, TerraformJson

ENV = Environment()
CONFIGS = {
    "existing": EXISTING_TRAIL,
    "existing-without-arn": BaselineConfig.model_validate(
        {"trail": {"mode": "existing", "log_group_name": CONTROL_TOWER_GROUP}}
    ),
    "management-account": BaselineConfig.model_validate({"trail": {"cloudwatch_logs_scope": "management-account"}}),
    "organization": BaselineConfig(),
}
FLAVOURS = ("app", "module")
ORGANIZATION_TRAIL = f"arn:aws:cloudtrail:us-east-1:{ENV.account_id}:trail/mgmt-baseline-organization-trail"
ACCOUNT_TRAIL = f"arn:aws:cloudtrail:us-east-1:{ENV.account_id}:trail/mgmt-baseline-management-account-trail"
OWN_GROUP = "/aws/cloudtrail/mgmt-baseline-organization-trail"
TRAIL_PARTS = (
    "aws_cloudtrail",
    "aws_cloudwatch_log_group",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_s3_bucket",
    "aws_s3_bucket_policy",
    "terraform_data",
)


@cache
def _stack(flavour: str, name: str) -> TerraformJson:
    return baseline_stack(flavour, CONFIGS[name], ENV)


def _trails(stack: TerraformJson) -> dict[str, dict[str, Any]]:
    arguments = ("name", "is_organization_trail", "is_multi_region_trail", "include_global_service_events")
    found = {}
    for name in ("organization_trail", "management_account_trail"):
        for trail in stack.arguments("aws_cloudtrail", name, *arguments, "cloud_watch_logs_group_arn").values():
            found[trail["name"]] = trail
    return found


def _policy(stack: TerraformJson, kind: str, resource: str) -> dict[str, Any]:
    """The rendered policy attached to ``resource`` (a bucket, key or role ARN), statements by Sid."""
    (policy,) = (p for p in stack.attached_policies() if p.kind == kind and p.resource_arn.endswith(resource))
    return {statement.get("Sid", ""): statement for statement in policy.document["Statement"]}


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_existing_trail_gets_no_second_trail_bucket_log_group_role_or_guard(flavour: str) -> None:
    stack = _stack(flavour, "existing")
    for resource_type in TRAIL_PARTS:
        assert stack.resource_values(resource_type, "id") == [], resource_type
    # What alerts still needs: the topics, the alarms and rules, the key of the topic.
    assert len(stack.resource_values("aws_sns_topic", "arn")) == 2
    assert stack.resource_values("aws_kms_key", "arn")


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("name", ["existing", "existing-without-arn"])
def test_with_an_existing_trail_every_metric_filter_reads_its_log_group(flavour: str, name: str) -> None:
    filters = _stack(flavour, name).arguments("aws_cloudwatch_log_metric_filter", "this", "log_group_name")
    assert filters
    assert {f["log_group_name"] for f in filters.values()} == {CONTROL_TOWER_GROUP}


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_with_an_existing_trail_the_outputs_name_its_log_group_and_trail_and_no_bucket(flavour: str) -> None:
    stack, config = _stack(flavour, "existing"), CONFIGS["existing"]
    read = ("log_group_name", "log_group_arn", "organization_trail_arn", "log_bucket_name")
    outputs = {name: stack.value(stack.doc["output"][name]["value"]) for name in read}
    assert outputs["log_group_name"] == CONTROL_TOWER_GROUP
    assert outputs["log_group_arn"] == ENV.arn("logs", f"log-group:{CONTROL_TOWER_GROUP}")
    assert outputs["organization_trail_arn"] == config.trail.trail_arn
    assert outputs["log_bucket_name"] is None
    without_arn = _stack(flavour, "existing-without-arn")
    assert without_arn.value(without_arn.doc["output"]["organization_trail_arn"]["value"]) is None


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_with_an_existing_trail_the_key_grants_cloudtrail_and_cloudwatch_logs_nothing(flavour: str) -> None:
    key = _policy(_stack(flavour, "existing"), "key", "")
    principals = {json.dumps(statement["Principal"]) for statement in key.values()}
    assert not [p for p in principals if "cloudtrail" in p or "logs." in p]
    assert "EventBridgePublishesToTheTopic" in key  # the topic's publishers keep theirs


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_organization_scope_has_one_trail_delivering_every_account_to_the_log_group(flavour: str) -> None:
    trails = _trails(_stack(flavour, "organization"))
    assert list(trails) == ["mgmt-baseline-organization-trail"]
    assert trails["mgmt-baseline-organization-trail"]["cloud_watch_logs_group_arn"] == (
        ENV.arn("logs", f"log-group:{OWN_GROUP}") + ":*"
    )


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_management_account_scope_archives_the_organization_in_s3_and_logs_the_account_alone(
    flavour: str,
) -> None:
    trails = _trails(_stack(flavour, "management-account"))
    organization, account = trails["mgmt-baseline-organization-trail"], trails["mgmt-baseline-management-account-trail"]
    assert organization["is_organization_trail"] is True
    assert "cloud_watch_logs_group_arn" not in organization or organization["cloud_watch_logs_group_arn"] is None
    assert account["is_organization_trail"] is False
    assert account["is_multi_region_trail"] is True
    assert account["include_global_service_events"] is True
    assert account["cloud_watch_logs_group_arn"] == ENV.arn("logs", f"log-group:{OWN_GROUP}") + ":*"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_account_trail_may_write_only_the_management_account_s_files_and_log_streams(flavour: str) -> None:
    stack = _stack(flavour, "management-account")
    bucket = _policy(stack, "bucket", f"mgmt-baseline-organization-trail-{ENV.account_id}")
    both = sorted([ORGANIZATION_TRAIL, ACCOUNT_TRAIL])
    assert sorted(bucket["AWSCloudTrailAclCheck"]["Condition"]["StringEquals"]["aws:SourceArn"]) == both
    assert sorted(bucket["AWSCloudTrailWriteManagementAccount"]["Condition"]["StringEquals"]["aws:SourceArn"]) == both
    # The member accounts' files come from the organization trail only.
    organization = bucket["AWSCloudTrailWriteOrganization"]["Condition"]["StringEquals"]["aws:SourceArn"]
    assert organization in (ORGANIZATION_TRAIL, [ORGANIZATION_TRAIL])
    role = _policy(stack, "role", "mgmt-baseline-organization-trail-cloudwatch-logs")
    streams = f"{ENV.arn('logs', f'log-group:{OWN_GROUP}')}:log-stream"
    assert role["CloudTrailWriteLogStreams"]["Resource"] in (
        f"{streams}:{ENV.account_id}_CloudTrail_*",
        [f"{streams}:{ENV.account_id}_CloudTrail_*"],
    )
    key = _policy(stack, "key", "")
    assert sorted(key["CloudTrailEncryptsThisTrailsLogs"]["Condition"]["StringEquals"]["aws:SourceArn"]) == both


def test_the_organization_scope_names_only_the_organization_trail_in_the_bucket_policy() -> None:
    s = synth(CONFIGS["organization"])
    statements = s.policy_statements(s.body(s.trail.bucket_policy)["policy"])
    assert len(conditions(statements["AWSCloudTrailAclCheck"])[("StringEquals", "aws:SourceArn")]) == 1
    assert s.trail.account_trail is None


def test_switching_the_scope_changes_the_trails_in_place_and_keeps_the_log_group() -> None:
    # Same addresses for the organization trail, bucket and log group in both scopes: a switch
    # updates the trail in place and adds (or removes) the account's own trail.
    def addresses(name: str) -> set[str]:
        resources = synth(CONFIGS[name]).doc["resource"]
        return {f"{kind}.{block}" for kind, blocks in resources.items() for block in blocks}

    organization, account = addresses("organization"), addresses("management-account")
    assert account - organization == {"aws_cloudtrail.management_account_trail"}
    assert organization - account == set()


def test_config_init_explains_the_choice_at_the_top_of_the_trail_section() -> None:
    from app.template import config_template

    section = config_template().split("\n[trail]\n", 1)[1]
    opening = " ".join(line.removeprefix("# ") for line in section.split("\n\n", 1)[0].splitlines())
    assert "already have an organization trail" in opening
    assert "a second one is a paid copy of every account's events" in opening
    assert "./run cost compares the three" in opening
