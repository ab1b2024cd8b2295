"""The operator commands never print a traceback: an SDK call that fails for the endpoint, the
network or the credentials ends ``verify``, ``drill``, ``cost --from-account`` and
``aws-check-policies`` with one line, ``<command>: <Service>.<Operation> failed: <cause>``,
exit 2; the drill still cleans up what it made.

The endpoints are real (a local server answering HTTP 500 with an HTML page, as a proxy, a
captive portal or a broken local AWS does; a port nothing listens on) and the commands run as a
user runs them. An expired token is a recorded AWS answer (botocore's Stubber).
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from typer.testing import CliRunner

from ops import cli
from ops.aws import Aws
from tests.local_aws import free_port
from tools.policies import access_analyzer

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "111122223333"
EXPIRED = "The security token included in the request is expired"

#: Each operator command that talks to AWS, as ``./run`` starts it.
COMMANDS = {
    "verify": [sys.executable, "-m", "ops", "verify"],
    "drill": [sys.executable, "-m", "ops", "drill", "--wait-seconds", "0"],
    "cost": [sys.executable, "-m", "ops", "cost", "--from-account"],
    "aws-check-policies": [sys.executable, "-m", "runtime", "tools.policies.access_analyzer"],
}

HTML_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Error</title></head>'
    b"<body><h1>500 Internal Server Error</h1><br><p>The proxy could not reach the server.</p></body></html>"
)
CALLER_IDENTITY = (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
    f"<Arn>arn:aws:iam::{ACCOUNT}:user/operator</Arn><UserId>AIDAEXAMPLE</UserId><Account>{ACCOUNT}</Account>"
    "</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
    "</GetCallerIdentityResponse>"
).encode()


@contextmanager
def html_500_endpoint(*, sts_answers: bool = False) -> Iterator[str]:
    """A local server that answers every request HTTP 500 with an HTML page; with
    ``sts_answers``, STS's GetCallerIdentity is answered as AWS does (a proxy that lets STS by)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if sts_answers and b"Action=GetCallerIdentity" in request:
                self._answer(200, "text/xml", CALLER_IDENTITY)
            else:
                self._answer(500, "text/html", HTML_PAGE)

        def do_GET(self) -> None:
            self.do_POST()

        def _answer(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run(command: str, endpoint: str) -> tuple[int, str]:
    """``command`` as a user runs it against ``endpoint`` with fake credentials: its exit code and
    its one line of output (asserted: one non-empty line in all, no traceback)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "BASELINE_"))}
    env |= {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    result = subprocess.run(
        COMMANDS[command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return result.returncode, lines[0]


def not_aws(endpoint: str) -> str:
    return f"the endpoint {endpoint} answered HTTP 500 with a body that is not an AWS response (text/html)"


@pytest.mark.parametrize("command", COMMANDS)
def test_against_an_html_500_endpoint_each_command_is_one_line_naming_the_call_exit_2(command: str) -> None:
    with html_500_endpoint() as endpoint:
        code, line = run(command, endpoint)
    assert (code, line) == (2, f"{command}: STS.GetCallerIdentity failed: {not_aws(endpoint)}")


#: The first call after STS of each command, when only STS answers as AWS does.
FIRST_AFTER_STS = {
    "verify": "CloudTrail.DescribeTrails",
    "drill": "CloudWatch.DescribeAlarms",
    "cost": "CloudWatch.GetMetricStatistics",
    "aws-check-policies": "Organizations.DescribeOrganization",
}


@pytest.mark.parametrize("command", COMMANDS)
def test_an_html_500_after_sts_answered_stops_the_command_in_one_line_naming_that_call(command: str) -> None:
    # Not one failed item per check, each blaming the permissions: the endpoint is the problem.
    with html_500_endpoint(sts_answers=True) as endpoint:
        code, line = run(command, endpoint)
    cleaned = "; the drill's rule is deleted and its alarms are set back" if command == "drill" else ""
    assert (code, line) == (2, f"{command}: {FIRST_AFTER_STS[command]} failed: {not_aws(endpoint)}{cleaned}")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_refused_connection_is_one_line_naming_the_call_exit_2(command: str) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    code, line = run(command, endpoint)
    cause = f'Could not connect to the endpoint URL: "{endpoint}/"'
    assert (code, line) == (2, f"{command}: STS.GetCallerIdentity failed: {cause}")


# -- recorded answers: an expired token, a drill that fails half-way --------------------------


class StubbedAws(Aws):
    """An :class:`Aws` whose clients answer from botocore's Stubber (no network, no credentials)."""

    def __init__(self) -> None:
        super().__init__(boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1"))
        self.stubbers: dict[str, Stubber] = {}

    def stub(self, service: str) -> Stubber:
        if service not in self.stubbers:
            self.stubbers[service] = Stubber(self.client(service))
            self.stubbers[service].activate()
        return self.stubbers[service]

    def caller(self) -> None:
        self.stub("sts").add_response(
            "get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/x", "UserId": "x"}
        )

    def expired(self, service: str, operation: str) -> None:
        code = "ExpiredToken" if service == "sts" else "ExpiredTokenException"  # query, JSON protocols
        self.stub(service).add_client_error(operation, code, EXPIRED, 400)

    def assert_every_answer_asked_for(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubbedAws]:
    """The one :class:`StubbedAws` the operator commands get (each answer asked for, in order)."""
    stubbed = StubbedAws()
    monkeypatch.setattr(cli, "Aws", lambda **_: stubbed)
    monkeypatch.setattr("ops.aws.Aws", lambda *_, **__: stubbed)  # aws-check-policies
    yield stubbed
    stubbed.assert_every_answer_asked_for()


def invoke(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """An operator command in this process: its exit code and its one line (asserted: nothing
    escaped the command, one non-empty line of output in all)."""
    if arguments[0] == "aws-check-policies":
        code = access_analyzer.main(arguments[1:])
        captured = capsys.readouterr()
        output = captured.out + captured.err
    else:
        result = CliRunner().invoke(cli.app, arguments)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        code, output = result.exit_code, result.stdout + result.stderr
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return code, lines[0]


@pytest.mark.parametrize("command", ["verify", "drill", "cost", "aws-check-policies"])
def test_an_expired_token_is_one_line_naming_the_call_exit_2(
    aws: StubbedAws, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    aws.expired("sts", "get_caller_identity")
    arguments = {"drill": ["drill", "--wait-seconds", "0"], "cost": ["cost", "--from-account"]}.get(command, [command])
    code, line = invoke(arguments, capsys)
    assert (code, line) == (2, f"{command}: STS.GetCallerIdentity failed: ExpiredToken: {EXPIRED}")


def test_a_token_that_expires_during_verify_stops_it_in_one_line_not_a_failure_per_check(
    aws: StubbedAws, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.caller()
    aws.expired("cloudtrail", "describe_trails")
    code, line = invoke(["verify"], capsys)
    assert (code, line) == (2, f"verify: CloudTrail.DescribeTrails failed: ExpiredTokenException: {EXPIRED}")


def test_a_token_that_expires_during_the_measurement_stops_cost_in_one_line(
    aws: StubbedAws, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.caller()
    aws.expired("cloudwatch", "get_metric_statistics")
    code, line = invoke(["cost", "--from-account"], capsys)
    assert (code, line) == (2, f"cost: CloudWatch.GetMetricStatistics failed: ExpiredTokenException: {EXPIRED}")


def test_aws_s_refusal_of_a_measurement_call_is_one_line_naming_the_call_exit_2(
    aws: StubbedAws, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.caller()
    aws.stub("cloudwatch").add_client_error("get_metric_statistics", "AccessDenied", "not authorized", 403)
    code, line = invoke(["cost", "--from-account"], capsys)
    assert (code, line) == (2, "cost: CloudWatch.GetMetricStatistics failed: AccessDenied: not authorized")


ALARMS = ["mgmt-baseline-console-sign-in", "mgmt-baseline-access-denied"]  # the default config's
RULE = "mgmt-baseline-drill-t1"


def _alarms_in_ok(aws: StubbedAws) -> None:
    alarms = [{"AlarmName": name, "StateValue": "OK"} for name in ALARMS]
    aws.stub("cloudwatch").add_response("describe_alarms", {"MetricAlarms": alarms}, {"AlarmNames": ALARMS})


def _set(aws: StubbedAws, alarm: str, state: str) -> None:
    params = {"AlarmName": alarm, "StateValue": state, "StateReason": ANY}
    aws.stub("cloudwatch").add_response("set_alarm_state", {}, params)


def test_a_drill_that_fails_among_the_alarms_sets_back_every_alarm_it_touched(
    aws: StubbedAws, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.caller()
    _alarms_in_ok(aws)
    _set(aws, ALARMS[0], "OK")
    _set(aws, ALARMS[0], "ALARM")
    aws.expired("cloudwatch", "set_alarm_state")  # the second alarm's first change
    for alarm in ALARMS:  # the clean-up: both back to OK
        _set(aws, alarm, "OK")
    code, line = invoke(["drill", "--wait-seconds", "0", "--marker", "t1"], capsys)
    aws.assert_every_answer_asked_for()
    assert (code, line) == (
        2,
        f"drill: CloudWatch.SetAlarmState failed: ExpiredTokenException: {EXPIRED}; the drill's rule is deleted "
        "and its alarms are set back",
    )


#: A config without alarms: the drill goes straight to its rule.
NO_ALARMS = '[detections]\ndisabled = ["console-sign-in", "access-denied"]\n'


def _rule_made(aws: StubbedAws) -> None:
    events = aws.stub("events")
    events.add_client_error("describe_rule", "ResourceNotFoundException", "no such rule", 400)
    events.add_response("put_rule", {"RuleArn": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/{RULE}"})
    aws.expired("events", "put_targets")


def test_a_drill_that_fails_after_making_its_rule_deletes_it(
    aws: StubbedAws, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (config := tmp_path / "baseline.toml").write_text(NO_ALARMS)
    aws.caller()
    _rule_made(aws)
    events = aws.stub("events")
    events.add_response("remove_targets", {"FailedEntryCount": 0}, {"Rule": RULE, "Ids": ["alert-topic"]})
    events.add_response("delete_rule", {}, {"Name": RULE})
    code, line = invoke(["drill", "--config", str(config), "--wait-seconds", "0", "--marker", "t1"], capsys)
    aws.assert_every_answer_asked_for()
    assert (code, line) == (
        2,
        f"drill: EventBridge.PutTargets failed: ExpiredTokenException: {EXPIRED}; the drill's rule is deleted "
        "and its alarms are set back",
    )


def test_a_drill_whose_clean_up_fails_too_says_in_the_same_line_what_is_left_and_how_to_remove_it(
    aws: StubbedAws, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (config := tmp_path / "baseline.toml").write_text(NO_ALARMS)
    aws.caller()
    _rule_made(aws)
    aws.expired("events", "remove_targets")
    code, line = invoke(["drill", "--config", str(config), "--wait-seconds", "0", "--marker", "t1"], capsys)
    assert (code, line) == (
        2,
        f"drill: EventBridge.PutTargets failed: ExpiredTokenException: {EXPIRED}; drill clean-up: could not "
        f"delete rule {RULE} (EventBridge.RemoveTargets failed: ExpiredTokenException: {EXPIRED}); delete it by "
        f"hand: aws events remove-targets --rule {RULE} --ids alert-topic; aws events delete-rule --name {RULE}",
    )


def test_a_profile_that_does_not_exist_is_one_line_exit_2_and_the_dry_run_needs_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nope")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    assert invoke(["verify"], capsys) == (2, "verify: The config profile (nope) could not be found")
    assert CliRunner().invoke(cli.app, ["drill", "--dry-run", "--json"]).exit_code == 0
