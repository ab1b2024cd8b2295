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

from constructs_lib.addresses import addressed
from constructs_lib.switch import Flag, either


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


def string_like(variable: str, *values: str) -> Condition:
    return Condition("StringLike", variable, values)


def arn_equals(variable: str, *values: str) -> Condition:
    return Condition("ArnEquals", variable, values)


def if_exists(condition: Condition) -> Condition:
    """``condition`` only when the request carries its key; true when the key is absent.

    For keys a service's documentation does not promise to send: the statement keeps
    working without the key, and narrows the grant when the key is there.
    """
    return Condition(f"{condition.test}IfExists", condition.variable, condition.values)


def statement(
    *,
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str] | None = None,
    service: str | None = None,
    aws_principal: str | None = None,
    conditions: Sequence[Condition] = (),
) -> DataAwsIamPolicyDocumentStatement:
    """Allow ``actions`` on ``resources`` (to the ``service`` or ``aws_principal``, if given)."""
    principals = [
        DataAwsIamPolicyDocumentStatementPrincipals(type=kind, identifiers=[identifier])
        for kind, identifier in (("Service", service), ("AWS", aws_principal))
        if identifier
    ]
    return DataAwsIamPolicyDocumentStatement(
        sid=sid,
        effect="Allow",
        principals=principals or None,
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


def switched_policy_json(
    scope: Construct,
    id_: str,
    statements: Sequence[DataAwsIamPolicyDocumentStatement],
    *,
    switched: Sequence[DataAwsIamPolicyDocumentStatement],
    when: Flag,
) -> str:
    """The JSON of a policy with ``statements``, plus ``switched`` while ``when`` is on.

    A grant for a publisher that is not built is a statement no request ever uses. A plain
    bool picks the statements now; a Terraform expression (the module flavour) renders both
    documents and chooses between them when Terraform plans.
    """
    if isinstance(when, bool):
        return policy_document(scope, id_, [*statements, *(switched if when else ())]).json
    with_switched = policy_document(scope, id_, [*statements, *switched])
    without = policy_document(scope, f"{id_}-without-switched", statements)
    return either(when, with_switched.json, without.json)


def policy_document(
    scope: Construct,
    id_: str,
    statements: Sequence[DataAwsIamPolicyDocumentStatement],
    *,
    count: float | None = None,
) -> DataAwsIamPolicyDocument:
    """Render ``statements`` as one policy document; use ``.json`` for the text."""
    return addressed(DataAwsIamPolicyDocument(scope, id_, statement=list(statements), count=count))
