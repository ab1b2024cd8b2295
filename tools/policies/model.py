"""The requests AWS services make at run time that the baseline depends on, as data.

Each :class:`ModelledCall` records the calling principal, the action, the resource and
exactly the request-context keys the service sends, with the AWS documentation page each
fact comes from. A key the documentation does not promise is left out of ``context``:
the policy must work without it. Where one AWS page shows a key and the service's own page
does not, the key goes into ``uncertain``: the call is evaluated both without it and with
it, and must be allowed either way.

Placeholders in braces are filled from the synthesized stack (:func:`tools.policies.proof.facts`);
a call whose placeholders the stack does not have (no KMS key, no access-log bucket, no state
bucket in the module flavour) does not apply to it.

Besides the calls that must be allowed, :data:`DENIED` lists calls that must be refused:
another account's trail, alarm, budget or bucket, objects outside the trail's paths, requests
without TLS, an anonymous publish.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Literal


@dataclass(frozen=True)
class Source:
    """A documentation page, and what it says that the entry relies on."""

    title: str
    url: str


class Grant(Enum):
    """Which policy decides the call."""

    #: A service principal has no identity policy: the resource's policy (bucket, topic,
    #: key, role trust) must allow it. KMS key policies must allow every caller explicitly.
    RESOURCE_POLICY = "the resource's policy must allow it"
    #: A role session of the baseline: the role's permissions policy must allow it.
    ROLE_PERMISSIONS = "the role's permissions policy must allow it"
    #: An IAM principal of the account (the operator running Terraform): its own IAM policy
    #: allows it (outside the baseline); the resource's policy must not deny it.
    CALLER_IAM = "the caller's IAM policy allows it; the resource's policy must not deny it"


def _frozen(mapping: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class ModelledCall:
    """One request an AWS service (or the operator) makes that the baseline depends on."""

    #: Stable name, used in test ids and reports.
    name: str
    #: ``service.amazonaws.com``, ``{logs_role_arn}``, ``{operator_arn}`` or ``anonymous``.
    caller: str
    action: str
    #: The resource ARN, with placeholders.
    resource: str
    grant: Grant
    #: The request-context keys the service documents that it sends, with placeholders.
    context: Mapping[str, str] = field(default_factory=_frozen)
    #: Keys the documentation disagrees on or shows only elsewhere: evaluated absent and present.
    uncertain: Mapping[str, str] = field(default_factory=_frozen)
    sources: tuple[Source, ...] = ()
    #: Placeholders the stack must have for the call to happen, besides those the request
    #: names (a budget's KMS calls happen only where there is a budget).
    requires: tuple[str, ...] = ()
    #: What the documentation leaves open and how the model treats it.
    note: str = ""
    expect: Literal["allowed", "denied"] = "allowed"


# --- sources ----------------------------------------------------------------------------

CLOUDTRAIL_BUCKET_POLICY = Source(
    "CloudTrail User Guide: Amazon S3 bucket policy for CloudTrail (organization trail)",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
)
CLOUDTRAIL_LOG_PATHS = Source(
    "CloudTrail User Guide: Finding your CloudTrail log files",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-find-log-files.html",
)
CLOUDTRAIL_DIGEST_PATHS = Source(
    "CloudTrail User Guide: CloudTrail digest file structure",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html",
)
CLOUDTRAIL_KMS = Source(
    "CloudTrail User Guide: Configure AWS KMS key policies for CloudTrail",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
)
CLOUDTRAIL_LOGS_ROLE = Source(
    "CloudTrail User Guide: Role policy document for CloudTrail to use CloudWatch Logs for monitoring",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html",
)
CLOUDTRAIL_TO_LOGS = Source(
    "CloudTrail User Guide: Sending events to CloudWatch Logs",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html",
)
LOGS_KMS = Source(
    "CloudWatch Logs User Guide: Encrypt log data in CloudWatch Logs using AWS KMS",
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
)
ALARMS_SNS = Source(
    "CloudWatch User Guide: Notifying users on alarm changes (Preventing confused deputy security issues)",
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html",
)
EVENTBRIDGE_SNS = Source(
    "EventBridge User Guide: Using resource-based policies for Amazon EventBridge (Amazon SNS permissions)",
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
)
EVENTBRIDGE_SNS_KMS = Source(
    "EventBridge User Guide: Troubleshooting (my rule runs but my Amazon SNS topic does not get the message)",
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html",
)
BUDGETS_SNS = Source(
    "AWS Cost Management User Guide: Creating an Amazon SNS topic for budget notifications",
    "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html",
)
COST_ANOMALY_SNS = Source(
    "AWS Cost Management User Guide: Creating an Amazon SNS topic for anomaly notifications",
    "https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html",
)
SNS_KMS_SERVICES = Source(
    "Amazon SNS Developer Guide: Enable compatibility between event sources from AWS services and encrypted topics",
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
)
S3_ACCESS_LOGGING = Source(
    "Amazon S3 User Guide: Enabling Amazon S3 server access logging (Permissions for log delivery)",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
)
S3_BACKEND = Source(
    "Terraform: Backend Type s3 (S3 Bucket Permissions, use_lockfile)",
    "https://developer.hashicorp.com/terraform/language/backend/s3",
)
SNS_SQS = Source(
    "Amazon SNS Developer Guide: Subscribing an Amazon SQS queue to an Amazon SNS topic (the queue policy: "
    "sns.amazonaws.com may sqs:SendMessage where aws:SourceArn is the topic)",
    "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html",
)
SECURE_TRANSPORT = Source(
    "IAM User Guide: AWS global condition context keys (aws:SecureTransport: always in the request context)",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport",
)
KMS_DEFAULT_KEY_POLICY = Source(
    "AWS KMS Developer Guide: Default key policy (allows the AWS account to use IAM policies)",
    "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
)
PRINCIPAL_ANONYMOUS = Source(
    "IAM User Guide: AWS JSON policy elements: Principal (anonymous users)",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
)

#: Every request arrives over TLS unless the entry says otherwise (the key is always present).
TLS = {"aws:SecureTransport": "true"}
NO_TLS = {"aws:SecureTransport": "false"}
CLOUDTRAIL = "cloudtrail.amazonaws.com"
OWNER_FULL_CONTROL = {"s3:x-amz-acl": "bucket-owner-full-control"}
THIS_TRAIL = {"aws:SourceArn": "{trail_arn}"}
LOG_FILE = "CloudTrail/{region}/2026/11/30/{file_account}_CloudTrail_{region}_20261130T0005Z_a1b2c3d4e5f6g7h8.json.gz"
DIGEST_FILE = (
    "CloudTrail-Digest/{region}/2026/11/30/"
    "{file_account}_CloudTrail-Digest_{region}_{trail_name}_{region}_20261130T010000Z.json.gz"
)

_ORG_PATH_NOTE = (
    "An organization trail writes every account's files, the management account's included, "
    "under AWSLogs/<organization id>/<account id>/."
)


def _cloudtrail_puts() -> list[ModelledCall]:
    """s3:PutObject of log and digest files, for the management and a member account."""
    calls = []
    for who, account in (("management", "{account}"), ("member", "{member_account}")):
        for kind, path, source in (
            ("log", LOG_FILE, CLOUDTRAIL_LOG_PATHS),
            ("digest", DIGEST_FILE, CLOUDTRAIL_DIGEST_PATHS),
        ):
            key = f"AWSLogs/{{organization_id}}/{account}/{path}".replace("{file_account}", account)
            calls.append(
                ModelledCall(
                    name=f"cloudtrail-puts-{who}-{kind}-file",
                    caller=CLOUDTRAIL,
                    action="s3:PutObject",
                    resource=f"{{log_bucket_arn}}/{key}",
                    grant=Grant.RESOURCE_POLICY,
                    context=_frozen({**TLS, **THIS_TRAIL, **OWNER_FULL_CONTROL}),
                    sources=(CLOUDTRAIL_BUCKET_POLICY, source, SECURE_TRANSPORT),
                    note=_ORG_PATH_NOTE
                    + " aws:SourceArn is the management account's trail ARN for every account's files; "
                    "the bucket policy examples use no aws:SourceAccount, so it is not modelled.",
                )
            )
    return calls


def _cloudtrail_key_calls(
    describe: str,
    generate: str,
    source: Mapping[str, str],
    trail_arn: str,
    *,
    describe_note: str = "",
    generate_note: str = "",
) -> list[ModelledCall]:
    """A trail's use of the key: kms:DescribeKey, and kms:GenerateDataKey for each log or digest
    file, whose encryption context is the trail's ARN."""
    context = {**TLS, **source, "aws:SourceAccount": "{account}"}
    return [
        ModelledCall(
            name=describe,
            caller=CLOUDTRAIL,
            action="kms:DescribeKey",
            resource="{key_arn}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen(context),
            sources=(CLOUDTRAIL_KMS,),
            note=describe_note,
        ),
        ModelledCall(
            name=generate,
            caller=CLOUDTRAIL,
            action="kms:GenerateDataKey",
            resource="{key_arn}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen({**context, "kms:EncryptionContext:aws:cloudtrail:arn": trail_arn}),
            sources=(CLOUDTRAIL_KMS,),
            note=generate_note,
        ),
    ]


