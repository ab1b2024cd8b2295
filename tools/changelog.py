"""The project's version (``VERSION``, its one place) and the upgrade notes of ``CHANGELOG.md``."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
VERSION_FILE = REPO_ROOT / "VERSION"
CHANGELOG = REPO_ROOT / "CHANGELOG.md"
#: A release heading of Keep a Changelog: ``## [1.2.3] - 2026-12-04``.
RELEASE = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})$", re.MULTILINE)
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def project_version() -> str:
    """The version of the app and the module (``VERSION``): ``MAJOR.MINOR.PATCH``."""
    version = VERSION_FILE.read_text(encoding="utf-8").strip()
    if not SEMVER.fullmatch(version):
        raise ValueError(f"{VERSION_FILE.name}: {version!r} is not a semantic version MAJOR.MINOR.PATCH")
    return version


def releases(text: str | None = None) -> dict[str, str]:
    """Each release of the changelog, newest first: its version and the text of its section."""
    text = CHANGELOG.read_text(encoding="utf-8") if text is None else text
    found = list(RELEASE.finditer(text))
    sections = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        body = text[match.end() : end]
        sections[match["version"]] = body.split("\n[", 1)[0] if index + 1 == len(found) else body
    return sections


def upgrade_notes(text: str | None = None) -> str:
    """The "Upgrade notes" of every release that has them, newest first, under its version."""
    parts = []
    for version, body in releases(text).items():
        _, heading, notes = body.partition("### Upgrade notes\n")
        if heading:
            notes = notes.split("\n### ", 1)[0].split("\n## ", 1)[0].strip()
            parts.append(f"### {version}\n\n{notes}")
    return "\n\n".join(parts)
