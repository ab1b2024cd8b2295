"""The organization trail, its bucket, log group and delivery role."""

from __future__ import annotations

from typing import Any

import pytest

from tests.synth import Synthesized, conditions


def _trail_arn(s: Synthesized) -> str:
    env = s.env
    return f"arn:{env.partition}:cloudtrail:{env.region}:{env.account_id}:trail/mgmt-baseline-organization-trail"


def test_trail_is_a_logging_multi_region_organization_trail_with_validation(default_stack: Synthesized) -> None:
    trail = default_stack.body(default_stack.trail.trail)
    assert trail["name"] == "mgmt-baseline-organization-trail"
    assert trail["is_organization_trail"] is True
    assert trail["is_multi_region_trail"] is True
    assert trail["include_global_service_events"] is True
    assert trail["enable_log_file_validation"] is True
    assert trail["enable_logging"] is True


def _log_group_arn(s: Synthesized) -> str:
    env = s.env
    group = "/aws/cloudtrail/mgmt-baseline-organization-trail"
    return f"arn:{env.partition}:logs:{env.region}:{env.account_id}:log-group:{group}"


def test_trail_writes_to_its_bucket_and_to_the_log_group_with_stream_suffix(default_stack: Synthesized) -> None:
    s = default_stack
    parts = s.trail
    env = s.env
    trail = s.body(parts.trail)
    # Names, not references: the trail's ARNs and these are known before anything exists (the
    # bucket policy names the trails), and the trail waits for each by depends_on.
    assert trail["s3_bucket_name"] == f"mgmt-baseline-organization-trail-{env.account_id}"
    assert s.body(parts.bucket)["bucket"] == trail["s3_bucket_name"]
    assert trail["cloud_watch_logs_group_arn"] == f"{_log_group_arn(s)}:*"
    assert s.body(parts.log_group)["name"] == "/aws/cloudtrail/mgmt-baseline-organization-trail"
    role = f"arn:{env.partition}:iam::{env.account_id}:role/{s.body(parts.logs_role)['name']}"
    assert trail["cloud_watch_logs_role_arn"] == role
    assert {s.address(parts.log_group), s.address(parts.bucket_policy)} <= set(trail["depends_on"])


def test_trail_waits_for_the_bucket_policy(default_stack: Synthesized) -> None:
    s = default_stack
    trail = s.body(s.trail.trail)
    assert s.address(s.trail.bucket_policy) in trail["depends_on"]


def test_bucket_policy_lets_only_this_trail_check_the_bucket_acl(default_stack: Synthesized) -> None:
    s = default_stack
    parts = s.trail
    statements = s.policy_statements(s.body(parts.bucket_policy)["policy"])
    acl = statements["AWSCloudTrailAclCheck"]
    assert acl["effect"] == "Allow"
    assert acl["principals"] == [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}]
    assert acl["actions"] == ["s3:GetBucketAcl"]
    assert acl["resources"] == [s.ref(parts.bucket, "arn")]
    assert conditions(acl) == {("StringEquals", "aws:SourceArn"): [_trail_arn(s)]}


def test_bucket_policy_lets_this_trail_write_management_and_organization_logs_only(default_stack: Synthesized) -> None:
    s = default_stack
    parts = s.trail
    env = s.env
    bucket_arn = s.ref(parts.bucket, "arn")
    statements = s.policy_statements(s.body(parts.bucket_policy)["policy"])
    expected_prefixes = {
        "AWSCloudTrailWriteManagementAccount": f"{bucket_arn}/AWSLogs/{env.account_id}/*",
        "AWSCloudTrailWriteOrganization": f"{bucket_arn}/AWSLogs/{env.organization_id}/*",
    }
    for sid, resource in expected_prefixes.items():
        write = statements[sid]
        assert write["effect"] == "Allow"
        assert write["principals"] == [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}]
        assert write["actions"] == ["s3:PutObject"]
        assert write["resources"] == [resource]
        assert conditions(write) == {
            ("StringEquals", "s3:x-amz-acl"): ["bucket-owner-full-control"],
            ("StringEquals", "aws:SourceArn"): [_trail_arn(s)],
        }
    assert set(statements) == {"AWSCloudTrailAclCheck", *expected_prefixes, "DenyInsecureTransport"}


def test_bucket_refuses_requests_without_tls(default_stack: Synthesized) -> None:
    s = default_stack
    parts = s.trail
    deny = s.policy_statements(s.body(parts.bucket_policy)["policy"])["DenyInsecureTransport"]
    bucket_arn = s.ref(parts.bucket, "arn")
    assert deny["effect"] == "Deny"
    assert deny["principals"] == [{"type": "*", "identifiers": ["*"]}]
    assert deny["actions"] == ["s3:*"]
    assert deny["resources"] == [bucket_arn, f"{bucket_arn}/*"]
    assert conditions(deny) == {("Bool", "aws:SecureTransport"): ["false"]}


