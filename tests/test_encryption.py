"""The customer-managed KMS key: what it encrypts and who may use it."""

from __future__ import annotations

from typing import Any

import pytest

from app.config import BaselineConfig
from tests.synth import Synthesized, conditions, synth


@pytest.fixture(scope="module")
def unencrypted() -> Synthesized:
    return synth(BaselineConfig(kms_encryption=False))


def _key_statements(s: Synthesized) -> dict[str, dict[str, Any]]:
    key = s.stack.baseline.key
    assert key is not None
    return s.policy_statements(s.body(key.key)["policy"])


def test_key_rotates_and_waits_thirty_days_before_deletion(default_stack: Synthesized) -> None:
    s = default_stack
    assert s.stack.baseline.key is not None
    key = s.body(s.stack.baseline.key.key)
    assert key["enable_key_rotation"] is True
    assert key["deletion_window_in_days"] == 30
    assert key["lifecycle"] == {"prevent_destroy": True}
    alias = s.body(s.stack.baseline.key.alias)
    assert alias["name"] == "alias/mgmt-baseline-baseline"


def test_trail_log_group_and_topic_are_encrypted_with_the_key(default_stack: Synthesized) -> None:
    s = default_stack
    assert s.stack.baseline.key is not None
    key_arn = s.ref(s.stack.baseline.key.key, "arn")
    assert s.body(s.trail.trail)["kms_key_id"] == key_arn
    assert s.body(s.trail.log_group)["kms_key_id"] == key_arn
    assert s.body(s.stack.baseline.topic.topic)["kms_master_key_id"] == key_arn


def test_key_policy_names_exactly_the_services_that_need_it(default_stack: Synthesized) -> None:
    statements = _key_statements(default_stack)
    principals = {
        sid: {(p["type"], identifier) for p in statement["principals"] for identifier in p["identifiers"]}
        for sid, statement in statements.items()
    }
    account = default_stack.env.account_id
    assert principals == {
        "AccountAdministersTheKeyThroughIam": {("AWS", f"arn:{default_stack.env.partition}:iam::{account}:root")},
        "CloudTrailEncryptsThisTrailsLogs": {("Service", "cloudtrail.amazonaws.com")},
        "CloudTrailDescribesTheKey": {("Service", "cloudtrail.amazonaws.com")},
        "CloudWatchLogsEncryptsThisLogGroup": {("Service", f"logs.{default_stack.env.region}.amazonaws.com")},
        "CloudWatchAlarmsPublishToTheTopic": {("Service", "cloudwatch.amazonaws.com")},
        "BudgetsPublishToTheTopic": {("Service", "budgets.amazonaws.com")},
        "CostAnomalyDetectionPublishesToTheTopic": {("Service", "costalerts.amazonaws.com")},
        "EventBridgePublishesToTheTopic": {("Service", "events.amazonaws.com")},
    }


def test_cloudtrail_may_encrypt_only_for_this_trail(default_stack: Synthesized) -> None:
    s = default_stack
    statement = _key_statements(s)["CloudTrailEncryptsThisTrailsLogs"]
    assert statement["actions"] == ["kms:GenerateDataKey*"]
    env = s.env
    trail_arn = f"arn:{env.partition}:cloudtrail:{env.region}:{env.account_id}:trail/mgmt-baseline-organization-trail"
    assert conditions(statement) == {
        ("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn"): [
            f"arn:{env.partition}:cloudtrail:*:{env.account_id}:trail/*"
        ],
        ("StringEquals", "aws:SourceArn"): [trail_arn],
    }


def test_cloudwatch_logs_may_use_the_key_only_for_the_trails_log_group(default_stack: Synthesized) -> None:
    env = default_stack.env
    statement = _key_statements(default_stack)["CloudWatchLogsEncryptsThisLogGroup"]
    assert conditions(statement) == {
        ("ArnEquals", "kms:EncryptionContext:aws:logs:arn"): [
            f"arn:{env.partition}:logs:{env.region}:{env.account_id}:log-group:/aws/cloudtrail/mgmt-baseline-organization-trail"
        ]
    }


@pytest.mark.parametrize(
    ("sid", "source_arn"),
    [
        # The SNS guide names these keys for CloudWatch; no CloudWatch page confirms them.
        ("CloudWatchAlarmsPublishToTheTopic", "arn:{partition}:cloudwatch:{region}:{account}:alarm:*"),
        # The Budgets guide's statement has no condition, and the SNS guide does not list Budgets.
        ("BudgetsPublishToTheTopic", None),
        # "... not supported for EventBridge-to-encrypted topics" (SNS guide).
        ("EventBridgePublishesToTheTopic", None),
    ],
)
def test_publishers_keys_are_checked_only_where_aws_documents_them(
    default_stack: Synthesized, sid: str, source_arn: str | None
) -> None:
    env = default_stack.env
    statement = _key_statements(default_stack)[sid]
    assert statement["actions"] == ["kms:GenerateDataKey*", "kms:Decrypt"]
    expected = {}
    if source_arn:
        expected = {
            ("StringEqualsIfExists", "aws:SourceAccount"): [env.account_id],
            ("ArnLikeIfExists", "aws:SourceArn"): [
                source_arn.format(partition=env.partition, region=env.region, account=env.account_id)
            ],
        }
    assert conditions(statement) == expected


def test_encryption_can_be_switched_off(unencrypted: Synthesized) -> None:
    s = unencrypted
    assert s.stack.baseline.key is None
    assert "aws_kms_key" not in s.doc["resource"]
    assert "kms_key_id" not in s.body(s.trail.trail)
    assert "kms_master_key_id" not in s.body(s.stack.baseline.topic.topic)
    assert s.doc["output"]["kms_key_arn"]["value"] is None
