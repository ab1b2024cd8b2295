"""The CI workflow files: GitHub's schema, a security lint, pinned actions, and what the plan and
apply jobs do with each exit code of ``terraform plan`` and ``terraform apply``.

The jobs run here, step by step, with a fake ``terraform`` on PATH: a small runner evaluates each
job's and step's ``if:`` the way GitHub does for the few forms the workflows use (and refuses any
other form), hands the plan from one job to the next as GitHub's artifact actions do, and leaves
out only what needs GitHub or AWS (the tools' setup, the credentials, a real synth), so a test sees
what a run would do, not only what the file says.
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


# The runner: a job's steps in order, with a fake terraform and a fake artifact store.


@dataclass
class _Github:
    """The ``github`` context of a run."""

    event_name: str = "push"
    ref: str = "refs/heads/main"
    run_id: str = "4242"
    run_attempt: str = "1"


@dataclass
class _Job:
    """One job of a run: what GitHub would show of it."""

    github: _Github
    env: dict[str, str] = field(default_factory=dict)
    needs: dict[str, _Job] = field(default_factory=dict)
    result: str = "skipped"  # GitHub's needs.<job>.result: success, failure or skipped
    failed: bool = False  # a need or a step failed: what success() and failure() read
    environment_asked: bool = False  # it ran in an environment: its reviewers were asked first
    outcomes: dict[str, str] = field(default_factory=dict)  # by step name
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # by step id
    by_id: dict[str, str] = field(default_factory=dict)  # step id: outcome
    job_outputs: dict[str, str] = field(default_factory=dict)  # the job's `outputs:`, for needs.<job>.outputs
    summary: str = ""
    terraform: list[list[str]] = field(default_factory=list)  # each call's arguments
    roles: list[str] = field(default_factory=list)  # the role-to-assume of each credentials step
    applied_plan: str | None = None  # the content of the plan file `terraform apply` was given
    workspace: Path = Path()


#: Artifacts of a run: name: {file name: content}, what actions/upload-artifact stored.
_Artifacts = dict[str, dict[str, bytes]]

_NAME = r"[\w-]+(?:\.[\w-]+)*"
_COMPARISON = re.compile(rf"^(?P<left>{_NAME}) (?P<op>==|!=) '(?P<right>[^']*)'$")
_STATUS = {"always()", "success()", "failure()"}


def _value(name: str, job: _Job) -> str:
    # A missing output or step is null in GitHub's expressions; '' compares the same with the literals used.
    match name.split("."):
        case ["steps", step, "outputs", key]:
            return job.outputs.get(step, {}).get(key, "")
        case ["steps", step, "outcome"]:
            return job.by_id.get(step, "")
        case ["needs", need, "outputs", key]:
            return job.needs[need].job_outputs.get(key, "")
        case ["needs", need, "result"]:
            return job.needs[need].result
        case ["github", "event_name" | "ref" | "run_id" | "run_attempt" as key]:
            return str(getattr(job.github, key))
        case ["env", key]:
            return job.env[key]
    raise AssertionError(f"the test runner does not know {name!r}")


def _condition(expression: str | None, job: _Job) -> bool:
    """An ``if:``: terms joined by ``&&``, each a status function or a comparison with a literal.

    For a job, ``success()`` is "every job it needs succeeded"; for a step, "no step before failed".
    """
    terms = [term.strip() for term in (expression or "success()").split("&&")]
    if not _STATUS.intersection(terms):
        terms.insert(0, "success()")  # GitHub's implicit status check
    results = []
    for term in terms:
        if term == "always()":
            results.append(True)
        elif term == "success()":
            results.append(not job.failed)
        elif term == "failure()":
            results.append(job.failed)
        elif match := _COMPARISON.match(term):
            results.append((_value(match["left"], job) == match["right"]) == (match["op"] == "=="))
        else:
            raise AssertionError(f"the test runner does not evaluate {term!r} (in {expression!r})")
    return all(results)


def _expand(value: Any, job: _Job) -> str:
    """A value with ``${{ name }}`` in it, each name a context's value (no operators)."""

    def one(match: re.Match[str]) -> str:
        assert re.fullmatch(_NAME, match[1]), f"the test runner does not expand {match[0]!r}"
        return _value(match[1], job)

    return re.sub(r"\$\{\{ (.+?) \}\}", one, str(value))


