"""Where the operator commands look, and what they say when nothing is there.

The region: ``AWS_REGION`` as the AWS SDKs read it, then boto3's own (``AWS_DEFAULT_REGION``,
the profile), then the config's. boto3 alone ignores ``AWS_REGION``: with only that set, as the
docs say, verify answered "You must specify a region". A resource AWS says does not exist is
reported as missing, with where the commands looked, not as a permissions problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from ops.aws import Aws, unreadable_fix


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


def _error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}}, "Operation")


class _Account(Aws):
    account_id = "111122223333"  # no STS call

    @property
    def region(self) -> str:
        return "us-east-1"


@pytest.mark.parametrize("code", ["ResourceNotFoundException", "NotFoundException", "NotFound", "NoSuchEntity"])
def test_a_missing_resource_is_reported_as_missing_with_the_likely_causes(code: str) -> None:
    fix = unreadable_fix(_error(code), _Account(), "acme")
    assert fix == (
        "not found with name_prefix 'acme' in account 111122223333, us-east-1: the baseline is deployed with "
        "another prefix (--config), in another account or region, or not yet"
    )


@pytest.mark.parametrize("code", ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"])
def test_a_refusal_is_reported_as_a_permissions_problem(code: str) -> None:
    assert unreadable_fix(_error(code), _Account(), "acme") == "check the credentials' permissions"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 400),
        ("Throttling", 400),
        ("ServiceUnavailable", 503),
        ("InternalFailure", 500),
        ("SomethingNew", 502),
    ],
)
def test_a_throttled_or_failed_answer_is_to_be_asked_again_not_a_permissions_problem(code: str, status: int) -> None:
    error = ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")
    assert unreadable_fix(error, _Account(), "acme") == (
        "AWS could not answer now (throttled, or an error on its side, after retries): run the command again"
    )
