"""examples/plain-hcl in a scratch folder: the module called from plain HCL, on the local AWS."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.stacks import LOCAL_AWS_SERVICES
from tests.local_aws import LocalAws
from tests.terraform import run_terraform, terraform, terraform_env
from tools.module import MODULE_PATH, REPO_ROOT

EXAMPLE = Path("examples") / "plain-hcl"
MODULE_CALL = "module.management_baseline."


@dataclass
class Example:
    workdir: Path
    env: dict[str, str]
    aws: LocalAws

    @property
    def module_dir(self) -> Path:
        """The module the example calls (its copy in the scratch folder)."""
        return self.workdir.parents[1] / MODULE_PATH

    def override(self, name: str, settings: dict[str, Any]) -> Path:
        """Write a Terraform override file (merged into the example's blocks by terraform)."""
        path = self.workdir / f"{name}_override.tf.json"
        path.write_text(json.dumps(settings))
        return path

    def plan_error(self, **module_arguments: object) -> str:
        """Plan with ``module_arguments`` overridden; the error output, whitespace-normalized."""
        override = self.override("zz_case", {"module": {"management_baseline": module_arguments}})
        try:
            result = run_terraform("plan", "-input=false", cwd=self.workdir, env=self.env)
        finally:
            override.unlink()
        assert result.returncode == 1, result.stdout
        return " ".join(result.stderr.split())

    def upgrade(self, module: Path = REPO_ROOT / MODULE_PATH, caller: Path = REPO_ROOT / EXAMPLE) -> None:
        """Call ``module`` from ``caller``'s main.tf, as a caller upgrading both does (override files stay)."""
        shutil.rmtree(self.module_dir)
        shutil.copytree(module, self.module_dir)
        shutil.copy(caller / "main.tf", self.workdir / "main.tf")

    def saved_plan(self, name: str) -> dict[str, Any]:
        """``terraform plan -out=name``, and the plan as ``terraform show -json`` prints it."""
        plan_file = self.workdir / name
        terraform("plan", "-input=false", f"-out={plan_file}", cwd=self.workdir, env=self.env)
        shown: dict[str, Any] = json.loads(
            terraform("show", "-json", str(plan_file), cwd=self.workdir, env=self.env).stdout
        )
        return shown

    def point_at_local_aws(self) -> None:
        """Send the example's provider to the local AWS (override files; the example is untouched).

        The local AWS has no AWS Budgets, so the budget is switched off.
        """
        self.override(
            "local_aws",
            {
                "provider": {
                    "aws": {
                        "endpoints": [dict.fromkeys(LOCAL_AWS_SERVICES, self.aws.endpoint)],
                        "s3_use_path_style": True,
                        "skip_credentials_validation": True,
                        "skip_metadata_api_check": "true",
                    }
                },
                "module": {"management_baseline": {"create_budget": False}},
            },
        )


def copy_example(
    root: Path, local_aws: LocalAws, *, module: Path = REPO_ROOT / MODULE_PATH, caller: Path = REPO_ROOT / EXAMPLE
) -> Example:
    """A copy of the example (or of an earlier ``caller``) calling a copy of ``module`` (same relative
    layout), initialized offline."""
    shutil.copytree(module, root / MODULE_PATH)
    shutil.copytree(caller, root / EXAMPLE, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    example = Example(root / EXAMPLE, terraform_env(root), local_aws)
    terraform("init", "-input=false", cwd=example.workdir, env=example.env)
    return example


def planned_upgrade(
    root: Path,
    local_aws: LocalAws,
    *,
    module: Path,
    caller: Path,
    to_module: Path = REPO_ROOT / MODULE_PATH,
    to_caller: Path = REPO_ROOT / EXAMPLE,
) -> tuple[Example, dict[str, Any]]:
    """The example as ``caller`` called ``module`` (an earlier release), applied on the local AWS;
    then the caller upgraded to ``to_module`` and ``to_caller`` (today's by default): the upgrade's
    plan (``terraform show -json``), saved as ``upgrade.tfplan``."""
    example = copy_example(root, local_aws, module=module, caller=caller)
    example.point_at_local_aws()
    terraform("apply", "-auto-approve", "-input=false", cwd=example.workdir, env=example.env)
    example.upgrade(to_module, to_caller)
    return example, example.saved_plan("upgrade.tfplan")
