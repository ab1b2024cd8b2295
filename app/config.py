"""The one source of truth for the baseline's inputs.

Every field has a documented default, so the default configuration synthesizes with no
file at all. A TOML file overrides any subset of the fields; unknown keys are rejected.
Errors are reported as one line that names the field and what is allowed.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Self, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo

from constructs_lib.choice import DetectionChoice
from constructs_lib.detections import (
    ALARM_DEFAULTS,
    CATALOGUE,
    LOG_DETECTION_NAMES,
    Detection,
    Pack,
    organization_wide_by_default,
)
from constructs_lib.home import HOME_REGION

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
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
MAX_BUDGET_USD = 1_000_000_000


#: How much of a rejected value an error message repeats.
SHOWN_CHARACTERS = 60


def shown(value: object) -> str:
    """``repr(value)``, cut to a readable length (a 10 MB value is not echoed whole)."""
    text = repr(value)
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return f"{text[: SHOWN_CHARACTERS - 1]}... ({len(text)} characters)"


def shown_name(name: object) -> str:
    """A key or name from the user as it goes into a one-line message: as is when it is short
    and printable, else quoted and cut (a newline in a key must not break the line)."""
    if isinstance(name, str) and name.isprintable() and len(name) <= SHOWN_CHARACTERS:
        return name
    return shown(name)


def _hcl(value: object) -> str:
    """``value`` as an HCL literal (JSON's strings, numbers and lists are valid HCL)."""
    return json.dumps(value)


@dataclass(frozen=True)
class ModuleInput:
    """Marks a config field that the Terraform module flavour exposes as a variable.

    The variable has the field's name, description and default; ``validations`` are
    ``(HCL condition, error message)`` pairs that repeat the field's Python check in
    Terraform, so the module refuses what the app refuses.
    """

    validations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AppOnly:
    """Marks a config field that only the cdktf app has; ``reason`` says why the module has not."""

    reason: str


def _require_bool(value: object) -> object:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false (got {shown(value)})")
    return value


def _one_of(allowed: tuple[str, ...]) -> BeforeValidator:
    """A check that the value is one of ``allowed``, with the one-line message of the config."""

    def check(value: object) -> object:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)} (got {shown(value)})")
        return value

    return BeforeValidator(check)


#: A bool that TOML must spell true or false (no "yes", no 1).
StrictBool = Annotated[bool, BeforeValidator(_require_bool)]


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


class ConfigError(ValueError):
    """A configuration value is missing, malformed or out of range (one line, user-facing)."""


STATE_BUCKET_PATTERN = r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"
MAX_PORT = 65535
_LOOPBACK_ENDPOINT = re.compile(r"^https?://(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}$")


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
                "Local file holding the state-bootstrap stack's own state (it creates the "
                "bucket, so it cannot live there), relative to the current directory."
            ),
        ),
    ] = "terraform.state-bootstrap.tfstate"

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

    @field_validator("key")
    @classmethod
    def _check_key(cls, value: str) -> str:
        if not 1 <= len(value) <= 1024 or value.startswith("/"):
            raise ValueError(f"must be 1-1024 characters and not start with '/' (got {shown(value)})")
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