def _fake_terraform(directory: Path, *, plan_exit: int, apply_exit: int, plan_id: str) -> Path:
    """A terraform that logs its arguments; its plan writes ``plan_id`` to the -out file (unless it
    fails, as Terraform's does), its apply records what is in the plan file it was given."""
    fake = directory / "terraform"
    fake.write_text(
        "#!/bin/bash\n"
        f'log="{directory}/calls"\n'
        'printf "%s\\n" "$*" >>"$log"\n'
        'case "$1" in\n'
        "  init) exit 0 ;;\n"
        "  plan)\n"
        '    for arg in "$@"; do\n'
        f'      case "$arg" in -out=*) [ {plan_exit} -eq 1 ] || echo {plan_id} >"${{arg#-out=}}" ;; esac\n'
        "    done\n"
        "    echo 'Plan: 1 to add, 0 to change, 0 to destroy.'\n"
        f"    exit {plan_exit} ;;\n"
        "  apply)\n"
        '    plan_file="${*: -1}"\n'
        f'    cat "$plan_file" >"{directory}/applied-plan" || exit 1\n'
        f"    if [ {apply_exit} -ne 0 ]; then\n"
        "      echo 'Error: Saved plan is stale'\n"
        f"      exit {apply_exit}\n"
        "    fi\n"
        "    echo 'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.'\n"
        "    exit 0 ;;\n"
        "esac\n"
        "exit 99\n"
    )
    fake.chmod(0o755)
    return fake


def _synth(job: _Job) -> bool:
    """``./run synth``: main.py's own check (it refuses an output folder holding anything a synth
    does not write, a plan file included), then the stack folder with its ``cdk.tf.json``."""
    import main

    try:
        main.check_replaceable(job.workspace / "cdktf.out")
    except main.OutdirError:
        return False
    stack = job.workspace / STACK_DIR
    stack.mkdir(parents=True, exist_ok=True)
    (stack / "cdk.tf.json").write_text("{}")
    return True


def _upload(step: Any, job: _Job, artifacts: _Artifacts) -> bool:
    """actions/upload-artifact: the files under their common folder, in an artifact whose name is
    taken once in a run (v4); ``if-no-files-found: error`` fails the step without a file."""
    settings = step["with"]
    name = _expand(settings["name"], job)
    files = [job.workspace / _expand(line.strip(), job) for line in settings["path"].splitlines() if line.strip()]
    if not all(path.is_file() for path in files):
        return bool(settings.get("if-no-files-found") != "error")
    assert len({path.parent for path in files}) == 1, "the runner stores files of one folder"
    if name in artifacts:
        return False  # 409 Conflict: an artifact with this name already exists on the workflow run
    artifacts[name] = {path.name: path.read_bytes() for path in files}
    return True


def _download(step: Any, job: _Job, artifacts: _Artifacts) -> bool:
    """actions/download-artifact by name: its files into ``path``; a missing (or expired) artifact fails."""
    settings = step["with"]
    name = _expand(settings["name"], job)
    if name not in artifacts:
        return False
    destination = job.workspace / _expand(settings["path"], job)
    destination.mkdir(parents=True, exist_ok=True)
    for file_name, content in artifacts[name].items():
        (destination / file_name).write_bytes(content)
    return True


_ACTIONS_WITHOUT_EFFECT_HERE = (
    "actions/checkout@",
    "actions/setup-python@",
    "hashicorp/setup-terraform@",
    "actions/cache@",
)


def _run_action(step: Any, job: _Job, artifacts: _Artifacts) -> bool:
    action = step["uses"]
    if action.startswith("aws-actions/configure-aws-credentials@"):
        job.roles.append(step["with"]["role-to-assume"])
        return True
    if action.startswith("actions/upload-artifact@"):
        return _upload(step, job, artifacts)
    if action.startswith("actions/download-artifact@"):
        return _download(step, job, artifacts)
    assert action.startswith(_ACTIONS_WITHOUT_EFFECT_HERE), f"the test runner does not know {action}"
    return True


def _run_script(step: Any, job: _Job, *, bin_dir: Path, summary: Path, outputs: Path) -> bool:
    if step["run"] == "./run synth":
        assert "working-directory" not in step
        return _synth(job)
    assert step.get("working-directory") == "${{ env.STACK_DIR }}", step
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        **job.env,
        **{key: _expand(value, job) for key, value in step.get("env", {}).items()},
    }
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],  # GitHub's `shell: bash`
        cwd=job.workspace / STACK_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0


