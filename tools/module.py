"""The module flavour: the same baseline as a Terraform module for plain-HCL callers.

    python -m runtime tools.module           # regenerate modules/management-account-baseline/
    python -m runtime tools.module --check   # exit 1 if the committed module is out of date

``./run generate`` runs the first (and regenerates the tables of docs/). ``runtime``
installs the jsii speed-ups first; plain ``python -m tools.module`` works too, slower.

The module's variables are the config fields marked ``ModuleInput`` (name, description,
default and validation come from ``BaselineConfig``: one source of truth); its outputs
are :meth:`ManagementAccountBaseline.outputs`. It has no provider and no backend: the
caller passes its own aws provider (for us-east-1, checked at plan time) and keeps state
where it likes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from cdktf import (
    App,
    Fn,
    Op,
    TerraformLocal,
    TerraformStack,
    TerraformVariable,
    TerraformVariableValidationConfig,
    Token,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app.config import (
    BaselineConfig,
    DetectionsConfig,
    LogBucketConfig,
    app_only_fields,
    module_inputs,
)
from app.moves import add_moved_blocks
from app.rules import hcl_validations
from app.stacks import TERRAFORM_VERSION, add_outputs
from constructs_lib.baseline import ManagementAccountBaseline, ManagementAccountBaselineProps
from constructs_lib.choice import DetectionChoice
from constructs_lib.detections import (
    ALARM_DEFAULTS,
    IGNORED_EVENT_SOURCE,
    IGNORED_PRINCIPAL,
    Detection,
    LogDetection,
    Pack,
    organization_wide_by_default,
)
from constructs_lib.organization_trail import LogBucketProps
from constructs_lib.switch import Flag
from tools.compare_synth import without_comments

MODULE_NAME = "management-account-baseline"
#: Where the module is committed, relative to the repository root.
MODULE_PATH = Path("modules") / MODULE_NAME
REPO_ROOT = Path(__file__).resolve().parents[1]
#: The oldest aws provider the module is tested with (the version the bindings are for).
PROVIDER_CONSTRAINT = ">= 5.100.0"
REGENERATE_COMMAND = "./run generate"
#: The module variable of the config's ``detections`` table.
DETECTIONS_VARIABLE = "detections"


#: What a caller of an earlier module must know before upgrading, newest first (the module's README).
UPGRADE_NOTES = (
    "- **The readable messages (alarm-actions topic).** The plan adds the alarm-actions topic, its",
    "  queue and a rule and target per alarm, changes each alarm's actions and the alert topic's",
    "  policy, and destroys nothing (`tests/e2e/test_module_upgrade.py`). The alert topic no longer",
    "  lets CloudWatch alarms publish: an alarm of your own pointed at `alert_topic_arn` now fails its",
    "  action; point it at `alarm_actions_topic_arn` and give it a rule like the baseline's, or",
    "  subscribe its own topic.",
    "- **Plain addresses.** Addresses are plain and stable (`aws_s3_bucket.trail_logs`,",
    "  `aws_kms_key.this`), and each detection is an instance keyed by its name",
    '  (`aws_cloudwatch_metric_alarm.this["access-denied"]`). The module carries `moved` blocks from',
    "  the hashed addresses of earlier versions",
    "  (`aws_cloudwatch_metric_alarm.baseline_access-denied_alarm_EAE80BC3[0]`), so the upgrade plans",
    "  only moves.",
)

_SCALARS: dict[Any, str] = {str: "string", int: "number", float: "number", bool: "bool"}


def terraform_type(annotation: Any) -> str:
    """The Terraform type constraint of a config field's Python type."""
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if origin is Literal:
        return "string"
    if origin is tuple:
        return f"list({terraform_type(args[0])})"
    if origin is dict:
        return f"map({terraform_type(args[1])})"
    if origin in (Union, UnionType):
        (inner,) = (arg for arg in args if arg is not type(None))
        return terraform_type(inner)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        attributes = []
        for name, field in annotation.model_fields.items():
            default = field.get_default(call_default_factory=True)
            shown = "" if default is None else f", {_hcl_value(default)}"
            attributes.append(f"{name} = optional({terraform_type(field.annotation)}{shown})")
        return "object({" + ", ".join(attributes) + "})"
    raise TypeError(f"no Terraform type for {annotation!r}")