class AlarmOverride(BaseModel):
    """Alarm settings of one log detection; unset fields keep the catalogue's defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: Annotated[
        float | None,
        Field(description=f"Fires when the count in a period is above this (default {ALARM_DEFAULTS.threshold:g})."),
    ] = None
    period: Annotated[int | None, Field(description=f"Period in seconds (default {ALARM_DEFAULTS.period}).")] = None
    evaluation_periods: Annotated[
        int | None,
        Field(description=f"Breaching periods before it fires (default {ALARM_DEFAULTS.evaluation_periods})."),
    ] = None

    @field_validator("threshold", mode="before")
    @classmethod
    def _check_threshold(cls, value: object) -> object:
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf
        ):
            raise ValueError(f"must be a finite number of at least 0 (got {shown(value)})")
        return value

    @field_validator("period", mode="before")
    @classmethod
    def _check_period(cls, value: object) -> object:
        if value is None:
            return value
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (value % 60 == 0 and 60 <= value <= MAX_EVALUATION_SECONDS)
        ):
            raise ValueError(f"{_PERIOD_RULE} (got {shown(value)})")
        return value

    @field_validator("evaluation_periods", mode="before")
    @classmethod
    def _check_evaluation_periods(cls, value: object) -> object:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100):
            raise ValueError(f"must be a whole number from 1 to 100 (got {shown(value)})")
        return value

    @model_validator(mode="after")
    def _check_range(self) -> Self:
        period = self.period or ALARM_DEFAULTS.period
        periods = self.evaluation_periods or ALARM_DEFAULTS.evaluation_periods
        limit = MAX_SHORT_EVALUATION_SECONDS if period < HOUR else MAX_EVALUATION_SECONDS
        if period * periods > limit:
            raise ValueError(f"{_RANGE_RULE} (got {period} x {periods} = {period * periods})")
        return self


class DetectionsConfig(BaseModel):
    """Which catalogue entries are built (``constructs_lib/detections.py``) and how their alarms fire."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cis_pack: Annotated[
        Literal["off", "exact", "management-only"],
        _one_of(CIS_PACK_MODES),
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
    ] = ()
    overrides: Annotated[
        dict[str, AlarmOverride],
        Field(
            description=(
                "Alarm settings by log detection name: `threshold`, `period` (seconds), "
                "`evaluation_periods`; e.g. `[detections.overrides.access-denied] threshold = 5`."
            )
        ),
    ] = Field(default_factory=dict)

    @field_validator("disabled", mode="before")
    @classmethod
    def _check_disabled(cls, value: object) -> object:
        if not isinstance(value, list | tuple) or not all(isinstance(name, str) for name in value):
            raise ValueError(f"must be a list of detection names (got {shown(value)})")
        unknown = [name for name in value if name not in CATALOGUE]
        if unknown:
            raise ValueError(f"{_NAMES_RULE} ({_names(tuple(CATALOGUE))}); unknown: {_names(tuple(unknown))}")
        return tuple(value)

    @field_validator("overrides", mode="before")
    @classmethod
    def _check_overrides(cls, value: object) -> object:
        if not isinstance(value, dict):
            raise ValueError(f"must be a table of log detection names to alarm settings (got {shown(value)})")
        unknown = [name for name in value if name not in LOG_DETECTION_NAMES]
        if unknown:
            raise ValueError(
                f"must name log detections ({_names(LOG_DETECTION_NAMES)}); unknown: {_names(tuple(unknown))}"
            )
        return value

    @model_validator(mode="after")
    def _check_effect(self) -> Self:
        if self.cis_pack == "off":
            named = [name for name in (*self.disabled, *self.overrides) if name in CIS_DETECTIONS]
            if named:
                raise ValueError(f"disabled and overrides {_CIS_OFF_RULE} (got {_names(tuple(named))})")
        both = [name for name in self.overrides if name in self.disabled]
        if both:
            raise ValueError(f"{_DISABLED_OVERRIDE_RULE} (got {_names(tuple(both))})")
        return self

    def choice_for(self, detection: Detection) -> DetectionChoice:
        """The plain-value choice for ``detection`` (see ``DetectionChooser``)."""
        if detection.pack is Pack.CIS:
            enabled = self.cis_pack != "off"
            organization_wide = self.cis_pack == "exact"
        else:
            enabled = True
            organization_wide = organization_wide_by_default(detection)
        override = self.overrides.get(detection.name, AlarmOverride())
        return DetectionChoice(
            enabled=enabled and detection.name not in self.disabled,
            organization_wide=organization_wide,
            threshold=ALARM_DEFAULTS.threshold if override.threshold is None else override.threshold,
            period=override.period or ALARM_DEFAULTS.period,
            evaluation_periods=override.evaluation_periods or ALARM_DEFAULTS.evaluation_periods,
        )