def _run_job(
    workflow: Any,
    name: str,
    tmp_path: Path,
    *,
    plan_exit: int,
    apply_exit: int = 0,
    github: _Github | None = None,
    needs: dict[str, _Job] | None = None,
    artifacts: _Artifacts | None = None,
    only: list[str] | None = None,
) -> _Job:
    """Run job ``name`` as GitHub would: its ``if:`` against the jobs it needs, then its steps in
    order (``only``: just the steps of those names, in a stack folder as if synthesized)."""
    definition = workflow["jobs"][name]
    job = _Job(github=github or _Github(), needs=needs or {}, workspace=tmp_path / name / "workspace")
    job.env = {key: _expand(value, job) for key, value in definition.get("env", {}).items()}
    job.failed = any(need.result != "success" for need in job.needs.values())
    if not _condition(definition.get("if"), job):
        return job  # skipped: not started, so not in its environment and its reviewers never asked
    job.environment_asked = "environment" in definition
    bin_dir = tmp_path / name / "bin"
    bin_dir.mkdir(parents=True)
    job.workspace.mkdir()
    if only is not None:
        (job.workspace / STACK_DIR).mkdir(parents=True)
    plan_id = uuid.uuid4().hex
    _fake_terraform(bin_dir, plan_exit=plan_exit, apply_exit=apply_exit, plan_id=plan_id)
    summary = tmp_path / name / "step_summary"
    summary.write_text("")
    artifacts = {} if artifacts is None else artifacts
    steps = definition["steps"]
    if only is not None:
        steps = [step for step in steps if step.get("name") in only]
        assert [step["name"] for step in steps] == only
    for index, step in enumerate(steps):
        step_name, step_id = step.get("name", step.get("run", step.get("uses"))), step.get("id")
        if not _condition(step.get("if"), job):
            outcome = "skipped"
        else:
            outputs = tmp_path / name / f"github_output_{index}"
            outputs.write_text("")
            if "uses" in step:
                succeeded = _run_action(step, job, artifacts)
            else:
                succeeded = _run_script(step, job, bin_dir=bin_dir, summary=summary, outputs=outputs)
            outcome = "success" if succeeded else "failure"
            job.failed |= not succeeded
            if step_id:
                job.outputs[step_id] = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
        job.outcomes[step_name] = outcome
        if step_id:
            job.by_id[step_id] = outcome
    job.result = "failure" if job.failed else "success"
    job.job_outputs = {key: _expand(value, job) for key, value in definition.get("outputs", {}).items()}
    job.summary = summary.read_text()
    calls = bin_dir / "calls"
    job.terraform = [line.split() for line in calls.read_text().splitlines()] if calls.exists() else []
    applied = bin_dir / "applied-plan"
    job.applied_plan = applied.read_text().strip() if applied.exists() else None
    return job


def _run_workflow(
    workflow: Any, tmp_path: Path, *, plan_exit: int, apply_exit: int = 0, github: _Github | None = None
) -> tuple[dict[str, _Job], _Artifacts]:
    """Every job of the run, each after the jobs it needs, sharing the run's artifacts."""
    jobs: dict[str, _Job] = {}
    artifacts: _Artifacts = {}
    for name, definition in workflow["jobs"].items():
        needed = definition.get("needs", [])
        needed = [needed] if isinstance(needed, str) else needed
        jobs[name] = _run_job(
            workflow,
            name,
            tmp_path,
            plan_exit=plan_exit,
            apply_exit=apply_exit,
            github=github,
            needs={need: jobs[need] for need in needed},  # a KeyError: a job needs one defined after it
            artifacts=artifacts,
        )
    return jobs, artifacts


def _planned(plan: _Job) -> str:
    """What the plan job's terraform wrote to plan.tfplan."""
    return (plan.workspace / STACK_DIR / "plan.tfplan").read_text().strip()


def _names(job: Any) -> list[str]:
    """The job's steps from the synth on (the ones before set up the tools and the credentials)."""
    names = [step.get("name", step.get("run")) for step in job["steps"]]
    return names[names.index("./run synth") :]


_INIT = "terraform init -input=false -lock-timeout=5m"


def test_the_apply_workflow_plans_in_one_job_and_applies_in_the_next(apply_workflow: Any) -> None:
    jobs = apply_workflow["jobs"]
    assert list(jobs) == ["plan", "apply"]
    assert jobs["apply"]["needs"] == "plan"
    assert _names(jobs["plan"]) == [
        "./run synth",
        _INIT,
        "terraform plan",
        "plan in the job summary",
        "the plan for the apply job",
    ]
    # The synth before the download: it refuses a stack folder that holds a plan (see _synth).
    assert _names(jobs["apply"]) == [
        "./run synth",
        _INIT,
        "the plan from the plan job",
        "plan in the job summary",
        "terraform apply",
        "apply in the job summary",
    ]


