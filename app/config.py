"""The one source of truth for the baseline's inputs.

Every field has a documented default, so the default configuration synthesizes with no
file at all. A TOML file overrides any subset of the fields; unknown keys are rejected.
Errors are reported as one line that names the field and what is allowed.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.fields import FieldInfo

from app.rules import Checked, ModelRule, Rule, checked, each, hcl, optional, shown, shown_name
from constructs_lib.choice import DetectionChoice
from constructs_lib.detections import (
    ACCESS_DENIED,
    ALARM_DEFAULTS,
    CATALOGUE,
    IGNORED_EVENT_SOURCE,
    IGNORED_PRINCIPAL,
    LOG_DETECTION_NAMES,
    Detection,
    LogDetection,
    Pack,
    ignored_clauses,
    organization_wide_by_default,
)
from constructs_lib.home import HOME_REGION
from constructs_lib.names import BaselineNames

#: Retention values CloudWatch Logs accepts (PutRetentionPolicy) that also meet the CIS
#: recommendation of keeping audit logs for at least a year.
ALLOWED_LOG_RETENTION_DAYS: tuple[int, ...] = (
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

#: The least number of days audit logs are kept anywhere (CIS).
MIN_LOG_DAYS = 365
#: 2-24 characters: the longest derived name, ``<prefix>-organization-trail-cloudwatch-logs``
#: (an IAM role), must stay within IAM's 64, with room for longer detection names.
NAME_PREFIX_PATTERN = r"^[a-z][a-z0-9-]{0,22}[a-z0-9]$"
NAME_PREFIX_RULE = (
    "must be 2-24 characters of lowercase letters, digits and hyphens, "
    "starting with a letter and not ending with a hyphen"
)
#: Bucket name prefixes and suffixes S3 reserves (Amazon S3 User Guide, "General purpose
#: bucket naming rules"): a bucket named with one is refused at create time.
RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
RESERVED_PREFIX_RULE = (
    f"must not start with {', '.join(RESERVED_BUCKET_PREFIXES)} (bucket name prefixes S3 reserves; "
    "the bucket names start with the prefix)"
)
#: Whitespace spelled out: Python's \s also matches Unicode spaces, Terraform's (RE2) does not.
EMAIL_PATTERN = r"^[^@\t\n\f\r ]+@[^@\t\n\f\r ]+\.[A-Za-z]{2,}$"
MAX_BUDGET_USD = 1_000_000_000


@dataclass(frozen=True)
class ModuleInput:
    """Marks a config field that the Terraform module flavour exposes as a variable.

    The variable has the field's name, description and default, and a ``validation`` block
    for each of the field's rules (:mod:`app.rules`): the same check and message as the app's.
    """


@dataclass(frozen=True)
class AppOnly:
    """Marks a config field that only the cdktf app has; ``reason`` says why the module has not."""

    reason: str


@dataclass(frozen=True)
class Renamed:
    """Marks a config field that was renamed: the app still reads it into ``to`` with a one-line
    warning, the module refuses it with a message that names ``to`` (a module cannot warn)."""

    to: str


IS_BOOL = Rule("must be true or false", lambda v: isinstance(v, bool))
#: A bool that TOML must spell true or false (no "yes", no 1); Terraform's bool type does the same.
StrictBool = Annotated[bool, checked(IS_BOOL)]


#: AWS tagging rules ("Tagging AWS resources", Tag naming limits and requirements): at most 50
#: tags a resource, keys of 1-128 and values of 0-256 characters, of letters, numbers, spaces
#: and _ . : / = + - @, and no key starting with the reserved aws: prefix.
MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE = 50, 128, 256
TAG_CHARACTERS = "letters, numbers, spaces and _ . : / = + - @"
TAG_KEY_RULE = f"must be 1-{MAX_TAG_KEY} characters of {TAG_CHARACTERS}, not starting with 'aws:'"
TAG_VALUE_RULE = f"must be at most {MAX_TAG_VALUE} characters of {TAG_CHARACTERS}"


def _tag_text(text: str) -> bool:
    """Only the characters AWS allows in tags: Unicode letters (L), numbers (N), separators (Z), _.:/=+-@."""
    return all(unicodedata.category(ch)[0] in "LNZ" or ch in "_.:/=+-@" for ch in text)


STATE_BUCKET_PATTERN = r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"
MAX_PORT = 65535
_LOOPBACK_ENDPOINT = re.compile(r"^https?://(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}$")


DEFAULT_BOOTSTRAP_STATE_PATH = "terraform.state-bootstrap.tfstate"
DEFAULT_BOOTSTRAP_KEY = "state-bootstrap/terraform.tfstate"


class StateConfig(BaseModel):
    """Where Terraform keeps the baseline's state: the S3 backend, with S3-native locking."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bucket: Annotated[
        str | None,
        Field(
            description=(
                "S3 bucket of the Terraform state, created by the state-bootstrap stack. "
                "Default: `<name_prefix>-terraform-state`; bucket names are global, so choose "
                "a unique one for a real account."
            ),
        ),
    ] = None
    key: Annotated[
        str,
        Field(description="Object key of the baseline's state in the state bucket."),
    ] = "management-account-baseline/terraform.tfstate"
    bootstrap_state_path: Annotated[
        str,
        Field(
            description=(
                "Local file holding the state-bootstrap stack's own state while `bootstrap_backend` is "
                "`local`, relative to the folder the synth runs in (written into the stack relative "
                "to its own folder: no machine path)."
            ),
        ),
    ] = DEFAULT_BOOTSTRAP_STATE_PATH
    bootstrap_backend: Annotated[
        Literal["local", "s3"],
        Field(
            description=(
                "Where the state-bootstrap stack keeps its own state: `local` (the file "
                "`bootstrap_state_path`; the first apply must, as the bucket does not exist yet) or `s3` "
                "(the state bucket it created, under `bootstrap_key`, so a second operator or CI can "
                "manage the bucket). Switch with `terraform init -migrate-state` (docs/deploy.md)."
            ),
        ),
    ] = "local"
    bootstrap_key: Annotated[
        str,
        Field(description="Object key of the state-bootstrap stack's own state in the state bucket (`s3`)."),
    ] = DEFAULT_BOOTSTRAP_KEY

    @field_validator("bucket")
    @classmethod
    def _check_bucket(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not re.fullmatch(STATE_BUCKET_PATTERN, value):
            raise ValueError(
                f"must be a bucket name of 3-63 lowercase letters, digits and hyphens (got {shown(value)})"
            )
        if value.startswith(RESERVED_BUCKET_PREFIXES) or value.endswith(RESERVED_BUCKET_SUFFIXES):
            raise ValueError(
                f"must not start with {', '.join(RESERVED_BUCKET_PREFIXES)} or end with "
                f"{', '.join(RESERVED_BUCKET_SUFFIXES)}: S3 reserves them (got {shown(value)})"
            )
        return value

    @field_validator("bootstrap_state_path")
    @classmethod
    def _check_bootstrap_state_path(cls, value: str) -> str:
        if not value.strip() or "\0" in value:
            raise ValueError(f"must be the path of a file (got {shown(value)})")
        return value

    @field_validator("key", "bootstrap_key")
    @classmethod
    def _check_key(cls, value: str) -> str:
        if not 1 <= len(value) <= 1024 or value.startswith("/"):
            raise ValueError(f"must be 1-1024 characters and not start with '/' (got {shown(value)})")
        return value

    @model_validator(mode="after")
    def _check_bootstrap(self) -> Self:
        if self.bootstrap_backend == "s3" and self.bootstrap_state_path != DEFAULT_BOOTSTRAP_STATE_PATH:
            raise ValueError(
                "bootstrap_state_path has no effect while bootstrap_backend is s3: leave it out, or set "
                f"bootstrap_backend = 'local' (got {shown(self.bootstrap_state_path)})"
            )
        if self.bootstrap_backend == "local" and self.bootstrap_key != DEFAULT_BOOTSTRAP_KEY:
            raise ValueError(
                "bootstrap_key has no effect while bootstrap_backend is local: leave it out, or set "
                f"bootstrap_backend = 's3' (got {shown(self.bootstrap_key)})"
            )
        if self.bootstrap_key == self.key:
            raise ValueError(
                f"bootstrap_key must differ from key: the two stacks' states would overwrite each other "
                f"(both {shown(self.key)})"
            )
        return self


#: GitHub's rules for an owner (user or organization: 1-39 letters, digits and single hyphens, not at
#: either end) and a repository name (1-100 letters, digits, '.', '_' and '-', but not '.' or '..').
GITHUB_REPOSITORY_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}/[A-Za-z0-9._-]{1,100}$"
GITHUB_REPOSITORY_RULE = (
    "must be owner/name as GitHub spells it: an owner of 1-39 letters, digits and single hyphens, and a "
    "repository name of 1-100 letters, digits, '.', '_' and '-'"
)
#: git check-ref-format, as far as a branch name in a token's ``sub`` claim needs it.
_BRANCH_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")
#: GitHub: "An environment name may not exceed 255 characters".
MAX_ENVIRONMENT_NAME = 255
#: IAM CreateRole MaxSessionDuration: 3,600 to 43,200 seconds.
MIN_SESSION_HOURS, MAX_SESSION_HOURS = 1, 12


