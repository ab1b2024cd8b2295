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

import runtime
from app.config import BaselineConfig, deprecation_warnings
from app.load import ConfigError, load_config
from app.renames import rename_since_last_synth, rename_warning

# The entry point chooses jsii's Node.js and lazy provider loading, before cdktf is imported.
runtime.install()

CONFIG_ENV = "BASELINE_CONFIG"
EXIT_BAD_INPUT = 2
#: What ``terraform init`` leaves in a stack folder; kept across synths so that a
#: re-synth does not force a new init.
TERRAFORM_WORKING_FILES = (".terraform", ".terraform.lock.hcl")
#: What a synth writes: an output folder holding anything else is not replaced.
SYNTH_FILES = ("manifest.json", "stacks")
STACK_FILES = ("cdk.tf.json", *TERRAFORM_WORKING_FILES)


class OutdirError(ValueError):
    """The output folder is something other than a synth output: replacing it would lose data."""


def check_replaceable(outdir: Path) -> None:
    """Raise :class:`OutdirError` unless ``outdir`` is absent, empty, or only a synth's output.

    A synth replaces the whole folder, so anything else in it (a source tree, a state file,
    a plan) would be deleted: refuse instead, naming what is there.
    """
    if outdir.is_symlink() or (outdir.exists() and not outdir.is_dir()):
        raise OutdirError(f"--outdir {outdir}: exists and is not a folder; refusing to replace it")
    if not outdir.exists():
        return
    stacks = outdir / "stacks"
    for entry in sorted(outdir.iterdir()):
        if entry.name not in SYNTH_FILES or (entry == stacks and not entry.is_dir()):
            _refuse(outdir, entry)
    for stack in sorted(stacks.iterdir()) if stacks.is_dir() else ():
        if not stack.is_dir() or stack.is_symlink():
            _refuse(outdir, stack)
        for entry in sorted(stack.iterdir()):
            if entry.name not in STACK_FILES:
                _refuse(outdir, entry)


def _refuse(outdir: Path, entry: Path) -> None:
    raise OutdirError(
        f"--outdir {outdir}: holds {entry.relative_to(outdir)}, which a synth does not write; "
        "refusing to replace it (choose a new or empty folder)"
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
    """Synthesize into a fresh sibling folder, then swap it in: never a half-written outdir.

    Raises :class:`OutdirError`, before writing anything, when ``outdir`` holds anything a
    synth does not write.
    """
    outdir = outdir.absolute()  # not resolve(): a symbolic link is refused, not followed
    check_replaceable(outdir)
    from app.stacks import build_app  # the provider bindings load only when needed

    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}-", dir=outdir.parent))
    except OSError as error:
        blocking = next((parent for parent in outdir.parents if parent.exists() and not parent.is_dir()), None)
        reason = f"{blocking} is not a folder" if blocking else error.strerror
        raise OutdirError(f"--outdir {outdir}: cannot create it ({reason})") from None
    try:
        # mkdtemp makes 0700; the output gets the mode the user's umask gives a new folder.
        staging.chmod(0o777 & ~_umask())
        build_app(config, outdir=str(staging), final_outdir=outdir).synth()
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
        rename = rename_since_last_synth(config, Path(args.outdir))
        synthesize(config, Path(args.outdir))
    except (ConfigError, OutdirError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    # The cost model reads its price file: imported only once the synth is written.
    from ops.cost import budget_warnings, config_estimate

    for warning in (
        *deprecation_warnings(config),
        no_subscriber_warning(config),
        rename and rename_warning(rename, config),
        *budget_warnings(config, config_estimate(config)),
    ):
        if warning:
            print(warning, file=sys.stderr)
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
