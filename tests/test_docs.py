"""Documentation generated from code stays in step with it, in the page each block lives in."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.load import load_config
from tools.docs import BEGIN, END, GENERATED, Block, block_in, config_table, stale_documents, with_generated

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("document", "block"),
    [(document, block) for document, blocks in GENERATED.items() for block in blocks],
    ids=lambda value: value if isinstance(value, str) else value.begin.split(":")[0].removeprefix("<!-- "),
)
def test_each_generated_block_matches_the_code_that_renders_it(document: str, block: Block) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    assert block_in(text, block) == block.render(), "regenerate with: ./run generate"


def test_the_tables_and_messages_live_in_the_reference_not_in_the_start_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    others = [block for name, blocks in GENERATED.items() if name != "README.md" for block in blocks]
    assert all(block.begin not in readme for block in others)  # the README has only its cost table
    assert stale_documents() == []


def test_writing_replaces_only_the_text_between_the_markers() -> None:
    stale = f"# Title\n\nbefore\n\n{BEGIN}\n| old |\n{END}\n\nafter\n"
    blocks = GENERATED["docs/configuration.md"]
    assert with_generated(stale, blocks) == f"# Title\n\nbefore\n\n{config_table()}\n\nafter\n"


def test_a_document_that_lost_its_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="substring not found"):
        with_generated("# Title\n\nno table here\n", GENERATED["docs/configuration.md"])


def test_a_stale_block_names_its_document(tmp_path: Path) -> None:
    for name in GENERATED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    page = tmp_path / "docs/configuration.md"
    page.write_text(page.read_text(encoding="utf-8").replace("| `name_prefix` |", "| `prefix` |"), encoding="utf-8")
    assert stale_documents(tmp_path) == ["docs/configuration.md"]


def test_example_config_is_valid() -> None:
    config = load_config(ROOT / "baseline.example.toml")
    assert config.name_prefix == "acme-mgmt"