ACCOUNT_TRAIL = {"aws:SourceArn": "{account_trail_arn}"}
_ACCOUNT_TRAIL_NOTE = (
    "The management account's own trail (cloudwatch_logs_scope management-account) writes to the "
    "organization trail's bucket under AWSLogs/<account id>/, the path of a trail of one account."
)


def _account_trail_calls() -> list[ModelledCall]:
    """The management account's own trail: its bucket check, its log and digest files, its key use."""
    digest = DIGEST_FILE.replace("{trail_name}", "{account_trail_name}").replace("{file_account}", "{account}")
    return [
        ModelledCall(
            name="account-trail-checks-the-bucket-acl",
            caller=CLOUDTRAIL,
            action="s3:GetBucketAcl",
            resource="{log_bucket_arn}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen({**TLS, **ACCOUNT_TRAIL}),
            sources=(CLOUDTRAIL_BUCKET_POLICY, SECURE_TRANSPORT),
            note=_ACCOUNT_TRAIL_NOTE,
        ),
        *(
            ModelledCall(
                name=f"account-trail-puts-a-{kind}-file",
                caller=CLOUDTRAIL,
                action="s3:PutObject",
                resource="{log_bucket_arn}/AWSLogs/{account}/" + path,
                grant=Grant.RESOURCE_POLICY,
                context=_frozen({**TLS, **ACCOUNT_TRAIL, **OWNER_FULL_CONTROL}),
                sources=(CLOUDTRAIL_BUCKET_POLICY, source, SECURE_TRANSPORT),
                note=_ACCOUNT_TRAIL_NOTE,
            )
            for kind, path, source in (
                ("log", LOG_FILE.replace("{file_account}", "{account}"), CLOUDTRAIL_LOG_PATHS),
                ("digest", digest, CLOUDTRAIL_DIGEST_PATHS),
            )
        ),
        *_cloudtrail_key_calls(
            "account-trail-describes-the-key",
            "account-trail-generates-a-data-key",
            ACCOUNT_TRAIL,
            "{account_trail_arn}",
            generate_note="The encryption context of a trail's files is that trail's ARN.",
        ),
    ]


