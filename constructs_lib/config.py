"""The one source of truth for the baseline's inputs.

Every field has a documented default, so the default configuration synthesizes with no
file at all. A TOML file overrides any subset of the fields; unknown keys are rejected.
Errors are reported as one line that names the field and what is allowed.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo

#: The only region the baseline deploys to: the billing metric, console sign-in events of
#: the root user and the organization trail's home all live in us-east-1.
HOME_REGION: Literal["us-east-1"] = "us-east-1"

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

#: 2-24 characters: the longest derived name, ``<prefix>-organization-trail-cloudwatch-logs``
#: (an IAM role), must stay within IAM's 64, with room for longer detection names.
NAME_PREFIX_PATTERN = r"^[a-z][a-z0-9-]{0,22}[a-z0-9]$"
NAME_PREFIX_RULE = (
    "must be 2-24 characters of lowercase letters, digits and hyphens, "
    "starting with a letter and not ending with a hyphen"
)
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
MAX_BUDGET_USD = 1_000_000_000


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


class ConfigError(ValueError):
    """A configuration value is missing, malformed or out of range (one line, user-facing)."""


STATE_BUCKET_PATTERN = r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"
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
        if value is not None and not re.fullmatch(STATE_BUCKET_PATTERN, value):
            raise ValueError(f"must be a bucket name of 3-63 lowercase letters, digits and hyphens (got {value!r})")
        return value

    @field_validator("key")
    @classmethod
    def _check_key(cls, value: str) -> str:
        if not 1 <= len(value) <= 1024 or value.startswith("/"):
            raise ValueError(f"must be 1-1024 characters and not start with '/' (got {value!r})")
        return value


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
        bool,
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
        bool,
        Field(
            description=(
                "Create the AWS Budgets budget next to the billing alarm. Turned off only for "
                "runs against the local AWS (moto cannot hold a budget made by provider 5.100)."
            ),
        ),
        ModuleInput(),
    ] = True
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
            raise ValueError(f"{NAME_PREFIX_RULE} (got {value!r})")
        return value

    @field_validator("region", mode="before")
    @classmethod
    def _check_region(cls, value: object) -> object:
        if value != HOME_REGION:
            raise ValueError(f"must be {HOME_REGION!r}; the baseline only deploys there (got {value!r})")
        return value

    @field_validator("budget_limit_usd", mode="before")
    @classmethod
    def _check_budget(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"must be a number of US dollars greater than 0 (got {value!r})")
        if not 0 < value <= MAX_BUDGET_USD:
            raise ValueError(f"must be greater than 0 and at most {MAX_BUDGET_USD} USD (got {value!r})")
        return float(value)

    @field_validator("alert_emails", mode="before")
    @classmethod
    def _check_emails(cls, value: object) -> object:
        if not isinstance(value, list | tuple):
            raise ValueError(f"must be a list of email addresses (got {value!r})")
        for address in value:
            if not isinstance(address, str) or not re.fullmatch(EMAIL_PATTERN, address):
                raise ValueError(f"must contain only valid email addresses (got {address!r})")
        if len(set(value)) != len(value):
            raise ValueError("must not list the same address twice")
        return tuple(value)

    @field_validator("log_retention_days", mode="before")
    @classmethod
    def _check_retention(cls, value: object) -> object:
        if isinstance(value, bool) or value not in ALLOWED_LOG_RETENTION_DAYS:
            allowed = ", ".join(str(days) for days in ALLOWED_LOG_RETENTION_DAYS)
            raise ValueError(f"must be one of {allowed} (got {value!r})")
        return value

    @field_validator("local_aws_endpoint")
    @classmethod
    def _check_endpoint(cls, value: str | None) -> str | None:
        if value is not None and not _LOOPBACK_ENDPOINT.fullmatch(value):
            raise ValueError(f"must be an http(s)://127.x.x.x:PORT or http(s)://localhost:PORT URL (got {value!r})")
        return value

    @field_validator("protect_log_data", "create_budget", mode="before")
    @classmethod
    def _check_bool(cls, value: object) -> object:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false (got {value!r})")
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _check_tags(cls, value: object) -> object:
        if not isinstance(value, dict):
            raise ValueError(f"must be a table of string keys to string values (got {value!r})")
        for key, tag_value in value.items():
            if not isinstance(key, str) or not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
                raise ValueError(f"key {key!r} must be 1-128 characters and not start with 'aws:'")
            if not isinstance(tag_value, str) or len(tag_value) > 256:
                raise ValueError(f"value of {key!r} must be a string of at most 256 characters")
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
    for name in path:
        annotation = model.model_fields[str(name)].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    return model


def _format_error(error: ValidationError, source: str) -> str:
    parts = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(root)"
        if item["type"] == "extra_forbidden":
            allowed = ", ".join(_model_at(item["loc"][:-1]).model_fields)
            message = f"unknown field; allowed fields are {allowed}"
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{field}: {message}")
    return f"{source}: " + "; ".join(parts)


def parse_config(data: dict[str, Any], source: str = "config") -> BaselineConfig:
    """Validate a mapping (as read from TOML) into a config, or raise a one-line ConfigError."""
    try:
        return BaselineConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_format_error(error, source)) from None


def load_config(path: str | Path | None) -> BaselineConfig:
    """Read the TOML file at ``path``; with no path, return the defaults."""
    if path is None:
        return BaselineConfig()
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{file}: cannot read config file ({error.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{file}: not valid TOML ({error})") from None
    return parse_config(data, str(file))
