"""Compare two synth outputs resource by resource, apart from addresses.

    python tools/compare_synth.py OLD_OUTDIR NEW_OUTDIR

For a change that renames resources (``moved`` blocks) but must not change what they are.
Each stack of the new output is compared with the stack of the same name in the old one:

- old resource addresses become new ones through the new stack's ``moved`` blocks (so the
  blocks themselves are checked: a missing or wrong one shows up as a difference), and old
  data source addresses through the construct paths both record;
- the same renames are applied to every reference inside the old stack's values;
- a resource with a literal ``for_each`` map is expanded into one instance per key, with
  ``each.key`` and ``each.value.<name>`` replaced by their values;
- ``depends_on`` entries lose their instance key (Terraform orders whole resources);
- cdktf's ``//`` metadata and the ``moved`` blocks are left out.

Prints each difference and exits 1, or prints what matched and exits 0.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

Json = dict[str, Any]

_EACH_VALUE = re.compile(r"^\$\{each\.value\.([A-Za-z0-9_]+)\}$")
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]$")


def _paths(document: Json, kind: str) -> dict[str, str]:
    """Construct path → ``type.name`` of every block of ``kind`` (``resource`` or ``data``)."""
    return {
        block["//"]["metadata"]["path"]: f"{resource_type}.{name}"
        for resource_type, blocks in document.get(kind, {}).items()
        for name, block in blocks.items()
    }


def without_comments(node: Any) -> Any:
    """``node`` without cdktf's ``//`` metadata (construct paths, cdktf version)."""
    if isinstance(node, dict):
        return {key: without_comments(value) for key, value in node.items() if key != "//"}
    if isinstance(node, list):
        return [without_comments(value) for value in node]
    return node


def _rename(node: Any, renames: list[tuple[re.Pattern[str], str]]) -> Any:
    if isinstance(node, dict):
        return {key: _rename(value, renames) for key, value in node.items()}
    if isinstance(node, list):
        return [_rename(value, renames) for value in node]
    if isinstance(node, str):
        for pattern, new in renames:
            node = pattern.sub(new.replace("\\", "\\\\"), node)
    return node


def _substitute(node: Any, key: str, value: Json) -> Any:
    """``node`` with ``each.key`` and whole-string ``each.value.<name>`` replaced."""
    if isinstance(node, dict):
        return {name: _substitute(child, key, value) for name, child in node.items()}
    if isinstance(node, list):
        return [_substitute(child, key, value) for child in node]
    if isinstance(node, str):
        match = _EACH_VALUE.match(node)
        if match:
            return value[match.group(1)]
        return node.replace("${each.key}", key)
    return node


def instances(block: Json) -> dict[str, Json]:
    """The instances of a block with a literal ``for_each`` map, by key, as Terraform makes them."""
    each = block["for_each"]
    if not isinstance(each, dict):
        raise ValueError(f"for_each is not a literal map: {each!r}")
    body = {field: value for field, value in block.items() if field != "for_each"}
    return {key: _substitute(body, key, value) for key, value in each.items()}


def _blocks(document: Json, kind: str) -> dict[str, Json]:
    """Every block of ``kind`` by address; a literal ``for_each`` map expanded into instances."""
    found: dict[str, Json] = {}
    for resource_type, blocks in document.get(kind, {}).items():
        for name, block in blocks.items():
            if not isinstance(block.get("for_each"), dict):
                found[f"{resource_type}.{name}"] = block
                continue
            for key, body in instances(block).items():
                found[f"{resource_type}.{name}[{json.dumps(key)}]"] = body
    return found


def _ordered(block: Json) -> Json:
    """``block`` with instance keys left out of ``depends_on`` (Terraform orders whole resources)."""
    if "depends_on" not in block:
        return block
    return {**block, "depends_on": [_INSTANCE_KEY.sub("", entry) for entry in block["depends_on"]]}


def _field_differences(before: Json, after: Json) -> str:
    fields = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    return "; ".join(
        f"{name}: {json.dumps(before.get(name), sort_keys=True)} -> {json.dumps(after.get(name), sort_keys=True)}"
        for name in fields
    )


def _reference(address: str) -> re.Pattern[str]:
    """``address`` where it is read: not followed by more name characters (or an instance ``[0]``)."""
    return re.compile(re.escape(address) + r"(\[0\])?(?![A-Za-z0-9_-])")


def compare(old: Json, new: Json) -> list[str]:
    """The differences between two stacks' Terraform JSON, apart from addresses."""
    moved = {block["from"].removesuffix("[0]"): block["to"] for block in new.get("moved", [])}
    old_data, new_data = _paths(old, "data"), _paths(new, "data")
    data_renames = {
        f"data.{address}": f"data.{new_data[path]}" for path, address in old_data.items() if path in new_data
    }
    renames = sorted({**moved, **data_renames}.items(), key=lambda item: -len(item[0]))
    patterns = [(_reference(before), after) for before, after in renames]
    old_clean = _rename(without_comments({key: value for key, value in old.items() if key != "moved"}), patterns)
    new_clean = without_comments({key: value for key, value in new.items() if key != "moved"})

    differences: list[str] = []
    old_resources = {moved.get(address, address): block for address, block in _blocks(old, "resource").items()}
    old_resources = {
        address: _ordered(_rename(without_comments(block), patterns)) for address, block in old_resources.items()
    }
    new_resources = {address: _ordered(without_comments(block)) for address, block in _blocks(new, "resource").items()}
    old_data_blocks = {
        data_renames.get(f"data.{address}", f"data.{address}"): _rename(without_comments(block), patterns)
        for address, block in _blocks(old, "data").items()
    }
    new_data_blocks = {f"data.{address}": without_comments(block) for address, block in _blocks(new, "data").items()}
    for label, before, after in (
        ("resource", old_resources, new_resources),
        ("data source", old_data_blocks, new_data_blocks),
    ):
        for address in sorted(before.keys() - after.keys()):
            differences.append(f"{label} {address}: only in the old stack")
        for address in sorted(after.keys() - before.keys()):
            differences.append(f"{label} {address}: only in the new stack")
        differences += [
            f"{label} {address}: {_field_differences(before[address], after[address])}"
            for address in sorted(before.keys() & after.keys())
            if before[address] != after[address]
        ]
    for section in sorted((old_clean.keys() | new_clean.keys()) - {"resource", "data", "moved"}):
        if old_clean.get(section) != new_clean.get(section):
            differences.append(
                f"{section}: {_field_differences(old_clean.get(section) or {}, new_clean.get(section) or {})}"
            )
    return differences


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python tools/compare_synth.py OLD_OUTDIR NEW_OUTDIR", file=sys.stderr)
        return 2
    old_dir, new_dir = (Path(arg) / "stacks" for arg in args)
    failed = False
    for stack in sorted(path.name for path in new_dir.iterdir()):
        old = json.loads((old_dir / stack / "cdk.tf.json").read_text())
        new = json.loads((new_dir / stack / "cdk.tf.json").read_text())
        differences = compare(old, new)
        failed = failed or bool(differences)
        for line in differences:
            print(f"{stack}: {line}")
        if not differences:
            resources, data = _blocks(new, "resource"), _blocks(new, "data")
            print(
                f"{stack}: identical apart from addresses: {len(resources)} resource instances, "
                f"{len(data)} data sources, {len(new.get('moved', []))} moved blocks, "
                f"{len(new.get('output', {}))} outputs"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
