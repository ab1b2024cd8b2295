"""Day two of the module, from plain HCL on the local AWS: nothing a caller can change loses log data.

examples/plain-hcl applies the module with protection on (the default) and a log file in the
bucket; then, in order, each documented change: what protection refuses at plan time (and
that nothing changed), Object Lock turned on in place, protection switched off and on again
(the module README's one command), the module removed with its logs kept, and the module
deployed again adopting them. The ``removed`` and ``import`` blocks are the module README's,
as written.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.example import MODULE_CALL, Example, copy_example
from tests.local_aws import LocalAws
from tests.terraform import applied_plan, run_terraform, terraform, terraform_console
from tools.module import MODULE_PATH, REPO_ROOT

README = REPO_ROOT / MODULE_PATH / "README.md"
PREFIX = "acme-mgmt"
LOG_FILE = "AWSLogs/o-example/111122223333/CloudTrail/us-east-1/2026/12/04/a-log-file.json.gz"
GUARD = f"{MODULE_CALL}terraform_data.log_data_protection"


def readme_block(heading: str, language: str = "hcl") -> str:
    """The first ```language block under ``heading`` of the module README."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1]
    return section.split(f"```{language}\n", 1)[1].split("\n```", 1)[0]


def blocks_that_apply(hcl: str, inputs: dict[str, Any], scratch: Path) -> str:
    """``hcl`` without the blocks marked ``# only if <condition>`` whose condition is false for the
    module's ``inputs`` (evaluated by ``terraform console``), as the README tells its reader to."""
    parts = re.split(r"(?m)^(?=import \{)", hcl)
    conditions = [re.search(r"# only if (.*)$", part.splitlines()[0]) for part in parts]
    asked = [match[1] for match in conditions if match]
    scratch.mkdir(exist_ok=True)
    variables = {"variable": {name: {"default": value} for name, value in inputs.items()}}
    (scratch / "variables.tf.json").write_text(json.dumps(variables))
    answers = dict(zip(asked, terraform_console(asked, scratch) if asked else [], strict=True))
    return "".join(part for part, match in zip(parts, conditions, strict=True) if not match or answers[match[1]])


def _plan(example: Example, *args: str) -> tuple[int, str]:
    result = run_terraform("plan", "-input=false", "-detailed-exitcode", *args, cwd=example.workdir, env=example.env)
    return result.returncode, " ".join((result.stdout + result.stderr).split())


def _set_inputs(example: Example, **inputs: Any) -> None:
    """The example's module inputs, overridden (with the local AWS's budget switch)."""
    example.override("day_two", {"module": {"management_baseline": inputs}})


def _state(example: Example) -> list[str]:
    return terraform("state", "list", cwd=example.workdir, env=example.env).stdout.split()


def _key_state(aws: LocalAws) -> dict[str, Any]:
    (alias,) = [a for a in aws.client("kms").list_aliases()["Aliases"] if a["AliasName"] == f"alias/{PREFIX}-baseline"]
    metadata: dict[str, Any] = aws.client("kms").describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]
    return metadata


def _bucket(aws: LocalAws) -> str:
    return f"{PREFIX}-organization-trail-{aws.account_id}"


def _apply_plan(example: Example) -> dict[str, list[str]]:
    return applied_plan(example.workdir, example.env, example.workdir / "step.tfplan")


@pytest.fixture(scope="module")
def deployed(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Example:
    example = copy_example(tmp_path_factory.mktemp("module-day-two"), local_aws)
    example.point_at_local_aws()
    terraform("apply", "-auto-approve", "-input=false", cwd=example.workdir, env=example.env)
    local_aws.client("s3").put_object(Bucket=_bucket(local_aws), Key=LOG_FILE, Body=b"{}")
    return example


@pytest.mark.parametrize(
    ("change", "refused_guard"),
    [
        ({"kms_encryption": False}, '["kms-key"]'),
        ({"log_bucket": {"access_logging": False}}, '["access-log-bucket"]'),
        ({"name_prefix": "acme-renamed"}, '["log-bucket"]'),
    ],
    ids=["kms-off", "access-logging-off", "new-prefix"],
)
def test_a_change_that_would_lose_log_data_is_refused_at_plan_time(
    deployed: Example, change: dict[str, Any], refused_guard: str
) -> None:
    _set_inputs(deployed, **change)
    try:
        code, output = _plan(deployed, "-refresh=false")
    finally:
        (deployed.workdir / "day_two_override.tf.json").unlink()
    assert code == 1, output
    assert "Instance cannot be destroyed" in output
    assert f"{GUARD}{refused_guard} has lifecycle.prevent_destroy set" in output


def test_a_protected_destroy_is_refused_at_plan_time_and_changes_nothing(deployed: Example) -> None:
    aws = deployed.aws
    before = _state(deployed)
    result = run_terraform("destroy", "-auto-approve", "-input=false", cwd=deployed.workdir, env=deployed.env)
    assert result.returncode == 1
    assert "Instance cannot be destroyed" in result.stderr
    assert _state(deployed) == before
    key = _key_state(aws)
    assert (key["KeyState"], key.get("DeletionDate")) == ("Enabled", None)
    s3 = aws.client("s3")
    bucket = _bucket(aws)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert aws.client("logs").describe_log_groups(logGroupNamePrefix="/aws/cloudtrail/")["logGroups"]


def test_object_lock_turns_on_in_place_over_the_kept_logs(deployed: Example) -> None:
    _set_inputs(deployed, log_bucket={"object_lock_mode": "GOVERNANCE", "object_lock_days": 365})
    changed = _apply_plan(deployed)
    assert changed == {f"{MODULE_CALL}aws_s3_bucket_object_lock_configuration.trail_logs[0]": ["create"]}
    s3 = deployed.aws.client("s3")
    lock = s3.get_object_lock_configuration(Bucket=_bucket(deployed.aws))["ObjectLockConfiguration"]
    retention = lock["Rule"]["DefaultRetention"]
    assert (lock["ObjectLockEnabled"], retention["Mode"], retention["Days"]) == ("Enabled", "GOVERNANCE", 365)
    assert s3.head_object(Bucket=_bucket(deployed.aws), Key=LOG_FILE)["ContentLength"] == 2
    assert _plan(deployed)[0] == 0


def test_protection_switches_off_with_the_readmes_command_and_on_again(deployed: Example) -> None:
    _set_inputs(
        deployed, protect_log_data=False, log_bucket={"object_lock_mode": "GOVERNANCE", "object_lock_days": 365}
    )
    code, output = _plan(deployed, "-refresh=false")
    assert code == 1, output  # the guards refuse until they are removed on purpose
    commands = readme_block("Log data protection", "sh").splitlines()
    (command,) = [shlex.split(line) for line in commands if line.startswith("terraform")]
    result = run_terraform(*command[1:], cwd=deployed.workdir, env=deployed.env)
    assert result.returncode == 0, result.stderr
    assert not [address for address in _state(deployed) if address.startswith(GUARD)]
    off = _apply_plan(deployed)
    assert "delete" not in str(off.values())
    assert f"{MODULE_CALL}aws_s3_bucket.trail_logs[0]" in off  # force_destroy on, in place
    _set_inputs(deployed, log_bucket={"object_lock_mode": "GOVERNANCE", "object_lock_days": 365})
    on = _apply_plan(deployed)
    assert "delete" not in str(on.values())
    assert sorted(a for a, actions in on.items() if actions == ["create"]) == [
        f'{GUARD}["access-log-bucket"]',
        f'{GUARD}["kms-key"]',
        f'{GUARD}["log-bucket"]',
        f'{GUARD}["log-group"]',
    ]


MODULE_BLOCK = re.compile(r'(?ms)^(module "management_baseline" \{.*?^\}|output "[a-z_]+" \{.*?^\})\n')


def test_removing_the_module_keeps_the_log_data_then_a_redeploy_adopts_it(deployed: Example) -> None:
    aws, workdir = deployed.aws, deployed.workdir
    main_tf = (workdir / "main.tf").read_text()
    # Remove: the module block (and the outputs that read it) gives way to the README's removed blocks.
    (workdir / "main.tf").write_text(MODULE_BLOCK.sub("", main_tf))
    (workdir / "day_two_override.tf.json").unlink()
    local = json.loads((workdir / "local_aws_override.tf.json").read_text())
    (workdir / "local_aws_override.tf.json").write_text(json.dumps({"provider": local["provider"]}))
    (workdir / "kept.tf").write_text(readme_block("Remove the module and keep the logs") + "\n")
    terraform("apply", "-auto-approve", "-input=false", cwd=workdir, env=deployed.env)
    assert _state(deployed) == []
    s3 = aws.client("s3")
    assert s3.head_object(Bucket=_bucket(aws), Key=LOG_FILE)["ContentLength"] == 2
    assert s3.get_bucket_policy(Bucket=_bucket(aws))["Policy"]
    assert _key_state(aws)["KeyState"] == "Enabled"
    assert aws.client("logs").describe_log_groups(logGroupNamePrefix="/aws/cloudtrail/")["logGroups"]
    assert aws.client("sns").list_topics()["Topics"] == []
    assert aws.client("cloudtrail").describe_trails()["trailList"] == []
    # Deploy again: the module block back, with the README's import blocks for the inputs in effect.
    (workdir / "main.tf").write_text(main_tf)
    (workdir / "local_aws_override.tf.json").write_text(json.dumps(local))
    _set_inputs(deployed, log_bucket={"object_lock_mode": "GOVERNANCE", "object_lock_days": 365})
    inputs = {
        "kms_encryption": True,
        "log_bucket": {"access_logging": True, "object_lock_mode": "GOVERNANCE"},
        "trail": {"mode": "create"},
    }
    adopt = blocks_that_apply(readme_block("Deploy again and adopt the kept logs"), inputs, workdir / "conditions")
    (workdir / "kept.tf").write_text(adopt + "\n")
    adopted = _apply_plan(deployed)
    assert "delete" not in str(adopted.values())
    assert f"{MODULE_CALL}aws_s3_bucket.trail_logs[0]" not in [
        a for a, actions in adopted.items() if "create" in actions
    ]
    state = _state(deployed)
    assert f"{MODULE_CALL}aws_kms_key.this[0]" in state
    assert f"{MODULE_CALL}aws_cloudwatch_log_group.organization_trail[0]" in state
    assert _plan(deployed)[0] == 0
    assert s3.head_object(Bucket=_bucket(aws), Key=LOG_FILE)["ContentLength"] == 2
