"""Switches that are plain bools in the app and Terraform bool expressions in the module.

The app knows its config when it synthesizes, so a switched-off resource is simply not
built. The module flavour gets its config as variables, so a switch becomes ``count`` on
each resource, and a reference to a counted resource reads ``one(<address>[*].<attr>)``:
the value, or null when the resource is switched off. Entries built once each (the
detections) become one ``for_each`` keyed by name: the entries themselves in the app, a
local filtered by each entry's switch in the module (:func:`for_each_of`). Constructs call
these helpers and stay the same code for both flavours.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from cdktf import (
    Fn,
    IResolvable,
    Op,
    TerraformDataSource,
    TerraformIterator,
    TerraformLocal,
    TerraformResource,
    Token,
)
from constructs import Construct

from constructs_lib.addresses import address, addressed

#: A switch: a plain bool (the app) or a Terraform bool expression (the module flavour).
Flag: TypeAlias = bool | IResolvable

T = TypeVar("T")


def is_off(flag: Flag) -> bool:
    """The switch is a plain False: build nothing."""
    return flag is False


def count_for(flag: Flag) -> float | None:
    """The ``count`` of a switched resource: unset for a plain True, 0 or 1 for an expression."""
    if isinstance(flag, bool):
        return None
    return Token.as_number(Fn.conditional(flag, 1, 0))


def negate(flag: Flag) -> Flag:
    """``not flag``, for a plain bool or a Terraform bool expression."""
    return not flag if isinstance(flag, bool) else Op.not_(flag)


def both(flag: Flag, other: Flag) -> Flag:
    """``flag and other``, for plain bools or Terraform bool expressions."""
    return _joined(flag, other, absorbing=False, join=Op.and_)


def any_of(flag: Flag, other: Flag) -> Flag:
    """``flag or other``, for plain bools or Terraform bool expressions."""
    return _joined(flag, other, absorbing=True, join=Op.or_)


def _joined(flag: Flag, other: Flag, *, absorbing: bool, join: Callable[[Any, Any], IResolvable]) -> Flag:
    """``flag`` and ``other`` joined by an operator whose ``absorbing`` plain value decides alone
    (False for and, True for or) and whose other plain value leaves the other operand as it is."""
    if flag is absorbing or other is absorbing:
        return absorbing
    if isinstance(flag, bool):
        return other
    if isinstance(other, bool):
        return flag
    return join(flag, other)


def either(flag: Flag, when_on: T, when_off: T) -> T:
    """``when_on`` or ``when_off``; for an expression, a Terraform conditional of the two."""
    if isinstance(flag, bool):
        return when_on if flag else when_off
    if isinstance(when_on, str) and isinstance(when_off, str):
        # cdktf 0.21 writes string arguments of an expression as HCL string literals without
        # escaping them: quotes and backslashes inside are escaped here (tested by terraform
        # validate and by the module's apply in the CIS modes).
        nested = Fn.conditional(flag, _hcl_escaped(when_on), _hcl_escaped(when_off))
        return Token.as_string(nested)  # type: ignore[return-value]  # T is str here
    return Fn.conditional(flag, when_on, when_off)  # type: ignore[no-any-return]


def or_null(flag: Flag, value: str) -> str | None:
    """``value`` while ``flag`` is on, else null (an argument left unset)."""
    if isinstance(flag, bool):
        return value if flag else None
    return Token.as_string(Fn.conditional(flag, _hcl_escaped(value), Token.null_value()))


def switched_list(flag: Flag, always: Sequence[str], extra: Sequence[str]) -> list[str]:
    """``always``, plus ``extra`` while ``flag`` is on (a Terraform conditional for an expression)."""
    if isinstance(flag, bool):
        return [*always, *(extra if flag else ())]
    return Token.as_list(Fn.conditional(flag, [*always, *extra], list(always)))


#: A "${" that does not open one of cdktf's own token markers.
_RAW_EXPRESSION = re.compile(r"\$\{(?!TfToken\[)")


def _hcl_escaped(text: str) -> str:
    if _RAW_EXPRESSION.search(text):
        # cdktf writes a string argument of a function as a literal: a raw "${...}" (a counted
        # element's attribute) would become the text itself, not its value.
        raise ValueError(f"a raw Terraform expression cannot go into a conditional: {text!r} (use attribute_or)")
    return text.replace("\\", "\\\\").replace('"', '\\"')


def expression(element: TerraformResource | TerraformDataSource, name: str) -> str:
    """The bare expression (no ``${}``) reading ``element.name``; for a counted element, the
    value or null (``one(<address>[*].<name>)``)."""
    if element.count is None:
        return f"{address(element)}.{name}"
    return f"one({address(element)}[*].{name})"


def attribute(element: TerraformResource | TerraformDataSource, name: str) -> str:
    """``element.name`` as a reference token; for a counted element, the value or null."""
    if element.count is None:
        return Token.as_string(element.get_string_attribute(name))
    return f"${{{expression(element, name)}}}"


def attribute_or(
    scope: Construct,
    id_: str,
    element: TerraformResource | TerraformDataSource,
    name: str,
    *,
    flag: Flag,
    otherwise: str,
) -> str:
    """``element.name`` while ``flag`` (which builds ``element``) is on, else ``otherwise``. For an
    expression, a local (``id_``) holds the counted element's value, which a function's argument
    cannot name directly."""
    if isinstance(flag, bool):
        return attribute(element, name) if flag else otherwise
    local = addressed(TerraformLocal(scope, id_, attribute(element, name)))
    return Token.as_string(Fn.conditional(flag, local.as_string, otherwise))


def differs(value: str, other: str) -> Flag:
    """``value != other`` for a plain string or a Terraform string expression."""
    if Token.is_unresolved(value):
        return Op.neq(value, other)
    return value != other


def equals(value: str, other: str) -> Flag:
    """``value == other`` for a plain string or a Terraform string expression."""
    if Token.is_unresolved(value):
        return Op.eq(value, other)
    return value == other


@dataclass(frozen=True)
class Switched:
    """One entry of a :func:`for_each_of`: its key, its values, and whether it is built."""

    name: str
    values: Mapping[str, Any]
    enabled: Flag = True


@dataclass(frozen=True)
class ForEach:
    """The ``for_each`` of resources built once per entry, keyed by the entry's name."""

    each: TerraformIterator
    #: Some entry is switched when Terraform plans (the module flavour).
    switched: bool


def for_each_of(scope: Construct, id_: str, entries: Sequence[Switched]) -> ForEach:
    """The ``for_each`` of resources built once per entry of ``entries``, keyed by name.

    When every entry is plainly on (the app), the entries' values themselves. Otherwise (the
    module flavour) a local ``id_`` holds every entry's values with its switch as
    ``enabled``, and the resources iterate over the entries whose switch is on when
    Terraform plans. Two entries with one name raise ``ValueError``.
    """
    names = [entry.name for entry in entries]
    if len(set(names)) != len(names):
        raise ValueError(f"{scope.node.path}: two entries named {sorted({n for n in names if names.count(n) > 1})}")
    if all(entry.enabled is True for entry in entries):
        return ForEach(TerraformIterator.from_map({entry.name: dict(entry.values) for entry in entries}), False)
    local = addressed(
        TerraformLocal(scope, id_, {entry.name: {**entry.values, "enabled": entry.enabled} for entry in entries})
    )
    switched = f"${{{{ for name, entry in {address(local)} : name => entry if entry.enabled }}}}"
    return ForEach(TerraformIterator.from_map(Token.as_any_map(switched)), True)
