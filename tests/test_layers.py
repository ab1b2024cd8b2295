"""The layers: constructs_lib (constructs and catalogue) <- app <- tools, ops; runtime on its own.

Arrows point down only: the library never imports the app, the app never imports the tools,
product code never imports the tests, and the runtime speed-ups import none of them. Read
from the source with ``ast``, so a stray import anywhere fails here.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("constructs_lib", "app", "tools", "ops", "runtime", "tests")
#: What each layer may import of ours (besides itself).
ALLOWED = {
    "constructs_lib": set(),
    "runtime": set(),
    "app": {"constructs_lib"},
    # tools: the README's cost table renders ops.cost (the model the cost command prints).
    "tools": {"constructs_lib", "app", "runtime", "main", "ops"},
    # The operator commands read the config and the names; they never import cdktf (below).
    "ops": {"constructs_lib", "app"},
    # main: synth prints the cost model's warning about a budget below the baseline's own cost.
    "main": {"app", "runtime", "ops"},
}


def imported_packages(path: Path) -> set[str]:
    """The project packages (and ``main``) a Python file imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found |= {name.split(".")[0] for name in names if name.split(".")[0] in (*PACKAGES, "main")}
    return found


def layer_imports() -> dict[str, set[str]]:
    """For each layer, the other layers its files import."""
    layers: dict[str, set[str]] = {layer: set() for layer in ALLOWED}
    for layer in ALLOWED:
        files = [ROOT / "main.py"] if layer == "main" else sorted((ROOT / layer).rglob("*.py"))
        for file in files:
            layers[layer] |= imported_packages(file) - {layer}
    return layers


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_arrows_point_down_only(layer: str) -> None:
    assert layer_imports()[layer] <= ALLOWED[layer]


def test_importing_the_library_changes_nothing_in_the_process() -> None:
    # A user's own cdktf app imports constructs_lib: it must not pick their Node.js, patch
    # jsii or touch the environment. The speed-ups are runtime.install(), called explicitly.
    script = (
        "import os, sys, json; before = dict(os.environ); "
        "import constructs_lib, constructs_lib.detections, constructs_lib.choice; "
        "print(json.dumps([dict(os.environ) == before, 'cdktf_cdktf_provider_aws' in sys.modules]))"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("JSII_NODE", "NODE_OPTIONS")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    assert result.stdout.strip() == "[true, false]"


def test_the_config_loads_without_cdktf() -> None:
    # main.py reads the config before runtime.install(): were cdktf imported there, the
    # speed-ups would come too late, and a bad config would wait for jsii to start.
    script = (
        "import sys, app.config, app.load, app.rules, constructs_lib.home; "
        "print(sorted(m for m in ('cdktf', 'jsii', 'constructs') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


def test_the_operator_commands_start_without_cdktf() -> None:
    # ./run verify and ./run drill talk to AWS only: no jsii process, no provider bindings.
    script = (
        "import sys, ops.cli; "
        "print(sorted(m for m in ('cdktf', 'jsii', 'constructs', 'cdktf_cdktf_provider_aws') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


def test_the_construct_props_defaults_are_the_configs() -> None:
    from app.config import LogBucketConfig
    from constructs_lib.organization_trail import LogBucketProps

    assert LogBucketProps().__dict__ == LogBucketConfig().model_dump()
