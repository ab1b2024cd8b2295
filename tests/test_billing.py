"""Which bill: the management account's own charges (a filtered budget), the organization's total
(the EstimatedCharges alarm, when asked for), and cost anomalies in any account (Cost Anomaly
Detection). Each resource is named after, and reads, the bill it watches."""

from __future__ import annotations

from typing import Any

import pytest

from app.config import BaselineConfig, BillingConfig, deprecation_warnings
from app.load import ConfigError, parse_config
from tests.synth import Synthesized, synth


def _only(s: Synthesized, kind: str) -> dict[str, Any]:
    (block,) = s.resources(kind).values()
    return block


def test_the_management_accounts_budget_reads_only_its_own_charges(default_stack: Synthesized) -> None:
    s = default_stack
    budget = _only(s, "aws_budgets_budget")
    assert budget["name"] == "mgmt-baseline-management-account-charges"
    assert budget["cost_filter"] == [{"name": "LinkedAccount", "values": [s.env.account_id]}]
    assert (budget["budget_type"], budget["time_unit"], budget["limit_amount"]) == ("COST", "MONTHLY", "50.00")
    topic = s.ref(s.stack.baseline.topic.topic, "arn")
    assert [
        (n["notification_type"], n["threshold"], n["subscriber_sns_topic_arns"]) for n in budget["notification"]
    ] == [
        ("ACTUAL", 100, [topic]),
        ("FORECASTED", 100, [topic]),
    ]
    # Budgets checks that it may publish when a notification is created.
    assert budget["depends_on"] == [s.address(s.stack.baseline.topic.policy)]


def test_no_alarm_reads_the_organizations_total_unless_its_limit_is_set(default_stack: Synthesized) -> None:
    s = default_stack
    assert s.stack.baseline.billing_alarm is None
    assert "aws_cloudwatch_metric_alarm" not in s.doc["resource"] or "estimated_charges" not in s.resources(
        "aws_cloudwatch_metric_alarm"
    )
    assert not [name for name in s.resources("aws_cloudwatch_event_rule") if name == "estimated_charges"]


def test_the_organization_alarm_reads_the_consolidated_total_and_says_so(custom_stack: Synthesized) -> None:
    s = custom_stack
    assert s.stack.baseline.billing_alarm is not None
    alarm = s.body(s.stack.baseline.billing_alarm.alarm)
    # No LinkedAccount, no ServiceName: the roll-up of every account and service.
    assert (alarm["namespace"], alarm["metric_name"], alarm["dimensions"]) == (
        "AWS/Billing",
        "EstimatedCharges",
        {"Currency": "USD"},
    )
    assert alarm["alarm_name"] == "acme-root-organization-charges"
    assert alarm["threshold"] == 4000
    assert "organization's estimated charges" in alarm["alarm_description"]
    assert "every account, consolidated billing" in alarm["alarm_description"]
    assert (alarm["statistic"], alarm["period"], alarm["treat_missing_data"]) == ("Maximum", 21600, "missing")
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (4, 1)
    assert alarm["insufficient_data_actions"] == [s.ref(s.stack.baseline.alarm_actions.topic, "arn")]
    assert _only(s, "aws_budgets_budget")["limit_amount"] == "250.00"


