"""Opt-in: IAM Access Analyzer's ValidatePolicy on every synthesized policy, on a real account.

    ./run aws-check-policies [--config baseline.toml]

The test suite proves the policies against the request model offline; this asks AWS's own
policy checks (grammar, security warnings, suggestions) about the same documents: the app's
stacks and the module, synthesized for the config and rendered with the account id and
organization id of the credentials (identical documents are sent once). It is read-only:
ValidatePolicy only reads the document it is given. Every finding is printed with its
policy, type, issue code and AWS's link. Exit 1 on any ERROR, SECURITY_WARNING or WARNING
(a SUGGESTION is printed but does not fail), 2 on bad input or on an SDK call that fails (no
credentials, an endpoint that does not answer as AWS does): one line naming the call and the cause.

Each policy goes with its type: bucket policies as ``AWS::S3::Bucket`` and the role's trust
policy as ``AWS::IAM::AssumeRolePolicyDocument`` (resource policies); the role's permissions
as an identity policy; the key and topic policies as resource policies without a resource
type, as the API reference says to do for KMS keys and other unlisted types.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.policies.resolve import AttachedPolicy, Environment

#: ValidatePolicy's resource types for the policies that have one.
RESOURCE_TYPES = {"bucket": "AWS::S3::Bucket", "trust": "AWS::IAM::AssumeRolePolicyDocument"}
EXIT_FINDINGS, EXIT_BAD_INPUT = 1, 2


def validation_request(policy: AttachedPolicy) -> dict[str, str]:
    """The ValidatePolicy parameters for ``policy``."""
    request = {
        "policyDocument": json.dumps(policy.document),
        "policyType": "IDENTITY_POLICY" if policy.kind == "role" else "RESOURCE_POLICY",
    }
    if policy.kind in RESOURCE_TYPES:
        request["validatePolicyResourceType"] = RESOURCE_TYPES[policy.kind]
    return request


@dataclass(frozen=True)
class Finding:
    """One finding of Access Analyzer on one policy."""

    policy: AttachedPolicy
    finding_type: str
    issue_code: str
    details: str
    link: str

    def line(self) -> str:
        return (
            f"{self.finding_type} {self.issue_code} in the {self.policy.kind} policy of "
            f"{self.policy.resource_arn} ({self.policy.address}): {self.details} {self.link}"
        )


def validate(client: Any, policies: Sequence[AttachedPolicy]) -> list[Finding]:
    """Every finding for every policy (all pages)."""
    findings: list[Finding] = []
    paginator = client.get_paginator("validate_policy")
    for policy in policies:
        for page in paginator.paginate(**validation_request(policy)):
            findings.extend(
                Finding(policy, f["findingType"], f["issueCode"], f["findingDetails"], f["learnMoreLink"])
                for f in page["findings"]
            )
    return findings


#: Finding types that fail the check (a SUGGESTION is advice, not a defect).
FAILING = ("ERROR", "SECURITY_WARNING", "WARNING")


def report(findings: Sequence[Finding], policies: Sequence[AttachedPolicy]) -> tuple[list[str], int]:
    """The lines to print and the exit code."""
    lines = [finding.line() for finding in findings]
    failing = [finding for finding in findings if finding.finding_type in FAILING]
    lines.append(
        f"Access Analyzer: {len(findings)} finding(s), {len(failing)} failing "
        f"({', '.join(FAILING)}), in {len(policies)} policies"
    )
    return lines, EXIT_FINDINGS if failing else 0


def distinct(policies: Sequence[AttachedPolicy]) -> list[AttachedPolicy]:
    """``policies`` without repeats of the same document for the same kind of resource."""
    seen: set[tuple[str, str]] = set()
    found = []
    for policy in policies:
        key = (policy.kind, json.dumps(policy.document, sort_keys=True))
        if key not in seen:
            seen.add(key)
            found.append(policy)
    return found


def synthesized_policies(config: Any, environment: Environment) -> list[AttachedPolicy]:
    """The policies of the app's stacks and of the module for ``config``, for ``environment``."""
    import tempfile  # noqa: PLC0415

    import main  # noqa: PLC0415
    from tools.policies.load import module_stack, synthesized_stacks  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as outdir:
        main.synthesize(config, Path(outdir) / "out")
        stacks = [*synthesized_stacks(Path(outdir) / "out", environment), module_stack(environment, config)]
        return distinct([policy for stack in stacks for policy in stack.attached_policies()])


def account_environment(aws: Any, region: str) -> Environment:
    """The account of the credentials, and its organization (the baseline needs one), with the
    baseline in ``region``; ``aws`` is an :class:`ops.aws.Aws` (or anything with its ``client``)."""
    account = aws.client("sts").get_caller_identity()["Account"]
    organization = aws.client("organizations").describe_organization()["Organization"]
    return Environment(account_id=account, organization_id=organization["Id"], region=region)


def main(argv: list[str] | None = None) -> int:

    from app.load import ConfigError, load_config  # noqa: PLC0415
    from ops.aws import SDK_FAILURES, Aws, failure_line  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="TOML config file (default: the built-in defaults)")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        # The SDK environment's region for the calls (AWS_REGION, ...), as the other commands; the
        # policies are rendered for the baseline's own region, wherever they are validated.
        aws = Aws(default_region=config.region)
        environment = account_environment(aws, config.region)
        policies = synthesized_policies(config, environment)
        lines, code = report(validate(aws.client("accessanalyzer"), policies), policies)
    except SDK_FAILURES as error:
        print(f"aws-check-policies: {failure_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
