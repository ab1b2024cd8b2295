"""The entry point: synthesis into the output folder, and failures that leave it alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import main
from app.config import BaselineConfig
from app.stacks import BASELINE_STACK, BOOTSTRAP_STACK

ROOT = Path(__file__).resolve().parent.parent


def _stack_json(outdir: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((outdir / "stacks" / BASELINE_STACK / "cdk.tf.json").read_text())
    return doc


def test_default_synth_writes_the_manifest_and_the_stack(tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    assert main.main(["--outdir", str(outdir)]) == 0
    manifest = json.loads((outdir / "manifest.json").read_text())
    assert set(manifest["stacks"]) == {BOOTSTRAP_STACK, BASELINE_STACK}
    assert "aws_cloudtrail" in _stack_json(outdir)["resource"]  # type: ignore[operator]


def test_no_alert_emails_warns_in_one_line_and_still_synthesizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outdir = tmp_path / "out"
    assert main.main(["--outdir", str(outdir)]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("warning: alert_emails is empty: alerts reach no one until someone subscribes")
    assert (outdir / "stacks" / BASELINE_STACK / "cdk.tf.json").is_file()


def test_alert_emails_silence_the_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "baseline.toml"
    config.write_text('alert_emails = ["secops@example.com"]\n')
    assert main.main(["--config", str(config), "--outdir", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().err == ""


def test_a_budget_below_the_baseline_s_own_cost_warns_in_one_line_and_still_synthesizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "baseline.toml"
    config.write_text(
        'alert_emails = ["secops@example.com"]\n[billing]\nmanagement_account_limit_usd = 1\n'
        "[cost]\naccounts = 40\nevents_per_account = 30000\n"
    )
    assert main.main(["--config", str(config), "--outdir", str(tmp_path / "out")]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("warning: billing.management_account_limit_usd (1) is below the baseline's own estimated")
    assert "40 accounts of 30,000 events a month" in line


def test_config_comes_from_the_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "baseline.toml"
    config.write_text('name_prefix = "from-env"\n')
    monkeypatch.setenv(main.CONFIG_ENV, str(config))
    outdir = tmp_path / "out"
    assert main.main(["--outdir", str(outdir)]) == 0
    topics = _stack_json(outdir)["resource"]["aws_sns_topic"]  # type: ignore[index]
    assert sorted(topic["name"] for topic in topics.values()) == ["from-env-alarm-actions", "from-env-alerts"]


def test_resynth_keeps_terraform_init_results(tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    assert main.main(["--outdir", str(outdir)]) == 0
    stack_dir = outdir / "stacks" / BASELINE_STACK
    (stack_dir / ".terraform").mkdir()
    (stack_dir / ".terraform.lock.hcl").write_text("# lock\n")
    old_stack = outdir / "stacks" / "renamed-stack"  # what an older synth wrote
    old_stack.mkdir()
    (old_stack / "cdk.tf.json").write_text("{}")
    assert main.main(["--outdir", str(outdir)]) == 0
    assert (stack_dir / ".terraform").is_dir()
    assert (stack_dir / ".terraform.lock.hcl").read_text() == "# lock\n"
    assert not old_stack.exists()


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != main.CONFIG_ENV}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )


def test_bad_config_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("budget_limit_usd = -1\n")
    outdir = tmp_path / "out"
    result = _run_cli("--config", str(config), "--outdir", str(outdir))
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {config}: budget_limit_usd: must be greater than 0 and at most 1000000000 USD (got -1)\n"
    )
    assert not outdir.exists()
    assert list(tmp_path.iterdir()) == [config]


def test_bad_config_leaves_an_earlier_output_untouched(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('region = "eu-central-1"\n')
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "manifest.json").write_text("earlier")
    result = _run_cli("--config", str(config), "--outdir", str(outdir))
    assert result.returncode == 2
    assert "region: must be 'us-east-1'" in result.stderr
    assert (outdir / "manifest.json").read_text() == "earlier"


def test_a_failing_synth_leaves_no_half_written_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "manifest.json").write_text("earlier")

    class BrokenApp:
        def __init__(self, staging: str) -> None:
            self.staging = Path(staging)

        def synth(self) -> None:
            (self.staging / "manifest.json").write_text("half")
            raise RuntimeError("synth failed")

    import app.stacks

    monkeypatch.setattr(app.stacks, "build_app", lambda _config, outdir, **_final: BrokenApp(outdir))
    with pytest.raises(RuntimeError, match="synth failed"):
        main.synthesize(BaselineConfig(), outdir)
    assert (outdir / "manifest.json").read_text() == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_python_main_py_leaves_no_temporary_files(tmp_path: Path) -> None:
    # jsii's runtime copy used to stay behind in the temporary folder: os._exit skips its cleanup.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    subprocess.run(
        [sys.executable, "main.py", "--outdir", str(tmp_path / "out")],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "out" / "manifest.json").is_file()
    deadline = time.monotonic() + 10  # jsii's Node.js removes its own folder as it exits
    while list(scratch.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(scratch.iterdir()) == []
