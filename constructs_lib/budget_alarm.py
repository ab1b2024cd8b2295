"""Alert before a surprise bill: the billing alarm and an AWS Budgets cost budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import Fn, IResolvable, ITerraformDependable, Token
from cdktf_cdktf_provider_aws.budgets_budget import BudgetsBudget, BudgetsBudgetNotification
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.alarm_messages import (
    AlarmMessages,
    AlarmMessagesProps,
    ReadableMessages,
    alarm_summary,
    quoted_lines,
)
from constructs_lib.detections import BILLING_ALERT_STATES, Severity

#: How often AWS publishes EstimatedCharges (several times a day).
BILLING_PERIOD_SECONDS = 21600
#: Periods the billing alarm looks back over: a day. One breaching period is enough to alarm;
#: only a whole day without the metric makes the alarm INSUFFICIENT_DATA.
BILLING_EVALUATION_PERIODS = 4
#: How urgent a bill above the limit is.
BILLING_SEVERITY = Severity.HIGH
#: Where a person reads the bill (the console opens the account signed in to).
BILLS_URL = "https://console.aws.amazon.com/billing/home#/bills"


@dataclass(frozen=True, kw_only=True)
class BudgetAlarmProps:
    """Settings of :class:`BudgetAlarm`."""

    #: Name of the billing alarm and of the budget.
    name: str
    #: Monthly limit in USD.
    limit_usd: float
    #: ARN of the SNS topic people read: the budget notifies it, and the alarm too.
    topic_arn: str
    #: Instead of the alarm's own notification, its changes to ALARM or INSUFFICIENT_DATA reach
    #: ``topic_arn`` as a readable message (:mod:`constructs_lib.alarm_messages`), and its
    #: actions notify a topic no person reads. Default: none.
    messages: ReadableMessages | None = None
    #: Percent of the limit at which the budget's ACTUAL and FORECASTED notifications fire.
    #: Default: 100.
    threshold_percent: float = 100
    #: Create the AWS Budgets budget next to the billing alarm; a Terraform bool
    #: expression becomes the budget's ``count``. Default: True.
    create_budget: bool | IResolvable = True
    #: What must exist before the budget: the topic policy that lets AWS Budgets publish
    #: (Budgets checks that it may publish when a notification is created). Default: none.
    depends_on: Sequence[ITerraformDependable] = ()


def _usd(amount: float) -> str:
    """``amount`` with two decimals, for a plain number or a Terraform number expression."""
    if Token.is_unresolved(amount):
        return Token.as_string(Fn.format("%.2f", [amount]))
    return f"{amount:.2f}"


class BudgetAlarm(Construct):
    """The ``AWS/Billing`` EstimatedCharges alarm and a monthly AWS Budgets cost budget.

    The billing metric exists only in us-east-1 and only after "Receive CloudWatch Billing
    Alerts" is turned on in the Billing preferences (a manual step, see the README). Missing
    data is not treated as fine: until the metric exists the alarm shows INSUFFICIENT_DATA,
    never OK, and if the metric stops arriving for a day the alarm goes to INSUFFICIENT_DATA
    and notifies the topic.
    """

    def __init__(self, scope: Construct, id_: str, *, props: BudgetAlarmProps) -> None:
        super().__init__(scope, id_)
        alarm_actions = props.messages.alarm_actions_topic_arn if props.messages else props.topic_arn
        meaning = f"Estimated charges of the month are above {_usd(props.limit_usd)} USD."
        self.billing_alarm = addressed(
            CloudwatchMetricAlarm(
                self,
                "billing-alarm",
                alarm_name=props.name,
                alarm_description=meaning,
                namespace="AWS/Billing",
                metric_name="EstimatedCharges",
                dimensions={"Currency": "USD"},
                statistic="Maximum",
                period=BILLING_PERIOD_SECONDS,
                evaluation_periods=BILLING_EVALUATION_PERIODS,
                datapoints_to_alarm=1,
                threshold=props.limit_usd,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="missing",
                actions_enabled=True,
                alarm_actions=[alarm_actions],
                insufficient_data_actions=[alarm_actions],
            )
        )
        #: The readable message of the alarm (None without ``props.messages``).
        self.messages: AlarmMessages | None = None
        if props.messages:
            message = (
                f"{alarm_summary(BILLING_SEVERITY, 'billing', meaning)}\n"
                "If it is INSUFFICIENT_DATA, no billing data arrived for a day: check that 'Receive CloudWatch "
                "Billing Alerts' is on (README, Manual steps).\n"
                f"The bills: {BILLS_URL}"
            )
            self.messages = AlarmMessages(
                self,
                "messages",
                props=AlarmMessagesProps(
                    rule_name=props.name,
                    alarm_name=props.name,
                    states=BILLING_ALERT_STATES,
                    input_template=quoted_lines(message),
                    topic_arn=props.topic_arn,
                    depends_on=[self.billing_alarm],
                ),
            )
        self.budget: BudgetsBudget | None = None
        if props.create_budget is not False:
            conditional = not isinstance(props.create_budget, bool)
            self.budget = addressed(
                BudgetsBudget(
                    self,
                    "budget",
                    count=Token.as_number(Fn.conditional(props.create_budget, 1, 0)) if conditional else None,
                    name=props.name,
                    budget_type="COST",
                    limit_amount=_usd(props.limit_usd),
                    limit_unit="USD",
                    time_unit="MONTHLY",
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
