"""A new name_prefix is reported before a plan replaces what is named after it: by the synth and
by ``config check``, against the last synth in the output folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import main
from app.config import BaselineConfig, StateConfig
from app.renames import Rename, rename_since_last_synth, rename_warning
from ops.cli import app as cli


@pytest.fixture(scope="module")
def last_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding the synth of the default config (prefix ``mgmt-baseline``)."""
    outdir = tmp_path_factory.mktemp("last-synth") / "cdktf.out"
    main.synthesize(BaselineConfig(), outdir)
    return outdir


def test_a_new_prefix_names_what_it_replaces_and_what_follows(last_synth: Path) -> None:
    rename = rename_since_last_synth(BaselineConfig(name_prefix="acme-new"), last_synth)
    assert rename is not None
    assert (rename.old, rename.new) == ("mgmt-baseline", "acme-new")
    assert {
        "aws_cloudtrail.organization_trail",
        "aws_s3_bucket.trail_logs",
        "aws_s3_bucket.access_logs",
        "aws_cloudwatch_log_group.organization_trail",
        "aws_kms_alias.this",
        "aws_sns_topic.alerts",
        "aws_cloudwatch_metric_alarm.this",
    } <= rename.renamed_addresses
    # Settings of a renamed bucket are replaced with it; the key is named after nothing.
    assert {"aws_s3_bucket_policy.trail_logs", "aws_s3_bucket_versioning.trail_logs"} <= rename.attached_addresses
    assert "aws_kms_key.this" not in rename.renamed_addresses | rename.attached_addresses
    # Instances, not blocks: each detection's alarm counts.
    assert rename.replaced > len(rename.renamed_addresses)


def test_the_same_prefix_or_no_earlier_synth_says_nothing(last_synth: Path, tmp_path: Path) -> None:
    assert rename_since_last_synth(BaselineConfig(), last_synth) is None
    assert rename_since_last_synth(BaselineConfig(name_prefix="acme-new"), tmp_path / "nothing-here") is None


def test_the_warning_says_protection_refuses_it_or_the_logs_go() -> None:
    protected = BaselineConfig(name_prefix="acme-new")
    unprotected = BaselineConfig(name_prefix="acme-new", protect_log_data=False)
    change = Rename("mgmt-baseline", "acme-new", 40, 20)
    assert "the plan will refuse it" in rename_warning(change, protected)
    assert "destroy the old log bucket and log group, logs included" in rename_warning(change, unprotected)
    assert "docs/deploy.md#rename-the-prefix" in rename_warning(change, protected)
    # The default state bucket is named after the prefix too: the state would move with it.
    assert "set state.bucket = 'mgmt-baseline-terraform-state' first" in rename_warning(change, protected)
    kept_state = BaselineConfig(name_prefix="acme-new", state=StateConfig(bucket="mgmt-baseline-terraform-state"))
    assert "state.bucket" not in rename_warning(change, kept_state)


def test_the_synth_warns_in_one_line_and_still_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outdir = tmp_path / "cdktf.out"
    main.synthesize(BaselineConfig(), outdir)
    config = tmp_path / "baseline.toml"
    config.write_text('name_prefix = "acme-new"\nalert_emails = ["a@example.com"]\n')
    assert main.main(["--config", str(config), "--outdir", str(outdir)]) == 0
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("warning: name_prefix changed from 'mgmt-baseline' (the last synth) to 'acme-new'")
    document = json.loads((outdir / "stacks/management-account-baseline/cdk.tf.json").read_text())
    assert document["resource"]["aws_cloudtrail"]["organization_trail"]["name"] == "acme-new-organization-trail"


def test_config_check_warns_against_the_last_synth(last_synth: Path, tmp_path: Path) -> None:
    config = tmp_path / "baseline.toml"
    config.write_text('name_prefix = "acme-new"\n')
    result = CliRunner().invoke(cli, ["config", "check", str(config), "--outdir", str(last_synth), "--json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True
    (warning,) = report["warnings"]
    assert warning.startswith("name_prefix changed from 'mgmt-baseline'")
