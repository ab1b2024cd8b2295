"""GitHub Actions' identity ([ci]) applied with the state-bootstrap stack on the local AWS: the
provider made or found, both roles read back as synthesized, the outputs, and a second plan
with nothing to do. (The local AWS evaluates no trust policy: tests/test_ci_identity.py proves them.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.deploy import Deployment
from tests.e2e.policies import live_document, local_environment, normalized
from tests.local_aws import LocalAws
from tests.terraform import assert_no_changes, terraform, terraform_env
from tools.policies.resolve import TerraformJson

GITHUB = "https://token.actions.githubusercontent.com"


def _bootstrap(aws: LocalAws, workdir: Path, **ci: Any) -> Deployment:
    deployment = Deployment(workdir, terraform_env(workdir), aws)
    deployment.configure(
        name_prefix=f"ci-{ci.get('oidc_provider', 'create')}", ci={"github_repository": "acme/org-baseline", **ci}
    )
    deployment.synth()
    terraform("init", "-input=false", cwd=deployment.bootstrap_dir, env=deployment.env)
    terraform("apply", "-auto-approve", "-input=false", cwd=deployment.bootstrap_dir, env=deployment.env)
    return deployment


def _applied_as_synthesized(deployment: Deployment) -> None:
    """Both roles' trust and permissions, read back from the local AWS, are the documents the
    policy proof evaluates (rendered for the local account, as tests/e2e/test_deployment.py does)."""
    document = json.loads((deployment.bootstrap_dir / "cdk.tf.json").read_text())
    stack = TerraformJson(document, local_environment(deployment.aws))
    roles = [p for p in stack.attached_policies() if p.address.split(".")[1] in ("ci_plan", "ci_apply")]
    assert sorted(p.kind for p in roles) == ["role", "role", "trust", "trust"]
    for policy in roles:
        assert normalized(live_document(deployment.aws, policy)) == normalized(policy.document), policy.address


def _outputs(deployment: Deployment) -> dict[str, str]:
    result = terraform("output", "-json", cwd=deployment.bootstrap_dir, env=deployment.env)
    return {name: output["value"] for name, output in json.loads(result.stdout).items()}


def test_the_bootstrap_makes_the_provider_and_both_roles(local_aws: LocalAws, tmp_path: Path) -> None:
    deployment = _bootstrap(local_aws, tmp_path, max_session_hours=2)
    iam = local_aws.client("iam")
    outputs = _outputs(deployment)
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=outputs["ci_oidc_provider_arn"])
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    assert GITHUB.endswith(provider["Url"].removeprefix("https://"))
    for kind in ("plan", "apply"):
        role = iam.get_role(RoleName=f"ci-create-ci-{kind}")["Role"]
        assert role["Arn"] == outputs[f"ci_{kind}_role_arn"]
        assert role["MaxSessionDuration"] == 7200
    _applied_as_synthesized(deployment)
    assert_no_changes(deployment.bootstrap_dir, deployment.env)


def test_an_existing_provider_is_used_not_made(local_aws: LocalAws, tmp_path: Path) -> None:
    # The account's provider: the one another stack made (an earlier test's), or one made here.
    iam = local_aws.client("iam")
    found = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    existing = (
        found[0]
        if found
        else iam.create_open_id_connect_provider(Url=GITHUB, ClientIDList=["sts.amazonaws.com"])[
            "OpenIDConnectProviderArn"
        ]
    )
    deployment = _bootstrap(local_aws, tmp_path, oidc_provider="existing")
    assert _outputs(deployment)["ci_oidc_provider_arn"] == existing
    trust = iam.get_role(RoleName="ci-existing-ci-plan")["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Federated": existing}
    _applied_as_synthesized(deployment)
    assert [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] == [existing]
    assert_no_changes(deployment.bootstrap_dir, deployment.env)
