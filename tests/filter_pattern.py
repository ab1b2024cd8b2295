"""Evaluate CloudWatch Logs JSON filter patterns locally, the way metric and subscription filters match events.

moto stores JSON filter patterns but does not evaluate them, so the tests use this to show that a detection
pattern matches, or does not match, a CloudTrail record. Sources, cited below by their short names:

* [json-page]  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
* [regex-page] https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
* [2022-page]  https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/5bd7d2470d67c936128b739e8a4aaa85c3eb8b7b/doc_source/FilterAndPatternSyntax.md
* [2020-page]  https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/5ae5c9aeccbdc909d7549b9260291ce7ed2a92f3/doc_source/FilterAndPatternSyntax.md
* [cdk]        https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/aws-logs/lib/pattern.ts (AWS's CDK)
* [reports]    https://github.com/DataBiosphere/azul/issues/5884 (tested with the console's "Test pattern"),
               https://github.com/transcom/mymove/pull/2320

Syntax accepted, and nothing else (anything outside it raises FilterPatternError, naming the position):

* ``{ EXPR }``, at most 1,024 characters (TestMetricFilter's limit); text and space-delimited patterns are refused.
* EXPR: conditions joined by ``&&`` and ``||``, ``&&`` binding tighter (``() > && > ||``), parentheses nesting.
* A condition: ``SELECTOR OP VALUE``, ``SELECTOR IS NULL`` / ``IS TRUE`` / ``IS FALSE``, ``SELECTOR NOT EXISTS``.
* SELECTOR: ``$.`` then steps ``.name`` (letters, digits, ``-``, ``_``), ``.['dotted.name']``, ``[N]``, and at
  most one wildcard step, ``.*`` (any field) or ``[*]`` (any element); at most three wildcards in a pattern.
* OP: ``=`` and ``!=`` for strings, regexes and numbers; ``<``, ``>``, ``<=``, ``>=`` for numbers only.
* VALUE: a number (``400``, ``-1``, ``+1000``, ``55.5``, ``1e-3``); a string, double-quoted (escapes ``\\"`` and
  ``\\\\`` as [cdk] writes them) or bare (letters, digits, ``_``, ``.``, ``*``); a regex ``%...%`` in AWS's subset
  (no parentheses; at most two per pattern). In a string a leading and/or trailing ``*`` is a wildcard and a ``*``
  anywhere else is a literal character ([2020-page]: "Ev*ent will only match the actual string Ev*ent"; [cdk]).

Semantics:

* A selector that does not resolve (absent key, index past the end, a step into a value of the wrong kind or
  through a null) is missing: every comparison is false, ``!=`` included ([reports]: ``$.x != "..."`` does not
  match a record without ``x``); ``IS ...`` is false; ``NOT EXISTS`` is true. A ``null`` exists: ``IS NULL`` is
  true and ``NOT EXISTS`` false ([2020-page]: true "only if the specified object is set to null").
* A selector that points to an object or array never matches a comparison, ``=`` or ``!=`` ([2020-page]).
  Arrays are not searched implicitly: ``[N]`` picks an element and ``[*]`` matches when any element does.
* ``=`` / ``!=`` compare strings exactly (case-sensitive), by wildcard, or by regex (Python's ``re.search``: a
  regex matches anywhere unless anchored, [json-page]'s ``%Trail%`` matching "UpdateTrail"); numbers compare by
  value; a string with a wildcard also matches a number's digits ([2022-page]: "Use the asterisk as a wild card to
  match numbers"). ``IS TRUE`` / ``IS FALSE`` match the JSON booleans only, not ``"true"`` or ``1``.
* The docs do not say how a comparison treats a value of another type: a number against ``"1"``, a string
  against ``1``, anything against ``null`` or a boolean. Such a comparison is decided only when reading the value
  strictly by type (no match) and reading it as its JSON text agree; otherwise it is undecided, and ``matches``
  raises FilterPatternError if the result depends on it. ``{ $.x = "abc" }`` is false for ``"x": 1``, while
  ``{ $.x = 1 }`` for ``"x": "1"`` and ``{ $.x != "abc" }`` for ``"x": null`` raise.
* ``!=`` and ``NOT EXISTS`` on a wildcard selector are refused: the docs do not say whether they mean "some" or
  "every" element.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

MAX_PATTERN_LENGTH = 1024  # TestMetricFilter and PutMetricFilter: filterPattern is 0 to 1,024 characters
MAX_WILDCARDS = 3  # [json-page] Quotas: one wildcard per selector, three per compound pattern
MAX_REGEXES = 2  # [regex-page] Quotas: "a limit of 2 regex for each filter pattern"

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?", re.ASCII)  # [2020-page] "Numeric Comparisons"
_BARE_STRING = re.compile(r"[A-Za-z0-9_.*]+")  # alphanumerics and "_" [json-page]; "." and "*" as in 123.123.*
_REGEX_BODY = re.compile(r"[A-Za-z0-9_#=@/;,:\-^$?\[\]{}|\\*+.]+")  # [regex-page] "Supported regex syntax"
_STEP = re.compile(r"\.(?P<name>[\w-]+)|\.\['(?P<quoted>[^']*)'\]|\[(?P<index>\d+)\]|(?P<wild>\.\*|\[\*\])", re.ASCII)
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<selector>\$(?:\.[\w-]+|\.\*|\.\['[^']*'\]|\[\d+\]|\[\*\])*)"
    r'|(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<regex>%[^%]*%)"
    r"|(?P<punct>&&|\|\||!=|<=|>=|[=<>(){}])"
    r"|(?P<word>[\w.*+-]+)",
    re.ASCII | re.DOTALL,
)
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


class FilterPatternError(ValueError):
    """The pattern is malformed or outside the documented syntax, or its result on an event is undocumented."""


class _Wild(Enum):
    FIELD = ".*"
    ELEMENT = "[*]"


_Step = str | int | _Wild


@dataclass(frozen=True)
class _Token:
    kind: str  # "selector", "string", "regex", "word", "end", or the punctuation itself
    text: str
    pos: int


@dataclass(frozen=True)
class _Text:
    text: str  # unescaped, wildcard stars included

    def matches(self, subject: str) -> bool:
        lead = self.text.startswith("*")
        core = self.text[1:] if lead else self.text
        trail = core.endswith("*")
        core = core[:-1] if trail else core
        if lead and trail:
            return core in subject
        if lead or trail:
            return subject.endswith(core) if lead else subject.startswith(core)
        return subject == core

    def has_wildcard(self) -> bool:
        return self.text.startswith("*") or self.text.endswith("*")


@dataclass(frozen=True)
class _Regex:
    compiled: re.Pattern[str]

    def matches(self, subject: str) -> bool:
        return self.compiled.search(subject) is not None  # [json-page]: %Trail% matches "UpdateTrail"


@dataclass(frozen=True)
class _Compare:
    pos: int
    source: str  # the condition as written, for messages
    path: tuple[_Step, ...]
    op: str
    value: int | float | _Text | _Regex


@dataclass(frozen=True)
class _Is:
    path: tuple[_Step, ...]
    test: str  # "NULL", "TRUE", "FALSE" or "NOT EXISTS"


@dataclass(frozen=True)
class _Logic:
    op: str  # "&&" or "||"
    left: _Node
    right: _Node


_Node = _Compare | _Is | _Logic
_Result = bool | FilterPatternError  # the error is "undecided": raised only if the result depends on it


@dataclass(frozen=True)
class FilterPattern:
    """A parsed JSON filter pattern; ``source`` is the pattern as written."""

    source: str
    _root: _Node = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_root", _Parser(self.source).parse())

    def matches(self, event: Mapping[str, Any]) -> bool:
        """Whether the pattern matches the JSON log event; raises FilterPatternError if AWS leaves it open."""
        result = _evaluate(self._root, event)
        if isinstance(result, FilterPatternError):
            raise result
        return result


def parse(pattern: str) -> FilterPattern:
    """Parse a JSON filter pattern, raising FilterPatternError if it is malformed or unsupported."""
    return FilterPattern(pattern)


def _to_number(text: str) -> int | float:
    return int(text) if text.lstrip("+-").isdigit() else float(text)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens: list[_Token] = []
        self.index = 0
        self.wildcards = 0
        self.regexes = 0

    def error(self, message: str, pos: int) -> FilterPatternError:
        return FilterPatternError(f"{message} at position {pos} of {self.source!r}")

    def tokenize(self) -> None:
        pos = 0
        while pos < len(self.source):
            found = _TOKEN.match(self.source, pos)
            if found is None:
                char = self.source[pos]
                problem = {'"': "unterminated quoted string", "%": "unterminated regex"}.get(char)
                raise self.error(problem or f"unexpected character {char!r}", pos)
            kind = found.lastgroup or ""
            if kind != "space":
                self.tokens.append(_Token(found.group() if kind == "punct" else kind, found.group(), pos))
            pos = found.end()
        self.tokens.append(_Token("end", "", pos))

    def take(self, *expected: str, what: str = "") -> _Token:
        token = self.tokens[self.index]
        if expected and token.kind not in expected:
            wanted = what or " or ".join(repr(kind) for kind in expected)
            raise self.error(f"expected {wanted}, found {token.text or 'the end'!r}", token.pos)
        if token.kind != "end":
            self.index += 1
        return token

    def parse(self) -> _Node:
        if len(self.source) > MAX_PATTERN_LENGTH:
            raise self.error(f"a filter pattern is at most {MAX_PATTERN_LENGTH} characters", MAX_PATTERN_LENGTH)
        if not self.source.lstrip().startswith("{"):
            raise self.error("only JSON filter patterns, enclosed in '{ }', are supported", 0)
        self.tokenize()
        self.take("{")
        root = self.disjunction()
        self.take("}")
        self.take("end", what="the end of the pattern after '}'")
        return root

    def disjunction(self) -> _Node:
        node = self.conjunction()
        while self.tokens[self.index].kind == "||":
            self.take()
            node = _Logic("||", node, self.conjunction())
        return node

    def conjunction(self) -> _Node:
        node = self.operand()
        while self.tokens[self.index].kind == "&&":
            self.take()
            node = _Logic("&&", node, self.operand())
        return node

    def operand(self) -> _Node:
        token = self.take("(", "selector", what="a selector ('$.') or '('")
        if token.kind == "(":
            node = self.disjunction()
            self.take(")")
            return node
        path = self.path(token)
        wild = any(isinstance(step, _Wild) for step in path)
        op = self.take(*_COMPARE, "word", what="an operator, IS or NOT EXISTS after the selector")
        if op.kind == "word" and op.text in ("IS", "NOT"):
            test = f"{op.text} {self.take().text}"
            if test in ("IS NULL", "IS TRUE", "IS FALSE") or (test == "NOT EXISTS" and not wild):
                return _Is(path, test.removeprefix("IS "))
            hint = "undocumented on a wildcard selector" if wild else "AWS supports IS NULL/TRUE/FALSE and NOT EXISTS"
            raise self.error(f"unsupported test {test!r} ({hint})", op.pos)
        if op.kind == "word":
            raise self.error(f"expected an operator, IS or NOT EXISTS after the selector, found {op.text!r}", op.pos)
        if op.kind == "!=" and wild:
            raise self.error("'!=' on a wildcard selector is undocumented (some or every element?)", op.pos)
        value, end = self.value(op.kind), self.tokens[self.index - 1]
        return _Compare(token.pos, f"{token.text} {op.kind} {end.text}", path, op.kind, value)

    def path(self, token: _Token) -> tuple[_Step, ...]:
        if not token.text.startswith("$."):
            raise self.error("a selector is '$.' followed by a property", token.pos)
        steps: list[_Step] = []
        for step in _STEP.finditer(token.text, 1):
            if step["wild"]:
                steps.append(_Wild(step["wild"]))
                self.wildcards += 1
            elif step["index"]:
                steps.append(int(step["index"]))
            else:
                steps.append(step["name"] or step["quoted"] or "")
        if sum(isinstance(step, _Wild) for step in steps) > 1 or self.wildcards > MAX_WILDCARDS:
            raise self.error("AWS allows one wildcard per selector and three per pattern", token.pos)
        return tuple(steps)

    def value(self, op: str) -> int | float | _Text | _Regex:
        token = self.take("string", "regex", "word", what=f"a value after {op!r}")
        if token.kind == "word" and _NUMBER.fullmatch(token.text):
            return _to_number(token.text)
        if op not in ("=", "!="):
            raise self.error(f"{op!r} compares numbers only, found {token.text!r}", token.pos)
        if token.kind == "regex":
            return self.regex(token)
        if token.kind == "string":
            return _Text(re.sub(r"\\(.)", lambda m: self.unescape(m, token.pos), token.text[1:-1], flags=re.DOTALL))
        if not _BARE_STRING.fullmatch(token.text):
            raise self.error(f"{token.text!r} must be double-quoted", token.pos)
        return _Text(token.text)

    def unescape(self, escape: re.Match[str], pos: int) -> str:
        if escape[1] not in '"\\':
            raise self.error(f"unsupported escape {escape[0]!r}", pos + 1 + escape.start())
        return escape[1]

    def regex(self, token: _Token) -> _Regex:
        self.regexes += 1
        body = token.text[1:-1]
        if self.regexes > MAX_REGEXES:
            raise self.error(f"AWS allows at most {MAX_REGEXES} regexes in a pattern", token.pos)
        if not _REGEX_BODY.fullmatch(body):
            bad = next((c for c in body if not _REGEX_BODY.fullmatch(c)), "nothing")
            raise self.error(f"AWS regexes may not contain {bad!r}", token.pos)
        try:
            return _Regex(re.compile(body, re.ASCII))
        except re.error as exc:
            raise self.error(f"invalid regex ({exc})", token.pos) from exc


def _evaluate(node: _Node, event: Mapping[str, Any]) -> _Result:
    if isinstance(node, _Logic):
        both = (_evaluate(side, event) for side in (node.left, node.right))
        return _combine(both, decisive=node.op == "||")
    values = _select(event, node.path)
    if isinstance(node, _Is):
        if node.test == "NOT EXISTS":
            return not values
        wanted = {"NULL": None, "TRUE": True, "FALSE": False}[node.test]
        return any(value is wanted for value in values)
    return _combine((_compare(node, value) for value in values), decisive=True)


def _select(event: Mapping[str, Any], path: tuple[_Step, ...]) -> list[Any]:
    """The values the path reaches; none when the field is missing."""
    current: list[Any] = [event]
    for step in path:
        reached: list[Any] = []
        for node in current:
            if isinstance(node, Mapping) and step is _Wild.FIELD:
                reached.extend(node.values())
            elif isinstance(node, Mapping) and isinstance(step, str) and step in node:
                reached.append(node[step])
            elif isinstance(node, list | tuple) and step is _Wild.ELEMENT:
                reached.extend(node)
            elif isinstance(node, list | tuple) and isinstance(step, int) and step < len(node):
                reached.append(node[step])
        current = reached
    return current


def _compare(node: _Compare, value: Any) -> _Result:
    if isinstance(value, Mapping | list | tuple):
        return False  # [2020-page]: both {$.users = 1} and {$.users != 1} fail when users is an array
    literal, equal = node.value, node.op == "="
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    text = value if isinstance(value, str) else json.dumps(value)
    if isinstance(literal, int | float):
        if is_number:
            return bool(_COMPARE[node.op](value, literal))
        # Undocumented. Read as text, the value compares as a number if it looks like one, and differs otherwise.
        as_text = _COMPARE[node.op](_to_number(text), literal) if _NUMBER.fullmatch(text) else node.op == "!="
    elif isinstance(value, str) or (is_number and isinstance(literal, _Text) and literal.has_wildcard()):
        return literal.matches(text) == equal
    else:  # Undocumented: a string or regex against a number, null or boolean. Read as text, it may match.
        as_text = literal.matches(text) == equal
    if not as_text:
        return False  # no match whether the value is read strictly by type or as its JSON text
    kind = {type(None): "null", bool: "boolean", str: "string"}.get(type(value), "number")
    return FilterPatternError(
        f"AWS does not document whether {node.source!r} (at position {node.pos}) matches the JSON {kind} "
        f"{json.dumps(value)}: "
        "it would as text but not by type; compare values of the same type, or use IS TRUE, IS FALSE, IS NULL"
    )


def _combine(results: Iterable[_Result], *, decisive: bool) -> _Result:
    """OR (decisive=True) or AND (decisive=False); an undecided part counts only if no part decides."""
    undecided: FilterPatternError | None = None
    for result in results:
        if result is decisive:
            return decisive
        if isinstance(result, FilterPatternError):
            undecided = undecided or result
    return not decisive if undecided is None else undecided
