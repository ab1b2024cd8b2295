"""The cost model of ``./run cost``: what the baseline adds to the management account's bill.

Pure arithmetic on three inputs: the volumes (accounts, management events, their size), the
baseline's shape (its config: trail mode, CloudWatch Logs scope, retention, lifecycle, KMS,
detections) and the figures of ``ops/prices.toml``. No AWS call happens here; ``./run cost
--from-account`` measures the volumes first (``ops/cli.py``).

The figures live in a TOML file, not in a Python module, because they are data that change on
AWS's schedule, not ours: each one sits next to its page, the day it was read and a note, so a
price change is a one-line diff a reviewer checks against the page; the tests load a table of
round numbers of the same shape; and ``tomllib`` reads every number as a ``Decimal``, so no
figure passes through a binary float. This module holds no figure: a test checks that its only
numbers are 0 and 1.

Steady state throughout: a month's bill once the log group and the buckets hold a whole
retention of files. Money is ``Decimal`` and rounded only for display.
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from app.config import BaselineConfig, LogBucketConfig
from constructs_lib.detections import CATALOGUE, EventDetection

PRICES_FILE = Path(__file__).with_name("prices.toml")

ZERO, ONE = Decimal(0), Decimal(1)
HOUR, MINUTE = datetime.timedelta(hours=1), datetime.timedelta(minutes=1)


class PriceFileError(ValueError):
    """The price file cannot be read, or an entry is missing, unknown or malformed (one line)."""


@dataclass(frozen=True)
class Price:
    """A list price: ``usd`` for ``per`` units of ``unit``; ``free`` units a month cost nothing."""

    usd: Decimal
    per: Decimal
    unit: str
    free: Decimal
    url: str
    read: datetime.date
    note: str
    quote: str

    @property
    def unit_usd(self) -> Decimal:
        """The price of one unit."""
        return self.usd / self.per

    def of(self, quantity: Decimal) -> Decimal:
        """What ``quantity`` units cost in a month, after the free ones."""
        return max(quantity - self.free, ZERO) * self.unit_usd

    def shown(self) -> str:
        """``$2.00 per 100,000 management events ...`` (the page's own way to say it)."""
        per = "" if self.per == ONE else f"{self.per:,} "
        return f"${self.usd:,} per {per}{self.unit}"


@dataclass(frozen=True)
class Assumption:
    """A quantity the model needs that is not a price: documented, measured or estimated."""

    value: Decimal
    unit: str
    source: str
    read: datetime.date
    note: str
    quote: str


@dataclass(frozen=True)
class Prices:
    """Every price the model uses (``[prices.*]``)."""

    cloudtrail_paid_copy: Price
    logs_ingestion: Price
    logs_storage: Price
    alarm: Price
    custom_metric: Price
    s3_standard_storage: Price
    s3_put: Price
    glacier_storage: Price
    glacier_transition: Price
    kms_key: Price
    kms_requests: Price
    sns_email: Price
    sqs_requests: Price
    eventbridge_aws_events: Price
    budgets: Price
    anomaly_detection: Price


@dataclass(frozen=True)
class Assumptions:
    """Every other figure the model uses (``[assumptions.*]``)."""

    event_size_bytes: Assumption
    regions: Assumption
    log_file_minutes: Assumption
    digest_files_per_hour: Assumption
    hours_per_month: Assumption
    bytes_per_gb: Assumption
    bytes_per_kb: Assumption
    logs_storage_compression: Assumption
    gzip_ratio: Assumption
    gzip_file_bytes: Assumption
    digest_file_bytes: Assumption
    lifecycle_minimum_bytes: Assumption
    glacier_index_bytes: Assumption
    glacier_metadata_bytes: Assumption
    access_log_record_bytes: Assumption
    access_log_records_per_object: Assumption
    alert_notifications: Assumption
    example_events_per_account: Assumption
    metric_active_share: Assumption


@dataclass(frozen=True)
class PriceTable:
    """The price file: where and when the prices were read, the prices, the assumptions."""

    region: str
    read: datetime.date
    prices: Prices
    assumptions: Assumptions


_NUMBERS = frozenset({"usd", "per", "free", "value"})


def _entry(kind: type[Price] | type[Assumption], raw: object, where: str) -> Any:
    names = [item.name for item in fields(kind)]
    if not isinstance(raw, dict) or set(raw) != set(names):
        raise PriceFileError(f"{where}: must be a table of exactly {', '.join(names)}")
    values: dict[str, Any] = {}
    for name in names:
        value = raw[name]
        if name in _NUMBERS:
            if isinstance(value, bool) or not isinstance(value, int | Decimal) or not Decimal(value).is_finite():
                raise PriceFileError(f"{where}.{name}: must be a finite number (got {value!r})")
            value = Decimal(value)
            if value < ZERO or (name == "per" and value == ZERO):
                raise PriceFileError(f"{where}.{name}: must be at least 0, and per greater than 0 (got {value})")
        elif name == "read":
            if not isinstance(value, datetime.date):
                raise PriceFileError(f"{where}.read: must be a date (got {value!r})")
        elif not isinstance(value, str):
            raise PriceFileError(f"{where}.{name}: must be text (got {value!r})")
        values[name] = value
    return kind(**values)


def _section(
    group: type[Prices] | type[Assumptions], kind: type[Price] | type[Assumption], raw: object, where: str
) -> Any:
    names = [item.name for item in fields(group)]
    if not isinstance(raw, dict):
        raise PriceFileError(f"{where}: must be a table")
    missing, unknown = [n for n in names if n not in raw], [n for n in raw if n not in names]
    if missing or unknown:
        said = [
            *(["missing " + ", ".join(missing)] if missing else []),
            *(["unknown " + ", ".join(unknown)] if unknown else []),
        ]
        raise PriceFileError(f"{where}: {'; '.join(said)}")
    return group(**{name: _entry(kind, raw[name], f"{where}.{name}") for name in names})


def load_prices(path: Path = PRICES_FILE) -> PriceTable:
    """The price file at ``path``, every number a ``Decimal`` (``PriceFileError`` names what is wrong)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PriceFileError(f"{path}: {error}") from None
    if not isinstance(data.get("region"), str) or not isinstance(data.get("read"), datetime.date):
        raise PriceFileError(f"{path}: needs region (text) and read (a date) at the top")
    try:
        return PriceTable(
            region=data["region"],
            read=data["read"],
            prices=_section(Prices, Price, data.get("prices"), "prices"),
            assumptions=_section(Assumptions, Assumption, data.get("assumptions"), "assumptions"),
        )
    except PriceFileError as error:
        raise PriceFileError(f"{path}: {error}") from None


@cache
def default_prices() -> PriceTable:
    """``ops/prices.toml``, read once."""
    return load_prices()


# --- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Volumes:
    """What the organization does in a month: the model's only inputs besides the config."""

    #: Accounts of the organization, the management account included.
    accounts: int
    #: Management events a month of each member account.
    events_per_account: Decimal
    #: Management events a month of the management account itself.
    management_account_events: Decimal
    #: Average size of one event's JSON, in bytes.
    event_size_bytes: Decimal
    #: The organization already has another organization trail (AWS Control Tower, a landing
    #: zone): the baseline's trail is then a paid copy. False: the baseline's trail is the free
    #: first copy.
    other_trail: bool = True

    @property
    def all_events(self) -> Decimal:
        """Every account's management events a month."""
        return self.events_per_account * (self.accounts - ONE) + self.management_account_events


Mode = Literal["create", "existing"]
Scope = Literal["organization", "management-account"]


@dataclass(frozen=True)
class Choice:
    """One way to run the baseline: ``trail.mode`` and, for ``create``, ``trail.cloudwatch_logs_scope``."""

    mode: Mode
    scope: Scope | None

    @property
    def label(self) -> str:
        return self.mode if self.scope is None else f"{self.mode} + {self.scope}"


CREATE_ORGANIZATION = Choice("create", "organization")
CREATE_MANAGEMENT_ACCOUNT = Choice("create", "management-account")
EXISTING = Choice("existing", None)
#: The columns of the table, in order.
CHOICES = (CREATE_ORGANIZATION, CREATE_MANAGEMENT_ACCOUNT, EXISTING)


def choice_of(config: BaselineConfig) -> Choice:
    """The choice a config makes."""
    if config.trail.mode == "existing":
        return EXISTING
    return (
        CREATE_MANAGEMENT_ACCOUNT if config.trail.cloudwatch_logs_scope == "management-account" else CREATE_ORGANIZATION
    )


# --- the estimate ---------------------------------------------------------------------------

TRAIL_COPIES = "CloudTrail paid copies"
LOGS_INGESTION = "CloudWatch Logs ingestion"
LOGS_STORAGE = "CloudWatch Logs storage"
S3_PUTS = "S3 PUT requests (log and digest files)"
S3_STORAGE = "S3 storage (log and digest files)"
S3_TRANSITIONS = "S3 lifecycle transitions to Glacier"
GLACIER_OVERHEAD = "S3 Glacier per-object overhead"
ACCESS_LOGS = "S3 server access logs of the log bucket"
KMS_KEY = "KMS key"
KMS_REQUESTS = "KMS requests (a data key per log file)"
ALARMS = "CloudWatch alarms"
METRICS = "Custom metrics of the metric filters"
EVENTBRIDGE = "EventBridge rules"
SNS = "SNS email notifications"
SQS = "SQS alarm-actions queue"
BILLING = "AWS Budgets and Cost Anomaly Detection"
#: The rows of the table, in order: every estimate has each once.
ITEMS = (
    TRAIL_COPIES,
    LOGS_INGESTION,
    LOGS_STORAGE,
    S3_PUTS,
    S3_STORAGE,
    S3_TRANSITIONS,
    GLACIER_OVERHEAD,
    ACCESS_LOGS,
    KMS_KEY,
    KMS_REQUESTS,
    ALARMS,
    METRICS,
    EVENTBRIDGE,
    SNS,
    SQS,
    BILLING,
)
NEEDS_VOLUMES = "needs the volumes (./run cost --accounts N --events-per-account E, or [cost] in the config)"


@dataclass(frozen=True)
class LineItem:
    """One line of the bill: what, how much a month, and how it was worked out."""

    item: str
    usd: Decimal
    detail: str


@dataclass(frozen=True)
class Estimate:
    """The baseline's own monthly cost for one choice: a line item per row of :data:`ITEMS`."""

    choice: Choice
    items: tuple[LineItem, ...]

    @property
    def total(self) -> Decimal:
        return sum((item.usd for item in self.items), ZERO)

    def usd(self, item: str) -> Decimal:
        """The amount of one line item."""
        return next(line.usd for line in self.items if line.item == item)


def _gb(size_bytes: Decimal, t: PriceTable) -> Decimal:
    return size_bytes / t.assumptions.bytes_per_gb.value


def months(days: int, t: PriceTable) -> Decimal:
    """``days`` in billing months (``hours_per_month`` hours each)."""
    return Decimal(datetime.timedelta(days=days) // HOUR) / t.assumptions.hours_per_month.value


def windows_per_month(t: PriceTable) -> Decimal:
    """The log-file windows of one account a month: one every ``log_file_minutes`` in every Region."""
    a = t.assumptions
    per_hour = Decimal(HOUR // MINUTE) / a.log_file_minutes.value
    return a.regions.value * per_hour * a.hours_per_month.value


@dataclass(frozen=True)
class Files:
    """Objects a trail writes for one account a month, and their average size."""

    count: Decimal
    bytes_each: Decimal
    #: Encrypted with the KMS key: log files are, digest files are SSE-S3.
    encrypted: bool


def log_files(events: Decimal, t: PriceTable, event_size: Decimal) -> Files:
    """The log files of one account's ``events`` a month.

    Events arrive at random (Poisson) across the account's windows (one every 5 minutes in each
    Region): a window with at least one event writes one file. That spreads events over every
    Region, so it is an upper bound on the file count; real accounts, busiest in their home
    Region, write fewer and larger files. Each file is its events' JSON, gzipped.
    """
    if events <= ZERO:
        return Files(ZERO, ZERO, encrypted=True)
    windows = windows_per_month(t)
    count = windows * (ONE - (-events / windows).exp())
    raw = events / count * event_size
    a = t.assumptions
    return Files(count, a.gzip_file_bytes.value + raw * a.gzip_ratio.value, encrypted=True)


def digest_files(accounts: int, t: PriceTable) -> Files:
    """The digest files a trail writes a month for ``accounts`` (one an hour per account and Region)."""
    a = t.assumptions
    count = accounts * a.regions.value * a.digest_files_per_hour.value * a.hours_per_month.value
    return Files(count, a.digest_file_bytes.value, encrypted=False)


@dataclass(frozen=True)
class Lifecycle:
    """What the log bucket's lifecycle rule does to one file, as S3 applies it."""

    #: S3 moves it to Glacier Flexible Retrieval (it is at least the default 128 KB).
    transitions: bool
    #: Months in S3 Standard, then months in Glacier.
    standard_months: Decimal
    glacier_months: Decimal


def lifecycle_of(bytes_each: Decimal, bucket: LogBucketConfig, t: PriceTable) -> Lifecycle:
    """The months a file spends in each class. The bucket is versioned, so expiration only makes a
    file noncurrent: it is deleted ``noncurrent_version_expiration_days`` later. Smaller than the
    lifecycle minimum (128 KB by default since S3 set ``all_storage_classes_128K``), it never moves."""
    lifetime = months(bucket.expiration_days + bucket.noncurrent_version_expiration_days, t)
    if bytes_each < t.assumptions.lifecycle_minimum_bytes.value:
        return Lifecycle(transitions=False, standard_months=lifetime, glacier_months=ZERO)
    standard = months(bucket.transition_to_glacier_days, t)
    return Lifecycle(transitions=True, standard_months=standard, glacier_months=lifetime - standard)


def _overhead_usd_per_month(t: PriceTable) -> Decimal:
    """The monthly cost of the metadata S3 Glacier Flexible Retrieval adds to one archived object."""
    a, p = t.assumptions, t.prices
    return (
        _gb(a.glacier_index_bytes.value, t) * p.glacier_storage.unit_usd
        + _gb(a.glacier_metadata_bytes.value, t) * p.s3_standard_storage.unit_usd
    )


def _s3_items(groups: list[Files], config: BaselineConfig, t: PriceTable) -> Iterator[LineItem]:
    """PUTs, storage, transitions, Glacier overhead and access logs of the files in the log bucket."""
    p, a, bucket = t.prices, t.assumptions, config.log_bucket
    puts = storage = overhead = transitions = records = ZERO
    small, moved = ZERO, ZERO
    for group in groups:
        life = lifecycle_of(group.bytes_each, bucket, t)
        gb = _gb(group.bytes_each, t)
        storage += (
            group.count
            * gb
            * (life.standard_months * p.s3_standard_storage.unit_usd + life.glacier_months * p.glacier_storage.unit_usd)
        )
        overhead += group.count * life.glacier_months * _overhead_usd_per_month(t)
        puts += group.count
        records += group.count * a.access_log_records_per_object.value
        if life.transitions:
            transitions += group.count
            records += group.count
            moved += group.count
        else:
            small += group.count
    lifetime_days = bucket.expiration_days + bucket.noncurrent_version_expiration_days
    yield LineItem(S3_PUTS, p.s3_put.of(puts), f"{puts:,.0f} files a month x {p.s3_put.shown()}")
    yield LineItem(
        S3_STORAGE,
        storage,
        f"each file kept {lifetime_days} days (expiration_days {bucket.expiration_days} + "
        f"noncurrent_version_expiration_days {bucket.noncurrent_version_expiration_days}: the bucket is versioned); "
        f"{small:,.0f} a month under {a.lifecycle_minimum_bytes.value / a.bytes_per_kb.value:,.0f} KB stay in S3 "
        f"Standard, {moved:,.0f} move to Glacier after {bucket.transition_to_glacier_days} days",
    )
    yield LineItem(
        S3_TRANSITIONS,
        p.glacier_transition.of(transitions),
        f"{transitions:,.0f} a month x {p.glacier_transition.shown()}",
    )
    yield LineItem(
        GLACIER_OVERHEAD,
        overhead,
        f"{a.glacier_index_bytes.value / a.bytes_per_kb.value:,.0f} KB at the Glacier rate + "
        f"{a.glacier_metadata_bytes.value / a.bytes_per_kb.value:,.0f} KB at the Standard rate per archived file",
    )
    if bucket.access_logging:
        usd = records * _gb(a.access_log_record_bytes.value, t) * months(lifetime_days, t)
        usd *= p.s3_standard_storage.unit_usd
        yield LineItem(
            ACCESS_LOGS,
            usd,
            f"{records:,.0f} records a month x {a.access_log_record_bytes.value:,} bytes, kept {lifetime_days} days "
            "in S3 Standard (an approximation: their delivery requests are not counted)",
        )
    else:
        yield LineItem(ACCESS_LOGS, ZERO, "log_bucket.access_logging is off")


def _not_applicable(item: str, why: str) -> LineItem:
    return LineItem(item, ZERO, why)


def _trail_items(config: BaselineConfig, choice: Choice, volumes: Volumes | None, t: PriceTable) -> Iterator[LineItem]:
    """The items of the trail, the log group and the log bucket: zero for ``existing``."""
    p, a = t.prices, t.assumptions
    bucket_items = (S3_PUTS, S3_STORAGE, S3_TRANSITIONS, GLACIER_OVERHEAD, ACCESS_LOGS, KMS_REQUESTS)
    if choice.mode == "existing":
        yield _not_applicable(TRAIL_COPIES, "no trail of its own: the existing trail's copy is already paid for")
        yield _not_applicable(
            LOGS_INGESTION, "the existing log group's ingestion is already paid by whoever owns that trail"
        )
        yield _not_applicable(LOGS_STORAGE, "the existing log group's storage is already paid for")
        for item in bucket_items:
            yield _not_applicable(item, "no bucket of its own")
        return
    if volumes is None:
        for item in (TRAIL_COPIES, LOGS_INGESTION, LOGS_STORAGE, *bucket_items):
            yield _not_applicable(item, NEEDS_VOLUMES)
        return
    size, m = volumes.event_size_bytes, volumes.management_account_events
    organization_copies = volumes.all_events if volumes.other_trail else ZERO
    account_trail = choice.scope == "management-account"
    copies = organization_copies + (m if account_trail else ZERO)
    first = "a paid copy (another organization trail is the first)" if volumes.other_trail else "the free first copy"
    detail = f"the organization trail is {first}"
    if account_trail:
        detail += f"; the management account's own trail is a paid copy of its {m:,.0f} events"
    yield LineItem(
        TRAIL_COPIES,
        p.cloudtrail_paid_copy.of(copies),
        f"{copies:,.0f} events x {p.cloudtrail_paid_copy.shown()}; {detail}",
    )
    ingested = m if account_trail else volumes.all_events
    gb = _gb(ingested * size, t)
    whose = "the management account's events" if account_trail else "every account's events"
    yield LineItem(LOGS_INGESTION, p.logs_ingestion.of(gb), f"{gb:,.2f} GB a month ({whose} x {size:,.0f} bytes)")
    stored = gb * a.logs_storage_compression.value * months(config.log_retention_days, t)
    yield LineItem(
        LOGS_STORAGE,
        p.logs_storage.of(stored),
        f"{stored:,.2f} GB kept: {config.log_retention_days} days of {gb:,.2f} GB, compressed to "
        f"{a.logs_storage_compression.value:%}",
    )
    members, management = log_files(volumes.events_per_account, t, size), log_files(m, t, size)
    groups = [
        replace(members, count=members.count * (volumes.accounts - ONE)),
        management,
        digest_files(volumes.accounts, t),
        *([management, digest_files(1, t)] if account_trail else []),
    ]
    yield from _s3_items(groups, config, t)
    encrypted = sum((group.count for group in groups if group.encrypted), ZERO)
    if config.kms_encryption:
        yield LineItem(
            KMS_REQUESTS,
            p.kms_requests.of(encrypted),
            f"{encrypted:,.0f} GenerateDataKey a month (SSE-KMS without an S3 Bucket Key) x {p.kms_requests.shown()}, "
            f"{p.kms_requests.free:,} free",
        )
    else:
        yield _not_applicable(KMS_REQUESTS, "kms_encryption is off")


def detections_of(config: BaselineConfig) -> tuple[int, int, int]:
    """How many metric filters, alarms and EventBridge rules the config builds: a filter and an
    alarm per log detection that is on, the billing alarm on the organization's total when its
    limit is set, a rule per event detection that is on and one per alarm for its message (as
    ``ops.verify.Expected`` lists them by name; a test keeps the two in step)."""
    enabled = [entry for entry in CATALOGUE.values() if config.detections.choice_for(entry).enabled]
    filters = len([entry for entry in enabled if not isinstance(entry, EventDetection)])
    alarms = filters + (0 if config.billing.organization_limit_usd is None else 1)
    return filters, alarms, len(enabled) - filters + alarms


def _fixed_items(config: BaselineConfig, t: PriceTable) -> Iterator[LineItem]:
    """The items that do not depend on the volumes: the key, the alarms and their metrics, the rest."""
    p, a = t.prices, t.assumptions
    filters, alarms, rules = detections_of(config)
    yield (
        LineItem(KMS_KEY, p.kms_key.of(ONE), p.kms_key.shown())
        if config.kms_encryption
        else _not_applicable(KMS_KEY, "kms_encryption is off")
    )
    yield LineItem(ALARMS, p.alarm.of(Decimal(alarms)), f"{alarms} alarms x {p.alarm.shown()}")
    share = a.metric_active_share.value
    yield LineItem(
        METRICS,
        p.custom_metric.of(filters * share),
        f"{filters} filters x {p.custom_metric.shown()}, billed {share:%} of the month (an upper bound: without a "
        "default value a filter publishes only when an event matches)",
    )
    notifications = a.alert_notifications.value
    yield LineItem(
        EVENTBRIDGE,
        p.eventbridge_aws_events.of(notifications),
        f"{rules} rules on AWS service events: {p.eventbridge_aws_events.shown()}",
    )
    emails = notifications * len(config.alert_emails)
    yield LineItem(SNS, p.sns_email.of(emails), f"{emails:,.0f} emails a month (estimated), {p.sns_email.free:,} free")
    yield LineItem(
        SQS, p.sqs_requests.of(notifications), f"{notifications:,.0f} requests a month, {p.sqs_requests.free:,} free"
    )
    budgets = ONE if config.create_budget else ZERO
    monitors = ONE if config.billing.anomaly_monitor == "create" else ZERO
    yield LineItem(BILLING, p.budgets.of(budgets) + p.anomaly_detection.of(monitors), "no charge for either")


def estimate(
    config: BaselineConfig, choice: Choice, volumes: Volumes | None, prices: PriceTable | None = None
) -> Estimate:
    """The baseline's monthly cost for ``choice`` at ``volumes`` (None: the fixed items only)."""
    t = prices or default_prices()
    found = {item.item: item for item in (*_trail_items(config, choice, volumes, t), *_fixed_items(config, t))}
    return Estimate(choice, tuple(found[name] for name in ITEMS))


def estimates(config: BaselineConfig, volumes: Volumes | None, prices: PriceTable | None = None) -> list[Estimate]:
    """An estimate for each of :data:`CHOICES`."""
    return [estimate(config, choice, volumes, prices) for choice in CHOICES]


# --- what the docs say -----------------------------------------------------------------------


def crossover_accounts(config: BaselineConfig, volumes: Volumes, prices: PriceTable | None = None) -> int | None:
    """The fewest accounts from which ``management-account`` costs less than ``organization``.

    Every member account adds its ingestion and storage to the organization scope only; the
    management-account scope pays instead a second copy of the management account's events
    (and its files). Worked out from the whole estimate: the difference grows by the same
    amount with each account, but the KMS free tier bends it a little, so the linear guess
    is checked and moved until it is the fewest. None: never (members with no events).
    """

    def gap(accounts: int) -> Decimal:
        at = replace(volumes, accounts=accounts)
        organization = estimate(config, CREATE_ORGANIZATION, at, prices).total
        return organization - estimate(config, CREATE_MANAGEMENT_ACCOUNT, at, prices).total

    first = gap(1)
    if first > ZERO:
        return 1
    step = gap(2) - first
    if step <= ZERO:
        return None
    accounts = 1 + int(-first // step) + 1
    while gap(accounts) <= ZERO:
        accounts += 1
    while accounts > 1 and gap(accounts - 1) > ZERO:
        accounts -= 1
    return accounts


@dataclass(frozen=True)
class LifecycleAdvice:
    """When the log bucket's Glacier transition pays for itself, from the prices."""

    #: The smallest object whose transition costs less than keeping it in S3 Standard for the rest
    #: of its life (the transition request and the per-object overhead against the cheaper GB).
    break_even_bytes: Decimal
    #: S3 transitions nothing smaller (the lifecycle's default minimum object size).
    minimum_bytes: Decimal
    #: Days a file spends in Glacier after the transition.
    glacier_days: int


def lifecycle_advice(bucket: LogBucketConfig, prices: PriceTable | None = None) -> LifecycleAdvice:
    """The break-even object size of a Glacier Flexible Retrieval transition, for ``bucket``'s lifecycle."""
    t = prices or default_prices()
    p = t.prices
    glacier_days = (
        bucket.expiration_days + bucket.noncurrent_version_expiration_days - bucket.transition_to_glacier_days
    )
    stay = months(glacier_days, t)
    saving_per_gb_month = p.s3_standard_storage.unit_usd - p.glacier_storage.unit_usd
    cost_per_month = p.glacier_transition.unit_usd / stay + _overhead_usd_per_month(t)
    break_even = cost_per_month / saving_per_gb_month * t.assumptions.bytes_per_gb.value
    return LifecycleAdvice(break_even, t.assumptions.lifecycle_minimum_bytes.value, glacier_days)


# --- the budget -------------------------------------------------------------------------------


def config_volumes(
    config: BaselineConfig,
    prices: PriceTable | None = None,
    *,
    accounts: int | None = None,
    events_per_account: Decimal | None = None,
    management_account_events: Decimal | None = None,
    event_size: Decimal | None = None,
    other_trail: bool = True,
) -> Volumes | None:
    """The volumes given (``./run cost``'s options), else those of the config's ``[cost]``, with
    the assumed event size unless given; None unless both the accounts and the events per account
    are known. The management account's events default to the events per account."""
    cost = config.cost
    count = accounts or cost.accounts
    events = events_per_account or _decimal(cost.events_per_account)
    if count is None or events is None:
        return None
    t = prices or default_prices()
    management = management_account_events or _decimal(cost.management_account_events) or events
    return Volumes(count, events, management, event_size or t.assumptions.event_size_bytes.value, other_trail)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def config_estimate(config: BaselineConfig, prices: PriceTable | None = None) -> Estimate:
    """The estimate of the config's own choice at the volumes of its ``[cost]`` (the fixed items
    only without them)."""
    return estimate(config, choice_of(config), config_volumes(config, prices), prices)


def budget_warnings(config: BaselineConfig, estimate: Estimate) -> list[str]:
    """One line when the management account's budget is below the baseline's own estimated cost:
    the budget would alert every month for the baseline alone."""
    limit = Decimal(str(config.billing.management_account_limit_usd))
    if not config.create_budget or estimate.total <= limit:
        return []
    volumes = config_volumes(config)
    basis = (
        f"{estimate.choice.label}, {volumes.accounts} accounts of {volumes.events_per_account:,.0f} events a month, "
        "another organization trail assumed"
        if volumes is not None
        else "its key, alarms and metrics alone: set [cost] accounts and events_per_account for the rest"
    )
    shown = f"{config.billing.management_account_limit_usd:g}"
    return [
        f"warning: billing.management_account_limit_usd ({shown}) is below the baseline's own estimated cost of "
        f"{estimate.total:,.2f} USD a month ({basis}): its budget would alert every month; raise the limit "
        "(./run cost shows the estimate)"
    ]


def duplicate_cost_text(config: BaselineConfig, *, organization: bool, prices: PriceTable | None = None) -> str:
    """What a paid copy of management events costs a month, for ``./run verify``'s warning about a
    second trail: every account's events (``organization``) or the management account's, at the
    volumes of the config's ``[cost]``; the price alone without them."""
    t = prices or default_prices()
    price, volumes = t.prices.cloudtrail_paid_copy, config_volumes(config, prices)
    if volumes is None:
        return f"A paid copy costs {price.shown()}; set [cost] in the config for the figure (./run cost)."
    events = volumes.all_events if organization else volumes.management_account_events
    return (
        f"At the [cost] volumes it costs {price.of(events):,.2f} USD a month ({events:,.0f} events x {price.shown()})."
    )


def fields_of_prices(t: PriceTable) -> list[tuple[str, Price]]:
    """Every price of the table with its name, in the file's order."""
    return [(item.name, getattr(t.prices, item.name)) for item in fields(Prices)]
