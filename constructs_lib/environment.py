"""Plan-time facts about the account the baseline is applied to."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_organizations_organization import (
    DataAwsOrganizationsOrganization,
)
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from constructs import Construct


class AwsEnvironment(Construct):
    """Looks up the account id, organization id, partition and region when Terraform plans.

    Nothing here is typed in by the user: the account id in alarm scopes and policy
    conditions is the one the credentials belong to, so the stack cannot drift from the
    account it is applied to. The attributes are Terraform tokens (strings).
    """

    def __init__(self, scope: Construct, id_: str) -> None:
        super().__init__(scope, id_)
        self.caller = DataAwsCallerIdentity(self, "caller")
        self.organization = DataAwsOrganizationsOrganization(self, "organization")
        self.partition_lookup = DataAwsPartition(self, "partition")
        self.region_lookup = DataAwsRegion(self, "region")
        self.account_id: str = self.caller.account_id
        self.organization_id: str = self.organization.id
        self.partition: str = self.partition_lookup.partition
        self.region: str = self.region_lookup.name

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        """The ARN of ``resource`` in ``service`` in this account and region."""
        region_part = self.region if region else ""
        account_part = self.account_id if account else ""
        return f"arn:{self.partition}:{service}:{region_part}:{account_part}:{resource}"
