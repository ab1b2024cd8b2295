"""The organization's whole bill: the ``AWS/Billing`` EstimatedCharges alarm on the total."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import Fn, Token
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
from constructs_lib.switch import Flag, count_for

#: How often AWS publishes EstimatedCharges: "several times daily" (CloudWatch User Guide,
#: "Create a billing alarm"), whose walk-through sets a period of 6 hours.
BILLING_PERIOD_SECONDS = 21600
#: Periods the billing alarm looks back over: a day. One breaching period is enough to alarm;
#: only a whole day without the metric makes the alarm INSUFFICIENT_DATA.
BILLING_EVALUATION_PERIODS = 4
#: How urgent a bill above the limit is.
BILLING_SEVERITY = Severity.HIGH
#: Where a person reads the bill (the console opens the account signed in to).
BILLS_URL = "https://console.aws.amazon.com/billing/home#/bills"
#: What the alarm's messages call it.
BILLING_ALARM_LABEL = "organization-charges"


def usd(amount: float) -> str:
    """``amount`` with two decimals, for a plain number or a Terraform number expression."""
    if Token.is_unresolved(amount):
        return Token.as_string(Fn.format("%.2f", [amount]))
    return f"{amount:.2f}"


@dataclass(frozen=True, kw_only=True)
class BillingAlarmProps:
    """Settings of :class:`BillingAlarm`."""

    #: Name of the alarm.
    name: str
    #: Monthly limit in USD of the consolidated bill.
    limit_usd: float
    #: ARN of the SNS topic people read: the alarm notifies it.
    topic_arn: str
    #: Instead of the alarm's own notification, its changes to ALARM or INSUFFICIENT_DATA reach
    #: ``topic_arn`` as a readable message (:mod:`constructs_lib.alarm_messages`), and its
    #: actions notify a topic no person reads. Default: none.
    messages: ReadableMessages | None = None
    #: Build the alarm (a Terraform expression becomes ``count``). Default: True.
    enabled: Flag = True


class BillingAlarm(Construct):
    """``AWS/Billing`` EstimatedCharges (``Currency=USD``, no other dimension) above a monthly limit.

    Without ``LinkedAccount`` or ``ServiceName`` the metric is the total: in the management account
    of an organization with consolidated billing, every account's charges ("paying accounts ...
    have access to all individual linked account charges in addition to the consolidated total").
    The metric exists only in us-east-1 and only after "Receive CloudWatch Billing Alerts" is
    turned on in the Billing preferences (a manual step, see the README). Missing data is not
    treated as fine: until the metric exists the alarm shows INSUFFICIENT_DATA, never OK, and if
    the metric stops arriving for a day the alarm goes to INSUFFICIENT_DATA and notifies the topic.
    """

    def __init__(self, scope: Construct, id_: str, *, props: BillingAlarmProps) -> None:
        super().__init__(scope, id_)
        alarm_actions = props.messages.alarm_actions_topic_arn if props.messages else props.topic_arn
        meaning = (
            f"The organization's estimated charges of the month (every account, consolidated billing) "
            f"are above {usd(props.limit_usd)} USD."
        )
        self.alarm = addressed(
            CloudwatchMetricAlarm(
                self,
                "alarm",
                count=count_for(props.enabled),
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
                f"{alarm_summary(BILLING_SEVERITY, BILLING_ALARM_LABEL, meaning)}\n"
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
                    enabled=props.enabled,
                    depends_on=[self.alarm],
                ),
            )
