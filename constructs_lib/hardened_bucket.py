"""An S3 bucket with the project's security defaults, for logs and for Terraform state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cdktf import TerraformResource, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.policy import deny_insecure_transport, policy_document
from constructs_lib.switch import Flag, attribute, count_for, differs, is_off

StatementsFor = Callable[[str], Sequence[DataAwsIamPolicyDocumentStatement]]
#: Days after which S3 abandons an unfinished multipart upload (and its parts' storage).
ABORT_INCOMPLETE_UPLOAD_DAYS = 7


def _no_statements(_bucket_arn: str) -> Sequence[DataAwsIamPolicyDocumentStatement]:
    return ()


@dataclass(frozen=True, kw_only=True)
class BucketLifecycle:
    """How long objects stay, and where; unfinished multipart uploads are always abandoned after a week."""

    #: Days an overwritten or deleted object's old version is kept.
    noncurrent_version_expiration_days: float
    #: Days after which objects of 128 KB or more move to S3 Glacier Flexible Retrieval (S3
    #: transitions no smaller object: the lifecycle sets all_storage_classes_128K). Default: never.
    transition_to_glacier_days: float | None = None
    #: Days after which objects expire. Default: never.
    expiration_days: float | None = None


@dataclass(frozen=True, kw_only=True)
class ObjectLock:
    """Default Object Lock retention of new objects."""

    #: ``off``, ``GOVERNANCE`` or ``COMPLIANCE`` (or a Terraform string expression).
    mode: str
    #: Days each new object is locked.
    days: float


@dataclass(frozen=True, kw_only=True)
class AccessLogging:
    """Where S3 server access logs of the bucket go."""

    #: Switch (a Terraform expression becomes ``count``).
    enabled: Flag
    #: Name of the bucket that receives the access logs.
    target_bucket: str
    #: Key prefix of the access logs in the target bucket.
    target_prefix: str
    #: The target bucket's policy, which must let S3 logging write before logging is turned on.
    target_policy: S3BucketPolicy | None = None


@dataclass(frozen=True, kw_only=True)
class HardenedBucketProps:
    """Settings of :class:`HardenedBucket`."""

    #: The bucket's name.
    bucket_name: str
    #: Refuse to plan the bucket's destruction (``prevent_destroy``). Default: True.
    prevent_destroy: bool = True
    #: Let Terraform delete every object (and version) when it destroys the bucket; off,
    #: S3 refuses to delete a bucket that still holds objects. Default: False.
    force_destroy: Flag = False
    #: Policy statements besides the TLS-only deny, given the bucket's ARN. Default: none.
    policy_statements: StatementsFor = _no_statements
    #: Lifecycle rule for every object. Default: none (objects stay forever).
    lifecycle: BucketLifecycle | None = None
    #: Object Lock default retention. Default: none.
    object_lock: ObjectLock | None = None
    #: S3 server access logging into another bucket. Default: none.
    access_logging: AccessLogging | None = None
    #: Build the bucket at all (a Terraform expression becomes ``count`` on every resource). Default: True.
    enabled: Flag = True


class HardenedBucket(Construct):
    """A private, TLS-only, versioned, encrypted, owner-enforced S3 bucket.

    Public access is blocked, ACLs are off (``BucketOwnerEnforced``), objects are encrypted
    with SSE-S3, and by default Terraform never empties the bucket (``force_destroy = false``).
    Lifecycle, Object Lock and access logging are optional.
    """

    def __init__(self, scope: Construct, id_: str, *, props: HardenedBucketProps) -> None:
        super().__init__(scope, id_)
        count = count_for(props.enabled)
        lock_on: Flag = differs(props.object_lock.mode, "off") if props.object_lock else False
        self.bucket = addressed(
            S3Bucket(
                self,
                "bucket",
                count=count,
                bucket=props.bucket_name,
                force_destroy=props.force_destroy,
                lifecycle=TerraformResourceLifecycle(
                    prevent_destroy=props.prevent_destroy,
                    # Object Lock is turned on in place by the object-lock resource below
                    # (PutObjectLockConfiguration, S3 User Guide, "Enable Object Lock on an
                    # existing S3 bucket"); this argument would replace the bucket, and a bucket
                    # made with it (an earlier version of this construct) keeps it.
                    ignore_changes=["object_lock_enabled"],
                ),
            )
        )
        bucket_id, bucket_arn = attribute(self.bucket, "id"), attribute(self.bucket, "arn")
        self.bucket_name: str = bucket_id
        #: The name the bucket is given (a plain name or an expression known when Terraform plans).
        self.given_name = props.bucket_name
        settings: list[TerraformResource] = []
        self.public_access_block = addressed(
            S3BucketPublicAccessBlock(
                self,
                "public-access-block",
                count=count,
                bucket=bucket_id,
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
            )
        )
        self.ownership = addressed(
            S3BucketOwnershipControls(
                self,
                "ownership",
                count=count,
                bucket=bucket_id,
                rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
            )
        )
        self.versioning = versioning = addressed(
            S3BucketVersioningA(
                self,
                "versioning",
                count=count,
                bucket=bucket_id,
                versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
            )
        )
        self.encryption = addressed(
            S3BucketServerSideEncryptionConfigurationA(
                self,
                "encryption",
                count=count,
                bucket=bucket_id,
                rule=[
                    S3BucketServerSideEncryptionConfigurationRuleA(
                        apply_server_side_encryption_by_default=(
                            S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                                sse_algorithm="AES256"
                            )
                        ),
                    )
                ],
            )
        )
        settings += [self.public_access_block, self.ownership, versioning, self.encryption]
        if props.lifecycle is not None:
            settings.append(self._add_lifecycle(props.lifecycle, bucket_id, count, versioning))
        if props.object_lock is not None and not is_off(lock_on):
            settings.append(
                addressed(
                    S3BucketObjectLockConfigurationA(
                        self,
                        "object-lock",
                        count=count_for(lock_on),
                        bucket=bucket_id,
                        # Turns Object Lock on for a bucket that exists (S3 needs versioning first).
                        object_lock_enabled="Enabled",
                        rule=S3BucketObjectLockConfigurationRuleA(
                            default_retention=S3BucketObjectLockConfigurationRuleDefaultRetentionA(
                                mode=props.object_lock.mode, days=props.object_lock.days
                            )
                        ),
                        depends_on=[versioning],
                    )
                )
            )
        if props.access_logging is not None and not is_off(props.access_logging.enabled):
            settings.append(
                addressed(
                    S3BucketLoggingA(
                        self,
                        "access-logging",
                        count=count_for(props.access_logging.enabled),
                        bucket=bucket_id,
                        target_bucket=props.access_logging.target_bucket,
                        target_prefix=props.access_logging.target_prefix,
                        depends_on=[props.access_logging.target_policy] if props.access_logging.target_policy else None,
                    )
                )
            )
        document = policy_document(
            self,
            "policy-document",
            [
                *props.policy_statements(bucket_arn),
                deny_insecure_transport(actions=["s3:*"], resources=[bucket_arn, f"{bucket_arn}/*"]),
            ],
            count=count,
        )
        self.policy = addressed(
            S3BucketPolicy(
                self,
                "policy",
                count=count,
                bucket=bucket_id,
                policy=attribute(document, "json"),
                # Written last: an apply that fails on another setting of the bucket leaves the
                # policy (which a trail's delivery needs) as it was. After the public access
                # block in particular: S3 rejects a policy write while that is being changed.
                depends_on=settings,
            )
        )
        #: The bucket and every setting of it, in the order they are created.
        self.resources: list[TerraformResource] = [self.bucket, *settings, self.policy]
        #: What identifies the bucket and the settings that keep it private, encrypted and
        #: versioned: each changes when the bucket or the setting is replaced.
        self.identities: dict[str, str] = {
            "bucket": bucket_arn,
            "policy": attribute(self.policy, "id"),
            "public_access_block": attribute(self.public_access_block, "id"),
            "encryption": attribute(self.encryption, "id"),
            "versioning": attribute(versioning, "id"),
        }

    def _add_lifecycle(
        self, lifecycle: BucketLifecycle, bucket_id: str, count: float | None, versioning: S3BucketVersioningA
    ) -> S3BucketLifecycleConfiguration:
        return addressed(
            S3BucketLifecycleConfiguration(
                self,
                "lifecycle",
                count=count,
                bucket=bucket_id,
                # S3's default, written out: no object under 128 KB transitions, which is most
                # CloudTrail log files. Moving one would cost more (a transition request and
                # 40 KB of per-object overhead) than Glacier saves on it (docs/operate.md).
                transition_default_minimum_object_size="all_storage_classes_128K",
                rule=[
                    S3BucketLifecycleConfigurationRule(
                        id="retention",
                        status="Enabled",
                        filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                        transition=[
                            S3BucketLifecycleConfigurationRuleTransition(
                                days=lifecycle.transition_to_glacier_days, storage_class="GLACIER"
                            )
                        ]
                        if lifecycle.transition_to_glacier_days is not None
                        else None,
                        expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=lifecycle.expiration_days)]
                        if lifecycle.expiration_days is not None
                        else None,
                        noncurrent_version_expiration=[
                            S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                                noncurrent_days=lifecycle.noncurrent_version_expiration_days
                            )
                        ],
                        abort_incomplete_multipart_upload=[
                            S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                                days_after_initiation=ABORT_INCOMPLETE_UPLOAD_DAYS
                            )
                        ],
                    )
                ],
                # A lifecycle rule on versions needs versioning in place first.
                depends_on=[versioning],
            )
        )
