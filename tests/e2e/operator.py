"""The operator commands as a user runs them (``python -m ops ... --json``) against the local AWS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.local_aws import LocalAws

ROOT = Path(__file__).resolve().parents[2]


def ops(aws: LocalAws, *args: str) -> tuple[int, dict[str, Any]]:
    """``python -m ops ARGS --json`` against the local AWS: exit code and the JSON report."""
    env = {**os.environ, "AWS_ENDPOINT_URL": aws.endpoint}
    result = subprocess.run(
        [sys.executable, "-m", "ops", *args, "--json"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["ok"] is (result.returncode == 0)
    return result.returncode, report


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {result["item"]: result["status"] for result in report["results"]}


def failures(report: dict[str, Any]) -> dict[str, str]:
    """The failed items, each with the fix it names."""
    return {result["item"]: result["fix"] for result in report["results"] if result["status"] == "fail"}


def deliver_trail_event(aws: LocalAws, log_group: str) -> None:
    """What CloudTrail does a few minutes after any call: an event in the trail's log group."""
    logs = aws.client("logs")
    stream = f"{aws.account_id}_CloudTrail_us-east-1"
    logs.create_log_stream(logGroupName=log_group, logStreamName=stream)
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=log_group, logStreamName=stream, logEvents=[{"timestamp": now, "message": '{"eventName":"x"}'}]
    )
