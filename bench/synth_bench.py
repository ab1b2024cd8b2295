#!/usr/bin/env python
"""Synth time and memory: the project's entry point against the reference, warm and cold.

    ./run bench [--runs 5]

For each of the project (``python main.py``) and the reference (``bench/reference_synth.py``:
the same stacks, plain imports, no tuning), synthesizes the every-option stack
(``bench/all-options.toml``) several times and prints the median and spread of the wall
time and of the peak resident memory of the whole process tree (Python and jsii's Node.js,
sampled from /proc every 10 ms). "warm" runs share a jsii package cache that one untimed
run filled; each "cold" run gets a fresh, empty one (``JSII_RUNTIME_PACKAGE_CACHE_ROOT``).
Runs alternate between the two sides, so that both see the same machine; ratios are
reference / project from the same run of this script.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "bench" / "all-options.toml"
PYTHON = sys.executable


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text(encoding="ascii").split()]
    except OSError:
        pass
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, now."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += _rss_kib(pid)
        pending += _children(pid)
    return total


@dataclass
class Sample:
    seconds: float
    peak_mib: float


def measure(command: list[str], env: dict[str, str]) -> Sample:
    """Run ``command`` once; its wall time and the peak memory of its process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr.decode()[-2000:]}")
    return Sample(seconds, peak / 1024)


@dataclass
class Series:
    name: str
    samples: list[Sample] = field(default_factory=list)

    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]

    def peaks(self) -> list[float]:
        return [s.peak_mib for s in self.samples]

    def row(self) -> str:
        seconds, peaks = self.seconds(), self.peaks()
        return (
            f"{self.name:<22} {statistics.median(seconds):7.2f} s  ({min(seconds):.2f}-{max(seconds):.2f})"
            f"   {statistics.median(peaks):7.0f} MiB  ({min(peaks):.0f}-{max(peaks):.0f})"
        )


def commands(outdir: Path) -> dict[str, list[str]]:
    return {
        "project": [PYTHON, "main.py", "--config", str(CONFIG), "--outdir", str(outdir / "project")],
        "reference": [PYTHON, "bench/reference_synth.py", f"{outdir / 'reference'}={CONFIG}"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side and mode (default 5)")
    args = parser.parse_args()
    results: dict[str, Series] = {}
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as scratch:
        base = Path(scratch)
        warm_cache = base / "jsii-cache-warm"
        env = {**os.environ, "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(warm_cache)}
        for command in commands(base).values():  # fill the warm cache, untimed
            measure(command, env)
        for mode in ("warm", "cold"):
            for run in range(args.runs):
                for name, command in commands(base).items():
                    run_env = env
                    if mode == "cold":
                        cold_cache = base / f"jsii-cache-cold-{name}-{run}"
                        run_env = {**os.environ, "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(cold_cache)}
                    results.setdefault(f"{name} {mode}", Series(f"{name} {mode}")).samples.append(
                        measure(command, run_env)
                    )
    print(f"full synth of bench/all-options.toml, {args.runs} runs each, {os.cpu_count()} CPUs")
    print(f"{'':<22} {'wall: median (min-max)':>26}   {'peak tree RSS: median (min-max)':>31}")
    for series in results.values():
        print(series.row())
    for mode in ("warm", "cold"):
        project, reference = results[f"project {mode}"], results[f"reference {mode}"]
        time_ratio = statistics.median(reference.seconds()) / statistics.median(project.seconds())
        memory_ratio = statistics.median(reference.peaks()) / statistics.median(project.peaks())
        print(f"{mode}: reference / project = {time_ratio:.1f}x time, {memory_ratio:.1f}x peak memory")
    return 0


if __name__ == "__main__":
    sys.exit(main())