ALLOWED: tuple[ModelledCall, ...] = (
    # CloudTrail -> the log bucket
    ModelledCall(
        name="cloudtrail-checks-the-bucket-acl",
        caller=CLOUDTRAIL,
        action="s3:GetBucketAcl",
        resource="{log_bucket_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, **THIS_TRAIL}),
        sources=(CLOUDTRAIL_BUCKET_POLICY, SECURE_TRANSPORT),
        note="Checked when the trail is created or updated, and before deliveries.",
    ),
    *_cloudtrail_puts(),
    ModelledCall(
        name="cloudtrail-puts-a-log-file-as-an-account-trail",
        caller=CLOUDTRAIL,
        action="s3:PutObject",
        resource="{log_bucket_arn}/AWSLogs/{account}/" + LOG_FILE.replace("{file_account}", "{account}"),
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, **THIS_TRAIL, **OWNER_FULL_CONTROL}),
        sources=(CLOUDTRAIL_BUCKET_POLICY,),
        note="The documented organization bucket policy keeps AWSLogs/<management account id>/ so that "
        "logging goes on if the trail is changed from an organization trail to a trail for that account only.",
    ),
    *_account_trail_calls(),
    # CloudTrail -> the KMS key
    *_cloudtrail_key_calls(
        "cloudtrail-describes-the-key",
        "cloudtrail-generates-a-data-key-for-a-log-or-digest-file",
        THIS_TRAIL,
        "{trail_arn}",
        describe_note="aws:SourceAccount: 'supported, but not recommended'; for an organization trail it is the "
        "management account.",
        generate_note="The documented statement conditions kms:EncryptionContext:aws:cloudtrail:arn on the trail "
        "ARN. The docs do not say which trail ARN member accounts' files carry; the organization trail is the "
        "management account's trail, whose ARN aws:SourceArn carries for every account (documented).",
    ),
    # CloudTrail -> CloudWatch Logs, through the role
    ModelledCall(
        name="cloudtrail-assumes-the-logs-role",
        caller=CLOUDTRAIL,
        action="sts:AssumeRole",
        resource="{logs_role_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen(TLS),
        sources=(CLOUDTRAIL_LOGS_ROLE, CLOUDTRAIL_TO_LOGS),
        note="The guide's trust policy has no condition, and it says: 'Confused deputy prevention is not "
        "applicable to the role policy for CloudWatch Logs monitoring. The role policy doesn't support the use "
        "of aws:SourceArn and aws:SourceAccount.' No page documents that CloudTrail sends either key when it "
        "assumes the role: both are modelled absent.",
    ),
    *(
        ModelledCall(
            name=f"logs-role-{verb}-{who}-stream",
            caller="{logs_role_arn}",
            action=action,
            resource="{log_group_arn}:log-stream:" + stream,
            grant=Grant.ROLE_PERMISSIONS,
            context=_frozen(TLS),
            sources=(CLOUDTRAIL_LOGS_ROLE,),
            note="Stream names: <account id>_CloudTrail_<region> for the management account and "
            "<organization id>_<account id>_CloudTrail_<region> for members. Member streams exist only where the "
            "organization trail delivers to the log group (cloudwatch_logs_scope organization).",
        )
        for verb, action in (("creates", "logs:CreateLogStream"), ("puts-events-to", "logs:PutLogEvents"))
        for who, stream in (
            ("management", "{account}_CloudTrail_{region}"),
            ("member", "{member_stream}"),
        )
    ),
    # CloudWatch Logs -> the KMS key, for the log group
    *(
        ModelledCall(
            name=f"logs-{verb}-for-the-log-group",
            caller="logs.{region}.amazonaws.com",
            action=action,
            resource="{key_arn}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen({**TLS, "kms:EncryptionContext:aws:logs:arn": "{log_group_arn}"}),
            sources=(LOGS_KMS,),
            note="The encryption context is the log group's ARN (no ':*'); the principal is regional.",
        )
        for verb, action in (("generates-a-data-key", "kms:GenerateDataKey"), ("decrypts", "kms:Decrypt"))
    ),
    # The alert publishers -> the topic, and the KMS calls SNS makes for each
    ModelledCall(
        name="alarm-publishes-to-its-actions-topic",
        caller="cloudwatch.amazonaws.com",
        action="sns:Publish",
        resource="{alarm_topic_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{alarm_arn}", "aws:SourceAccount": "{account}"}),
        sources=(ALARMS_SNS,),
        note="One call per alarm of the stack, the billing alarm included.",
    ),
    *(
        ModelledCall(
            name=f"sns-{verb}-for-an-alarm",
            caller="cloudwatch.amazonaws.com",
            action=action,
            resource="{key_arn}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen(TLS),
            uncertain=_frozen({"aws:SourceArn": "{alarm_arn}", "aws:SourceAccount": "{account}"}),
            sources=(SNS_KMS_SERVICES, ALARMS_SNS),
            note="The SNS guide says to add aws:SourceAccount/aws:SourceArn to the key policy for the services "
            "it lists (CloudWatch among them), but no CloudWatch page confirms that they are sent: uncertain. "
            "No SNS page documents an encryption context (only the GameLift FlexMatch guide shows "
            "aws:sns:topicArn): not modelled, and the key policy does not use it.",
        )
        for verb, action in (("generates-a-data-key", "kms:GenerateDataKey"), ("decrypts", "kms:Decrypt"))
    ),
    ModelledCall(
        name="eventbridge-rule-publishes-to-the-topic",
        caller="events.amazonaws.com",
        action="sns:Publish",
        resource="{topic_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen(TLS),
        sources=(EVENTBRIDGE_SNS,),
        requires=("rule_arn",),
        note="'You can't use Condition blocks in Amazon SNS topic policies for EventBridge': neither "
        "aws:SourceArn nor aws:SourceAccount is modelled, so nothing in the request names the rule.",
    ),
    *(
        ModelledCall(
            name=f"sns-{verb}-for-an-eventbridge-rule",
            caller="events.amazonaws.com",
            action=action,
            resource="{key_arn}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen(TLS),
            sources=(EVENTBRIDGE_SNS_KMS, SNS_KMS_SERVICES),
            requires=("rule_arn",),
            note="EventBridge documents the statement without conditions, and the SNS guide: 'Adding the "
            "aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for "
            "EventBridge-to-encrypted topics.' No encryption context is documented.",
        )
        for verb, action in (("generates-a-data-key", "kms:GenerateDataKey"), ("decrypts", "kms:Decrypt"))
    ),
    ModelledCall(
        name="budget-publishes-to-the-topic",
        caller="budgets.amazonaws.com",
        action="sns:Publish",
        resource="{topic_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{budget_arn}", "aws:SourceAccount": "{account}"}),
        sources=(BUDGETS_SNS,),
        note="The topic policy example conditions aws:SourceArn on arn:aws:budgets::<account id>:*; "
        "the budget's own ARN is arn:aws:budgets::<account id>:budget/<name>.",
    ),
    *(
        ModelledCall(
            name=f"sns-{verb}-for-a-budget",
            caller="budgets.amazonaws.com",
            action=action,
            resource="{key_arn}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen(TLS),
            sources=(BUDGETS_SNS, SNS_KMS_SERVICES),
            requires=("budget_arn",),
            note="The Budgets guide gives the key policy statement without conditions and the SNS guide does "
            "not list Budgets: no key is modelled.",
        )
        for verb, action in (("generates-a-data-key", "kms:GenerateDataKey"), ("decrypts", "kms:Decrypt"))
    ),
    ModelledCall(
        name="an-anomaly-subscription-publishes-to-the-topic",
        caller="costalerts.amazonaws.com",
        action="sns:Publish",
        resource="{topic_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceAccount": "{account}", "aws:SourceArn": "{anomaly_subscription_arn}"}),
        sources=(COST_ANOMALY_SNS,),
        note="The guide's topic statement conditions aws:SourceAccount, and says aws:SourceArn restricts it "
        "'to interact with the topic only when performing operations on behalf of a specific subscription' "
        "(arn:aws:ce::<account id>:anomalysubscription/<id>).",
    ),
    *(
        ModelledCall(
            name=f"sns-{verb}-for-an-anomaly-subscription",
            caller="costalerts.amazonaws.com",
            action=action,
            resource="{key_arn}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen({**TLS, "aws:SourceAccount": "{account}"}),
            uncertain=_frozen({"aws:SourceArn": "{anomaly_subscription_arn}"}),
            sources=(COST_ANOMALY_SNS, SNS_KMS_SERVICES),
            note="The guide's key statement conditions aws:SourceAccount; aws:SourceArn only 'the same' as for "
            "the topic, with no example: evaluated absent and present.",
        )
        for verb, action in (("generates-a-data-key", "kms:GenerateDataKey"), ("decrypts", "kms:Decrypt"))
    ),
    # The alarm-actions topic -> its queue (SSE-SQS: SQS holds the keys, no KMS call is SNS's)
    ModelledCall(
        name="sns-delivers-an-alarm-notification-to-the-queue",
        caller="sns.amazonaws.com",
        action="sqs:SendMessage",
        resource="{queue_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{alarm_topic_arn}"}),
        sources=(SNS_SQS,),
    ),
    # S3 server access logging -> the access-log bucket
    ModelledCall(
        name="s3-logging-puts-an-access-log",
        caller="logging.s3.amazonaws.com",
        action="s3:PutObject",
        resource="{access_log_bucket_arn}/s3-access-logs/2026-11-30-01-23-45-0123456789ABCDEF",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{log_bucket_arn}", "aws:SourceAccount": "{account}"}),
        sources=(S3_ACCESS_LOGGING,),
    ),
    # The operator running Terraform: the state, its lock file, the key's administration
    *(
        ModelledCall(
            name=f"terraform-{verb}",
            caller="{operator_arn}",
            action=action,
            resource=resource,
            grant=Grant.CALLER_IAM,
            context=_frozen(TLS),
            sources=(S3_BACKEND,),
        )
        for verb, action, resource in (
            ("lists-the-state-bucket", "s3:ListBucket", "{state_bucket_arn}"),
            ("reads-the-state", "s3:GetObject", "{state_bucket_arn}/{state_key}"),
            ("writes-the-state", "s3:PutObject", "{state_bucket_arn}/{state_key}"),
            ("reads-the-lock-file", "s3:GetObject", "{state_bucket_arn}/{state_key}.tflock"),
            ("writes-the-lock-file", "s3:PutObject", "{state_bucket_arn}/{state_key}.tflock"),
            ("deletes-the-lock-file", "s3:DeleteObject", "{state_bucket_arn}/{state_key}.tflock"),
        )
    ),
    *(
        ModelledCall(
            name=f"terraform-{verb}",
            caller="{operator_arn}",
            action=action,
            resource="{key_arn}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen(TLS),
            sources=(KMS_DEFAULT_KEY_POLICY,),
            note="A key policy must allow every caller itself; the account statement delegates to IAM.",
        )
        for verb, action in (("reads-the-key", "kms:DescribeKey"), ("updates-the-key-policy", "kms:PutKeyPolicy"))
    ),
    ModelledCall(
        name="terraform-reads-a-log-file",
        caller="{operator_arn}",
        action="s3:GetObject",
        resource="{log_bucket_arn}/AWSLogs/{organization_id}/{account}/"
        + LOG_FILE.replace("{file_account}", "{account}"),
        grant=Grant.CALLER_IAM,
        context=_frozen(TLS),
        sources=(CLOUDTRAIL_LOG_PATHS,),
        note="A person investigating an alert reads the logs with their own IAM permissions.",
    ),
)

