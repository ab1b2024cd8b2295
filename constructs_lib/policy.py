"""A small typed vocabulary for IAM policy statements.

Policies are rendered by the provider's ``aws_iam_policy_document`` data source, so the
synthesized JSON keeps every statement as structured data (easy to read and to test)
instead of a hand-concatenated string.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from constructs import Construct


@dataclass(frozen=True)
class Condition:
    """One condition block: ``test`` (StringEquals, ArnLike, Bool...) on ``variable``."""

    test: str
    variable: str
    values: tuple[str, ...]

    def render(self) -> DataAwsIamPolicyDocumentStatementCondition:
        return DataAwsIamPolicyDocumentStatementCondition(
            test=self.test, variable=self.variable, values=list(self.values)
        )


def string_equals(variable: str, *values: str) -> Condition:
    return Condition("StringEquals", variable, values)


def arn_like(variable: str, *values: str) -> Condition:
    return Condition("ArnLike", variable, values)


def statement(
    *,
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str] | None = None,
    service: str | None = None,
    conditions: Sequence[Condition] = (),
) -> DataAwsIamPolicyDocumentStatement:
    """Allow ``actions`` on ``resources`` (to the AWS ``service`` principal, if given)."""
    return DataAwsIamPolicyDocumentStatement(
        sid=sid,
        effect="Allow",
        principals=(
            [DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=[service])] if service else None
        ),
        actions=list(actions),
        resources=list(resources) if resources is not None else None,
        condition=[condition.render() for condition in conditions] or None,
    )


def deny_insecure_transport(*, actions: Sequence[str], resources: Sequence[str]) -> DataAwsIamPolicyDocumentStatement:
    """Deny every request that does not use TLS."""
    return DataAwsIamPolicyDocumentStatement(
        sid="DenyInsecureTransport",
        effect="Deny",
        principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="*", identifiers=["*"])],
        actions=list(actions),
        resources=list(resources),
        condition=[Condition("Bool", "aws:SecureTransport", ("false",)).render()],
    )


def policy_document(
    scope: Construct, id_: str, statements: Sequence[DataAwsIamPolicyDocumentStatement]
) -> DataAwsIamPolicyDocument:
    """Render ``statements`` as one policy document; use ``.json`` for the text."""
    return DataAwsIamPolicyDocument(scope, id_, statement=list(statements))
