"""A bootstrap a team can share: its state moves into the bucket it created, a second clone
manages the bucket from there, and the way back works too (docs/deploy.md, "Share the bootstrap
state"), with the commands the docs give."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.e2e.deploy import Deployment
from tests.local_aws import LocalAws
from tests.terraform import assert_no_changes, terraform, terraform_env

MIGRATE = ("init", "-migrate-state", "-force-copy", "-input=false")


@pytest.fixture(scope="module")
def bootstrapped(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    """The state-bootstrap stack applied from a first clone, its state in a local file."""
    workdir = tmp_path_factory.mktemp("first-clone")
    deployment = Deployment(workdir, terraform_env(workdir), local_aws)
    deployment.configure()
    deployment.synth()
    terraform("init", "-input=false", cwd=deployment.bootstrap_dir, env=deployment.env)
    terraform("apply", "-auto-approve", "-input=false", cwd=deployment.bootstrap_dir, env=deployment.env)
    return deployment


def _bootstrap_backend(deployment: Deployment) -> dict[str, object]:
    document = json.loads((deployment.bootstrap_dir / "cdk.tf.json").read_text())
    backend: dict[str, object] = document["terraform"]["backend"]
    return backend


def test_the_local_backend_names_the_state_file_relative_to_the_stack(bootstrapped: Deployment) -> None:
    backend = _bootstrap_backend(bootstrapped)
    assert backend == {"local": {"path": "../../../bootstrap.tfstate"}}
    assert (bootstrapped.workdir / "bootstrap.tfstate").is_file()


def test_the_state_moves_into_its_bucket_and_a_second_clone_manages_the_bucket(
    bootstrapped: Deployment, tmp_path: Path
) -> None:
    first = bootstrapped
    first.configure(state={"bootstrap_backend": "s3"})
    first.synth()
    terraform(*MIGRATE, cwd=first.bootstrap_dir, env=first.env)
    config = first.config
    s3 = first.aws.client("s3")
    stored = json.loads(s3.get_object(Bucket=config.state_bucket, Key=config.state.bootstrap_key)["Body"].read())
    assert [resource["type"] for resource in stored["resources"]].count("aws_s3_bucket") == 1
    assert_no_changes(first.bootstrap_dir, first.env)
    # A second clone: the same config file, nothing else (no state file, no .terraform).
    second = Deployment(tmp_path, terraform_env(tmp_path), first.aws)
    shutil.copy(first.config_file, second.config_file)
    second.config = first.config
    second.synth()
    assert _bootstrap_backend(second) == _bootstrap_backend(first)
    terraform("init", "-input=false", cwd=second.bootstrap_dir, env=second.env)
    assert_no_changes(second.bootstrap_dir, second.env)


def test_the_state_moves_back_to_a_local_file(bootstrapped: Deployment) -> None:
    first = bootstrapped
    # Terraform leaves the old file behind a move; the docs say to delete it. It comes back from the bucket.
    (first.workdir / "bootstrap.tfstate").unlink()
    first.configure()
    first.synth()
    terraform(*MIGRATE, cwd=first.bootstrap_dir, env=first.env)
    local = json.loads((first.workdir / "bootstrap.tfstate").read_text())
    assert [resource["type"] for resource in local["resources"]].count("aws_s3_bucket") == 1
    assert_no_changes(first.bootstrap_dir, first.env)
