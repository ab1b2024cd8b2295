"""Day two of the app, with plain ``terraform`` on the synthesized JSON on the local AWS.

Both stacks are applied with protection on (the default) and a log file in the bucket; then,
in order, each change docs/deploy.md describes: what protection refuses at plan time (and
that nothing changed), an apply that fails half-way (the trail keeps its bucket policy),
Object Lock turned on in place, protection switched off and on, the baseline removed with
its logs kept and deployed again adopting them, and at last a destroy with protection off.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tests.e2e.deploy import PREFIX, ROOT, Deployment, apply_with_terraform
from tests.local_aws import LocalAws
from tests.terraform import applied_plan, run_terraform, terraform

LOG_FILE = "AWSLogs/o-example/111122223333/CloudTrail/us-east-1/2026/12/04/a-log-file.json.gz"
GUARD = "terraform_data.log_data_protection"
LOCKED = {"object_lock_mode": "GOVERNANCE", "object_lock_days": 365}


@pytest.fixture(scope="module")
def applied(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    deployment = apply_with_terraform(local_aws, tmp_path_factory.mktemp("terraform-deployment"))
    local_aws.client("s3").put_object(Bucket=_bucket(deployment), Key=LOG_FILE, Body=b"{}")
    return deployment


def _bucket(deployed: Deployment) -> str:
    return f"{PREFIX}-organization-trail-{deployed.aws.account_id}"


def _destroy(deployed: Deployment) -> subprocess.CompletedProcess[str]:
    return run_terraform("destroy", "-auto-approve", "-input=false", cwd=deployed.baseline_dir, env=deployed.env)


def _trail_names(aws: LocalAws) -> list[str]:
    return [trail["Name"] for trail in aws.client("cloudtrail").describe_trails()["trailList"]]


def _reconfigure(deployed: Deployment, **settings: Any) -> None:
    """Write the config with ``settings`` and synthesize it, as a user edits and re-runs the synth."""
    deployed.configure(**settings)
    deployed.synth()


def _plan(deployed: Deployment, *args: str) -> tuple[int, str]:
    result = run_terraform(
        "plan", "-input=false", "-detailed-exitcode", *args, cwd=deployed.baseline_dir, env=deployed.env
    )
    return result.returncode, " ".join((result.stdout + result.stderr).split())


def _apply_plan(deployed: Deployment) -> dict[str, list[str]]:
    # The plan file outside the synth's output: a synth refuses a folder holding anything it did not write.
    return applied_plan(deployed.baseline_dir, deployed.env, deployed.workdir / "step.tfplan")


def _log_data_intact(deployed: Deployment, policy: str | None = None) -> None:
    """The key is enabled, the bucket keeps its log file, policy, public access block, versioning and
    encryption (``policy``: exactly that document), and the log group is there."""
    aws, bucket = deployed.aws, _bucket(deployed)
    (alias,) = [a for a in aws.client("kms").list_aliases()["Aliases"] if a["AliasName"] == f"alias/{PREFIX}-baseline"]
    key = aws.client("kms").describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]
    assert (key["KeyState"], key.get("DeletionDate")) == ("Enabled", None)
    s3 = aws.client("s3")
    assert s3.head_object(Bucket=bucket, Key=LOG_FILE)["ContentLength"] == 2
    live = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    assert policy is None or live == policy
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    groups = aws.client("logs").describe_log_groups(logGroupNamePrefix="/aws/cloudtrail/")["logGroups"]
    assert [group["logGroupName"] for group in groups] == [f"/aws/cloudtrail/{PREFIX}-organization-trail"]


def test_apply_keeps_the_baseline_state_in_the_state_bucket(applied: Deployment) -> None:
    s3 = applied.aws.client("s3")
    head = s3.head_object(Bucket=applied.config.state_bucket, Key=applied.config.state.key)
    assert head["ContentLength"] > 0
    assert _trail_names(applied.aws) == [f"{PREFIX}-organization-trail"]


def test_destroy_is_refused_at_plan_time_while_log_data_is_protected(applied: Deployment) -> None:
    before = applied.baseline_state()
    result = _destroy(applied)
    assert result.returncode == 1
    assert "Instance cannot be destroyed" in result.stderr
    assert "lifecycle.prevent_destroy" in result.stderr
    assert applied.baseline_state() == before
    assert _trail_names(applied.aws) == [f"{PREFIX}-organization-trail"]  # nothing was destroyed
    _log_data_intact(applied)


@pytest.mark.parametrize(
    ("settings", "refused_guard"),
    [
        ({"kms_encryption": False}, '["kms-key"]'),
        ({"log_bucket": {"access_logging": False}}, '["access-log-bucket"]'),
    ],
    ids=["kms-off", "access-logging-off"],
)
def test_turning_off_what_holds_or_unlocks_logs_is_refused_at_plan_time(
    applied: Deployment, settings: dict[str, Any], refused_guard: str
) -> None:
    _reconfigure(applied, **settings)
    try:
        code, output = _plan(applied, "-refresh=false")
    finally:
        _reconfigure(applied)
    assert code == 1, output
    assert f"{GUARD}{refused_guard} has lifecycle.prevent_destroy set" in output


def test_a_new_prefix_is_announced_by_the_synth_and_refused_at_plan_time(applied: Deployment) -> None:
    state = {"bucket": applied.config.state_bucket, "bootstrap_state_path": str(applied.workdir / "bootstrap.tfstate")}
    applied.configure(name_prefix="acme-renamed", state=state)
    result = subprocess.run(
        [sys.executable, "main.py", "--config", str(applied.config_file), "--outdir", str(applied.outdir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"name_prefix changed from '{PREFIX}' (the last synth) to 'acme-renamed'" in result.stderr
    assert "the plan will refuse it" in result.stderr
    try:
        code, output = _plan(applied, "-refresh=false")
    finally:
        _reconfigure(applied)
    assert code == 1, output
    # The app's bucket carries prevent_destroy itself: its replacement is refused before its guard's.
    assert "Resource aws_s3_bucket.trail_logs has lifecycle.prevent_destroy set" in output


def test_an_apply_that_fails_half_way_leaves_the_trail_its_bucket_policy(applied: Deployment) -> None:
    """Object Lock refused by S3 (the apply role lacks s3:PutBucketObjectLockConfiguration) in an apply
    that also changes the log group's retention: the policy, written after every other setting of
    the bucket, is untouched."""
    aws, bucket = applied.aws, _bucket(applied)
    policy = aws.client("s3").get_bucket_policy(Bucket=bucket)["Policy"]
    _reconfigure(applied, log_bucket=LOCKED, log_retention_days=400)
    with aws.refusing("PutObjectLockConfiguration", bucket):
        result = run_terraform("apply", "-auto-approve", "-input=false", cwd=applied.baseline_dir, env=applied.env)
    assert result.returncode == 1
    assert "AccessDenied" in result.stderr
    _log_data_intact(applied, policy=policy)
    status = aws.client("cloudtrail").get_trail_status(Name=f"{PREFIX}-organization-trail")
    assert status["IsLogging"] is True


def test_object_lock_turns_on_in_place_over_the_kept_logs(applied: Deployment) -> None:
    _reconfigure(applied, log_bucket=LOCKED)
    changed = _apply_plan(applied)
    # The failed apply above may have left the log group's retention at 400 days: this one sets it back,
    # and plans the logs role's policy with it (it names the group's ARN; the document stays the same).
    retention = {"aws_cloudwatch_log_group.organization_trail", "aws_iam_role_policy.cloudtrail_to_cloudwatch"}
    assert set(changed) - retention == {"aws_s3_bucket_object_lock_configuration.trail_logs"}
    assert changed["aws_s3_bucket_object_lock_configuration.trail_logs"] == ["create"]
    assert {tuple(actions) for actions in changed.values()} <= {("create",), ("update",)}
    lock = applied.aws.client("s3").get_object_lock_configuration(Bucket=_bucket(applied))["ObjectLockConfiguration"]
    retention = lock["Rule"]["DefaultRetention"]
    assert (lock["ObjectLockEnabled"], retention["Mode"], retention["Days"]) == ("Enabled", "GOVERNANCE", 365)
    _log_data_intact(applied)
    assert _plan(applied)[0] == 0


def test_protection_switches_off_and_on_in_place(applied: Deployment) -> None:
    _reconfigure(applied, protect_log_data=False, log_bucket=LOCKED)
    off = _apply_plan(applied)
    assert {actions[0] for actions in off.values()} <= {"update", "delete"}
    assert sorted(address for address, actions in off.items() if actions == ["delete"]) == [
        f'{GUARD}["access-log-bucket"]',
        f'{GUARD}["kms-key"]',
        f'{GUARD}["log-bucket"]',
        f'{GUARD}["log-group"]',
    ]
    _reconfigure(applied, log_bucket=LOCKED)
    on = _apply_plan(applied)
    assert "delete" not in str(on.values())
    assert len([address for address, actions in on.items() if actions == ["create"]]) == 4
    _log_data_intact(applied)


def test_removal_keeps_the_log_data_and_a_redeploy_adopts_it(applied: Deployment) -> None:
    aws = applied.aws
    _reconfigure(applied, remove_keeping_log_data=True, log_bucket=LOCKED)
    removed = _apply_plan(applied)
    assert removed["aws_cloudtrail.organization_trail"] == ["delete"]
    kept = {address for address, actions in removed.items() if actions == ["forget"]}
    assert {"aws_kms_key.this", "aws_s3_bucket.trail_logs", "aws_cloudwatch_log_group.organization_trail"} <= kept
    assert not [
        address for address in kept if not address.startswith(("aws_kms_", "aws_s3_", "aws_cloudwatch_log_group"))
    ]
    assert applied.baseline_state() == []
    assert _trail_names(aws) == []
    assert aws.client("sns").list_topics()["Topics"] == []
    _log_data_intact(applied)
    _reconfigure(applied, adopt_log_data=True, log_bucket=LOCKED)
    adopted = _apply_plan(applied)
    assert "delete" not in str(adopted.values())
    created = [address for address, actions in adopted.items() if "create" in actions]
    assert not [address for address in created if address.startswith(("aws_kms_key", "aws_s3_bucket"))]
    assert "aws_cloudwatch_log_group.organization_trail" not in created
    assert {"aws_kms_key.this", "aws_s3_bucket.trail_logs"} <= set(applied.baseline_state())
    assert _plan(applied)[0] == 0
    _log_data_intact(applied)


def test_destroy_removes_everything_once_protection_is_off(applied: Deployment) -> None:
    aws = applied.aws
    _reconfigure(applied, protect_log_data=False)
    terraform("apply", "-auto-approve", "-input=false", cwd=applied.baseline_dir, env=applied.env)
    result = _destroy(applied)
    assert result.returncode == 0, result.stdout + result.stderr
    state = applied.baseline_state()
    assert state == [] or all(address.startswith("data.") for address in state)
    assert _trail_names(aws) == []
    buckets = [bucket["Name"] for bucket in aws.client("s3").list_buckets()["Buckets"]]
    assert buckets == [applied.config.state_bucket]  # the state bucket (bootstrap stack) stays
    assert aws.client("logs").describe_log_groups()["logGroups"] == []
    assert aws.client("sns").list_topics()["Topics"] == []
    assert aws.client("cloudwatch").describe_alarms()["MetricAlarms"] == []
    assert aws.client("events").list_rules()["Rules"] == []
