#!/usr/bin/env python
"""Opt-in: run the detection corpus through the real CloudWatch Logs and EventBridge APIs.

    ./run aws-check            (needs AWS credentials; calls only the read-only test APIs)

The test suite evaluates the metric-filter patterns with tests/filter_pattern.py (a local
evaluator of the CloudWatch Logs JSON syntax) and the EventBridge patterns with moto. This
script asks AWS itself, through TestMetricFilter and TestEventPattern, whether every
catalogue pattern matches exactly the corpus cases it must match, in every mode. It creates
nothing and changes nothing. Exit 1 on any disagreement, 2 without credentials or on a failed call
(one line naming it).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from ops.aws import SDK_FAILURES, failure_line
from tools.detection_corpus import event_detections, eventbridge_event, load_cases, log_checks

#: TestMetricFilter takes at most 50 events per call.
BATCH = 50


def main() -> int:
    session = boto3.Session(region_name="us-east-1")
    try:
        session.client("sts").get_caller_identity()
    except (NoCredentialsError, BotoCoreError, ClientError) as error:
        print(f"error: no usable AWS credentials ({error}); this check is opt-in", file=sys.stderr)
        return 2
    try:
        wrong, checks = _compare(session.client("logs"), session.client("events"))
    except SDK_FAILURES as error:  # a failed call, after the credentials worked: one line, no traceback
        print(f"aws-check: {failure_line(error)}", file=sys.stderr)
        return 2
    print(f"{checks} pattern/record pairs checked against AWS; {len(wrong)} disagree with the corpus")
    for line in wrong:
        print(f"  {line}")
    return 1 if wrong else 0


def _compare(logs: Any, events: Any) -> tuple[list[str], int]:
    """Each disagreement of AWS with the corpus, and how many pattern/record pairs were checked."""
    cases = load_cases()
    wrong: list[str] = []
    for check in log_checks():
        matched: set[int] = set()
        for start in range(0, len(cases), BATCH):
            batch = cases[start : start + BATCH]
            result = logs.test_metric_filter(
                filterPattern=check.pattern, logEventMessages=[json.dumps(case.record) for case in batch]
            )
            matched |= {start + match["eventNumber"] - 1 for match in result["matches"]}
        wrong += [
            f"{check.id} {case.id}: AWS says {'match' if index in matched else 'no match'}"
            for index, case in enumerate(cases)
            if (index in matched) != check.expected(case)
        ]
    originals = [case for case in cases if not case.member_copy]
    for detection in event_detections():
        for case in originals:
            result = events.test_event_pattern(
                EventPattern=detection.event_pattern_json, Event=json.dumps(eventbridge_event(case.record))
            )["Result"]
            if result != (detection.name in case.expect):
                wrong.append(f"{detection.name} {case.id}: AWS says {'match' if result else 'no match'}")
    checks = sum(1 for _ in log_checks()) * len(cases) + len(event_detections()) * len(originals)
    return wrong, checks


if __name__ == "__main__":
    sys.exit(main())
