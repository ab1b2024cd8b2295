"""The trail bucket's lifecycle, access logging and Object Lock."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.config import BaselineConfig
from tests.synth import Synthesized, conditions, synth


@pytest.fixture(scope="module")
def every_option() -> Synthesized:
    return synth(
        BaselineConfig.model_validate(
            {
                "log_bucket": {
                    "transition_to_glacier_days": 30,
                    "expiration_days": 3653,
                    "noncurrent_version_expiration_days": 400,
                    "access_logging": True,
                    "object_lock_mode": "COMPLIANCE",
                    "object_lock_days": 400,
                }
            }
        )
    )


def _only(s: Synthesized, resource_type: str, name: str) -> dict[str, Any]:
    body: dict[str, Any] = s.resources(resource_type)[name]
    return body


def test_logs_move_to_glacier_and_expire_after_the_documented_defaults(default_stack: Synthesized) -> None:
    rules = _only(default_stack, "aws_s3_bucket_lifecycle_configuration", "trail_logs")["rule"]
    assert rules == [
        {
            "id": "retention",
            "status": "Enabled",
            "filter": [{"prefix": ""}],
            "transition": [{"days": 90, "storage_class": "GLACIER"}],
            "expiration": [{"days": 2557}],
            "noncurrent_version_expiration": [{"noncurrent_days": 365}],
            "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}],
        }
    ]


def test_the_lifecycle_says_that_files_under_128_kb_never_transition(default_stack: Synthesized) -> None:
    # S3's default since September 2024, written out so that the stack says what S3 does; the
    # cost model counts no transition for such files (ops/cost.py).
    lifecycle = _only(default_stack, "aws_s3_bucket_lifecycle_configuration", "trail_logs")
    assert lifecycle["transition_default_minimum_object_size"] == "all_storage_classes_128K"


def test_lifecycle_days_follow_the_config(every_option: Synthesized) -> None:
    (rule,) = _only(every_option, "aws_s3_bucket_lifecycle_configuration", "trail_logs")["rule"]
    assert rule["transition"] == [{"days": 30, "storage_class": "GLACIER"}]
    assert rule["expiration"] == [{"days": 3653}]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 400}]


def test_access_logging_is_on_and_object_lock_off_by_default(default_stack: Synthesized) -> None:
    resources = default_stack.doc["resource"]
    assert len(resources["aws_s3_bucket_logging"]) == 1
    assert len(resources["aws_s3_bucket"]) == 2
    assert "aws_s3_bucket_object_lock_configuration" not in resources
    assert "object_lock_enabled" not in default_stack.body(default_stack.trail.bucket)


def test_access_logging_can_be_switched_off() -> None:
    s = synth(BaselineConfig.model_validate({"log_bucket": {"access_logging": False}}))
    assert "aws_s3_bucket_logging" not in s.doc["resource"]
    assert len(s.doc["resource"]["aws_s3_bucket"]) == 1


def test_object_lock_keeps_each_log_file_for_the_configured_days(every_option: Synthesized) -> None:
    s = every_option
    lock = _only(s, "aws_s3_bucket_object_lock_configuration", "trail_logs")
    assert lock["rule"] == {"default_retention": {"mode": "COMPLIANCE", "days": 400}}


def test_object_lock_is_turned_on_in_place_not_by_a_new_bucket(every_option: Synthesized) -> None:
    s = every_option
    bucket = s.body(s.trail.bucket)
    # The bucket's own argument would force a new bucket (and a bucket made with it keeps it):
    # PutObjectLockConfiguration turns Object Lock on for the bucket that exists, once it is versioned.
    assert "object_lock_enabled" not in bucket
    assert bucket["lifecycle"]["ignore_changes"] == ["object_lock_enabled"]
    lock = _only(s, "aws_s3_bucket_object_lock_configuration", "trail_logs")
    assert lock["object_lock_enabled"] == "Enabled"
    assert lock["depends_on"] == ["aws_s3_bucket_versioning.trail_logs"]


def test_access_logs_go_to_a_separate_hardened_bucket(every_option: Synthesized) -> None:
    s = every_option
    logging = _only(s, "aws_s3_bucket_logging", "trail_logs")
    target = _only(s, "aws_s3_bucket", "access_logs")
    assert target["bucket"] == f"mgmt-baseline-access-logs-{s.env.account_id}"
    assert logging["target_prefix"] == "s3-access-logs/"
    assert logging["target_bucket"] == "${aws_s3_bucket.access_logs.id}"
    block = _only(s, "aws_s3_bucket_public_access_block", "access_logs")
    assert block["block_public_policy"] is True
    assert block["restrict_public_buckets"] is True


def test_only_s3_logging_of_the_log_bucket_may_write_access_logs(every_option: Synthesized) -> None:
    s = every_option
    policy = _only(s, "aws_s3_bucket_policy", "access_logs")
    statement = s.policy_statements(policy["policy"])["S3ServerAccessLogsFromTheLogBucket"]
    assert statement["principals"] == [{"type": "Service", "identifiers": ["logging.s3.amazonaws.com"]}]
    assert statement["actions"] == ["s3:PutObject"]
    assert conditions(statement) == {
        ("StringEquals", "aws:SourceAccount"): [s.env.account_id],
        ("ArnLike", "aws:SourceArn"): [
            f"arn:{s.env.partition}:s3:::mgmt-baseline-organization-trail-{s.env.account_id}"
        ],
    }
    assert "DenyInsecureTransport" in s.policy_statements(policy["policy"])


def test_state_bucket_keeps_a_year_of_state_history() -> None:
    from cdktf import Testing

    from app.stacks import StateBootstrapStack

    app = Testing.app()
    stack = StateBootstrapStack(app, "bootstrap", config=BaselineConfig())
    (lifecycle,) = json.loads(Testing.synth(stack))["resource"]["aws_s3_bucket_lifecycle_configuration"].values()
    assert lifecycle["rule"] == [
        {
            "id": "retention",
            "status": "Enabled",
            "filter": [{"prefix": ""}],
            "noncurrent_version_expiration": [{"noncurrent_days": 365}],
            "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}],
        }
    ]
