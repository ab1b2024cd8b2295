"""Remote state: the S3 backend of the baseline and the bootstrap stack that makes its bucket."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cdktf import Testing

import main
from app.config import BaselineConfig, StateConfig
from app.stacks import BaselineStack, StateBootstrapStack
from tests.synth import Synthesized, conditions


def _bootstrap(config: BaselineConfig) -> dict[str, Any]:
    stack = StateBootstrapStack(Testing.app(), "bootstrap", config=config)
    doc: dict[str, Any] = json.loads(Testing.synth(stack))
    return doc


def test_baseline_state_is_in_s3_encrypted_with_s3_native_locking(default_stack: Synthesized) -> None:
    assert default_stack.doc["terraform"]["backend"] == {
        "s3": {
            "bucket": "mgmt-baseline-terraform-state",
            "key": "management-account-baseline/terraform.tfstate",
            "region": "us-east-1",
            "encrypt": True,
            "use_lockfile": True,
        }
    }


def test_both_stacks_require_the_terraform_that_made_s3_locking_generally_available(
    default_stack: Synthesized,
) -> None:
    # use_lockfile became generally available in Terraform 1.11: an older one would ignore
    # the lock (or refuse the setting) and two applies could write the state at once.
    assert default_stack.doc["terraform"]["required_version"] == ">= 1.11"
    assert _bootstrap(BaselineConfig())["terraform"]["required_version"] == ">= 1.11"


def test_backend_follows_the_state_config() -> None:
    config = BaselineConfig(state=StateConfig(bucket="acme-tf-state", key="mgmt/baseline.tfstate"))
    stack = BaselineStack(Testing.app(), "custom", config=config)
    backend = json.loads(Testing.synth(stack))["terraform"]["backend"]["s3"]
    assert (backend["bucket"], backend["key"]) == ("acme-tf-state", "mgmt/baseline.tfstate")


def test_local_aws_settings_appear_only_when_asked(default_stack: Synthesized) -> None:
    text = json.dumps(default_stack.doc) + json.dumps(_bootstrap(BaselineConfig()))
    for setting in ("endpoints", "use_path_style", "skip_credentials_validation", "skip_metadata_api_check"):
        assert setting not in text
    local = BaselineConfig(local_aws_endpoint="https://127.0.0.1:4566")
    doc = json.loads(Testing.synth(BaselineStack(Testing.app(), "local", config=local)))
    (provider,) = doc["provider"]["aws"]
    assert provider["endpoints"][0]["sts"] == "https://127.0.0.1:4566"
    assert provider["s3_use_path_style"] is True
    backend = doc["terraform"]["backend"]["s3"]
    assert backend["endpoints"] == {"s3": "https://127.0.0.1:4566", "sts": "https://127.0.0.1:4566"}
    assert backend["use_path_style"] is True
    assert "skip_requesting_account_id" not in provider  # the trail needs the real account id


def test_bootstrap_keeps_its_own_state_locally_and_hardens_the_state_bucket(tmp_path: Path) -> None:
    config = BaselineConfig(state=StateConfig(bootstrap_state_path=str(tmp_path / "bootstrap.tfstate")))
    folder = tmp_path / "cdktf.out" / "stacks" / "state-bootstrap"
    doc = json.loads(Testing.synth(StateBootstrapStack(Testing.app(), "bootstrap", config=config, folder=folder)))
    # Relative to the folder terraform runs in: the same file, and no path of this machine.
    assert doc["terraform"]["backend"] == {"local": {"path": "../../../bootstrap.tfstate"}}
    assert (folder / "../../../bootstrap.tfstate").resolve() == tmp_path / "bootstrap.tfstate"
    resources = doc["resource"]
    (bucket,) = resources["aws_s3_bucket"].values()
    assert bucket["bucket"] == "mgmt-baseline-terraform-state"
    assert bucket["lifecycle"] == {"prevent_destroy": True, "ignore_changes": ["object_lock_enabled"]}
    assert bucket["force_destroy"] is False
    (versioning,) = resources["aws_s3_bucket_versioning"].values()
    assert versioning["versioning_configuration"] == {"status": "Enabled"}
    (encryption,) = resources["aws_s3_bucket_server_side_encryption_configuration"].values()
    assert encryption["rule"][0]["apply_server_side_encryption_by_default"] == {"sse_algorithm": "AES256"}
    (block,) = resources["aws_s3_bucket_public_access_block"].values()
    assert all(block[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls"))
    assert block["restrict_public_buckets"] is True
    (document,) = doc["data"]["aws_iam_policy_document"].values()
    (deny,) = document["statement"]
    assert (deny["sid"], deny["effect"], deny["actions"]) == ("DenyInsecureTransport", "Deny", ["s3:*"])
    assert conditions(deny) == {("Bool", "aws:SecureTransport"): ["false"]}


def test_bootstrap_state_can_live_in_the_bucket_it_created() -> None:
    config = BaselineConfig(state=StateConfig(bucket="acme-tf-state", bootstrap_backend="s3"))
    backend = _bootstrap(config)["terraform"]["backend"]
    assert backend == {
        "s3": {
            "bucket": "acme-tf-state",
            "key": "state-bootstrap/terraform.tfstate",
            "region": "us-east-1",
            "encrypt": True,
            "use_lockfile": True,
        }
    }


def _synthesized_files(outdir: Path) -> dict[str, bytes]:
    return {str(path.relative_to(outdir)): path.read_bytes() for path in sorted(outdir.rglob("*")) if path.is_file()}


def test_no_synthesized_file_holds_a_path_of_the_machine(tmp_path: Path) -> None:
    """Two checkouts in different folders, the config's paths relative to each: byte-identical output."""
    outputs = []
    for checkout in (tmp_path / "alice" / "baseline", tmp_path / "ci" / "work" / "baseline"):
        checkout.mkdir(parents=True)
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(checkout)
            main.synthesize(BaselineConfig(), checkout / "cdktf.out")
        files = _synthesized_files(checkout / "cdktf.out")
        assert not [name for name, data in files.items() if str(tmp_path).encode() in data]
        outputs.append(files)
    assert outputs[0] == outputs[1]
