"""Run the terraform CLI offline against a provider mirror.

``TF_PROVIDER_MIRROR`` names a filesystem mirror (a folder holding
``registry.terraform.io/hashicorp/aws/<version>/...``). When it is set, terraform gets a
CLI config that installs providers from there only; when it is not, terraform uses its
defaults (the public registry). In CI the mirror is required.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

MIRROR_ENV = "TF_PROVIDER_MIRROR"


def terraform_env(workdir: Path) -> dict[str, str]:
    """The environment for terraform commands; writes the CLI config into ``workdir``."""
    env = dict(os.environ)
    env["TF_IN_AUTOMATION"] = "1"
    env["CHECKPOINT_DISABLE"] = "1"
    # terraform and the AWS provider (its child) spend much of their CPU time collecting the
    # garbage of the provider's 13 MB schema, rebuilt by every provider process; a laxer pace
    # cuts a quarter of it, at ~130 MB more per process (bench/README.md, "Test suite").
    env.setdefault("GOGC", "400")
    mirror = os.environ.get(MIRROR_ENV)
    if not mirror:
        if os.environ.get("CI"):
            pytest.fail(f"{MIRROR_ENV} is not set: CI must point it at the provider mirror")
        return env
    if not Path(mirror, "registry.terraform.io").is_dir():
        pytest.fail(f"{MIRROR_ENV}={mirror} holds no registry.terraform.io folder")
    cli_config = workdir / "terraform.rc"
    cli_config.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }}\n'
        '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n'
        "}\n"
    )
    env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    return env


def run_terraform(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``terraform args -no-color`` in ``cwd`` and return the result, whatever its exit code."""
    return subprocess.run(
        ["terraform", *args, "-no-color"], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def terraform(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``terraform args`` in ``cwd``; fail the test with terraform's output if it fails."""
    result = run_terraform(*args, cwd=cwd, env=env)
    if result.returncode != 0:
        pytest.fail(f"terraform {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def assert_no_changes(cwd: Path, env: dict[str, str]) -> None:
    """``terraform plan -detailed-exitcode`` in ``cwd`` has nothing to do (exit 0, not 2 or 1)."""
    result = run_terraform("plan", "-input=false", "-detailed-exitcode", cwd=cwd, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def applied_plan(cwd: Path, env: dict[str, str], plan_file: Path) -> dict[str, list[str]]:
    """Plan into ``plan_file``, apply that plan, and return each changed resource's actions by address."""
    terraform("plan", "-input=false", f"-out={plan_file}", cwd=cwd, env=env)
    shown = json.loads(terraform("show", "-json", str(plan_file), cwd=cwd, env=env).stdout)
    terraform("apply", "-input=false", str(plan_file), cwd=cwd, env=env)
    return {
        change["address"]: change["change"]["actions"]
        for change in shown["resource_changes"]
        if change["mode"] == "managed" and change["change"]["actions"] != ["no-op"]
    }


#: terraform console reads a line of up to 64 KiB (a longer one answers nothing) and, piped,
#: prints only the last answer: a longer list of expressions takes one call per chunk.
_CONSOLE_LINE = 60_000


def terraform_console(expressions: list[str], folder: Path) -> list[Any]:
    """What ``terraform console`` (offline, no provider, in ``folder``: empty, or holding locals) answers for
    each expression (one call per :data:`_CONSOLE_LINE` characters of them)."""
    chunks: list[list[str]] = [[]]
    for expression in expressions:
        if chunks[-1] and sum(len(e) + 2 for e in chunks[-1]) + len(expression) > _CONSOLE_LINE:
            chunks.append([])
        chunks[-1].append(expression)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "TF_IN_AUTOMATION": "1"}
    answers: list[Any] = []
    for chunk in chunks:
        result = subprocess.run(
            ["terraform", "console"],
            input=f"jsonencode([{', '.join(chunk)}])\n",
            capture_output=True,
            text=True,
            cwd=folder,
            env=env,
            check=True,
            timeout=120,
        )
        printed = result.stdout.strip().splitlines()
        assert printed, f"terraform console answered nothing: {result.stderr!r}"
        answers += json.loads(json.loads(printed[-1]))
    return answers
