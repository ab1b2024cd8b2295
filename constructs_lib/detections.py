"""Detections as data: what the baseline watches for in the trail's log group.

Each entry becomes one metric filter and one alarm through :class:`LogMetricAlarm`; adding
a detection is adding an entry, not copying code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    """Whose events a detection counts."""

    #: Only events recorded for the management account (``recipientAccountId``). An
    #: organization trail carries every member account's events too; the management
    #: account is meant to be quiet, so its own events are the signal.
    MANAGEMENT_ACCOUNT = "management-account"
    #: Events of every account in the organization.
    ORGANIZATION = "organization"


@dataclass(frozen=True, kw_only=True)
class LogDetection:
    """One CloudWatch Logs metric filter + alarm on the organization trail's log group."""

    #: Stable key: part of construct ids and resource names. Changing it replaces resources.
    name: str
    #: What the alarm means, shown as the alarm description.
    description: str
    #: The event test in CloudWatch Logs JSON filter-pattern syntax, without the braces.
    condition: str
    #: Name of the metric the filter counts into.
    metric_name: str
    #: Whose events count. Default: the management account only.
    scope: Scope = Scope.MANAGEMENT_ACCOUNT

    def filter_pattern(self, management_account_id: str) -> str:
        """The full filter pattern, scoped to ``management_account_id`` where asked."""
        if self.scope is Scope.ORGANIZATION:
            return f"{{ {self.condition} }}"
        return f'{{ ({self.condition}) && ($.recipientAccountId = "{management_account_id}") }}'


CONSOLE_SIGN_IN = LogDetection(
    name="console-sign-in",
    description="Someone signed in to the AWS console of the management account.",
    condition='$.eventName = "ConsoleLogin"',
    metric_name="ConsoleSignInCount",
)

ACCESS_DENIED = LogDetection(
    name="access-denied",
    description="A request to the management account was denied (AccessDenied*, *UnauthorizedOperation).",
    condition='($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation")',
    metric_name="AccessDeniedCount",
)

#: The detections of the seed article, in the order they are created.
SEED_DETECTIONS: tuple[LogDetection, ...] = (CONSOLE_SIGN_IN, ACCESS_DENIED)
