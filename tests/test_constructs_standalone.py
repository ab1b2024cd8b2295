"""Each construct on its own: built in a bare stack with plain props, as a user of the library
would in their own cdktf app, without the baseline, the config or the app's stacks.

GIVEN the smallest props, WHEN synthesized, THEN the construct makes exactly its resources,
with the safe defaults its props class promises.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cdktf import TerraformStack, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider

from constructs_lib.billing_alarm import BillingAlarm, BillingAlarmProps
from constructs_lib.charges_budget import ChargesBudget, ChargesBudgetProps
from constructs_lib.cost_anomaly_alerts import CostAnomalyAlerts, CostAnomalyAlertsProps
from constructs_lib.detections import ACCESS_DENIED, CONSOLE_SIGN_IN, ROOT_SIGN_IN
from constructs_lib.encryption_key import EncryptionKey, EncryptionKeyProps
from constructs_lib.environment import AwsEnvironment
from constructs_lib.event_rule_alerts import EventRuleAlert, EventRuleAlerts, EventRuleAlertsProps
from constructs_lib.hardened_bucket import HardenedBucket, HardenedBucketProps
from constructs_lib.log_data_protection import LogDataProtection, LogDataProtectionProps
from constructs_lib.log_metric_alarms import LogMetricAlarm, LogMetricAlarms, LogMetricAlarmsProps
from constructs_lib.notification_topic import NotificationTopic, NotificationTopicProps
from constructs_lib.organization_trail import OrganizationTrail, OrganizationTrailProps
from constructs_lib.switch import Switched
from tools import compare_synth

TOPIC = "arn:aws:sns:us-east-1:111122223333:alerts"
Json = dict[str, Any]


def bare(build: Callable[[TerraformStack], object]) -> Json:
    """The Terraform JSON of a stack holding only an aws provider and what ``build`` adds."""
    stack = TerraformStack(Testing.app(), "bare")
    AwsProvider(stack, "aws", region="us-east-1")
    build(stack)
    document: Json = json.loads(Testing.synth(stack))
    return document


def resource_types(document: Json) -> dict[str, int]:
    return {kind: len(blocks) for kind, blocks in document.get("resource", {}).items()}


def only(document: Json, kind: str) -> Json:
    (block,) = document["resource"][kind].values()
    return dict(block)


def test_a_hardened_bucket_is_private_tls_only_versioned_encrypted_and_kept_by_default() -> None:
    document = bare(lambda s: HardenedBucket(s, "b", props=HardenedBucketProps(bucket_name="acme-logs")))
    assert resource_types(document) == {
        "aws_s3_bucket": 1,
        "aws_s3_bucket_public_access_block": 1,
        "aws_s3_bucket_ownership_controls": 1,
        "aws_s3_bucket_versioning": 1,
        "aws_s3_bucket_server_side_encryption_configuration": 1,
        "aws_s3_bucket_policy": 1,
    }
    bucket = only(document, "aws_s3_bucket")
    assert (bucket["bucket"], bucket["force_destroy"], bucket["lifecycle"]) == (
        "acme-logs",
        False,
        {"prevent_destroy": True, "ignore_changes": ["object_lock_enabled"]},
    )
    block = only(document, "aws_s3_bucket_public_access_block")
    assert all(
        block[key] is True
        for key in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    assert only(document, "aws_s3_bucket_ownership_controls")["rule"]["object_ownership"] == "BucketOwnerEnforced"
    assert only(document, "aws_s3_bucket_versioning")["versioning_configuration"] == {"status": "Enabled"}
    (policy,) = document["data"]["aws_iam_policy_document"].values()
    (deny,) = policy["statement"]
    assert (deny["sid"], deny["effect"], deny["condition"][0]["variable"]) == (
        "DenyInsecureTransport",
        "Deny",
        "aws:SecureTransport",
    )


def test_a_notification_topic_without_subscribers_lets_only_the_alert_services_publish() -> None:
    # Standalone, the topic admits all three alert services (the baseline's leaves out alarms).
    def build(stack: TerraformStack) -> None:
        env = AwsEnvironment(stack, "env")
        NotificationTopic(stack, "t", props=NotificationTopicProps(environment=env, name="alerts"))

    document = bare(build)
    topic = only(document, "aws_sns_topic")
    assert topic["name"] == "alerts"
    assert "kms_master_key_id" not in topic  # no key unless one is passed
    # No addresses, no subscriptions: an empty set, so Terraform makes none.
    assert only(document, "aws_sns_topic_subscription")["for_each"] == "${toset([])}"
    (policy,) = document["data"]["aws_iam_policy_document"].values()
    services = {s["sid"]: s["principals"][0]["identifiers"][0] for s in policy["statement"] if s["effect"] == "Allow"}
    assert services == {
        "AllowEventBridgeRules": "events.amazonaws.com",
        "AllowCloudWatchAlarms": "cloudwatch.amazonaws.com",
        "AllowBudgets": "budgets.amazonaws.com",
        "AllowCostAnomalyDetection": "costalerts.amazonaws.com",
    }


def test_an_encryption_key_rotates_waits_thirty_days_and_refuses_destruction_by_default() -> None:
    def build(stack: TerraformStack) -> None:
        env = AwsEnvironment(stack, "env")
        EncryptionKey(
            stack,
            "k",
            props=EncryptionKeyProps(
                environment=env,
                alias="acme",
                trail_arns=["arn:aws:cloudtrail:us-east-1:111122223333:trail/t"],
                log_group_name="/aws/cloudtrail/t",
            ),
        )

    document = bare(build)
    assert resource_types(document) == {"aws_kms_key": 1, "aws_kms_alias": 1}
    key = only(document, "aws_kms_key")
    assert (key["enable_key_rotation"], key["deletion_window_in_days"], key["lifecycle"]) == (
        True,
        30,
        {"prevent_destroy": True},
    )
    assert only(document, "aws_kms_alias")["name"] == "alias/acme"


def test_an_organization_trail_logs_everywhere_with_validation_to_its_bucket_and_log_group() -> None:
    def build(stack: TerraformStack) -> None:
        env = AwsEnvironment(stack, "env")
        OrganizationTrail(stack, "trail", props=OrganizationTrailProps(environment=env, name="org-trail"))

    document = bare(build)
    trail = only(document, "aws_cloudtrail")
    assert {key: trail[key] for key in ("name", "is_organization_trail", "is_multi_region_trail")} == {
        "name": "org-trail",
        "is_organization_trail": True,
        "is_multi_region_trail": True,
    }
    assert trail["include_global_service_events"] is True
    assert trail["enable_log_file_validation"] is True
    assert "kms_key_id" not in trail  # no key unless one is passed
    log_group = only(document, "aws_cloudwatch_log_group")
    assert (log_group["name"], log_group["retention_in_days"], log_group["skip_destroy"]) == (
        "/aws/cloudtrail/org-trail",
        365,
        True,
    )
    # The log bucket and, by default, a separate access-log bucket with the same lifecycle.
    assert resource_types(document)["aws_s3_bucket"] == 2
    assert resource_types(document)["aws_s3_bucket_lifecycle_configuration"] == 2


def test_log_metric_alarms_are_one_filter_and_one_alarm_per_detection_keyed_by_name() -> None:
    document = bare(
        lambda s: LogMetricAlarms(
            s,
            "a",
            props=LogMetricAlarmsProps(
                alarms=[
                    LogMetricAlarm(detection=ACCESS_DENIED, name="acme-access-denied"),
                    LogMetricAlarm(detection=CONSOLE_SIGN_IN, name="acme-console-sign-in", threshold=2),
                ],
                log_group_name="/aws/cloudtrail/t",
                management_account_id="111122223333",
                topic_arn=TOPIC,
            ),
        )
    )
    assert resource_types(document) == {"aws_cloudwatch_log_metric_filter": 1, "aws_cloudwatch_metric_alarm": 1}
    filters = compare_synth.instances(only(document, "aws_cloudwatch_log_metric_filter"))
    alarms = compare_synth.instances(only(document, "aws_cloudwatch_metric_alarm"))
    assert set(filters) == set(alarms) == {"access-denied", "console-sign-in"}
    # Scoped to the management account by default.
    assert "111122223333" in filters["access-denied"]["pattern"]
    assert filters["console-sign-in"]["metric_transformation"]["name"] == "ConsoleSignInCount"
    alarm = alarms["access-denied"]
    assert (alarm["alarm_name"], alarm["alarm_actions"], alarm["actions_enabled"]) == (
        "acme-access-denied",
        [TOPIC],
        True,
    )
    assert [(a["threshold"], a["period"]) for a in alarms.values()] == [(0, 300), (2, 300)]


def test_log_metric_alarms_refuse_two_alarms_for_one_detection() -> None:
    twice = [LogMetricAlarm(detection=ACCESS_DENIED, name=name) for name in ("a", "b")]
    props = LogMetricAlarmsProps(alarms=twice, log_group_name="g", management_account_id="1", topic_arn=TOPIC)
    with pytest.raises(ValueError, match=r"two entries named \['access-denied'\]"):
        bare(lambda s: LogMetricAlarms(s, "a", props=props))


def test_event_rule_alerts_send_matches_to_the_topic_as_a_sentence() -> None:
    document = bare(
        lambda s: EventRuleAlerts(
            s,
            "r",
            props=EventRuleAlertsProps(
                alerts=[EventRuleAlert(detection=ROOT_SIGN_IN, name="acme-root")], topic_arn=TOPIC
            ),
        )
    )
    assert resource_types(document) == {"aws_cloudwatch_event_rule": 1, "aws_cloudwatch_event_target": 1}
    (rule,) = compare_synth.instances(only(document, "aws_cloudwatch_event_rule")).values()
    target = compare_synth.instances(only(document, "aws_cloudwatch_event_target"))["root-sign-in"]
    assert (rule["name"], target["rule"], target["arn"]) == ("acme-root", "acme-root", TOPIC)
    assert json.loads(target["input_transformer"]["input_template"]).startswith("[CRITICAL]")


def test_a_billing_alarm_watches_the_total_and_never_reads_ok_without_data() -> None:
    document = bare(lambda s: BillingAlarm(s, "b", props=BillingAlarmProps(name="acme", limit_usd=25, topic_arn=TOPIC)))
    assert resource_types(document) == {"aws_cloudwatch_metric_alarm": 1}
    alarm = only(document, "aws_cloudwatch_metric_alarm")
    assert (alarm["metric_name"], alarm["dimensions"], alarm["threshold"], alarm["treat_missing_data"]) == (
        "EstimatedCharges",
        {"Currency": "USD"},
        25,
        "missing",
    )
    assert alarm["alarm_actions"] == alarm["insufficient_data_actions"] == [TOPIC]


def test_a_charges_budget_reads_the_whole_bill_unless_given_accounts() -> None:
    whole = only(
        bare(lambda s: ChargesBudget(s, "b", props=ChargesBudgetProps(name="acme", limit_usd=25, topic_arn=TOPIC))),
        "aws_budgets_budget",
    )
    assert (whole["limit_amount"], whole["budget_type"], whole["time_unit"]) == ("25.00", "COST", "MONTHLY")
    assert "cost_filter" not in whole
    one = only(
        bare(
            lambda s: ChargesBudget(
                s, "b", props=ChargesBudgetProps(name="acme", limit_usd=25, topic_arn=TOPIC, linked_accounts=["1"])
            )
        ),
        "aws_budgets_budget",
    )
    assert one["cost_filter"] == [{"name": "LinkedAccount", "values": ["1"]}]


def test_cost_anomaly_alerts_create_a_services_monitor_and_notify_the_topic_at_once() -> None:
    props = CostAnomalyAlertsProps(
        monitor_name="m", subscription_name="s", topic_arn=TOPIC, threshold_usd=250, threshold_percent=0
    )
    document = bare(lambda s: CostAnomalyAlerts(s, "a", props=props))
    assert resource_types(document) == {"aws_ce_anomaly_monitor": 1, "aws_ce_anomaly_subscription": 1}
    monitor = only(document, "aws_ce_anomaly_monitor")
    assert (monitor["monitor_type"], monitor["monitor_dimension"]) == ("DIMENSIONAL", "SERVICE")
    subscription = only(document, "aws_ce_anomaly_subscription")
    assert subscription["frequency"] == "IMMEDIATE"
    assert subscription["subscriber"] == [{"type": "SNS", "address": TOPIC}]
    values = [item["dimension"]["values"] for item in subscription["threshold_expression"]["and"]]
    assert values == [["250"], ["0"]]


def test_the_environment_looks_up_the_account_and_refuses_another_region_at_plan_time() -> None:
    document = bare(lambda s: AwsEnvironment(s, "env"))
    assert "resource" not in document
    assert set(document["data"]) == {
        "aws_caller_identity",
        "aws_organizations_organization",
        "aws_partition",
        "aws_region",
    }
    (region,) = document["data"]["aws_region"].values()
    (postcondition,) = region["lifecycle"]["postcondition"]
    assert postcondition["condition"] == '${self.name == "us-east-1"}'


def test_log_data_protection_guards_each_item_with_prevent_destroy_and_its_identities() -> None:
    items = [
        Switched("bucket", {"arn": "arn:aws:s3:::acme-logs"}),
        Switched("key", {"arn": "arn:aws:kms:us-east-1:111122223333:key/k"}),
    ]
    document = bare(lambda s: LogDataProtection(s, "guard", props=LogDataProtectionProps(items=items)))
    assert resource_types(document) == {"terraform_data": 1}
    guard = only(document, "terraform_data")
    assert guard["lifecycle"] == {"prevent_destroy": True}
    assert guard["for_each"] == {
        "bucket": {"arn": "arn:aws:s3:::acme-logs"},
        "key": {"arn": "arn:aws:kms:us-east-1:111122223333:key/k"},
    }
    assert guard["triggers_replace"] == "${each.value}"
    assert "provider" not in guard  # Terraform's built-in terraform_data: nothing to install
