"""`cdktf deploy` (the pinned CLI from npm) of both stacks against the local AWS."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from constructs_lib.stacks import BASELINE_STACK, BOOTSTRAP_STACK
from tests.local_aws import LocalAws
from tests.terraform import run_terraform, terraform_env

ROOT = Path(__file__).resolve().parents[2]


def _cdktf(*args: str, env: dict[str, str], output: Path) -> str:
    """``./run cdktf ARGS``: the documented command, with cdktf.json's app (``main.py``)."""
    result = subprocess.run(
        [str(ROOT / "run"), "cdktf", *args, "--output", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, f"cdktf {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def cdktf_env(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    workdir = tmp_path_factory.mktemp("cdktf")
    config = workdir / "baseline.toml"
    config.write_text(
        f'local_aws_endpoint = "{local_aws.endpoint}"\ncreate_budget = false\n'
        f'[state]\nbootstrap_state_path = "{workdir / "bootstrap.tfstate"}"\n'
    )
    env = terraform_env(workdir)
    env["BASELINE_CONFIG"] = str(config)
    env["CI"] = "true"  # no interactive prompts, no spinner
    return env, workdir / "cdktf.out"


def test_cdktf_deploy_creates_both_stacks_and_a_second_deploy_changes_nothing(
    cdktf_env: tuple[dict[str, str], Path], local_aws: LocalAws
) -> None:
    env, output = cdktf_env
    for stack in (BOOTSTRAP_STACK, BASELINE_STACK):
        _cdktf("deploy", stack, "--auto-approve", "--skip-provider-lock", env=env, output=output)
    trails = local_aws.client("cloudtrail").describe_trails()["trailList"]
    assert [trail["Name"] for trail in trails] == ["mgmt-baseline-organization-trail"]
    state = local_aws.client("s3").head_object(
        Bucket="mgmt-baseline-terraform-state", Key="management-account-baseline/terraform.tfstate"
    )
    assert state["ContentLength"] > 0

    for stack in (BOOTSTRAP_STACK, BASELINE_STACK):
        again = _cdktf("deploy", stack, "--auto-approve", "--skip-provider-lock", env=env, output=output)
        assert "No changes" in again, again
        plan = run_terraform("plan", "-detailed-exitcode", "-input=false", cwd=output / "stacks" / stack, env=env)
        assert plan.returncode == 0, plan.stdout + plan.stderr