def _hcl_value(value: Any) -> str:
    """A default value as an HCL literal (JSON's are valid HCL; a model as its fields)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return json.dumps(list(value) if isinstance(value, tuple) else value)


def _typed(value: Any, annotation: Any) -> Any:
    """A Terraform expression ``value`` as the token type cdktf expects for ``annotation``."""
    kind = terraform_type(annotation)
    if kind == "number":
        return Token.as_number(value)
    if kind == "string":
        return Token.as_string(value)
    if kind.startswith("list("):
        return Token.as_list(value)
    return value  # bools and objects stay IResolvable


class TerraformDetections:
    """The ``detections`` variable as a ``DetectionChooser``: every choice a Terraform expression.

    The ignored principals and event sources become one local, ``local.ignored_clauses``,
    that the detections which take them append to their scoped pattern.
    """

    def __init__(self, variable: Any, scope: Construct) -> None:
        self._variable = variable
        clauses = TerraformLocal(scope, "ignored_clauses", ignored_clauses_template(f"var.{DETECTIONS_VARIABLE}"))
        clauses.override_logical_id("ignored_clauses")
        self._ignored_clauses = clauses.as_string

    def _get(self, *path: str) -> Any:
        return Fn.lookup_nested(self._variable, list(path))

    def choice_for(self, detection: Detection) -> DetectionChoice:
        enabled: Flag = Op.not_(Fn.contains(self._get("disabled"), detection.name))
        organization_wide: Flag = organization_wide_by_default(detection)
        if detection.pack is Pack.CIS:
            enabled = Op.and_(Op.neq(self._get("cis_pack"), "off"), enabled)
            organization_wide = Op.eq(self._get("cis_pack"), "exact")

        def setting(name: str, default: float) -> float:
            override = self._get("overrides", detection.name, name)
            return Token.as_number(Fn.try_([Fn.coalesce([override, default]), default]))

        takes_exclusions = isinstance(detection, LogDetection) and detection.takes_exclusions
        return DetectionChoice(
            enabled=enabled,
            organization_wide=organization_wide,
            threshold=setting("threshold", ALARM_DEFAULTS.threshold),
            period=setting("period", ALARM_DEFAULTS.period),
            evaluation_periods=setting("evaluation_periods", ALARM_DEFAULTS.evaluation_periods),
            left_out=self._ignored_clauses if takes_exclusions else "",
        )


def ignored_clauses_template(detections: str) -> str:
    """``ignored_clauses`` as a Terraform template over the ``detections`` object's lists: the
    same text for each entry (``terraform console`` proves it in tests/test_module.py)."""

    def each(template: str, values: str, name: str) -> str:
        literal = template.replace("\\", "\\\\").replace('"', '\\"').replace("{}", f"${{{name}}}")
        return f'${{join("", [for {name} in {detections}.{values} : "{literal}"])}}'

    return each(IGNORED_PRINCIPAL, "ignored_principals", "p") + each(IGNORED_EVENT_SOURCE, "ignored_event_sources", "s")


def input_value(variable: TerraformVariable, field: FieldInfo) -> Any:
    """What the constructs get for a module input: the variable's value, typed like the config field."""
    annotation = field.annotation
    if annotation is DetectionsConfig:
        return TerraformDetections(variable.value, TerraformStack.of(variable))
    if annotation is LogBucketConfig:
        # The construct's props, each field a Terraform expression (no validation: Terraform's).
        return LogBucketProps(
            **{
                name: _typed(Fn.lookup_nested(variable.value, [name]), nested.annotation)
                for name, nested in annotation.model_fields.items()
            }
        )
    return _typed(variable.value, annotation)


class BaselineModuleStack(TerraformStack):
    """The baseline with its inputs as Terraform variables and no provider or backend.

    The pattern of cdktf's ``tf-module-stack``: the stack holds an aws provider only so
    that cdktf validates the resources and writes ``required_providers``; :meth:`to_terraform`
    then drops the provider and the (default, local) backend, because a module inherits
    both from its caller.
    """

    def __init__(self, scope: Construct, id_: str) -> None:
        super().__init__(scope, id_)
        AwsProvider(self, "aws")
        defaults = BaselineConfig().model_dump(mode="json")
        values: dict[str, Any] = {}
        for name, (field, _marker) in module_inputs().items():
            variable = self._variable(name, field, defaults[name])
            values[name] = input_value(variable, field)
        self.baseline = ManagementAccountBaseline(self, "baseline", props=ManagementAccountBaselineProps(**values))
        add_outputs(self, self.baseline)
        # The module's detections had ``count`` before they had plain addresses.
        add_moved_blocks(self, counted_detections=True)

    def _variable(self, name: str, field: FieldInfo, default: Any) -> TerraformVariable:
        return TerraformVariable(
            self,
            name,
            type=terraform_type(field.annotation),
            description=field.description,
            default=list(default) if isinstance(default, tuple) else default,
            nullable=False,
            validation=[
                TerraformVariableValidationConfig(condition=f"${{{condition}}}", error_message=message)
                for condition, message in hcl_validations(name, field.annotation, list(field.metadata), f"var.{name}")
            ],
        )

    def to_terraform(self) -> Any:
        document: dict[str, Any] = super().to_terraform()
        document.pop("provider", None)
        document["terraform"].pop("backend", None)
        document["terraform"]["required_providers"]["aws"] = {"source": "hashicorp/aws", "version": PROVIDER_CONSTRAINT}
        document["terraform"]["required_version"] = TERRAFORM_VERSION
        return without_comments(document)


