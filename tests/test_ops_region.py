"""The operator commands' region: ``AWS_REGION`` as the AWS SDKs read it, then boto3's own
(``AWS_DEFAULT_REGION``, the profile), then the config's. boto3 alone ignores ``AWS_REGION``:
with only that set, as the docs say, verify answered "You must specify a region"."""

from __future__ import annotations

from pathlib import Path

import pytest

from ops.aws import Aws


@pytest.fixture
def no_region(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An SDK environment that names no region: no variable, a profile file without one."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "config"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    return monkeypatch


def test_aws_region_alone_names_the_region(no_region: pytest.MonkeyPatch) -> None:
    no_region.setenv("AWS_REGION", "us-east-1")
    assert Aws().region == "us-east-1"


def test_aws_region_wins_over_aws_default_region(no_region: pytest.MonkeyPatch) -> None:
    no_region.setenv("AWS_REGION", "eu-west-1")
    no_region.setenv("AWS_DEFAULT_REGION", "us-east-1")
    assert Aws(default_region="us-east-1").region == "eu-west-1"


def test_aws_default_region_still_names_the_region(no_region: pytest.MonkeyPatch) -> None:
    no_region.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert Aws(default_region="us-east-1").region == "eu-west-1"


@pytest.mark.usefixtures("no_region")
def test_without_a_region_in_the_environment_the_config_s_is_used() -> None:
    assert Aws().region is None
    assert Aws(default_region="us-east-1").region == "us-east-1"
