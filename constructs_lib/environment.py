"""Plan-time facts about the account the baseline is applied to."""

from __future__ import annotations

import json

from cdktf import Postcondition, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_organizations_organization import (
    DataAwsOrganizationsOrganization,
)
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.home import HOME_REGION


class AwsEnvironment(Construct):
    """Looks up the account id, organization id, partition and region when Terraform plans.

    Nothing here is typed in by the user: the account id in alarm scopes and policy
    conditions is the one the credentials belong to, so the stack cannot drift from the
    account it is applied to. The attributes are Terraform tokens (strings).

    The region lookup refuses, at plan time, a provider configured for any region but
    ``home_region``: the module flavour gets its provider from the caller.
    """

    def __init__(self, scope: Construct, id_: str, *, home_region: str = HOME_REGION) -> None:
        super().__init__(scope, id_)
        self.caller = addressed(DataAwsCallerIdentity(self, "caller"))
        self.organization = addressed(DataAwsOrganizationsOrganization(self, "organization"))
        self.partition_lookup = addressed(DataAwsPartition(self, "partition"))
        self.region_lookup = addressed(
            DataAwsRegion(
                self,
                "region",
                lifecycle=TerraformResourceLifecycle(
                    postcondition=[
                        Postcondition(
                            condition=f"${{self.name == {json.dumps(home_region)}}}",
                            error_message=(
                                f"The management account baseline must be applied with an aws provider "
                                f"for {home_region} (the billing metric, root sign-in events and the "
                                "trail's home region are there), not ${self.name}."
                            ),
                        )
                    ]
                ),
            )
        )
        self.account_id: str = self.caller.account_id
        self.organization_id: str = self.organization.id
        self.partition: str = self.partition_lookup.partition
        self.region: str = self.region_lookup.name

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        """The ARN of ``resource`` in ``service`` in this account and region."""
        region_part = self.region if region else ""
        account_part = self.account_id if account else ""
        return f"arn:{self.partition}:{service}:{region_part}:{account_part}:{resource}"
