"""The local IAM policy evaluator, on the evaluation examples and rules AWS documents.

Each case cites the IAM User Guide page it comes from; the policies are the documented ones.
"""

from __future__ import annotations

from typing import Any

import pytest

from tools.policies.evaluator import Decision, Principal, Request, UnsupportedPolicyError, arn_matches, evaluate

CARLOS = Principal.iam("arn:aws:iam::123456789012:user/carlossalazar")


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _request(action: str, resource: str = "*", principal: Principal = CARLOS, **context: str) -> Request:
    return Request(principal, action, resource, {key.replace("__", ":"): value for key, value in context.items()})


# "Policy evaluation for requests within a single account": Carlos's identity policy.
CARLOS_IDENTITY = _doc(
    {
        "Sid": "AllowS3ListRead",
        "Effect": "Allow",
        "Action": [
            "s3:GetBucketLocation",
            "s3:GetAccountPublicAccessBlock",
            "s3:ListAccessPoints",
            "s3:ListAllMyBuckets",
        ],
        "Resource": "arn:aws:s3:::*",
    },
    {
        "Sid": "AllowS3Self",
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
    },
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
)
CARLOS_BUCKET = _doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:user/carlossalazar"},
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::carlossalazar",
    }
)


def test_an_explicit_deny_in_the_identity_policy_wins() -> None:
    # Documented: Carlos's request to the logging bucket is denied by DenyS3Logs.
    result = evaluate(
        CARLOS_IDENTITY, _request("s3:PutObject", "arn:aws:s3:::carlossalazar-logs/x"), resource_policy=False
    )
    assert result.decision is Decision.DENY
    assert result.matched == (2,)


def test_identity_and_bucket_policy_both_allow_carlos_own_bucket() -> None:
    request = _request("s3:ListBucket", "arn:aws:s3:::carlossalazar")
    assert evaluate(CARLOS_IDENTITY, request, resource_policy=False).decision is Decision.ALLOW
    assert evaluate(CARLOS_BUCKET, request).decision is Decision.ALLOW


def test_another_principal_gets_nothing_from_carlos_bucket_policy() -> None:
    maria = Principal.iam("arn:aws:iam::123456789012:user/maria")
    assert evaluate(CARLOS_BUCKET, _request("s3:ListBucket", "arn:aws:s3:::carlossalazar", maria)).decision is (
        Decision.NO_MATCH
    )


