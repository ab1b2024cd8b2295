"""A local evaluator of AWS IAM policy documents: resource, trust and identity policies.

It answers one question: given one policy document and one request (who, what action, on
what resource, with which request-context keys), does the policy explicitly deny it, allow
it, or say nothing? It follows the IAM User Guide's policy evaluation logic:

- an explicit ``Deny`` in any matching statement wins over every ``Allow``
  ("Policy evaluation logic", "Determining whether a request is allowed or denied within
  an account");
- a statement matches when its principal, action and resource elements match and every
  condition is true;
- ``Action``/``NotAction`` compare case-insensitively with ``*`` and ``?`` wildcards;
  ``Resource``/``NotResource`` compare ARNs case-sensitively, segment by segment
  ("IAM JSON policy elements: Resource");
- within ``Condition``: operators are ANDed, keys within an operator are ANDed, the values
  of one key are ORed, and for a negated operator the request value must match none of
  them ("Creating a condition with multiple context keys or values");
- a key missing from the request context: positive operators are false, negated operators
  are true, ``...IfExists`` operators are true, and ``Null`` tests presence
  ("Condition operators", "Condition keys that are not present in the request").

No library does this offline and is well kept: see ``tools/policies/README.md`` for what was
looked at. Anything this evaluator does not know (an operator, a principal type, a
multivalued key) raises :class:`UnsupportedPolicyError` rather than guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any, Literal

#: A policy document as parsed JSON.
Document = Mapping[str, Any]
PrincipalKind = Literal["Service", "AWS", "Federated", "Anonymous"]


class UnsupportedPolicyError(ValueError):
    """The policy uses something this evaluator does not model; it refuses to guess."""


class Decision(Enum):
    """The outcome of one policy for one request."""

    #: A statement with ``Effect: Deny`` matched: nothing else can allow the request.
    DENY = "explicit deny"
    #: A statement with ``Effect: Allow`` matched and none denied.
    ALLOW = "allow"
    #: No statement matched: the policy neither allows nor denies.
    NO_MATCH = "no matching statement"


@dataclass(frozen=True)
class Principal:
    """Who makes a request.

    ``Service``: an AWS service principal such as ``cloudtrail.amazonaws.com``. ``AWS``: an
    IAM role session or user, named by its ARN (for a role session, the role's ARN), of
    ``account``. ``Federated``: a web identity token of the IAM identity provider named by its ARN
    (``sts:AssumeRoleWithWebIdentity``). ``Anonymous``: an unauthenticated request.
    """

    kind: PrincipalKind
    identifier: str
    account: str | None = None

    @classmethod
    def service(cls, name: str) -> Principal:
        return cls("Service", name)

    @classmethod
    def iam(cls, arn: str) -> Principal:
        return cls("AWS", arn, account=arn.split(":")[4])

    @classmethod
    def federated(cls, provider_arn: str) -> Principal:
        return cls("Federated", provider_arn)

    @classmethod
    def anonymous(cls) -> Principal:
        return cls("Anonymous", "*")


@dataclass(frozen=True)
class Request:
    """One authorization request: principal, action, resource and request-context keys.

    ``context`` holds exactly the keys the calling service sends; a key that is not there is
    absent, which is what makes a condition on it false (or true, for negated operators).
    """

    principal: Principal
    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)

    def value(self, key: str) -> str | None:
        """The request's value of condition key ``key`` (key names are case-insensitive)."""
        wanted = key.lower()
        for name, value in self.context.items():
            if name.lower() == wanted:
                return value
        return None


@dataclass(frozen=True)
class Evaluation:
    """The decision, and the index of every statement that matched (for reports and dead-statement checks)."""

    decision: Decision
    matched: tuple[int, ...]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


@lru_cache(maxsize=4096)
def _glob(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    """``*`` matches any run of characters, ``?`` any one character; nothing else is special."""
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(f"^{body}$", re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def glob_matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """``value`` matches the wildcard ``pattern`` (``*`` and ``?``)."""
    return _glob(pattern, ignore_case=ignore_case).match(value) is not None


def arn_matches(pattern: str, arn: str) -> bool:
    """ArnLike: each of the six colon-separated parts is matched on its own, with wildcards.

    The sixth part (the resource) may itself hold colons and slashes, and ``*`` there matches
    across them, as in ``arn:aws:s3:::bucket/*`` or ``...:log-group:name:*``.
    """
    if pattern == "*":
        return True
    pattern_parts, arn_parts = pattern.split(":", 5), arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(glob_matches(p, a) for p, a in zip(pattern_parts, arn_parts, strict=True))


def _action_matches(patterns: Iterable[str], action: str) -> bool:
    return any(glob_matches(pattern, action, ignore_case=True) for pattern in patterns)


def _resource_matches(patterns: Iterable[str], resource: str) -> bool:
    return any(arn_matches(pattern, resource) for pattern in patterns)


def _principal_matches(element: Any, principal: Principal) -> bool:
    """A resource or trust policy's ``Principal`` element names ``principal``.

    ``"*"`` and ``{"AWS": "*"}`` name everyone, anonymous callers included. An account
    (``123456789012`` or ``arn:aws:iam::123456789012:root``) names every IAM principal of that
    account; a role ARN names that role's sessions; ``{"Service": name}`` names the service;
    ``{"Federated": provider ARN}`` names the tokens of that identity provider.
    """
    if element == "*":
        return True
    if not isinstance(element, Mapping):
        raise UnsupportedPolicyError(f"Principal {element!r}")
    for kind, identifiers in element.items():
        if kind not in ("AWS", "Service", "Federated"):
            raise UnsupportedPolicyError(f"principal type {kind!r}")
        if any(_names(kind, identifier, principal) for identifier in _as_list(identifiers)):
            return True
    return False


def _names(kind: str, identifier: str, principal: Principal) -> bool:
    """One identifier of a ``Principal`` element's ``kind`` names ``principal``."""
    if kind == "AWS" and identifier == "*":
        return True
    if kind != principal.kind:
        return False
    if kind == "AWS":
        root = f"arn:{_partition(principal.identifier)}:iam::{principal.account}:root"
        return identifier in (principal.account, root, principal.identifier)
    return identifier == principal.identifier


def _partition(arn: str) -> str:
    return arn.split(":")[1]


# --- conditions -------------------------------------------------------------------------

_NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
    "NumericNotEquals",
}


def _string_equals(expected: str, actual: str) -> bool:
    return expected == actual


def _string_equals_ignore_case(expected: str, actual: str) -> bool:
    return expected.lower() == actual.lower()


def _string_like(expected: str, actual: str) -> bool:
    return glob_matches(expected, actual)


def _bool(expected: str, actual: str) -> bool:
    return expected.lower() == actual.lower()


def _numeric(compare: str) -> Any:
    def test(expected: str, actual: str) -> bool:
        left, right = float(actual), float(expected)
        return {
            "Equals": left == right,
            "NotEquals": left == right,  # negated by the caller, like the string operators
            "LessThan": left < right,
            "LessThanEquals": left <= right,
            "GreaterThan": left > right,
            "GreaterThanEquals": left >= right,
        }[compare]

    return test


#: Each operator's test of one policy value against the request's value, before negation.
_OPERATORS: dict[str, Any] = {
    "StringEquals": _string_equals,
    "StringNotEquals": _string_equals,
    "StringEqualsIgnoreCase": _string_equals_ignore_case,
    "StringNotEqualsIgnoreCase": _string_equals_ignore_case,
    "StringLike": _string_like,
    "StringNotLike": _string_like,
    # ArnEquals and ArnLike behave alike: both take wildcards, part by part (IAM User Guide).
    "ArnEquals": arn_matches,
    "ArnLike": arn_matches,
    "ArnNotEquals": arn_matches,
    "ArnNotLike": arn_matches,
    "Bool": _bool,
    **{
        f"Numeric{name}": _numeric(name)
        for name in ("Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals")
    },
}


def condition_holds(operator: str, key: str, values: Sequence[str], request: Request) -> bool:
    """One ``operator: {key: values}`` entry against ``request``, with the documented missing-key rules."""
    actual = request.value(key)
    if operator == "Null":
        wanted = {str(value).lower() for value in values}
        if len(wanted) != 1 or not wanted <= {"true", "false"}:
            raise UnsupportedPolicyError(f"Null with {sorted(wanted)}")
        return (actual is None) == (wanted == {"true"})
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    if base not in _OPERATORS:
        raise UnsupportedPolicyError(f"condition operator {operator!r}")
    negated = base in _NEGATED
    if actual is None:
        # IAM User Guide, "Condition operators": a missing key makes a positive operator false
        # and a negated one true; "...IfExists" is true when the key is missing.
        return if_exists or negated
    test = _OPERATORS[base]
    any_match = any(test(str(value), actual) for value in values)
    return not any_match if negated else any_match


def conditions_hold(block: Mapping[str, Mapping[str, Any]], request: Request) -> bool:
    """Every operator, and within it every key, holds (AND); a key's values are alternatives (OR)."""
    return all(
        condition_holds(operator, key, [str(value) for value in _as_list(values)], request)
        for operator, keys in block.items()
        for key, values in keys.items()
    )


# --- statements and documents -----------------------------------------------------------


def statements(document: Document) -> list[Mapping[str, Any]]:
    """The document's statements as a list (a lone statement object is allowed by the grammar)."""
    return _as_list(document.get("Statement", []))


def _either(statement: Mapping[str, Any], element: str, matches: Any, value: str) -> bool | None:
    """``element`` (Action, Resource) or its ``Not`` form matches ``value``; None when the statement has neither."""
    if element in statement:
        return bool(matches(_as_list(statement[element]), value))
    if f"Not{element}" in statement:
        return not matches(_as_list(statement[f"Not{element}"]), value)
    return None


def _principal_applies(statement: Mapping[str, Any], request: Request, *, resource_policy: bool) -> bool:
    if "NotPrincipal" in statement:
        raise UnsupportedPolicyError("NotPrincipal")
    if not resource_policy:
        if "Principal" in statement:
            raise UnsupportedPolicyError("an identity policy statement with a Principal element")
        return True
    return "Principal" in statement and _principal_matches(statement["Principal"], request.principal)


def statement_matches(statement: Mapping[str, Any], request: Request, *, resource_policy: bool) -> bool:
    """``statement`` applies to ``request``: principal, action, resource and conditions all match."""
    if not _principal_applies(statement, request, resource_policy=resource_policy):
        return False
    action = _either(statement, "Action", _action_matches, request.action)
    if action is None:
        raise UnsupportedPolicyError("a statement without Action or NotAction")
    resource = _either(statement, "Resource", _resource_matches, request.resource)
    if resource is None and not _is_trust_action(request.action):
        raise UnsupportedPolicyError("a statement without Resource or NotResource")
    if not action or resource is False:
        return False
    return conditions_hold(statement.get("Condition", {}), request)


def _is_trust_action(action: str) -> bool:
    """Trust policies have no Resource element: the resource is the role itself."""
    return action.lower().startswith("sts:assumerole")


def evaluate(document: Document, request: Request, *, resource_policy: bool = True) -> Evaluation:
    """The decision of ``document`` on ``request``: explicit deny, allow, or no matching statement.

    ``resource_policy``: the document has ``Principal`` elements (a bucket, topic, key or
    trust policy); otherwise it is an identity policy of the principal making the request.
    """
    matched = tuple(
        index
        for index, statement in enumerate(statements(document))
        if statement_matches(statement, request, resource_policy=resource_policy)
    )
    effects = {statements(document)[index]["Effect"] for index in matched}
    if not effects <= {"Allow", "Deny"}:
        raise UnsupportedPolicyError(f"Effect {effects}")
    if "Deny" in effects:
        return Evaluation(Decision.DENY, matched)
    if "Allow" in effects:
        return Evaluation(Decision.ALLOW, matched)
    return Evaluation(Decision.NO_MATCH, matched)
