"""Every catalogue pattern against the CloudTrail record corpus: the matches it must make and
the ones it must not, so that loosening or tightening any pattern fails a test."""

from __future__ import annotations

import json
import re

import pytest

from constructs_lib.detections import (
    ACCESS_DENIED,
    BENIGN_DENIALS,
    CATALOGUE,
    CIS_DETECTIONS,
    BenignCaller,
    LogDetection,
    Scope,
)
from tests.filter_pattern import parse
from tests.local_aws import LocalAws
from tools.detection_corpus import (
    MANAGEMENT_ACCOUNT,
    Case,
    Check,
    event_detections,
    eventbridge_event,
    load_cases,
    log_checks,
)

CASES = load_cases()
CHECKS = list(log_checks())


def test_corpus_ids_are_unique_and_name_only_catalogue_entries() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    named = set().union(*(case.expect for case in CASES))
    assert named <= set(CATALOGUE), named - set(CATALOGUE)


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_every_entry_has_cases_it_must_match_and_cases_it_must_not(name: str) -> None:
    originals = [case for case in CASES if not case.member_copy]
    assert any(name in case.expect for case in originals)
    assert any(name not in case.expect for case in originals)


@pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
def test_log_pattern_matches_exactly_its_corpus_cases(check: Check) -> None:
    pattern = parse(check.pattern)
    wrong = [
        f"{case.id}: {'missed' if check.expected(case) else 'matched'}"
        for case in CASES
        if pattern.matches(case.record) != check.expected(case)
    ]
    assert not wrong, f"{check.pattern}\n" + "\n".join(wrong)


@pytest.mark.parametrize("detection", CIS_DETECTIONS, ids=[d.name for d in CIS_DETECTIONS])
def test_every_event_name_of_a_cis_pattern_has_a_case_that_needs_it(detection: LogDetection) -> None:
    names = set(re.findall(r'\$\.eventName ?= ?"?(\w+)"?', detection.pattern))
    covered = {case.record["eventName"] for case in CASES if detection.name in case.expect and not case.member_copy}
    assert names - covered == set(), f"event names without a positive case: {sorted(names - covered)}"


def test_member_copies_change_only_the_account() -> None:
    original = next(case for case in CASES if not case.member_copy and MANAGEMENT_ACCOUNT in json.dumps(case.record))
    copy = original.as_member_copy()
    assert copy.record["recipientAccountId"] != original.record["recipientAccountId"]
    assert copy.record["eventName"] == original.record["eventName"]


def _original_cases() -> list[Case]:
    # EventBridge rules see the management account's own bus only: member copies never reach it.
    return [case for case in CASES if not case.member_copy]


@pytest.mark.parametrize("detection", event_detections(), ids=[d.name for d in event_detections()])
def test_event_pattern_matches_exactly_its_corpus_cases_on_eventbridge(local_aws: LocalAws, detection: object) -> None:
    from constructs_lib.detections import EventDetection

    assert isinstance(detection, EventDetection)
    events = local_aws.client("events")
    wrong = []
    for case in _original_cases():
        result = events.test_event_pattern(
            EventPattern=detection.event_pattern_json, Event=json.dumps(eventbridge_event(case.record))
        )["Result"]
        expected = detection.name in case.expect
        if result != expected:
            wrong.append(f"{case.id}: {'missed' if expected else 'matched'}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("caller", BENIGN_DENIALS, ids=[caller.name for caller in BENIGN_DENIALS])
def test_each_benign_denial_is_left_out_and_a_real_one_of_the_same_shape_still_counts(caller: BenignCaller) -> None:
    by_id = {case.id: case for case in CASES}
    benign, real = by_id[f"noise-{caller.name}"], by_id[f"noise-{caller.name}-real-denial"]
    for detection, scope in ((ACCESS_DENIED, Scope.MANAGEMENT_ACCOUNT), (ACCESS_DENIED, Scope.ORGANIZATION)):
        pattern = parse(detection.filter_pattern(MANAGEMENT_ACCOUNT, scope))
        assert not pattern.matches(benign.record)
        assert pattern.matches(real.record)
    # CIS exact stays verbatim and counts both; management-only (scoped) leaves the benign one out.
    cis = CATALOGUE["cis-unauthorized-api-calls"]
    assert isinstance(cis, LogDetection)
    assert parse(cis.pattern).matches(benign.record)
    assert parse(cis.pattern).matches(real.record)
    assert not parse(cis.scoped_pattern(MANAGEMENT_ACCOUNT)).matches(benign.record)
    assert parse(cis.scoped_pattern(MANAGEMENT_ACCOUNT)).matches(real.record)
    assert benign.record["eventSource"] == real.record["eventSource"]
