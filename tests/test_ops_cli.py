"""The operator commands' offline half: ``config init``, ``config check``, ``drill --dry-run``,
bad input and the ``--json`` shape (the AWS half is tests/e2e/test_operator_commands.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.config import BaselineConfig, CiConfig
from app.load import load_config
from ops import cli
from ops.aws import Aws
from ops.cli import app
from ops.drill import Drill
from tests.synth import app_documents

runner = CliRunner()


def test_config_init_writes_every_field_at_its_default_and_the_file_checks_and_synthesizes(tmp_path: Path) -> None:
    path = tmp_path / "baseline.toml"
    result = runner.invoke(app, ["config", "init", str(path)])
    assert result.exit_code == 0, result.output
    text = path.read_text()
    for field in ("name_prefix", "alert_emails", "cis_pack", "object_lock_days", "bootstrap_state_path"):
        assert f"\n{field} = " in text
    assert "management_account_limit_usd = 50.0" in text
    assert "budget_limit_usd" not in text  # a new config does not start with a renamed field
    assert "# Rules: must be one of 365, 400, 545" in text  # what is allowed, next to the field
    assert runner.invoke(app, ["config", "check", str(path)]).exit_code == 0
    assert load_config(path) == BaselineConfig()
    baseline, _bootstrap = app_documents(load_config(path))
    assert "aws_cloudtrail" in baseline["resource"]


def test_the_init_file_s_own_override_example_works_when_uncommented(tmp_path: Path) -> None:
    text = runner.invoke(app, ["config", "init", "-"]).stdout
    example = text.index("# [detections.overrides.access-denied]")
    header, threshold = text[example:].splitlines()[:2]
    assert threshold.startswith("# threshold = ...")
    path = tmp_path / "baseline.toml"
    path.write_text(text.replace(header, header[2:].split("#")[0]).replace(threshold, "threshold = 5"))
    assert runner.invoke(app, ["config", "check", str(path)]).exit_code == 0
    assert load_config(path).detections.overrides["access-denied"].threshold == 5


def test_the_init_file_s_ci_table_works_when_uncommented(tmp_path: Path) -> None:
    text = runner.invoke(app, ["config", "init", "-"]).stdout
    start = text.index("# [ci]\n")
    table = text[start : text.index("\n\n", start)]
    lines = [line[2:].split("   #")[0] for line in table.splitlines()]
    assert lines[1] == "github_repository = ..."
    lines[1] = 'github_repository = "acme/org-baseline"'
    path = tmp_path / "baseline.toml"
    path.write_text(text.replace(table, "\n".join(lines)))
    assert runner.invoke(app, ["config", "check", str(path)]).exit_code == 0
    assert load_config(path).ci == CiConfig(github_repository="acme/org-baseline")


def test_config_init_never_replaces_a_file_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "baseline.toml"
    path.write_text("name_prefix = 'mine'\n")
    result = runner.invoke(app, ["config", "init", str(path)])
    assert result.exit_code == 2
    assert "exists; choose another path or pass --force" in result.stderr
    assert path.read_text() == "name_prefix = 'mine'\n"
    assert runner.invoke(app, ["config", "init", str(path), "--force"]).exit_code == 0
    assert load_config(path) == BaselineConfig()
    assert [entry.name for entry in tmp_path.iterdir()] == ["baseline.toml"]  # no staging file left


def test_config_init_to_standard_output() -> None:
    result = runner.invoke(app, ["config", "init", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Management account baseline")


#: (case, file text, every problem config check prints for it).
CHECK_CASES: list[tuple[str, str, list[str]]] = [
    ("valid", 'name_prefix = "acme-mgmt"\n', []),
    (
        "three problems, all listed",
        'name_prefix = "A"\nbudget_limit_usd = -1\n[detections]\ncis_pack = "x"\n',
        [
            "name_prefix: must be 2-24 characters of lowercase letters, digits and hyphens, starting with a "
            "letter and not ending with a hyphen (got 'A')",
            "budget_limit_usd: must be greater than 0 and at most 1000000000 USD (got -1)",
            "detections.cis_pack: must be one of off, exact, management-only (got 'x')",
        ],
    ),
    (
        "unknown field",
        "budget = 5\n",
        [
            "budget: unknown field; allowed fields are name_prefix, region, budget_limit_usd, alert_emails, "
            "log_retention_days, protect_log_data, remove_keeping_log_data, adopt_log_data, tags, create_budget, "
            "detections, kms_encryption, log_bucket, trail, billing, cost, state, ci, local_aws_endpoint"
        ],
    ),
    ("not TOML", "name_prefix = \n", ["not valid TOML (Invalid value (at line 1, column 15))"]),
    (
        "numbers that are not finite, and another problem",
        'name_prefix = "A"\nbudget_limit_usd = inf\nlog_retention_days = nan\n',
        [
            "budget_limit_usd: must be a finite number (got inf)",
            "log_retention_days: must be a finite number (got nan)",
            "name_prefix: must be 2-24 characters of lowercase letters, digits and hyphens, starting with a "
            "letter and not ending with a hyphen (got 'A')",
        ],
    ),
    (
        "a setting that does nothing",
        "[log_bucket]\nobject_lock_days = 400\n",
        [
            "log_bucket: object_lock_days has no effect while object_lock_mode is off: leave it out or turn "
            "Object Lock on (got 400)"
        ],
    ),
]


@pytest.mark.parametrize(("text", "problems"), [c[1:] for c in CHECK_CASES], ids=[c[0] for c in CHECK_CASES])
def test_config_check_prints_every_problem(tmp_path: Path, text: str, problems: list[str]) -> None:
    path = tmp_path / "baseline.toml"
    path.write_text(text)
    no_synth = ["--outdir", str(tmp_path / "cdktf.out")]  # no earlier synth to compare name_prefix with
    result = runner.invoke(app, ["config", "check", str(path), *no_synth])
    if problems:
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [f"{path}: {problem}" for problem in problems]
    else:
        assert (result.exit_code, result.stdout.strip()) == (0, f"{path}: valid")
    report = json.loads(runner.invoke(app, ["config", "check", str(path), "--json", *no_synth]).stdout)
    assert report == {
        "command": "config check",
        "file": str(path),
        "ok": not problems,
        "problems": problems,
        "warnings": [],
    }


def test_config_check_of_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    result = runner.invoke(app, ["config", "check", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("cannot read config file (No such file or directory)")


def test_drill_dry_run_lists_the_steps_as_json_without_aws(tmp_path: Path) -> None:
    path = tmp_path / "baseline.toml"
    path.write_text('[detections]\ncis_pack = "exact"\n\n[billing]\norganization_limit_usd = 5000\n')
    result = runner.invoke(app, ["drill", "--config", str(path), "--dry-run", "--json", "--marker", "m1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["command"], report["ok"]) == ("drill", True)
    assert all(set(entry) == {"item", "status", "detail", "fix"} for entry in report["results"])
    items = {entry["item"]: entry["status"] for entry in report["results"]}
    assert items["alarm mgmt-baseline-cis-root-usage"] == "planned"
    assert items["alarm mgmt-baseline-organization-charges"] == "planned"
    assert items["budget"] == "manual"  # AWS Budgets cannot be exercised: never a pass
    assert items["anomaly alerts"] == "manual"  # nor can Cost Anomaly Detection
    assert "rule mgmt-baseline-drill-m1 " in next(e["detail"] for e in report["results"] if e["item"] == "EventBridge")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["verify", "--since-hours", "0"], "Invalid value for '--since-hours'"),
        (["drill", "--dry-run", "--marker", "a b"], "--marker: must be 1-32 letters, digits and hyphens (got 'a b')"),
        (["drill", "--dry-run", "--marker", "x" * 33], "--marker: must be 1-32 letters"),
        (["verify", "--config", "/nonexistent.toml"], "/nonexistent.toml: cannot read config file"),
    ],
)
def test_bad_input_exits_2_with_a_message_naming_it(arguments: list[str], message: str) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


def test_every_command_has_help() -> None:
    for command in ([], ["verify"], ["drill"], ["config"], ["config", "init"], ["config", "check"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0
        assert "Usage:" in result.stdout


def test_ctrl_c_during_the_drill_cleans_up_and_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    cleaned: list[str] = []

    def interrupted(_drill: Drill) -> list[object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_aws", Aws)
    monkeypatch.setattr(Drill, "run", interrupted)
    monkeypatch.setattr(Drill, "clean_up", lambda drill: cleaned.append(drill.marker))
    result = runner.invoke(app, ["drill", "--marker", "drill-x"])
    assert result.exit_code == 130
    assert "interrupted: the drill's rule is deleted and its alarms are set back" in result.stderr
    assert cleaned == ["drill-x"]
