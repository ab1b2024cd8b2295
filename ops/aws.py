"""The AWS account the operator commands talk to, through the standard SDK environment."""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from functools import cache, cached_property
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

#: Calls give up after a few attempts instead of hanging on an unreachable endpoint.
_CLIENT_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=30)


def sdk_session(default_region: str | None = None) -> boto3.Session:
    """The SDK environment's session. Its region: ``AWS_REGION``, the variable the AWS SDKs read
    (boto3 reads only ``AWS_DEFAULT_REGION`` and the profile's ``region``), then those, then
    ``default_region`` (the config's: the baseline lives there)."""
    session = boto3.Session(region_name=os.environ.get("AWS_REGION") or None)
    if session.region_name is None and default_region:
        session = boto3.Session(region_name=default_region)
    return session


class Aws:
    """Clients of one session: ``AWS_PROFILE``, ``AWS_REGION`` (or ``AWS_DEFAULT_REGION``) and
    ``AWS_ENDPOINT_URL`` (a local AWS) apply as in every AWS SDK; without a region, ``default_region``."""

    def __init__(self, session: boto3.Session | None = None, *, default_region: str | None = None) -> None:
        self.session = session or sdk_session(default_region)

    @property
    def region(self) -> str | None:
        region: str | None = self.session.region_name
        return region

    @cache  # noqa: B019  # one client per service for the life of the object
    def client(self, service: str) -> Any:
        return self.session.client(service, config=_CLIENT_CONFIG)

    @cached_property
    def account_id(self) -> str:
        """The account of the credentials (one STS call for the life of the object)."""
        account: str = self.client("sts").get_caller_identity()["Account"]
        return account


#: DescribeAlarms takes at most this many names.
_ALARM_NAMES_PER_CALL = 100


def metric_alarms(aws: Aws, names: Sequence[str]) -> dict[str, Any]:
    """The metric alarms of ``names`` that exist, by name."""
    cloudwatch, found = aws.client("cloudwatch"), {}
    for start in range(0, len(names), _ALARM_NAMES_PER_CALL):
        chunk = list(names[start : start + _ALARM_NAMES_PER_CALL])
        for alarm in cloudwatch.describe_alarms(AlarmNames=chunk)["MetricAlarms"]:
            found[alarm["AlarmName"]] = alarm
    return found


def action_history(aws: Aws, alarm: str, since: datetime.datetime) -> list[str]:
    """The summaries of ``alarm``'s ``Action`` history items since ``since`` (its notifications)."""
    history = aws.client("cloudwatch").describe_alarm_history(
        AlarmName=alarm, HistoryItemType="Action", StartDate=since, MaxRecords=100
    )["AlarmHistoryItems"]
    return [item.get("HistorySummary", "") for item in history]


def is_failure(summary: str) -> bool:
    """An alarm history ``Action`` item that records a failed notification."""
    return summary.startswith("Failed")


def rule_metric(
    aws: Aws, rule: str, metric: str, start: datetime.datetime, end: datetime.datetime, *, period: int
) -> float:
    """The sum of an EventBridge rule's ``AWS/Events`` ``metric`` (``Invocations``, ...) over a window."""
    points = aws.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Events",
        MetricName=metric,
        Dimensions=[{"Name": "RuleName", "Value": rule}],
        StartTime=start,
        EndTime=end,
        Period=period,
        Statistics=["Sum"],
    )["Datapoints"]
    return float(sum(point["Sum"] for point in points))


#: The error codes AWS services answer a missing resource with, besides ``*NotFoundException``.
_NOT_FOUND_CODES = frozenset({"NotFound", "ResourceNotFound", "NoSuchEntity", "NoSuchBucket"})


def is_not_found(error: ClientError | BotoCoreError) -> bool:
    """Whether AWS answered that the resource does not exist (not that it refused the caller)."""
    if not isinstance(error, ClientError):
        return False
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code.endswith("NotFoundException") or code in _NOT_FOUND_CODES


def unreadable_fix(error: ClientError | BotoCoreError, aws: Aws, name_prefix: str) -> str:
    """The fix for a call that failed: a missing resource names where the commands looked and the
    likely causes; anything else is the credentials' permissions."""
    if is_not_found(error):
        return (
            f"not found with name_prefix {name_prefix!r} in account {aws.account_id}, {aws.region}: the baseline "
            "is deployed with another prefix (--config), in another account or region, or not yet"
        )
    return "check the credentials' permissions"
