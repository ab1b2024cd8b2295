"""The opt-in AWS check's plumbing (batches of 50, 1-based event numbers), with AWS replaced by
the local evaluators, and its refusal to run without credentials."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.events.models import EventPattern

from tests.filter_pattern import parse
from tools import check_patterns_on_aws


class FakeLogs:
    def __init__(self, flip: str | None = None) -> None:
        self.flip = flip

    def test_metric_filter(self, filterPattern: str, logEventMessages: list[str]) -> dict[str, Any]:  # noqa: N803
        assert len(logEventMessages) <= check_patterns_on_aws.BATCH
        pattern = parse(filterPattern)
        matches = []
        for number, message in enumerate(logEventMessages, start=1):
            record = json.loads(message)
            if pattern.matches(record) != (self.flip == record["eventID"]):
                matches.append({"eventNumber": number, "eventMessage": message})
        return {"matches": matches}


class FakeEvents:
    def test_event_pattern(self, EventPattern: str, Event: str) -> dict[str, bool]:  # noqa: N803
        return {"Result": _match(EventPattern, Event)}


def _match(pattern: str, event: str) -> bool:
    return EventPattern.load(pattern).matches_event(json.loads(event))


class FakeSession:
    def __init__(self, logs: FakeLogs) -> None:
        self.logs = logs

    def client(self, service: str) -> Any:
        if service == "sts":
            return type("Sts", (), {"get_caller_identity": lambda _self: {"Account": "111111111111"}})()
        return {"logs": self.logs, "events": FakeEvents()}[service]


def test_agreeing_answers_pass(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(boto3, "Session", lambda **_: FakeSession(FakeLogs()))
    assert check_patterns_on_aws.main() == 0
    assert "; 0 disagree with the corpus" in capsys.readouterr().out


def test_one_wrong_answer_in_a_later_batch_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tools.detection_corpus import load_cases

    late = load_cases()[check_patterns_on_aws.BATCH + 3]  # the 4th record of the second batch
    monkeypatch.setattr(boto3, "Session", lambda **_: FakeSession(FakeLogs(flip=late.record["eventID"])))
    assert check_patterns_on_aws.main() == 1
    assert f" {late.id}: AWS says" in capsys.readouterr().out


@pytest.mark.usefixtures("no_aws_credentials")
def test_without_credentials_it_says_so_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_patterns_on_aws.main() == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: no usable AWS credentials")
    assert "\n" not in error


class ThrottledLogs(FakeLogs):
    def test_metric_filter(self, filterPattern: str, logEventMessages: list[str]) -> dict[str, Any]:  # noqa: N803, ARG002
        error = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}
        raise ClientError(error, "TestMetricFilter")


def test_a_failed_call_is_one_line_naming_it_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(boto3, "Session", lambda **_: FakeSession(ThrottledLogs()))
    assert check_patterns_on_aws.main() == 2
    captured = capsys.readouterr()
    assert captured.err == "aws-check: TestMetricFilter failed: ThrottlingException: Rate exceeded\n"
    assert "Traceback" not in captured.out + captured.err
