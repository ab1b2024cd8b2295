"""The billing alarm and the AWS Budgets budget."""

from __future__ import annotations

from tests.synth import Synthesized


def test_billing_alarm_watches_estimated_charges_in_usd(default_stack: Synthesized) -> None:
    s = default_stack
    alarm = s.body(s.stack.baseline.budget.billing_alarm)
    assert alarm["namespace"] == "AWS/Billing"
    assert alarm["metric_name"] == "EstimatedCharges"
    assert alarm["dimensions"] == {"Currency": "USD"}
    assert alarm["statistic"] == "Maximum"
    assert alarm["period"] == 21600
    assert alarm["comparison_operator"] == "GreaterThanThreshold"
    assert alarm["threshold"] == 50
    assert alarm["actions_enabled"] is True
    # The alarm's own notification goes to the topic no person reads; people get its readable
    # message (tests/test_alarm_messages.py).
    assert alarm["alarm_actions"] == [s.ref(s.stack.baseline.alarm_actions.topic, "arn")]


def test_billing_alarm_never_reads_ok_without_the_metric(default_stack: Synthesized) -> None:
    # An account that never turned on billing alerts has no EstimatedCharges metric: the alarm
    # must show INSUFFICIENT_DATA (missing), not OK (notBreaching), and a day without the
    # metric after it existed must reach the topic.
    s = default_stack
    alarm = s.body(s.stack.baseline.budget.billing_alarm)
    assert alarm["treat_missing_data"] == "missing"
    assert alarm["insufficient_data_actions"] == [s.ref(s.stack.baseline.alarm_actions.topic, "arn")]
    # One breaching 6-hour period alarms at once; only a whole day of no data is missing data.
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (4, 1)


def test_budget_is_created_after_the_topic_policy_that_lets_budgets_publish(default_stack: Synthesized) -> None:
    s = default_stack
    budget = s.body(s.stack.baseline.budget.budget)  # type: ignore[arg-type]
    assert budget["depends_on"] == [s.address(s.stack.baseline.topic.policy)]


def test_budget_is_a_monthly_cost_budget_for_the_same_limit(default_stack: Synthesized) -> None:
    budget = default_stack.body(default_stack.stack.baseline.budget.budget)  # type: ignore[arg-type]
    assert budget["budget_type"] == "COST"
    assert budget["time_unit"] == "MONTHLY"
    assert budget["limit_amount"] == "50.00"
    assert budget["limit_unit"] == "USD"
    assert budget["name"] == "mgmt-baseline-monthly-charges"


def test_budget_notifies_the_topic_on_actual_and_forecasted_spend(default_stack: Synthesized) -> None:
    s = default_stack
    budget = s.body(s.stack.baseline.budget.budget)  # type: ignore[arg-type]
    topic_arn = s.ref(s.stack.baseline.topic.topic, "arn")
    assert budget["notification"] == [
        {
            "notification_type": kind,
            "comparison_operator": "GREATER_THAN",
            "threshold": 100,
            "threshold_type": "PERCENTAGE",
            "subscriber_sns_topic_arns": [topic_arn],
        }
        for kind in ("ACTUAL", "FORECASTED")
    ]


def test_limit_follows_the_config(custom_stack: Synthesized) -> None:
    s = custom_stack
    assert s.body(s.stack.baseline.budget.billing_alarm)["threshold"] == 250
    assert s.body(s.stack.baseline.budget.budget)["limit_amount"] == "250.00"  # type: ignore[arg-type]