def test_anomalies_of_every_account_reach_the_topic_at_once(default_stack: Synthesized) -> None:
    s = default_stack
    monitor = _only(s, "aws_ce_anomaly_monitor")
    assert (monitor["name"], monitor["monitor_type"], monitor["monitor_dimension"]) == (
        "mgmt-baseline-aws-services",
        "DIMENSIONAL",
        "SERVICE",
    )
    subscription = _only(s, "aws_ce_anomaly_subscription")
    assert subscription["name"] == "mgmt-baseline-cost-anomalies"
    assert subscription["frequency"] == "IMMEDIATE"  # SNS only: "SNS (for IMMEDIATE frequency)"
    anomalies = s.stack.baseline.cost_anomalies
    assert anomalies is not None
    assert anomalies.monitor is not None
    assert subscription["monitor_arn_list"] == [s.ref(anomalies.monitor, "arn")]
    assert subscription["subscriber"] == [{"type": "SNS", "address": s.ref(s.stack.baseline.topic.topic, "arn")}]
    # AWS's own default alert: "$100 and 40%".
    assert subscription["threshold_expression"] == {
        "and": [
            {"dimension": {"key": key, "match_options": ["GREATER_THAN_OR_EQUAL"], "values": [value]}}
            for key, value in (("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "100"), ("ANOMALY_TOTAL_IMPACT_PERCENTAGE", "40"))
        ]
    }
    assert subscription["depends_on"] == [s.address(s.stack.baseline.topic.policy)]


def test_an_existing_monitor_is_subscribed_not_created() -> None:
    arn = "arn:aws:ce::111122223333:anomalymonitor/0a1b2c3d-1111-2222-3333-444455556666"
    s = synth(BaselineConfig(billing=BillingConfig(anomaly_monitor=arn, anomaly_threshold_percent=None)))
    assert "aws_ce_anomaly_monitor" not in s.doc["resource"]
    subscription = _only(s, "aws_ce_anomaly_subscription")
    assert subscription["monitor_arn_list"] == [arn]
    values = [item["dimension"]["values"] for item in subscription["threshold_expression"]["and"]]
    assert values == [["100"], ["0"]]  # no percentage: every anomaly meets 0


def test_anomaly_detection_can_be_off_and_its_grants_go_with_it() -> None:
    s = synth(BaselineConfig(billing=BillingConfig(anomaly_monitor="off")))
    assert not {"aws_ce_anomaly_monitor", "aws_ce_anomaly_subscription"} & set(s.doc["resource"])
    text = str(s.doc["data"]["aws_iam_policy_document"])
    assert "costalerts.amazonaws.com" not in text
    on = str(synth(BaselineConfig()).doc["data"]["aws_iam_policy_document"])
    assert "costalerts.amazonaws.com" in on


def test_the_renamed_budget_limit_still_works_with_a_warning() -> None:
    config = parse_config({"budget_limit_usd": 80})
    assert config.billing.management_account_limit_usd == 80
    (warning,) = deprecation_warnings(config)
    assert warning == (
        "warning: budget_limit_usd is deprecated: it is now billing.management_account_limit_usd "
        "(set that instead; the old name is read for now)"
    )
    assert deprecation_warnings(BaselineConfig()) == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"budget_limit_usd": 80, "billing": {"management_account_limit_usd": 60}},
            "config: budget_limit_usd and billing.management_account_limit_usd are both set",
        ),
        ({"billing": {"anomaly_threshold_usd": 0}}, "billing.anomaly_threshold_usd: must be a number of US dollars"),
        ({"billing": {"anomaly_threshold_usd": -3}}, "billing.anomaly_threshold_usd: must be a number of US dollars"),
        ({"billing": {"anomaly_threshold_percent": 1e11}}, "at most 10000000000 (what the API takes)"),
        ({"billing": {"organization_limit_usd": 0}}, "billing.organization_limit_usd: must be greater than 0"),
        (
            {"billing": {"anomaly_monitor": "off", "anomaly_threshold_usd": 500}},
            "billing: anomaly_threshold_usd and anomaly_threshold_percent have no effect while anomaly_monitor is off",
        ),
        (
            {"billing": {"anomaly_threshold_usd": None, "anomaly_threshold_percent": None}},
            "billing: set anomaly_threshold_usd, anomaly_threshold_percent or both",
        ),
        ({"billing": {"anomaly_monitor": "monitor-1"}}, "billing.anomaly_monitor: must be create, off, or the ARN"),
    ],
)
def test_bad_billing_settings_are_refused_in_one_line(document: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(document)
    assert message in str(error.value)
