"""The CI workflow files: GitHub's schema, a security lint, pinned actions, and what the plan and
apply jobs do with each exit code of ``terraform plan`` and ``terraform apply``.

The job's steps from ``terraform plan`` on run here, in order, with a fake ``terraform`` on PATH:
a small runner evaluates each step's ``if:`` the way GitHub does for the few forms the workflows
use (and refuses any other form), so a test sees what a run would do, not only what the file says.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
BIN = Path(sys.executable).parent
STACK_DIR = "cdktf.out/stacks/management-account-baseline"


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def _steps(workflow: Any, job: str) -> dict[str, Any]:
    return {step.get("name", step.get("run", step.get("uses"))): step for step in workflow["jobs"][job]["steps"]}


def _steps_from_the_plan(workflow: Any, job: str) -> list[Any]:
    """The job's steps from ``terraform plan`` to the end: the ones that act on the plan's exit code."""
    steps = workflow["jobs"][job]["steps"]
    first = next(i for i, step in enumerate(steps) if step.get("name") == "terraform plan")
    return list(steps[first:])


@pytest.fixture
def plan_workflow() -> Any:
    return _load(WORKFLOW_DIR / "plan.yml")


@pytest.fixture
def apply_workflow() -> Any:
    return _load(WORKFLOW_DIR / "apply.yml")


def test_there_are_workflows() -> None:
    assert [path.name for path in WORKFLOWS] == ["apply.yml", "plan.yml"]


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


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_zizmor_finds_nothing_in_the_workflow(path: Path) -> None:
    result = _zizmor(path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "untrusted"),
    [("plan.yml", "github.event.pull_request.title"), ("apply.yml", "github.event.head_commit.message")],
)
def test_zizmor_would_catch_a_template_injection(tmp_path: Path, name: str, untrusted: str) -> None:
    # The lint is live: the same workflow with text an attacker writes expanded into a script fails it.
    text = (WORKFLOW_DIR / name).read_text()
    injected = text.replace("      - run: ./run synth\n", f"      - run: echo ${{{{ {untrusted} }}}}\n")
    assert injected != text
    (tmp_path / name).write_text(injected)
    result = _zizmor(tmp_path / name)
    assert result.returncode != 0
    assert "template-injection" in result.stdout


_PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(?:\.\d+)*\b")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    lines = [line for line in path.read_text().splitlines() if re.match(r"^\s*(?:-\s+)?uses:", line)]
    workflow = _load(path)
    uses = [step["uses"] for job in workflow["jobs"].values() for step in job.get("steps", []) if "uses" in step]
    uses += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    assert len(lines) == len(uses) > 0  # every `uses:` of the file is on a line of its own
    assert [line for line in lines if not _PINNED.match(line)] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_step_hides_a_failure(path: Path) -> None:
    for job in _load(path)["jobs"].values():
        assert "continue-on-error" not in job
        assert not any("continue-on-error" in step for step in job["steps"])
        assert not any("|| true" in step.get("run", "") for step in job["steps"])


# The runner: the steps from `terraform plan` on, with a fake terraform.


@dataclass
class _Run:
    event_name: str
    failed: bool = False
    outcomes: dict[str, str] = field(default_factory=dict)  # by step name
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # by step id
    by_id: dict[str, str] = field(default_factory=dict)  # step id: outcome
    summary: str = ""
    terraform: list[list[str]] = field(default_factory=list)  # each call's arguments
    applied_plan: str | None = None  # the content of the plan file `terraform apply` was given


_COMPARISON = re.compile(r"^(?P<left>[\w.]+) (?P<op>==|!=) '(?P<right>[^']*)'$")
_STATUS = {"always()", "success()", "failure()"}


def _value(name: str, run: _Run) -> str:
    # A missing output or step is null in GitHub's expressions; '' compares the same with the literals used.
    match name.split("."):
        case ["steps", step, "outputs", key]:
            return run.outputs.get(step, {}).get(key, "")
        case ["steps", step, "outcome"]:
            return run.by_id.get(step, "")
        case ["github", "event_name"]:
            return run.event_name
    raise AssertionError(f"the test runner does not know {name!r}")


def _condition(expression: str | None, run: _Run) -> bool:
    """A step's ``if:``: terms joined by ``&&``, each a status function or a comparison with a literal."""
    terms = [term.strip() for term in (expression or "success()").split("&&")]
    if not _STATUS.intersection(terms):
        terms.insert(0, "success()")  # GitHub's implicit status check
    results = []
    for term in terms:
        if term == "always()":
            results.append(True)
        elif term == "success()":
            results.append(not run.failed)
        elif term == "failure()":
            results.append(run.failed)
        elif match := _COMPARISON.match(term):
            results.append((_value(match["left"], run) == match["right"]) == (match["op"] == "=="))
        else:
            raise AssertionError(f"the test runner does not evaluate {term!r} (in {expression!r})")
    return all(results)


