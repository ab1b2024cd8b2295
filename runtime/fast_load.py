"""Load the prebuilt AWS provider bindings lazily, on both sides of jsii.

Why (bench/README.md has the profile): ``import cdktf_cdktf_provider_aws.s3_bucket`` first
runs the package's root ``__init__.py``, which imports all 2,135 Python submodules of the
provider (one per resource and data source), and loading the assembly makes jsii's Node.js
process ``require`` the provider's ``lib/index.js``, which compiles the JavaScript of all
2,135 as well. Together that is nearly all of a synth's time, for the ~25 this app uses.

Python side: before anything imports the provider, :func:`install_lazy_provider` puts a plain
package module for ``cdktf_cdktf_provider_aws`` into ``sys.modules`` whose ``__path__`` is
the real package folder. Python then imports only the submodules that are asked for (each
still loads the assembly through ``cdktf_cdktf_provider_aws._jsii``, as the root would),
and ``cdktf_cdktf_provider_aws.<name>`` imports a submodule on first attribute access
(PEP 562), like the root's eager import made it available.

Safety: jsii turns a JavaScript object into an instance of the Python class registered for
its type name, and a class registers when its module is imported. jsii 1.142 already
imports an unregistered type's module on demand, through a map from jsii submodule names to
Python modules that newer jsii-pacmak versions generate; this provider release predates it,
so :func:`install_lazy_provider` answers that map for the provider from the package's own
folders (:class:`SubmoduleMap`). A type in a
submodule the app never imported is therefore imported when jsii first meets it
(tests/test_fast_load.py proves it, and that the JSON is byte-identical to an eager load).

Node side: ``js/lazy_provider_index.js`` is preloaded into jsii's Node.js process through
``NODE_OPTIONS`` and turns the index's ``exports.x = require("./x")`` lines into getters
that require on first use (its header says how, and why it is safe).

Both are on for every entry point that calls :func:`runtime.install` (``main.py``, so
``cdktf synth`` too; ``python -m runtime``; the tests). ``BASELINE_PLAIN_LOAD=1`` turns them
off (for comparison).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import types
from functools import cached_property
from importlib.util import find_spec
from pathlib import Path

PROVIDER_MODULE = "cdktf_cdktf_provider_aws"
PROVIDER_ASSEMBLY = "@cdktf/provider-aws"
NODE_PRELOAD = Path(__file__).resolve().parent / "js" / "lazy_provider_index.js"
PLAIN_LOAD_ENV = "BASELINE_PLAIN_LOAD"


def enabled() -> bool:
    """Whether the accelerations are on (the default) or turned off by ``BASELINE_PLAIN_LOAD=1``."""
    return os.environ.get(PLAIN_LOAD_ENV, "") in ("", "0")


def install() -> None:
    """Turn on lazy loading on both sides, unless turned off; call before importing cdktf."""
    if enabled():
        preload_lazy_provider_index()
        install_lazy_provider()


def preload_lazy_provider_index() -> None:
    """Have jsii's Node.js process (started later, with this environment) preload the rewriter."""
    option = f"--require {json.dumps(str(NODE_PRELOAD))}"
    current = os.environ.get("NODE_OPTIONS", "")
    if option not in current:
        os.environ["NODE_OPTIONS"] = f"{current} {option}".strip()


def _folded(name: str) -> str:
    """A submodule name without case and underscores: ``route53DomainsRegisteredDomain`` and
    its Python folder ``route53domains_registered_domain`` fold to the same text."""
    return name.replace("_", "").lower()


class SubmoduleMap(dict[str, str]):
    """jsii's map from submodule FQNs to Python modules, answering for the provider too.

    The provider's Python folder names are jsii-pacmak's snake case of the jsii names, which
    cannot be reversed exactly (``route53DomainsRegisteredDomain`` became
    ``route53domains_registered_domain``), so provider FQNs are matched case- and
    underscore-blind against the folders (tests prove the match is exact for all 2,135).
    """

    def __init__(self, entries: dict[str, str], package_dir: str) -> None:
        super().__init__(entries)
        self._package_dir = package_dir

    @cached_property
    def _provider(self) -> dict[str, str]:
        # Read on the first lookup, not at start-up: a normal synth never needs it.
        return {
            _folded(entry.name): f"{PROVIDER_MODULE}.{entry.name}"
            for entry in os.scandir(self._package_dir)
            if entry.is_dir() and not entry.name.startswith(("_", "."))
        }

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        found = super().get(key)
        if found is None and key.startswith(f"{PROVIDER_ASSEMBLY}."):
            found = self._provider.get(_folded(key.removeprefix(f"{PROVIDER_ASSEMBLY}.")))
        return default if found is None else found

    def __bool__(self) -> bool:
        return True  # jsii consults the map only when it is truthy


def install_lazy_provider() -> bool:
    """Make the provider package load its submodules on demand; False if it is already loaded."""
    if PROVIDER_MODULE in sys.modules:
        return False
    spec = find_spec(PROVIDER_MODULE)  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        return False
    package = types.ModuleType(PROVIDER_MODULE, "cdktf_cdktf_provider_aws, loaded lazily (runtime.fast_load)")
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    package.__file__ = spec.origin
    package.__package__ = PROVIDER_MODULE

    def load_submodule(name: str) -> types.ModuleType:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return importlib.import_module(f"{PROVIDER_MODULE}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module {PROVIDER_MODULE!r} has no attribute {name!r}") from None

    package.__getattr__ = load_submodule  # type: ignore[method-assign]  # PEP 562
    sys.modules[PROVIDER_MODULE] = package

    from jsii import _reference_map  # noqa: PLC0415  # jsii starts nothing on import; cdktf would

    # jsii reads this module global on each lookup; the entries other assemblies added stay.
    _reference_map._submodule_fqn_map = SubmoduleMap(
        dict(_reference_map._submodule_fqn_map),
        package.__path__[0],
    )
    return True
