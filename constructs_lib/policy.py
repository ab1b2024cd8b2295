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
    federated: str | None = None,
    conditions: Sequence[Condition] = (),
) -> DataAwsIamPolicyDocumentStatement:
    """Allow ``actions`` on ``resources`` (to the ``service``, ``aws_principal`` or ``federated``
    identity provider, if given)."""
    principals = [
        DataAwsIamPolicyDocumentStatementPrincipals(type=kind, identifiers=[identifier])
        for kind, identifier in (("Service", service), ("AWS", aws_principal), ("Federated", federated))
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


def deny(
    *, sid: str, actions: Sequence[str], resources: Sequence[str] = (), not_resources: Sequence[str] = ()
) -> DataAwsIamPolicyDocumentStatement:
    """An identity policy's explicit deny of ``actions`` on ``resources`` (or on all but ``not_resources``):
    it wins over every allow, in any policy, the role may be given later."""
    return DataAwsIamPolicyDocumentStatement(
        sid=sid,
        effect="Deny",
        actions=list(actions),
        resources=list(resources) or None,
        not_resources=list(not_resources) or None,
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


@dataclass(frozen=True)
class SwitchedStatements:
    """Statements of a policy that exist only while ``when`` is on (a grant for a publisher that
    may not be built); ``name`` names the documents made without them."""

    name: str
    statements: Sequence[DataAwsIamPolicyDocumentStatement]
    when: Flag


def switched_policy_json(
    scope: Construct,
    id_: str,
    statements: Sequence[DataAwsIamPolicyDocumentStatement | SwitchedStatements],
    *,
    switched: Sequence[SwitchedStatements] = (),
) -> str:
    """The JSON of a policy with ``statements`` in order, each group of statements among them
    (and each of ``switched``, at the end) only while it is on.

    A grant for a publisher that is not built is a statement no request ever uses. A plain
    bool picks the statements now; for the groups switched by a Terraform expression (the module
    flavour) a document is rendered for each combination (``<id_>-without-<names>``), and
    Terraform chooses between them when it plans.
    """
    parts = [*statements, *switched]
    planned = [part for part in parts if isinstance(part, SwitchedStatements) and not isinstance(part.when, bool)]

    def document(left_out: tuple[SwitchedStatements, ...]) -> str:
        kept: list[DataAwsIamPolicyDocumentStatement] = []
        for part in parts:
            if not isinstance(part, SwitchedStatements):
                kept.append(part)
            elif part.when is True or (part in planned and part not in left_out):
                kept.extend(part.statements)
        suffix = f"-without-{'-'.join(group.name for group in left_out)}" if left_out else ""
        return policy_document(scope, f"{id_}{suffix}", kept).json

    def choose(index: int, left_out: tuple[SwitchedStatements, ...]) -> str:
        if index == len(planned):
            return document(left_out)
        group = planned[index]
        return either(group.when, choose(index + 1, left_out), choose(index + 1, (*left_out, group)))

    return choose(0, ())


def policy_document(
    scope: Construct,
    id_: str,
    statements: Sequence[DataAwsIamPolicyDocumentStatement],
    *,
    count: float | None = None,
) -> DataAwsIamPolicyDocument:
    """Render ``statements`` as one policy document; use ``.json`` for the text."""
    return addressed(DataAwsIamPolicyDocument(scope, id_, statement=list(statements), count=count))
