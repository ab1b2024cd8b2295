"""The cost model (``ops/cost.py``) and ``./run cost``.

The arithmetic runs on tests/fixtures/round-prices.toml: round numbers (a 30-day month, a
1,000,000-byte GB, one Region with one log-file window an hour), so each line item's expected
value below is worked out by hand. The command runs offline, against bad input, in ``config
check``, and against the local AWS for ``--from-account``.
"""

from __future__ import annotations

import ast
import datetime
import json
import math
import re
from dataclasses import fields
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from app.config import BaselineConfig, app_only_fields, module_inputs
from ops import cost as model
from ops.cli import app
from ops.cost import (
    CHOICES,
    CREATE_MANAGEMENT_ACCOUNT,
    CREATE_ORGANIZATION,
    EXISTING,
    PriceFileError,
    Volumes,
    budget_warnings,
    config_estimate,
    crossover_accounts,
    default_prices,
    estimate,
    estimates,
    lifecycle_advice,
    load_prices,
)
from ops.verify import Expected
from tests.configs import EVERY_OPTION, MINIMAL
from tests.local_aws import LocalAws
from tools.cost_docs import COST_BEGIN, COST_END, COST_FACTS_BEGIN, COST_FACTS_END, cost_facts, cost_table

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

ROUND = load_prices(ROOT / "tests" / "fixtures" / "round-prices.toml")
#: KMS and access logging off: the items a test looks at are the only ones that move.
PLAIN = BaselineConfig.model_validate({"kms_encryption": False, "log_bucket": {"access_logging": False}})
#: The default lifecycle: files live 2557 + 365 days (the bucket is versioned), 90 of them in Standard.
LIFETIME_MONTHS = Decimal(2557 + 365) / 30
GLACIER_MONTHS = Decimal(2557 + 365 - 90) / 30


def _volumes(accounts: int, events: int, management: int | None = None, *, other_trail: bool = True) -> Volumes:
    m = events if management is None else management
    return Volumes(accounts, Decimal(events), Decimal(m), Decimal(1000), other_trail)


def _item(config: BaselineConfig, choice: model.Choice, volumes: Volumes | None, item: str) -> Decimal:
    return estimate(config, choice, volumes, ROUND).usd(item)


def _files(events: float) -> float:
    """Log files a month of one account on the round table: 720 windows, a file per window with an event."""
    return 720 * (1 - math.exp(-events / 720))


# --- the price file -------------------------------------------------------------------------


def test_the_price_file_loads_with_a_page_and_a_date_for_every_figure() -> None:
    table = default_prices()
    assert (table.region, table.read) == ("us-east-1", datetime.date(2026, 12, 4))
    assert table.prices.cloudtrail_paid_copy.unit_usd == Decimal("0.00002")
    for group in (table.prices, table.assumptions):
        for field in fields(group):
            entry = getattr(group, field.name)
            assert entry.read == datetime.date(2026, 12, 4), field.name
            assert entry.note, field.name
            assert str(getattr(entry, "url", "") or getattr(entry, "source", "")).startswith("https://"), field.name


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda text: text.replace("[prices.kms_key]", "[prices.kms_keys]"),
            "prices: missing kms_key; unknown kms_keys",
        ),
        (
            lambda text: text.replace("usd = 2.00\nper = 100000", 'usd = "2"\nper = 100000', 1),
            "must be a finite number",
        ),
        (
            lambda text: text.replace("usd = 0.023", "usd = -0.023"),
            "prices.s3_standard_storage.usd: must be at least 0",
        ),
        (
            lambda text: text.replace("value = 1500", "value = nan"),
            "assumptions.event_size_bytes.value: must be a finite",
        ),
        (
            lambda text: text.replace('note = "Budgets without actions cost nothing."\n', ""),
            "prices.budgets: must be a",
        ),
    ],
    ids=["unknown and missing entry", "text for a number", "negative price", "nan", "missing key"],
)
def test_a_broken_price_file_is_one_line_naming_the_entry(tmp_path: Path, edit: Any, message: str) -> None:
    path = tmp_path / "prices.toml"
    path.write_text(edit(model.PRICES_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PriceFileError, match=re.escape(message)):
        load_prices(path)


def test_the_model_holds_no_figure_of_its_own() -> None:
    # Every price and every other figure comes from ops/prices.toml: the module's only numbers
    # are 0, 1 and 2 (the second account), and no Decimal is built from a literal text.
    tree = ast.parse((ROOT / "ops" / "cost.py").read_text(encoding="utf-8"))
    numbers = {
        node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and type(node.value) in (int, float)
    }
    assert numbers <= {0, 1, 2}
    texts = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Decimal" and node.args
        if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    ]
    assert texts == []


