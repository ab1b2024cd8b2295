"""An AWS Budgets monthly cost budget, of the whole bill or of some accounts of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.budgets_budget import (
    BudgetsBudget,
    BudgetsBudgetCostFilter,
    BudgetsBudgetNotification,
)
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.billing_alarm import usd
from constructs_lib.switch import Flag, count_for


@dataclass(frozen=True, kw_only=True)
class ChargesBudgetProps:
    """Settings of :class:`ChargesBudget`."""

    #: Name of the budget.
    name: str
    #: Monthly limit in USD.
    limit_usd: float
    #: ARN of the SNS topic the budget notifies.
    topic_arn: str
    #: The accounts whose charges count (a ``LinkedAccount`` filter: "Choose an AWS account that is a
    #: member of the consolidated billing family", Cost Management User Guide). Default: none, the
    #: whole bill the account sees (in an organization's management account, every account's).
    linked_accounts: Sequence[str] = ()
    #: Percent of the limit at which the ACTUAL and FORECASTED notifications fire. Default: 100.
    threshold_percent: float = 100
    #: Build the budget (a Terraform expression becomes ``count``). Default: True.
    enabled: Flag = True
    #: What must exist before the budget: the topic policy that lets AWS Budgets publish
    #: (Budgets checks that it may publish when a notification is created). Default: none.
    depends_on: Sequence[ITerraformDependable] = ()


class ChargesBudget(Construct):
    """A monthly ``COST`` budget that notifies the topic when the actual or the forecast cost of
    the month is above the limit."""

    def __init__(self, scope: Construct, id_: str, *, props: ChargesBudgetProps) -> None:
        super().__init__(scope, id_)
        self.budget = addressed(
            BudgetsBudget(
                self,
                "budget",
                count=count_for(props.enabled),
                name=props.name,
                budget_type="COST",
                limit_amount=usd(props.limit_usd),
                limit_unit="USD",
                time_unit="MONTHLY",
                cost_filter=[BudgetsBudgetCostFilter(name="LinkedAccount", values=list(props.linked_accounts))]
                if props.linked_accounts
                else None,
                notification=[
                    BudgetsBudgetNotification(
                        notification_type=kind,
                        comparison_operator="GREATER_THAN",
                        threshold=props.threshold_percent,
                        threshold_type="PERCENTAGE",
                        subscriber_sns_topic_arns=[props.topic_arn],
                    )
                    for kind in ("ACTUAL", "FORECASTED")
                ],
                depends_on=list(props.depends_on) or None,
            )
        )
