"""Synthesize and apply the stacks against the local AWS with plain terraform."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import main
from constructs_lib.config import BaselineConfig, StateConfig
from constructs_lib.stacks import BASELINE_STACK, BOOTSTRAP_STACK
from tests.local_aws import LocalAws
from tests.terraform import terraform, terraform_env

#: The default name prefix, as the e2e runs use it.
PREFIX = "mgmt-baseline"


def local_config(aws: LocalAws, workdir: Path, **overrides: object) -> BaselineConfig:
    """The default config pointed at the local AWS, without the budget moto cannot hold."""
    settings: dict[str, object] = {
        "local_aws_endpoint": aws.endpoint,
        "create_budget": False,
        "alert_emails": ("secops@example.com",),
        "state": StateConfig(bootstrap_state_path=str(workdir / "bootstrap.tfstate")),
        **overrides,
    }
    return BaselineConfig.model_validate(settings)


@dataclass
class Deployment:
    config: BaselineConfig
    workdir: Path
    env: dict[str, str]
    aws: LocalAws

    @property
    def bootstrap_dir(self) -> Path:
        return self.workdir / "out" / "stacks" / BOOTSTRAP_STACK

    @property
    def baseline_dir(self) -> Path:
        return self.workdir / "out" / "stacks" / BASELINE_STACK

    def synth(self, config: BaselineConfig | None = None) -> None:
        if config is not None:
            self.config = config
        main.synthesize(self.config, self.workdir / "out")

    def baseline_state(self) -> list[str]:
        """Addresses in the baseline's state (``terraform state list``)."""
        return terraform("state", "list", cwd=self.baseline_dir, env=self.env).stdout.split()

    def apply_all(self) -> None:
        for stack_dir in (self.bootstrap_dir, self.baseline_dir):
            terraform("init", "-input=false", cwd=stack_dir, env=self.env)
            terraform("apply", "-auto-approve", "-input=false", cwd=stack_dir, env=self.env)


def deploy(aws: LocalAws, workdir: Path, **overrides: object) -> Deployment:
    """Bootstrap the state bucket, then apply the baseline with its state in that bucket."""
    deployment = Deployment(local_config(aws, workdir, **overrides), workdir, terraform_env(workdir), aws)
    deployment.synth()
    deployment.apply_all()
    return deployment