class CiConfig(BaseModel):
    """GitHub Actions' identity in the account, made by the state-bootstrap stack: the OIDC provider,
    a plan role for pull requests and the default branch, an apply role for one environment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    github_repository: Annotated[
        str,
        Field(
            description=(
                "The repository whose workflows may assume the roles, `owner/name` as GitHub spells it "
                "(IAM compares the token's `sub` claim case-sensitively)."
            )
        ),
    ]
    default_branch: Annotated[
        str,
        Field(
            description=(
                "The repository's default branch: its pushes and the nightly drift run (`ref:refs/heads/<branch>`) "
                "may assume the plan role, as pull requests may; no other branch may."
            )
        ),
    ] = "main"
    apply_environment: Annotated[
        str,
        Field(
            description=(
                "The GitHub environment the apply workflow runs in: only its jobs (`environment:<name>`) may "
                "assume the apply role. Protect it with required reviewers: they are the gate before an apply."
            )
        ),
    ] = "production"
    oidc_provider: Annotated[
        Literal["create", "existing"],
        Field(
            description=(
                "`create` the IAM OIDC provider for token.actions.githubusercontent.com (audience "
                "sts.amazonaws.com), or use the `existing` one: an account holds one provider per URL."
            )
        ),
    ] = "create"
    max_session_hours: Annotated[
        int,
        Field(description="The roles' longest session, in whole hours (1-12; IAM's MaxSessionDuration)."),
    ] = 1

    @model_validator(mode="before")
    @classmethod
    def _needs_the_repository(cls, data: object) -> object:
        if isinstance(data, dict) and "github_repository" not in data:
            raise ValueError(
                "github_repository is required: without the repository whose workflows may assume the roles, "
                "[ci] makes nothing (remove the table, or name owner/name)"
            )
        return data

    @field_validator("github_repository")
    @classmethod
    def _check_repository(cls, value: str) -> str:
        if not re.fullmatch(GITHUB_REPOSITORY_PATTERN, value) or value.split("/")[1] in (".", ".."):
            raise ValueError(f"{GITHUB_REPOSITORY_RULE} (got {shown(value)})")
        return value

    @field_validator("default_branch")
    @classmethod
    def _check_branch(cls, value: str) -> str:
        if (
            not value
            or len(value) > MAX_ENVIRONMENT_NAME
            or _BRANCH_FORBIDDEN.search(value)
            or value.startswith(("/", "-", "refs/"))
            or value.endswith(("/", ".", ".lock"))
        ):
            raise ValueError(
                "must be a branch name without refs/heads/ (git check-ref-format: no spaces, ~ ^ : ? * [ \\, "
                f"'..' or '//', not ending in '/', '.' or '.lock') (got {shown(value)})"
            )
        return value

    @field_validator("apply_environment")
    @classmethod
    def _check_environment(cls, value: str) -> str:
        if not value.strip() or len(value) > MAX_ENVIRONMENT_NAME or any(ch < " " for ch in value):
            raise ValueError(
                f"must be a GitHub environment name of 1-{MAX_ENVIRONMENT_NAME} characters, not blank "
                f"(got {shown(value)})"
            )
        return value

    @field_validator("max_session_hours", mode="before")
    @classmethod
    def _check_hours(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_SESSION_HOURS <= value <= MAX_SESSION_HOURS:
            raise ValueError(
                f"must be a whole number of hours from {MIN_SESSION_HOURS} to {MAX_SESSION_HOURS} (got {shown(value)})"
            )
        return value


CIS_PACK_MODES = ("off", "exact", "management-only")
#: CloudWatch PutMetricAlarm: Period x EvaluationPeriods "can't be more than 604,800 seconds"
#: (seven days), and no more than 86,400 (one day) for a period under an hour. Metric
#: filters publish one-minute data, so a 10, 20 or 30 second period (a high-resolution alarm)
#: "might often lapse into INSUFFICIENT_DATA": only whole minutes are allowed.
MAX_EVALUATION_SECONDS, MAX_SHORT_EVALUATION_SECONDS, HOUR = 604_800, 86_400, 3_600
_PERIOD_RULE = (
    f"must be a multiple of 60 seconds, up to {MAX_EVALUATION_SECONDS} (metric filters publish one-minute data)"
)
_RANGE_RULE = (
    f"period x evaluation_periods must be at most {MAX_EVALUATION_SECONDS} seconds (7 days), "
    f"or {MAX_SHORT_EVALUATION_SECONDS} (1 day) for a period under {HOUR} (CloudWatch PutMetricAlarm)"
)
_NAMES_RULE = "must name entries of the detection catalogue"


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(shown_name(name) for name in names)


#: The catalogue entries that only ``cis_pack`` builds.
CIS_DETECTIONS = tuple(name for name, detection in CATALOGUE.items() if detection.pack is Pack.CIS)
_CIS_OFF_RULE = "name CIS detections while cis_pack is off, so nothing is built for them: set cis_pack or remove them"
_DISABLED_OVERRIDE_RULE = "an override of a disabled detection has no effect: remove one of the two"


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def one_of(allowed: tuple[Any, ...]) -> Rule:
    """The value is one of ``allowed`` (a bool is not 1)."""
    return Rule(
        f"must be one of {', '.join(str(item) for item in allowed)}",
        lambda value: not isinstance(value, bool) and value in allowed,
        f"contains({hcl(list(allowed))}, {{v}})",
    )


THRESHOLD = Rule("must be a finite number of at least 0", lambda v: _number(v) and 0 <= float(v) < math.inf, "{v} >= 0")
PERIOD = Rule(
    _PERIOD_RULE,
    lambda v: _whole(v) and v % 60 == 0 and 60 <= v <= MAX_EVALUATION_SECONDS,
    f"{{v}} % 60 == 0 && {{v}} >= 60 && {{v}} <= {MAX_EVALUATION_SECONDS}",
)
EVALUATION_PERIODS = Rule(
    "must be a whole number from 1 to 100",
    lambda v: _whole(v) and 1 <= v <= 100,
    "{v} >= 1 && {v} <= 100 && floor({v}) == {v}",
)


def _evaluation_range(override: Any) -> tuple[int, int]:
    """The override's period and evaluation periods, each the catalogue's default when unset."""
    return override.period or ALARM_DEFAULTS.period, override.evaluation_periods or ALARM_DEFAULTS.evaluation_periods


def _within_range(override: Any) -> bool:
    period, periods = _evaluation_range(override)
    return period * periods <= (MAX_SHORT_EVALUATION_SECONDS if period < HOUR else MAX_EVALUATION_SECONDS)


_PERIOD_HCL, _PERIODS_HCL = (
    f"coalesce({{v}}.period, {ALARM_DEFAULTS.period})",
    f"coalesce({{v}}.evaluation_periods, {ALARM_DEFAULTS.evaluation_periods})",
)


def _range_detail(override: Any) -> str:
    period, periods = _evaluation_range(override)
    return f"got {period} x {periods} = {period * periods}"


EVALUATION_RANGE = ModelRule(
    _RANGE_RULE,
    _within_range,
    f"{_PERIOD_HCL} * {_PERIODS_HCL} <= "
    f"({_PERIOD_HCL} < {HOUR} ? {MAX_SHORT_EVALUATION_SECONDS} : {MAX_EVALUATION_SECONDS})",
    detail=_range_detail,
)


class AlarmOverride(Checked):
    """Alarm settings of one log detection; unset fields keep the catalogue's defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    RULES = (EVALUATION_RANGE,)

    threshold: Annotated[
        float | None,
        Field(description=f"Fires when the count in a period is above this (default {ALARM_DEFAULTS.threshold:g})."),
        checked(optional(THRESHOLD, ALARM_DEFAULTS.threshold)),
    ] = None
    period: Annotated[
        int | None,
        Field(description=f"Period in seconds (default {ALARM_DEFAULTS.period})."),
        checked(optional(PERIOD, ALARM_DEFAULTS.period)),
    ] = None
    evaluation_periods: Annotated[
        int | None,
        Field(description=f"Breaching periods before it fires (default {ALARM_DEFAULTS.evaluation_periods})."),
        checked(optional(EVALUATION_PERIODS, ALARM_DEFAULTS.evaluation_periods)),
    ] = None


