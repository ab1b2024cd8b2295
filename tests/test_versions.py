"""One version in one place (VERSION), named by the changelog, the module README and the README; the
provider versions a consumer gets are the ones tested."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.changelog import RELEASE, project_version, releases, upgrade_notes
from tools.module import PROVIDER_CONSTRAINT

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_a_semantic_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", project_version())


def test_the_changelog_names_the_current_version_as_its_newest_release() -> None:
    newest, *older = releases()
    assert newest == project_version()
    assert older  # the earlier releases are listed too
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"[{newest}]: " in text  # the link of its heading


def test_releases_are_newest_first_and_dated_in_order() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    found = [(tuple(map(int, m["version"].split("."))), m["date"]) for m in RELEASE.finditer(text)]
    assert found == sorted(found, reverse=True)


@pytest.mark.parametrize("document", ["README.md", "modules/management-account-baseline/README.md"])
def test_the_docs_pin_the_current_release(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    assert f"?ref=v{project_version()}" in text
    assert not [ref for ref in re.findall(r"\?ref=(v[\d.]+)", text) if ref != f"v{project_version()}"]


def test_the_example_pins_the_providers_the_module_is_tested_with() -> None:
    example = (ROOT / "examples/plain-hcl/main.tf").read_text(encoding="utf-8")
    assert f'version = "{PROVIDER_CONSTRAINT}"' in example
    assert PROVIDER_CONSTRAINT.endswith("< 6.0.0")


def test_upgrade_notes_reach_the_module_readme_under_their_versions() -> None:
    notes = upgrade_notes()
    assert notes.startswith(f"### {project_version()}\n")
    readme = (ROOT / "modules/management-account-baseline/README.md").read_text(encoding="utf-8")
    assert notes in readme


def test_upgrade_notes_are_read_from_each_release_and_stop_at_the_next_heading() -> None:
    changelog = (
        "# Changelog\n\n## [0.2.0] - 2026-01-02\n\n### Added\n- b\n\n### Upgrade notes\n- do x\n\n### Fixed\n- c\n\n"
        "## [0.1.0] - 2026-01-01\n\n### Added\n- a\n\n[0.2.0]: https://example.com\n"
    )
    assert list(releases(changelog)) == ["0.2.0", "0.1.0"]
    assert upgrade_notes(changelog) == "### 0.2.0\n\n- do x"
