"""A config rule, written once: its Python check and its HCL condition come from one definition."""

from __future__ import annotations

import pytest

from app.config import (
    AlarmOverride,
    BaselineConfig,
    DetectionsConfig,
    LogBucketConfig,
    cross_field_validations,
    module_inputs,
)
from app.rules import Rule, each, hcl, hcl_validations, optional, shown

DIGITS = Rule("must be digits", lambda v: isinstance(v, str) and v.isdigit(), 'can(regex("^[0-9]{{1,}}$", {v}))')


def test_a_rule_checks_in_python_and_renders_the_same_check_in_hcl() -> None:
    DIGITS.check("123")
    with pytest.raises(ValueError, match=r"^must be digits \(got 'abc'\)$"):
        DIGITS.check("abc")
    assert DIGITS.hcl_condition("var.code") == 'can(regex("^[0-9]{1,}$", var.code))'


def test_each_names_the_first_element_that_fails_and_loops_in_hcl() -> None:
    rule = each(DIGITS, "must hold only digits")
    rule.check(["1", "22"])
    with pytest.raises(ValueError, match=r"^must hold only digits \(got 'x'\)$"):
        rule.check(["1", "x", "y"])
    assert rule.hcl_condition("var.codes") == 'alltrue([for x in var.codes : can(regex("^[0-9]{1,}$", x))])'


def test_an_unset_optional_value_is_its_default_in_both_languages() -> None:
    rule = optional(Rule("must be at least 1", lambda v: v >= 1, "{v} >= 1"), 5)
    rule.check(None)
    with pytest.raises(ValueError, match="must be at least 1"):
        rule.check(0)
    # Terraform's || evaluates both sides: null must never reach the comparison.
    assert rule.hcl_condition("o.count") == "(o.count == null ? 5 : o.count) >= 1"


def test_hcl_literals_survive_the_template() -> None:
    assert Rule("", bool, f"contains({hcl(['{a}'])}, {{v}})").hcl_condition("x") == 'contains(["{a}"], x)'


def test_an_echoed_value_is_cut() -> None:
    assert shown("a" * 1000) == "'" + "a" * 58 + f"... ({1002} characters)"


def test_the_module_gets_every_rule_of_a_nested_model_with_its_path() -> None:
    field = BaselineConfig.model_fields["log_bucket"]
    messages = [m for _, m in hcl_validations("log_bucket", field.annotation, list(field.metadata), "var.log_bucket")]
    assert "log_bucket.expiration_days must be at least 365 days (CIS)." in messages
    assert "log_bucket: transition_to_glacier_days must be less than expiration_days." in messages
    assert len(messages) == len(LogBucketConfig.RULES) + 7  # 4 x days, 2 x a year, 1 x lock mode


def test_a_table_of_models_is_checked_value_by_value() -> None:
    field = BaselineConfig.model_fields["detections"]
    found = {m: c for c, m in hcl_validations("detections", field.annotation, list(field.metadata), "var.d")}
    condition = found["detections.overrides: threshold must be a finite number of at least 0."]
    assert condition == "alltrue([for o in values(var.d.overrides) : (o.threshold == null ? 0 : o.threshold) >= 0])"


def test_a_value_of_the_wrong_kind_fails_a_rule_instead_of_raising() -> None:
    with pytest.raises(ValueError, match="must be digits"):
        DIGITS.check(["not", "a", "string"])
    threshold_rule = each(Rule("finite", lambda v: float(v) < float("inf")), "must be finite")
    with pytest.raises(ValueError, match=r"must be finite \(got 10000"):
        threshold_rule.check([1, 10**400])  # float() overflows: a failed rule, not a traceback


def test_module_inputs_are_checked_only_by_rules_so_the_module_gets_every_check() -> None:
    # A plain field_validator or model_validator on a module input would be a check the
    # module's validation blocks silently lack: only the checks across fields have one, each
    # with its HCL twin (cross_field_validations, proven equal in tests/test_rule_parity.py).
    decorators = BaselineConfig.__pydantic_decorators__
    plain = {name for validator in decorators.field_validators.values() for name in validator.info.fields}
    assert plain & set(module_inputs()) == set(cross_field_validations())
    for model in (DetectionsConfig, AlarmOverride, LogBucketConfig):
        assert not model.__pydantic_decorators__.field_validators, model.__name__
        assert set(model.__pydantic_decorators__.model_validators) == {"_check_rules"}, model.__name__
