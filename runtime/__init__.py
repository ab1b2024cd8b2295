"""Runtime speed-ups for anything that synthesizes: installed explicitly by the entry points.

    import runtime; runtime.install()        # before anything imports cdktf
    python -m runtime tools.module --check   # a module run as a program, with the speed-ups

``install`` chooses the Node.js that jsii starts (the one inside .venv, :mod:`runtime.node`)
and turns on lazy loading of the AWS provider bindings on both sides of jsii
(:mod:`runtime.fast_load`; ``BASELINE_PLAIN_LOAD=1`` turns it off). Both must happen before
cdktf starts its Node.js process. Importing ``constructs_lib`` does neither: the library has
no import side effects, and a user's own cdktf app decides for itself.

Entry points that call it: ``main.py``, ``tests/__init__.py``, ``python -m runtime`` (used by
``./run generate`` and ``./run aws-check-policies``); ``bench/`` measures with and without.
"""

from __future__ import annotations

from runtime import fast_load
from runtime.node import use_bundled_node


def install() -> None:
    """The bundled Node.js for jsii and lazy provider loading; call before importing cdktf."""
    use_bundled_node()
    fast_load.install()
