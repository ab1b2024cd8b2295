"""Console sign-in and access-denied: metric filters on the trail's log group and alarms."""

from __future__ import annotations

import pytest

from tests.synth import Synthesized

EXPECTED_PATTERNS = {
    "console-sign-in": '{{ ($.eventName = "ConsoleLogin") && ($.recipientAccountId = "{account}") }}',
    "access-denied": (
        '{{ (($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation")) '
        '&& ($.recipientAccountId = "{account}") }}'
    ),
}
EXPECTED_METRICS = {"console-sign-in": "ConsoleSignInCount", "access-denied": "AccessDeniedCount"}


def test_the_seed_detections_are_the_ones_created(default_stack: Synthesized) -> None:
    assert set(default_stack.stack.baseline.log_alarms) == set(EXPECTED_PATTERNS)


@pytest.mark.parametrize("name", EXPECTED_PATTERNS)
def test_filter_counts_the_events_of_the_management_account_only(default_stack: Synthesized, name: str) -> None:
    s = default_stack
    parts = s.stack.baseline.log_alarms[name]
    metric_filter = s.body(parts.metric_filter)
    assert metric_filter["pattern"] == EXPECTED_PATTERNS[name].format(account=s.env.account_id)
    assert metric_filter["log_group_name"] == s.ref(s.stack.baseline.trail.log_group, "name")
    assert metric_filter["name"] == f"mgmt-baseline-{name}"
    assert metric_filter["metric_transformation"] == {
        "name": EXPECTED_METRICS[name],
        "namespace": "ManagementAccountBaseline",
        "value": "1",
    }


@pytest.mark.parametrize("name", EXPECTED_PATTERNS)
def test_alarm_fires_on_any_count_and_notifies_the_topic(default_stack: Synthesized, name: str) -> None:
    s = default_stack
    alarm = s.body(s.stack.baseline.log_alarms[name].alarm)
    assert alarm["alarm_name"] == f"mgmt-baseline-{name}"
    assert alarm["namespace"] == "ManagementAccountBaseline"
    assert alarm["metric_name"] == EXPECTED_METRICS[name]
    assert alarm["statistic"] == "Sum"
    assert alarm["comparison_operator"] == "GreaterThanThreshold"
    assert alarm["threshold"] == 0
    assert alarm["evaluation_periods"] == 1
    assert alarm["period"] == 300
    assert alarm["treat_missing_data"] == "notBreaching"
    assert alarm["actions_enabled"] is True
    assert alarm["alarm_actions"] == [s.ref(s.stack.baseline.topic.topic, "arn")]
