"""The operator commands: ``verify``, ``drill``, ``config init`` and ``config check``.

Exit codes: 0 all good, 1 something failed, 2 bad input (a config value, an argument, no
credentials). ``--json`` prints the shape documented in :mod:`ops.report` (and docs/operate.md).
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.table import Table

from app.config import BaselineConfig, deprecation_warnings
from app.load import ConfigError, config_problems, load_config
from app.renames import rename_since_last_synth, rename_warning
from app.template import config_template
from ops.aws import Aws
from ops.drill import MAX_MARKER, Drill
from ops.report import Result, Status, all_ok, as_json, aws_error
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
    Status.SKIP: "dim",
    Status.MANUAL: "yellow",
    Status.PLANNED: "cyan",
}


def _bad_input(message: str) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _config(path: Path | None) -> BaselineConfig:
    try:
        return load_config(path)
    except ConfigError as error:
        raise _bad_input(str(error)) from None


def _aws() -> Aws:
    """The account of the SDK environment; no credentials or no answer is bad input."""
    aws = Aws()
    try:
        aws.account_id  # noqa: B018  # one call that proves the credentials and the endpoint
    except (ClientError, BotoCoreError) as error:
        raise _bad_input(f"cannot reach AWS with the SDK environment ({aws_error(error)})") from None
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
    if not all_ok(results):
        raise typer.Exit(EXIT_FAILED)


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
    aws = _aws()
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
        plan = Drill(settings, Aws(), marker=marker).plan()
        _report("drill", f"drill {settings.name_prefix} (dry run)", plan, json_output)
        return
    aws = _aws()
    # A cancelled CI job or `kill` ends the drill like Ctrl-C does: after its clean-up.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with (
            _progress(json_output) as progress,
            Drill(
                settings, aws, marker=marker, wait=datetime.timedelta(seconds=wait_seconds), progress=progress
            ) as fire_drill,
        ):
            results = fire_drill.run()
    except KeyboardInterrupt as interrupt:
        left = list(getattr(interrupt, "__notes__", []))
        err.print(
            "interrupted: " + ("; ".join(left) if left else "the drill's rule is deleted and its alarms are set back"),
            markup=False,
            highlight=False,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    _report("drill", f"drill {fire_drill.marker} of {settings.name_prefix} in {aws.account_id}", results, json_output)


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


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
        found = [*deprecation_warnings(config), *([rename_warning(rename, config)] if rename else [])]
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