@pytest.mark.parametrize(("name", "job"), [("plan.yml", "plan"), ("apply.yml", "plan")])
@pytest.mark.parametrize(("terraform_exit", "outcome"), [(0, "success"), (2, "success"), (1, "failure")])
def test_the_plan_step_fails_only_when_the_plan_fails(
    tmp_path: Path, name: str, job: str, terraform_exit: int, outcome: str
) -> None:
    run = _run_job(_load(WORKFLOW_DIR / name), job, tmp_path, plan_exit=terraform_exit, only=["terraform plan"])
    assert run.outcomes == {"terraform plan": outcome}
    assert run.outputs == {"plan": {"exitcode": str(terraform_exit)}}


def test_the_apply_workflow_plans_as_the_pull_request_s_plan_does(apply_workflow: Any, plan_workflow: Any) -> None:
    # The same command, read-only (-lock=false), so the plan role is enough.
    assert (
        _steps(apply_workflow, "plan")["terraform plan"]["run"]
        == _steps(plan_workflow, "plan")["terraform plan"]["run"]
    )
    assert (
        _steps(apply_workflow, "plan")["plan in the job summary"]
        == _steps(plan_workflow, "plan")["plan in the job summary"]
    )


def test_a_plan_without_changes_applies_nothing_and_asks_no_reviewer(apply_workflow: Any, tmp_path: Path) -> None:
    jobs, artifacts = _run_workflow(apply_workflow, tmp_path, plan_exit=0)
    plan, apply = jobs["plan"], jobs["apply"]
    assert plan.result == "success"
    assert plan.job_outputs["exitcode"] == "0"
    assert plan.outcomes["the plan for the apply job"] == "skipped"
    assert artifacts == {}
    assert apply.result == "skipped"
    assert not apply.environment_asked
    assert apply.terraform == []


def test_a_plan_with_changes_is_applied_exactly_as_planned(apply_workflow: Any, tmp_path: Path) -> None:
    jobs, artifacts = _run_workflow(apply_workflow, tmp_path, plan_exit=2)
    plan, apply = jobs["plan"], jobs["apply"]
    assert plan.result == apply.result == "success"
    assert plan.job_outputs["exitcode"] == "2"
    assert list(artifacts) == ["plan-4242-1"]
    assert sorted(artifacts["plan-4242-1"]) == ["plan.tfplan", "plan.txt"]
    assert apply.environment_asked
    assert [call[0] for call in plan.terraform] == ["init", "plan"]
    assert [call[0] for call in apply.terraform] == ["init", "apply"]
    assert "-out=plan.tfplan" in plan.terraform[1]
    # Only the saved plan file: no -auto-approve of a fresh plan, no -target or -replace, no variables.
    assert apply.terraform[1] == ["apply", "-input=false", "-lock-timeout=10m", "-no-color", "plan.tfplan"]
    # The apply job made no plan of its own: it applied the file the plan job wrote, via the artifact.
    assert apply.applied_plan == _planned(plan)


def test_a_failed_plan_fails_the_run_and_asks_no_reviewer(apply_workflow: Any, tmp_path: Path) -> None:
    jobs, artifacts = _run_workflow(apply_workflow, tmp_path, plan_exit=1)
    plan, apply = jobs["plan"], jobs["apply"]
    assert plan.result == "failure"
    assert plan.outcomes["terraform plan"] == "failure"
    assert plan.outcomes["the plan for the apply job"] == "skipped"
    assert "(exit 1)" in plan.summary  # the failed plan's output is still in the summary
    assert artifacts == {}
    assert apply.result == "skipped"
    assert not apply.environment_asked


def test_the_apply_job_waits_for_a_plan_job_that_succeeded(apply_workflow: Any, tmp_path: Path) -> None:
    # Should the plan job fail after a plan with changes (its upload, say), its exit code alone does
    # not start the apply: the job's `if:` keeps GitHub's implicit success() of the jobs it needs.
    condition = apply_workflow["jobs"]["apply"]["if"]
    assert condition == "github.ref == 'refs/heads/main' && needs.plan.outputs.exitcode == '2'"
    for result, asked in [("success", True), ("failure", False)]:
        plan = _Job(github=_Github(), result=result, job_outputs={"exitcode": "2"})
        apply = _run_job(apply_workflow, "apply", tmp_path / result, plan_exit=2, needs={"plan": plan})
        assert apply.environment_asked is asked


