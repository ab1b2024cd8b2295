"""What ``verify`` and ``drill`` report: one result per item, as a table or as JSON.

The JSON shape (``--json``), documented in docs/operate.md::

    {"command": "verify", "ok": true,
     "results": [{"item": "...", "status": "pass", "detail": "...", "fix": null}, ...]}

``status`` is ``pass``, ``fail``, ``warn`` (alerts still reach a person, but something costs
more than it should: a second copy of the trail's events), ``skip`` (the config leaves the item
out), ``manual`` (a person must check it) or ``planned`` (``drill --dry-run``); ``ok`` is true
when no item failed; ``fix`` names the manual step or setting that fixes a failure or a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    #: Not a failure: alerts reach a person, but something costs more than it should.
    WARN = "warn"
    SKIP = "skip"
    MANUAL = "manual"
    #: ``drill --dry-run``: what the drill would do.
    PLANNED = "planned"


@dataclass(frozen=True)
class Result:
    """One item: what was checked or done, how it went, and what fixes a failure."""

    item: str
    status: Status
    detail: str
    fix: str | None = None


def passed(item: str, detail: str) -> Result:
    return Result(item, Status.PASS, detail)


def failed(item: str, detail: str, fix: str) -> Result:
    return Result(item, Status.FAIL, detail, fix)


def warned(item: str, detail: str, fix: str) -> Result:
    return Result(item, Status.WARN, detail, fix)


def aws_error(error: ClientError | BotoCoreError) -> str:
    """An AWS error in one line: its code and message, or botocore's text."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'Error')}: {details.get('Message', '')}".strip()
    return str(error)


def all_ok(results: Sequence[Result]) -> bool:
    return not any(result.status is Status.FAIL for result in results)


def as_json(command: str, results: Sequence[Result]) -> dict[str, Any]:
    return {
        "command": command,
        "ok": all_ok(results),
        "results": [{**asdict(result), "status": str(result.status)} for result in results],
    }
