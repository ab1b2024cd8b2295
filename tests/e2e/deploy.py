"""Deploy the stacks on the local AWS: with ``./run cdktf deploy``, or with plain terraform."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import main
from app.config import BaselineConfig
from app.load import load_config
from app.stacks import BASELINE_STACK, BOOTSTRAP_STACK
from app.template import toml_value
from tests.local_aws import LocalAws
from tests.terraform import terraform, terraform_env

ROOT = Path(__file__).resolve().parents[2]
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
#: The default name prefix, as the e2e runs use it.
PREFIX = "mgmt-baseline"
#: The organization's limit the e2e runs set: the billing alarm exists only with one.
ORGANIZATION_LIMIT_USD = 5000


def local_settings(aws: LocalAws, workdir: Path, **overrides: Any) -> dict[str, Any]:
    """The default config pointed at the local AWS, without the budget moto cannot hold."""
    return {
        "local_aws_endpoint": aws.endpoint,
        "create_budget": False,
        "alert_emails": ["secops@example.com"],
        # The billing alarm on the organization's total too (off by default), so that it is deployed.
        "billing": {"organization_limit_usd": ORGANIZATION_LIMIT_USD},
        "state": {"bootstrap_state_path": str(workdir / "bootstrap.tfstate")},
        **overrides,
    }


def to_toml(settings: dict[str, Any]) -> str:
    """``settings`` (strings, booleans, numbers, lists and one level of tables) as TOML."""
    lines: list[str] = []
    tables: list[str] = []
    for key, value in settings.items():
        if isinstance(value, dict):
            tables += ["", f"[{key}]", *(f"{k} = {toml_value(v)}" for k, v in value.items())]
        else:
            lines.append(f"{key} = {toml_value(value)}")
    return "\n".join([*lines, *tables]) + "\n"


@dataclass
class Deployment:
    """Both stacks deployed from one config file, in ``workdir``."""

    workdir: Path
    env: dict[str, str]
    aws: LocalAws
    #: The config file as read back by :meth:`configure`.
    config: BaselineConfig = field(init=False)

    @property
    def config_file(self) -> Path:
        return self.workdir / "baseline.toml"

    @property
    def outdir(self) -> Path:
        return self.workdir / "cdktf.out"

    @property
    def bootstrap_dir(self) -> Path:
        return self.outdir / "stacks" / BOOTSTRAP_STACK

    @property
    def baseline_dir(self) -> Path:
        return self.outdir / "stacks" / BASELINE_STACK

    def configure(self, **overrides: Any) -> BaselineConfig:
        """Write the config file: the local settings with ``overrides``."""
        self.config_file.write_text(to_toml(local_settings(self.aws, self.workdir, **overrides)))
        self.config = load_config(self.config_file)
        return self.config

    def cdktf(self, *args: str) -> str:
        """``./run cdktf ARGS``: the documented command, with cdktf.json's app (``main.py``)."""
        result = subprocess.run(
            [str(ROOT / "run"), "cdktf", *args, "--output", str(self.outdir)],
            cwd=ROOT,
            env={**self.env, "BASELINE_CONFIG": str(self.config_file), "CI": "true"},
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        assert result.returncode == 0, f"cdktf {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        # ./run cdktf turns off the CLI's version/telemetry call (checkpoint): offline, it
        # printed "[ERROR] ... getaddrinfo ENOTFOUND" on every command.
        assert "ENOTFOUND" not in result.stdout + result.stderr, result.stderr
        return ANSI_ESCAPE.sub("", result.stdout)  # terraform's colours, which cdktf keeps

    def deploy(self, *stacks: str) -> str:
        """``cdktf deploy`` of ``stacks``, all at once (cdktf runs ``terraform init`` of each first)."""
        return self.cdktf("deploy", *stacks, "--auto-approve", "--skip-provider-lock")

    def synth(self) -> None:
        """Synthesize the config file into the deployment's output, as ``python main.py`` does."""
        main.synthesize(self.config, self.outdir)

    def baseline_state(self) -> list[str]:
        """Addresses in the baseline's state (``terraform state list``)."""
        return terraform("state", "list", cwd=self.baseline_dir, env=self.env).stdout.split()


def deploy_with_cdktf(aws: LocalAws, workdir: Path, **overrides: Any) -> Deployment:
    """Write the config, then ``cdktf deploy`` the bootstrap, then the baseline (its state in the bucket)."""
    deployment = Deployment(workdir, terraform_env(workdir), aws)
    deployment.configure(**overrides)
    # One stack per call: the baseline's backend needs the bucket the bootstrap creates.
    deployment.deploy(BOOTSTRAP_STACK)
    deployment.deploy(BASELINE_STACK)
    return deployment


def apply_with_terraform(aws: LocalAws, workdir: Path, **overrides: Any) -> Deployment:
    """Write the config, synthesize, then plain ``terraform init`` + ``apply`` of the bootstrap, then the baseline."""
    deployment = Deployment(workdir, terraform_env(workdir), aws)
    deployment.configure(**overrides)
    deployment.synth()
    for stack_dir in (deployment.bootstrap_dir, deployment.baseline_dir):
        terraform("init", "-input=false", cwd=stack_dir, env=deployment.env)
        terraform("apply", "-auto-approve", "-input=false", cwd=stack_dir, env=deployment.env)
    return deployment
