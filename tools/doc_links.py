"""Every relative link and ``#anchor`` of the project's Markdown resolves.

    python -m tools.doc_links     # prints each broken link, exit 1 if there is one

Links are read with markdown-it (so a link inside a code block is not one); anchors are the
headings' slugs as GitHub makes them (lower case, punctuation dropped, spaces to hyphens, a
repeated slug numbered ``-1``, ``-2``) and explicit ``<a id="...">`` / ``<a name="...">`` tags.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The Markdown a user reads: the start page, the reference, the module's README and the notes
#: beside code (bench/, tools/policies/).
DOCUMENTS = ("README.md", "CHANGELOG.md", "docs/*.md", "modules/*/README.md", "bench/README.md", "tools/*/README.md")

_PUNCTUATION = re.compile(r"[^\w\- ]", re.UNICODE)
_HTML_ANCHOR = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']""", re.IGNORECASE)
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # https:, mailto:, ...


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading's text (before numbering repeats)."""
    return _PUNCTUATION.sub("", heading.strip().lower()).replace(" ", "-")


@dataclass(frozen=True)
class Link:
    """A link of a document: where it stands and what it points at."""

    document: Path
    line: int
    target: str


@dataclass(frozen=True)
class Parsed:
    links: tuple[Link, ...]
    anchors: frozenset[str]


@cache
def parse(document: Path) -> Parsed:
    """The links and anchors of one Markdown file."""
    text = document.read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    links: list[Link] = []
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 0
        if token.type == "heading_open":
            title = "".join(child.content for child in tokens[index + 1].children or () if child.type != "image")
            slug = github_slug(title)
            anchors.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
            seen[slug] = seen.get(slug, 0) + 1
        for child in token.children or ():
            if child.type == "link_open":
                links.append(Link(document, line, str(child.attrs["href"])))
            if child.type == "html_inline":
                anchors.update(_HTML_ANCHOR.findall(child.content))
        if token.type == "html_block":
            anchors.update(_HTML_ANCHOR.findall(token.content))
    return Parsed(tuple(links), frozenset(anchors))


def documents(root: Path = REPO_ROOT) -> list[Path]:
    """The Markdown files whose links are checked."""
    found = {path for pattern in DOCUMENTS for path in root.glob(pattern)}
    return sorted(found)


def broken(link: Link) -> str | None:
    """Why ``link`` does not resolve, or None."""
    if _EXTERNAL.match(link.target):
        return None
    path_part, _, anchor = link.target.partition("#")
    target = (link.document.parent / unquote(path_part)).resolve() if path_part else link.document
    if not target.exists():
        return f"{path_part} does not exist"
    if anchor and target.suffix == ".md" and unquote(anchor) not in parse(target).anchors:
        return f"no heading #{anchor} in {target.name}"
    if anchor and target.suffix != ".md":
        return f"#{anchor} points into {target.name}, which has no headings"
    return None


def problems(root: Path = REPO_ROOT) -> Iterator[str]:
    """One line per broken link: ``file:line: target: why``."""
    for document in documents(root):
        for link in parse(document).links:
            why = broken(link)
            if why:
                yield f"{document.relative_to(root)}:{link.line}: {link.target}: {why}"


def main() -> int:
    found = list(problems())
    for line in found:
        print(line)
    if not found:
        print(f"every link of {len(documents())} documents resolves")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
