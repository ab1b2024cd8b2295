"""checkov (pinned, from PyPI) on the synthesized stacks: no failure that checkov-skips.toml does
not list with a reason, on the default stack and on the stack with every option on."""

from __future__ import annotations

from pathlib import Path

import pytest

import main
from app.config import BaselineConfig
from tests.configs import EVERY_OPTION
from tools.checkov_scan import Report, load_skips, scan

CONFIGS = {"default": BaselineConfig(), "every-option": EVERY_OPTION}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Report]]:
    skips = load_skips()
    found: dict[str, list[Report]] = {}
    for name, config in CONFIGS.items():
        outdir = tmp_path_factory.mktemp(name)
        main.synthesize(config, outdir)
        found[name] = [scan(path, skips) for path in sorted(outdir.glob("stacks/*/cdk.tf.json"))]
    return found


@pytest.mark.parametrize("config", CONFIGS)
def test_checkov_finds_no_unlisted_failure(reports: dict[str, list[Report]], config: str) -> None:
    for report in reports[config]:
        assert report.parsing_errors == 0, report.line()
        assert report.passed > 20, report.line()  # the file was really evaluated
        assert report.failed == [], report.line()


def test_every_listed_skip_is_still_needed(reports: dict[str, list[Report]]) -> None:
    used = {(check, skip.resource) for found in reports.values() for r in found for check, _, skip in r.skipped}
    unused = [f"{skip.check} {skip.resource}" for skip in load_skips() if (skip.check, skip.resource) not in used]
    assert unused == [], "entries in checkov-skips.toml that match no failure: remove them"


def test_a_skip_without_a_reason_is_refused(tmp_path: Path) -> None:
    skips = tmp_path / "skips.toml"
    skips.write_text('[[skip]]\ncheck = "CKV_AWS_18"\nresource = "*"\nreason = "no"\n')
    with pytest.raises(ValueError, match="without a written reason: CKV_AWS_18"):
        load_skips(skips)
