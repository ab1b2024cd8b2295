"""The config model: defaults, file loading, and one-line errors for bad values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.config import BaselineConfig
from app.load import ConfigError, load_config, parse_config


def test_defaults_need_no_file() -> None:
    config = load_config(None)
    assert config == BaselineConfig()
    assert config.region == "us-east-1"
    assert config.billing.management_account_limit_usd == 50
    assert config.billing.organization_limit_usd is None
    assert config.budget_limit_usd is None
    assert config.log_retention_days == 365
    assert config.alert_emails == ()
    assert config.protect_log_data is True


def test_a_toml_file_overrides_some_fields(tmp_path: Path) -> None:
    file = tmp_path / "baseline.toml"
    file.write_text(
        'name_prefix = "acme"\nalert_emails = ["ops@example.com"]\n'
        'log_retention_days = 1827\n[tags]\nOwner = "secops"\n[billing]\nmanagement_account_limit_usd = 120\n'
    )
    config = load_config(file)
    assert config.name_prefix == "acme"
    assert config.billing.management_account_limit_usd == 120.0
    assert config.alert_emails == ("ops@example.com",)
    assert config.log_retention_days == 1827
    assert config.tags == {"Owner": "secops"}
    assert config.protect_log_data is True  # untouched fields keep their defaults


def test_every_field_is_documented() -> None:
    for name, field in BaselineConfig.model_fields.items():
        assert field.description, name
        assert not field.is_required(), name


BAD_VALUES: list[tuple[dict[str, Any], str]] = [
    ({"name_prefix": "Bad_Prefix"}, "name_prefix: must be 2-24 characters of lowercase letters"),
    ({"name_prefix": "a" * 25}, "name_prefix: must be 2-24 characters"),
    ({"name_prefix": "ends-with-"}, "name_prefix: must be 2-24 characters"),
    ({"region": "eu-west-1"}, "region: must be 'us-east-1'; the baseline only deploys there (got 'eu-west-1')"),
    ({"budget_limit_usd": 0}, "budget_limit_usd: must be greater than 0 and at most 1000000000 USD (got 0)"),
    ({"budget_limit_usd": -5}, "budget_limit_usd: must be greater than 0"),
    ({"budget_limit_usd": "lots"}, "budget_limit_usd: must be a number of US dollars greater than 0 (got 'lots')"),
    ({"budget_limit_usd": True}, "budget_limit_usd: must be a number of US dollars"),
    ({"alert_emails": ["not-an-email"]}, "alert_emails: must contain only valid email addresses (got 'not-an-email')"),
    ({"alert_emails": "ops@example.com"}, "alert_emails: must be a list of email addresses"),
    ({"alert_emails": ["a@example.com", "a@example.com"]}, "alert_emails: must not list the same address twice"),
    (
        {"detections": {"ignored_event_sources": ["tagging"]}},
        "detections.ignored_event_sources: must contain event sources such as tagging.amazonaws.com (got 'tagging')",
    ),
    (
        {"detections": {"ignored_principals": ["arn:aws:sts::*:assumed-role/ci/*"]}},
        "detections.ignored_principals: must contain principal ARNs (arn:aws:sts::111122223333:assumed-role/",
    ),
    ({"log_retention_days": 30}, "log_retention_days: must be one of 365, 400, 545, 731, 1096, 1827"),
    ({"log_retention_days": 366}, "log_retention_days: must be one of 365"),
    ({"log_retention_days": "365"}, "log_retention_days: must be one of 365"),
    ({"protect_log_data": "yes"}, "protect_log_data: must be true or false (got 'yes')"),
    ({"tags": {"aws:owner": "x"}}, "tags: key 'aws:owner' must be 1-128 characters of letters, numbers, spaces"),
    ({"tags": {"Owner": 7}}, "tags: value of 'Owner' must be at most 256 characters of letters, numbers, spaces"),
    ({"tags": ["Owner"]}, "tags: must be a table of string keys to string values"),
    ({"budget": 10}, "budget: unknown field; allowed fields are name_prefix, region, budget_limit_usd"),
    ({"kms_encryption": "on"}, "kms_encryption: must be true or false (got 'on')"),
    ({"detections": {"cis_pack": "on"}}, "detections.cis_pack: must be one of off, exact, management-only (got 'on')"),
    (
        {"detections": {"disabled": ["access-denied", "no-such-alert"]}},
        "(got 'no-such-alert')",  # the name that is wrong, not the whole list
    ),
    ({"detections": {"overrides": {"root-sign-in": {}}}}, "detections.overrides: must name log detections"),
    (
        {"detections": {"overrides": {"access-denied": {"period": 61}}}},
        "detections.overrides.access-denied.period: must be a multiple of 60 seconds, up to 604800 "
        "(metric filters publish one-minute data) (got 61)",
    ),
    (
        {"detections": {"overrides": {"access-denied": {"threshold": -1}}}},
        "detections.overrides.access-denied.threshold: must be a finite number of at least 0 (got -1)",
    ),
    (
        {"detections": {"overrides": {"access-denied": {"evaluation_periods": 0}}}},
        "detections.overrides.access-denied.evaluation_periods: must be a whole number from 1 to 100 (got 0)",
    ),
    (
        {"detections": {"overrides": {"access-denied": {"limit": 1}}}},
        "detections.overrides.access-denied.limit: unknown field; "
        "allowed fields are threshold, period, evaluation_periods",
    ),
    ({"log_bucket": {"expiration_days": 100}}, "log_bucket.expiration_days: must be at least 365 days (CIS) (got 100)"),
    (
        {"log_bucket": {"noncurrent_version_expiration_days": 30}},
        "log_bucket.noncurrent_version_expiration_days: must be at least 365 days (CIS) (got 30)",
    ),
    (
        {"log_bucket": {"transition_to_glacier_days": 0}},
        "log_bucket.transition_to_glacier_days: must be a whole number",
    ),
    (
        {"log_bucket": {"transition_to_glacier_days": 3000}},
        "log_bucket: transition_to_glacier_days must be less than expiration_days (got 3000 >= 2557)",
    ),
    (
        {"log_bucket": {"object_lock_mode": "on"}},
        "log_bucket.object_lock_mode: must be one of off, GOVERNANCE, COMPLIANCE",
    ),
    ({"log_bucket": {"access_logging": "yes"}}, "log_bucket.access_logging: must be true or false (got 'yes')"),
]


@pytest.mark.parametrize(
    ("data", "message"), BAD_VALUES, ids=[f"{next(iter(data))}-{i}" for i, (data, _) in enumerate(BAD_VALUES)]
)
def test_bad_value_is_rejected_with_a_one_line_message_naming_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(data, "baseline.toml")
    text = str(raised.value)
    assert text.startswith("baseline.toml: ")
    assert message in text
    assert "\n" not in text


def test_several_bad_values_are_reported_together_on_one_line() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config({"budget_limit_usd": 0, "region": "eu-west-1"})
    text = str(raised.value)
    assert "region: must be" in text
    assert "budget_limit_usd: must be" in text
    assert "\n" not in text


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: cannot read config file"):
        load_config(tmp_path / "missing.toml")


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    file = tmp_path / "broken.toml"
    file.write_text("budget_limit_usd = = 5\n")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        load_config(file)


def test_a_json_config_reads_like_the_toml_and_its_nulls_are_unset_fields(tmp_path: Path) -> None:
    # What the module's operator_config output holds: every input, the unset ones null.
    path = tmp_path / "baseline.json"
    path.write_text(
        '{"name_prefix": "acme-mgmt", "alert_emails": ["a@example.com"], '
        '"billing": {"management_account_limit_usd": 120, "organization_limit_usd": null}, '
        '"trail": {"mode": "create", "log_group_name": null, "trail_arn": null}}'
    )
    config = load_config(path)
    assert config.name_prefix == "acme-mgmt"
    assert config.billing.management_account_limit_usd == 120
    assert config.billing.organization_limit_usd is None
    assert config.trail.log_group_name is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name_prefix": ', "baseline.json: not valid JSON (Expecting value: line 1 column 17"),
        ('["name_prefix"]', "baseline.json: must hold a JSON object of config fields (got list)"),
        ('{"name_prefix": "X"}', "baseline.json: name_prefix: must be 2-24 characters"),
    ],
    ids=["not-json", "not-an-object", "bad-field"],
)
def test_a_bad_json_config_is_one_line_naming_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