def test_a_dollar_price_written_in_the_code_repeats_one_of_the_price_file() -> None:
    # A price in a description or message ("$2.00 per 100,000 events") must be the file's: a copy
    # that lags behind a price change fails here.
    table = default_prices()
    known = {getattr(table.prices, field.name).usd for field in fields(table.prices)}
    found = {
        (path.relative_to(ROOT).as_posix(), Decimal(amount.replace(",", "")))
        for folder in ("ops", "app")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for amount in re.findall(r"\$\s?([0-9][0-9,]*(?:\.[0-9]+)?) per ", path.read_text(encoding="utf-8"))
    }
    assert [(path, amount) for path, amount in found if amount not in known] == []


# --- the arithmetic, by hand ----------------------------------------------------------------


def test_the_organization_trail_is_a_paid_copy_of_every_account_only_when_another_trail_exists() -> None:
    # 9 member accounts and the management account, 1,000 events each: 10,000 events at $1 per 100.
    assert _item(PLAIN, CREATE_ORGANIZATION, _volumes(10, 1000), model.TRAIL_COPIES) == Decimal(100)
    assert _item(PLAIN, CREATE_ORGANIZATION, _volumes(10, 1000, other_trail=False), model.TRAIL_COPIES) == 0


def test_the_management_account_scope_always_pays_a_copy_of_the_management_account() -> None:
    # Its own trail is a second copy of M = 2,000 events on top of the organization trail's.
    volumes = _volumes(10, 1000, 2000)
    assert _item(PLAIN, CREATE_MANAGEMENT_ACCOUNT, volumes, model.TRAIL_COPIES) == Decimal(11000 + 2000) / 100
    fresh = _volumes(10, 1000, 2000, other_trail=False)
    assert _item(PLAIN, CREATE_MANAGEMENT_ACCOUNT, fresh, model.TRAIL_COPIES) == Decimal(2000) / 100


def test_ingestion_counts_every_account_or_the_management_account_alone() -> None:
    # 10,000 events x 1,000 bytes = 10 GB at $1; the management account's 1,000 events: 1 GB.
    assert _item(PLAIN, CREATE_ORGANIZATION, _volumes(10, 1000), model.LOGS_INGESTION) == 10
    assert _item(PLAIN, CREATE_MANAGEMENT_ACCOUNT, _volumes(10, 1000), model.LOGS_INGESTION) == 1


def test_the_log_group_keeps_the_retention_compressed() -> None:
    # 10 GB a month, compressed to half, for 365 days (12.17 months) at $0.1 per GB-month.
    expected = 10 * 0.5 * 365 / 30 * 0.1
    assert float(_item(PLAIN, CREATE_ORGANIZATION, _volumes(10, 1000), model.LOGS_STORAGE)) == pytest.approx(expected)
    longer = PLAIN.model_copy(update={"log_retention_days": 731})
    assert float(_item(longer, CREATE_ORGANIZATION, _volumes(10, 1000), model.LOGS_STORAGE)) == pytest.approx(
        10 * 0.5 * 731 / 30 * 0.1
    )


def test_small_log_files_never_move_to_glacier() -> None:
    # One account of 1,000 events: about 540 files of under 1 KB (far below the 100 KB minimum)
    # and 720 digest files of 1,000 bytes, all in Standard for 2,922 days: 0.5 GB + 0.72 GB.
    volumes = _volumes(1, 1000)
    assert float(_item(PLAIN, CREATE_ORGANIZATION, volumes, model.S3_STORAGE)) == pytest.approx(
        (0.5 + 0.72) * float(LIFETIME_MONTHS) * 0.1
    )
    assert _item(PLAIN, CREATE_ORGANIZATION, volumes, model.S3_TRANSITIONS) == 0
    assert _item(PLAIN, CREATE_ORGANIZATION, volumes, model.GLACIER_OVERHEAD) == 0
    assert float(_item(PLAIN, CREATE_ORGANIZATION, volumes, model.S3_PUTS)) == pytest.approx(
        (_files(1000) + 720) / 1000
    )


