"""Each config rule says the same thing in Python and in Terraform, proven by Terraform itself.

Every rule a module input carries (``app/rules.py``) is a Python test and an HCL condition
that the module's ``validation`` blocks use. Here the HCL conditions go through ``terraform
console`` (offline, no provider) for a pool of sample values of the field's kind, and each
answer must equal the Python test's. A regex class, an operator or a bound that differs
between the two languages fails here (Python's ``\\s`` matching a non-breaking space, which
Terraform's RE2 does not, did).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from app.config import module_inputs
from app.rules import Rule, field_rules
from tests.terraform import terraform_console

NUMBERS: list[Any] = [
    -1,
    0,
    0.5,
    1,
    1.5,
    59,
    60,
    61,
    100,
    101,
    300,
    364,
    365,
    366,
    400,
    3600,
    3601,
    36500,
    36501,
    86400,
    604800,
    604860,
    1_000_000_000,
    1_000_000_001,
]
STRINGS: list[Any] = [
    "",
    "a",
    "ab",
    "acme",
    "acme-",
    "-acme",
    "xn--acme",
    "sthree-x",
    "amzn-s3-demo-x",
    "Bad_Prefix",
    "a" * 24,
    "a" * 25,
    "a1",
    "off",
    "exact",
    "management-only",
    "on",
    "GOVERNANCE",
    "COMPLIANCE",
    "governance",
]
LISTS: list[Any] = [
    [],
    ["a@example.com"],
    ["a@example.com", "a@example.com"],
    ["a b@example.com"],
    ["a\u00a0b@example.com"],
    ["a\tb@example.com"],
    ["not-an-email"],
    ["a@b.c"],
    ["a@example.com", "b@example.org"],
    ["access-denied"],
    ["nope"],
    ["root-sign-in", "cis-root-usage"],
]
TABLES: list[Any] = [{}, {"access-denied": {}}, {"nope": {}}, {"root-sign-in": {}}, {"cis-root-usage": {}, "x": {}}]


def _samples(annotation: Any) -> list[Any]:
    """Sample values of the kind Terraform's variable type lets through for ``annotation``."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType) and NoneType in args:
        (inner,) = (arg for arg in args if arg is not NoneType)
        return [None, *_samples(inner)]
    if annotation in (int, float):
        return NUMBERS
    if annotation is str or origin is Literal:
        return STRINGS
    if origin is tuple:
        return LISTS
    if origin is dict:
        return TABLES
    raise TypeError(f"no samples for {annotation!r}")


def _rules(path: str, annotation: Any, metadata: list[Any]) -> Iterator[tuple[str, Rule, Any]]:
    """``(path, rule, annotation)`` of every HCL-bearing rule on a field and on its model's fields."""
    for rule in field_rules(metadata):
        if rule.condition is not None:
            yield path, rule, annotation
    model = get_args(annotation)[1] if get_origin(annotation) is dict else annotation
    if isinstance(model, type) and issubclass(model, BaseModel):
        for name, info in model.model_fields.items():
            yield from _rules(f"{path}.{name}", info.annotation, list(info.metadata))


CASES = [
    (path, rule, sample)
    for name, (field, _marker) in module_inputs().items()
    for path, rule, annotation in _rules(name, field.annotation, list(field.metadata))
    for sample in _samples(annotation)
]


def _hcl(value: Any) -> str:
    return "null" if value is None else json.dumps(value)


@pytest.fixture(scope="module")
def terraform_answers(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """Terraform's answer for every case, from one ``terraform console`` call."""
    expressions = [f'try({rule.hcl_condition(_hcl(sample))}, "error")' for _, rule, sample in CASES]
    return terraform_console(expressions, tmp_path_factory.mktemp("console"))


def test_every_rule_of_every_module_input_is_sampled() -> None:
    paths = {path for path, _, _ in CASES}
    assert {"name_prefix", "alert_emails", "detections.overrides.period", "log_bucket.object_lock_days"} <= paths
    assert len(CASES) > 300


def test_python_and_terraform_agree_on_every_sample(terraform_answers: list[Any]) -> None:
    assert len(terraform_answers) == len(CASES)
    disagreements = [
        f"{path} {rule.message!r} on {sample!r}: Python {rule.passes(sample)}, Terraform {answer}"
        for (path, rule, sample), answer in zip(CASES, terraform_answers, strict=True)
        if answer != rule.passes(sample)
    ]
    assert not disagreements, "\n".join(disagreements)


def test_the_samples_reach_both_answers(terraform_answers: list[Any]) -> None:
    # A pool that every rule passes (or fails) proves nothing about the boundary.
    for path in {path for path, _, _ in CASES}:
        answers = {answer for (p, _, _), answer in zip(CASES, terraform_answers, strict=True) if p == path}
        assert answers == {True, False}, path