IS_LIST_OF_NAMES = Rule(
    "must be a list of detection names",
    lambda v: isinstance(v, list | tuple) and all(isinstance(name, str) for name in v),
)
CATALOGUE_NAMES = each(
    Rule("", lambda name: name in CATALOGUE, f"contains({hcl(list(CATALOGUE))}, {{v}})"),
    f"{_NAMES_RULE} ({', '.join(CATALOGUE)})",
)
IS_TABLE_OF_OVERRIDES = Rule("must be a table of log detection names to alarm settings", lambda v: isinstance(v, dict))
LOG_DETECTION_KEYS = Rule(
    f"must name log detections ({', '.join(LOG_DETECTION_NAMES)})",
    lambda table: all(name in LOG_DETECTION_NAMES for name in table),
    f"length(setsubtract(keys({{v}}), {hcl(list(LOG_DETECTION_NAMES))})) == 0",
    culprit=lambda table: next(name for name in table if name not in LOG_DETECTION_NAMES),
)


#: An ignored principal: an ARN, or its end after a leading ``*``; a ``*`` only first or last
#: (CloudWatch Logs reads a ``*`` anywhere else as the character).
PRINCIPAL_PATTERN = r"^(\*|arn:)[A-Za-z0-9+=,.@_/:-]{2,200}\*?$"
EVENT_SOURCE_PATTERN = r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$"
MAX_IGNORED = 20
#: The longest filter pattern CloudWatch Logs takes (PutMetricFilter's ``filterPattern``).
MAX_FILTER_PATTERN = 1024
_SAMPLE_ACCOUNT = "123456789012"
IS_LIST_OF_TEXT = Rule(
    "must be a list of text", lambda v: isinstance(v, list | tuple) and all(isinstance(i, str) for i in v)
)
AT_MOST_IGNORED = Rule(
    f"must list at most {MAX_IGNORED} entries", lambda v: len(v) <= MAX_IGNORED, f"length({{v}}) <= {MAX_IGNORED}"
)
PRINCIPALS = each(
    Rule("", lambda a: re.fullmatch(PRINCIPAL_PATTERN, a) is not None, f"can(regex({hcl(PRINCIPAL_PATTERN)}, {{v}}))"),
    "must contain principal ARNs (arn:aws:sts::111122223333:assumed-role/ci-deployer/*) or their ends after "
    "a leading *, with a * only first or last and no quotes, spaces or backslashes",
)
#: A role's sessions are logged as ``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``: an IAM role
#: ARN would match no denial.
NOT_A_ROLE = each(
    Rule("", lambda a: ":role/" not in a, 'strcontains({v}, ":role/") == false'),
    "must not name an IAM role (arn:aws:iam::...:role/...): CloudTrail logs its sessions as "
    "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION",
)
EVENT_SOURCES = each(
    Rule(
        "",
        lambda a: re.fullmatch(EVENT_SOURCE_PATTERN, a) is not None,
        f"can(regex({hcl(EVENT_SOURCE_PATTERN)}, {{v}}))",
    ),
    "must contain event sources such as tagging.amazonaws.com",
)


def _access_denied_length(detections: Any) -> int:
    left_out = ignored_clauses(tuple(detections.ignored_principals), tuple(detections.ignored_event_sources))
    return len(ACCESS_DENIED.scoped_pattern(_SAMPLE_ACCOUNT, left_out))


_BASE = len(ACCESS_DENIED.scoped_pattern(_SAMPLE_ACCOUNT))
_PER_PRINCIPAL, _PER_SOURCE = len(IGNORED_PRINCIPAL) - 2, len(IGNORED_EVENT_SOURCE) - 2
IGNORED_PATTERN_FITS = ModelRule(
    f"ignored_principals and ignored_event_sources make the access-denied pattern longer than the "
    f"{MAX_FILTER_PATTERN} characters CloudWatch Logs takes: list fewer or shorter ones",
    lambda d: _access_denied_length(d) <= MAX_FILTER_PATTERN,
    f"{_BASE} + sum(concat([0], [for p in {{v}}.ignored_principals : {_PER_PRINCIPAL} + length(p)], "
    f"[for s in {{v}}.ignored_event_sources : {_PER_SOURCE} + length(s)])) <= {MAX_FILTER_PATTERN}",
    detail=lambda d: f"got {_access_denied_length(d)} characters",
)


