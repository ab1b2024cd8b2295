"""The operator commands: ``verify``, ``drill``, ``cost``, ``config init`` and ``config check``.

Exit codes: 0 all good, 1 something failed, 2 bad input (a config value, an argument) or an SDK
call that failed for the endpoint, the network or the credentials: one line naming the call and
the cause, never a traceback. ``--json`` prints the shape documented in :mod:`ops.report` (and
docs/operate.md).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.config import BaselineConfig, deprecation_warnings
from app.load import ConfigError, config_problems, load_config
from app.renames import rename_since_last_synth, rename_warning
from app.template import config_template
from ops.aws import SDK_FAILURES, Aws, failure_line
from ops.cost import (
    ITEMS,
    Estimate,
    PriceFileError,
    PriceTable,
    Volumes,
    budget_warnings,
    choice_of,
    config_estimate,
    config_volumes,
    crossover_accounts,
    default_prices,
    estimates,
    lifecycle_advice,
)
from ops.drill import MAX_MARKER, Drill, DrillCleanUpError
from ops.measure import Measured, NoDatapointsError, measure
from ops.report import Result, Status, all_ok, as_json
from ops.verify import verify as run_verify

EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 1, 2, 130
CONFIG_ENV = "BASELINE_CONFIG"

app = typer.Typer(
    help="Check and exercise the deployed management account baseline (the standard AWS SDK "
    "environment: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
config_app = typer.Typer(help="Write a commented config file, or check one.", no_args_is_help=True)
app.add_typer(config_app, name="config")

out, err = Console(), Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar=CONFIG_ENV, help="The config file of the synth (default: the built-in defaults)."),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for CI instead of a table (shape: docs/operate.md).")
]

_STYLES = {
    Status.PASS: "green",
    Status.FAIL: "bold red",
    Status.WARN: "bold yellow",
    Status.SKIP: "dim",
    Status.MANUAL: "yellow",
    Status.PLANNED: "cyan",
}


def _bad_input(message: str) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _stopped(line: str) -> typer.Exit:
    """The one line that ends a command an SDK call failed in (exit 2)."""
    err.print(line, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


@contextmanager
def _sdk_calls(command: str) -> Iterator[None]:
    """Any SDK call that fails in the block ends ``command`` with one line naming the call and
    the cause, exit 2 (what fails within a check or a step is that item's failure instead)."""
    try:
        yield
    except SDK_FAILURES as error:
        raise _stopped(f"{command}: {failure_line(error)}") from None


def _config(path: Path | None) -> BaselineConfig:
    try:
        return load_config(path)
    except ConfigError as error:
        raise _bad_input(str(error)) from None


def _aws(settings: BaselineConfig) -> Aws:
    """The account of the SDK environment (in the config's region unless the environment names
    one), read by one call that proves the credentials and the endpoint (in :func:`_sdk_calls`)."""
    aws = Aws(default_region=settings.region)
    aws.account_id  # noqa: B018
    return aws


@contextmanager
def _progress(json_output: bool) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr naming the step under way (none for --json in a pipe)."""
    if json_output and not err.is_terminal:
        yield lambda _label: None
        return
    with err.status("starting") as status:
        yield lambda label: status.update(f"{label} ...")


def _report(command: str, title: str, results: Sequence[Result], json_output: bool) -> None:
    _print_report(command, title, results, json_output)
    if not all_ok(results):
        raise typer.Exit(EXIT_FAILED)


def _print_report(command: str, title: str, results: Sequence[Result], json_output: bool) -> None:
    if json_output:
        print(json.dumps(as_json(command, results), indent=2))
    else:
        table = Table(title=title, show_lines=False)
        for column in ("item", "status", "detail", "fix"):
            table.add_column(column, overflow="fold")
        for result in results:
            status = f"[{_STYLES[result.status]}]{result.status}[/]"
            table.add_row(result.item, status, result.detail, result.fix or "", style=None)
        out.print(table)


@app.command()
def verify(
    config: ConfigOption = None,
    json_output: JsonOption = False,
    since_hours: Annotated[
        int, typer.Option(min=1, max=2160, help="How recent the last trail event in the log group must be.")
    ] = 24,
    failures_days: Annotated[
        int, typer.Option(min=1, max=90, help="How far back a failed alarm notification or rule invocation counts.")
    ] = 3,
) -> None:
    """Read-only: check that the deployed baseline can deliver an alert to a person.

    One line per item; every failure names the manual step or setting that fixes it.
    """
    settings = _config(config)
    with _sdk_calls("verify"):
        aws = _aws(settings)
        with _progress(json_output) as progress:
            results = run_verify(
                settings,
                aws,
                datetime.timedelta(hours=since_hours),
                progress,
                lookback=datetime.timedelta(days=failures_days),
            )
    _report("verify", f"verify {settings.name_prefix} in {aws.account_id}", results, json_output)


@app.command()
def drill(
    config: ConfigOption = None,
    json_output: JsonOption = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what the drill would do.")] = False,
    wait_seconds: Annotated[
        int, typer.Option(min=0, max=1800, help="How long to wait for CloudWatch to record deliveries.")
    ] = 180,
    marker: Annotated[
        str | None, typer.Option(help="Text that marks the drill's messages (default: drill-<random>).")
    ] = None,
) -> None:
    """The fire drill: every alert path to the topic, end to end; then clean up.

    Sets each alarm to ALARM and back, sends one event through a temporary rule, publishes a
    test message. Everything it creates is removed, also on Ctrl-C.
    """
    settings = _config(config)
    if marker is not None and not (marker.replace("-", "").isalnum() and len(marker) <= MAX_MARKER):
        raise _bad_input(f"--marker: must be 1-{MAX_MARKER} letters, digits and hyphens (got {marker!r})")
    if dry_run:
        plan = Drill(settings, Aws(default_region=settings.region), marker=marker).plan()
        _report("drill", f"drill {settings.name_prefix} (dry run)", plan, json_output)
        return
    with _sdk_calls("drill"):
        aws = _aws(settings)
    # A cancelled CI job or `kill` ends the drill like Ctrl-C does: after its clean-up.
    signal.signal(signal.SIGTERM, _interrupt)
    fire_drill = Drill(settings, aws, marker=marker, wait=datetime.timedelta(seconds=wait_seconds))
    results: list[Result] = []
    try:
        with _progress(json_output) as progress, fire_drill:
            fire_drill.progress = progress
            results = fire_drill.run()
    except KeyboardInterrupt as interrupt:
        err.print(f"interrupted: {_left(interrupt)}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except DrillCleanUpError as error:  # the drill ran; its clean-up did not finish
        if results:
            _print_report("drill", _drill_title(fire_drill, aws), results, json_output)
        raise _stopped(f"drill: clean-up: {error}") from None
    except SDK_FAILURES as error:  # the drill stopped; its clean-up ran on the way out
        raise _stopped(f"drill: {failure_line(error)}; {_left(error)}") from None
    _report("drill", _drill_title(fire_drill, aws), results, json_output)


def _drill_title(fire_drill: Drill, aws: Aws) -> str:
    return f"drill {fire_drill.marker} of {fire_drill.expected.names.prefix} in {aws.account_id}"


def _left(error: BaseException) -> str:
    """What the drill's clean-up left (its notes on the error that ended the drill), or that it left nothing."""
    left = list(getattr(error, "__notes__", []))
    return "; ".join(left) if left else "the drill's rule is deleted and its alarms are set back"


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _whole_count(option: str, text: str | None) -> int | None:
    """``text`` as a number of accounts: a whole number of at least 1 (bad input otherwise)."""
    if text is None:
        return None
    if not (re.fullmatch(r"[0-9]+", text.strip()) and int(text) >= 1):
        raise _bad_input(f"{option} must be a whole number of at least 1 (got {text!r})")
    return int(text)


def _positive(option: str, text: str | None) -> Decimal | None:
    """``text`` as a volume or size: a finite number greater than 0 (bad input otherwise)."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        raise _bad_input(f"{option} must be a finite number greater than 0 (got {text!r})")
    return value


def _measured_volumes(
    settings: BaselineConfig, prices: PriceTable, measured: Measured, events_per_account: Decimal | None
) -> tuple[Volumes, list[str]]:
    """The volumes the log group shows, and what the notes must say about them."""
    monthly = measured.events_per_month(prices.assumptions.hours_per_month.value)
    size = measured.event_size_bytes
    other = bool(measured.other_trails)
    said = [
        f"measured: {measured.log_group} received {measured.incoming_events:,.0f} events, "
        f"{measured.incoming_bytes:,.0f} bytes in {measured.days} days ({size:,.0f} bytes an event); "
        f"{measured.accounts} active accounts; "
        + (
            f"another organization trail: {', '.join(measured.other_trails)}"
            if other
            else "no organization trail besides the baseline's"
        )
    ]
    if choice_of(settings).scope == "management-account":
        if events_per_account is None:
            said.append(
                "events per member account: unknown (the log group holds the management account's alone); "
                "shown at the management account's rate: pass --events-per-account"
            )
        members = monthly if events_per_account is None else events_per_account
        return Volumes(measured.accounts, members, monthly, size, other), said
    per_account = monthly / measured.accounts
    return Volumes(measured.accounts, per_account, per_account, size, other), said


def _notes(
    settings: BaselineConfig, prices: PriceTable, volumes: Volumes, crossover: int | None, measured_notes: list[str]
) -> list[str]:
    """What the table assumes, where each figure comes from, and the crossover."""
    a = prices.assumptions
    size_source = "measured" if measured_notes else f"assumed ({a.event_size_bytes.source})"
    advice = lifecycle_advice(settings.log_bucket, prices)
    kb = a.bytes_per_kb.value
    return [
        *measured_notes,
        f"volumes: {volumes.accounts:,} accounts; {volumes.events_per_account:,.0f} management events a month per "
        f"member account, {volumes.management_account_events:,.0f} for the management account; "
        f"{volumes.event_size_bytes:,.0f} bytes an event ({size_source}); "
        + (
            "another organization trail exists (the baseline's is a paid copy)"
            if volumes.other_trail
            else "no other organization trail (the baseline's is the free first copy)"
        ),
        f"assumptions: a multi-Region trail writes in {a.regions.value} Regions, a log file per "
        f"{a.log_file_minutes.value} minutes per account and Region with events and a digest file an hour; "
        f"log files gzip to {a.gzip_file_bytes.value} bytes + {a.gzip_ratio.value:%} of their JSON; CloudWatch Logs "
        f"stores {a.logs_storage_compression.value:%} of what it ingests (AWS Pricing Calculator)",
        f"lifecycle: files under {advice.minimum_bytes / kb:,.0f} KB never move to Glacier; a transition pays for "
        f"itself from {advice.break_even_bytes / kb:,.1f} KB ({advice.glacier_days} days in Glacier)",
        (
            f"crossover: management-account costs less than organization from {crossover:,} accounts on"
            if crossover is not None
            else "crossover: organization always costs less than management-account at these volumes"
        ),
        f"prices: ops/prices.toml, {prices.region} list prices read {prices.read.isoformat()}; --json has each "
        "item's arithmetic",
    ]


def _usd(value: Decimal) -> float:
    return float(round(value, 4))


def _cost_json(
    *,
    settings: BaselineConfig,
    volumes: Volumes,
    results: list[Estimate],
    notes: list[str],
    prices: PriceTable,
    measured: Measured | None,
    crossover: int | None,
) -> dict[str, object]:
    advice = lifecycle_advice(settings.log_bucket, prices)
    return {
        "command": "cost",
        "ok": True,
        "region": prices.region,
        "prices_read": prices.read.isoformat(),
        "volumes": {
            "accounts": volumes.accounts,
            "events_per_account": float(volumes.events_per_account),
            "management_account_events": float(volumes.management_account_events),
            "event_size_bytes": float(volumes.event_size_bytes),
            "other_trail": volumes.other_trail,
            "measured": None
            if measured is None
            else {
                "log_group": measured.log_group,
                "days": measured.days,
                "incoming_bytes": float(measured.incoming_bytes),
                "incoming_log_events": float(measured.incoming_events),
                "accounts": measured.accounts,
                "other_trails": list(measured.other_trails),
            },
        },
        "configured": choice_of(settings).label,
        "choices": [
            {
                "choice": result.choice.label,
                "mode": result.choice.mode,
                "cloudwatch_logs_scope": result.choice.scope,
                "total_usd": _usd(result.total),
                "items": [{"item": line.item, "usd": _usd(line.usd), "detail": line.detail} for line in result.items],
            }
            for result in results
        ],
        "crossover_accounts": crossover,
        "lifecycle": {
            "minimum_bytes": float(advice.minimum_bytes),
            "break_even_bytes": float(round(advice.break_even_bytes)),
        },
        "notes": notes,
    }


@app.command()
def cost(
    *,
    config: ConfigOption = None,
    json_output: JsonOption = False,
    accounts: Annotated[
        str | None,
        typer.Option("--accounts", metavar="N", help="Accounts of the organization, the management account included."),
    ] = None,
    events_per_account: Annotated[
        str | None,
        typer.Option("--events-per-account", metavar="E", help="Management events a month of each member account."),
    ] = None,
    management_account_events: Annotated[
        str | None,
        typer.Option(
            "--management-account-events", metavar="M", help="The management account's own events a month (default: E)."
        ),
    ] = None,
    event_size: Annotated[
        str | None,
        typer.Option(
            "--event-size", metavar="BYTES", help="Average bytes of an event (default: 1,500, ops/prices.toml)."
        ),
    ] = None,
    other_trail: Annotated[
        bool,
        typer.Option(
            "--other-trail/--no-other-trail",
            help="The organization already has an organization trail (Control Tower): the baseline's is a paid copy. "
            "--from-account reads it from the account's trails.",
        ),
    ] = True,
    from_account: Annotated[
        bool,
        typer.Option(
            "--from-account", help="Measure the volumes: the log group's last 30 days and the organization's accounts."
        ),
    ] = False,
) -> None:
    """The baseline's own monthly cost for each trail mode and CloudWatch Logs scope.

    Offline from --accounts and --events-per-account (or the config's cost table), or measured
    in the account with --from-account. Every price comes from ops/prices.toml.
    """
    count = _whole_count("--accounts", accounts)
    per_account = _positive("--events-per-account", events_per_account)
    management = _positive("--management-account-events", management_account_events)
    size = _positive("--event-size", event_size)
    settings = _config(config)
    try:
        prices = default_prices()
    except PriceFileError as error:
        raise _bad_input(str(error)) from None
    measured: Measured | None = None
    if from_account:
        given = [
            name
            for name, value in (
                ("--accounts", count),
                ("--management-account-events", management),
                ("--event-size", size),
            )
            if value is not None
        ]
        if given:
            raise _bad_input(f"--from-account measures the volumes: leave out {', '.join(given)}")
        if per_account is not None and choice_of(settings).scope != "management-account":
            raise _bad_input(
                "--events-per-account: --from-account measures it (the log group holds every account's events); "
                "leave it out"
            )
        try:
            with _sdk_calls("cost"):
                measured = measure(_aws(settings), settings)
        except NoDatapointsError as error:
            err.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_FAILED) from None
        volumes, measured_notes = _measured_volumes(settings, prices, measured, per_account)
    else:
        offline = config_volumes(
            settings,
            prices,
            accounts=count,
            events_per_account=per_account,
            management_account_events=management,
            event_size=size,
            other_trail=other_trail,
        )
        if offline is None:
            missing = "--accounts" if (count or settings.cost.accounts) is None else "--events-per-account"
            raise _bad_input(f"{missing} is needed (or [cost] in the config), or measure with --from-account")
        volumes, measured_notes = offline, []
    results = estimates(settings, volumes, prices)
    crossover = crossover_accounts(settings, volumes, prices)
    notes = _notes(settings, prices, volumes, crossover, measured_notes)
    if json_output:
        report = _cost_json(
            settings=settings,
            volumes=volumes,
            results=results,
            notes=notes,
            prices=prices,
            measured=measured,
            crossover=crossover,
        )
        print(json.dumps(report, indent=2))
        return
    configured = choice_of(settings)
    table = Table(title=f"{settings.name_prefix}: the baseline's own cost a month (USD)")
    table.add_column("item", overflow="fold")
    for result in results:
        mark = " (config)" if result.choice == configured else ""
        table.add_column(f"{result.choice.label}{mark}", justify="right")
    for item in ITEMS:
        table.add_row(item, *(f"{result.usd(item):,.2f}" for result in results))
    table.add_row("total", *(f"{result.total:,.2f}" for result in results), style="bold")
    out.print(table)
    for note in notes:
        out.print(note, markup=False, highlight=False, soft_wrap=True)


@config_app.command("init")
def config_init(
    path: Annotated[Path, typer.Argument(help="Where to write the config (- for standard output).")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a commented config with every field, its default and what is allowed."""
    text = config_template()
    if str(path) == "-":
        sys.stdout.write(text)
        return
    if path.exists() and not force:
        raise _bad_input(f"{path}: exists; choose another path or pass --force to replace it")
    if not path.parent.is_dir():
        raise _bad_input(f"{path}: its folder {path.parent} does not exist")
    # Written next to the target and renamed into place: never a half-written config.
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        Path(staging).replace(path)
    finally:
        Path(staging).unlink(missing_ok=True)
    err.print(f"wrote {path}; check it with ./run config check {path}", highlight=False)


@config_app.command("check")
def config_check(
    path: Annotated[Path, typer.Argument(help="The config file to check.")],
    outdir: Annotated[
        Path,
        typer.Option(help="The output folder of the last synth: a new name_prefix is compared with it."),
    ] = Path("cdktf.out"),
    json_output: JsonOption = False,
) -> None:
    """Check a config file and print every problem, each naming its field, and what a new
    name_prefix would replace."""
    problems = config_problems(path)
    warnings: list[str] = []
    if not problems:
        config = load_config(path)
        rename = rename_since_last_synth(config, outdir)
        found = [
            *deprecation_warnings(config),
            *budget_warnings(config, config_estimate(config)),
            *([rename_warning(rename, config)] if rename else []),
        ]
        warnings = [warning.removeprefix("warning: ") for warning in found]
    if json_output:
        report = {"command": "config check", "file": str(path), "ok": not problems, "problems": problems}
        print(json.dumps({**report, "warnings": warnings}))
    elif problems:
        for problem in problems:
            err.print(f"{path}: {problem}", markup=False, highlight=False, soft_wrap=True)
    else:
        for warning in warnings:
            err.print(f"{path}: warning: {warning}", markup=False, highlight=False, soft_wrap=True)
        out.print(f"{path}: valid", highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(EXIT_BAD_INPUT)


def main() -> None:
    app()
