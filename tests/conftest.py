from __future__ import annotations

import pytest
from cdktf import Testing

import constructs_lib  # noqa: F401  (first: picks the bundled Node before cdktf starts jsii)
from constructs_lib.config import BaselineConfig
from tests.synth import Synthesized, synth

# Testing is a cdktf class whose name starts with "Test": keep pytest from collecting it.
Testing.__test__ = False

CUSTOM_CONFIG = BaselineConfig(
    name_prefix="acme-root",
    budget_limit_usd=250,
    alert_emails=("secops@example.com", "cfo@example.org"),
    log_retention_days=731,
    protect_log_data=False,
    tags={"Owner": "platform", "CostCenter": "42"},
)


@pytest.fixture(scope="session")
def default_stack() -> Synthesized:
    """The stack as ``python main.py`` synthesizes it with no config file."""
    return synth(BaselineConfig())


@pytest.fixture(scope="session")
def custom_stack() -> Synthesized:
    """The stack with every setting away from its default."""
    return synth(CUSTOM_CONFIG)
