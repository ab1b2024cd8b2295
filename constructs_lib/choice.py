"""What the config makes of one catalogue entry: the interface between the app and the constructs.

The catalogue (:mod:`constructs_lib.detections`) is data only; the app's config and the
module flavour each implement :class:`DetectionChooser` over it, with plain values or with
Terraform expressions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from constructs_lib.detections import Detection

if TYPE_CHECKING:  # typing only: the config loads without cdktf
    from constructs_lib.switch import Flag


@dataclass(frozen=True, kw_only=True)
class DetectionChoice:
    """What the config makes of one entry: plain values (the app) or Terraform expressions
    (the module flavour, where the config arrives as variables)."""

    #: Build the entry at all.
    enabled: Flag
    #: Use the pattern as written (every account) instead of scoping it to the management
    #: account. Only log detections have a scope.
    organization_wide: Flag
    threshold: float
    period: float
    evaluation_periods: float
    #: Conditions appended to the scoped pattern of a detection that ``takes_exclusions``
    #: (``detections.ignored_clauses``): plain text, or a Terraform template. Default: none.
    left_out: str = ""


class DetectionChooser(Protocol):
    """Turns catalogue entries into choices; implemented by the config and by the module."""

    def choice_for(self, detection: Detection) -> DetectionChoice: ...
