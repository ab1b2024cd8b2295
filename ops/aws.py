"""The AWS account the operator commands talk to, through the standard SDK environment."""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError
from botocore.utils import get_service_module_name

#: Calls give up after a few attempts instead of hanging on an unreachable endpoint.
_CLIENT_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=30)


class SdkCallError(Exception):
    """An SDK call failed for a reason that says nothing about the baseline: the endpoint is not
    reachable or does not answer as AWS does (a proxy, a captive portal, a broken local AWS), or
    the credentials are missing, expired or refused. The operator commands stop on it.

    ``str()`` is one line: ``<Service>.<Operation> failed: <cause>``, the call as the SDK names it.
    """

    def __init__(self, call: str, cause: str) -> None:
        self.call, self.cause = call, _one_line(cause)
        super().__init__(f"{call} failed: {self.cause}")


#: Everything an SDK call can raise. botocore's ResponseParserError (a body it cannot parse:
#: an HTML page where AWS's XML was due) is no BotoCoreError.
SDK_FAILURES: tuple[type[Exception], ...] = (SdkCallError, ClientError, BotoCoreError, ResponseParserError)

#: The error codes of a request AWS refused for its credentials (expired, unknown, wrongly
#: signed), not for its permissions: with them nothing can be read, so nothing is checked.
CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "InvalidToken",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "AuthFailure",
    }
)