def _expand(value: Any, run: _Run) -> str:
    if isinstance(value, str) and (match := re.fullmatch(r"\$\{\{ (.+) \}\}", value)):
        return _value(match[1], run)
    assert "${{" not in str(value), value
    return str(value)


def _fake_terraform(directory: Path, *, plan_exit: int, apply_exit: int, plan_id: str) -> Path:
    """A terraform that logs its arguments; its plan writes ``plan_id`` to the -out file (unless it
    fails, as Terraform's does), its apply records what is in the plan file it was given."""
    fake = directory / "terraform"
    fake.write_text(
        "#!/bin/bash\n"
        f'log="{directory}/calls"\n'
        'printf "%s\\n" "$*" >>"$log"\n'
        'case "$1" in\n'
        "  plan)\n"
        '    for arg in "$@"; do\n'
        f'      case "$arg" in -out=*) [ {plan_exit} -eq 1 ] || echo {plan_id} >"${{arg#-out=}}" ;; esac\n'
        "    done\n"
        "    echo 'Plan: 1 to add, 0 to change, 0 to destroy.'\n"
        f"    exit {plan_exit} ;;\n"
        "  apply)\n"
        '    plan_file="${*: -1}"\n'
        f'    cat "$plan_file" >"{directory}/applied-plan" || exit 1\n'
        "    echo 'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.'\n"
        f"    exit {apply_exit} ;;\n"
        "esac\n"
        "exit 99\n"
    )
    fake.chmod(0o755)
    return fake


def _run_steps(
    steps: list[Any], tmp_path: Path, *, plan_exit: int, apply_exit: int = 0, event_name: str = "push"
) -> _Run:
    """Run ``steps`` in order as GitHub would after the earlier steps succeeded."""
    run = _Run(event_name=event_name)
    bin_dir, stack = tmp_path / "bin", tmp_path / STACK_DIR
    bin_dir.mkdir()
    stack.mkdir(parents=True)
    plan_id = uuid.uuid4().hex
    _fake_terraform(bin_dir, plan_exit=plan_exit, apply_exit=apply_exit, plan_id=plan_id)
    summary = tmp_path / "step_summary"
    summary.write_text("")
    for index, step in enumerate(steps):
        name, step_id = step.get("name", step.get("run")), step.get("id")
        assert "run" in step, f"the test runner runs only scripts, not {step}"
        assert step.get("working-directory") == "${{ env.STACK_DIR }}", name
        if not _condition(step.get("if"), run):
            outcome = "skipped"
        else:
            outputs = tmp_path / f"github_output_{index}"
            outputs.write_text("")
            env = {
                **os.environ,
                "PATH": f"{bin_dir}:{os.environ['PATH']}",
                "GITHUB_OUTPUT": str(outputs),
                "GITHUB_STEP_SUMMARY": str(summary),
                **{key: _expand(value, run) for key, value in step.get("env", {}).items()},
            }
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],  # GitHub's `shell: bash`
                cwd=stack,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            outcome = "success" if result.returncode == 0 else "failure"
            run.failed |= result.returncode != 0
            if step_id:
                run.outputs[step_id] = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
        run.outcomes[name] = outcome
        if step_id:
            run.by_id[step_id] = outcome
    run.summary = summary.read_text()
    calls = bin_dir / "calls"
    run.terraform = [line.split() for line in calls.read_text().splitlines()] if calls.exists() else []
    applied = bin_dir / "applied-plan"
    if applied.exists():
        run.applied_plan = applied.read_text().strip()
        assert run.applied_plan == plan_id, "the apply was given a plan file the plan did not write"
    return run


_PLAN_STEPS = ["terraform plan", "plan in the job summary"]
_APPLY_STEPS = [*_PLAN_STEPS, "terraform apply", "apply in the job summary"]