def _exclusions_apply(d: Any) -> bool:
    scoped_cis = d.cis_pack == "management-only" and "cis-unauthorized-api-calls" not in d.disabled
    return "access-denied" not in d.disabled or scoped_cis


IGNORED_WHILE_DISABLED = ModelRule(
    "ignored_principals and ignored_event_sources leave denials out of access-denied and, with cis_pack "
    "management-only, cis-unauthorized-api-calls; neither is built: remove them or enable one",
    lambda d: _exclusions_apply(d) or not (d.ignored_principals or d.ignored_event_sources),
    '!contains({v}.disabled, "access-denied") || '
    '({v}.cis_pack == "management-only" && !contains({v}.disabled, "cis-unauthorized-api-calls")) || '
    "(length({v}.ignored_principals) == 0 && length({v}.ignored_event_sources) == 0)",
)


def _cis_named(detections: Any) -> list[str]:
    return [name for name in (*detections.disabled, *detections.overrides) if name in CIS_DETECTIONS]


CIS_WHILE_OFF = ModelRule(
    f"disabled and overrides {_CIS_OFF_RULE}",
    lambda d: d.cis_pack != "off" or not _cis_named(d),
    '{v}.cis_pack != "off" || length(setintersection(concat({v}.disabled, keys({v}.overrides)), '
    + hcl(list(CIS_DETECTIONS))
    + ")) == 0",
    detail=lambda d: f"got {_names(tuple(_cis_named(d)))}",
)
OVERRIDE_OF_DISABLED = ModelRule(
    _DISABLED_OVERRIDE_RULE,
    lambda d: not set(d.overrides) & set(d.disabled),
    "length(setintersection({v}.disabled, keys({v}.overrides))) == 0",
    detail=lambda d: f"got {_names(tuple(name for name in d.overrides if name in d.disabled))}",
)


class DetectionsConfig(Checked):
    """Which catalogue entries are built (``constructs_lib/detections.py``) and how their alarms fire."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    RULES = (CIS_WHILE_OFF, OVERRIDE_OF_DISABLED, IGNORED_WHILE_DISABLED, IGNORED_PATTERN_FITS)

    cis_pack: Annotated[
        Literal["off", "exact", "management-only"],
        checked(one_of(CIS_PACK_MODES)),
        Field(
            description=(
                "CIS monitoring pack (Security Hub CloudWatch.1-14, CIS 4.15): `off`; `exact`, the "
                "patterns Security Hub requires, which fire for every account of the organization; "
                "or `management-only`, the same patterns scoped to the management account (quiet, "
                "but Security Hub will not count them)."
            )
        ),
    ] = "off"
    disabled: Annotated[
        tuple[str, ...],
        Field(description="Names of catalogue entries not to build (e.g. `console-sign-in`)."),
        checked(IS_LIST_OF_NAMES, CATALOGUE_NAMES),
    ] = ()
    overrides: Annotated[
        dict[str, AlarmOverride],
        Field(
            description=(
                "Alarm settings by log detection name: `threshold`, `period` (seconds), "
                "`evaluation_periods`; e.g. `[detections.overrides.access-denied] threshold = 5`."
            )
        ),
        checked(IS_TABLE_OF_OVERRIDES, LOG_DETECTION_KEYS),
    ] = Field(default_factory=dict)
    ignored_principals: Annotated[
        tuple[str, ...],
        Field(
            description=(
                "Principals whose denials access-denied does not count, by ARN, e.g. a CI role's sessions: "
                "`arn:aws:sts::111122223333:assumed-role/ci-deployer/*`, or by its end after a leading `*` "
                "(which matches that name in any account). Denials without an ARN (AWS services) still count."
            )
        ),
        checked(IS_LIST_OF_TEXT, PRINCIPALS, NOT_A_ROLE, AT_MOST_IGNORED),
    ] = ()
    ignored_event_sources: Annotated[
        tuple[str, ...],
        Field(description="Event sources whose denials access-denied does not count, e.g. `tagging.amazonaws.com`."),
        checked(IS_LIST_OF_TEXT, EVENT_SOURCES, AT_MOST_IGNORED),
    ] = ()

    def choice_for(self, detection: Detection) -> DetectionChoice:
        """The plain-value choice for ``detection`` (see ``DetectionChooser``)."""
        if detection.pack is Pack.CIS:
            enabled = self.cis_pack != "off"
            organization_wide = self.cis_pack == "exact"
        else:
            enabled = True
            organization_wide = organization_wide_by_default(detection)
        override = self.overrides.get(detection.name, AlarmOverride())
        period, evaluation_periods = _evaluation_range(override)
        takes_exclusions = isinstance(detection, LogDetection) and detection.takes_exclusions
        return DetectionChoice(
            enabled=enabled and detection.name not in self.disabled,
            organization_wide=organization_wide,
            threshold=ALARM_DEFAULTS.threshold if override.threshold is None else override.threshold,
            period=period,
            evaluation_periods=evaluation_periods,
            left_out=ignored_clauses(self.ignored_principals, self.ignored_event_sources) if takes_exclusions else "",
        )


OBJECT_LOCK_MODES = ("off", "GOVERNANCE", "COMPLIANCE")
DEFAULT_OBJECT_LOCK_DAYS = 365
_LOCK_OFF_RULE = "object_lock_days has no effect while object_lock_mode is off: leave it out or turn Object Lock on"
_LOCK_LONGER_RULE = (
    "object_lock_days must not exceed expiration_days: the lifecycle rule cannot delete a locked log "
    "file, so the expiration would do nothing until the lock ends"
)


#: S3 lifecycle and Object Lock days: whole days, at most 100 years.
DAYS = Rule(
    "must be a whole number of days from 1 to 36500",
    lambda v: _whole(v) and 1 <= v <= 36500,
    "{v} >= 1 && {v} <= 36500 && floor({v}) == {v}",
)
A_YEAR = Rule(f"must be at least {MIN_LOG_DAYS} days (CIS)", lambda v: v >= MIN_LOG_DAYS, f"{{v}} >= {MIN_LOG_DAYS}")
TRANSITION_BEFORE_EXPIRATION = ModelRule(
    "transition_to_glacier_days must be less than expiration_days",
    lambda b: b.transition_to_glacier_days < b.expiration_days,
    "{v}.transition_to_glacier_days < {v}.expiration_days",
    detail=lambda b: f"got {b.transition_to_glacier_days} >= {b.expiration_days}",
)
LOCK_DAYS_WHILE_OFF = ModelRule(
    _LOCK_OFF_RULE,
    lambda b: b.object_lock_mode != "off" or b.object_lock_days == DEFAULT_OBJECT_LOCK_DAYS,
    f'{{v}}.object_lock_mode != "off" || {{v}}.object_lock_days == {DEFAULT_OBJECT_LOCK_DAYS}',
    detail=lambda b: f"got {b.object_lock_days}",
)
LOCK_WITHIN_EXPIRATION = ModelRule(
    _LOCK_LONGER_RULE,
    lambda b: b.object_lock_mode == "off" or b.object_lock_days <= b.expiration_days,
    '{v}.object_lock_mode == "off" || {v}.object_lock_days <= {v}.expiration_days',
    detail=lambda b: f"got {b.object_lock_days} > {b.expiration_days}",
)


#: CloudWatch Logs log group names: "between 1 and 512 characters long ... a-z, A-Z, 0-9, '_'
#: (underscore), '-' (hyphen), '/' (forward slash), '.' (period), and '#' (number sign)"
#: (CloudWatch Logs API Reference, CreateLogGroup).
LOG_GROUP_NAME_PATTERN = r"^[.\-_/#A-Za-z0-9]{1,512}$"
TRAIL_ARN_PATTERN = r"^arn:aws[-a-z]*:cloudtrail:[a-z0-9-]+:[0-9]{12}:trail/[A-Za-z0-9._-]{3,128}$"
TRAIL_MODES = ("create", "existing")
LOGS_SCOPES = ("organization", "management-account")
LOG_GROUP_NAME = Rule(
    "must be a CloudWatch Logs log group name: 1-512 characters of letters, digits and _ - / . #",
    lambda v: isinstance(v, str) and re.fullmatch(LOG_GROUP_NAME_PATTERN, v) is not None,
    f"can(regex({hcl(LOG_GROUP_NAME_PATTERN)}, {{v}}))",
)
TRAIL_ARN = Rule(
    "must be a trail's ARN (arn:aws:cloudtrail:<region>:<account id>:trail/<name>)",
    lambda v: isinstance(v, str) and re.fullmatch(TRAIL_ARN_PATTERN, v) is not None,
    f"can(regex({hcl(TRAIL_ARN_PATTERN)}, {{v}}))",
)
EXISTING_NEEDS_LOG_GROUP = ModelRule(
    "mode existing needs log_group_name: the log group the existing organization trail delivers to "
    "(AWS Control Tower's is aws-controltower/CloudTrailLogs)",
    lambda t: t.mode != "existing" or t.log_group_name is not None,
    '{v}.mode != "existing" || {v}.log_group_name != null',
)
CREATE_NAMES_NOTHING = ModelRule(
    "log_group_name and trail_arn have no effect while mode is create (the baseline names its own trail and "
    "log group): leave them out or set mode = existing",
    lambda t: t.mode != "create" or (t.log_group_name is None and t.trail_arn is None),
    '{v}.mode != "create" || ({v}.log_group_name == null && {v}.trail_arn == null)',
)
EXISTING_HAS_NO_SCOPE = ModelRule(
    "cloudwatch_logs_scope has no effect while mode is existing (the existing trail decides what its log group "
    "receives): leave it out or set mode = create",
    lambda t: t.mode != "existing" or t.cloudwatch_logs_scope == "organization",
    '{v}.mode != "existing" || {v}.cloudwatch_logs_scope == "organization"',
)


class TrailConfig(Checked):
    """Which trail the detections read: the baseline's own, or one the organization already has."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    RULES = (EXISTING_NEEDS_LOG_GROUP, CREATE_NAMES_NOTHING, EXISTING_HAS_NO_SCOPE)

    mode: Annotated[
        Literal["create", "existing"],
        Field(
            description=(
                "`create` the baseline's organization trail, or use the `existing` one (AWS Control Tower and "
                "other landing zones create one): every copy of management events after the first costs "
                "$2.00 per 100,000 events in every account, so a second organization trail makes each member "
                "account's events a paid copy. With `existing`, the baseline creates no trail, bucket or logs "
                "role and attaches its detections to `log_group_name`."
            )
        ),
        checked(one_of(TRAIL_MODES)),
    ] = "create"
    cloudwatch_logs_scope: Annotated[
        Literal["organization", "management-account"],
        Field(
            description=(
                "What the baseline's log group receives (mode create): `organization`, every account's "
                "events from the organization trail, or `management-account`, the management account's alone "
                "from a multi-region trail of its own (a paid copy of its events only), while the organization "
                "trail keeps the archive in S3. The detections read the management account either way."
            )
        ),
        checked(one_of(LOGS_SCOPES)),
    ] = "organization"
    log_group_name: Annotated[
        str | None,
        Field(description="Mode existing: the log group the existing organization trail delivers to."),
        checked(optional(LOG_GROUP_NAME, "x")),
    ] = None
    trail_arn: Annotated[
        str | None,
        Field(description="Mode existing, optional: the existing trail's ARN, for `./run verify` to check it."),
        checked(optional(TRAIL_ARN, "arn:aws:cloudtrail:us-east-1:111122223333:trail/org")),
    ] = None