OBJECT_LOCK_MODES = ("off", "GOVERNANCE", "COMPLIANCE")
DEFAULT_OBJECT_LOCK_DAYS = 365
_LOCK_OFF_RULE = "object_lock_days has no effect while object_lock_mode is off: leave it out or turn Object Lock on"
_LOCK_LONGER_RULE = (
    "object_lock_days must not exceed expiration_days: the lifecycle rule cannot delete a locked log "
    "file, so the expiration would do nothing until the lock ends"
)


class LogBucketConfig(BaseModel):
    """Lifecycle, access logging and Object Lock of the trail's S3 bucket."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    transition_to_glacier_days: Annotated[
        int,
        Field(description="Days after which log files move to S3 Glacier Flexible Retrieval (cheap, rarely read)."),
    ] = 90
    expiration_days: Annotated[
        int,
        Field(description="Days after which log files are deleted: at least 365 (CIS); default 7 years."),
    ] = 2557
    noncurrent_version_expiration_days: Annotated[
        int,
        Field(description="Days a deleted or overwritten log file's old version is kept: at least 365."),
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
        _one_of(OBJECT_LOCK_MODES),
        Field(
            description=(
                "S3 Object Lock default retention of log files: `off`, `GOVERNANCE` (removable with a "
                "special permission) or `COMPLIANCE` (no one, not even root, can delete them early). "
                "Turning it on for an existing bucket replaces the bucket."
            )
        ),
    ] = "off"
    object_lock_days: Annotated[
        int,
        Field(description="Days each log file is locked when Object Lock is on: at most expiration_days."),
    ] = DEFAULT_OBJECT_LOCK_DAYS

    @field_validator(
        "transition_to_glacier_days",
        "expiration_days",
        "noncurrent_version_expiration_days",
        "object_lock_days",
        mode="before",
    )
    @classmethod
    def _check_days(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 36500:
            raise ValueError(f"must be a whole number of days from 1 to 36500 (got {shown(value)})")
        return value

    @field_validator("expiration_days", "noncurrent_version_expiration_days")
    @classmethod
    def _check_a_year(cls, value: int) -> int:
        if value < MIN_LOG_DAYS:
            raise ValueError(f"must be at least {MIN_LOG_DAYS} days (CIS) (got {value})")
        return value

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        if self.transition_to_glacier_days >= self.expiration_days:
            raise ValueError(
                f"transition_to_glacier_days ({self.transition_to_glacier_days}) must be less than "
                f"expiration_days ({self.expiration_days})"
            )
        if self.object_lock_mode == "off" and self.object_lock_days != DEFAULT_OBJECT_LOCK_DAYS:
            raise ValueError(f"{_LOCK_OFF_RULE} (got {self.object_lock_days})")
        if self.object_lock_mode != "off" and self.object_lock_days > self.expiration_days:
            raise ValueError(f"{_LOCK_LONGER_RULE} (got {self.object_lock_days} > {self.expiration_days})")
        return self


class BaselineConfig(BaseModel):
    """Inputs of the management account baseline.

    The field descriptions are the documentation: they feed the README table and the
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
        ModuleInput(
            validations=(
                (f"can(regex({_hcl(NAME_PREFIX_PATTERN)}, var.name_prefix))", f"name_prefix {NAME_PREFIX_RULE}."),
                (
                    f"!anytrue([for reserved in {_hcl(list(RESERVED_BUCKET_PREFIXES))} : "
                    "startswith(var.name_prefix, reserved)])",
                    f"name_prefix {RESERVED_PREFIX_RULE}.",
                ),
            )
        ),
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
        float,
        Field(
            description=(
                "Monthly cost limit in USD for the billing alarm and the AWS Budgets budget. "
                "A management account that holds no workloads should cost little: the default "
                "leaves room for the organization trail's CloudWatch Logs ingestion."
            ),
        ),
        ModuleInput(
            validations=(
                (
                    f"var.budget_limit_usd > 0 && var.budget_limit_usd <= {MAX_BUDGET_USD}",
                    f"budget_limit_usd must be greater than 0 and at most {MAX_BUDGET_USD} USD.",
                ),
            )
        ),
    ] = 50.0
    alert_emails: Annotated[
        tuple[str, ...],
        Field(
            description=(
                "Email addresses subscribed to the alert topic. Each recipient must confirm "
                "the subscription from the email AWS sends."
            ),
        ),
        ModuleInput(
            validations=(
                (
                    f"alltrue([for address in var.alert_emails : can(regex({_hcl(EMAIL_PATTERN)}, address))])",
                    "alert_emails must contain only valid email addresses.",
                ),
                (
                    "length(distinct(var.alert_emails)) == length(var.alert_emails)",
                    "alert_emails must not list the same address twice.",
                ),
            )
        ),
    ] = ()
    log_retention_days: Annotated[
        int,
        Field(
            description=(
                "Retention of the trail's CloudWatch Logs log group, in days. One of the "
                "CloudWatch Logs values of at least 365 (CIS)."
            ),
        ),
        ModuleInput(
            validations=(
                (
                    f"contains({_hcl(list(ALLOWED_LOG_RETENTION_DAYS))}, var.log_retention_days)",
                    "log_retention_days must be one of "
                    + ", ".join(str(days) for days in ALLOWED_LOG_RETENTION_DAYS)
                    + ".",
                ),
            )
        ),
    ] = 365
    protect_log_data: Annotated[
        StrictBool,
        Field(
            description=(
                "Keep the log bucket, its logs and the log group when the stack is destroyed: "
                "the log group is left in place (skip_destroy) and Terraform never empties the "
                "bucket (force_destroy off). The app also refuses to plan the bucket's "
                "destruction (prevent_destroy). Off: destroy deletes the logs too."
            ),
        ),
        ModuleInput(),
    ] = True
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
        Field(description="The detection catalogue: CIS pack, disabled entries, alarm overrides."),
        ModuleInput(
            validations=(
                (
                    f"contains({_hcl(list(CIS_PACK_MODES))}, var.detections.cis_pack)",
                    f"detections.cis_pack must be one of {_names(CIS_PACK_MODES)}.",
                ),
                (
                    f"length(setsubtract(var.detections.disabled, {_hcl(list(CATALOGUE))})) == 0",
                    f"detections.disabled {_NAMES_RULE} ({_names(tuple(CATALOGUE))}).",
                ),
                (
                    f"length(setsubtract(keys(var.detections.overrides), {_hcl(list(LOG_DETECTION_NAMES))})) == 0",
                    f"detections.overrides must name log detections ({_names(LOG_DETECTION_NAMES)}).",
                ),
                (
                    'var.detections.cis_pack != "off" || length(setintersection(concat(var.detections.disabled, '
                    f"keys(var.detections.overrides)), {_hcl(list(CIS_DETECTIONS))})) == 0",
                    f"detections: disabled and overrides {_CIS_OFF_RULE}.",
                ),
                (
                    "length(setintersection(var.detections.disabled, keys(var.detections.overrides))) == 0",
                    f"detections: {_DISABLED_OVERRIDE_RULE}.",
                ),
                (
                    "alltrue([for o in values(var.detections.overrides) : coalesce(o.threshold, 0) >= 0])",
                    "detections.overrides: threshold must be a finite number of at least 0.",
                ),
                (
                    "alltrue([for o in values(var.detections.overrides) : coalesce(o.period, 60) % 60 == 0 "
                    f"&& coalesce(o.period, 60) >= 60 && coalesce(o.period, 60) <= {MAX_EVALUATION_SECONDS}])",
                    f"detections.overrides: period {_PERIOD_RULE}.",
                ),
                (
                    f"alltrue([for o in values(var.detections.overrides) : "
                    f"coalesce(o.period, {ALARM_DEFAULTS.period}) * coalesce(o.evaluation_periods, "
                    f"{ALARM_DEFAULTS.evaluation_periods}) <= (coalesce(o.period, {ALARM_DEFAULTS.period}) < {HOUR} "
                    f"? {MAX_SHORT_EVALUATION_SECONDS} : {MAX_EVALUATION_SECONDS})])",
                    f"detections.overrides: {_RANGE_RULE}.",
                ),
                (
                    "alltrue([for o in values(var.detections.overrides) : coalesce(o.evaluation_periods, 1) >= 1 "
                    "&& coalesce(o.evaluation_periods, 1) <= 100 "
                    "&& floor(coalesce(o.evaluation_periods, 1)) == coalesce(o.evaluation_periods, 1)])",
                    "detections.overrides: evaluation_periods must be a whole number from 1 to 100.",
                ),
            )
        ),
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
        ModuleInput(
            validations=(
                (
                    "alltrue([for days in [var.log_bucket.transition_to_glacier_days, var.log_bucket.expiration_days, "
                    "var.log_bucket.noncurrent_version_expiration_days, var.log_bucket.object_lock_days] : "
                    "days >= 1 && days <= 36500 && floor(days) == days])",
                    "log_bucket: every number of days must be a whole number from 1 to 36500.",
                ),
                (
                    f"var.log_bucket.expiration_days >= {MIN_LOG_DAYS} "
                    f"&& var.log_bucket.noncurrent_version_expiration_days >= {MIN_LOG_DAYS}",
                    "log_bucket: expiration_days and noncurrent_version_expiration_days must be at least "
                    f"{MIN_LOG_DAYS} (CIS).",
                ),
                (
                    "var.log_bucket.transition_to_glacier_days < var.log_bucket.expiration_days",
                    "log_bucket: transition_to_glacier_days must be less than expiration_days.",
                ),
                (
                    f"contains({_hcl(list(OBJECT_LOCK_MODES))}, var.log_bucket.object_lock_mode)",
                    f"log_bucket.object_lock_mode must be one of {_names(OBJECT_LOCK_MODES)}.",
                ),
                (
                    'var.log_bucket.object_lock_mode != "off" '
                    f"|| var.log_bucket.object_lock_days == {DEFAULT_OBJECT_LOCK_DAYS}",
                    f"log_bucket: {_LOCK_OFF_RULE}.",
                ),
                (
                    'var.log_bucket.object_lock_mode == "off" '
                    "|| var.log_bucket.object_lock_days <= var.log_bucket.expiration_days",
                    f"log_bucket: {_LOCK_LONGER_RULE}.",
                ),
            )
        ),
    ] = Field(default_factory=LogBucketConfig)
    state: Annotated[
        StateConfig,
        Field(description="Terraform state backend (S3, S3-native locking)."),
        AppOnly("The caller configures its own backend."),
    ] = Field(default_factory=StateConfig)
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

    @field_validator("name_prefix")
    @classmethod
    def _check_name_prefix(cls, value: str) -> str:
        if not re.fullmatch(NAME_PREFIX_PATTERN, value):
            raise ValueError(f"{NAME_PREFIX_RULE} (got {shown(value)})")
        if value.startswith(RESERVED_BUCKET_PREFIXES):
            raise ValueError(f"{RESERVED_PREFIX_RULE} (got {shown(value)})")
        return value

    @field_validator("region", mode="before")
    @classmethod
    def _check_region(cls, value: object) -> object:
        if value != HOME_REGION:
            raise ValueError(f"must be {HOME_REGION!r}; the baseline only deploys there (got {shown(value)})")
        return value

    @field_validator("budget_limit_usd", mode="before")
    @classmethod
    def _check_budget(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"must be a number of US dollars greater than 0 (got {shown(value)})")
        if not 0 < value <= MAX_BUDGET_USD:
            raise ValueError(f"must be greater than 0 and at most {MAX_BUDGET_USD} USD (got {shown(value)})")
        return float(value)

    @field_validator("alert_emails", mode="before")
    @classmethod
    def _check_emails(cls, value: object) -> object:
        if not isinstance(value, list | tuple):
            raise ValueError(f"must be a list of email addresses (got {shown(value)})")
        for address in value:
            if not isinstance(address, str) or not re.fullmatch(EMAIL_PATTERN, address):
                raise ValueError(f"must contain only valid email addresses (got {shown(address)})")
        if len(set(value)) != len(value):
            raise ValueError("must not list the same address twice")
        return tuple(value)

    @field_validator("log_retention_days", mode="before")
    @classmethod
    def _check_retention(cls, value: object) -> object:
        if isinstance(value, bool) or value not in ALLOWED_LOG_RETENTION_DAYS:
            allowed = ", ".join(str(days) for days in ALLOWED_LOG_RETENTION_DAYS)
            raise ValueError(f"must be one of {allowed} (got {shown(value)})")
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
            if not 1 <= len(key) <= MAX_TAG_KEY or key.lower().startswith("aws:") or not _tag_text(key):
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


