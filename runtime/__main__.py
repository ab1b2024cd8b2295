"""``python -m runtime MODULE [ARGS]``: run ``MODULE`` as ``__main__`` after :func:`runtime.install`."""

from __future__ import annotations

import runpy
import sys

import runtime

if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m runtime MODULE [ARGS]")
    runtime.install()
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
