"""An S3 bucket with the project's security defaults, for logs and for Terraform state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cdktf import IResolvable, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
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

from constructs_lib.policy import deny_insecure_transport, policy_document

StatementsFor = Callable[[str], Sequence[DataAwsIamPolicyDocumentStatement]]


def _no_statements(_bucket_arn: str) -> Sequence[DataAwsIamPolicyDocumentStatement]:
    return ()


@dataclass(frozen=True, kw_only=True)
class HardenedBucketProps:
    """Settings of :class:`HardenedBucket`."""

    #: The bucket's name.
    bucket_name: str
    #: Refuse to plan the bucket's destruction (``prevent_destroy``). Default: True.
    prevent_destroy: bool = True
    #: Let Terraform delete every object (and version) when it destroys the bucket; off,
    #: S3 refuses to delete a bucket that still holds objects. Default: False.
    force_destroy: bool | IResolvable = False
    #: Policy statements besides the TLS-only deny, given the bucket's ARN. Default: none.
    policy_statements: StatementsFor = _no_statements


class HardenedBucket(Construct):
    """A private, TLS-only, versioned, encrypted, owner-enforced S3 bucket.

    Public access is blocked, ACLs are off (``BucketOwnerEnforced``), objects are encrypted
    with SSE-S3, and by default Terraform never empties the bucket (``force_destroy = false``).
    """

    def __init__(self, scope: Construct, id_: str, *, props: HardenedBucketProps) -> None:
        super().__init__(scope, id_)
        self.bucket = S3Bucket(
            self,
            "bucket",
            bucket=props.bucket_name,
            force_destroy=props.force_destroy,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.prevent_destroy),
        )
        bucket_id, bucket_arn = self.bucket.id, self.bucket.arn
        self.public_access_block = S3BucketPublicAccessBlock(
            self,
            "public-access-block",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(
            self,
            "ownership",
            bucket=bucket_id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        S3BucketVersioningA(
            self,
            "versioning",
            bucket=bucket_id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "encryption",
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
        document = policy_document(
            self,
            "policy-document",
            [
                *props.policy_statements(bucket_arn),
                deny_insecure_transport(actions=["s3:*"], resources=[bucket_arn, f"{bucket_arn}/*"]),
            ],
        )
        self.policy = S3BucketPolicy(
            self,
            "policy",
            bucket=bucket_id,
            policy=document.json,
            # S3 rejects a policy write while the public access block is being changed.
            depends_on=[self.public_access_block],
        )
