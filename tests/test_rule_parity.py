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
from pydantic import BaseModel, ValidationError

from app.config import BaselineConfig, cross_field_validations, module_inputs
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
    "create",
    "existing",
    "organization",
    "management-account",
    "aws-controltower/CloudTrailLogs",
    "/aws/cloudtrail/o#1.x",
    "log group",
    "a" * 512,
    "a" * 513,
    "arn:aws:cloudtrail:us-east-1:111122223333:trail/org",
    "arn:aws:cloudtrail:us-east-1:111122223333:trail/or",
    "arn:aws:cloudtrail:us-east-1:11112222333:trail/org",
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


#: Top-level settings around the trail's mode: every pair of a mode with each setting of the
#: baseline's own trail at its default and changed.
CROSS_SAMPLES: list[dict[str, Any]] = [
    {"trail": trail, **settings}
    for trail in (
        {"mode": "create"},
        {"mode": "existing", "log_group_name": "aws-controltower/CloudTrailLogs"},
    )
    for settings in (
        {},
        {"log_retention_days": 400},
        {"log_bucket": {"expiration_days": 3000}},
        {"log_bucket": {"access_logging": False}},
        {"log_bucket": {"object_lock_mode": "GOVERNANCE"}},
        {"log_retention_days": 365, "log_bucket": {"transition_to_glacier_days": 90}},
    )
]


def _as_variables(sample: dict[str, Any]) -> dict[str, Any]:
    """The module's variables for a config sample: each input as the config has it, defaults filled in."""
    config = BaselineConfig.model_construct().model_dump(mode="json")
    for name, value in sample.items():
        config[name] = {**config[name], **value} if isinstance(value, dict) else value
    return config


def _python_answer(sample: dict[str, Any], field: str) -> bool:
    try:
        BaselineConfig.model_validate(sample)
    except ValidationError as error:
        return not any(item["loc"] == (field,) for item in error.errors())
    return True


def test_python_and_terraform_agree_on_the_checks_across_fields(tmp_path: Any) -> None:
    cases = [
        (field, condition, sample)
        for field, checks in cross_field_validations().items()
        for condition, _message in checks
        for sample in CROSS_SAMPLES
    ]
    expressions = []
    for _field, condition, sample in cases:
        variables, literal = _as_variables(sample), condition
        for name in sorted(variables, key=len, reverse=True):
            literal = literal.replace(f"var.{name}", f"({_hcl(variables[name])})")
        expressions.append(f'try({literal}, "error")')
    answers = terraform_console(expressions, tmp_path)
    disagreements = [
        f"{field} on {sample}: Python {_python_answer(sample, field)}, Terraform {answer}"
        for (field, _condition, sample), answer in zip(cases, answers, strict=True)
        if answer != _python_answer(sample, field)
    ]
    assert not disagreements, "\n".join(disagreements)
    assert set(answers) == {True, False}
