"""Plain, stable Terraform addresses for what a composition builds.

cdktf names an element after its construct path plus a hash
(``aws_s3_bucket.baseline_organization-trail_storage_bucket_F74A8660``): unreadable in a
plan, and a renamed construct replaces the resource. A composition (the baseline, a stack)
instead lists a plain name for the elements it builds, by construct path relative to
itself, before it builds anything::

    plain_addresses(self, {"organization-trail/storage": "trail_logs", "key": "this"})

Each construct of the library passes every element it creates through :func:`addressed`
at once (cdktf refuses to rename an element after something has referenced it), which
applies the name the table gives its path, or that of its nearest enclosing construct.
Outside such a composition the elements keep cdktf's unique ids, so the constructs stay
reusable. :func:`check_addresses` then proves that every element got its plain name and
that no two share an address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from cdktf import TerraformDataSource, TerraformElement, TerraformLocal, TerraformResource
from constructs import Construct

_CONTEXT_KEY = "constructs_lib.addresses"

Element = TypeVar("Element", bound=TerraformElement)


class AddressError(ValueError):
    """An element without its plain name, or two elements with one address."""


def plain_addresses(scope: Construct, names: Mapping[str, str]) -> None:
    """Name the elements that will be built under ``scope`` after ``names``.

    Keys are construct paths relative to ``scope`` (``"organization-trail/storage"``); an
    element takes the entry of its own path, else of its nearest enclosing construct. Call
    it before ``scope`` has children (construct context is fixed once it has).
    """
    scope.node.set_context(_CONTEXT_KEY, {"root": scope.node.path, "names": dict(names)})


def plain_name(element: Construct) -> str | None:
    """The logical id the enclosing composition gives ``element``, if any."""
    context = element.node.try_get_context(_CONTEXT_KEY)
    if not context:
        return None
    root, names = context["root"], context["names"]
    parts = element.node.path.removeprefix(f"{root}/").split("/")
    for end in range(len(parts), 0, -1):
        name = names.get("/".join(parts[:end]))
        if name is not None:
            return str(name)
    return None


def addressed(element: Element) -> Element:
    """``element``, with the plain logical id its composition gives it (if any)."""
    name = plain_name(element)
    if name is not None:
        element.override_logical_id(name)
    return element


def address(element: TerraformElement) -> str:
    """The address of ``element`` in expressions: ``type.name``, ``data.type.name``, ``local.name``."""
    if isinstance(element, TerraformLocal):
        return f"local.{element.friendly_unique_id}"
    prefix = "data." if isinstance(element, TerraformDataSource) else ""
    kind = element.terraform_resource_type if isinstance(element, TerraformResource | TerraformDataSource) else ""
    return f"{prefix}{kind}.{element.friendly_unique_id}"


def elements(scope: Construct) -> list[TerraformElement]:
    """The resources, data sources and locals under ``scope``, in construct order."""
    kinds = (TerraformResource, TerraformDataSource, TerraformLocal)
    return [node for node in scope.node.find_all() if isinstance(node, kinds)]


def check_addresses(scope: Construct) -> None:
    """Raise :class:`AddressError` unless every element under ``scope`` carries the plain name
    its composition gives it, and no two elements share an address."""
    seen: dict[str, str] = {}
    for element in elements(scope):
        path = element.node.path
        expected = plain_name(element)
        if expected is None:
            raise AddressError(f"{path}: no plain address for it (add its path to the composition's names)")
        if element.friendly_unique_id != expected:
            raise AddressError(
                f"{path}: is {element.friendly_unique_id!r}, not {expected!r} "
                "(create it through constructs_lib.addresses.addressed)"
            )
        where = address(element)
        if where in seen:
            raise AddressError(f"{path}: {where} is also {seen[where]}")
        seen[where] = path
