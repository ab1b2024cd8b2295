from __future__ import annotations

from collections.abc import Iterator

import pytest
from cdktf import Testing

from app.config import BaselineConfig, BillingConfig
from tests.local_aws import CREDENTIALS, REAL_AWS_VARIABLES, LocalAws, MotoServer, moto_server
from tests.synth import Synthesized, synth

# Testing is a cdktf class whose name starts with "Test": keep pytest from collecting it.
Testing.__test__ = False

CUSTOM_CONFIG = BaselineConfig(
    name_prefix="acme-root",
    billing=BillingConfig(management_account_limit_usd=250, organization_limit_usd=4000),
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


@pytest.fixture
def no_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No AWS credentials anywhere boto3 looks: environment, files, instance metadata."""
    for name in (
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """moto's server, started once for the session on a free loopback port."""
    with moto_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture(scope="module")
def local_aws(moto: MotoServer) -> Iterator[LocalAws]:
    """A reset local AWS with an organization, and fake credentials in the environment."""
    with pytest.MonkeyPatch.context() as patch:
        for name in REAL_AWS_VARIABLES:
            patch.delenv(name, raising=False)
        for name, value in CREDENTIALS.items():
            patch.setenv(name, value)
        # terraform (Go) and its AWS provider trust the local AWS's self-signed certificate through this file.
        patch.setenv("SSL_CERT_FILE", str(moto.ca_bundle))
        patch.setenv("AWS_CA_BUNDLE", str(moto.ca_bundle))
        aws = LocalAws(moto)
        aws.reset()
        yield aws
