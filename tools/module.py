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
from string import Template
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from cdktf import (
    App,
    Fn,
    Op,
    TerraformLocal,
    TerraformOutput,
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
    BillingConfig,
    DetectionsConfig,
    LogBucketConfig,
    TrailConfig,
    app_only_fields,
    cross_field_validations,
    module_inputs,
    renamed_fields,
)
from app.moves import add_moved_blocks
from app.rules import hcl_validations
from app.stacks import TERRAFORM_VERSION, add_outputs
from constructs_lib.baseline import BillingProps, ManagementAccountBaseline, ManagementAccountBaselineProps, TrailProps
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
from tools.changelog import project_version, upgrade_notes
from tools.compare_synth import without_comments
from tools.kept import KeptAddress, import_blocks, kept_in_module, removed_blocks

MODULE_NAME = "management-account-baseline"
#: Where the module is committed, relative to the repository root.
MODULE_PATH = Path("modules") / MODULE_NAME
REPO_ROOT = Path(__file__).resolve().parents[1]
#: The aws providers the module is tested with: from the version the bindings are for, below
#: 6.0, which nothing here has been validated on (its README says why).
PROVIDER_CONSTRAINT = ">= 5.100.0, < 6.0.0"
REGENERATE_COMMAND = "./run generate"
#: The module output holding its inputs as an operator config (JSON).
OPERATOR_CONFIG_OUTPUT = "operator_config"
#: The module variable of the config's ``detections`` table.
DETECTIONS_VARIABLE = "detections"


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
    if annotation is BillingConfig:
        setting = {name: Fn.lookup_nested(variable.value, [name]) for name in annotation.model_fields}
        organization = setting["organization_limit_usd"]
        return BillingProps(
            management_account_limit_usd=Token.as_number(setting["management_account_limit_usd"]),
            organization_alarm=Op.neq(organization, Token.null_value()),
            organization_limit_usd=Token.as_number(Fn.coalesce([organization, 0])),
            anomaly_monitor=Token.as_string(setting["anomaly_monitor"]),
            anomaly_threshold_usd=Token.as_number(Fn.coalesce([setting["anomaly_threshold_usd"], 0])),
            anomaly_threshold_percent=Token.as_number(Fn.coalesce([setting["anomaly_threshold_percent"], 0])),
        )
    if annotation is TrailConfig:
        mode, log_group, trail_arn = (
            Fn.lookup_nested(variable.value, [name]) for name in ("mode", "log_group_name", "trail_arn")
        )
        return TrailProps(
            create=Op.eq(mode, "create"),
            cloudwatch_logs_scope=Token.as_string(Fn.lookup_nested(variable.value, ["cloudwatch_logs_scope"])),
            existing_log_group_name=Token.as_string(
                Fn.conditional(Op.eq(log_group, Token.null_value()), "", log_group)
            ),
            existing_trail_arn=Token.as_string(trail_arn),
        )
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
        for name, new_name in renamed_fields().items():
            self._renamed_variable(name, new_name, BaselineConfig.model_fields[name])
        self.baseline = ManagementAccountBaseline(self, "baseline", props=ManagementAccountBaselineProps(**values))
        add_outputs(self, self.baseline)
        # The inputs as the app's config (same names, same shapes): ./run verify and drill read it.
        fields = ", ".join(f"{name} = var.{name}" for name in module_inputs())
        TerraformOutput(
            self,
            OPERATOR_CONFIG_OUTPUT,
            value=f"${{jsonencode({{{fields}}})}}",
            description=(
                "The module's inputs as a config of the operator commands: `terraform output -raw <your output> > "
                "baseline.json`, then `./run verify --config baseline.json` (and `drill`, `cost`); no TOML to keep."
            ),
        )
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
                for condition, message in [
                    *hcl_validations(name, field.annotation, list(field.metadata), f"var.{name}"),
                    *cross_field_validations().get(name, []),
                ]
            ],
        )

    def _renamed_variable(self, name: str, new_name: str, field: FieldInfo) -> TerraformVariable:
        """A variable kept for a renamed input, refused when set: its message names the new input
        (Terraform has no deprecation warning for a variable)."""
        return TerraformVariable(
            self,
            name,
            type=terraform_type(field.annotation),
            description=field.description,
            default=None,
            nullable=True,
            validation=[
                TerraformVariableValidationConfig(
                    condition=f"${{var.{name} == null}}",
                    error_message=f"{name} was renamed {new_name}: set that input instead.",
                )
            ],
        )

    def to_terraform(self) -> Any:
        document: dict[str, Any] = super().to_terraform()
        document.pop("provider", None)
        document["terraform"].pop("backend", None)
        document["terraform"]["required_providers"]["aws"] = {"source": "hashicorp/aws", "version": PROVIDER_CONSTRAINT}
        document["terraform"]["required_version"] = TERRAFORM_VERSION
        return without_comments(document)


def synthesized_module() -> tuple[dict[str, Any], list[KeptAddress]]:
    """The module's Terraform JSON as the constructs synthesize it now, and what a removal keeps."""
    with tempfile.TemporaryDirectory() as outdir:
        app = App(outdir=outdir)
        stack = BaselineModuleStack(app, MODULE_NAME)
        kept = kept_in_module(stack, stack.baseline)
        app.synth()
        document: dict[str, Any] = json.loads(Path(outdir, "stacks", MODULE_NAME, "cdk.tf.json").read_text())
        defaults = BaselineConfig().model_dump(mode="json")
        for name in module_inputs():
            # As the config has it, nulls included: cdktf leaves null attributes out of a default.
            document["variable"][name]["default"] = defaults[name]
        for name in renamed_fields():
            # Optional, and null unless set: cdktf writes no null default, which would make it required.
            document["variable"][name]["default"] = None
        return document, kept


def module_json() -> dict[str, Any]:
    """The module's Terraform JSON as the constructs synthesize it now."""
    return synthesized_module()[0]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def module_readme(document: dict[str, Any], kept: list[KeptAddress]) -> str:
    """The module's README (``tools/templates/module-README.md``): usage, the inputs and outputs of
    ``document``, the blocks that remove and adopt the ``kept`` log data, and the upgrade notes
    of ``CHANGELOG.md``."""
    inputs = [
        f"| `{name}` | `{spec['type']}` | `{json.dumps(spec['default'])}` | {_cell(spec['description'])} |"
        for name, spec in document["variable"].items()
    ]
    outputs = [f"| `{name}` | {_cell(spec['description'])} |" for name, spec in document["output"].items()]
    left_out = [f"| `{name}` | {_cell(reason)} |" for name, reason in app_only_fields().items()]
    template = Template((REPO_ROOT / "tools" / "templates" / "module-README.md").read_text(encoding="utf-8"))
    return template.substitute(
        module_name=MODULE_NAME,
        module_path=MODULE_PATH.as_posix(),
        regenerate=REGENERATE_COMMAND,
        version=project_version(),
        terraform_version=TERRAFORM_VERSION,
        provider_constraint=PROVIDER_CONSTRAINT,
        inputs="\n".join(inputs),
        outputs="\n".join(outputs),
        left_out="\n".join(left_out),
        removed_blocks=removed_blocks(kept),
        import_blocks=import_blocks(kept),
        upgrade_notes=upgrade_notes(),
    )


def render_module() -> dict[str, str]:
    """Every file of the module folder, by name, as the constructs make them now."""
    document, kept = synthesized_module()
    return {
        "main.tf.json": json.dumps(document, indent=2, sort_keys=True) + "\n",
        "README.md": module_readme(document, kept),
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