def test_the_apply_job_acts_on_the_plan_in_these_steps(apply_workflow: Any) -> None:
    assert [step["name"] for step in _steps_from_the_plan(apply_workflow, "apply")] == _APPLY_STEPS


@pytest.mark.parametrize(("name", "job"), [("plan.yml", "plan"), ("apply.yml", "apply")])
@pytest.mark.parametrize(("terraform_exit", "outcome"), [(0, "success"), (2, "success"), (1, "failure")])
def test_the_plan_step_fails_only_when_the_plan_fails(
    tmp_path: Path, name: str, job: str, terraform_exit: int, outcome: str
) -> None:
    step = _steps(_load(WORKFLOW_DIR / name), job)["terraform plan"]
    run = _run_steps([step], tmp_path, plan_exit=terraform_exit)
    assert run.outcomes == {"terraform plan": outcome}
    assert run.outputs == {"plan": {"exitcode": str(terraform_exit)}}


def test_a_plan_without_changes_applies_nothing(apply_workflow: Any, tmp_path: Path) -> None:
    steps = _steps(apply_workflow, "apply")
    assert steps["terraform apply"]["if"] == "steps.plan.outputs.exitcode == '2'"
    run = _run_steps(_steps_from_the_plan(apply_workflow, "apply"), tmp_path, plan_exit=0)
    assert run.outcomes == dict(zip(_APPLY_STEPS, ["success", "success", "skipped", "skipped"], strict=True))
    assert [call[0] for call in run.terraform] == ["plan"]
    assert not run.failed


def test_a_plan_with_changes_applies_exactly_the_saved_plan(apply_workflow: Any, tmp_path: Path) -> None:
    run = _run_steps(_steps_from_the_plan(apply_workflow, "apply"), tmp_path, plan_exit=2)
    assert run.outcomes == dict(zip(_APPLY_STEPS, ["success"] * 4, strict=True))
    plan, apply = run.terraform
    assert "-out=plan.tfplan" in plan
    # Only the saved plan file: no -auto-approve of a fresh plan, no -target or -replace, no variables.
    assert apply == ["apply", "-input=false", "-lock-timeout=10m", "-no-color", "plan.tfplan"]
    assert run.applied_plan is not None  # and _run_steps checked it is the file the plan wrote
    assert not run.failed


def test_a_failed_plan_fails_the_job_and_applies_nothing(apply_workflow: Any, tmp_path: Path) -> None:
    run = _run_steps(_steps_from_the_plan(apply_workflow, "apply"), tmp_path, plan_exit=1)
    assert run.outcomes == dict(zip(_APPLY_STEPS, ["failure", "success", "skipped", "skipped"], strict=True))
    assert [call[0] for call in run.terraform] == ["plan"]
    assert "(exit 1)" in run.summary  # the failed plan's output is still in the summary
    assert run.failed


def test_a_failed_apply_fails_the_job_and_its_output_goes_to_the_summary(apply_workflow: Any, tmp_path: Path) -> None:
    run = _run_steps(_steps_from_the_plan(apply_workflow, "apply"), tmp_path, plan_exit=2, apply_exit=1)
    assert run.outcomes == dict(zip(_APPLY_STEPS, ["success", "success", "failure", "success"], strict=True))
    assert "## terraform apply: management-account-baseline (failure)" in run.summary
    assert "Apply complete!" in run.summary
    assert run.failed


def test_the_plan_and_the_apply_go_to_the_summary(apply_workflow: Any, tmp_path: Path) -> None:
    run = _run_steps(_steps_from_the_plan(apply_workflow, "apply"), tmp_path, plan_exit=2)
    plan, apply = run.summary.split("## terraform apply")
    assert plan.startswith("## terraform plan: management-account-baseline (exit 2)\n```\n")
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in plan
    assert apply.startswith(": management-account-baseline (success)\n```\n")
    assert "Apply complete! Resources: 1 added" in apply


def test_the_plan_workflow_writes_its_plan_to_the_summary(plan_workflow: Any, tmp_path: Path) -> None:
    steps = _steps(plan_workflow, "plan")
    run = _run_steps([steps[name] for name in _PLAN_STEPS], tmp_path, plan_exit=2, event_name="pull_request")
    assert run.summary == (
        "## terraform plan: management-account-baseline (exit 2)\n"
        "```\nPlan: 1 to add, 0 to change, 0 to destroy.\n```\n"
    )


