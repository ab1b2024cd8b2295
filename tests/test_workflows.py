"""The CI workflow files: GitHub's schema, a security lint, and what the plan job does with
each exit code of ``terraform plan``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def _steps(workflow: Any) -> dict[str, Any]:
    return {step.get("name", step.get("run", step.get("uses"))): step for step in workflow["jobs"]["plan"]["steps"]}


def test_there_are_workflows() -> None:
    assert [path.name for path in WORKFLOWS] == ["plan.yml"]


def test_workflows_match_github_s_schema() -> None:
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _zizmor(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BIN / "zizmor", "--offline", "--no-progress", "--format", "plain", *files],
        capture_output=True,
        text=True,
        check=False,
    )


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    result = _zizmor(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_would_catch_a_template_injection(tmp_path: Path) -> None:
    # The lint is live: the same workflow with the pull request's title expanded into a script fails it.
    text = (ROOT / ".github" / "workflows" / "plan.yml").read_text()
    injected = text.replace("      - run: ./run synth\n", "      - run: echo ${{ github.event.pull_request.title }}\n")
    assert injected != text
    (tmp_path / "plan.yml").write_text(injected)
    result = _zizmor(tmp_path / "plan.yml")
    assert result.returncode != 0
    assert "template-injection" in result.stdout


@pytest.fixture
def plan_workflow() -> Any:
    return _load(ROOT / ".github" / "workflows" / "plan.yml")


def test_no_step_hides_a_failure(plan_workflow: Any) -> None:
    steps = plan_workflow["jobs"]["plan"]["steps"]
    assert not any("continue-on-error" in step for step in steps)
    assert "continue-on-error" not in plan_workflow["jobs"]["plan"]


def _run_plan_step(plan_workflow: Any, tmp_path: Path, terraform_exit: int) -> tuple[int, str]:
    """The plan step's script, with a terraform that exits ``terraform_exit``: its exit code and output."""
    script = _steps(plan_workflow)["terraform plan"]["run"]
    fake = tmp_path / "bin" / "terraform"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text(f"#!/bin/sh\necho 'Plan: 1 to add, 0 to change, 0 to destroy.'\nexit {terraform_exit}\n")
    fake.chmod(0o755)
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(outputs)}
    result = subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert (tmp_path / "plan.txt").read_text().startswith("Plan: 1 to add")
    return result.returncode, outputs.read_text()


@pytest.mark.parametrize(("terraform_exit", "step_exit"), [(0, 0), (2, 0), (1, 1)])
def test_the_plan_step_fails_only_when_the_plan_fails(
    plan_workflow: Any, tmp_path: Path, terraform_exit: int, step_exit: int
) -> None:
    code, outputs = _run_plan_step(plan_workflow, tmp_path, terraform_exit)
    assert code == step_exit
    assert outputs == f"exitcode={terraform_exit}\n"


def test_changes_fail_only_the_nightly_run_which_then_verifies(plan_workflow: Any) -> None:
    assert "schedule" in plan_workflow["on"]
    steps = _steps(plan_workflow)
    drift = steps["drift fails the nightly run"]
    assert drift["if"] == "github.event_name == 'schedule' && steps.plan.outputs.exitcode == '2'"
    assert "exit 1" in drift["run"]
    verify = steps["verify"]
    assert "github.event_name == 'schedule'" in verify["if"]
    assert "always()" in verify["if"]  # also after drift was found
    assert "./run verify --json" in verify["run"]


def test_the_plan_goes_to_the_summary_and_the_pull_request(plan_workflow: Any) -> None:
    steps = _steps(plan_workflow)
    assert "GITHUB_STEP_SUMMARY" in steps["plan in the job summary"]["run"]
    comment = steps["plan on the pull request"]
    assert comment["if"].startswith("github.event_name == 'pull_request'")
    assert "gh pr comment" in comment["run"]
    assert plan_workflow["jobs"]["plan"]["permissions"]["pull-requests"] == "write"
    assert plan_workflow["permissions"] == {}