# "Policy evaluation logic" example: Get* and List* allowed, *Report denied.
REPORTS = _doc(
    {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
    {"Effect": "Deny", "Action": "iam:*Report", "Resource": "*"},
)


@pytest.mark.parametrize(
    ("action", "decision"),
    [
        ("iam:GetUser", Decision.ALLOW),
        ("iam:CreatePolicy", Decision.NO_MATCH),  # implicitly denied
        ("iam:GetOrganizationsAccessReport", Decision.DENY),
        ("iam:GenerateCredentialReport", Decision.DENY),
        # "The prefix and the action name are case insensitive."
        ("IAM:getuser", Decision.ALLOW),
    ],
)
def test_actions_match_with_wildcards_and_without_case(action: str, decision: Decision) -> None:
    assert evaluate(REPORTS, _request(action), resource_policy=False).decision is decision


# "Condition operators": the Bool example on aws:SecureTransport.
TLS_ONLY = _doc(
    {
        "Sid": "BooleanExample",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
)


@pytest.mark.parametrize(("secure", "decision"), [("false", Decision.DENY), ("true", Decision.NO_MATCH)])
def test_a_request_without_tls_is_denied(secure: str, decision: Decision) -> None:
    request = _request("s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/a/b", aws__SecureTransport=secure)
    assert evaluate(TLS_ONLY, request).decision is decision


def _with_condition(condition: dict[str, Any]) -> dict[str, Any]:
    return _doc({"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*", "Condition": condition})


@pytest.mark.parametrize(
    ("condition", "context", "decision"),
    [
        # "If the key ... is not present in the request context, the values do not match and the condition is false."
        ({"StringEquals": {"aws:SourceAccount": "111122223333"}}, {}, Decision.NO_MATCH),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:*:111122223333:alarm:*"}}, {}, Decision.NO_MATCH),
        # "... such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
        ({"StringNotLike": {"aws:SourceAccount": "1111*"}}, {}, Decision.ALLOW),
        ({"ArnNotLike": {"aws:SourceArn": "arn:aws:events:*:*:rule/*"}}, {}, Decision.ALLOW),
        # "If the key is not present, evaluate the condition element as true." (...IfExists)
        ({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, {}, Decision.ALLOW),
        (
            {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}},
            {"aws:SourceAccount": "999988887777"},
            Decision.NO_MATCH,
        ),
        (
            {"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}},
            {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"},
            Decision.ALLOW,
        ),
        # "... except ...IfExists and Null": a negated IfExists operator is true without the key too.
        ({"StringNotEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, {}, Decision.ALLOW),
        (
            {"StringNotEqualsIfExists": {"aws:SourceAccount": "111122223333"}},
            {"aws:SourceAccount": "111122223333"},
            Decision.NO_MATCH,
        ),
        ({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {}, Decision.ALLOW),
        ({"Bool": {"aws:MultiFactorAuthPresent": "false"}}, {}, Decision.NO_MATCH),
        # Null: true means the key is absent, false that it is present.
        ({"Null": {"aws:TokenIssueTime": "true"}}, {}, Decision.ALLOW),
        ({"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "2026-11-30T00:00:00Z"}, Decision.NO_MATCH),
        ({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "2026-11-30T00:00:00Z"}, Decision.ALLOW),
        # One key's values are ORed; a negated operator's values are NORed.
        ({"StringEquals": {"aws:SourceAccount": ["1", "2"]}}, {"aws:SourceAccount": "2"}, Decision.ALLOW),
        ({"StringNotEquals": {"aws:SourceAccount": ["1", "2"]}}, {"aws:SourceAccount": "2"}, Decision.NO_MATCH),
        ({"StringNotEquals": {"aws:SourceAccount": ["1", "2"]}}, {"aws:SourceAccount": "3"}, Decision.ALLOW),
        # Keys within an operator, and operators, are ANDed.
        (
            {"StringEquals": {"aws:SourceAccount": "1", "s3:x-amz-acl": "bucket-owner-full-control"}},
            {"aws:SourceAccount": "1"},
            Decision.NO_MATCH,
        ),
        (
            {"StringEquals": {"aws:SourceAccount": "1"}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::b"}},
            {"aws:SourceAccount": "1", "aws:SourceArn": "arn:aws:s3:::b"},
            Decision.ALLOW,
        ),
        # Condition key names are case-insensitive; StringEquals values are not.
        ({"StringEquals": {"AWS:SourceAccount": "1"}}, {"aws:sourceaccount": "1"}, Decision.ALLOW),
        (
            {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            {"s3:x-amz-acl": "Bucket-Owner-Full-Control"},
            Decision.NO_MATCH,
        ),
        (
            {"StringLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:1:trail/*"}},
            {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:1:trail/t"},
            Decision.ALLOW,
        ),
    ],
)
def test_conditions_follow_the_documented_rules(
    condition: dict[str, Any], context: dict[str, str], decision: Decision
) -> None:
    request = Request(
        Principal.service("cloudwatch.amazonaws.com"), "sns:Publish", "arn:aws:sns:us-east-1:1:t", context
    )
    assert evaluate(_with_condition(condition), request).decision is decision


def test_not_resource_matches_everything_but_the_listed_resource() -> None:
    # "IAM JSON policy elements: NotResource": all actions on every resource except HRBucket.
    policy = _doc({"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::HRBucket"})
    assert evaluate(policy, _request("s3:GetObject", "arn:aws:s3:::HRBucket"), resource_policy=False).decision is (
        Decision.NO_MATCH
    )
    assert evaluate(policy, _request("s3:ListBucket", "arn:aws:s3:::Other"), resource_policy=False).decision is (
        Decision.ALLOW
    )


def test_not_action_matches_every_action_not_listed() -> None:
    policy = _doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert evaluate(policy, _request("s3:GetObject"), resource_policy=False).decision is Decision.ALLOW
    assert evaluate(policy, _request("iam:CreateUser"), resource_policy=False).decision is Decision.NO_MATCH


@pytest.mark.parametrize("element", ["*", {"AWS": "*"}])
def test_a_wildcard_principal_names_anonymous_callers_too(element: Any) -> None:
    # "For anonymous users, the following elements are equivalent: "Principal": "*" and {"AWS": "*"}."
    policy = _doc({"Effect": "Allow", "Principal": element, "Action": "sns:Publish", "Resource": "*"})
    assert evaluate(policy, _request("sns:Publish", principal=Principal.anonymous())).decision is Decision.ALLOW


@pytest.mark.parametrize(
    ("element", "principal", "matches"),
    [
        ({"Service": "cloudtrail.amazonaws.com"}, Principal.service("cloudtrail.amazonaws.com"), True),
        ({"Service": ["cloudtrail.amazonaws.com"]}, Principal.service("logs.us-east-1.amazonaws.com"), False),
        ({"Service": "cloudtrail.amazonaws.com"}, Principal.anonymous(), False),
        # The account's root ARN (or the bare id) names every IAM principal of that account.
        ({"AWS": "arn:aws:iam::123456789012:root"}, CARLOS, True),
        ({"AWS": "123456789012"}, CARLOS, True),
        ({"AWS": "arn:aws:iam::999988887777:root"}, CARLOS, False),
        ({"AWS": "arn:aws:iam::123456789012:root"}, Principal.service("cloudtrail.amazonaws.com"), False),
    ],
)
def test_principals_name_services_accounts_and_roles(element: Any, principal: Principal, matches: bool) -> None:
    policy = _doc({"Effect": "Allow", "Principal": element, "Action": "kms:*", "Resource": "*"})
    expected = Decision.ALLOW if matches else Decision.NO_MATCH
    assert evaluate(policy, _request("kms:DescribeKey", principal=principal)).decision is expected


@pytest.mark.parametrize(
    ("pattern", "arn", "matches"),
    [
        (
            "arn:aws:cloudwatch:us-east-2:111122223333:alarm:*",
            "arn:aws:cloudwatch:us-east-2:111122223333:alarm:high-cpu",
            True,
        ),
        (
            "arn:aws:cloudwatch:us-east-2:111122223333:alarm:*",
            "arn:aws:cloudwatch:us-east-2:444455556666:alarm:high-cpu",
            False,
        ),
        # Each of the six parts is matched on its own: a '*' in the account part stays there.
        ("arn:aws:budgets::*:*", "arn:aws:budgets::111122223333:budget/monthly", True),
        ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket/AWSLogs/1/x", True),
        ("arn:aws:s3:::bucket/AWSLogs/1/*", "arn:aws:s3:::bucket/AWSLogs/2/x", False),
        # The resource part may hold colons: a trailing '*' matches across them.
        ("arn:aws:logs:us-east-1:1:log-group:g:*", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s", True),
        ("arn:aws:logs:us-east-1:1:log-group:g", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s", False),
        ("*", "anything", True),
        ("arn:aws:s3:::b", "not-an-arn", False),
    ],
)
def test_arns_match_part_by_part(pattern: str, arn: str, matches: bool) -> None:
    assert arn_matches(pattern, arn) is matches


def test_a_role_arn_names_that_roles_sessions_only() -> None:
    policy = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:role/ops"},
            "Action": "sns:Publish",
            "Resource": "*",
        }
    )
    ops, other = (
        Principal.iam("arn:aws:iam::123456789012:role/ops"),
        Principal.iam("arn:aws:iam::123456789012:role/dev"),
    )
    assert evaluate(policy, _request("sns:Publish", principal=ops)).decision is Decision.ALLOW
    assert evaluate(policy, _request("sns:Publish", principal=other)).decision is Decision.NO_MATCH


def test_a_deny_to_every_principal_reaches_service_principals_and_wins() -> None:
    policy = _doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": "*",
        },
        TLS_ONLY["Statement"][0] | {"Resource": "*"},
    )
    service = Principal.service("cloudtrail.amazonaws.com")
    without_tls = _request("s3:PutObject", "arn:aws:s3:::b/k", service, aws__SecureTransport="false")
    assert evaluate(policy, without_tls).decision is Decision.DENY
    assert evaluate(
        policy, _request("s3:PutObject", "arn:aws:s3:::b/k", service, aws__SecureTransport="true")
    ).decision is (Decision.ALLOW)


def test_what_it_does_not_model_is_refused_not_guessed() -> None:
    # The set operators (ForAnyValue/ForAllValues) need multivalued request keys: not modelled.
    policy = _with_condition({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}})
    with pytest.raises(UnsupportedPolicyError, match="ForAllValues"):
        evaluate(policy, _request("sns:Publish"))
    with pytest.raises(UnsupportedPolicyError, match="Null"):
        evaluate(_with_condition({"Null": {"aws:TokenIssueTime": ["true", "false"]}}), _request("sns:Publish"))
    with pytest.raises(UnsupportedPolicyError, match="NotPrincipal"):
        evaluate(
            _doc({"Effect": "Deny", "NotPrincipal": {"AWS": "x"}, "Action": "*", "Resource": "*"}),
            _request("s3:GetObject"),
        )