#: Another account: not the management account and not a member of the organization.
DENIED: tuple[ModelledCall, ...] = (
    ModelledCall(
        name="another-accounts-trail-checks-the-bucket-acl",
        caller=CLOUDTRAIL,
        action="s3:GetBucketAcl",
        resource="{log_bucket_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{other_trail_arn}"}),
        sources=(CLOUDTRAIL_BUCKET_POLICY,),
        expect="denied",
    ),
    ModelledCall(
        name="another-accounts-trail-puts-into-the-organization-path",
        caller=CLOUDTRAIL,
        action="s3:PutObject",
        resource="{log_bucket_arn}/AWSLogs/{organization_id}/{other_account}/"
        + LOG_FILE.replace("{file_account}", "{other_account}"),
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, **OWNER_FULL_CONTROL, "aws:SourceArn": "{other_trail_arn}"}),
        sources=(CLOUDTRAIL_BUCKET_POLICY,),
        expect="denied",
    ),
    ModelledCall(
        name="another-accounts-trail-uses-the-key",
        caller=CLOUDTRAIL,
        action="kms:GenerateDataKey",
        resource="{key_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen(
            {
                **TLS,
                "aws:SourceArn": "{other_trail_arn}",
                "aws:SourceAccount": "{other_account}",
                "kms:EncryptionContext:aws:cloudtrail:arn": "{other_trail_arn}",
            }
        ),
        sources=(CLOUDTRAIL_KMS,),
        expect="denied",
    ),
    *(
        ModelledCall(
            name=f"this-trail-puts-outside-its-paths-{where}",
            caller=CLOUDTRAIL,
            action="s3:PutObject",
            resource=f"{{log_bucket_arn}}/{key}",
            grant=Grant.RESOURCE_POLICY,
            context=_frozen({**TLS, **THIS_TRAIL, **OWNER_FULL_CONTROL}),
            sources=(CLOUDTRAIL_BUCKET_POLICY,),
            expect="denied",
        )
        for where, key in (
            ("another-account", "AWSLogs/{other_account}/" + LOG_FILE.replace("{file_account}", "{other_account}")),
            ("bucket-root", "x.json.gz"),
            ("another-prefix", "logs/AWSLogs/{account}/x.json.gz"),
        )
    ),
    ModelledCall(
        name="account-trail-puts-into-the-organization-path",
        caller=CLOUDTRAIL,
        action="s3:PutObject",
        resource="{log_bucket_arn}/AWSLogs/{organization_id}/{member_account}/"
        + LOG_FILE.replace("{file_account}", "{member_account}"),
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, **ACCOUNT_TRAIL, **OWNER_FULL_CONTROL}),
        sources=(CLOUDTRAIL_BUCKET_POLICY,),
        note="Only the organization trail writes the member accounts' files.",
        expect="denied",
    ),
    ModelledCall(
        name="logs-role-writes-a-member-stream-in-the-management-account-scope",
        caller="{logs_role_arn}",
        action="logs:PutLogEvents",
        resource="{log_group_arn}:log-stream:{organization_id}_{member_account}_CloudTrail_{region}",
        grant=Grant.ROLE_PERMISSIONS,
        context=_frozen(TLS),
        sources=(CLOUDTRAIL_LOGS_ROLE,),
        requires=("account_trail_arn",),
        note="With cloudwatch_logs_scope management-account the role writes the management account's streams only.",
        expect="denied",
    ),
    ModelledCall(
        name="this-trail-puts-without-bucket-owner-full-control",
        caller=CLOUDTRAIL,
        action="s3:PutObject",
        resource="{log_bucket_arn}/AWSLogs/{organization_id}/{account}/"
        + LOG_FILE.replace("{file_account}", "{account}"),
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, **THIS_TRAIL}),
        sources=(CLOUDTRAIL_BUCKET_POLICY,),
        expect="denied",
    ),
    ModelledCall(
        name="an-alarm-publishes-to-the-alert-topic",
        caller="cloudwatch.amazonaws.com",
        action="sns:Publish",
        resource="{topic_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{alarm_arn}", "aws:SourceAccount": "{account}"}),
        sources=(ALARMS_SNS,),
        requires=("alarm_topic_arn",),
        note="People get one message per alert, the readable one EventBridge sends: an alarm's own "
        "notification goes to the alarm-actions topic only, which no person reads.",
        expect="denied",
    ),
    ModelledCall(
        name="another-accounts-alarm-publishes",
        caller="cloudwatch.amazonaws.com",
        action="sns:Publish",
        resource="{alarm_topic_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{other_alarm_arn}", "aws:SourceAccount": "{other_account}"}),
        sources=(ALARMS_SNS,),
        expect="denied",
    ),
    ModelledCall(
        name="another-accounts-budget-publishes",
        caller="budgets.amazonaws.com",
        action="sns:Publish",
        resource="{topic_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{other_budget_arn}", "aws:SourceAccount": "{other_account}"}),
        sources=(BUDGETS_SNS,),
        expect="denied",
    ),
    ModelledCall(
        name="another-accounts-anomaly-subscription-publishes",
        caller="costalerts.amazonaws.com",
        action="sns:Publish",
        resource="{topic_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen(
            {**TLS, "aws:SourceAccount": "{other_account}", "aws:SourceArn": "{other_anomaly_subscription_arn}"}
        ),
        sources=(COST_ANOMALY_SNS,),
        requires=("anomaly_subscription_arn",),
        expect="denied",
    ),
    ModelledCall(
        name="another-accounts-anomaly-subscription-uses-the-key",
        caller="costalerts.amazonaws.com",
        action="kms:GenerateDataKey",
        resource="{key_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen(
            {**TLS, "aws:SourceAccount": "{other_account}", "aws:SourceArn": "{other_anomaly_subscription_arn}"}
        ),
        sources=(COST_ANOMALY_SNS,),
        requires=("anomaly_subscription_arn",),
        expect="denied",
    ),
    ModelledCall(
        name="an-anomaly-publish-without-tls",
        caller="costalerts.amazonaws.com",
        action="sns:Publish",
        resource="{topic_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen(
            {
                "aws:SecureTransport": "false",
                "aws:SourceAccount": "{account}",
                "aws:SourceArn": "{anomaly_subscription_arn}",
            }
        ),
        sources=(COST_ANOMALY_SNS,),
        expect="denied",
    ),
    ModelledCall(
        name="another-topic-delivers-to-the-queue",
        caller="sns.amazonaws.com",
        action="sqs:SendMessage",
        resource="{queue_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{topic_arn}"}),
        sources=(SNS_SQS,),
        note="Even the alert topic: the queue keeps the alarms' own notifications only.",
        expect="denied",
    ),
    ModelledCall(
        name="a-send-without-tls-to-the-queue",
        caller="{operator_arn}",
        action="sqs:SendMessage",
        resource="{queue_arn}",
        grant=Grant.CALLER_IAM,
        context=_frozen(NO_TLS),
        sources=(SECURE_TRANSPORT,),
        expect="denied",
    ),
    ModelledCall(
        name="another-accounts-alarm-uses-the-key",
        caller="cloudwatch.amazonaws.com",
        action="kms:GenerateDataKey",
        resource="{key_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{other_alarm_arn}", "aws:SourceAccount": "{other_account}"}),
        sources=(SNS_KMS_SERVICES,),
        note="Denied where the keys are sent; where they are not, nothing in a key policy can tell the accounts apart.",
        expect="denied",
    ),
    ModelledCall(
        name="another-trail-of-this-account-uses-the-key",
        caller=CLOUDTRAIL,
        action="kms:GenerateDataKey",
        resource="{key_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen(
            {
                **TLS,
                "aws:SourceArn": "{sibling_trail_arn}",
                "aws:SourceAccount": "{account}",
                "kms:EncryptionContext:aws:cloudtrail:arn": "{sibling_trail_arn}",
            }
        ),
        sources=(CLOUDTRAIL_KMS,),
        note="The encryption context alone admits every trail of the account: aws:SourceArn narrows it to this one.",
        expect="denied",
    ),
    ModelledCall(
        name="another-trail-of-this-account-describes-the-key",
        caller=CLOUDTRAIL,
        action="kms:DescribeKey",
        resource="{key_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "aws:SourceArn": "{sibling_trail_arn}", "aws:SourceAccount": "{account}"}),
        sources=(CLOUDTRAIL_KMS,),
        expect="denied",
    ),
    ModelledCall(
        name="another-trail-of-this-account-puts-into-the-organization-path",
        caller=CLOUDTRAIL,
        action="s3:PutObject",
        resource="{log_bucket_arn}/AWSLogs/{organization_id}/{account}/"
        + LOG_FILE.replace("{file_account}", "{account}"),
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, **OWNER_FULL_CONTROL, "aws:SourceArn": "{sibling_trail_arn}"}),
        sources=(CLOUDTRAIL_BUCKET_POLICY,),
        expect="denied",
    ),
    ModelledCall(
        name="cloudwatch-logs-schedules-the-keys-deletion",
        caller="logs.{region}.amazonaws.com",
        action="kms:ScheduleKeyDeletion",
        resource="{key_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "kms:EncryptionContext:aws:logs:arn": "{log_group_arn}"}),
        sources=(LOGS_KMS,),
        note="CloudWatch Logs gets the documented encryption actions, nothing more.",
        expect="denied",
    ),
    ModelledCall(
        name="another-buckets-access-logs",
        caller="logging.s3.amazonaws.com",
        action="s3:PutObject",
        resource="{access_log_bucket_arn}/s3-access-logs/2026-11-30-01-23-45-0123456789ABCDEF",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen(
            {**TLS, "aws:SourceArn": "arn:{partition}:s3:::another-bucket", "aws:SourceAccount": "{other_account}"}
        ),
        sources=(S3_ACCESS_LOGGING,),
        expect="denied",
    ),
    ModelledCall(
        name="another-log-group-uses-the-key",
        caller="logs.{region}.amazonaws.com",
        action="kms:GenerateDataKey",
        resource="{key_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen({**TLS, "kms:EncryptionContext:aws:logs:arn": "{log_group_arn}-other"}),
        sources=(LOGS_KMS,),
        expect="denied",
    ),
    *(
        ModelledCall(
            name=f"a-read-without-tls-of-the-{what}",
            caller="{operator_arn}",
            action="s3:GetObject",
            resource=f"{{{what}_bucket_arn}}/{key}",
            grant=Grant.CALLER_IAM,
            context=_frozen(NO_TLS),
            sources=(SECURE_TRANSPORT,),
            expect="denied",
        )
        for what, key in (
            ("log", "AWSLogs/{organization_id}/{account}/" + LOG_FILE.replace("{file_account}", "{account}")),
            ("access_log", "s3-access-logs/2026-11-30-01-23-45-0123456789ABCDEF"),
            ("state", "{state_key}"),
        )
    ),
    *(
        call
        for topic, resource in (("alert-topic", "{topic_arn}"), ("alarm-actions-topic", "{alarm_topic_arn}"))
        for call in (
            ModelledCall(
                name=f"a-publish-without-tls-to-the-{topic}",
                caller="{operator_arn}",
                action="sns:Publish",
                resource=resource,
                grant=Grant.CALLER_IAM,
                context=_frozen(NO_TLS),
                sources=(SECURE_TRANSPORT,),
                expect="denied",
            ),
            ModelledCall(
                name=f"an-anonymous-publish-to-the-{topic}",
                caller="anonymous",
                action="sns:Publish",
                resource=resource,
                grant=Grant.RESOURCE_POLICY,
                context=_frozen(TLS),
                sources=(PRINCIPAL_ANONYMOUS,),
                expect="denied",
            ),
        )
    ),
    ModelledCall(
        name="another-service-assumes-the-logs-role",
        caller="events.amazonaws.com",
        action="sts:AssumeRole",
        resource="{logs_role_arn}",
        grant=Grant.RESOURCE_POLICY,
        context=_frozen(TLS),
        sources=(CLOUDTRAIL_LOGS_ROLE,),
        expect="denied",
    ),
    *(
        ModelledCall(
            name=f"logs-role-writes-{what}",
            caller="{logs_role_arn}",
            action="logs:PutLogEvents",
            resource=resource,
            grant=Grant.ROLE_PERMISSIONS,
            context=_frozen(TLS),
            sources=(CLOUDTRAIL_LOGS_ROLE,),
            expect="denied",
        )
        for what, resource in (
            ("another-accounts-stream", "{log_group_arn}:log-stream:{other_account}_CloudTrail_{region}"),
            ("a-stream-that-is-not-cloudtrails", "{log_group_arn}:log-stream:{account}_not-cloudtrail"),
            (
                "another-log-group",
                "arn:{partition}:logs:{region}:{account}:log-group:another:log-stream:{account}_CloudTrail_{region}",
            ),
        )
    ),
)

