"""``./run cost --from-account``: the volumes the cost model needs, read from the account.

Read-only, three sources: the log group's ``AWS/Logs`` ``IncomingBytes`` and
``IncomingLogEvents`` over the last 30 days (what CloudTrail delivered to it, uncompressed),
the organization's accounts (Organizations ``ListAccounts``), and its trails (CloudTrail
``DescribeTrails``: is there an organization trail besides the baseline's?). The arithmetic
stays in :mod:`ops.cost`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from app.config import BaselineConfig
from constructs_lib.names import BaselineNames
from ops.aws import Aws
from ops.verify import Expected

#: How far back the log group's metrics are read.
MEASURED_DAYS = 30
_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Measured:
    """What the account says about the volumes over :data:`MEASURED_DAYS`."""

    log_group: str
    days: int
    #: Sums of ``AWS/Logs`` ``IncomingBytes`` and ``IncomingLogEvents`` over the days.
    incoming_bytes: Decimal
    incoming_events: Decimal
    #: The organization's active accounts, the management account included.
    accounts: int
    #: The organization trails that are not the baseline's (AWS Control Tower's, for one): with
    #: one, the baseline's own organization trail is a paid copy.
    other_trails: tuple[str, ...] = ()

    @property
    def event_size_bytes(self) -> Decimal:
        """The average event's size as the log group received it."""
        return self.incoming_bytes / self.incoming_events

    def events_per_month(self, hours_per_month: Decimal) -> Decimal:
        """The events the log group receives in a billing month of ``hours_per_month`` hours."""
        hours = Decimal(datetime.timedelta(days=self.days) // datetime.timedelta(hours=1))
        return self.incoming_events * hours_per_month / hours


def _metric_sum(aws: Aws, log_group: str, metric: str, end: datetime.datetime) -> tuple[Decimal, int]:
    """The sum of a log group's ``AWS/Logs`` metric over :data:`MEASURED_DAYS`, and its datapoints."""
    points = aws.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Logs",
        MetricName=metric,
        Dimensions=[{"Name": "LogGroupName", "Value": log_group}],
        StartTime=end - MEASURED_DAYS * _DAY,
        EndTime=end,
        Period=int(_DAY.total_seconds()),
        Statistics=["Sum"],
    )["Datapoints"]
    return sum((Decimal(str(point["Sum"])) for point in points), Decimal(0)), len(points)


def active_accounts(aws: Aws) -> int:
    """The organization's accounts that are active (suspended ones record no events)."""
    pages = aws.client("organizations").get_paginator("list_accounts").paginate()
    return sum(1 for page in pages for account in page["Accounts"] if account.get("Status", "ACTIVE") == "ACTIVE")


def other_organization_trails(aws: Aws, config: BaselineConfig) -> tuple[str, ...]:
    """The ARNs of the organization trails the account sees that are not the baseline's own
    (shadow trails included: an organization trail of another Region is still one)."""
    own = BaselineNames(config.name_prefix).trail
    trails = aws.client("cloudtrail").describe_trails(includeShadowTrails=True)["trailList"]
    return tuple(
        sorted({trail["TrailARN"] for trail in trails if trail.get("IsOrganizationTrail") and trail["Name"] != own})
    )


class NoDatapointsError(LookupError):
    """The log group recorded no events over the measured days (one line, names the log group)."""


def measure(aws: Aws, config: BaselineConfig, now: datetime.datetime | None = None) -> Measured:
    """The log group's incoming bytes and events over :data:`MEASURED_DAYS`, and the accounts.

    :class:`NoDatapointsError` when the log group received nothing: the estimate would be of no use.
    """
    log_group, end = Expected.of(config).log_group, now or datetime.datetime.now(datetime.UTC)
    events, points = _metric_sum(aws, log_group, "IncomingLogEvents", end)
    if not points or events <= 0:
        raise NoDatapointsError(
            f"no IncomingLogEvents datapoints for log group {log_group} in the last {MEASURED_DAYS} days: "
            "the trail does not deliver to it (see ./run verify), the baseline is not deployed with this config, "
            "or AWS_REGION is not us-east-1"
        )
    incoming_bytes, _points = _metric_sum(aws, log_group, "IncomingBytes", end)
    if incoming_bytes <= 0:
        raise NoDatapointsError(f"no IncomingBytes for log group {log_group} in the last {MEASURED_DAYS} days")
    return Measured(
        log_group, MEASURED_DAYS, incoming_bytes, events, active_accounts(aws), other_organization_trails(aws, config)
    )