def module_json() -> dict[str, Any]:
    """The module's Terraform JSON as the constructs synthesize it now."""
    with tempfile.TemporaryDirectory() as outdir:
        app = App(outdir=outdir)
        BaselineModuleStack(app, MODULE_NAME)
        app.synth()
        document: dict[str, Any] = json.loads(Path(outdir, "stacks", MODULE_NAME, "cdk.tf.json").read_text())
        return document


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def module_readme(document: dict[str, Any]) -> str:
    """The module's README: usage, and inputs and outputs tables generated from ``document``."""
    inputs = [
        f"| `{name}` | `{spec['type']}` | `{json.dumps(spec['default'])}` | {_cell(spec['description'])} |"
        for name, spec in document["variable"].items()
    ]
    outputs = [f"| `{name}` | {_cell(spec['description'])} |" for name, spec in document["output"].items()]
    left_out = [f"| `{name}` | {_cell(reason)} |" for name, reason in app_only_fields().items()]
    return "\n".join(
        [
            f"# {MODULE_NAME} (Terraform module)",
            "",
            f"<!-- Generated by `{REGENERATE_COMMAND}` from constructs_lib/: do not edit by hand. -->",
            "",
            "The management account baseline (organization trail, alert topic, root sign-in",
            "alert, log alarms, billing alarm and budget) as a plain Terraform module,",
            "synthesized from the same cdktf constructs as the app. Call it from the",
            "organization's management account with an aws provider for `us-east-1`:",
            "",
            "```hcl",
            'provider "aws" {',
            '  region = "us-east-1"',
            "}",
            "",
            'module "management_baseline" {',
            f'  source = "git::https://example.com/your/fork.git//{MODULE_PATH.as_posix()}?ref=<tag>"',
            "  # or a local path, as in examples/plain-hcl",
            "",
            '  name_prefix  = "acme-mgmt"',
            '  alert_emails = ["secops@example.com"]',
            "}",
            "```",
            "",
            "Inputs, outputs and the upgrade notes are below; the whole reference of the baseline",
            "(what each resource is for, the alerts, verify and drill) is in the repository's `docs/`.",
            "",
            "## Requirements",
            "",
            "| name | version |",
            "|---|---|",
            f"| Terraform | `{TERRAFORM_VERSION}` (S3-native state locking) |",
            f"| `hashicorp/aws` | `{PROVIDER_CONSTRAINT}` |",
            "",
            "The module refuses, at plan time, a provider configured for another region.",
            "",
            "## Log data protection",
            "",
            "Terraform cannot take `prevent_destroy` from a variable, so",
            "in the module `protect_log_data` keeps the log group (`skip_destroy`) and never",
            "empties the log bucket (`force_destroy` off: S3 refuses to delete a bucket that",
            "holds logs). The cdktf app additionally sets `prevent_destroy` on the bucket.",
            "",
            "## Inputs",
            "",
            "| name | type | default | description |",
            "|---|---|---|---|",
            *inputs,
            "",
            "Each rule of the app's config is repeated in a `validation` block (the bools are checked by type).",
            "",
            "## Outputs",
            "",
            "| name | description |",
            "|---|---|",
            *outputs,
            "",
            "## Not inputs",
            "",
            "The app's config has these fields too; the module leaves them to its caller:",
            "",
            "| config field | why not an input |",
            "|---|---|",
            *left_out,
            "",
            "## Upgrade notes",
            "",
            *UPGRADE_NOTES,
            "",
        ]
    )


def render_module() -> dict[str, str]:
    """Every file of the module folder, by name, as the constructs make them now."""
    document = module_json()
    return {
        "main.tf.json": json.dumps(document, indent=2, sort_keys=True) + "\n",
        "README.md": module_readme(document),
    }


def stale_files(directory: Path, files: dict[str, str]) -> list[str]:
    """Names of the files in ``directory`` that differ from ``files`` (or are missing/extra)."""
    present = {path.name for path in directory.iterdir()} if directory.is_dir() else set()
    names = sorted(present | set(files))
    return [
        name
        for name in names
        if name not in files or name not in present or (directory / name).read_text(encoding="utf-8") != files[name]
    ]


def write_module(directory: Path, files: dict[str, str]) -> None:
    """Replace ``directory`` with ``files``: written to a sibling folder first, then swapped in."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if directory.exists():
            shutil.rmtree(directory)
        staging.rename(directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate (or --check) the Terraform module folder.")
    parser.add_argument("--check", action="store_true", help="only report whether the committed module is stale")
    parser.add_argument("--directory", type=Path, default=REPO_ROOT / MODULE_PATH, help="the module folder")
    args = parser.parse_args(argv)
    directory: Path = args.directory
    files = render_module()
    stale = stale_files(directory, files)
    if args.check:
        if stale:
            print(
                f"error: {directory} is out of date ({', '.join(stale)}); regenerate it with `{REGENERATE_COMMAND}`",
                file=sys.stderr,
            )
            return 1
        print(f"{directory} is up to date")
        return 0
    write_module(directory, files)
    print(f"wrote {directory}: {', '.join(sorted(files))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