# --- GitHub Actions' roles ([ci], the state-bootstrap stack) ------------------------------

IAM_GITHUB_OIDC = Source(
    "IAM User Guide: Create a role for OpenID Connect federation (Configuring a role for GitHub OIDC identity "
    "provider: the token.actions.githubusercontent.com:aud and :sub condition keys, audience sts.amazonaws.com)",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub",
)
IAM_WEB_IDENTITY_KEYS = Source(
    "IAM User Guide: Available keys for AWS web identity federation (<provider>:aud, <provider>:sub)",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif",
)
GITHUB_SUBJECTS = Source(
    "GitHub Docs: OpenID Connect reference (example subject claims: repo:ORG/REPO:pull_request, "
    "repo:ORG/REPO:ref:refs/heads/BRANCH, repo:ORG/REPO:environment:NAME; the default audience is the owner's URL)",
    "https://docs.github.com/en/actions/reference/security/oidc",
)
TERRAFORM_S3_BACKEND = Source(
    "Terraform: Backend Type: s3 (S3 bucket permissions: s3:ListBucket on the bucket, s3:GetObject and "
    "s3:PutObject on the key; with use_lockfile s3:GetObject, s3:PutObject, s3:DeleteObject on <key>.tflock)",
    "https://developer.hashicorp.com/terraform/language/backend/s3",
)
CLOUDTRAIL_ORGANIZATION_TRAIL = Source(
    "CloudTrail User Guide: Prepare for creating a trail for your organization (iam:CreateServiceLinkedRole, "
    "organizations:EnableAWSServiceAccess for cloudtrail.amazonaws.com)",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html",
)
IAM_PASS_ROLE = Source(
    "IAM User Guide: Grant a user permissions to pass a role to an AWS service (iam:PassedToService)",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
)
SERVICE_AUTHORIZATION = Source(
    "Service Authorization Reference: Actions, resources, and condition keys for AWS services (each action's "
    "resource type and condition keys)",
    "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
)
GITHUB_AUDIENCE = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
_REPO = "repo:{github_repository}"
_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
_CI_TRUST_SOURCES = (IAM_GITHUB_OIDC, IAM_WEB_IDENTITY_KEYS, GITHUB_SUBJECTS)