def test_a_failed_apply_fails_the_job_and_its_output_goes_to_the_summary(apply_workflow: Any, tmp_path: Path) -> None:
    # Terraform refuses a saved plan whose state changed since the plan ("Saved plan is stale").
    jobs, _ = _run_workflow(apply_workflow, tmp_path, plan_exit=2, apply_exit=1)
    apply = jobs["apply"]
    assert apply.outcomes["terraform apply"] == "failure"
    assert apply.outcomes["apply in the job summary"] == "success"
    assert "## terraform apply: management-account-baseline (failure)" in apply.summary
    assert "Error: Saved plan is stale" in apply.summary
    assert apply.result == "failure"


def test_a_plan_approved_after_it_expired_applies_nothing(apply_workflow: Any, tmp_path: Path) -> None:
    artifacts: _Artifacts = {}
    plan = _run_job(apply_workflow, "plan", tmp_path, plan_exit=2, artifacts=artifacts)
    artifacts.clear()  # retention-days passed while the apply job waited for its reviewers
    apply = _run_job(apply_workflow, "apply", tmp_path, plan_exit=2, needs={"plan": plan}, artifacts=artifacts)
    assert apply.outcomes["the plan from the plan job"] == "failure"
    assert apply.outcomes["terraform apply"] == "skipped"
    assert [call[0] for call in apply.terraform] == ["init"]
    assert apply.result == "failure"


def test_reviewers_see_the_plan_before_they_approve_and_the_apply_job_shows_it_again(
    apply_workflow: Any, tmp_path: Path
) -> None:
    jobs, _ = _run_workflow(apply_workflow, tmp_path, plan_exit=2)
    plan, apply = jobs["plan"], jobs["apply"]
    # The plan job is in no environment: it runs, and its summary is there, before anyone is asked.
    assert "environment" not in apply_workflow["jobs"]["plan"]
    assert plan.summary == (
        "## terraform plan: management-account-baseline (exit 2)\n"
        "```\nPlan: 1 to add, 0 to change, 0 to destroy.\n```\n"
    )
    shown, applied = apply.summary.split("## terraform apply")
    assert (
        shown
        == "## the plan to apply: management-account-baseline\n```\nPlan: 1 to add, 0 to change, 0 to destroy.\n```\n"
    )
    assert applied.startswith(": management-account-baseline (success)\n```\n")
    assert "Apply complete! Resources: 1 added" in applied


def test_the_plan_workflow_writes_its_plan_to_the_summary(plan_workflow: Any, tmp_path: Path) -> None:
    run = _run_job(
        plan_workflow,
        "plan",
        tmp_path,
        plan_exit=2,
        github=_Github(event_name="pull_request", ref="refs/pull/7/merge"),
        only=["terraform plan", "plan in the job summary"],
    )
    assert run.summary == (
        "## terraform plan: management-account-baseline (exit 2)\n"
        "```\nPlan: 1 to add, 0 to change, 0 to destroy.\n```\n"
    )


def test_the_plan_is_kept_a_day_under_a_name_of_its_run_attempt(apply_workflow: Any, tmp_path: Path) -> None:
    upload = _steps(apply_workflow, "plan")["the plan for the apply job"]
    assert upload["if"] == "steps.plan.outputs.exitcode == '2'"
    assert upload["with"]["retention-days"] == 1  # it holds the account's details
    assert upload["with"]["if-no-files-found"] == "error"
    outputs = apply_workflow["jobs"]["plan"]["outputs"]
    assert outputs["artifact"] == upload["with"]["name"] == "plan-${{ github.run_id }}-${{ github.run_attempt }}"
    download = _steps(apply_workflow, "apply")["the plan from the plan job"]
    assert download["with"] == {"name": "${{ needs.plan.outputs.artifact }}", "path": "${{ env.STACK_DIR }}"}
    # A re-run uploads under a new name (v4 takes a name once per run) and the apply follows it.
    jobs, artifacts = _run_workflow(apply_workflow, tmp_path, plan_exit=2, github=_Github(run_attempt="2"))
    assert list(artifacts) == ["plan-4242-2"]
    assert jobs["apply"].applied_plan == _planned(jobs["plan"])