def test_large_log_files_move_to_glacier_with_a_transition_and_the_per_object_overhead() -> None:
    # 100,000,000 events fill all 720 windows: files of 69 MB, above the minimum. 50,000 GB spend
    # 3 months in Standard ($0.1) and 94.4 in Glacier ($0.01); the 720 digests stay in Standard.
    volumes = _volumes(1, 100_000_000)
    assert float(_item(PLAIN, CREATE_ORGANIZATION, volumes, model.S3_STORAGE)) == pytest.approx(
        50_000 * (3 * 0.1 + float(GLACIER_MONTHS) * 0.01) + 0.72 * float(LIFETIME_MONTHS) * 0.1
    )
    assert _item(PLAIN, CREATE_ORGANIZATION, volumes, model.S3_TRANSITIONS) == Decimal("0.72")
    # 30,000 bytes at the Glacier rate and 10,000 at the Standard rate, per file, for 94.4 months.
    assert float(_item(PLAIN, CREATE_ORGANIZATION, volumes, model.GLACIER_OVERHEAD)) == pytest.approx(
        720 * float(GLACIER_MONTHS) * (0.03 * 0.01 + 0.01 * 0.1)
    )
    assert _item(PLAIN, CREATE_ORGANIZATION, volumes, model.S3_PUTS) == Decimal("1.44")


def test_access_logs_hold_a_record_per_request_and_lifecycle_action() -> None:
    # 720 log files (each moved: 4 records) and 720 digests (3 records) of 1,000 bytes, 2,922 days.
    logged = BaselineConfig.model_validate({"kms_encryption": False})
    usd = _item(logged, CREATE_ORGANIZATION, _volumes(1, 100_000_000), model.ACCESS_LOGS)
    assert float(usd) == pytest.approx((720 * 4 + 720 * 3) * 0.001 * float(LIFETIME_MONTHS) * 0.1)
    assert _item(PLAIN, CREATE_ORGANIZATION, _volumes(1, 100_000_000), model.ACCESS_LOGS) == 0


def test_the_key_and_its_requests_count_only_with_kms_encryption() -> None:
    encrypted = BaselineConfig.model_validate({"log_bucket": {"access_logging": False}})
    volumes = _volumes(1, 1000)
    assert _item(encrypted, CREATE_ORGANIZATION, volumes, model.KMS_KEY) == 1
    # A data key per log file ($1 per 1,000); the digest files are SSE-S3.
    assert float(_item(encrypted, CREATE_ORGANIZATION, volumes, model.KMS_REQUESTS)) == pytest.approx(
        _files(1000) / 1000
    )
    assert _item(PLAIN, CREATE_ORGANIZATION, volumes, model.KMS_KEY) == 0
    assert _item(PLAIN, CREATE_ORGANIZATION, volumes, model.KMS_REQUESTS) == 0


def test_the_free_tier_is_subtracted_once() -> None:
    price = default_prices().prices.kms_requests
    assert price.of(Decimal(20_000)) == 0
    assert price.of(Decimal(30_000)) == Decimal("0.03")


def test_the_alarms_and_metrics_follow_the_config() -> None:
    assert _item(PLAIN, CREATE_ORGANIZATION, None, model.ALARMS) == 2  # console-sign-in and access-denied
    assert _item(PLAIN, CREATE_ORGANIZATION, None, model.METRICS) == 1  # two filters at $0.5
    cis = BaselineConfig.model_validate({"detections": {"cis_pack": "exact"}})
    assert _item(cis, CREATE_ORGANIZATION, None, model.ALARMS) == 17
    assert _item(cis, CREATE_ORGANIZATION, None, model.METRICS) == Decimal("8.5")
    billed = BaselineConfig.model_validate({"billing": {"organization_limit_usd": 1000}})
    assert _item(billed, CREATE_ORGANIZATION, None, model.ALARMS) == 3  # and the organization's billing alarm
    assert _item(billed, CREATE_ORGANIZATION, None, model.METRICS) == 1  # which has no filter


