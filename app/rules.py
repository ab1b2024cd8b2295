"""Config rules written once: a Python test and the same check in HCL, with one message.

A :class:`Rule` checks one value. ``Annotated[..., checked(rule, ...)]`` makes rules a config
field's pydantic validator, and :func:`hcl_validations` turns the same rules into the
Terraform ``validation`` blocks of the module's variables. Wrappers say where the value is:
:func:`each` (every element of a list), :func:`optional` (unset means the default). Checks
that span fields are :class:`ModelRule` s on the model (``RULES``); they too carry both forms.

Python's message: ``<field path>: <message> (got <value>)``; the module's: ``<path> <message>.``
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, model_validator

#: How much of a rejected value an error message repeats.
SHOWN_CHARACTERS = 60


def shown(value: object) -> str:
    """``repr(value)``, cut to a readable length (a 10 MB value is not echoed whole)."""
    text = repr(value)
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return f"{text[: SHOWN_CHARACTERS - 1]}... ({len(text)} characters)"


def hcl(value: object) -> str:
    """``value`` as an HCL literal inside a rule's condition template (JSON's strings, numbers
    and lists are valid HCL; braces doubled, the template is ``str.format``-ed)."""
    return _braces(json.dumps(value))


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def shown_name(name: object) -> str:
    """A key or name from the user as it goes into a one-line message: as is when it is short
    and printable, else quoted and cut (a newline in a key must not break the line)."""
    if isinstance(name, str) and name.isprintable() and len(name) <= SHOWN_CHARACTERS:
        return name
    return shown(name)


@dataclass(frozen=True)
class Rule:
    """One check of a value: ``test`` in Python, ``condition`` in HCL, one ``message``.

    ``condition`` is an HCL expression on ``{v}``, the value's expression; None for a check
    Terraform's variable type already makes (that a value is a number, a bool, a list).
    """

    message: str
    test: Callable[[Any], bool]
    condition: str | None = None
    #: Whether the Python message repeats the value (``(got ...)``).
    echo: bool = True
    #: What of the value the message repeats (default: all of it).
    culprit: Callable[[Any], Any] | None = None

    def hcl_condition(self, value: str) -> str | None:
        return None if self.condition is None else self.condition.format(v=value)

    def passes(self, value: Any) -> bool:
        """The test, where a value of the wrong kind (a ``TypeError`` and the like) fails, never raises."""
        try:
            return bool(self.test(value))
        except (TypeError, ValueError, OverflowError, AttributeError):
            return False

    def check(self, value: Any) -> None:
        """Raise ``ValueError`` with the message when ``value`` fails."""
        if self.passes(value):
            return
        if not self.echo:
            raise ValueError(self.message)
        raise ValueError(f"{self.message} (got {shown(self.culprit(value) if self.culprit else value)})")


def each(rule: Rule, message: str) -> Rule:
    """``rule`` for every element of a list, with the list's message naming the first one that fails."""
    condition = None
    if rule.condition is not None:
        condition = "alltrue([for x in {v} : " + _braces(rule.condition.format(v="x")) + "])"
    return Rule(
        message,
        lambda values: all(rule.passes(item) for item in values),
        condition,
        culprit=lambda values: next(item for item in values if not rule.passes(item)),
    )


def optional(rule: Rule, default: Any) -> Rule:
    """``rule`` for a value that may be unset (None in Python, null in HCL), which means ``default``.

    In HCL the rule checks ``(value == null ? default : value)``: Terraform's ``||`` evaluates
    both sides, so ``value == null || ...`` would fail on null instead of passing, and
    ``coalesce`` would take an empty string for unset.
    """
    condition = None
    if rule.condition is not None:
        condition = rule.condition.replace("{v}", "({v} == null ? " + hcl(default) + " : {v})")
    return Rule(rule.message, lambda value: value is None or rule.passes(value), condition, rule.echo)


def checked(*rules: Rule) -> BeforeValidator:
    """The rules as the field's pydantic validator, run in order on the raw value (types first);
    :func:`hcl_validations` reads them back for the module."""

    def validate(value: Any) -> Any:
        for rule in rules:
            rule.check(value)
        return value

    validate.rules = rules  # type: ignore[attr-defined]
    return BeforeValidator(validate)


def field_rules(metadata: list[Any]) -> list[Rule]:
    """The rules :func:`checked` attached to a field (its pydantic metadata)."""
    return [rule for item in metadata for rule in getattr(getattr(item, "func", None), "rules", ())]


@dataclass(frozen=True)
class ModelRule:
    """A check across fields of one model: ``test`` on the model, ``condition`` on ``{v}``, the object."""

    message: str
    test: Callable[[Any], bool]
    condition: str
    #: What the Python message adds about the values (e.g. ``(got 3000 > 2557)``).
    detail: Callable[[Any], str] = field(default=lambda _model: "")

    def check(self, model: Any) -> None:
        if not self.test(model):
            detail = self.detail(model)
            raise ValueError(f"{self.message} ({detail})" if detail else self.message)


class Checked(BaseModel):
    """A config model whose :class:`ModelRule` s (``RULES``) run once its fields are valid."""

    RULES: ClassVar[tuple[ModelRule, ...]] = ()

    @model_validator(mode="after")
    def _check_rules(self) -> Self:
        for rule in type(self).RULES:
            rule.check(self)
        return self


# --- the module's validation blocks -------------------------------------------------------


def hcl_validations(path: str, annotation: Any, metadata: list[Any], value: str) -> Iterator[tuple[str, str]]:
    """``(condition, message)`` of every rule on a field, and on the fields of its model.

    ``path`` names the field in the messages, ``value`` is its HCL expression. A table of
    models (``dict[str, Model]``) is checked value by value: ``alltrue([for o in values(...)])``.
    """
    for rule in field_rules(metadata):
        condition = rule.hcl_condition(value)
        if condition is not None:
            yield condition, f"{path} {rule.message}."
    model = get_args(annotation)[1] if get_origin(annotation) is dict else annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return
    if model is annotation:
        yield from _model_validations(model, value, path)
        return
    for condition, message in _model_validations(model, "o", None):
        yield f"alltrue([for o in values({value}) : {condition}])", f"{path}: {message}"


def _model_validations(model: type[BaseModel], value: str, path: str | None) -> Iterator[tuple[str, str]]:
    for name, info in model.model_fields.items():
        yield from hcl_validations(
            f"{path}.{name}" if path else name, info.annotation, list(info.metadata), f"{value}.{name}"
        )
    for rule in getattr(model, "RULES", ()):
        yield rule.condition.format(v=value), f"{path}: {rule.message}." if path else f"{rule.message}."
