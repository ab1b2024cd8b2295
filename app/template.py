"""``config init``: a commented TOML config with every field, its default and what is allowed.

Generated from the config model (descriptions, defaults, rule messages), so it never lags
behind it: every field is written with its default value, which is what leaving it out
means; a field without a default is written commented out.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app.config import BaselineConfig, Renamed
from app.rules import field_rules

HEADER = """\
# Management account baseline: the config of ./run synth, ./run verify and ./run drill.
#
# Every field is written with its default: delete what you do not change. Check a file
# with `./run config check FILE`; synthesize with `./run synth --config FILE`.
"""


def toml_value(value: Any) -> str:
    """``value`` as a TOML literal (strings, numbers, bools, lists, tables of those)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{json.dumps(key)} = {toml_value(item)}" for key, item in value.items()) + " }"
    raise TypeError(f"no TOML literal for {value!r}")


def _allowed(field: FieldInfo) -> list[str]:
    """What the field accepts: its choices, or its rules' messages (the type checks, which
    have no HCL condition because Terraform's types make them, left out)."""
    if get_origin(field.annotation) is Literal:
        return ["must be one of " + ", ".join(str(choice) for choice in get_args(field.annotation))]
    return [rule.message for rule in field_rules(list(field.metadata)) if rule.condition is not None]


def _comment(text: str) -> list[str]:
    return [f"# {line}" for line in textwrap.wrap(text, width=86, break_on_hyphens=False)]


def _fields(model: type[BaseModel], values: dict[str, Any]) -> tuple[list[str], list[tuple[str, Any, Any]]]:
    """The lines of ``model``'s plain fields, then its tables of tables as commented examples
    (last: an uncommented ``[a.b.c]`` header takes every key after it), and its tables."""
    lines: list[str] = []
    examples: list[str] = []
    tables = []
    for name, field in model.model_fields.items():
        if any(isinstance(marker, Renamed) for marker in field.metadata):
            continue  # a new config does not start with a deprecated name
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            tables.append((name, field, values[name]))
            continue
        optional = _optional_table(field)
        if optional is not None:
            examples += ["", *_comment(field.description or name), *_commented_settings(f"# [{name}]", optional)]
            continue
        lines.append("")
        lines += _comment(field.description or name)
        allowed = _allowed(field)
        if allowed:
            lines += _comment("Rules: " + "; ".join(allowed) + ".")
        value = values[name]
        entry = _table_of_tables(field)
        if entry is not None:
            # An inline `name = {}` could not be extended with [section.name.key] tables.
            lines.append(f"# {name}: see the example table at the end of this section")
            examples += ["", *_comment(field.description or name), *_example_tables(name, entry)]
        else:
            lines.append(f"# {name} = ..." if value is None else f"{name} = {toml_value(value)}")
    return lines + examples, tables


def _table_of_tables(field: FieldInfo) -> type[BaseModel] | None:
    """The model of each entry, for a field that maps names to tables (``detections.overrides``)."""
    if get_origin(field.annotation) is dict:
        entry = get_args(field.annotation)[1]
        if isinstance(entry, type) and issubclass(entry, BaseModel):
            return entry
    return None


def _optional_table(field: FieldInfo) -> type[BaseModel] | None:
    """The model of a table that is off until written (``ci: CiConfig | None``)."""
    models = [arg for arg in get_args(field.annotation) if isinstance(arg, type) and issubclass(arg, BaseModel)]
    return models[0] if len(models) == 1 and type(None) in get_args(field.annotation) else None


def _commented_settings(header: str, model: type[BaseModel]) -> list[str]:
    """A commented table: ``header``, then each setting of ``model`` with its default (``...`` when it
    has none; "required" when it must be given), what it is, and its rules."""
    lines = [header]
    for setting, field in model.model_fields.items():
        default = None if field.is_required() else field.get_default()
        value = "..." if default is None else toml_value(default)
        rules = _allowed(field)
        said = f" Rules: {'; '.join(rules)}." if rules else ""
        required = "required: " if field.is_required() else ""
        lines.append(f"# {setting} = {value}   # {required}{field.description or ''}{said}")
    return lines


def _example_tables(name: str, entry: type[BaseModel]) -> list[str]:
    """A commented example entry: one table per name, each setting with its rules."""
    return _commented_settings(f"# [detections.{name}.access-denied]   # one table per detection name, e.g.:", entry)


def config_template() -> str:
    """The commented config file: every field of :class:`BaselineConfig` at its default."""
    lines, tables = _fields(BaselineConfig, BaselineConfig().model_dump(mode="json"))
    for name, field, values in tables:
        lines += ["", "", f"[{name}]"]
        lines += _comment(field.description or name)
        table_lines, _nested = _fields(field.annotation, values)
        lines += table_lines
    return HEADER + "\n".join(lines) + "\n"