def _model_at(path: tuple[int | str, ...]) -> type[BaseModel]:
    """The config model (or nested table's model) that ``path`` leads to."""
    model: type[BaseModel] = BaselineConfig
    steps = iter(path)
    for name in steps:
        annotation = model.model_fields[str(name)].annotation
        if get_origin(annotation) is dict:  # a table of tables: skip the key, use the value's model
            annotation = get_args(annotation)[1]
            next(steps, None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    return model


#: At most this many problems are listed in the one line; the rest are counted.
MAX_PROBLEMS = 3
#: Deeper nesting than this is no config (the deepest field is detections.overrides.NAME.FIELD).
MAX_DEPTH = 8


def _format_error(error: ValidationError, source: str) -> str:
    parts = []
    for item in error.errors():
        field = ".".join(shown_name(part) for part in item["loc"]) or "(root)"
        if item["type"] == "extra_forbidden":
            allowed = ", ".join(_model_at(item["loc"][:-1]).model_fields)
            message = f"unknown field; allowed fields are {allowed}"
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{field}: {message}")
    more = f"; and {len(parts) - MAX_PROBLEMS} more" if len(parts) > MAX_PROBLEMS else ""
    return f"{source}: " + "; ".join(parts[:MAX_PROBLEMS]) + more


def _check_values(data: Any, source: str) -> None:
    """Every number finite, nothing nested deeper than a config can be (iteratively: no recursion)."""
    pending: list[tuple[str, Any, int]] = [("", data, 0)]
    while pending:
        path, value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ConfigError(f"{source}: {path}: nested more than {MAX_DEPTH} levels deep; no field of the config is")
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{source}: {path}: must be a finite number (got {shown(value)})")
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            name = shown_name(key)
            pending.append((f"{path}.{name}" if path else name, item, depth + 1))


def parse_config(data: dict[str, Any], source: str = "config") -> BaselineConfig:
    """Validate a mapping (as read from TOML) into a config, or raise a one-line ConfigError."""
    _check_values(data, source)
    try:
        return BaselineConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_format_error(error, source)) from None


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def decode(data: bytes, source: str) -> str:
    """The file's text: UTF-8 (a UTF-8 byte order mark is allowed), else a one-line ConfigError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(f"{source}: is UTF-16 text (what PowerShell's > writes); save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise ConfigError(
            f"{source}: not UTF-8 text: byte 0x{byte:02x} at {_position(data, error.start)}; save it as UTF-8"
        ) from None


def load_config(path: str | Path | None) -> BaselineConfig:
    """Read the TOML file at ``path``; with no path, return the defaults."""
    if path is None:
        return BaselineConfig()
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ConfigError(f"{file}: cannot read config file ({error.strerror})") from None
    text = decode(data, str(file))
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{file}: not valid TOML ({error})") from None
    except RecursionError:
        raise ConfigError(f"{file}: not valid TOML (arrays or tables nested too deeply to read)") from None
    return parse_config(document, str(file))
