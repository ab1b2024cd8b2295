"""Scan synthesized stacks with the pinned checkov, applying checkov-skips.toml.

    python -m tools.checkov_scan cdktf.out/stacks/*/cdk.tf.json   # (./run checkov)

Prints checkov's passed / failed / skipped counts per stack and exits 1 when a failure is
not listed in checkov-skips.toml (or an entry there has no reason).
"""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHECKOV = ROOT / ".tools" / "checkov" / "bin" / "checkov"
SKIPS_FILE = ROOT / "checkov-skips.toml"


@dataclass(frozen=True)
class Skip:
    check: str
    resource: str
    reason: str

    def covers(self, check: str, resource: str) -> bool:
        return check == self.check and fnmatch.fnmatchcase(resource, self.resource)


@dataclass
class Report:
    """checkov's result for one stack, with the listed skips applied."""

    stack: str
    passed: int
    skipped: list[tuple[str, str, Skip]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    parsing_errors: int = 0

    def line(self) -> str:
        return (
            f"{self.stack}: passed {self.passed}, failed {len(self.failed)}, "
            f"skipped {len(self.skipped)} (listed in {SKIPS_FILE.name}), parsing errors {self.parsing_errors}"
        )


def load_skips(path: Path = SKIPS_FILE) -> list[Skip]:
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["skip"]
    skips = [Skip(entry["check"], entry["resource"], " ".join(entry["reason"].split())) for entry in entries]
    missing = [skip.check for skip in skips if len(skip.reason) < 20]
    if missing:
        raise ValueError(f"{path.name}: skips without a written reason: {', '.join(missing)}")
    return skips


def checkov_readable(stack_file: Path, folder: Path) -> Path:
    """A copy of the stack that checkov 3.3.30 can parse, in ``folder/<stack name>/``.

    Its terraform_json parser crashes on a plain string in the ``terraform`` block
    (``hclify`` of ``required_version``) and on a top-level list (the ``moved`` blocks), and
    reports a parsing error instead of results. No checkov check reads either, so the copy
    leaves out those two.
    """
    document = json.loads(stack_file.read_text())
    document.get("terraform", {}).pop("required_version", None)
    document.pop("moved", None)
    copy = folder / stack_file.parent.name / stack_file.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(json.dumps(document))
    return copy


def scan(stack_file: Path, skips: list[Skip]) -> Report:
    """Run checkov on one synthesized stack (terraform_json: the framework that reads cdktf JSON)."""
    with tempfile.TemporaryDirectory() as folder:
        return _scan(checkov_readable(stack_file, Path(folder)), skips)


def _scan(stack_file: Path, skips: list[Skip]) -> Report:
    command = [
        str(CHECKOV),
        "--file",
        str(stack_file),
        "--framework",
        "terraform_json",
        "--skip-download",  # no network: checks run offline, without severities
        "--soft-fail",  # the exit code is decided here, after the per-resource skips
        "--output",
        "json",
        "--config-file",
        str(ROOT / "tools" / "checkov.yaml"),  # explicit: never pick up a stray .checkov.yaml
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"checkov failed ({result.returncode}): {result.stderr[-2000:]}")
    output: Any = json.loads(result.stdout)
    document = output[0] if isinstance(output, list) else output
    summary = document["summary"]
    report = Report(stack_file.parent.name, passed=summary["passed"], parsing_errors=summary["parsing_errors"])
    for failure in document.get("results", {}).get("failed_checks", []):
        check, resource = failure["check_id"], failure["resource"]
        listed = next((skip for skip in skips if skip.covers(check, resource)), None)
        if listed is None:
            report.failed.append((check, resource))
        else:
            report.skipped.append((check, resource, listed))
    return report


def main(argv: list[str]) -> int:
    skips = load_skips()
    reports = [scan(Path(path), skips) for path in argv]
    for report in reports:
        print(report.line())
        for check, resource in report.failed:
            print(f"  FAILED {check} {resource}")
    return 1 if any(report.failed or report.parsing_errors for report in reports) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
