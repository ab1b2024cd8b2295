"""The one region the baseline deploys to (no cdktf here: the config imports it)."""

from __future__ import annotations

from typing import Final, Literal

#: The billing metric, console sign-in events of the root user and the organization trail's
#: home all live in us-east-1.
HOME_REGION: Final[Literal["us-east-1"]] = "us-east-1"