def _token(subject: str, *, audience: bool = True) -> Mapping[str, str]:
    """The keys STS takes from a GitHub token: its audience (unless left out) and subject."""
    return _frozen({**(GITHUB_AUDIENCE if audience else {}), "token.actions.githubusercontent.com:sub": subject})


def _assume(
    name: str,
    role: str,
    subject: str,
    *,
    expect: Literal["allowed", "denied"],
    audience: bool = True,
    provider: str = "{github_provider_arn}",
    extra: Mapping[str, str] | None = None,
    note: str = "",
) -> ModelledCall:
    context = _frozen({**_token(subject, audience=audience), **(extra or {})})
    return ModelledCall(
        name=name,
        caller=provider,
        action=_WEB_IDENTITY,
        resource=f"{{ci_{role}_role_arn}}",
        grant=Grant.RESOURCE_POLICY,
        context=context,
        sources=_CI_TRUST_SOURCES,
        expect=expect,
        note=note,
    )


def _role_call(
    name: str,
    role: str,
    action: str,
    resource: str,
    *,
    expect: Literal["allowed", "denied"] = "allowed",
    context: Mapping[str, str] | None = None,
    sources: tuple[Source, ...] = (),
    note: str = "",
) -> ModelledCall:
    return ModelledCall(
        name=name,
        caller=f"{{ci_{role}_role_arn}}",
        action=action,
        resource=resource,
        grant=Grant.ROLE_PERMISSIONS,
        context=_frozen({**TLS, **(context or {})}),
        sources=(*sources, SERVICE_AUTHORIZATION),
        expect=expect,
        note=note,
    )


