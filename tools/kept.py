"""What a removal of the module keeps and a redeploy adopts, in the terms of the module's caller.

The module cannot remove itself or import into itself (Terraform allows ``import`` blocks in
the root module only), so its README gives the caller the blocks to write: a ``removed``
block (``destroy = false``) and an ``import`` block for each resource that holds or unlocks
log data (:meth:`ManagementAccountBaseline.kept_resources`), generated here from the module's
own resources so that they cannot drift from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdktf import DefaultTokenResolver, StringConcat, TerraformStack, Tokenization

from constructs_lib.addresses import address
from constructs_lib.baseline import ManagementAccountBaseline

#: The module call of the README's snippets and of ``examples/plain-hcl``.
MODULE_CALL = "management_baseline"
#: The caller's local that holds the module's ``name_prefix`` in the snippets.
PREFIX_LOCAL = "baseline_name_prefix"
#: The caller's data source that finds the kept key by its alias.
KEPT_KEY = "kept_baseline_key"
_COUNT = re.compile(r"^\$\{(?P<condition>.*) \? 1 : 0\}$")


@dataclass(frozen=True)
class KeptAddress:
    """One kept resource of the module, as its caller names it."""

    #: The address inside the module, with ``[0]`` where the module counts it.
    address: str
    #: The ``terraform import`` id, in the caller's terms (``local.baseline_name_prefix``).
    import_id: str
    #: The module's condition for building it, over its variables (None: always built).
    only_if: str | None

    @property
    def resource(self) -> str:
        """The address without an instance key (what a ``removed`` block names)."""
        return self.address.removesuffix("[0]")


def _resolved(stack: TerraformStack, value: object) -> str:
    return str(Tokenization.resolve(value, scope=stack, preparing=False, resolver=DefaultTokenResolver(StringConcat())))


def _in_callers_terms(expression: str) -> str:
    return expression.replace("${var.name_prefix}", f"${{local.{PREFIX_LOCAL}}}")


def kept_in_module(stack: TerraformStack, baseline: ManagementAccountBaseline) -> list[KeptAddress]:
    """Every kept resource of the module ``stack`` (its baseline ``baseline``), in construct order."""
    kept: list[KeptAddress] = []
    for item in baseline.kept_resources(f"${{data.aws_kms_alias.{KEPT_KEY}.target_key_id}}"):
        resource = item.resource
        only_if = None
        if resource.count is not None:
            match = _COUNT.fullmatch(_resolved(stack, resource.count))
            if match is None:
                raise ValueError(f"{address(resource)}: a count that is not a switch of the inputs")
            only_if = match["condition"]
        suffix = "[0]" if resource.count is not None else ""
        import_id = _in_callers_terms(_resolved(stack, item.import_id))
        kept.append(KeptAddress(address(resource) + suffix, import_id, only_if))
    return kept


def _hcl_string(expression: str) -> str:
    """An id as an HCL expression: a bare reference, or a quoted template."""
    inner = expression.removeprefix("${").removesuffix("}")
    if expression.startswith("${") and "${" not in inner:
        return inner
    return f'"{expression}"'


def removed_blocks(kept: list[KeptAddress]) -> str:
    """The ``removed`` blocks a caller writes when it deletes the module block but keeps the logs."""
    blocks = [
        f"removed {{\n  from = module.{MODULE_CALL}.{item.resource}\n  lifecycle {{\n    destroy = false\n  }}\n}}"
        for item in kept
    ]
    return "\n".join(blocks)


def import_blocks(kept: list[KeptAddress]) -> str:
    """The ``import`` blocks (with the lookups they need) a caller writes to adopt kept log data."""
    lines = [
        "locals {",
        f'  {PREFIX_LOCAL} = "acme-mgmt" # the module\'s name_prefix',
        "}",
        'data "aws_caller_identity" "current" {}',
    ]
    aliases = [item.import_id for item in kept if item.address.startswith("aws_kms_alias.")]
    if aliases:
        lines += [f'data "aws_kms_alias" "{KEPT_KEY}" {{', f"  name = {_hcl_string(aliases[0])}", "}"]
    for item in kept:
        condition = f" # only if {item.only_if}" if item.only_if else ""
        lines += [
            f"import {{{condition}",
            f"  to = module.{MODULE_CALL}.{item.address}",
            f"  id = {_hcl_string(item.import_id)}",
            "}",
        ]
    return "\n".join(lines)