class LogBucketConfig(Checked):
    """Lifecycle, access logging and Object Lock of the trail's S3 bucket."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    RULES = (TRANSITION_BEFORE_EXPIRATION, LOCK_DAYS_WHILE_OFF, LOCK_WITHIN_EXPIRATION)

    transition_to_glacier_days: Annotated[
        int,
        Field(
            description="Days after which log files move to S3 Glacier Flexible Retrieval (cheap, rarely read); "
            "S3 moves no file under 128 KB, most CloudTrail files (all_storage_classes_128K)."
        ),
        checked(DAYS),
    ] = 90
    expiration_days: Annotated[
        int,
        Field(description="Days after which log files are deleted: at least 365 (CIS); default 7 years."),
        checked(DAYS, A_YEAR),
    ] = 2557
    noncurrent_version_expiration_days: Annotated[
        int,
        Field(description="Days a deleted or overwritten log file's old version is kept: at least 365."),
        checked(DAYS, A_YEAR),
    ] = 365
    access_logging: Annotated[
        StrictBool,
        Field(
            description=(
                "Log every request to the log bucket (S3 server access logging, CIS 3.6 / Security Hub "
                "CloudTrail.7) into a separate bucket with the same lifecycle."
            )
        ),
    ] = True
    object_lock_mode: Annotated[
        Literal["off", "GOVERNANCE", "COMPLIANCE"],
        checked(one_of(OBJECT_LOCK_MODES)),
        Field(
            description=(
                "S3 Object Lock default retention of log files: `off`, `GOVERNANCE` (removable with a "
                "special permission) or `COMPLIANCE` (no one, not even root, can delete them early; the "
                "bucket then refuses a destroy at plan time even with protection off). Turned on in place "
                "for a deployed bucket; once on, S3 cannot turn it off (`off` removes the default retention)."
            )
        ),
    ] = "off"
    object_lock_days: Annotated[
        int,
        Field(description="Days each log file is locked when Object Lock is on: at most expiration_days."),
        checked(DAYS),
    ] = DEFAULT_OBJECT_LOCK_DAYS


IS_TEXT = Rule("must be text", lambda v: isinstance(v, str))
NAME_PREFIX = Rule(
    NAME_PREFIX_RULE,
    lambda v: re.fullmatch(NAME_PREFIX_PATTERN, v) is not None,
    f"can(regex({hcl(NAME_PREFIX_PATTERN)}, {{v}}))",
)
RESERVED_PREFIX = Rule(
    RESERVED_PREFIX_RULE,
    lambda v: not v.startswith(RESERVED_BUCKET_PREFIXES),
    f"!anytrue([for reserved in {hcl(list(RESERVED_BUCKET_PREFIXES))} : startswith({{v}}, reserved)])",
)
IS_NUMBER_OF_DOLLARS = Rule("must be a number of US dollars greater than 0", _number)
BUDGET_RANGE = Rule(
    f"must be greater than 0 and at most {MAX_BUDGET_USD} USD",
    lambda v: 0 < v <= MAX_BUDGET_USD,
    f"{{v}} > 0 && {{v}} <= {MAX_BUDGET_USD}",
)
IS_LIST_OF_ADDRESSES = Rule("must be a list of email addresses", lambda v: isinstance(v, list | tuple))
EMAILS = each(
    Rule(
        "",
        lambda a: isinstance(a, str) and re.fullmatch(EMAIL_PATTERN, a) is not None,
        f"can(regex({hcl(EMAIL_PATTERN)}, {{v}}))",
    ),
    "must contain only valid email addresses",
)
DISTINCT_EMAILS = Rule(
    "must not list the same address twice",
    lambda v: len(set(v)) == len(v),
    "length(distinct({v})) == length({v})",
    echo=False,
)
RETENTION = one_of(ALLOWED_LOG_RETENTION_DAYS)


#: Cost Anomaly Detection's ThresholdExpression: "Values must be numbers between 0 and
#: 10,000,000,000" (Billing and Cost Management API Reference, AnomalySubscription).
MAX_ANOMALY_THRESHOLD = 10_000_000_000
#: What AWS sets up when it turns Cost Anomaly Detection on with Cost Explorer: alerts about
#: "any anomalous spend that exceeds $100 and 40% of your expected spend" (Cost Management User
#: Guide, "Enabling Cost Explorer").
DEFAULT_ANOMALY_USD, DEFAULT_ANOMALY_PERCENT = 100.0, 40.0
ANOMALY_MONITOR_ARN_PATTERN = r"^arn:aws[-a-z]*:ce::[0-9]{12}:anomalymonitor/[-0-9a-zA-Z]{1,128}$"
ANOMALY_MONITOR = Rule(
    "must be create, off, or the ARN of an anomaly monitor of this account "
    "(arn:aws:ce::<account id>:anomalymonitor/<id>)",
    lambda v: v in ("create", "off") or re.fullmatch(ANOMALY_MONITOR_ARN_PATTERN, v) is not None,
    f'contains(["create", "off"], {{v}}) || can(regex({hcl(ANOMALY_MONITOR_ARN_PATTERN)}, {{v}}))',
)
ANOMALY_USD = Rule(
    f"must be a number of US dollars greater than 0 and at most {MAX_ANOMALY_THRESHOLD}",
    lambda v: _number(v) and 0 < v <= MAX_ANOMALY_THRESHOLD,
    f"{{v}} > 0 && {{v}} <= {MAX_ANOMALY_THRESHOLD}",
)
ANOMALY_PERCENT = Rule(
    f"must be a percentage greater than 0 and at most {MAX_ANOMALY_THRESHOLD} (what the API takes)",
    lambda v: _number(v) and 0 < v <= MAX_ANOMALY_THRESHOLD,
    f"{{v}} > 0 && {{v}} <= {MAX_ANOMALY_THRESHOLD}",
)
_ANOMALY_OFF_RULE = (
    "anomaly_threshold_usd and anomaly_threshold_percent have no effect while anomaly_monitor is off: "
    "leave them out or turn the monitor on"
)
ANOMALY_THRESHOLDS_WHILE_OFF = ModelRule(
    _ANOMALY_OFF_RULE,
    lambda b: (
        b.anomaly_monitor != "off"
        or (b.anomaly_threshold_usd == DEFAULT_ANOMALY_USD and b.anomaly_threshold_percent == DEFAULT_ANOMALY_PERCENT)
    ),
    f'{{v}}.anomaly_monitor != "off" || (coalesce({{v}}.anomaly_threshold_usd, 0) == {DEFAULT_ANOMALY_USD} '
    f"&& coalesce({{v}}.anomaly_threshold_percent, 0) == {DEFAULT_ANOMALY_PERCENT})",
)
A_THRESHOLD = ModelRule(
    "set anomaly_threshold_usd, anomaly_threshold_percent or both: an alert subscription needs a threshold",
    lambda b: (
        b.anomaly_monitor == "off" or b.anomaly_threshold_usd is not None or b.anomaly_threshold_percent is not None
    ),
    '{v}.anomaly_monitor == "off" || {v}.anomaly_threshold_usd != null || {v}.anomaly_threshold_percent != null',
)


class BillingConfig(Checked):
    """Which bill each alert watches, and its limit.

    In the management account of an organization with consolidated billing, the billing metric
    and an unfiltered budget read every account's charges; the management account's own are a
    budget filtered to its account id.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    RULES = (ANOMALY_THRESHOLDS_WHILE_OFF, A_THRESHOLD)

    management_account_limit_usd: Annotated[
        float,
        Field(
            description=(
                "Monthly limit in USD of the management account's own charges: an AWS Budgets cost budget "
                "filtered to its account id (LinkedAccount), notified when the actual or forecast cost is above "
                "it. A management account that holds no workloads should cost little: the default leaves room "
                "for the trail's CloudWatch Logs ingestion."
            )
        ),
        checked(IS_NUMBER_OF_DOLLARS, BUDGET_RANGE),
    ] = 50.0
    organization_limit_usd: Annotated[
        float | None,
        Field(
            description=(
                "Monthly limit in USD of the whole organization's bill (every account, consolidated): the "
                "`AWS/Billing` `EstimatedCharges` alarm on the total. Unset (the default): no alarm on the "
                "total, which only you can size; the anomaly monitor watches every account without a limit."
            )
        ),
        checked(optional(IS_NUMBER_OF_DOLLARS, 1), optional(BUDGET_RANGE, 1)),
    ] = None
    anomaly_monitor: Annotated[
        str,
        Field(
            description=(
                "AWS Cost Anomaly Detection: `create` an AWS services monitor (in the management account it "
                "reads every account's spend, by service), subscribe an existing monitor by its ARN (an account "
                "holds one AWS services monitor, and AWS creates one when Cost Explorer is first enabled: "
                "`./run verify` names it), or `off`. No charge."
            )
        ),
        checked(IS_TEXT, ANOMALY_MONITOR),
    ] = "create"
    anomaly_threshold_usd: Annotated[
        float | None,
        Field(
            description=(
                "Alert at once (SNS, IMMEDIATE) on an anomaly whose total impact is at least this many USD; "
                "with anomaly_threshold_percent, both must be met. Unset: the percentage alone."
            )
        ),
        checked(optional(ANOMALY_USD, DEFAULT_ANOMALY_USD)),
    ] = DEFAULT_ANOMALY_USD
    anomaly_threshold_percent: Annotated[
        float | None,
        Field(
            description=(
                "Alert at once on an anomaly whose total impact is at least this percentage of the expected "
                "spend; with anomaly_threshold_usd, both must be met (AWS's own default: 100 USD and 40 %). "
                "Unset: the amount alone."
            )
        ),
        checked(optional(ANOMALY_PERCENT, DEFAULT_ANOMALY_PERCENT)),
    ] = DEFAULT_ANOMALY_PERCENT