#: The trail's buckets: its log bucket and the bucket of the log bucket's access logs.
BUCKETS = ("trail_logs", "access_logs")


def _of_bucket(s: Synthesized, resource_type: str, bucket: str) -> dict[str, Any]:
    body: dict[str, Any] = s.resources(resource_type)[bucket]
    return body


def _bucket_id(s: Synthesized, bucket: str) -> str:
    assert bucket in s.resources("aws_s3_bucket")
    return f"${{aws_s3_bucket.{bucket}.id}}"


@pytest.mark.parametrize("bucket", BUCKETS)
def test_bucket_blocks_every_kind_of_public_access(default_stack: Synthesized, bucket: str) -> None:
    s = default_stack
    block = _of_bucket(s, "aws_s3_bucket_public_access_block", bucket)
    assert block["bucket"] == _bucket_id(s, bucket)
    for setting in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        assert block[setting] is True, setting


@pytest.mark.parametrize("bucket", BUCKETS)
def test_bucket_is_versioned_encrypted_and_owner_enforced(default_stack: Synthesized, bucket: str) -> None:
    s = default_stack
    bucket_id = _bucket_id(s, bucket)
    versioning = _of_bucket(s, "aws_s3_bucket_versioning", bucket)
    encryption = _of_bucket(s, "aws_s3_bucket_server_side_encryption_configuration", bucket)
    ownership = _of_bucket(s, "aws_s3_bucket_ownership_controls", bucket)
    assert versioning["bucket"] == encryption["bucket"] == ownership["bucket"] == bucket_id
    assert versioning["versioning_configuration"] == {"status": "Enabled"}
    assert encryption["rule"] == [{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}]
    assert ownership["rule"] == {"object_ownership": "BucketOwnerEnforced"}


def test_bucket_is_named_after_the_trail_and_account(default_stack: Synthesized) -> None:
    s = default_stack
    bucket = s.body(s.trail.bucket)
    account = s.env.account_id
    assert bucket["bucket"] == f"mgmt-baseline-organization-trail-{account}"


def test_log_data_survives_destroy_by_default(default_stack: Synthesized) -> None:
    s = default_stack
    bucket = s.body(s.trail.bucket)
    log_group = s.body(s.trail.log_group)
    assert bucket["force_destroy"] is False
    assert bucket["lifecycle"] == {"prevent_destroy": True, "ignore_changes": ["object_lock_enabled"]}
    assert log_group["skip_destroy"] is True


def test_without_log_data_protection_destroy_deletes_the_logs(custom_stack: Synthesized) -> None:
    s = custom_stack
    bucket = s.body(s.trail.bucket)
    assert bucket["lifecycle"] == {"prevent_destroy": False, "ignore_changes": ["object_lock_enabled"]}
    assert bucket["force_destroy"] is True
    assert s.body(s.trail.log_group)["skip_destroy"] is False


def test_log_group_keeps_events_for_a_year_by_default(default_stack: Synthesized) -> None:
    log_group = default_stack.body(default_stack.trail.log_group)
    assert log_group["retention_in_days"] == 365
    assert log_group["name"] == "/aws/cloudtrail/mgmt-baseline-organization-trail"


def test_log_group_retention_follows_the_config(custom_stack: Synthesized) -> None:
    log_group = custom_stack.body(custom_stack.trail.log_group)
    assert log_group["retention_in_days"] == 731
    assert log_group["name"] == "/aws/cloudtrail/acme-root-organization-trail"


def test_logs_role_trusts_cloudtrail_without_conditions_it_never_meets(default_stack: Synthesized) -> None:
    # AWS documents no aws:SourceArn/aws:SourceAccount for CloudTrail's assumption of this role
    # (CloudTrail User Guide: "doesn't support"): a condition on either could stop delivery.
    s = default_stack
    role = s.body(s.trail.logs_role)
    (trust,) = s.policy_statements(role["assume_role_policy"]).values()
    assert trust["effect"] == "Allow"
    assert trust["principals"] == [{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}]
    assert trust["actions"] == ["sts:AssumeRole"]
    assert conditions(trust) == {}


def test_logs_role_may_only_write_the_trails_log_streams(default_stack: Synthesized) -> None:
    s = default_stack
    parts = s.trail
    env = s.env
    (policy,) = s.resources("aws_iam_role_policy").values()
    assert policy["role"] == s.ref(parts.logs_role, "id")
    (write,) = s.policy_statements(policy["policy"]).values()
    streams = f"{_log_group_arn(s)}:log-stream"
    assert write["effect"] == "Allow"
    assert write["actions"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert write["resources"] == [
        f"{streams}:{env.account_id}_CloudTrail_*",
        f"{streams}:{env.organization_id}_*",
    ]
    assert "principals" not in write
    assert "condition" not in write