@pytest.mark.parametrize(
    "config", [BaselineConfig(), EVERY_OPTION, MINIMAL], ids=["default", "every option", "minimal"]
)
def test_the_counted_detections_are_the_ones_verify_expects(config: BaselineConfig) -> None:
    expected = Expected.of(config)
    filters, alarms, rules = model.detections_of(config)
    assert (alarms, rules) == (len(expected.alarms), len(expected.rules))
    assert filters == len([name for name in expected.alarms if name != expected.names.organization_charges])


def test_existing_mode_has_no_trail_ingestion_or_bucket_of_its_own() -> None:
    volumes = _volumes(10, 1000)
    existing = estimate(BaselineConfig(), EXISTING, volumes, ROUND)
    zero = (model.TRAIL_COPIES, model.LOGS_INGESTION, model.LOGS_STORAGE, model.S3_PUTS, model.S3_STORAGE)
    assert all(existing.usd(item) == 0 for item in (*zero, model.ACCESS_LOGS, model.KMS_REQUESTS))
    assert "already paid by whoever owns that trail" in next(
        i.detail for i in existing.items if i.item == model.LOGS_INGESTION
    )
    create = estimate(BaselineConfig(), CREATE_ORGANIZATION, volumes, ROUND)
    assert existing.total == sum(create.usd(item) for item in (model.KMS_KEY, model.ALARMS, model.METRICS))


def test_without_volumes_the_estimate_holds_the_fixed_items_only() -> None:
    fixed = estimate(BaselineConfig(), CREATE_ORGANIZATION, None, ROUND)
    assert fixed.total == 1 + 2 + 1  # the key, two alarms, two metrics
    assert next(i.detail for i in fixed.items if i.item == model.TRAIL_COPIES) == model.NEEDS_VOLUMES


def test_every_estimate_has_each_line_item_once_in_order() -> None:
    for result in estimates(BaselineConfig(), _volumes(3, 5000), ROUND):
        assert tuple(item.item for item in result.items) == model.ITEMS


def test_the_crossover_is_where_ingestion_of_the_members_outweighs_a_copy_of_the_management_account() -> None:
    # Each member account costs the organization scope 1 GB of ingestion ($1) and its storage
    # (0.5 GB for 12.17 months at $0.1); the management-account scope pays instead a copy of the
    # management account's 1,000 events ($10) and its own trail's files: their PUTs and 0.5 GB,
    # and 720 digests (0.72 GB), stored 97.4 months.
    per_member = 1 + 0.5 * 365 / 30 * 0.1
    lifetime = float(LIFETIME_MONTHS)
    account_trail = 10 + _files(1000) / 1000 + 0.5 * lifetime * 0.1 + 720 / 1000 + 0.72 * lifetime * 0.1
    expected = math.floor(account_trail / per_member) + 2  # the fewest N with (N - 1) x member > trail
    assert crossover_accounts(PLAIN, _volumes(1, 1000), ROUND) == expected == 16
    at = {n: estimates(PLAIN, _volumes(n, 1000), ROUND) for n in (expected - 1, expected)}
    assert at[expected - 1][1].total >= at[expected - 1][0].total
    assert at[expected][1].total < at[expected][0].total


def test_the_break_even_of_a_glacier_transition_comes_from_the_prices() -> None:
    # Per archived object a month: the $0.001 request spread over 94.4 months, 30,000 bytes at
    # $0.01 and 10,000 at $0.1 per GB; against the $0.09 a GB-month it saves.
    advice = lifecycle_advice(PLAIN.log_bucket, ROUND)
    per_month = 0.001 / float(GLACIER_MONTHS) + 0.03 * 0.01 + 0.01 * 0.1
    assert float(advice.break_even_bytes) == pytest.approx(per_month / 0.09 * 1_000_000)
    assert (advice.minimum_bytes, advice.glacier_days) == (Decimal(100_000), 2557 + 365 - 90)


