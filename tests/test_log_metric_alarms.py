"""Log detections of the catalogue: metric filters on the trail's log group and alarms."""

from __future__ import annotations

import botocore.session
import pytest

from app.config import BaselineConfig
from constructs_lib.detections import CIS_DETECTIONS
from constructs_lib.log_metric_alarms import LogMetricAlarms
from tests.synth import Synthesized, synth

EXPECTED_PATTERNS = {
    "console-sign-in": '{{ ($.eventName = "ConsoleLogin") && ($.recipientAccountId = "{account}") }}',
    # The benign denials (BENIGN_DENIALS) are left out; a person's are counted.
    "access-denied": (
        '{{ ((($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation")) '
        "&& ((($.userIdentity.principalId NOT EXISTS) || "
        '($.userIdentity.principalId != "*:AWSConfig-BucketConfigCheck")) || '
        '(($.userIdentity.invokedBy NOT EXISTS) || ($.userIdentity.invokedBy != "config.amazonaws.com")) || '
        '($.eventSource != "s3.amazonaws.com")) '
        '&& (($.eventSource != "macie2.amazonaws.com") || ($.eventName != "GetMacieSession")) '
        '&& (($.eventSource != "inspector2.amazonaws.com") || ($.eventName != "ListDelegatedAdminAccounts")) '
        '&& (($.eventSource != "tagging.amazonaws.com") || ($.eventName != "GetResources"))) '
        '&& ($.recipientAccountId = "{account}") }}'
    ),
}


def _alarms(s: Synthesized) -> LogMetricAlarms:
    """The baseline's log alarms (some detection is on in every config here)."""
    alarms = s.stack.baseline.log_alarms
    assert alarms is not None
    return alarms


EXPECTED_METRICS = {"console-sign-in": "ConsoleSignInCount", "access-denied": "AccessDeniedCount"}


def test_the_seed_detections_are_the_ones_created(default_stack: Synthesized) -> None:
    assert set(default_stack.stack.baseline.log_detection_names) == set(EXPECTED_PATTERNS)


@pytest.mark.parametrize("name", EXPECTED_PATTERNS)
def test_filter_counts_the_events_of_the_management_account_only(default_stack: Synthesized, name: str) -> None:
    s = default_stack
    metric_filter = s.instance(_alarms(s).metric_filter, name)
    assert metric_filter["pattern"] == EXPECTED_PATTERNS[name].format(account=s.env.account_id)
    assert metric_filter["log_group_name"] == s.ref(s.trail.log_group, "name")
    assert metric_filter["name"] == f"mgmt-baseline-{name}"
    assert metric_filter["metric_transformation"] == {
        "name": EXPECTED_METRICS[name],
        "namespace": "ManagementAccountBaseline",
        "value": "1",
    }


@pytest.mark.parametrize("name", EXPECTED_PATTERNS)
def test_alarm_fires_on_any_count_and_notifies_the_topic(default_stack: Synthesized, name: str) -> None:
    s = default_stack
    alarm = s.instance(_alarms(s).alarm, name)
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
    # Its own notification goes to the topic no person reads; people get its readable message.
    assert alarm["alarm_actions"] == [s.ref(s.stack.baseline.alarm_actions.topic, "arn")]


def _with_detections(**detections: object) -> Synthesized:
    return synth(BaselineConfig.model_validate({"detections": detections}))


def test_cis_pack_is_off_by_default(default_stack: Synthesized) -> None:
    assert not any(name.startswith("cis-") for name in default_stack.stack.baseline.log_detection_names)