ACCOUNTS = Rule(
    "must be a whole number of accounts, at least 1 (the management account counts)",
    lambda v: _whole(v) and v >= 1,
    "{v} >= 1 && floor({v}) == {v}",
)
EVENTS = Rule("must be a finite number of events greater than 0", lambda v: _number(v) and 0 < v < math.inf, "{v} > 0")


class CostConfig(Checked):
    """The volumes of the cost model (``./run cost``): with them, ``config check`` and the synth
    warn when the management account's budget is below the baseline's own estimated cost."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    accounts: Annotated[
        int | None,
        Field(description="Accounts of the organization, the management account included. Unset: unknown."),
        checked(optional(ACCOUNTS, 1)),
    ] = None
    events_per_account: Annotated[
        float | None,
        Field(
            description=(
                "Management events a month of each member account (`./run cost --from-account` measures them). "
                "Unset: unknown, and the estimate covers only the key, the alarms and their metrics."
            )
        ),
        checked(optional(EVENTS, 1)),
    ] = None
    management_account_events: Annotated[
        float | None,
        Field(description="Management events a month of the management account itself. Unset: events_per_account."),
        checked(optional(EVENTS, 1)),
    ] = None


class BaselineConfig(BaseModel):
    """Inputs of the management account baseline.

    The field descriptions are the documentation: they feed the table of docs/configuration.md and the
    Terraform variables of the module flavour. Every field is marked either
    :class:`ModuleInput` (a module variable) or :class:`AppOnly` (with the reason).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name_prefix: Annotated[
        str,
        Field(
            description=(
                "Prefix of every resource name (trail, bucket, topic, alarms). 2-24 characters: "
                "lowercase letters, digits and hyphens, starting with a letter."
            ),
        ),
        ModuleInput(),
        checked(IS_TEXT, NAME_PREFIX, RESERVED_PREFIX),
    ] = "mgmt-baseline"
    region: Annotated[
        Literal["us-east-1"],
        Field(description="AWS region of the provider. Only us-east-1 is supported."),
        AppOnly(
            "The caller configures the provider; the module checks at plan time that its "
            "region is us-east-1 and refuses any other."
        ),
    ] = HOME_REGION
    budget_limit_usd: Annotated[
        float | None,
        Field(
            description=(
                "Deprecated: renamed `billing.management_account_limit_usd` (it limited the consolidated bill "
                "of every account while claiming the management account's). Still read, with a warning; the "
                "module refuses it, naming the new input."
            ),
        ),
        Renamed("billing.management_account_limit_usd"),
        checked(optional(IS_NUMBER_OF_DOLLARS, 1), optional(BUDGET_RANGE, 1)),
    ] = None
    alert_emails: Annotated[
        tuple[str, ...],
        Field(
            description=(
                "Email addresses subscribed to the alert topic. Each recipient must confirm "
                "the subscription from the email AWS sends."
            ),
        ),
        ModuleInput(),
        checked(IS_LIST_OF_ADDRESSES, EMAILS, DISTINCT_EMAILS),
    ] = ()
    log_retention_days: Annotated[
        int,
        Field(
            description=(
                "Retention of the trail's CloudWatch Logs log group, in days. One of the "
                "CloudWatch Logs values of at least 365 (CIS)."
            ),
        ),
        ModuleInput(),
        checked(RETENTION),
    ] = 365
    protect_log_data: Annotated[
        StrictBool,
        Field(
            description=(
                "Refuse at plan time every plan that would lose log data: destroying or replacing the log "
                "bucket (or stripping its policy, public access block, encryption or versioning), the "
                "access-log bucket, the log group or the KMS key that encrypts them (a guard with "
                "prevent_destroy per item); the log group keeps skip_destroy and Terraform never empties "
                "the buckets. Off: destroy deletes the logs too. The module needs one command to turn it off "
                "(its README)."
            ),
        ),
        ModuleInput(),
    ] = True
    remove_keeping_log_data: Annotated[
        StrictBool,
        Field(
            description=(
                "Plan the baseline's removal but keep the log data: the plan destroys every resource "
                "except the log bucket, the access-log bucket (with their settings), the log group and the "
                "KMS key and alias, which Terraform forgets instead (`removed` blocks, `destroy = false`). "
                "Redeploy later with `adopt_log_data`."
            ),
        ),
        AppOnly(
            "The caller removes the module block and writes the `removed` blocks the module README lists "
            "(a module cannot remove itself)."
        ),
    ] = False
    adopt_log_data: Annotated[
        StrictBool,
        Field(
            description=(
                "Deploy into an account that kept the log data of an earlier removal: the plan imports the "
                "kept log bucket, access-log bucket, log group, KMS key and alias (`import` blocks, by their "
                "names and the key's alias) instead of creating them. Harmless once they are imported."
            ),
        ),
        AppOnly("Import blocks are only allowed in a root module: the caller writes the ones the module README lists."),
    ] = False
    tags: Annotated[
        dict[str, str],
        Field(description="Tags applied to every resource that supports tags."),
        AppOnly("The caller tags the module's resources with its own provider's default_tags."),
    ] = Field(default_factory=lambda: {"ManagedBy": "management-account-baseline"})
    create_budget: Annotated[
        StrictBool,
        Field(
            description=(
                "Create the AWS Budgets budget next to the billing alarm. Turned off only for "
                "runs against the local AWS (moto cannot hold a budget made by provider 5.100)."
            ),
        ),
        ModuleInput(),
    ] = True
    detections: Annotated[
        DetectionsConfig,
        Field(description="Detections: CIS pack, disabled entries, alarm overrides, denials not to count."),
        ModuleInput(),
    ] = Field(default_factory=DetectionsConfig)
    kms_encryption: Annotated[
        StrictBool,
        Field(
            description=(
                "Encrypt the trail's log files, the log group and the alert topic with a customer-managed "
                "KMS key (rotation on, 30-day deletion window) whose policy lets exactly CloudTrail, "
                "CloudWatch Logs and the alert publishers use it."
            )
        ),
        ModuleInput(),
    ] = True
    log_bucket: Annotated[
        LogBucketConfig,
        Field(description="Lifecycle, access logging and Object Lock of the trail's bucket."),
        ModuleInput(),
    ] = Field(default_factory=LogBucketConfig)
    trail: Annotated[
        TrailConfig,
        Field(
            description=(
                "The trail the detections read, and what reaches CloudWatch Logs. Choose first: does the "
                "organization already have an organization trail (AWS Control Tower's delivers to "
                "aws-controltower/CloudTrailLogs)? Then use it (mode existing): a second one is a paid copy of "
                "every account's events. Otherwise the baseline creates one (mode create), and "
                "cloudwatch_logs_scope decides whose events the log group ingests. ./run cost compares the "
                "three for your organization."
            )
        ),
        ModuleInput(),
    ] = Field(default_factory=TrailConfig)
    billing: Annotated[
        BillingConfig,
        Field(
            description="Which bill each alert watches: the management account's own, the organization's, anomalies."
        ),
        ModuleInput(),
    ] = Field(default_factory=BillingConfig)
    cost: Annotated[
        CostConfig,
        Field(description="The cost model's volumes: accounts and management events a month."),
        AppOnly("the cost model's volumes: ./run cost and config check read them"),
    ] = Field(default_factory=CostConfig)
    state: Annotated[
        StateConfig,
        Field(description="Terraform state backend (S3, S3-native locking)."),
        AppOnly("The caller configures its own backend."),
    ] = Field(default_factory=StateConfig)
    ci: Annotated[
        CiConfig | None,
        Field(
            description=(
                "GitHub Actions' identity, made by the state-bootstrap stack: the OIDC provider, the plan role "
                "(pull requests and the default branch; reads, never the audit trail's log data) and the apply "
                "role (one environment). Unset: none."
            ),
        ),
        AppOnly("The CI roles belong to the state-bootstrap stack of the app, not to the baseline module."),
    ] = None
    local_aws_endpoint: Annotated[
        str | None,
        Field(
            description=(
                "For tests only: send every AWS call of the provider and the backend to this "
                "loopback URL (a local AWS such as moto's server). Unset for real accounts; "
                "when unset nothing of it is synthesized."
            ),
        ),
        AppOnly("The caller configures the provider's endpoints."),
    ] = None

    @property
    def state_bucket(self) -> str:
        """The state bucket's name: ``state.bucket``, else derived from the prefix."""
        return self.state.bucket or f"{self.name_prefix}-terraform-state"

    @property
    def detection_log_group(self) -> str:
        """The log group the detections read: the existing trail's (``trail.log_group_name``, set only
        in mode existing), else the baseline's own."""
        return self.trail.log_group_name or BaselineNames(self.name_prefix).log_group

    @model_validator(mode="before")
    @classmethod
    def _renamed_budget_limit(cls, data: object) -> object:
        """The deprecated ``budget_limit_usd`` is the management account's limit now (kept, for the warning)."""
        if not isinstance(data, dict) or data.get("budget_limit_usd") is None:
            return data
        if not all(rule.passes(data["budget_limit_usd"]) for rule in (IS_NUMBER_OF_DOLLARS, BUDGET_RANGE)):
            return data  # the old field's own rules say what is wrong, once
        billing = data.get("billing", {})
        if not isinstance(billing, dict):
            return data  # the billing table's own check says what is wrong
        if "management_account_limit_usd" in billing:
            raise ValueError(
                "budget_limit_usd and billing.management_account_limit_usd are both set: budget_limit_usd was "
                "renamed billing.management_account_limit_usd; keep only that one"
            )
        return {**data, "billing": {**billing, "management_account_limit_usd": data["budget_limit_usd"]}}

    @field_validator("trail")
    @classmethod
    def _check_trail(cls, value: TrailConfig, info: ValidationInfo) -> TrailConfig:
        if value.mode == "existing" and (changed := _settings_of_own_trail(info.data)):
            raise ValueError(f"{EXISTING_TRAIL_KEEPS_DEFAULTS} (got {', '.join(changed)})")
        return value

    @field_validator("adopt_log_data")
    @classmethod
    def _check_adopt(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("remove_keeping_log_data"):
            raise ValueError(
                "cannot be on while remove_keeping_log_data is: a removal keeps the log data, a "
                "deployment adopts it; set one of the two"
            )
        return value

    @field_validator("region", mode="before")
    @classmethod
    def _check_region(cls, value: object) -> object:
        if value != HOME_REGION:
            raise ValueError(f"must be {HOME_REGION!r}; the baseline only deploys there (got {shown(value)})")
        return value

    @field_validator("local_aws_endpoint")
    @classmethod
    def _check_endpoint(cls, value: str | None) -> str | None:
        if value is None:
            return value
        match = _LOOPBACK_ENDPOINT.fullmatch(value)
        if not match or not 1 <= int(value.rsplit(":", 1)[1]) <= MAX_PORT:
            raise ValueError(
                f"must be an http(s)://127.x.x.x:PORT or http(s)://localhost:PORT URL with a PORT "
                f"from 1 to {MAX_PORT} (got {shown(value)})"
            )
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _check_tags(cls, value: object) -> object:
        if not isinstance(value, dict):
            raise ValueError(f"must be a table of string keys to string values (got {shown(value)})")
        if len(value) > MAX_TAGS:
            raise ValueError(f"must hold at most {MAX_TAGS} tags, the most a resource takes (got {len(value)})")
        for key, tag_value in value.items():
            if (
                not isinstance(key, str)
                or not 1 <= len(key) <= MAX_TAG_KEY
                or key.lower().startswith("aws:")
                or not _tag_text(key)
            ):
                raise ValueError(f"key {shown(key)} {TAG_KEY_RULE}")
            if not isinstance(tag_value, str) or len(tag_value) > MAX_TAG_VALUE or not _tag_text(tag_value):
                raise ValueError(f"value of {shown(key)} {TAG_VALUE_RULE} (got {shown(tag_value)})")
        return value


def module_inputs() -> dict[str, tuple[FieldInfo, ModuleInput]]:
    """The config fields that are variables of the module flavour, in declaration order."""
    return {
        name: (field, marker)
        for name, field in BaselineConfig.model_fields.items()
        for marker in field.metadata
        if isinstance(marker, ModuleInput)
    }


def app_only_fields() -> dict[str, str]:
    """The config fields the module flavour leaves to its caller, with the reason."""
    return {
        name: marker.reason
        for name, field in BaselineConfig.model_fields.items()
        for marker in field.metadata
        if isinstance(marker, AppOnly)
    }


def renamed_fields() -> dict[str, str]:
    """The config fields that were renamed, with their new path."""
    return {
        name: marker.to
        for name, field in BaselineConfig.model_fields.items()
        for marker in field.metadata
        if isinstance(marker, Renamed)
    }


#: Settings of the baseline's own trail: with an existing trail they would do nothing.
OWN_TRAIL_SETTINGS = ("log_retention_days", "log_bucket")
EXISTING_TRAIL_KEEPS_DEFAULTS = (
    f"{' and '.join(OWN_TRAIL_SETTINGS)} have no effect while trail.mode is existing (the baseline makes no "
    "log group or bucket; the existing trail's owner sets their retention): leave them out or set trail.mode = create"
)


def _settings_of_own_trail(values: dict[str, Any]) -> list[str]:
    """The settings of the baseline's own trail in ``values`` that differ from their defaults, as ``name = value``."""
    defaults = BaselineConfig.model_fields
    changed = []
    for name in OWN_TRAIL_SETTINGS:
        if name in values and values[name] != defaults[name].get_default(call_default_factory=True):
            value = values[name]
            changed.append(
                f"{name} = {shown(value.model_dump(exclude_defaults=True) if isinstance(value, BaseModel) else value)}"
            )
    return changed


def cross_field_validations() -> dict[str, list[tuple[str, str]]]:
    """``(condition, message)`` of the checks across top-level fields, by the module variable they
    go on (a validation may read other variables since Terraform 1.9)."""
    defaults = BaselineConfig().model_dump(mode="json")
    unchanged = [f"var.log_retention_days == {json.dumps(defaults['log_retention_days'])}"] + [
        f"var.log_bucket.{name} == {json.dumps(value)}" for name, value in defaults["log_bucket"].items()
    ]
    condition = f'var.trail.mode != "existing" || ({" && ".join(unchanged)})'
    return {"trail": [(condition, f"trail: {EXISTING_TRAIL_KEEPS_DEFAULTS}.")]}


def deprecation_warnings(config: BaselineConfig) -> list[str]:
    """One line for each renamed field the config still sets."""
    return [
        f"warning: {name} is deprecated: it is now {new} (set that instead; the old name is read for now)"
        for name, new in renamed_fields().items()
        if getattr(config, name) is not None
    ]
