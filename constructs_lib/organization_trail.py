"""An organization-wide, multi-region CloudTrail with a hardened bucket and a log group."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdktf_cdktf_provider_aws.cloudtrail import Cloudtrail
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.environment import AwsEnvironment
from constructs_lib.hardened_bucket import (
    AccessLogging,
    BucketLifecycle,
    HardenedBucket,
    HardenedBucketProps,
    ObjectLock,
)
from constructs_lib.names import log_group_name, logs_role_name, trail_bucket_name
from constructs_lib.policy import (
    arn_like,
    policy_document,
    statement,
    string_equals,
)
from constructs_lib.switch import (
    Flag,
    attribute,
    both,
    count_for,
    either,
    equals,
    is_off,
    negate,
    or_null,
    switched_list,
)

CLOUDTRAIL = "cloudtrail.amazonaws.com"


def trail_arn(environment: AwsEnvironment, name: str) -> str:
    """The ARN of the trail called ``name``, known before the trail exists (policies name it)."""
    return environment.arn("cloudtrail", f"trail/{name}")


def default_account_trail_name(name: str) -> str:
    """The management account's own trail next to the organization trail called ``name``."""
    return f"{name}-management-account"


def writing_trail_arns(
    environment: AwsEnvironment, name: str, account_trail_name: str, account_logs: Flag
) -> list[str]:
    """The ARNs of the trails that write log files: the organization trail called ``name``, and
    the management account's own, ``account_trail_name``, while ``account_logs`` is on."""
    return switched_list(account_logs, [trail_arn(environment, name)], [trail_arn(environment, account_trail_name)])


def account_logs_flag(enabled: Flag, cloudwatch_logs_scope: str) -> Flag:
    """The management account's own trail feeds the log group (scope ``management-account``)."""
    return both(enabled, equals(cloudwatch_logs_scope, "management-account"))


@dataclass(frozen=True, kw_only=True)
class LogBucketProps:
    """Lifecycle, access logging and Object Lock of the trail's bucket.

    Each a plain value or a Terraform expression (the module flavour). The defaults are the
    app's config defaults (a test keeps them equal).
    """

    #: Days after which log files move to S3 Glacier Flexible Retrieval. Default: 90.
    transition_to_glacier_days: float = 90
    #: Days after which log files expire (CIS: at least 365). Default: 2557 (7 years).
    expiration_days: float = 2557
    #: Days a deleted or overwritten log file's old version is kept. Default: 365.
    noncurrent_version_expiration_days: float = 365
    #: S3 server access logging into a separate hardened bucket. Default: True.
    access_logging: Flag = True
    #: Object Lock default retention: ``off``, ``GOVERNANCE`` or ``COMPLIANCE``. Default: ``off``.
    object_lock_mode: str = "off"
    #: Days each log file is locked when Object Lock is on. Default: 365.
    object_lock_days: float = 365


@dataclass(frozen=True, kw_only=True)
class OrganizationTrailProps:
    """Settings of :class:`OrganizationTrail`."""

    #: Account, organization, partition and region the trail lives in.
    environment: AwsEnvironment
    #: Name of the trail; also the stem of the bucket, log group and role names.
    name: str
    #: Retention of the CloudWatch Logs log group in days. Default: 365 (CIS minimum).
    log_retention_days: float = 365
    #: Keep the log group (skip_destroy) and the bucket's logs (force_destroy off) when the
    #: stack is destroyed; a plain True also refuses to plan the bucket's destruction
    #: (prevent_destroy, which Terraform cannot take from a variable). Default: True.
    protect_log_data: Flag = True
    #: ARN of the KMS key that encrypts the log files and the log group. Default: none
    #: (SSE-S3 for the files, CloudWatch Logs' own encryption for the group).
    kms_key_arn: str | None = None
    #: Lifecycle, access logging and Object Lock of the bucket. Default: :class:`LogBucketProps`'s.
    log_bucket: LogBucketProps = field(default_factory=LogBucketProps)
    #: Name of the bucket that receives S3 server access logs, when ``log_bucket.access_logging``.
    #: Default: ``<name>-access-logs-<account id>`` (S3 allows 63 characters: pass a shorter
    #: name for a long trail name, as the baseline does).
    access_log_bucket_name: str | None = None
    #: What the log group receives: ``organization`` (the organization trail delivers every
    #: account's events) or ``management-account`` (a multi-region trail of this account alone,
    #: ``account_trail_name``, delivers its events; the organization trail keeps only the S3
    #: archive). A plain value or a Terraform expression. Default: ``organization``.
    cloudwatch_logs_scope: str = "organization"
    #: Name of the management account's own trail, for the ``management-account`` scope.
    #: Default: ``<name>-management-account``.
    account_trail_name: str | None = None
    #: Build the trail, its buckets, log group and role (a Terraform expression becomes ``count``
    #: on each). Default: True.
    enabled: Flag = True