_STATE = "{state_bucket_arn}/{state_key}"
_LOG_OBJECT = "{log_bucket_arn}/AWSLogs/{organization_id}/{member_account}/" + LOG_FILE.replace(
    "{file_account}", "{member_account}"
)
_ACCESS_LOG_OBJECT = "{access_log_bucket_arn}/s3-access-logs/2026-11-30-01-23-45-0123456789ABCDEF"
_STREAM = "{log_group_arn}:log-stream:{account}_CloudTrail_{region}"
_TRAIL_CONTEXT = {"kms:EncryptionContext:aws:cloudtrail:arn": "{trail_arn}"}
_READ_NOTE = "What terraform plan refreshes and ./run verify reads: settings, never content."
_AUDIT_NOTE = (
    "The audit trail's content: the plan role runs a pull request's own code, so its holder is anyone who "
    "can push a branch. An explicit deny in the role's own policy refuses it whatever else the role is given."
)


def _reads(role: str) -> list[ModelledCall]:
    """What both roles read to plan: the state, the trail, the buckets' settings, the key, the alarms."""
    return [
        _role_call(
            f"ci-{role}-lists-the-state-bucket",
            role,
            "s3:ListBucket",
            "{state_bucket_arn}",
            sources=(TERRAFORM_S3_BACKEND,),
        ),
        _role_call(f"ci-{role}-reads-the-state", role, "s3:GetObject", _STATE, sources=(TERRAFORM_S3_BACKEND,)),
        _role_call(
            f"ci-{role}-reads-the-trail-status", role, "cloudtrail:GetTrailStatus", "{trail_arn}", note=_READ_NOTE
        ),
        _role_call(
            f"ci-{role}-reads-the-log-bucket-policy", role, "s3:GetBucketPolicy", "{log_bucket_arn}", note=_READ_NOTE
        ),
        _role_call(f"ci-{role}-reads-the-key-policy", role, "kms:GetKeyPolicy", "{key_arn}", note=_READ_NOTE),
        _role_call(
            f"ci-{role}-describes-the-alarms", role, "cloudwatch:DescribeAlarms", "{alarm_arn}", note=_READ_NOTE
        ),
    ]


def _audit_reads(role: str) -> list[ModelledCall]:
    """The audit trail's content, refused to both roles."""
    return [
        _role_call(f"ci-{role}-{what}", role, action, resource, context=context, expect="denied", note=_AUDIT_NOTE)
        for what, action, resource, context in (
            ("reads-log-events", "logs:GetLogEvents", _STREAM, None),
            ("filters-log-events", "logs:FilterLogEvents", "{log_group_arn}", None),
            ("queries-the-log-group", "logs:StartQuery", "{log_group_arn}", None),
            ("reads-a-log-file", "s3:GetObject", _LOG_OBJECT, None),
            ("reads-an-old-version-of-a-log-file", "s3:GetObjectVersion", _LOG_OBJECT, None),
            ("reads-an-access-log", "s3:GetObject", _ACCESS_LOG_OBJECT, None),
            ("decrypts-a-log-file", "kms:Decrypt", "{key_arn}", _TRAIL_CONTEXT),
            ("looks-up-the-event-history", "cloudtrail:LookupEvents", "*", None),
        )
    ]


CI_ALLOWED: tuple[ModelledCall, ...] = (
    _assume("a-pull-request-assumes-the-ci-plan-role", "plan", f"{_REPO}:pull_request", expect="allowed"),
    _assume(
        "the-default-branch-assumes-the-ci-plan-role",
        "plan",
        f"{_REPO}:ref:refs/heads/{{default_branch}}",
        expect="allowed",
        note="A push to the default branch, and its nightly drift run (schedule runs on it).",
    ),
    _assume(
        "the-apply-environment-assumes-the-ci-apply-role",
        "apply",
        f"{_REPO}:environment:{{apply_environment}}",
        expect="allowed",
        note="A job in an environment gets the environment's subject, whatever its event.",
    ),
    *_reads("plan"),
    *_reads("apply"),
    *(
        _role_call(f"ci-apply-{what}", "apply", action, resource, context=context, sources=sources)
        for what, action, resource, context, sources in (
            ("writes-the-state", "s3:PutObject", _STATE, None, (TERRAFORM_S3_BACKEND,)),
            ("takes-the-state-lock", "s3:PutObject", f"{_STATE}.tflock", None, (TERRAFORM_S3_BACKEND,)),
            ("releases-the-state-lock", "s3:DeleteObject", f"{_STATE}.tflock", None, (TERRAFORM_S3_BACKEND,)),
            ("updates-the-trail", "cloudtrail:UpdateTrail", "{trail_arn}", None, ()),
            (
                "creates-cloudtrails-service-linked-role",
                "iam:CreateServiceLinkedRole",
                "arn:{partition}:iam::{account}:role/aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail",
                {"iam:AWSServiceName": "cloudtrail.amazonaws.com"},
                (CLOUDTRAIL_ORGANIZATION_TRAIL,),
            ),
            (
                "enables-cloudtrail-in-the-organization",
                "organizations:EnableAWSServiceAccess",
                "*",
                {"organizations:ServicePrincipal": "cloudtrail.amazonaws.com"},
                (CLOUDTRAIL_ORGANIZATION_TRAIL,),
            ),
            ("puts-the-log-bucket-policy", "s3:PutBucketPolicy", "{log_bucket_arn}", None, ()),
            ("creates-the-log-group", "logs:CreateLogGroup", "{log_group_arn}", None, ()),
            ("puts-the-log-group-retention", "logs:PutRetentionPolicy", "{log_group_arn}", None, ()),
            ("puts-the-logs-role-policy", "iam:PutRolePolicy", "{logs_role_arn}", None, ()),
            (
                "passes-the-logs-role-to-cloudtrail",
                "iam:PassRole",
                "{logs_role_arn}",
                {"iam:PassedToService": "cloudtrail.amazonaws.com"},
                (IAM_PASS_ROLE,),
            ),
            ("puts-a-metric-filter", "logs:PutMetricFilter", "{log_group_arn}", None, ()),
            ("puts-an-alarm", "cloudwatch:PutMetricAlarm", "{alarm_arn}", None, ()),
            ("puts-a-rule", "events:PutRule", "{rule_arn}", None, ()),
            ("sets-the-topic-attributes", "sns:SetTopicAttributes", "{topic_arn}", None, ()),
            ("sets-the-queue-attributes", "sqs:SetQueueAttributes", "{queue_arn}", None, ()),
            ("creates-a-key", "kms:CreateKey", "*", None, ()),
            ("puts-the-key-policy", "kms:PutKeyPolicy", "{key_arn}", None, ()),
            ("modifies-a-budget", "budgets:ModifyBudget", "{budget_arn}", None, ()),
            (
                "updates-the-anomaly-subscription",
                "ce:UpdateAnomalySubscription",
                "{anomaly_subscription_arn}",
                None,
                (),
            ),
            ("creates-the-anomaly-monitor", "ce:CreateAnomalyMonitor", "*", None, ()),
            (
                "unsubscribes-an-address",
                "sns:Unsubscribe",
                "{topic_arn}:8a21d249-4329-4871-acc6-7be709c6ea7f",
                None,
                (),
            ),
        )
    ),
)

