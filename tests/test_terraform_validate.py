"""Terraform itself accepts the synthesized JSON (offline, with the provider mirror)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from app.config import BaselineConfig
from app.stacks import BASELINE_STACK
from tests.conftest import CUSTOM_CONFIG
from tests.terraform import terraform, terraform_env


@pytest.mark.parametrize("config", [BaselineConfig(), CUSTOM_CONFIG], ids=["default", "custom"])
def test_terraform_validate_accepts_the_stack(tmp_path: Path, config: BaselineConfig) -> None:
    main.synthesize(config, tmp_path / "out")
    stack_dir = tmp_path / "out" / "stacks" / BASELINE_STACK
    env = terraform_env(tmp_path)
    terraform("init", "-backend=false", "-input=false", cwd=stack_dir, env=env)
    result = terraform("validate", "-json", cwd=stack_dir, env=env)
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["error_count"] == 0
    assert report["warning_count"] == 0, report["diagnostics"]
