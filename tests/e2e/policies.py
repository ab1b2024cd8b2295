"""The policies the local AWS holds after an apply, to compare with the ones the proof evaluates."""

from __future__ import annotations

import json
from typing import Any

from tests.local_aws import LocalAws
from tools.policies.evaluator import statements
from tools.policies.resolve import AttachedPolicy, Environment

Json = dict[str, Any]


def local_environment(aws: LocalAws) -> Environment:
    """The account and organization of the local AWS, as the provider's lookups return them."""
    organization = aws.client("organizations").describe_organization()["Organization"]
    return Environment(account_id=aws.account_id, organization_id=organization["Id"])


def live_document(aws: LocalAws, policy: AttachedPolicy) -> Json:
    """The policy document the local AWS holds for ``policy``'s resource."""
    if policy.kind == "bucket":
        bucket = policy.resource_arn.split(":::", 1)[1]
        text: str = aws.client("s3").get_bucket_policy(Bucket=bucket)["Policy"]
        return dict(json.loads(text))
    if policy.kind == "topic":
        attributes = aws.client("sns").get_topic_attributes(TopicArn=policy.resource_arn)["Attributes"]
        return dict(json.loads(attributes["Policy"]))
    if policy.kind == "queue":
        sqs = aws.client("sqs")
        url = sqs.get_queue_url(QueueName=policy.resource_arn.rsplit(":", 1)[1])["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]
        return dict(json.loads(attributes["Policy"]))
    if policy.kind == "key":
        kms = aws.client("kms")
        (key,) = kms.list_keys()["Keys"]  # the id is known only after the apply
        return dict(json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]))
    iam, role = aws.client("iam"), policy.resource_arn.split(":role/", 1)[1]
    if policy.kind == "trust":
        return dict(iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"])
    (name,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
    return dict(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])


def _listed(value: Any) -> list[Any]:
    return sorted(value) if isinstance(value, list) else [value]


def normalized(document: Json) -> list[Json]:
    """The statements with every list-or-string element as a sorted list, in a stable order."""
    found = []
    for statement in statements(document):
        out: Json = {}
        for key, value in statement.items():
            if key in ("Action", "NotAction", "Resource", "NotResource"):
                out[key] = _listed(value)
            elif key == "Principal" and value != "*":
                out[key] = {kind: _listed(identifiers) for kind, identifiers in value.items()}
            elif key == "Condition":
                out[key] = {op: {name: _listed(values) for name, values in keys.items()} for op, keys in value.items()}
            else:
                out[key] = value
        found.append(out)
    return sorted(found, key=lambda statement: json.dumps(statement, sort_keys=True))
