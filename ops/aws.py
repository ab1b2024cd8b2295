"""The AWS account the operator commands talk to, through the standard SDK environment."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

#: Calls give up after a few attempts instead of hanging on an unreachable endpoint.
_CLIENT_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=30)


class Aws:
    """Clients of one session: ``AWS_PROFILE``, ``AWS_REGION`` and ``AWS_ENDPOINT_URL`` (a local
    AWS) apply as in every AWS SDK."""

    def __init__(self, session: boto3.Session | None = None) -> None:
        self.session = session or boto3.Session()

    @property
    def region(self) -> str | None:
        region: str | None = self.session.region_name
        return region

    @cache  # noqa: B019  # one client per service for the life of the object
    def client(self, service: str) -> Any:
        return self.session.client(service, config=_CLIENT_CONFIG)

    @property
    def account_id(self) -> str:
        account: str = self.client("sts").get_caller_identity()["Account"]
        return account