CI_DENIED: tuple[ModelledCall, ...] = (
    _assume(
        "another-repository-assumes-the-ci-plan-role",
        "plan",
        "repo:someone-else/baseline:pull_request",
        expect="denied",
    ),
    _assume(
        "a-look-alike-repository-assumes-the-ci-plan-role",
        "plan",
        f"{_REPO}-fork:pull_request",
        expect="denied",
        note="A repository whose name starts with this one's: a trailing wildcard in the subject would admit it.",
    ),
    _assume(
        "another-branch-assumes-the-ci-plan-role",
        "plan",
        f"{_REPO}:ref:refs/heads/{{default_branch}}-next",
        expect="denied",
    ),
    _assume("a-tag-assumes-the-ci-plan-role", "plan", f"{_REPO}:ref:refs/tags/v1.0.0", expect="denied"),
    _assume(
        "a-token-without-the-audience-assumes-the-ci-plan-role",
        "plan",
        f"{_REPO}:pull_request",
        expect="denied",
        audience=False,
    ),
    _assume(
        "a-token-for-another-audience-assumes-the-ci-plan-role",
        "plan",
        f"{_REPO}:pull_request",
        expect="denied",
        audience=False,
        extra={"token.actions.githubusercontent.com:aud": "https://github.com/someone-else"},
        note="GitHub's default audience is the repository owner's URL; only sts.amazonaws.com is admitted.",
    ),
    _assume(
        "another-identity-provider-assumes-the-ci-plan-role",
        "plan",
        f"{_REPO}:pull_request",
        expect="denied",
        provider="{other_provider_arn}",
        note="A token of another provider of the account, even one that carries the same claims.",
    ),
    _assume("a-pull-request-assumes-the-ci-apply-role", "apply", f"{_REPO}:pull_request", expect="denied"),
    _assume(
        "the-default-branch-assumes-the-ci-apply-role",
        "apply",
        f"{_REPO}:ref:refs/heads/{{default_branch}}",
        expect="denied",
        note="Outside the environment, so without its reviewers.",
    ),
    _assume(
        "another-environment-assumes-the-ci-apply-role",
        "apply",
        f"{_REPO}:environment:{{apply_environment}}-preview",
        expect="denied",
    ),
    _assume(
        "another-repository-assumes-the-ci-apply-role",
        "apply",
        "repo:someone-else/baseline:environment:{apply_environment}",
        expect="denied",
    ),
    _assume(
        "a-look-alike-repository-assumes-the-ci-apply-role",
        "apply",
        f"{_REPO}-fork:environment:{{apply_environment}}",
        expect="denied",
    ),
    _assume(
        "a-token-without-the-audience-assumes-the-ci-apply-role",
        "apply",
        f"{_REPO}:environment:{{apply_environment}}",
        expect="denied",
        audience=False,
    ),
    _assume(
        "another-identity-provider-assumes-the-ci-apply-role",
        "apply",
        f"{_REPO}:environment:{{apply_environment}}",
        expect="denied",
        provider="{other_provider_arn}",
    ),
    *_audit_reads("plan"),
    *_audit_reads("apply"),
    *(
        _role_call(f"ci-plan-{what}", "plan", action, resource, expect="denied")
        for what, action, resource in (
            ("writes-the-state", "s3:PutObject", _STATE),
            ("takes-the-state-lock", "s3:PutObject", f"{_STATE}.tflock"),
            ("stops-the-trail", "cloudtrail:StopLogging", "{trail_arn}"),
            ("puts-the-log-bucket-policy", "s3:PutBucketPolicy", "{log_bucket_arn}"),
            ("deletes-an-alarm", "cloudwatch:DeleteAlarms", "{alarm_arn}"),
            ("publishes-to-the-topic", "sns:Publish", "{topic_arn}"),
        )
    ),
    *(
        _role_call(f"ci-apply-{what}", "apply", action, resource, context=context, expect="denied", note=note)
        for what, action, resource, context, note in (
            (
                "deletes-the-log-group",
                "logs:DeleteLogGroup",
                "{log_group_arn}",
                None,
                "The log group keeps skip_destroy.",
            ),
            ("deletes-a-log-stream", "logs:DeleteLogStream", _STREAM, None, ""),
            ("deletes-a-log-file", "s3:DeleteObject", _LOG_OBJECT, None, ""),
            ("deletes-an-old-version-of-a-log-file", "s3:DeleteObjectVersion", _LOG_OBJECT, None, ""),
            ("schedules-the-keys-deletion", "kms:ScheduleKeyDeletion", "{key_arn}", None, "The logs stay readable."),
            ("widens-its-own-trust", "iam:UpdateAssumeRolePolicy", "{ci_apply_role_arn}", None, ""),
            ("grants-itself-more", "iam:PutRolePolicy", "{ci_apply_role_arn}", None, ""),
            ("attaches-a-policy-to-itself", "iam:AttachRolePolicy", "{ci_apply_role_arn}", None, ""),
            ("widens-the-plan-roles-trust", "iam:UpdateAssumeRolePolicy", "{ci_plan_role_arn}", None, ""),
            (
                "adds-an-audience-to-the-provider",
                "iam:AddClientIDToOpenIDConnectProvider",
                "{github_provider_arn}",
                None,
                "",
            ),
            ("creates-another-role", "iam:CreateRole", "arn:{partition}:iam::{account}:role/admin", None, ""),
            (
                "passes-the-logs-role-to-another-service",
                "iam:PassRole",
                "{logs_role_arn}",
                {"iam:PassedToService": "ec2.amazonaws.com"},
                "",
            ),
            (
                "changes-the-state-bucket",
                "s3:PutBucketPolicy",
                "{state_bucket_arn}",
                None,
                "A person's, with the bootstrap.",
            ),
            ("changes-another-bucket", "s3:PutBucketPolicy", "arn:{partition}:s3:::someone-elses-bucket", None, ""),
            ("stops-another-trail", "cloudtrail:StopLogging", "{other_trail_arn}", None, ""),
        )
    ),
)

MODEL: tuple[ModelledCall, ...] = ALLOWED + DENIED + CI_ALLOWED + CI_DENIED
