"""What a new ``name_prefix`` replaces, said before a plan does.

Nearly every resource of the baseline is named after the prefix (``constructs_lib/names.py``)
and AWS cannot rename any of them: a new prefix replaces the trail, both buckets, the log
group, the key alias, the topics, every alarm and rule. The synth and ``config check``
compare the config with the last synth in the output folder (what ``cdktf deploy`` applied
last from this checkout) and say so in a warning line. Plain Python: no cdktf.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import BaselineConfig
from constructs_lib.names import BaselineNames

#: The baseline stack's JSON in an output folder (``app.stacks.BASELINE_STACK``).
BASELINE_JSON = Path("stacks") / "management-account-baseline" / "cdk.tf.json"
#: Where the docs say how to rename without losing the logs.
RENAME_DOCS = "docs/deploy.md#rename-the-prefix"


@dataclass(frozen=True)
class Rename:
    """The prefix of the last synth and of the config, and what the new one replaces."""

    old: str
    new: str
    #: Resource instances of the last synth named after the old prefix: each is replaced.
    replaced: int
    #: Resource instances that refer to those: each is changed or replaced with them.
    attached: int
    #: The addresses of the first kind, and of the second.
    renamed_addresses: frozenset[str] = frozenset()
    attached_addresses: frozenset[str] = frozenset()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() if key != "//" for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _refers(text: str, address: str) -> bool:
    """Whether an argument's text refers to the resource at ``address`` (``${type.name.attr}``,
    ``${type.name[each.key].attr}``; a ``depends_on`` entry only orders)."""
    return "${" in text and any(f"{address}{after}" in text for after in (".", "["))


def _instances(body: dict[str, Any]) -> int:
    """How many instances a resource block of a synthesized app stack has (its ``for_each`` is a map)."""
    for_each = body.get("for_each")
    return len(for_each) if isinstance(for_each, dict) else 1


def last_synth_prefix(document: dict[str, Any]) -> str | None:
    """The ``name_prefix`` a synthesized baseline stack was made with (its trail's name), if any."""
    trails = document.get("resource", {}).get("aws_cloudtrail", {})
    for trail in trails.values():
        name = trail.get("name", "")
        suffix = BaselineNames("").trail
        if isinstance(name, str) and name.endswith(suffix):
            return name.removesuffix(suffix)
    return None


def rename_since_last_synth(config: BaselineConfig, outdir: Path) -> Rename | None:
    """The rename ``config`` makes against the baseline last synthesized into ``outdir`` (None: none,
    or no readable earlier synth there)."""
    try:
        document = json.loads((outdir / BASELINE_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    old = last_synth_prefix(document)
    if old is None or old == config.name_prefix:
        return None
    # Every name the baseline gives starts with "<prefix>-" (constructs_lib/names.py), after a
    # "/" in a log group's name and a key alias.
    resources = {
        f"{kind}.{name}": body for kind, blocks in document.get("resource", {}).items() for name, body in blocks.items()
    }
    renamed = {
        address
        for address, body in resources.items()
        if any(text.startswith(f"{old}-") or f"/{old}-" in text for text in _strings(body))
    }
    affected = set(renamed)
    while True:  # what refers to a renamed or affected resource follows it (settings, targets, policies)
        more = {
            address
            for address, body in resources.items()
            if address not in affected and any(_refers(text, other) for other in affected for text in _strings(body))
        }
        if not more:
            break
        affected |= more
    replaced = sum(_instances(resources[address]) for address in renamed)
    attached = sum(_instances(resources[address]) for address in affected - renamed)
    return Rename(old, config.name_prefix, replaced, attached, frozenset(renamed), frozenset(affected - renamed))


def rename_warning(rename: Rename, config: BaselineConfig) -> str:
    """The one-line warning of ``rename``: what is replaced, and what protection makes of it."""
    consequence = (
        "protect_log_data is on, so the plan will refuse it (the log bucket, access-log bucket, log group "
        "and key alias would be replaced)"
        if config.protect_log_data
        else "protect_log_data is off, so the plan will destroy the old log bucket and log group, logs included"
    )
    state = (
        ""
        if config.state.bucket
        else f"; state.bucket is unset, so the state would move to a new bucket too: set state.bucket = "
        f"'{rename.old}-terraform-state' first"
    )
    return (
        f"warning: name_prefix changed from {rename.old!r} (the last synth) to {rename.new!r}: the plan replaces "
        f"the {rename.replaced} resources named after it (the trail, both buckets, the log group, the topics, every "
        f"alarm and rule) and changes or replaces the {rename.attached} attached to them; {consequence}{state}. "
        f"To rename and keep the logs: {RENAME_DOCS}"
    )