def test_the_plan_takes_no_lock_and_the_apply_waits_for_it(apply_workflow: Any, tmp_path: Path) -> None:
    jobs, _ = _run_workflow(apply_workflow, tmp_path, plan_exit=2)
    (init, plan), (apply_init, apply) = jobs["plan"].terraform, jobs["apply"].terraform
    assert init == apply_init == _INIT.split()[1:]
    assert "-lock=false" in plan  # the plan role cannot write the state's lock file
    assert not any(arg.startswith("-lock-timeout") for arg in plan)
    assert "-lock-timeout=10m" in apply
    assert not any(arg.startswith("-lock=") for arg in apply)


def test_the_apply_runs_only_on_a_push_to_main_or_on_request(apply_workflow: Any, tmp_path: Path) -> None:
    assert apply_workflow["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    # A run requested on another branch would apply that branch's code: both jobs are skipped.
    for job in apply_workflow["jobs"].values():
        assert job["if"].startswith("github.ref == 'refs/heads/main'")
    elsewhere = _Github(event_name="workflow_dispatch", ref="refs/heads/topic")
    jobs, _ = _run_workflow(apply_workflow, tmp_path, plan_exit=2, github=elsewhere)
    assert [job.result for job in jobs.values()] == ["skipped", "skipped"]
    assert not jobs["apply"].environment_asked


def test_the_plan_job_reads_with_the_plan_role_in_no_environment(
    apply_workflow: Any, plan_workflow: Any, tmp_path: Path
) -> None:
    # The plan role trusts the default branch (repo:<owner>/<name>:ref:refs/heads/<branch>): a job in
    # an environment has another subject, so the plan job must not run in one.
    assert "environment" not in apply_workflow["jobs"]["plan"]
    jobs, _ = _run_workflow(apply_workflow, tmp_path, plan_exit=2)
    assert jobs["plan"].roles == ["${{ vars.PLAN_ROLE_ARN }}"]
    credentials = next(
        step for step in apply_workflow["jobs"]["plan"]["steps"] if "credentials" in step.get("uses", "")
    )
    # The same pinned action and role as the pull request's plan.
    same = next(step for step in plan_workflow["jobs"]["plan"]["steps"] if step.get("uses") == credentials["uses"])
    assert (
        same["with"]
        == credentials["with"]
        == {"role-to-assume": "${{ vars.PLAN_ROLE_ARN }}", "aws-region": "us-east-1"}
    )


def test_the_apply_job_runs_in_the_environment_with_the_apply_role(apply_workflow: Any, tmp_path: Path) -> None:
    job = apply_workflow["jobs"]["apply"]
    # The apply role trusts only tokens whose subject is repo:<owner>/<name>:environment:<name>.
    assert job["environment"] == "${{ vars.APPLY_ENVIRONMENT || 'production' }}"
    credentials = next(step for step in job["steps"] if "configure-aws-credentials" in step.get("uses", ""))
    assert credentials["with"] == {"role-to-assume": "${{ vars.APPLY_ROLE_ARN }}", "aws-region": "us-east-1"}
    jobs, _ = _run_workflow(apply_workflow, tmp_path, plan_exit=2)
    assert jobs["apply"].roles == ["${{ vars.APPLY_ROLE_ARN }}"]
    assert jobs["apply"].environment_asked


def test_one_run_at_a_time_and_none_cancelled(apply_workflow: Any) -> None:
    # A fixed group for the whole workflow, from any ref or trigger: a run queues behind the running
    # one, so two runs never interleave a plan and an apply.
    assert apply_workflow["concurrency"] == {"group": "apply-management-account-baseline", "cancel-in-progress": False}
    assert not any("concurrency" in job for job in apply_workflow["jobs"].values())


def test_each_job_may_only_get_a_token_and_read_the_code(apply_workflow: Any) -> None:
    assert apply_workflow["permissions"] == {}
    for job in apply_workflow["jobs"].values():
        assert job["permissions"] == {"id-token": "write", "contents": "read"}
        checkout = next(step for step in job["steps"] if "checkout" in step.get("uses", ""))
        assert checkout["with"] == {"persist-credentials": False}


def test_the_apply_workflow_applies_only_the_baseline_stack(apply_workflow: Any) -> None:
    commands = {}
    for name, job in apply_workflow["jobs"].items():
        assert job["env"]["STACK_DIR"] == STACK_DIR
        for step in job["steps"]:
            for command in re.findall(r"^\s*terraform (\w+)", step.get("run", ""), re.MULTILINE):
                commands[name, command] = step["working-directory"]
    expected = [("plan", "init"), ("plan", "plan"), ("apply", "init"), ("apply", "apply")]
    assert commands == dict.fromkeys(expected, "${{ env.STACK_DIR }}")
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
