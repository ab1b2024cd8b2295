"""Every relative link and #anchor of README.md, docs/ and the module's README resolves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.doc_links import documents, github_slug, problems

ROOT = Path(__file__).resolve().parent.parent


def test_every_relative_link_and_anchor_of_the_docs_resolves() -> None:
    assert list(problems()) == []


def test_the_checked_documents_include_the_start_page_the_reference_and_the_module_readme() -> None:
    checked = {path.relative_to(ROOT).as_posix() for path in documents()}
    assert {"README.md", "docs/configuration.md", "modules/management-account-baseline/README.md"} <= checked
    assert len([name for name in checked if name.startswith("docs/")]) >= 8


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Deploy", "deploy"),
        ("After deploy: verify and fire drill", "after-deploy-verify-and-fire-drill"),
        ("Use it as a Terraform module (plain HCL)", "use-it-as-a-terraform-module-plain-hcl"),
        ("`./run verify`", "run-verify"),
        ("Which bill: the payer's or the account's own", "which-bill-the-payers-or-the-accounts-own"),
    ],
)
def test_anchors_are_githubs_slugs_of_the_headings(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_a_missing_file_a_missing_heading_and_a_repeated_heading_are_told_apart(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "README.md": (
                "# Start\n\n## Notes\n\n## Notes\n\n"
                "[ok](docs/a.md#part-two) [ok](#notes-1) [ok](https://example.com/x#y)\n"
                "[gone](docs/missing.md) [no heading](docs/a.md#part-three) [no second](#start-1)\n\n"
                "```text\n[not a link](nowhere.md)\n```\n"
            ),
            "docs/a.md": "# A\n\n## Part two\n\n[back](../README.md#start)\n",
        },
    )
    assert list(problems(tmp_path)) == [
        "README.md:7: docs/missing.md: docs/missing.md does not exist",
        "README.md:7: docs/a.md#part-three: no heading #part-three in a.md",
        "README.md:7: #start-1: no heading #start-1 in README.md",
    ]