def test_the_plan_and_the_apply_wait_for_the_state_lock(apply_workflow: Any, tmp_path: Path) -> None:
    assert _steps(apply_workflow, "apply")["terraform init -input=false -lock-timeout=5m"]
    run = _run_steps(_steps_from_the_plan(apply_workflow, "apply"), tmp_path, plan_exit=2)
    plan, apply = run.terraform
    assert "-lock-timeout=10m" in plan
    assert "-lock-timeout=10m" in apply
    assert not any(arg.startswith("-lock=") for arg in plan + apply)


def test_the_apply_runs_only_on_a_push_to_main_or_on_request(apply_workflow: Any) -> None:
    assert apply_workflow["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    # A run requested on another branch would apply that branch's code: the job is skipped.
    assert apply_workflow["jobs"]["apply"]["if"] == "github.ref == 'refs/heads/main'"


def test_the_apply_job_runs_in_the_environment_with_the_apply_role(apply_workflow: Any, plan_workflow: Any) -> None:
    job = apply_workflow["jobs"]["apply"]
    # The apply role trusts only tokens whose subject is repo:<owner>/<name>:environment:<name>.
    assert job["environment"] == "${{ vars.APPLY_ENVIRONMENT || 'production' }}"
    credentials = next(step for step in job["steps"] if "configure-aws-credentials" in step.get("uses", ""))
    assert credentials["with"] == {"role-to-assume": "${{ vars.APPLY_ROLE_ARN }}", "aws-region": "us-east-1"}
    # The same pinned action as the plan's, with the other role.
    plan_steps = plan_workflow["jobs"]["plan"]["steps"]
    same_action = next(step for step in plan_steps if step.get("uses") == credentials["uses"])
    assert same_action["with"]["role-to-assume"] == "${{ vars.PLAN_ROLE_ARN }}"


def test_one_apply_at_a_time_and_none_cancelled(apply_workflow: Any) -> None:
    # A fixed group: every run of the workflow, from any ref or trigger, queues behind the running one.
    assert apply_workflow["concurrency"] == {"group": "apply-management-account-baseline", "cancel-in-progress": False}


def test_the_apply_job_may_only_get_a_token_and_read_the_code(apply_workflow: Any) -> None:
    assert apply_workflow["permissions"] == {}
    assert apply_workflow["jobs"]["apply"]["permissions"] == {"id-token": "write", "contents": "read"}
    checkout = next(step for step in apply_workflow["jobs"]["apply"]["steps"] if "checkout" in step.get("uses", ""))
    assert checkout["with"] == {"persist-credentials": False}


def test_the_apply_workflow_applies_only_the_baseline_stack(apply_workflow: Any) -> None:
    job = apply_workflow["jobs"]["apply"]
    assert job["env"]["STACK_DIR"] == STACK_DIR
    commands = {
        command: step["working-directory"]
        for step in job["steps"]
        for command in re.findall(r"^\s*terraform (\w+)", step.get("run", ""), re.MULTILINE)
    }
    assert commands == dict.fromkeys(("init", "plan", "apply"), "${{ env.STACK_DIR }}")
    assert "state-bootstrap" not in repr(apply_workflow)  # the header comment says why


def test_changes_fail_only_the_nightly_run_which_then_verifies(plan_workflow: Any) -> None:
    assert "schedule" in plan_workflow["on"]
    steps = _steps(plan_workflow, "plan")
    drift = steps["drift fails the nightly run"]
    assert drift["if"] == "github.event_name == 'schedule' && steps.plan.outputs.exitcode == '2'"
    assert "exit 1" in drift["run"]
    verify = steps["verify"]
    assert "github.event_name == 'schedule'" in verify["if"]
    assert "always()" in verify["if"]  # also after drift was found
    assert "./run verify --json" in verify["run"]


def test_the_plan_goes_to_the_summary_and_the_pull_request(plan_workflow: Any) -> None:
    steps = _steps(plan_workflow, "plan")
    assert "GITHUB_STEP_SUMMARY" in steps["plan in the job summary"]["run"]
    comment = steps["plan on the pull request"]
    assert comment["if"].startswith("github.event_name == 'pull_request'")
    assert "gh pr comment" in comment["run"]
    assert plan_workflow["jobs"]["plan"]["permissions"]["pull-requests"] == "write"
    assert plan_workflow["permissions"] == {}