#: Where an error answer keeps the call that got it (``ResponseMetadata``), for :func:`failure_line`.
_CALL = "Call"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def failure_line(error: BaseException) -> str:
    """An SDK failure in one line, naming the call where there was one: ``SdkCallError`` as it
    reads, an AWS error answer as ``<Service>.<Operation> failed: <code>: <message>``."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        call = error.response.get("ResponseMetadata", {}).get(_CALL) or error.operation_name
        cause = ": ".join(str(part) for part in (details.get("Code") or "Error", details.get("Message")) if part)
        return _one_line(f"{call} failed: {cause}")
    return _one_line(str(error))


def _header(headers: Any, name: str) -> str:
    return next((str(value) for key, value in (headers or {}).items() if key.lower() == name), "")


@dataclass(frozen=True)
class _Answer:
    """What an HTTP answer was, before botocore parsed it."""

    status: int
    content_type: str
    #: An HTML page (a proxy's, a captive portal's): no AWS service answers these calls with one.
    #: The content type alone does not tell: the local AWS (moto) sends JSON as text/html.
    html: bool


class _FailureNames:
    """Handlers on one client's events: a failure that is not AWS's answer about the baseline
    becomes :class:`SdkCallError` naming the call, whichever code made it (a paginator too);
    every other error answer keeps the call's name for :func:`failure_line`.

    - ``before-parameter-build`` (a call starts): no answer yet;
    - ``before-parse``: what the latest HTTP answer was (its last attempt's);
    - ``after-call``: an answer that is not AWS's (an HTML page, or an error without an AWS
      error code), or a refusal of the credentials, raises :class:`SdkCallError`;
    - ``after-call-error``: the endpoint, the network, the credentials or a body that cannot be
      parsed (after the client's retries) raise :class:`SdkCallError`.
    """

    def __init__(self, client: Any) -> None:
        self.service = get_service_module_name(client.meta.service_model)
        self.endpoint = client.meta.endpoint_url
        self.answer: _Answer | None = None
        events = client.meta.events
        events.register("before-parameter-build", self.before_parameter_build)
        events.register("before-parse", self.before_parse)
        events.register("after-call", self.after_call)
        events.register("after-call-error", self.after_call_error)

    def _call(self, event_name: str) -> str:
        return f"{self.service}.{event_name.rsplit('.', 1)[-1]}"

    def _not_aws(self, status: int | None, content_type: str) -> str:
        answered = f"answered HTTP {status}" if status else "answered"
        return (
            f"the endpoint {self.endpoint} {answered} with a body that is not an AWS response "
            f"({content_type or 'no content type'})"
        )

    def before_parameter_build(self, **_: Any) -> None:
        self.answer = None

    def before_parse(self, response_dict: dict[str, Any], **_: Any) -> None:
        body = response_dict.get("body") or b""
        self.answer = _Answer(
            int(response_dict["status_code"]),
            _header(response_dict.get("headers"), "content-type"),
            html=isinstance(body, bytes) and body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")),
        )

    def after_call(self, http_response: Any, parsed: dict[str, Any], event_name: str, **_: Any) -> None:
        status, content_type = http_response.status_code, _header(http_response.headers, "content-type")
        code = str(parsed.get("Error", {}).get("Code", ""))
        # botocore names an error answer without an AWS error code by its HTTP status.
        if (self.answer is not None and self.answer.html) or (status >= 300 and code.isdigit()):
            raise SdkCallError(self._call(event_name), self._not_aws(status, content_type))
        if status < 300:
            return
        if code in CREDENTIAL_CODES:
            raise SdkCallError(self._call(event_name), f"{code}: {parsed['Error'].get('Message', '')}")
        parsed.setdefault("ResponseMetadata", {})[_CALL] = self._call(event_name)

    def after_call_error(self, exception: Exception, event_name: str, **_: Any) -> None:
        if isinstance(exception, ResponseParserError):
            status, content_type = (self.answer.status, self.answer.content_type) if self.answer else (None, "")
            raise SdkCallError(self._call(event_name), self._not_aws(status, content_type)) from exception
        if isinstance(exception, BotoCoreError):
            raise SdkCallError(self._call(event_name), str(exception)) from exception


def watched(client: Any) -> Any:
    """``client``, its failures named (:class:`_FailureNames`)."""
    _FailureNames(client)
    return client


def sdk_session(default_region: str | None = None) -> boto3.Session:
    """The SDK environment's session. Its region: ``AWS_REGION``, the variable the AWS SDKs read
    (boto3 reads only ``AWS_DEFAULT_REGION`` and the profile's ``region``), then those, then
    ``default_region`` (the config's: the baseline lives there)."""
    session = boto3.Session(region_name=os.environ.get("AWS_REGION") or None)
    if session.region_name is None and default_region:
        session = boto3.Session(region_name=default_region)
    return session


class Aws:
    """Clients of one session: ``AWS_PROFILE``, ``AWS_REGION`` (or ``AWS_DEFAULT_REGION``) and
    ``AWS_ENDPOINT_URL`` (a local AWS) apply as in every AWS SDK; without a region, ``default_region``."""

    def __init__(self, session: boto3.Session | None = None, *, default_region: str | None = None) -> None:
        self._session, self._default_region = session, default_region

    @cached_property
    def session(self) -> boto3.Session:
        """Made on first use: a command that calls nothing (``drill --dry-run``) reads no profile."""
        return self._session or sdk_session(self._default_region)

    @property
    def region(self) -> str | None:
        region: str | None = self.session.region_name
        return region

    @cache  # noqa: B019  # one client per service for the life of the object
    def client(self, service: str) -> Any:
        return watched(self.session.client(service, config=_CLIENT_CONFIG))

    @cached_property
    def account_id(self) -> str:
        """The account of the credentials (one STS call for the life of the object)."""
        account: str = self.client("sts").get_caller_identity()["Account"]
        return account


#: DescribeAlarms takes at most this many names.
_ALARM_NAMES_PER_CALL = 100


def metric_alarms(aws: Aws, names: Sequence[str]) -> dict[str, Any]:
    """The metric alarms of ``names`` that exist, by name."""
    cloudwatch, found = aws.client("cloudwatch"), {}
    for start in range(0, len(names), _ALARM_NAMES_PER_CALL):
        chunk = list(names[start : start + _ALARM_NAMES_PER_CALL])
        for alarm in cloudwatch.describe_alarms(AlarmNames=chunk)["MetricAlarms"]:
            found[alarm["AlarmName"]] = alarm
    return found


def action_history(aws: Aws, alarm: str, since: datetime.datetime) -> list[str]:
    """The summaries of ``alarm``'s ``Action`` history items since ``since`` (its notifications)."""
    history = aws.client("cloudwatch").describe_alarm_history(
        AlarmName=alarm, HistoryItemType="Action", StartDate=since, MaxRecords=100
    )["AlarmHistoryItems"]
    return [item.get("HistorySummary", "") for item in history]


def is_failure(summary: str) -> bool:
    """An alarm history ``Action`` item that records a failed notification."""
    return summary.startswith("Failed")


def rule_metric(
    aws: Aws, rule: str, metric: str, start: datetime.datetime, end: datetime.datetime, *, period: int
) -> float:
    """The sum of an EventBridge rule's ``AWS/Events`` ``metric`` (``Invocations``, ...) over a window."""
    points = aws.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Events",
        MetricName=metric,
        Dimensions=[{"Name": "RuleName", "Value": rule}],
        StartTime=start,
        EndTime=end,
        Period=period,
        Statistics=["Sum"],
    )["Datapoints"]
    return float(sum(point["Sum"] for point in points))


#: The error codes AWS services answer a missing resource with, besides ``*NotFoundException``.
_NOT_FOUND_CODES = frozenset({"NotFound", "ResourceNotFound", "NoSuchEntity", "NoSuchBucket"})


def is_not_found(error: ClientError | BotoCoreError) -> bool:
    """Whether AWS answered that the resource does not exist (not that it refused the caller)."""
    if not isinstance(error, ClientError):
        return False
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code.endswith("NotFoundException") or code in _NOT_FOUND_CODES


#: The error codes of an answer AWS could not give now (throttled, or failing on its side).
_TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "SlowDown",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "InternalServiceError",
    }
)
#: HTTP statuses of an answer that failed on AWS's side.
_SERVER_ERROR = 500


def is_transient(error: ClientError | BotoCoreError) -> bool:
    """Whether AWS answered that it could not answer now (after the SDK's retries): not a verdict."""
    if not isinstance(error, ClientError):
        return False
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    return code in _TRANSIENT_CODES or status >= _SERVER_ERROR


def unreadable_fix(error: ClientError | BotoCoreError, aws: Aws, name_prefix: str) -> str:
    """The fix for a call that failed: a missing resource names where the commands looked and the
    likely causes; a throttled or failed answer is to be asked again; anything else is the
    credentials' permissions."""
    if is_not_found(error):
        return (
            f"not found with name_prefix {name_prefix!r} in account {aws.account_id}, {aws.region}: the baseline "
            "is deployed with another prefix (--config), in another account or region, or not yet"
        )
    if is_transient(error):
        return "AWS could not answer now (throttled, or an error on its side, after retries): run the command again"
    return "check the credentials' permissions"