class OrganizationTrail(Construct):
    """A multi-region organization trail writing to S3 and to CloudWatch Logs.

    The trail logs global service events and validates its log files. Its bucket blocks
    public access, refuses non-TLS requests, is versioned, encrypted and owner-enforced,
    and lets CloudTrail write only this trail's logs (``aws:SourceArn``) under
    ``AWSLogs/<management account id>/`` and ``AWSLogs/<organization id>/``.
    """

    def __init__(self, scope: Construct, id_: str, *, props: OrganizationTrailProps) -> None:
        super().__init__(scope, id_)
        env = props.environment
        enabled = props.enabled
        #: The organization trail delivers to the log group (every account's events).
        self.organization_logs: Flag = both(enabled, equals(props.cloudwatch_logs_scope, "organization"))
        #: The management account's own trail delivers to the log group (its events alone).
        self.account_logs: Flag = account_logs_flag(enabled, props.cloudwatch_logs_scope)
        # The trails' ARNs are built from their names: the bucket policy must name them before the
        # trails exist (CloudTrail checks the policy when a trail is created).
        self.trail_arn: str = trail_arn(env, props.name)
        account_trail_name = props.account_trail_name or default_account_trail_name(props.name)
        #: The trails that write to the bucket: the organization trail, and the account trail when built.
        self.trail_arns: list[str] = writing_trail_arns(env, props.name, account_trail_name, self.account_logs)
        from_a_trail = string_equals("aws:SourceArn", *self.trail_arns)

        def cloudtrail_statements(bucket_arn: str) -> list[DataAwsIamPolicyDocumentStatement]:
            acl = string_equals("s3:x-amz-acl", "bucket-owner-full-control")
            return [
                statement(
                    sid="AWSCloudTrailAclCheck",
                    service=CLOUDTRAIL,
                    actions=["s3:GetBucketAcl"],
                    resources=[bucket_arn],
                    conditions=[from_a_trail],
                ),
                statement(
                    sid="AWSCloudTrailWriteManagementAccount",
                    service=CLOUDTRAIL,
                    actions=["s3:PutObject"],
                    resources=[f"{bucket_arn}/AWSLogs/{env.account_id}/*"],
                    conditions=[acl, from_a_trail],
                ),
                statement(
                    sid="AWSCloudTrailWriteOrganization",
                    service=CLOUDTRAIL,
                    actions=["s3:PutObject"],
                    resources=[f"{bucket_arn}/AWSLogs/{env.organization_id}/*"],
                    # Only the organization trail writes the member accounts' files.
                    conditions=[acl, string_equals("aws:SourceArn", self.trail_arn)],
                ),
            ]

        settings = props.log_bucket
        bucket_name = trail_bucket_name(props.name, env.account_id)
        lifecycle = BucketLifecycle(
            transition_to_glacier_days=settings.transition_to_glacier_days,
            expiration_days=settings.expiration_days,
            noncurrent_version_expiration_days=settings.noncurrent_version_expiration_days,
        )
        access_logging: AccessLogging | None = None
        #: The bucket of the log bucket's S3 server access logs (None while access logging is off).
        self.access_log_bucket: HardenedBucket | None = None
        access_on = both(enabled, settings.access_logging)
        if not is_off(access_on):
            self.access_log_bucket = self._access_log_bucket(
                props, access_on, env.arn("s3", bucket_name, region=False, account=False), lifecycle
            )
            access_logging = AccessLogging(
                enabled=access_on,
                target_bucket=self.access_log_bucket.bucket_name,
                target_prefix="s3-access-logs/",
                target_policy=self.access_log_bucket.policy,
            )
        self.storage = storage = HardenedBucket(
            self,
            "storage",
            props=HardenedBucketProps(
                bucket_name=bucket_name,
                prevent_destroy=props.protect_log_data is True,
                force_destroy=negate(props.protect_log_data),
                policy_statements=cloudtrail_statements,
                lifecycle=lifecycle,
                object_lock=ObjectLock(mode=settings.object_lock_mode, days=settings.object_lock_days),
                access_logging=access_logging,
                enabled=enabled,
            ),
        )
        self.bucket = storage.bucket
        self.bucket_name: str = storage.bucket_name
        self.bucket_policy = storage.policy

        count = count_for(enabled)
        #: The log group's name, and its ARN (both known before it exists).
        self.log_group_name = log_group_name(props.name)
        self.log_group_arn: str = env.arn("logs", f"log-group:{self.log_group_name}")
        self.log_group = addressed(
            CloudwatchLogGroup(
                self,
                "log-group",
                count=count,
                name=self.log_group_name,
                retention_in_days=props.log_retention_days,
                skip_destroy=props.protect_log_data,
                kms_key_id=props.kms_key_arn,
            )
        )
        assume_role_document = policy_document(
            self,
            "logs-role-trust",
            [
                # No aws:SourceArn/aws:SourceAccount: AWS's trust policy for this role has none, and
                # the CloudTrail guide says confused deputy prevention "is not applicable" to it
                # and that it "doesn't support" the two keys ("Role policy document for CloudTrail
                # to use CloudWatch Logs for monitoring"). A condition on a key CloudTrail may not
                # send would stop delivery to the log group, and every log alarm with it.
                statement(sid="CloudTrailAssumeRole", service=CLOUDTRAIL, actions=["sts:AssumeRole"])
            ],
            count=count,
        )
        role_name = logs_role_name(props.name)
        self.logs_role = addressed(
            IamRole(
                self,
                "logs-role",
                count=count,
                name=role_name,
                description=either(
                    self.organization_logs,
                    "Lets CloudTrail deliver the organization trail to CloudWatch Logs.",
                    "Lets CloudTrail deliver the management account's trail to CloudWatch Logs.",
                ),
                assume_role_policy=attribute(assume_role_document, "json"),
            )
        )
        role_arn = f"arn:{env.partition}:iam::{env.account_id}:role/{role_name}"
        # CloudTrail names the streams <account id>_CloudTrail_<region> for the management
        # account and <organization id>_<account id>_CloudTrail_<region> for the members; the
        # members' reach the log group only from the organization trail.
        streams = f"{self.log_group_arn}:log-stream"
        logs_role_document = policy_document(
            self,
            "logs-role-permissions",
            [
                statement(
                    sid="CloudTrailWriteLogStreams",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=switched_list(
                        self.organization_logs,
                        [f"{streams}:{env.account_id}_CloudTrail_*"],
                        [f"{streams}:{env.organization_id}_*"],
                    ),
                )
            ],
            count=count,
        )
        logs_role_policy = addressed(
            IamRolePolicy(
                self,
                "logs-role-policy",
                count=count,
                name="cloudtrail-to-cloudwatch-logs",
                role=attribute(self.logs_role, "id"),
                policy=attribute(logs_role_document, "json"),
            )
        )

        # What both trails share: the bucket, every Region, global events, validated and
        # encrypted files; each waits for the bucket policy (CloudTrail checks it on creation).
        shared: dict[str, Any] = {
            "s3_bucket_name": bucket_name,
            "is_multi_region_trail": True,
            "include_global_service_events": True,
            "enable_log_file_validation": True,
            "enable_logging": True,
            "kms_key_id": props.kms_key_arn,
            "depends_on": [self.bucket_policy, logs_role_policy, self.log_group],
        }
        self.trail = addressed(
            Cloudtrail(
                self,
                "trail",
                count=count,
                name=props.name,
                is_organization_trail=True,
                # CloudTrail wants the log group ARN with the ":*" stream suffix.
                cloud_watch_logs_group_arn=or_null(self.organization_logs, f"{self.log_group_arn}:*"),
                cloud_watch_logs_role_arn=or_null(self.organization_logs, role_arn),
                **shared,
            )
        )
        #: The management account's own trail (None unless the log group receives its events alone).
        self.account_trail: Cloudtrail | None = None
        if not is_off(self.account_logs):
            self.account_trail = addressed(
                Cloudtrail(
                    self,
                    "account-trail",
                    count=count_for(self.account_logs),
                    name=account_trail_name,
                    is_organization_trail=False,
                    cloud_watch_logs_group_arn=f"{self.log_group_arn}:*",
                    cloud_watch_logs_role_arn=role_arn,
                    **shared,
                )
            )

    def _access_log_bucket(
        self, props: OrganizationTrailProps, enabled: Flag, source_bucket_arn: str, lifecycle: BucketLifecycle
    ) -> HardenedBucket:
        """The bucket that receives the log bucket's S3 server access logs (SSE-S3: S3 logging
        cannot write to a bucket whose default encryption is a KMS key)."""
        env = props.environment

        def logging_statements(bucket_arn: str) -> list[DataAwsIamPolicyDocumentStatement]:
            return [
                statement(
                    sid="S3ServerAccessLogsFromTheLogBucket",
                    service="logging.s3.amazonaws.com",
                    actions=["s3:PutObject"],
                    resources=[f"{bucket_arn}/s3-access-logs/*"],
                    conditions=[
                        string_equals("aws:SourceAccount", env.account_id),
                        arn_like("aws:SourceArn", source_bucket_arn),
                    ],
                )
            ]

        return HardenedBucket(
            self,
            "access-logs",
            props=HardenedBucketProps(
                bucket_name=props.access_log_bucket_name or f"{props.name}-access-logs-{env.account_id}",
                prevent_destroy=props.protect_log_data is True,
                force_destroy=negate(props.protect_log_data),
                policy_statements=logging_statements,
                lifecycle=lifecycle,
                enabled=enabled,
            ),
        )
