"""Concrete policy documents from synthesized Terraform JSON, for one account.

The stacks and the module hold their policies as ``aws_iam_policy_document`` data sources
whose values are Terraform expressions: the account id the provider looks up, the topic's
ARN once it exists, ``var.name_prefix`` in the module. To evaluate a policy against a
request, this module renders those documents as AWS would receive them, for a given
:class:`Environment`, and attaches each to the resource that carries it (bucket, topic,
key, role trust, role permissions).

It evaluates only the small expression language the stacks use: references to lookups,
resources, variables and locals, ``one(x[*].attr)``, ``contains``, ``!``, ``&&``, ``||``,
``==``, ``!=``, ``cond ? a : b`` and ``{ for k, v in x : k => v if cond }``; a resource with
``for_each`` is one instance per key, its ``each.key`` and ``each.value`` bound. Anything
else raises :class:`UnsupportedExpressionError`, so a new construct cannot be skipped
silently. ``tests/e2e`` checks the rendering against the
policies the real provider wrote to the local AWS.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Json = dict[str, Any]
PolicyKind = Literal["bucket", "topic", "queue", "key", "trust", "role"]


class UnsupportedExpressionError(ValueError):
    """A Terraform expression outside the subset this resolver evaluates."""


@dataclass(frozen=True)
class Environment:
    """The account the policies are rendered for (what the provider's lookups would return)."""

    account_id: str = "111122223333"
    organization_id: str = "o-a1b2c3d4e5"
    partition: str = "aws"
    region: str = "us-east-1"
    #: The id KMS gives the key when it is created (unknown before): a fixed stand-in.
    key_id: str = "1234abcd-12ab-34cd-56ef-1234567890ab"

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return (
            f"arn:{self.partition}:{service}:{self.region if region else ''}:"
            f"{self.account_id if account else ''}:{resource}"
        )


@dataclass(frozen=True)
class AttachedPolicy:
    """One policy document and what it is attached to."""

    #: bucket, topic, queue or key policy, role trust policy, or role permissions (identity).
    kind: PolicyKind
    #: The ARN of the bucket, topic, queue, key or role.
    resource_arn: str
    #: The Terraform address of the resource that sets the policy.
    address: str
    document: Json

    @property
    def is_resource_policy(self) -> bool:
        """Has ``Principal`` elements (everything but a role's permissions)."""
        return self.kind != "role"


# --- expressions ------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<number>\d+(?:\.\d+)?)
      | (?P<op>&&|\|\||==|!=|=>|\[\*\]|[!?:(),.\[\]{}])
      | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            if text[position:].strip() == "":
                break
            raise UnsupportedExpressionError(f"cannot read {text[position:]!r} in {text!r}")
        tokens.append(next(value for value in match.groupdict().values() if value is not None))
        position = match.end()
    return tokens


class _Lazy:
    """A JSON object of the configuration (a local) whose leaves are evaluated when read: a
    ``for`` expression reads only the attributes its condition needs."""

    def __init__(self, node: Json, resolver: TerraformJson) -> None:
        self.node, self.resolver = node, resolver

    def get(self, name: str) -> Any:
        if name not in self.node:
            raise UnsupportedExpressionError(f"no attribute {name!r} in {sorted(self.node)}")
        child = self.node[name]
        return _Lazy(child, self.resolver) if isinstance(child, dict) else self.resolver.value(child)

    def items(self) -> list[tuple[str, Any]]:
        return [(name, self.get(name)) for name in self.node]


def _member(value: Any, name: str) -> Any:
    if isinstance(value, _Lazy):
        return value.get(name)
    if isinstance(value, dict) and name in value:
        return value[name]
    raise UnsupportedExpressionError(f"no attribute {name!r} in {value!r}")


class _Parser:
    """Recursive descent over the subset: conditional > or > and > equality > unary > postfix.

    ``scope`` binds names to values: ``each`` in a ``for_each`` instance, a ``for`` expression's
    key and value names inside it.
    """

    def __init__(self, text: str, resolver: TerraformJson, scope: Mapping[str, Any] | None = None) -> None:
        self.text, self.tokens, self.at, self.resolver = text, _tokens(text), 0, resolver
        self.scope: dict[str, Any] = dict(scope or {})

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise UnsupportedExpressionError(f"expected {expected or 'more'} in {self.text!r}")
        self.at += 1
        return token

    def parse(self) -> Any:
        value = self.conditional()
        if self.peek() is not None:
            raise UnsupportedExpressionError(f"unexpected {self.peek()!r} in {self.text!r}")
        return value

    def conditional(self) -> Any:
        condition = self.disjunction()
        if self.peek() != "?":
            return condition
        self.take("?")
        when_true = self.conditional()
        self.take(":")
        when_false = self.conditional()
        return when_true if _truth(condition) else when_false

    def disjunction(self) -> Any:
        value = self.conjunction()
        while self.peek() == "||":
            self.take()
            right = self.conjunction()
            value = _truth(value) or _truth(right)
        return value

    def conjunction(self) -> Any:
        value = self.equality()
        while self.peek() == "&&":
            self.take()
            right = self.equality()
            value = _truth(value) and _truth(right)
        return value

    def equality(self) -> Any:
        value = self.unary()
        while self.peek() in ("==", "!="):
            operator = self.take()
            right = self.unary()
            value = (value == right) if operator == "==" else (value != right)
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not _truth(self.unary())
        if self.peek() == "{":
            self.take()
            return self.for_object()
        if self.peek() == "[":
            self.take()
            return self.list_()
        return self.primary()

    def primary(self) -> Any:
        token = self.take()
        if token == "(":
            value = self.conditional()
            self.take(")")
            return value
        if token.startswith('"'):
            literal: str = json.loads(token)
            # A string literal inside an expression is a template of its own.
            return self.resolver.value(literal, self.scope) if "${" in literal else literal
        if token[0].isdigit():
            return float(token) if "." in token else int(token)
        if token in _KEYWORDS:
            return _KEYWORDS[token]
        if self.peek() == "(":
            return self.call(token)
        return self.reference(token)

    def call(self, function: str) -> Any:
        self.take("(")
        if function == "one":
            values = self.splat()
            self.take(")")
            if len(values) > 1:
                raise UnsupportedExpressionError(f"one() of {len(values)} values in {self.text!r}")
            return values[0] if values else None
        if function == "contains":
            collection = self.conditional()
            self.take(",")
            item = self.conditional()
            self.take(")")
            return item in collection
        if function in _STRING_FUNCTIONS:
            arguments = [self.conditional()]
            while self.peek() == ",":
                self.take(",")
                arguments.append(self.conditional())
            self.take(")")
            return _STRING_FUNCTIONS[function](*arguments)
        raise UnsupportedExpressionError(f"function {function}() in {self.text!r}")

    def for_object(self) -> dict[str, Any]:
        """``{ for k, v in collection : key => value if condition }`` (the ``{`` taken)."""
        self.take("for")
        key_name = self.take()
        self.take(",")
        value_name = self.take()
        self.take("in")
        collection = self.conditional()
        self.take(":")
        start, end = self.at, self._closing_brace(self.at)
        items = collection.items() if isinstance(collection, _Lazy | dict) else None
        if items is None:
            raise UnsupportedExpressionError(f"for over {collection!r} in {self.text!r}")
        result: dict[str, Any] = {}
        outer = self.scope
        for key, value in items:
            self.scope, self.at = {**outer, key_name: key, value_name: value}, start
            result_key = self.conditional()
            self.take("=>")
            result_value = self.conditional()
            keep = True
            if self.peek() == "if":
                self.take("if")
                keep = _truth(self.conditional())
            if self.at != end:
                raise UnsupportedExpressionError(f"unexpected {self.peek()!r} in {self.text!r}")
            if keep:
                result[result_key] = result_value
        self.scope, self.at = outer, end
        self.take("}")
        return result

    def list_(self) -> list[Any]:
        """``[a, b]`` or ``[for x in collection : value if condition]`` (the ``[`` taken)."""
        if self.peek() == "for":
            return self.for_list()
        items = []
        while self.peek() != "]":
            items.append(self.conditional())
            if self.peek() != "]":
                self.take(",")
        self.take("]")
        return items

    def for_list(self) -> list[Any]:
        """``[for x in collection : value if condition]`` over a list (the ``[`` taken)."""
        self.take("for")
        name = self.take()
        self.take("in")
        collection = self.conditional()
        self.take(":")
        if not isinstance(collection, list):
            raise UnsupportedExpressionError(f"for over {collection!r} in {self.text!r}")
        start, outer, result = self.at, self.scope, []
        end = start
        for item in collection:
            self.scope, self.at = {**outer, name: item}, start
            value = self.conditional()
            keep = True
            if self.peek() == "if":
                self.take("if")
                keep = _truth(self.conditional())
            end = self.at
            if keep:
                result.append(value)
        if not collection:  # nothing read the body: skip it, brackets nested or not
            end = self._closing(start, "[", "]")
        self.scope, self.at = outer, end
        self.take("]")
        return result

    def _closing(self, start: int, opening: str, closing: str) -> int:
        depth = 0
        for index in range(start, len(self.tokens)):
            token = self.tokens[index]
            if token == opening:
                depth += 1
            elif token == closing:
                if depth == 0:
                    return index
                depth -= 1
        raise UnsupportedExpressionError(f"unclosed {opening} in {self.text!r}")

    def _closing_brace(self, start: int) -> int:
        depth = 0
        for index in range(start, len(self.tokens)):
            token = self.tokens[index]
            if token == "{":
                depth += 1
            elif token == "}":
                if depth == 0:
                    return index
                depth -= 1
        raise UnsupportedExpressionError(f"unclosed {{ in {self.text!r}")

    def splat(self) -> list[Any]:
        """``type.name[*].attr`` (or ``data.type.name[*].attr``): the values of each instance."""
        parts = [self.take()]
        while self.peek() == ".":
            self.take(".")
            parts.append(self.take())
        self.take("[*]")
        self.take(".")
        attribute = self.take()
        return self.resolver.splat(parts, attribute)

    def reference(self, first: str) -> Any:
        parts = [first]
        while self.peek() == ".":
            self.take(".")
            parts.append(self.take())
        if first in self.scope:
            value = self.scope[first]
            for part in parts[1:]:
                value = _member(value, part)
            return value
        return self.resolver.reference(parts)


def _replace(text: str, old: str, new: str) -> str:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        raise UnsupportedExpressionError(f"replace() with a regular expression {old!r}")
    return text.replace(old, new)


def _format(spec: str, *values: Any) -> str:
    verbs = re.findall(r"%[^%]*?[a-zA-Z%]", spec)
    if any(not re.fullmatch(r"%(\.\d+f|s|d|%)", verb) for verb in verbs):
        raise UnsupportedExpressionError(f"format({spec!r}): only %.Nf, %s, %d are read")
    return spec % values


#: HCL's literal keywords.
_KEYWORDS: dict[str, Any] = {"true": True, "false": False, "null": None}

#: Terraform's string functions the alert messages and the module's patterns use. ``urlencode`` is Go's
#: ``url.QueryEscape``: letters, digits and ``-_.~`` stay, a space is ``+``, the rest ``%XX``
#: of its UTF-8 bytes; Python's ``quote_plus`` with nothing safe does the same
#: (tests/test_alarm_messages.py compares the two on every pattern).
_STRING_FUNCTIONS: dict[str, Any] = {
    "urlencode": lambda text: urllib.parse.quote_plus(text, safe=""),
    "replace": _replace,
    "join": lambda separator, items: separator.join(items),
    "format": _format,
    # Not a string function, but as plain: the first argument that is not null (the module's optional inputs).
    "coalesce": lambda *values: next(value for value in values if value is not None),
}


def _truth(value: Any) -> bool:
    if not isinstance(value, bool):
        raise UnsupportedExpressionError(f"{value!r} is not a bool")
    return value


def _split_template(text: str) -> Iterator[tuple[bool, str]]:
    """``(is_expression, part)`` for each literal run and each ``${...}`` of ``text``."""
    position = 0
    while (start := text.find("${", position)) != -1:
        depth, end = 0, start + 2
        while end < len(text):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth < 0:
                break
            end += 1
        else:
            raise UnsupportedExpressionError(f"unclosed ${{ in {text!r}")
        if start > position:
            yield False, text[position:start]
        yield True, text[start + 2 : end]
        position = end + 1
    if position < len(text):
        yield False, text[position:]


# --- the document -----------------------------------------------------------------------

#: What :meth:`TerraformJson.render_policy_document` renders (meta-arguments and statements).
_DOCUMENT_ARGUMENTS = {"statement", "count", "depends_on", "lifecycle", "provider", "//"}
_STATEMENT_ARGUMENTS = {
    "sid",
    "effect",
    "actions",
    "not_actions",
    "resources",
    "not_resources",
    "principals",
    "condition",
}


class TerraformJson:
    """One synthesized stack or module, its expressions evaluated for ``environment``.

    ``variables`` are the module's inputs; missing ones take the variable's default, and an
    object input is merged into the object default (Terraform's ``optional()`` defaults).
    """

    def __init__(self, doc: Json, environment: Environment, variables: Mapping[str, Any] | None = None) -> None:
        self.doc, self.env = doc, environment
        self.variables: dict[str, Any] = {}
        for name, block in doc.get("variable", {}).items():
            default = block.get("default")
            given = (variables or {}).get(name, default)
            if isinstance(default, dict) and isinstance(given, dict):
                given = {**default, **given}
            self.variables[name] = given
        unknown = set(variables or {}) - set(self.variables)
        if unknown:
            raise UnsupportedExpressionError(f"no such variables: {sorted(unknown)}")

    # expressions

    def value(self, text: Any, scope: Mapping[str, Any] | None = None) -> Any:
        """``text`` with every ``${...}`` evaluated; a lone ``${...}`` keeps its type; lists and maps
        recursively. ``scope`` binds names (``each`` in a ``for_each`` instance)."""
        if isinstance(text, list):
            return [self.value(item, scope) for item in text]
        if isinstance(text, dict):
            return {key: self.value(item, scope) for key, item in text.items()}
        if not isinstance(text, str) or "${" not in text:
            return text
        parts = list(_split_template(text))
        if len(parts) == 1 and parts[0][0]:
            return _Parser(parts[0][1], self, scope).parse()
        rendered = []
        for is_expression, part in parts:
            value = _Parser(part, self, scope).parse() if is_expression else part
            if value is None:
                raise UnsupportedExpressionError(f"null inside a string template: {text!r}")
            rendered.append(str(value))
        return "".join(rendered)

    def block(self, kind: str, resource_type: str, name: str) -> Json:
        section = self.doc.get("data" if kind == "data" else "resource", {})
        try:
            block: Json = section[resource_type][name]
        except KeyError:
            raise UnsupportedExpressionError(f"no {kind} {resource_type}.{name}") from None
        return block

    def exists(self, kind: str, resource_type: str, name: str) -> bool:
        """The block's ``count`` (if any) is not 0."""
        count = self.block(kind, resource_type, name).get("count")
        return count is None or self.value(count) != 0

    def reference(self, parts: list[str]) -> Any:
        if parts[0] == "var":
            value: Any = self.variables
            for part in parts[1:]:
                value = value[part]
            return value
        if parts[0] == "local":
            locals_ = self.doc.get("locals", {})
            if len(parts) < 2 or parts[1] not in locals_:
                raise UnsupportedExpressionError(f"no {'.'.join(parts[:2])}")
            node = locals_[parts[1]]
            value = _Lazy(node, self) if isinstance(node, dict) else self.value(node)
            for part in parts[2:]:
                value = _member(value, part)
            return value
        kind, rest = ("data", parts[1:]) if parts[0] == "data" else ("resource", parts)
        if len(rest) != 3:
            raise UnsupportedExpressionError(f"reference {'.'.join(parts)}")
        resource_type, name, attribute = rest
        block = self.block(kind, resource_type, name)
        if block.get("count") is not None:
            raise UnsupportedExpressionError(f"{'.'.join(parts)} is counted: read it with one(...[*].{attribute})")
        if block.get("for_each") is not None:
            raise UnsupportedExpressionError(f"{'.'.join(parts)} has for_each: read one instance")
        return self.attribute(kind, resource_type, name, attribute)

    def splat(self, parts: list[str], attribute: str) -> list[Any]:
        kind, rest = ("data", parts[1:]) if parts[0] == "data" else ("resource", parts)
        resource_type, name = rest
        if not self.exists(kind, resource_type, name):
            return []
        return [self.attribute(kind, resource_type, name, attribute)]

    def attribute(
        self, kind: str, resource_type: str, name: str, attribute: str, scope: Mapping[str, Any] | None = None
    ) -> Any:
        """An attribute as AWS would report it: a lookup's answer, an argument, or a derived ARN/id.

        ``scope``: ``each`` of one instance of a ``for_each`` resource.
        """
        block = self.block(kind, resource_type, name)
        env = self.env
        if kind == "data":
            lookups: dict[tuple[str, str], Any] = {
                ("aws_caller_identity", "account_id"): env.account_id,
                ("aws_organizations_organization", "id"): env.organization_id,
                ("aws_partition", "partition"): env.partition,
                ("aws_region", "name"): env.region,
            }
            if (resource_type, attribute) in lookups:
                return lookups[(resource_type, attribute)]
            if (resource_type, attribute) == ("aws_iam_policy_document", "json"):
                return json.dumps(self.render_policy_document(block))
            if (resource_type, attribute) == ("aws_iam_openid_connect_provider", "arn"):
                return self._oidc_provider_arn(self.value(block["url"]))
            raise UnsupportedExpressionError(f"data.{resource_type}.{name}.{attribute}")
        derived = self._derived(resource_type, block, scope)
        if attribute in derived:
            return derived[attribute]
        if attribute in block:
            return self.value(block[attribute], scope)
        raise UnsupportedExpressionError(f"{resource_type}.{name}.{attribute}")

    def _oidc_provider_arn(self, url: str) -> str:
        """IAM names an OIDC provider by its URL without the scheme."""
        return self.env.arn("iam", f"oidc-provider/{url.removeprefix('https://')}", region=False)

    def _derived(self, resource_type: str, block: Json, scope: Mapping[str, Any] | None) -> dict[str, Any]:
        """The computed attributes of the resource types policies refer to (their ARN formats)."""
        env = self.env

        def named(argument: str) -> str:
            name: str = self.value(block[argument], scope)
            return name

        derive: dict[str, Any] = {
            "aws_s3_bucket": lambda: {
                "id": named("bucket"),
                "arn": env.arn("s3", named("bucket"), region=False, account=False),
            },
            "aws_sns_topic": lambda: dict.fromkeys(("arn", "id"), env.arn("sns", named("name"))),
            "aws_sqs_queue": lambda: {
                "arn": env.arn("sqs", named("name")),
                **dict.fromkeys(
                    ("url", "id"), f"https://sqs.{env.region}.amazonaws.com/{env.account_id}/{named('name')}"
                ),
            },
            "aws_cloudwatch_log_group": lambda: {"arn": env.arn("logs", f"log-group:{named('name')}")},
            "aws_kms_key": lambda: {
                "arn": env.arn("kms", f"key/{env.key_id}"),
                **dict.fromkeys(("key_id", "id"), env.key_id),
            },
            "aws_iam_role": lambda: {"arn": env.arn("iam", f"role/{named('name')}", region=False), "id": named("name")},
            "aws_iam_openid_connect_provider": lambda: {"arn": self._oidc_provider_arn(named("url"))},
            "aws_cloudtrail": lambda: {"arn": env.arn("cloudtrail", f"trail/{named('name')}")},
            "aws_cloudwatch_event_rule": lambda: {"arn": env.arn("events", f"rule/{named('name')}")},
            "aws_cloudwatch_metric_alarm": lambda: {"arn": env.arn("cloudwatch", f"alarm:{named('alarm_name')}")},
        }
        found: dict[str, Any] = derive[resource_type]() if resource_type in derive else {}
        return found

    # policies

    def render_policy_document(self, block: Json) -> Json:
        """An ``aws_iam_policy_document`` as the policy JSON the provider renders from it.

        An argument it does not render (``source_policy_documents``, ``not_principals``, ...)
        raises rather than being left out of the document the proof evaluates.
        """
        unknown = set(block) - _DOCUMENT_ARGUMENTS
        unknown |= {key for statement in block.get("statement", []) for key in statement} - _STATEMENT_ARGUMENTS
        if unknown:
            raise UnsupportedExpressionError(f"aws_iam_policy_document arguments not rendered: {sorted(unknown)}")
        rendered = []
        for statement in block.get("statement", []):
            out: Json = {}
            if "sid" in statement:
                out["Sid"] = self.value(statement["sid"])
            out["Effect"] = statement.get("effect", "Allow")
            for key, element in (
                ("actions", "Action"),
                ("not_actions", "NotAction"),
                ("resources", "Resource"),
                ("not_resources", "NotResource"),
            ):
                if key in statement:
                    out[element] = self.value(statement[key])
            principals: dict[str, list[str]] = {}
            for principal in statement.get("principals", []):
                principals.setdefault(principal["type"], []).extend(self.value(principal["identifiers"]))
            if principals:
                out["Principal"] = "*" if principals == {"*": ["*"]} else principals
            conditions: dict[str, dict[str, list[str]]] = {}
            for condition in statement.get("condition", []):
                values = self.value(condition["values"])
                conditions.setdefault(condition["test"], {}).setdefault(condition["variable"], []).extend(values)
            if conditions:
                out["Condition"] = conditions
            rendered.append(out)
        return {"Version": "2012-10-17", "Statement": rendered}

    def _policy(self, block: Json, argument: str) -> Json:
        text = self.value(block[argument])
        document: Json = json.loads(text)
        return document

    def _resources(self, resource_type: str) -> Iterator[tuple[str, Json]]:
        for name, block in self.doc.get("resource", {}).get(resource_type, {}).items():
            if "for_each" in block:
                raise UnsupportedExpressionError(f"{resource_type}.{name} has for_each: read its instances")
            if self.exists("resource", resource_type, name):
                yield name, block

    def instances(self, resource_type: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """``(name, scope)`` of each instance of ``resource_type`` that exists; ``scope`` binds
        ``each`` for an instance of a ``for_each`` resource."""
        for name, block in self.doc.get("resource", {}).get(resource_type, {}).items():
            if "for_each" not in block:
                if self.exists("resource", resource_type, name):
                    yield name, {}
                continue
            each = self.value(block["for_each"])
            if not isinstance(each, dict):
                raise UnsupportedExpressionError(f"{resource_type}.{name}: for_each over {each!r}")
            for key, value in each.items():
                yield name, {"each": {"key": key, "value": value}}

    def arguments(self, resource_type: str, name: str, *names: str) -> dict[str, dict[str, Any]]:
        """``names`` of each instance of one resource that exists, resolved, by ``for_each`` key
        (``""`` for a resource without ``for_each``); the arguments the block lacks are left out."""
        block = self.doc.get("resource", {}).get(resource_type, {}).get(name)
        if block is None:
            return {}
        found = {}
        for instance, scope in self.instances(resource_type):
            if instance == name:
                key = scope["each"]["key"] if scope else ""
                found[key] = {argument: self.value(block[argument], scope) for argument in names if argument in block}
        return found

    def attached_policies(self) -> list[AttachedPolicy]:
        """Every policy the stack attaches to a bucket, topic, key or role, rendered."""
        env, found = self.env, []
        for name, block in self._resources("aws_s3_bucket_policy"):
            bucket = self.value(block["bucket"])
            arn = env.arn("s3", bucket, region=False, account=False)
            found.append(AttachedPolicy("bucket", arn, f"aws_s3_bucket_policy.{name}", self._policy(block, "policy")))
        for name, block in self._resources("aws_sns_topic_policy"):
            found.append(
                AttachedPolicy(
                    "topic", self.value(block["arn"]), f"aws_sns_topic_policy.{name}", self._policy(block, "policy")
                )
            )
        for name, block in self._resources("aws_sqs_queue_policy"):
            queue = str(self.value(block["queue_url"])).rsplit("/", 1)[1]
            found.append(
                AttachedPolicy(
                    "queue", env.arn("sqs", queue), f"aws_sqs_queue_policy.{name}", self._policy(block, "policy")
                )
            )
        for name, block in self._resources("aws_kms_key"):
            arn = self.attribute("resource", "aws_kms_key", name, "arn")
            found.append(AttachedPolicy("key", arn, f"aws_kms_key.{name}", self._policy(block, "policy")))
        for name, block in self._resources("aws_iam_role"):
            arn = self.attribute("resource", "aws_iam_role", name, "arn")
            found.append(
                AttachedPolicy("trust", arn, f"aws_iam_role.{name}", self._policy(block, "assume_role_policy"))
            )
        for name, block in self._resources("aws_iam_role_policy"):
            role = self.value(block["role"])
            arn = env.arn("iam", f"role/{role}", region=False)
            found.append(AttachedPolicy("role", arn, f"aws_iam_role_policy.{name}", self._policy(block, "policy")))
        return found

    def resource_values(self, resource_type: str, attribute: str) -> list[Any]:
        """``attribute`` of every instance of ``resource_type`` that exists."""
        return [
            self.attribute("resource", resource_type, name, attribute, scope)
            for name, scope in self.instances(resource_type)
        ]
