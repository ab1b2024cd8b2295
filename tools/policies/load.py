"""The stacks whose policies are proven or validated: a synth output folder, or the module."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.config import BaselineConfig, module_inputs
from tools.module import MODULE_PATH, REPO_ROOT
from tools.policies.resolve import Environment, TerraformJson


def synthesized_stacks(outdir: Path, environment: Environment) -> list[TerraformJson]:
    """Every stack of a synth output folder (``cdktf.out``), resolved for ``environment``."""
    paths = sorted(outdir.glob("stacks/*/cdk.tf.json"))
    if not paths:
        raise FileNotFoundError(f"{outdir}: no stacks/*/cdk.tf.json (run ./run synth first)")
    return [TerraformJson(json.loads(path.read_text()), environment) for path in paths]


def module_variables(config: BaselineConfig) -> dict[str, Any]:
    """The module inputs that give the same baseline as ``config``."""
    values = config.model_dump(mode="json")
    return {name: values[name] for name in module_inputs()}


def module_stack(environment: Environment, config: BaselineConfig | None = None) -> TerraformJson:
    """The committed module, called with the inputs of ``config`` (default: its defaults)."""
    document = json.loads((REPO_ROOT / MODULE_PATH / "main.tf.json").read_text())
    return TerraformJson(document, environment, module_variables(config or BaselineConfig()))


def github_claims(config: BaselineConfig) -> dict[str, str]:
    """Who GitHub says is calling, for the CI roles' requests (none without ``[ci]``)."""
    if config.ci is None:
        return {}
    return {
        "github_repository": config.ci.github_repository,
        "default_branch": config.ci.default_branch,
        "apply_environment": config.ci.apply_environment,
    }
