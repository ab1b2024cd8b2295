#!/usr/bin/env python
"""The reference: synthesize the same stacks the default way, with no tuning at all.

    python bench/reference_synth.py OUTDIR=CONFIG [OUTDIR=CONFIG ...]

Imports the provider bindings as any cdktf app does (``import cdktf_cdktf_provider_aws``
runs the package's root, which loads every submodule; the Node.js side requires the whole
provider), builds the project's app for each config, synthesizes it, and exits normally.
Only the Node.js binary is the project's (the venv's Node 22), so that both sides run on
the same Node.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if __name__ == "__main__":
    os.environ["BASELINE_PLAIN_LOAD"] = "1"  # runtime.install() turns on no lazy loading
    import cdktf_cdktf_provider_aws  # noqa: F401  # the default way: the whole package, eagerly

    import runtime

    runtime.install()  # sets JSII_NODE to the venv's Node, as for the project
    from app.load import load_config
    from app.stacks import build_app

    for job in sys.argv[1:]:
        outdir, _, config = job.partition("=")
        Path(outdir).mkdir(parents=True, exist_ok=True)
        build_app(load_config(config or None), outdir=outdir).synth()
