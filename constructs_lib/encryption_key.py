"""The customer-managed KMS key of the trail's log files, the log group and the alert topic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.environment import AwsEnvironment
from constructs_lib.policy import (
    SwitchedStatements,
    arn_equals,
    arn_like,
    if_exists,
    statement,
    string_equals,
    string_like,
    switched_policy_json,
)
from constructs_lib.switch import Flag, attribute, count_for

#: The days KMS waits before it deletes a key scheduled for deletion (the maximum).
DELETION_WINDOW_DAYS = 30
CLOUDTRAIL = "cloudtrail.amazonaws.com"
#: The service principal of AWS Cost Anomaly Detection's notifications.
COST_ANOMALY_DETECTION = "costalerts.amazonaws.com"


@dataclass(frozen=True, kw_only=True)
class EncryptionKeyProps:
    """Settings of :class:`EncryptionKey`."""

    environment: AwsEnvironment
    #: The key's alias, without ``alias/``.
    alias: str
    #: ARNs of the trails that encrypt their log files with the key.
    trail_arns: Sequence[str]
    #: Name of the log group that CloudWatch Logs encrypts with the key.
    log_group_name: str
    #: Let CloudTrail and CloudWatch Logs use the key (the baseline builds its trail). Default: True.
    trail_encrypts: Flag = True
    #: Let AWS Budgets use the key for the topic (a budget notifies it). Default: True.
    budgets_publish: Flag = True
    #: Let Cost Anomaly Detection use the key for the topic (a subscription notifies it). Default: True.
    cost_anomalies_publish: Flag = True
    #: Refuse to plan the key's destruction (``prevent_destroy``). Default: True.
    prevent_destroy: bool = True
    #: Build the key (a Terraform expression becomes its ``count``). Default: True.
    enabled: Flag = True


class EncryptionKey(Construct):
    """A symmetric KMS key with rotation on, a 30-day deletion window and a least-privilege policy.

    The account administers the key through IAM as usual (the root-principal statement);
    besides, the policy lets exactly these services use it, each for its own resource:
    CloudTrail for this trail's log files (organization trails included: the encryption
    context is the management account's trail), CloudWatch Logs for this log group, and
    the alert publishers (EventBridge, CloudWatch alarms, AWS Budgets) for this topic.
    For the publishers, a condition goes only on a key AWS documents for the KMS calls SNS
    makes on their behalf: the SNS guide names ``aws:SourceAccount`` and ``aws:SourceArn``
    for CloudWatch (checked with ``...IfExists``: no CloudWatch page confirms them, and an
    alarm must not go silent if they are absent); the EventBridge and Budgets guides give
    their statements without conditions, and no SNS page documents an encryption context.
    """

    def __init__(self, scope: Construct, id_: str, *, props: EncryptionKeyProps) -> None:
        super().__init__(scope, id_)
        env = props.environment
        # The KMS calls SNS makes for each publisher of the encrypted topic
        # (tools/policies/model.py: "sns-...-for-an-alarm", "-for-a-budget", "-for-an-eventbridge-rule").
        publish = ["kms:GenerateDataKey*", "kms:Decrypt"]
        policy_json = switched_policy_json(
            self,
            "policy-document",
            [
                statement(
                    sid="AccountAdministersTheKeyThroughIam",
                    aws_principal=f"arn:{env.partition}:iam::{env.account_id}:root",
                    actions=["kms:*"],
                    resources=["*"],
                ),
                SwitchedStatements(
                    "trail",
                    [
                        statement(
                            sid="CloudTrailEncryptsThisTrailsLogs",
                            service=CLOUDTRAIL,
                            actions=["kms:GenerateDataKey*"],
                            resources=["*"],
                            conditions=[
                                string_like(
                                    "kms:EncryptionContext:aws:cloudtrail:arn",
                                    f"arn:{env.partition}:cloudtrail:*:{env.account_id}:trail/*",
                                ),
                                string_equals("aws:SourceArn", *props.trail_arns),
                            ],
                        ),
                        statement(
                            sid="CloudTrailDescribesTheKey",
                            service=CLOUDTRAIL,
                            actions=["kms:DescribeKey"],
                            resources=["*"],
                            conditions=[string_equals("aws:SourceArn", *props.trail_arns)],
                        ),
                        statement(
                            sid="CloudWatchLogsEncryptsThisLogGroup",
                            service=f"logs.{env.region}.amazonaws.com",
                            actions=[
                                "kms:Encrypt*",
                                "kms:Decrypt*",
                                "kms:ReEncrypt*",
                                "kms:GenerateDataKey*",
                                "kms:Describe*",
                            ],
                            resources=["*"],
                            conditions=[
                                arn_equals(
                                    "kms:EncryptionContext:aws:logs:arn",
                                    env.arn("logs", f"log-group:{props.log_group_name}"),
                                )
                            ],
                        ),
                    ],
                    props.trail_encrypts,
                ),
                statement(
                    sid="CloudWatchAlarmsPublishToTheTopic",
                    service="cloudwatch.amazonaws.com",
                    actions=publish,
                    resources=["*"],
                    # SNS Developer Guide, "Enable compatibility between event sources from AWS
                    # services and encrypted topics", step 3.
                    conditions=[
                        if_exists(string_equals("aws:SourceAccount", env.account_id)),
                        if_exists(arn_like("aws:SourceArn", env.arn("cloudwatch", "alarm:*"))),
                    ],
                ),
                statement(
                    sid="EventBridgePublishesToTheTopic",
                    service="events.amazonaws.com",
                    actions=publish,
                    resources=["*"],
                    # None: "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to
                    # a AWS KMS policy is not supported for EventBridge-to-encrypted topics" (SNS guide).
                ),
            ],
            switched=[
                SwitchedStatements(
                    "budgets",
                    [
                        statement(
                            sid="BudgetsPublishToTheTopic",
                            service="budgets.amazonaws.com",
                            actions=publish,
                            resources=["*"],
                            # None: the Cost Management guide's key policy statement has none, and the
                            # SNS guide does not list Budgets.
                        ),
                    ],
                    props.budgets_publish,
                ),
                SwitchedStatements(
                    "cost-anomalies",
                    [
                        statement(
                            sid="CostAnomalyDetectionPublishesToTheTopic",
                            service=COST_ANOMALY_DETECTION,
                            actions=publish,
                            resources=["*"],
                            # Cost Management User Guide, "Creating an Amazon SNS topic for anomaly
                            # notifications": the key statement with aws:SourceAccount; aws:SourceArn
                            # (the subscription) is only said to be possible, so IfExists.
                            conditions=[
                                string_equals("aws:SourceAccount", env.account_id),
                                if_exists(
                                    arn_like("aws:SourceArn", env.arn("ce", "anomalysubscription/*", region=False))
                                ),
                            ],
                        ),
                    ],
                    props.cost_anomalies_publish,
                ),
            ],
        )
        count = count_for(props.enabled)
        self.key = addressed(
            KmsKey(
                self,
                "key",
                count=count,
                description="Management account baseline: trail log files, trail log group, alert topic.",
                enable_key_rotation=True,
                deletion_window_in_days=DELETION_WINDOW_DAYS,
                policy=policy_json,
                lifecycle=TerraformResourceLifecycle(prevent_destroy=props.prevent_destroy),
            )
        )
        #: The alias's full name (``alias/...``).
        self.alias_name = f"alias/{props.alias}"
        self.alias = addressed(
            KmsAlias(self, "alias", count=count, name=self.alias_name, target_key_id=attribute(self.key, "key_id"))
        )
        #: The key's ARN (null in the module flavour when encryption is switched off).
        self.key_arn: str = attribute(self.key, "arn")
