"""Documentation generated from code stays in step with it."""

from __future__ import annotations

from pathlib import Path

from app.load import load_config
from tools.docs import (
    BEGIN,
    CATALOGUE_BEGIN,
    CATALOGUE_END,
    END,
    catalogue_table,
    config_table,
    with_config_table,
)
from tools.messages import MESSAGES_BEGIN, MESSAGES_END, messages_block

ROOT = Path(__file__).resolve().parent.parent


def test_readme_config_table_matches_the_model() -> None:
    readme = (ROOT / "README.md").read_text()
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    assert readme[start:end] == config_table(), "regenerate with: ./run generate"


def test_readme_catalogue_table_matches_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text()
    start, end = readme.index(CATALOGUE_BEGIN), readme.index(CATALOGUE_END) + len(CATALOGUE_END)
    assert readme[start:end] == catalogue_table(), "regenerate with: ./run generate"


def test_readme_example_messages_are_the_modules_own() -> None:
    readme = (ROOT / "README.md").read_text()
    start, end = readme.index(MESSAGES_BEGIN), readme.index(MESSAGES_END) + len(MESSAGES_END)
    assert readme[start:end] == messages_block(), "regenerate with: ./run generate"


def test_writing_the_table_replaces_only_the_text_between_the_markers() -> None:
    stale = f"# Title\n\nbefore\n\n{BEGIN}\n| old |\n{END}\n\nafter\n"
    assert with_config_table(stale) == f"# Title\n\nbefore\n\n{config_table()}\n\nafter\n"


def test_example_config_is_valid() -> None:
    config = load_config(ROOT / "baseline.example.toml")
    assert config.name_prefix == "acme-mgmt"
