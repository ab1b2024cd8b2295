"""A guard that makes Terraform refuse, at plan time, any plan that would lose log data.

Terraform takes ``prevent_destroy`` only as a literal, never from a variable, and it applies
only to the resource that carries it. So the protection is a resource of its own, one
``terraform_data`` instance per protected item (``terraform_data.log_data_protection["log-bucket"]``),
with ``prevent_destroy`` set and the item's identities (ARNs and ids) in
``triggers_replace``. A plan that would

- destroy an item (``terraform destroy``, a switch that removes it, such as ``kms_encryption``
  turned off) removes its guard instance: refused;
- replace an item (a new name, a setting that forces a new bucket) changes its identities,
  which replaces its guard instance: refused;
- strip the bucket's policy, public access block, encryption or versioning (they are only
  ever destroyed with the bucket, or replaced with it): changes the bucket item's identities:
  refused.

Adding an item (turning on ``kms_encryption`` or access logging later) only adds a guard
instance. The refusal names the guard and the item: ``terraform_data.log_data_protection["kms-key"]
has lifecycle.prevent_destroy set``. The guards themselves manage nothing in AWS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import TerraformProviderGeneratorMetadata, TerraformResource, TerraformResourceLifecycle
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.switch import Switched, for_each_of

#: The resource type of the guard: Terraform's built-in ``terraform_data`` (no provider to install).
GUARD_TYPE = "terraform_data"


@dataclass(frozen=True, kw_only=True)
class LogDataProtectionProps:
    """Settings of :class:`LogDataProtection`."""

    #: The protected items: each entry's name keys its guard, its values are the item's
    #: identities (ARNs, ids), and its switch says whether the item (and protection) is on.
    items: Sequence[Switched]


class LogDataProtection(Construct):
    """One ``terraform_data`` guard with ``prevent_destroy`` per protected item, keyed by name."""

    def __init__(self, scope: Construct, id_: str, *, props: LogDataProtectionProps) -> None:
        super().__init__(scope, id_)
        self.for_each = for_each_of(self, "items", props.items)
        self.guard = addressed(
            TerraformResource(
                self,
                "guard",
                terraform_resource_type=GUARD_TYPE,
                terraform_generator_metadata=TerraformProviderGeneratorMetadata(provider_name="terraform"),
                for_each=self.for_each.each,
                lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
            )
        )
        self.guard.add_override("triggers_replace", "${each.value}")
