"""The CloudTrail record corpus (tools/corpus/*.json) and what each catalogue entry must do with it.

Each case lists, in ``expect``, every catalogue entry that must match its record as it is
(the management account, ``111111111111``); every other entry must not. Member-account
copies are derived by replacing the management account id: organization-wide patterns
must treat them like the original, patterns scoped to the management account must not
match them. Shared by the tests and by ``tools/check_patterns_on_aws.py``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs_lib.detections import CATALOGUE, EventDetection, LogDetection, Scope

CORPUS = Path(__file__).resolve().parent / "corpus"
MANAGEMENT_ACCOUNT = "111111111111"
MEMBER_ACCOUNT = "999988887777"


@dataclass(frozen=True)
class Case:
    id: str
    expect: frozenset[str]
    record: dict[str, Any]
    member_copy: bool = False
    #: Entries in ``expect`` whose pattern scoped to the management account leaves the record
    #: out (a known-benign denial: the CIS pattern as written counts it, ``management-only`` not).
    left_out_when_scoped: frozenset[str] = frozenset()

    def as_member_copy(self) -> Case:
        text = json.dumps(self.record).replace(MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT)
        return Case(f"{self.id}@member", self.expect, json.loads(text), True, self.left_out_when_scoped)


def load_cases() -> list[Case]:
    cases = [
        Case(
            item["id"],
            frozenset(item["expect"]),
            item["record"],
            False,
            frozenset(item.get("left_out_when_scoped", [])),
        )
        for path in sorted(CORPUS.glob("*.json"))
        for item in json.loads(path.read_text(encoding="utf-8"))
    ]
    return cases + [case.as_member_copy() for case in cases]


@dataclass(frozen=True)
class Check:
    """One pattern of one entry, as one mode of the config synthesizes it."""

    detection: LogDetection
    scope: Scope

    @property
    def id(self) -> str:
        return f"{self.detection.name}[{self.scope}]"

    @property
    def pattern(self) -> str:
        return self.detection.filter_pattern(MANAGEMENT_ACCOUNT, self.scope)

    def expected(self, case: Case) -> bool:
        if self.detection.name not in case.expect:
            return False
        if self.scope is Scope.MANAGEMENT_ACCOUNT and self.detection.name in case.left_out_when_scoped:
            return False
        recorded_for = case.record.get("recipientAccountId")
        return self.scope is Scope.ORGANIZATION or recorded_for == MANAGEMENT_ACCOUNT


def log_checks() -> Iterator[Check]:
    """Every log pattern the config can produce: seed entries in their scope, CIS entries in both
    ``exact`` (organization-wide) and ``management-only`` mode."""
    for detection in CATALOGUE.values():
        if not isinstance(detection, LogDetection):
            continue
        scopes = [detection.scope] if detection.pack == "seed" else [Scope.ORGANIZATION, Scope.MANAGEMENT_ACCOUNT]
        for scope in scopes:
            yield Check(detection, scope)


def event_detections() -> list[EventDetection]:
    return [entry for entry in CATALOGUE.values() if isinstance(entry, EventDetection)]


def eventbridge_event(record: dict[str, Any]) -> dict[str, Any]:
    """The event EventBridge puts on the account's default bus for a CloudTrail record."""
    detail_types = {
        "AwsConsoleSignIn": "AWS Console Sign In via CloudTrail",
        "AwsServiceEvent": "AWS Service Event via CloudTrail",
    }
    return {
        "version": "0",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, record["eventID"])),
        "detail-type": detail_types.get(record["eventType"], "AWS API Call via CloudTrail"),
        "source": "aws." + record["eventSource"].split(".")[0],
        "account": record["recipientAccountId"],
        "time": record["eventTime"],
        "region": record["awsRegion"],
        "resources": [],
        "detail": record,
    }