@settings(max_examples=25, deadline=None)
@given(
    accounts=st.integers(min_value=1, max_value=300),
    more=st.integers(min_value=1, max_value=300),
    events=st.integers(min_value=1, max_value=5_000_000),
    extra=st.integers(min_value=0, max_value=5_000_000),
)
def test_totals_are_sums_of_their_items_and_grow_with_accounts_and_events(
    accounts: int, more: int, events: int, extra: int
) -> None:
    # With the real prices: up to 10 million events an account a month, every file stays under
    # the 128 KB lifecycle minimum. (Above it the files move to Glacier, which is cheaper per GB:
    # the bill of a busier account can then drop; test_large_log_files_... shows the arithmetic.)
    config = BaselineConfig()
    base = estimates(config, Volumes(accounts, Decimal(events), Decimal(events), Decimal(1500)))
    wider = estimates(config, Volumes(accounts + more, Decimal(events), Decimal(events), Decimal(1500)))
    busier = estimates(config, Volumes(accounts, Decimal(events + extra), Decimal(events + extra), Decimal(1500)))
    for low, many, busy in zip(base, wider, busier, strict=True):
        assert low.total == sum(item.usd for item in low.items)
        assert many.total >= low.total
        assert busy.total >= low.total


# --- the command ----------------------------------------------------------------------------


