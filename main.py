#!/usr/bin/env python
"""Synthesize the management account baseline to Terraform JSON.

    python main.py [--config baseline.toml] [--outdir cdktf.out]

``cdktf synth`` runs this file too (``app`` in cdktf.json); there the config path comes
from the ``BASELINE_CONFIG`` environment variable and the output folder from the CLI.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

from constructs_lib.config import BaselineConfig, ConfigError, load_config

CONFIG_ENV = "BASELINE_CONFIG"
EXIT_BAD_INPUT = 2
#: What ``terraform init`` leaves in a stack folder; kept across synths so that a
#: re-synth does not force a new init.
TERRAFORM_WORKING_FILES = (".terraform", ".terraform.lock.hcl")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config",
        default=os.environ.get(CONFIG_ENV) or None,
        help=f"TOML config file (default: ${CONFIG_ENV}, else the built-in defaults)",
    )
    parser.add_argument(
        "--outdir",
        default=os.environ.get("CDKTF_OUTDIR") or "cdktf.out",
        help="output folder (default: $CDKTF_OUTDIR, else cdktf.out)",
    )
    return parser.parse_args(argv)


def synthesize(config: BaselineConfig, outdir: Path) -> None:
    """Synthesize into a fresh sibling folder, then swap it in: never a half-written outdir."""
    from constructs_lib.stacks import build_app  # the provider bindings load only when needed

    outdir = outdir.resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}-", dir=outdir.parent))
    try:
        build_app(config, outdir=str(staging)).synth()
        if outdir.exists():
            _keep_terraform_working_files(outdir, staging)
            retired = outdir.with_name(f".{outdir.name}-old-{os.getpid()}")
            outdir.rename(retired)
            staging.rename(outdir)
            shutil.rmtree(retired)
        else:
            staging.rename(outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _keep_terraform_working_files(old: Path, new: Path) -> None:
    """Carry ``terraform init`` results (providers, lock file) over to the new output."""
    for stack in (old / "stacks").glob("*"):
        target = new / "stacks" / stack.name
        if not target.is_dir():
            continue
        for name in TERRAFORM_WORKING_FILES:
            if (stack / name).exists():
                (stack / name).rename(target / name)


def no_subscriber_warning(config: BaselineConfig) -> str | None:
    """The one-line warning for a config whose alerts would reach no one, else None."""
    if config.alert_emails:
        return None
    return (
        "warning: alert_emails is empty: alerts reach no one until someone subscribes to the "
        "alert topic (output alert_topic_arn; README, 'Manual steps')"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if warning := no_subscriber_warning(config):
        print(warning, file=sys.stderr)
    synthesize(config, Path(args.outdir))
    return 0


def exit_promptly(code: int) -> NoReturn:
    """End the process now, skipping Python's interpreter teardown.

    When :func:`main` returns, the output is complete on disk. What remains is Python
    finalizing thousands of jsii proxy objects and waiting for jsii's Node.js process,
    seconds that produce nothing (bench/README.md). ``os._exit`` skips that after flushing
    our streams; the Node.js process exits by itself when its stdin closes.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run() -> NoReturn:
    """``python main.py``: :func:`main`, then :func:`exit_promptly`, leaving no temporary files.

    jsii copies its JavaScript runtime into a new temporary folder at start and deletes it
    at interpreter exit, which ``os._exit`` skips: one folder left behind per synth. So this
    process's temporary files go into one folder of its own, removed before the exit.
    """
    scratch = tempfile.mkdtemp(prefix="baseline-synth-")
    # Registered before jsii registers its own cleanup: on an exit by exception, runs after it.
    atexit.register(shutil.rmtree, scratch, True)
    tempfile.tempdir = scratch
    code = main()
    tempfile.tempdir = None
    shutil.rmtree(scratch, ignore_errors=True)
    exit_promptly(code)


if __name__ == "__main__":
    run()