def test_cis_pack_exact_uses_the_security_hub_patterns_verbatim() -> None:
    s = _with_detections(cis_pack="exact")
    alarms = _alarms(s)
    assert set(s.stack.baseline.log_detection_names) == {*EXPECTED_PATTERNS, *(d.name for d in CIS_DETECTIONS)}
    assert (
        set(s.instances(alarms.metric_filter))
        == set(s.instances(alarms.alarm))
        == set(s.stack.baseline.log_detection_names)
    )
    for detection in CIS_DETECTIONS:
        assert s.instance(alarms.metric_filter, detection.name)["pattern"] == detection.pattern
        alarm = s.instance(alarms.alarm, detection.name)
        assert alarm["actions_enabled"] is True  # Security Hub CloudWatch.15/.17
        assert alarm["alarm_actions"] == [s.ref(s.stack.baseline.alarm_actions.topic, "arn")]
        assert alarm["alarm_description"].endswith(f"({detection.control})")


def test_cis_pack_management_only_scopes_the_same_patterns_to_the_account() -> None:
    s = _with_detections(cis_pack="management-only")
    for detection in CIS_DETECTIONS:
        pattern = s.instance(_alarms(s).metric_filter, detection.name)["pattern"]
        inner = detection.pattern.strip()[1:-1].strip()
        scoped = f'{{ ({inner}) && ($.recipientAccountId = "{s.env.account_id}")'
        if detection.name == "cis-unauthorized-api-calls":
            # Scoped, it also leaves out the known-benign denials (BENIGN_DENIALS), as access-denied does.
            assert pattern.startswith(scoped + " && ")
            assert '($.userIdentity.principalId != "*:AWSConfig-BucketConfigCheck")' in pattern
        else:
            assert pattern == scoped + " }"


def test_disabled_entries_are_not_built() -> None:
    s = _with_detections(cis_pack="exact", disabled=["access-denied", "root-sign-in", "cis-vpc-changes"])
    built = s.instances(_alarms(s).alarm)
    assert "access-denied" not in built
    assert "cis-vpc-changes" not in built
    assert "cis-root-usage" in built
    assert s.stack.baseline.event_alerts is None
    assert "this" not in s.doc["resource"]["aws_cloudwatch_event_rule"]
    assert "access-denied" not in s.instances(_alarms(s).messages.rule)  # type: ignore[union-attr]
    assert "access-denied" not in s.doc["output"]["alarm_arns"]["value"]
    assert s.doc["output"]["root_sign_in_rule_arn"]["value"] is None


def test_overrides_change_only_the_named_alarm() -> None:
    s = _with_detections(overrides={"access-denied": {"threshold": 5, "period": 900, "evaluation_periods": 2}})
    alarms = s.instances(_alarms(s).alarm)
    changed, unchanged = alarms["access-denied"], alarms["console-sign-in"]
    assert (changed["threshold"], changed["period"], changed["evaluation_periods"]) == (5, 900, 2)
    assert (unchanged["threshold"], unchanged["period"], unchanged["evaluation_periods"]) == (0, 300, 1)


def test_alarm_descriptions_lead_with_the_severity(default_stack: Synthesized) -> None:
    alarm = default_stack.instance(_alarms(default_stack).alarm, "access-denied")
    assert alarm["alarm_description"].startswith("[MEDIUM] A request to the management account was denied")


def _filter_pattern_limit() -> int:
    """PutMetricFilter's limit on ``filterPattern``, from the API model AWS publishes (botocore)."""
    shape = botocore.session.get_session().get_service_model("logs").shape_for("FilterPattern")
    limit: int = shape.metadata["max"]
    return limit


@pytest.mark.parametrize("cis_pack", ["off", "exact", "management-only"])
def test_every_filter_pattern_fits_cloudwatch_logs_limit(cis_pack: str) -> None:
    # The patterns hold no name; the ignored lists are bounded by their own rule (test_ignored_denials.py).
    s = synth(BaselineConfig.model_validate({"detections": {"cis_pack": cis_pack}}))
    limit = _filter_pattern_limit()
    assert limit == 1024
    patterns = [
        body["pattern"].replace(s.env.account_id, "123456789012")
        for body in s.bodies("aws_cloudwatch_log_metric_filter")
    ]
    assert patterns
    longest = max(patterns, key=len)
    assert len(longest) <= limit, f"{len(longest)} characters: {longest}"
