"""GitHub Actions' identity ([ci]): what the state-bootstrap stack makes, the trust policies as
synthesized, and that the request model catches every way such a trust usually goes wrong."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from app.config import BaselineConfig
from tests.configs import EVERY_OPTION, EXISTING_TRAIL
from tests.synth import app_documents
from tools.policies.load import github_claims
from tools.policies.proof import Proof, prove
from tools.policies.resolve import Environment, TerraformJson

ENV = Environment()
#: IAM's quota on a role's inline policies, counted without whitespace.
INLINE_POLICY_QUOTA = 10_240


def _config(**ci: Any) -> BaselineConfig:
    return BaselineConfig.model_validate({"ci": {"github_repository": "acme/org-baseline", **ci}})


def _bootstrap(config: BaselineConfig) -> dict[str, Any]:
    document: dict[str, Any] = app_documents(config)[1]
    return document


def _resolved(config: BaselineConfig) -> TerraformJson:
    return TerraformJson(_bootstrap(config), ENV)


def _policy(config: BaselineConfig, address: str) -> dict[str, Any]:
    (policy,) = (p for p in _resolved(config).attached_policies() if p.address == address)
    return dict(policy.document)


def _prove(documents: list[dict[str, Any]], config: BaselineConfig) -> Proof:
    return prove([TerraformJson(document, ENV) for document in documents], given=github_claims(config))


def test_without_ci_the_bootstrap_makes_no_identity() -> None:
    document = _bootstrap(BaselineConfig())
    assert "aws_iam_role" not in document["resource"]
    assert "aws_iam_openid_connect_provider" not in document["resource"]
    assert "output" not in document


def test_with_ci_the_bootstrap_makes_the_provider_the_two_roles_and_their_outputs() -> None:
    document = _bootstrap(_config(max_session_hours=2))
    assert document["resource"]["aws_iam_openid_connect_provider"]["github"] | {"//": None} == {
        "//": None,
        "url": "https://token.actions.githubusercontent.com",
        "client_id_list": ["sts.amazonaws.com"],
    }
    roles = document["resource"]["aws_iam_role"]
    assert {name: role["name"] for name, role in roles.items()} == {
        "ci_plan": "mgmt-baseline-ci-plan",
        "ci_apply": "mgmt-baseline-ci-apply",
    }
    assert {role["max_session_duration"] for role in roles.values()} == {7200}
    assert set(document["output"]) == {"ci_plan_role_arn", "ci_apply_role_arn", "ci_oidc_provider_arn"}
    assert document["output"]["ci_plan_role_arn"]["value"] == "${aws_iam_role.ci_plan.arn}"


def test_an_existing_provider_is_looked_up_by_its_url_not_created() -> None:
    document = _bootstrap(_config(oidc_provider="existing"))
    assert "aws_iam_openid_connect_provider" not in document["resource"]
    lookup = document["data"]["aws_iam_openid_connect_provider"]["github"]
    assert lookup["url"] == "https://token.actions.githubusercontent.com"
    trust = _policy(_config(oidc_provider="existing"), "aws_iam_role.ci_plan")
    assert trust["Statement"][0]["Principal"] == {
        "Federated": ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]
    }


def test_the_plan_role_trusts_exactly_the_pull_requests_and_the_default_branch() -> None:
    trust = _policy(_config(default_branch="trunk"), "aws_iam_role.ci_plan")
    (statement,) = trust["Statement"]
    assert statement["Action"] == ["sts:AssumeRoleWithWebIdentity"]
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"],
            "token.actions.githubusercontent.com:sub": [
                "repo:acme/org-baseline:pull_request",
                "repo:acme/org-baseline:ref:refs/heads/trunk",
            ],
        }
    }


def test_the_apply_role_trusts_exactly_the_environment() -> None:
    trust = _policy(_config(apply_environment="prod"), "aws_iam_role.ci_apply")
    (statement,) = trust["Statement"]
    assert statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == [
        "repo:acme/org-baseline:environment:prod"
    ]


@pytest.mark.parametrize("config", [_config(), EVERY_OPTION], ids=["default", "every-option"])
def test_the_proof_of_the_ci_roles_holds(config: BaselineConfig) -> None:
    proof = _prove(app_documents(config), config)
    ci = [o for o in proof.outcomes if "ci_" in o.case.call.resource or "ci_" in o.case.call.caller]
    assert ci
    assert [o.explain() for o in proof.wrong] == []
    assert proof.dead_statements == []


def test_with_an_existing_trail_the_apply_role_manages_no_trail_bucket_or_log_group_of_its_own() -> None:
    config = EXISTING_TRAIL.model_copy(update={"ci": _config().ci})
    permissions = _policy(config, "aws_iam_role_policy.ci_apply")
    sids = [statement["Sid"] for statement in permissions["Statement"]]
    assert not {"ManageTheTrails", "ManageTheLogBuckets", "ManageTheLogGroup", "ManageTheLogsRoles"} & set(sids)
    (filters,) = (s for s in permissions["Statement"] if s["Sid"] == "ManageTheMetricFiltersAndAlarms")
    assert filters["Resource"] == [
        "arn:aws:logs:us-east-1:111122223333:log-group:aws-controltower/CloudTrailLogs",
        "arn:aws:logs:us-east-1:111122223333:log-group:aws-controltower/CloudTrailLogs:*",
    ]


def _trust_block(documents: list[dict[str, Any]], role: str) -> dict[str, Any]:
    block: dict[str, Any] = documents[1]["data"]["aws_iam_policy_document"][f"ci_{role}_trust"]["statement"][0]
    return block


def _condition(block: dict[str, Any], key: str) -> dict[str, Any]:
    (condition,) = (c for c in block["condition"] if c["variable"].endswith(key))
    found: dict[str, Any] = condition
    return found


def _wrong_after(mutate: Any, role: str = "plan") -> set[str]:
    config = _config()
    documents = copy.deepcopy(app_documents(config))
    mutate(_trust_block(documents, role))
    return {outcome.case.call.name for outcome in _prove(documents, config).wrong}


def _wildcard_subject(block: dict[str, Any]) -> None:
    subject = _condition(block, ":sub")
    subject["test"] = "StringLike"
    subject["values"] = ["repo:acme/org-baseline*"]


def _any_subject_of_the_owner(block: dict[str, Any]) -> None:
    subject = _condition(block, ":sub")
    subject["test"] = "StringLike"
    subject["values"] = ["repo:acme/*"]


def _no_audience(block: dict[str, Any]) -> None:
    block["condition"] = [c for c in block["condition"] if not c["variable"].endswith(":aud")]


def _audience_if_exists(block: dict[str, Any]) -> None:
    _condition(block, ":aud")["test"] = "StringEqualsIfExists"


@pytest.mark.parametrize(
    ("mutate", "caught"),
    [
        (
            _wildcard_subject,
            {
                "a-look-alike-repository-assumes-the-ci-plan-role",
                "another-branch-assumes-the-ci-plan-role",
                "a-tag-assumes-the-ci-plan-role",
            },
        ),
        (
            _any_subject_of_the_owner,
            {
                "a-look-alike-repository-assumes-the-ci-plan-role",
                "another-branch-assumes-the-ci-plan-role",
                "a-tag-assumes-the-ci-plan-role",
            },
        ),
        (
            _no_audience,
            {
                "a-token-without-the-audience-assumes-the-ci-plan-role",
                "a-token-for-another-audience-assumes-the-ci-plan-role",
            },
        ),
        (_audience_if_exists, {"a-token-without-the-audience-assumes-the-ci-plan-role"}),
    ],
    ids=["trailing-wildcard", "whole-owner", "no-audience", "audience-if-exists"],
)
def test_the_proof_catches_a_trust_that_admits_too_much(mutate: Any, caught: set[str]) -> None:
    assert _wrong_after(mutate) == caught


def test_the_proof_catches_an_apply_role_that_trusts_pull_requests() -> None:
    def add_pull_requests(block: dict[str, Any]) -> None:
        _condition(block, ":sub")["values"].append("repo:acme/org-baseline:pull_request")

    assert _wrong_after(add_pull_requests, "apply") == {"a-pull-request-assumes-the-ci-apply-role"}


def test_the_deny_keeps_the_audit_trail_from_the_plan_role_whatever_it_is_given() -> None:
    config = _config()
    documents = copy.deepcopy(app_documents(config))
    permissions = documents[1]["data"]["aws_iam_policy_document"]["ci_plan_permissions"]["statement"]
    # ReadOnlyAccess's reach: every read of every service.
    permissions.append(
        {
            "sid": "ReadOnlyAccess",
            "effect": "Allow",
            "actions": ["*:Get*", "*:List*", "logs:*", "kms:Decrypt", "s3:GetObject", "cloudtrail:LookupEvents"],
            "resources": ["*"],
        }
    )
    assert [o.explain() for o in _prove(documents, config).wrong] == []
    # Without the deny, the same grant reads the audit trail: each refusal fails the proof.
    documents[1]["data"]["aws_iam_policy_document"]["ci_plan_permissions"]["statement"] = [
        s for s in permissions if s.get("sid") != "NeverReadTheAuditTrail"
    ]
    let_through = {o.case.call.name for o in _prove(documents, config).wrong}
    assert let_through == {
        "ci-plan-reads-log-events",
        "ci-plan-filters-log-events",
        "ci-plan-queries-the-log-group",
        "ci-plan-reads-a-log-file",
        "ci-plan-reads-an-old-version-of-a-log-file",
        "ci-plan-reads-an-access-log",
        "ci-plan-decrypts-a-log-file",
        "ci-plan-looks-up-the-event-history",
    }


def test_the_roles_policies_fit_iams_quota_with_the_longest_names() -> None:
    config = BaselineConfig.model_validate(
        {
            "name_prefix": "a" * 24,
            "state": {"bucket": "b" * 63, "key": "k" * 200},
            "ci": {"github_repository": f"{'o' * 39}/{'r' * 100}", "apply_environment": "e" * 60},
        }
    )
    for address in ("aws_iam_role_policy.ci_plan", "aws_iam_role_policy.ci_apply"):
        size = len(json.dumps(_policy(config, address), separators=(",", ":")))
        assert size < INLINE_POLICY_QUOTA, (address, size)
