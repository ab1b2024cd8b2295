"""Reading a config file: bytes to text to TOML to a validated :class:`BaselineConfig`.

Every way this can fail ends in one :class:`ConfigError` line that names the file and the
field: a file that is not UTF-8 (with the position), not TOML (with the position), nested
deeper than any field, holding a number that is not finite, or failing a rule of the model
(``app/config.py``, at most three problems listed, every echoed value cut).
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from app.config import BaselineConfig
from app.rules import shown, shown_name


class ConfigError(ValueError):
    """A configuration value is missing, malformed or out of range (one line, user-facing)."""


def _model_at(path: tuple[int | str, ...]) -> type[BaseModel]:
    """The config model (or nested table's model) that ``path`` leads to."""
    model: type[BaseModel] = BaselineConfig
    steps = iter(path)
    for name in steps:
        annotation = model.model_fields[str(name)].annotation
        if get_origin(annotation) is dict:  # a table of tables: skip the key, use the value's model
            annotation = get_args(annotation)[1]
            next(steps, None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    return model


#: At most this many problems are listed in the one line; the rest are counted.
MAX_PROBLEMS = 3
#: Deeper nesting than this is no config (the deepest field is detections.overrides.NAME.FIELD).
MAX_DEPTH = 8


def problems_of(error: ValidationError) -> list[str]:
    """Every problem of a failed validation, one ``field: message`` line each."""
    parts = []
    for item in error.errors():
        field = ".".join(shown_name(part) for part in item["loc"])
        if item["type"] == "extra_forbidden":
            allowed = ", ".join(_model_at(item["loc"][:-1]).model_fields)
            message = f"unknown field; allowed fields are {allowed}"
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
        # A check across the whole config names its fields itself.
        parts.append(f"{field}: {message}" if field else message)
    return parts


def _format_error(error: ValidationError, source: str) -> str:
    parts = problems_of(error)
    more = f"; and {len(parts) - MAX_PROBLEMS} more" if len(parts) > MAX_PROBLEMS else ""
    return f"{source}: " + "; ".join(parts[:MAX_PROBLEMS]) + more


def _value_problems(data: Any) -> list[tuple[str, str]]:
    """``(path, problem)`` for every number that is not finite and every nesting deeper than a
    config can be (iteratively: no recursion)."""
    problems: list[tuple[str, str]] = []
    pending: list[tuple[str, Any, int]] = [("", data, 0)]
    while pending:
        path, value, depth = pending.pop()
        if depth > MAX_DEPTH:
            problems.append((path, f"nested more than {MAX_DEPTH} levels deep; no field of the config is"))
            continue
        if isinstance(value, float) and not math.isfinite(value):
            problems.append((path, f"must be a finite number (got {shown(value)})"))
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            name = shown_name(key)
            pending.append((f"{path}.{name}" if path else name, item, depth + 1))
    return problems


def _check_values(data: Any, source: str) -> None:
    """Every number finite, nothing nested deeper than a config can be: else a one-line ConfigError."""
    problems = _value_problems(data)
    if problems:
        path, problem = problems[0]
        raise ConfigError(f"{source}: {path}: {problem}")


def parse_config(data: dict[str, Any], source: str = "config") -> BaselineConfig:
    """Validate a mapping (as read from TOML) into a config, or raise a one-line ConfigError."""
    _check_values(data, source)
    try:
        return BaselineConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_format_error(error, source)) from None


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def decode(data: bytes, source: str) -> str:
    """The file's text: UTF-8 (a UTF-8 byte order mark is allowed), else a one-line ConfigError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(f"{source}: is UTF-16 text (what PowerShell's > writes); save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise ConfigError(
            f"{source}: not UTF-8 text: byte 0x{byte:02x} at {_position(data, error.start)}; save it as UTF-8"
        ) from None


#: How a config file is read, by whether it is JSON: its format's name, parser, parse error, and what nests.
_FORMATS: dict[bool, tuple[str, Callable[[str], Any], type[ValueError], str]] = {
    False: ("TOML", tomllib.loads, tomllib.TOMLDecodeError, "arrays or tables"),
    True: ("JSON", json.loads, json.JSONDecodeError, "arrays or objects"),
}


def read_document(file: Path) -> dict[str, Any]:
    """The TOML document in ``file`` (JSON when it ends in ``.json``: the module's ``operator_config``
    output, whose nulls are unset fields), or a one-line ConfigError (unreadable, not UTF-8, not TOML
    or JSON, not a table of fields)."""
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ConfigError(f"{file}: cannot read config file ({error.strerror})") from None
    text = decode(data, str(file))
    kind, parse, invalid, nested = _FORMATS[file.suffix.lower() == ".json"]
    try:
        document = parse(text)
    except invalid as error:
        raise ConfigError(f"{file}: not valid {kind} ({error})") from None
    except RecursionError:
        raise ConfigError(f"{file}: not valid {kind} ({nested} nested too deeply to read)") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{file}: must hold a JSON object of config fields (got {type(document).__name__})")
    found: dict[str, Any] = _without_nulls(document)
    return found


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def load_config(path: str | Path | None) -> BaselineConfig:
    """Read the config file at ``path`` (TOML, or JSON); with no path, return the defaults."""
    if path is None:
        return BaselineConfig()
    return parse_config(read_document(Path(path)), str(path))


def config_problems(path: str | Path) -> list[str]:
    """Every problem of the config file at ``path`` (none: it is valid), each naming its field."""
    try:
        document = read_document(Path(path))
    except ConfigError as error:
        return [str(error).removeprefix(f"{path}: ")]
    problems = [f"{field}: {problem}" for field, problem in sorted(_value_problems(document))]
    try:
        BaselineConfig.model_validate(document)
    except ValidationError as error:
        # A non-finite number also fails its field's rule: said once, as above.
        reported = {problem.split(": ", 1)[0] for problem in problems}
        problems += [problem for problem in problems_of(error) if problem.split(": ", 1)[0] not in reported]
    return problems