def test_the_offline_table_has_a_row_per_item_a_column_per_choice_and_the_notes() -> None:
    result = runner.invoke(app, ["cost", "--accounts", "10", "--events-per-account", "20000"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "total" in text
    assert all(choice.mode in text for choice in CHOICES)
    for note in ("volumes: 10 accounts;", "assumptions:", "lifecycle: files under 128 KB never move", "crossover:"):
        assert note in " ".join(text.split())


def test_the_json_has_every_choice_and_item_and_the_model_s_totals() -> None:
    result = runner.invoke(
        app,
        ["cost", "--accounts", "10", "--events-per-account", "20000", "--management-account-events", "50000", "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {
        "command",
        "ok",
        "region",
        "prices_read",
        "volumes",
        "configured",
        "choices",
        "crossover_accounts",
        "lifecycle",
        "notes",
    }
    assert (report["command"], report["ok"], report["configured"]) == ("cost", True, "create + organization")
    assert report["volumes"]["management_account_events"] == 50000
    volumes = Volumes(10, Decimal(20000), Decimal(50000), Decimal(1500))
    for entry, expected in zip(report["choices"], estimates(BaselineConfig(), volumes), strict=True):
        assert entry["choice"] == expected.choice.label
        assert [item["item"] for item in entry["items"]] == list(model.ITEMS)
        assert entry["total_usd"] == pytest.approx(float(expected.total), abs=1e-4)
    assert report["crossover_accounts"] == crossover_accounts(BaselineConfig(), volumes)


def test_the_volumes_can_come_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "baseline.toml"
    path.write_text("[cost]\naccounts = 7\nevents_per_account = 12000\n")
    report = json.loads(runner.invoke(app, ["cost", "--config", str(path), "--json"]).stdout)
    assert (report["volumes"]["accounts"], report["volumes"]["events_per_account"]) == (7, 12000)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--accounts", "0"], "error: --accounts must be a whole number of at least 1 (got '0')"),
        (["--accounts", "-1"], "error: --accounts must be a whole number of at least 1 (got '-1')"),
        (["--accounts", "nan"], "error: --accounts must be a whole number of at least 1 (got 'nan')"),
        (["--accounts", "inf"], "error: --accounts must be a whole number of at least 1 (got 'inf')"),
        (["--accounts", "1.5"], "error: --accounts must be a whole number of at least 1 (got '1.5')"),
        (["--accounts", "²"], "error: --accounts must be a whole number of at least 1 (got '²')"),
        (["--accounts", "3", "--events-per-account", "0"], "error: --events-per-account must be a finite number"),
        (["--accounts", "3", "--events-per-account", "nan"], "error: --events-per-account must be a finite number"),
        (["--accounts", "3", "--events-per-account", "-inf"], "error: --events-per-account must be a finite number"),
        (["--accounts", "3", "--events-per-account", "9", "--event-size", "inf"], "error: --event-size must be a"),
        (
            ["--accounts", "3", "--events-per-account", "9", "--management-account-events", "x"],
            "error: --management-acc",
        ),
        (["--accounts", "3"], "error: --events-per-account is needed (or [cost] in the config)"),
        (["--from-account", "--accounts", "3"], "error: --from-account measures the volumes: leave out --accounts"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_option(arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["cost", *arguments])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(message)


# --- the budget -----------------------------------------------------------------------------


def _check(tmp_path: Path, text: str) -> dict[str, Any]:
    path = tmp_path / "baseline.toml"
    path.write_text(text)
    result = runner.invoke(app, ["config", "check", str(path), "--json", "--outdir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_config_check_warns_when_the_budget_is_below_the_baseline_s_own_cost(tmp_path: Path) -> None:
    report = _check(
        tmp_path, "[billing]\nmanagement_account_limit_usd = 10\n[cost]\naccounts = 300\nevents_per_account = 50000\n"
    )
    assert len(report["warnings"]) == 1
    assert report["warnings"][0].startswith("billing.management_account_limit_usd (10) is below the baseline's own")
    assert "300 accounts of 50,000 events a month" in report["warnings"][0]


def test_config_check_is_quiet_when_the_budget_leaves_room(tmp_path: Path) -> None:
    assert _check(tmp_path, "[cost]\naccounts = 3\nevents_per_account = 20000\n")["warnings"] == []
    assert _check(tmp_path, "")["warnings"] == []  # the key, alarms and metrics: a few dollars


def test_without_volumes_the_warning_counts_the_fixed_items() -> None:
    config = BaselineConfig.model_validate({"billing": {"management_account_limit_usd": 1}})
    (warning,) = budget_warnings(config, config_estimate(config))
    assert "its key, alarms and metrics alone" in warning
    no_budget = config.model_copy(update={"create_budget": False})
    assert budget_warnings(no_budget, config_estimate(no_budget)) == []


def test_the_cost_table_is_app_only_with_its_reason() -> None:
    assert app_only_fields()["cost"] == "the cost model's volumes: ./run cost and config check read them"
    assert "cost" not in module_inputs()


def test_verify_s_duplicate_trail_warning_gets_the_figure_of_a_copy() -> None:
    config = BaselineConfig.model_validate({"cost": {"accounts": 10, "events_per_account": 20000}})
    text = model.duplicate_cost_text(config, organization=True)
    assert text.startswith("At the [cost] volumes it costs 4.00 USD a month (200,000 events")
    assert "set [cost] in the config" in model.duplicate_cost_text(BaselineConfig(), organization=False)


# --- the docs -------------------------------------------------------------------------------


def _block(text: str, begin: str, end: str) -> str:
    return text[text.index(begin) : text.index(end) + len(end)]


def test_the_readme_table_and_the_operate_facts_are_the_model_s() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    operate = (ROOT / "docs" / "operate.md").read_text(encoding="utf-8")
    assert _block(readme, COST_BEGIN, COST_END) == cost_table(), "regenerate with: ./run generate"
    assert _block(operate, COST_FACTS_BEGIN, COST_FACTS_END) == cost_facts(), "regenerate with: ./run generate"
    stale = readme.replace("| 10 | $", "| 10 | $1", 1)
    assert _block(stale, COST_BEGIN, COST_END) != cost_table()  # what the drift test catches


def test_the_json_example_of_operate_md_is_the_command_s() -> None:
    operate = (ROOT / "docs" / "operate.md").read_text(encoding="utf-8")
    report = json.loads(
        runner.invoke(app, ["cost", "--accounts", "40", "--events-per-account", "30000", "--json"]).stdout
    )
    assert f'"total_usd": {report["choices"][0]["total_usd"]}' in operate
    assert f'"crossover_accounts": {report["crossover_accounts"]}' in operate


# --- measured in the account --------------------------------------------------------------


def _put_log_group_metrics(aws: LocalAws, log_group: str, events: float, size: float) -> None:
    when = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    dimensions = [{"Name": "LogGroupName", "Value": log_group}]
    aws.client("cloudwatch").put_metric_data(
        Namespace="AWS/Logs",
        MetricData=[
            {"MetricName": "IncomingLogEvents", "Dimensions": dimensions, "Timestamp": when, "Value": events},
            {"MetricName": "IncomingBytes", "Dimensions": dimensions, "Timestamp": when, "Value": events * size},
        ],
    )


@pytest.fixture
def measured_account(local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> LocalAws:
    """The local AWS with three accounts, 72,000 events of 2,000 bytes in the baseline's log group."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", local_aws.endpoint)
    organizations = local_aws.client("organizations")
    if len(organizations.list_accounts()["Accounts"]) < 3:
        for index in (1, 2):
            organizations.create_account(Email=f"member{index}@example.com", AccountName=f"member-{index}")
        _put_log_group_metrics(local_aws, "/aws/cloudtrail/mgmt-baseline-organization-trail", 72_000, 2000)
    return local_aws


@pytest.mark.usefixtures("measured_account")
def test_from_account_measures_the_event_size_and_the_events_per_account() -> None:
    result = runner.invoke(app, ["cost", "--from-account", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    volumes = report["volumes"]
    assert volumes["measured"]["accounts"] == 3
    assert volumes["event_size_bytes"] == 2000
    # 72,000 events in 30 days are 73,000 in a 730-hour month, shared by 3 accounts.
    assert volumes["events_per_account"] == pytest.approx(73_000 / 3)
    # No organization trail besides the baseline's: its own is the free first copy.
    assert (volumes["other_trail"], volumes["measured"]["other_trails"]) == (False, [])
    monthly = Decimal(73_000) / 3
    expected = estimates(BaselineConfig(), Volumes(3, monthly, monthly, Decimal(2000), other_trail=False))
    assert [entry["total_usd"] for entry in report["choices"]] == pytest.approx(
        [float(e.total) for e in expected], abs=1e-4
    )
    assert report["notes"][0].startswith("measured: /aws/cloudtrail/mgmt-baseline-organization-trail received 72,000")


def test_from_account_finds_another_organization_trail_and_counts_the_baseline_s_as_a_paid_copy(
    measured_account: LocalAws,
) -> None:
    measured_account.client("s3").create_bucket(Bucket="aws-controltower-logs")
    cloudtrail = measured_account.client("cloudtrail")
    trail = cloudtrail.create_trail(
        Name="aws-controltower-BaselineCloudTrail",
        S3BucketName="aws-controltower-logs",
        IsMultiRegionTrail=True,
        IsOrganizationTrail=True,
    )["TrailARN"]
    try:
        report = json.loads(runner.invoke(app, ["cost", "--from-account", "--json"]).stdout)
    finally:
        cloudtrail.delete_trail(Name=trail)
    volumes = report["volumes"]
    assert (volumes["other_trail"], volumes["measured"]["other_trails"]) == (True, [trail])
    assert report["notes"][0].endswith(f"another organization trail: {trail}")
    (organization,) = [entry for entry in report["choices"] if entry["choice"] == "create + organization"]
    (copies,) = [item for item in organization["items"] if item["item"] == "CloudTrail paid copies"]
    assert copies["usd"] > 0


@pytest.mark.usefixtures("measured_account")
def test_from_account_with_the_management_account_scope_says_the_members_are_unknown(tmp_path: Path) -> None:
    path = tmp_path / "baseline.toml"
    path.write_text('[trail]\ncloudwatch_logs_scope = "management-account"\n')
    report = json.loads(runner.invoke(app, ["cost", "--from-account", "--config", str(path), "--json"]).stdout)
    assert report["volumes"]["management_account_events"] == pytest.approx(73_000)
    assert any(note.startswith("events per member account: unknown") for note in report["notes"])
    given_members = runner.invoke(
        app, ["cost", "--from-account", "--config", str(path), "--events-per-account", "5000", "--json"]
    )
    assert json.loads(given_members.stdout)["volumes"]["events_per_account"] == 5000


@pytest.mark.usefixtures("measured_account")
def test_from_account_without_datapoints_exits_1_naming_the_log_group(tmp_path: Path) -> None:
    path = tmp_path / "baseline.toml"
    path.write_text('name_prefix = "quiet-one"\n')
    result = runner.invoke(app, ["cost", "--from-account", "--config", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "error: no IncomingLogEvents datapoints for log group /aws/cloudtrail/quiet-one-organization-trail"
    )
