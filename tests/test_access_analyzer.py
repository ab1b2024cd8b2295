"""The opt-in Access Analyzer check, on recorded ValidatePolicy responses (botocore's Stubber).

The real call needs credentials of a management account (``./run aws-check-policies``); here
the requests it builds and the report it prints are checked against responses in the API's
own shape (the Stubber validates both against botocore's model).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from app.config import BaselineConfig
from tests.synth import app_documents
from tools.policies import access_analyzer
from tools.policies.access_analyzer import (
    Finding,
    account_environment,
    report,
    synthesized_policies,
    validate,
    validation_request,
)
from tools.policies.resolve import AttachedPolicy, Environment, TerraformJson

ENV = Environment()
FINDING = {
    "findingType": "SECURITY_WARNING",
    "issueCode": "MISSING_ARN_ACCOUNT_CONDITION",
    "findingDetails": "Add aws:SourceAccount or aws:SourceOwner to the condition.",
    "learnMoreLink": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
    "locations": [
        {
            "path": [{"value": "Statement"}, {"index": 0}],
            "span": {"start": {"line": 1, "column": 0, "offset": 0}, "end": {"line": 1, "column": 10, "offset": 10}},
        }
    ],
}


@pytest.fixture(scope="module")
def policies() -> list[AttachedPolicy]:
    return [
        policy
        for document in app_documents(BaselineConfig())
        for policy in TerraformJson(document, ENV).attached_policies()
    ]


@pytest.fixture
def client() -> Iterator[tuple[Any, Stubber]]:
    analyzer = boto3.client("accessanalyzer", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(analyzer) as stubber:
        yield analyzer, stubber
        stubber.assert_no_pending_responses()


def test_each_policy_is_validated_with_its_own_type(policies: list[AttachedPolicy]) -> None:
    kinds = {policy.kind: validation_request(policy) for policy in policies}
    assert {kind: (r["policyType"], r.get("validatePolicyResourceType")) for kind, r in kinds.items()} == {
        "bucket": ("RESOURCE_POLICY", "AWS::S3::Bucket"),
        "trust": ("RESOURCE_POLICY", "AWS::IAM::AssumeRolePolicyDocument"),
        "role": ("IDENTITY_POLICY", None),
        # KMS keys, SNS topics and SQS queues are not listed resource types: the generic checks.
        "key": ("RESOURCE_POLICY", None),
        "topic": ("RESOURCE_POLICY", None),
        "queue": ("RESOURCE_POLICY", None),
    }
    for policy in policies:
        assert json.loads(validation_request(policy)["policyDocument"]) == policy.document
        assert "${" not in validation_request(policy)["policyDocument"]


def test_every_policy_is_sent_and_every_page_of_findings_reported(
    client: tuple[Any, Stubber], policies: list[AttachedPolicy]
) -> None:
    analyzer, stubber = client
    topic = next(policy for policy in policies if policy.kind == "topic")
    for policy in policies:
        params = validation_request(policy)
        if policy is topic:
            stubber.add_response("validate_policy", {"findings": [FINDING], "nextToken": "page-2"}, params)
            stubber.add_response("validate_policy", {"findings": [FINDING]}, {**params, "nextToken": "page-2"})
        else:
            stubber.add_response("validate_policy", {"findings": []}, params)
    findings = validate(analyzer, policies)
    assert [finding.policy for finding in findings] == [topic, topic]
    lines, code = report(findings, policies)
    assert code == 1
    assert lines[0] == (
        f"SECURITY_WARNING MISSING_ARN_ACCOUNT_CONDITION in the topic policy of {topic.resource_arn} "
        f"({topic.address}): {FINDING['findingDetails']} {FINDING['learnMoreLink']}"
    )
    assert lines[-1] == (
        f"Access Analyzer: 2 finding(s), 2 failing (ERROR, SECURITY_WARNING, WARNING), in {len(policies)} policies"
    )


def test_no_findings_exits_zero(client: tuple[Any, Stubber], policies: list[AttachedPolicy]) -> None:
    analyzer, stubber = client
    for policy in policies:
        stubber.add_response("validate_policy", {"findings": []}, validation_request(policy))
    lines, code = report(validate(analyzer, policies), policies)
    summary = (
        f"Access Analyzer: 0 finding(s), 0 failing (ERROR, SECURITY_WARNING, WARNING), in {len(policies)} policies"
    )
    assert (lines, code) == ([summary], 0)


def test_a_suggestion_is_printed_but_does_not_fail(policies: list[AttachedPolicy]) -> None:
    suggestion = Finding(policies[0], "SUGGESTION", "EMPTY_OBJECT_PRINCIPAL", "Empty principal.", "https://example")
    lines, code = report([suggestion], policies)
    assert code == 0
    assert lines[0].startswith("SUGGESTION EMPTY_OBJECT_PRINCIPAL in the bucket policy")


def test_the_app_and_the_module_are_validated_once_per_distinct_document() -> None:
    # The module renders the same documents as the app for the same config: each is sent once.
    found = synthesized_policies(BaselineConfig(), ENV)
    kinds = ["bucket", "bucket", "bucket", "key", "queue", "role", "topic", "topic", "trust"]
    assert sorted(policy.kind for policy in found) == kinds
    assert len({policy.resource_arn for policy in found if policy.kind == "bucket"}) == 3


def test_a_bad_config_exits_2_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "baseline.toml"
    config.write_text("budget_limit_usd = -1\n")
    assert access_analyzer.main(["--config", str(config)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {config}: budget_limit_usd")


def test_the_policies_are_rendered_for_the_credentials_account() -> None:
    session = boto3.Session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    sts, organizations = session.client("sts"), session.client("organizations")
    with Stubber(sts) as sts_stub, Stubber(organizations) as org_stub:
        sts_stub.add_response(
            "get_caller_identity",
            {"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:role/admin", "UserId": "x"},
        )
        org_stub.add_response("describe_organization", {"Organization": {"Id": "o-abcdefghij"}})

        class Account:
            region = "eu-west-1"  # where the SDK environment sends the calls: not the baseline's region

            def client(self, name: str) -> Any:
                return {"sts": sts, "organizations": organizations}[name]

        assert account_environment(Account(), "us-east-1") == Environment(
            account_id="123456789012", organization_id="o-abcdefghij", region="us-east-1"
        )


@pytest.mark.usefixtures("no_aws_credentials")
def test_without_credentials_it_exits_2_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert access_analyzer.main([]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == "aws-check-policies: STS.GetCallerIdentity failed: Unable to locate credentials"


def test_a_finding_names_the_policy_it_is_about(policies: list[AttachedPolicy]) -> None:
    finding = Finding(policies[0], "ERROR", "INVALID_ACTION", "The action is not valid.", "https://example")
    assert policies[0].address in finding.line()
    assert finding.line().startswith("ERROR INVALID_ACTION in the bucket policy of arn:aws:s3:::")
