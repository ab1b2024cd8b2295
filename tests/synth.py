"""Helpers to read a synthesized stack through the constructs that made it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cdktf import TerraformDataSource, TerraformElement, Testing

from app.config import BaselineConfig
from app.stacks import BaselineStack, StateBootstrapStack
from constructs_lib.organization_trail import OrganizationTrail
from tools import compare_synth
from tools.policies.load import module_stack
from tools.policies.resolve import Environment, TerraformJson

Json = dict[str, Any]
_DOCUMENT_REF = re.compile(r"^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$")


@dataclass(frozen=True)
class ResolvedEnvironment:
    account_id: str
    organization_id: str
    partition: str
    region: str


@dataclass
class Synthesized:
    """A stack and its Terraform JSON, with lookups keyed by construct, not by logical id."""

    stack: BaselineStack
    doc: Json

    def _address(self, element: TerraformElement) -> tuple[str, str, str]:
        kind = "data" if isinstance(element, TerraformDataSource) else "resource"
        resource_type: str = element.terraform_resource_type  # type: ignore[attr-defined]
        return kind, resource_type, element.friendly_unique_id

    def body(self, element: TerraformElement) -> Json:
        """The JSON block synthesized for ``element``."""
        kind, resource_type, logical_id = self._address(element)
        block: Json = self.doc[kind][resource_type][logical_id]
        return block

    def instances(self, element: TerraformElement) -> dict[str, Json]:
        """The instances of a ``for_each`` element, by key, with ``each.*`` replaced by their values."""
        return compare_synth.instances(self.body(element))

    def instance(self, element: TerraformElement, key: str) -> Json:
        """One instance of a ``for_each`` element, as Terraform makes it."""
        return self.instances(element)[key]

    def ref(self, element: TerraformElement, attribute: str) -> str:
        """The Terraform expression that reads ``attribute`` of ``element``."""
        kind, resource_type, logical_id = self._address(element)
        prefix = "data." if kind == "data" else ""
        return f"${{{prefix}{resource_type}.{logical_id}.{attribute}}}"

    def address(self, element: TerraformElement) -> str:
        """``type.name`` as used in ``depends_on``."""
        _, resource_type, logical_id = self._address(element)
        return f"{resource_type}.{logical_id}"

    @property
    def trail(self) -> OrganizationTrail:
        """The baseline's own trail (a test of trail mode ``create``)."""
        trail = self.stack.baseline.trail
        assert trail is not None, "the baseline built no trail of its own (trail.mode existing)"
        return trail

    @property
    def env(self) -> ResolvedEnvironment:
        """The environment lookups as the Terraform expressions they synthesize to."""
        env = self.stack.baseline.environment
        return ResolvedEnvironment(
            account_id=self.ref(env.caller, "account_id"),
            organization_id=self.ref(env.organization, "id"),
            partition=self.ref(env.partition_lookup, "partition"),
            region=self.ref(env.region_lookup, "name"),
        )

    def resources(self, resource_type: str) -> dict[str, Json]:
        found: dict[str, Json] = self.doc.get("resource", {}).get(resource_type, {})
        return found

    def bodies(self, resource_type: str) -> list[Json]:
        """Every instance of ``resource_type``: one per key of a literal ``for_each`` map, else the block."""
        found: list[Json] = []
        for block in self.resources(resource_type).values():
            found += compare_synth.instances(block).values() if isinstance(block.get("for_each"), dict) else [block]
        return found

    def policy_statements(self, policy_expression: str) -> dict[str, Json]:
        """The statements, by Sid, of the policy document a ``policy`` argument points at."""
        match = _DOCUMENT_REF.match(policy_expression)
        assert match, f"not a policy document reference: {policy_expression}"
        document = self.doc["data"]["aws_iam_policy_document"][match.group(1)]
        return {statement["sid"]: statement for statement in document["statement"]}


def synth(config: BaselineConfig) -> Synthesized:
    """Synthesize the baseline stack for ``config`` in memory."""
    app = Testing.app()
    stack = BaselineStack(app, "test", config=config)
    return Synthesized(stack=stack, doc=json.loads(Testing.synth(stack)))


def app_documents(config: BaselineConfig) -> list[Json]:
    """Both stacks of the app (baseline, state bootstrap), synthesized in memory."""
    app = Testing.app()
    stacks = [BaselineStack(app, "baseline", config=config), StateBootstrapStack(app, "bootstrap", config=config)]
    return [json.loads(Testing.synth(stack)) for stack in stacks]


def baseline_stack(flavour: str, config: BaselineConfig, environment: Environment) -> TerraformJson:
    """The baseline of ``config`` resolved for ``environment``: the app's stack (``"app"``) or
    the committed module called with the same inputs (``"module"``)."""
    if flavour == "app":
        return TerraformJson(app_documents(config)[0], environment)
    return module_stack(environment, config)


def conditions(statement: Json) -> dict[tuple[str, str], list[str]]:
    """A statement's conditions as ``{(test, variable): values}``."""
    return {(c["test"], c["variable"]): c["values"] for c in statement.get("condition", [])}
