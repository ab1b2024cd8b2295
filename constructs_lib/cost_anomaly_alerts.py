"""Unusual spend anywhere in the organization, as it happens: AWS Cost Anomaly Detection.

A static limit on the whole bill cannot see one account doubling; an anomaly monitor learns
what each service usually costs and flags what departs from it. An AWS services monitor
(``DIMENSIONAL``, ``SERVICE``) in the management account reads the spend the account sees:
with consolidated billing, every account's. An account holds one AWS services monitor ("AWS
managed monitor for AWS services per account ... 1", Cost Management User Guide, "Quotas and
restrictions"), and AWS creates one when Cost Explorer is first enabled: so the monitor is
either created here or an existing one is subscribed, by ARN. The subscription sends each
anomaly at once (``IMMEDIATE``, which goes to SNS only) when its total impact reaches the
thresholds. Detection and alerts cost nothing; an anomaly is found up to 24 hours after the
usage, after at least 10 days of history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable, Token
from cdktf_cdktf_provider_aws.ce_anomaly_monitor import CeAnomalyMonitor
from cdktf_cdktf_provider_aws.ce_anomaly_subscription import (
    CeAnomalySubscription,
    CeAnomalySubscriptionSubscriber,
    CeAnomalySubscriptionThresholdExpression,
    CeAnomalySubscriptionThresholdExpressionAnd,
    CeAnomalySubscriptionThresholdExpressionAndDimension,
)
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.switch import Flag, attribute_or, count_for, is_off

#: The subscription's dimensions (AnomalySubscription, ThresholdExpression).
ABSOLUTE_IMPACT = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
PERCENTAGE_IMPACT = "ANOMALY_TOTAL_IMPACT_PERCENTAGE"


@dataclass(frozen=True, kw_only=True)
class CostAnomalyAlertsProps:
    """Settings of :class:`CostAnomalyAlerts`."""

    #: Name of the monitor, when one is created.
    monitor_name: str
    #: Name of the alert subscription.
    subscription_name: str
    #: ARN of the SNS topic the anomalies go to (its policy and key must admit costalerts.amazonaws.com).
    topic_arn: str
    #: Alert on an anomaly whose total impact is at least this many USD (0: any).
    threshold_usd: float
    #: ... and at least this percentage of the expected spend (0: any).
    threshold_percent: float
    #: Create the AWS services monitor (a Terraform expression becomes ``count``). Default: True.
    create_monitor: Flag = True
    #: The monitor to subscribe when none is created: an existing one's ARN. Default: none.
    existing_monitor_arn: str = ""
    #: Build the subscription at all (a Terraform expression becomes ``count``). Default: True.
    enabled: Flag = True
    #: What must exist first: the topic policy that lets Cost Anomaly Detection publish. Default: none.
    depends_on: Sequence[ITerraformDependable] = ()


class CostAnomalyAlerts(Construct):
    """An AWS services anomaly monitor (or an existing one) and an IMMEDIATE subscription of the topic.

    The threshold is always both impacts, joined by ``AND`` (AWS's own default alert is "$100 and
    40%"): a threshold that is not wanted is 0, which every anomaly meets. So the subscription has
    one shape whatever the settings, in the app and the module alike.
    """

    def __init__(self, scope: Construct, id_: str, *, props: CostAnomalyAlertsProps) -> None:
        super().__init__(scope, id_)
        #: The AWS services monitor (None when an existing one is subscribed).
        self.monitor: CeAnomalyMonitor | None = None
        #: The ARN of the monitor the subscription watches (created, or the existing one).
        self.monitor_arn: str = props.existing_monitor_arn
        if not is_off(props.create_monitor):
            self.monitor = addressed(
                CeAnomalyMonitor(
                    self,
                    "monitor",
                    count=count_for(props.create_monitor),
                    name=props.monitor_name,
                    monitor_type="DIMENSIONAL",
                    monitor_dimension="SERVICE",
                )
            )
            self.monitor_arn = attribute_or(
                self,
                "monitor-arn",
                self.monitor,
                "arn",
                flag=props.create_monitor,
                otherwise=props.existing_monitor_arn,
            )

        def impact(key: str, value: float) -> CeAnomalySubscriptionThresholdExpressionAnd:
            return CeAnomalySubscriptionThresholdExpressionAnd(
                dimension=CeAnomalySubscriptionThresholdExpressionAndDimension(
                    key=key, match_options=["GREATER_THAN_OR_EQUAL"], values=[_number_text(value)]
                )
            )

        self.subscription = addressed(
            CeAnomalySubscription(
                self,
                "subscription",
                count=count_for(props.enabled),
                name=props.subscription_name,
                frequency="IMMEDIATE",
                monitor_arn_list=[self.monitor_arn],
                subscriber=[CeAnomalySubscriptionSubscriber(type="SNS", address=props.topic_arn)],
                threshold_expression=CeAnomalySubscriptionThresholdExpression(
                    and_=[
                        impact(ABSOLUTE_IMPACT, props.threshold_usd),
                        impact(PERCENTAGE_IMPACT, props.threshold_percent),
                    ]
                ),
                depends_on=list(props.depends_on) or None,
            )
        )


def _number_text(value: float) -> str:
    """A threshold as the API takes it: a number in a string ("Values must be numbers ... in string format")."""
    if Token.is_unresolved(value):
        return Token.as_string(value)
    return f"{value:g}" if float(value) != int(value) else str(int(value))
