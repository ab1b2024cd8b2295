"""examples/plain-hcl: the module called from plain HCL, validated offline and applied on the local AWS."""

from __future__ import annotations

import json

import pytest

from app.config import AlarmOverride, BaselineConfig, BillingConfig, DetectionsConfig
from app.load import load_config
from constructs_lib.detections import CATALOGUE, LOG_DETECTION_NAMES, Scope
from tests.e2e.example import MODULE_CALL, Example, copy_example
from tests.e2e.operator import failures, ops
from tests.e2e.policies import live_document, local_environment, normalized
from tests.local_aws import LocalAws
from tests.synth import synth
from tests.terraform import run_terraform, terraform
from tools.policies.load import module_stack
from tools.policies.proof import prove

#: The inputs examples/plain-hcl/main.tf passes, and the budget switch the local AWS needs.
EXAMPLE_INPUTS = BaselineConfig(
    name_prefix="acme-mgmt",
    billing=BillingConfig(management_account_limit_usd=120, organization_limit_usd=2000),
    alert_emails=("secops@example.com", "finance@example.com"),
    log_retention_days=731,
    detections=DetectionsConfig(cis_pack="management-only", overrides={"access-denied": AlarmOverride(threshold=3)}),
    create_budget=False,
)


@pytest.fixture(scope="module")
def example(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Example:
    """A copy of the example and the module (same relative layout), initialized offline."""
    return copy_example(tmp_path_factory.mktemp("module-example"), local_aws)


@pytest.fixture(scope="module")
def local_example(example: Example) -> Example:
    """The example pointed at the local AWS by override files; the example itself is untouched."""
    example.point_at_local_aws()
    return example


@pytest.fixture(scope="module")
def applied(local_example: Example) -> Example:
    terraform("apply", "-auto-approve", "-input=false", cwd=local_example.workdir, env=local_example.env)
    return local_example


def test_example_validates_offline(example: Example) -> None:
    result = terraform("validate", "-json", cwd=example.workdir, env=example.env)
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["error_count"] == 0
    assert report["warning_count"] == 0


#: (case, module arguments, validation message). Cases with different variables share a plan.
BAD_INPUTS: list[tuple[str, dict[str, object], str]] = [
    ("name_prefix", {"name_prefix": "Acme_Mgmt"}, "name_prefix must be 2-24 characters of lowercase letters"),
    (
        "billing-limit",
        {"billing": {"management_account_limit_usd": 0}},
        "billing.management_account_limit_usd must be greater than 0 and at most 1000000000 USD.",
    ),
    (
        "billing-anomaly-percent",
        {"billing": {"anomaly_threshold_percent": 20000000000}},
        "billing.anomaly_threshold_percent must be a percentage greater than 0 and at most 10000000000",
    ),
    (
        "billing-thresholds-while-off",
        {"billing": {"anomaly_monitor": "off", "anomaly_threshold_usd": 5}},
        "billing: anomaly_threshold_usd and anomaly_threshold_percent have no effect while anomaly_monitor is off",
    ),
    (
        "budget_limit_usd-renamed",
        {"budget_limit_usd": 80},
        "budget_limit_usd was renamed billing.management_account_limit_usd: set that input instead.",
    ),
    ("alert_emails", {"alert_emails": ["not-an-address"]}, "alert_emails must contain only valid email addresses."),
    (
        "alert_emails-twice",
        {"alert_emails": ["a@example.com", "a@example.com"]},
        "alert_emails must not list the same address twice.",
    ),
    ("log_retention_days", {"log_retention_days": 30}, "log_retention_days must be one of 365, 400, 545,"),
    ("cis_pack", {"detections": {"cis_pack": "on"}}, "detections.cis_pack must be one of off, exact, management-only."),
    (
        "disabled",
        {"detections": {"disabled": ["nope"]}},
        "detections.disabled must name entries of the detection catalogue",
    ),
    (
        "period",
        {"detections": {"overrides": {"access-denied": {"period": 61}}}},
        "detections.overrides: period must be a multiple of 60 seconds, up to 604800",
    ),
    (
        "expiration_days",
        {"log_bucket": {"expiration_days": 100}},
        "log_bucket.expiration_days must be at least 365 days (CIS).",
    ),
    # The conditions generated from the rules (app/rules.py), one case each.
    (
        "threshold",
        {"detections": {"overrides": {"access-denied": {"threshold": -1}}}},
        "threshold must be a finite number",
    ),
    (
        "evaluation_periods",
        {"detections": {"overrides": {"access-denied": {"evaluation_periods": 0}}}},
        "evaluation_periods must be a whole number from 1 to 100.",
    ),
    (
        "noncurrent-days",
        {"log_bucket": {"noncurrent_version_expiration_days": 100}},
        "log_bucket.noncurrent_version_expiration_days must be at least 365 days (CIS).",
    ),
    (
        "whole-days",
        {"log_bucket": {"transition_to_glacier_days": 1.5}},
        "must be a whole number of days from 1 to 36500.",
    ),
    (
        "transition-after-expiration",
        {"log_bucket": {"transition_to_glacier_days": 3000}},
        "log_bucket: transition_to_glacier_days must be less than expiration_days.",
    ),
    ("object-lock-mode", {"log_bucket": {"object_lock_mode": "on"}}, "log_bucket.object_lock_mode must be one of off,"),
    # The same rules as the app's config, with the same wording (app/config.py).
    ("name_prefix-reserved", {"name_prefix": "xn--acme"}, "name_prefix must not start with xn--, sthree-"),
    (
        "evaluation-range",
        {"detections": {"overrides": {"access-denied": {"period": 3000, "evaluation_periods": 30}}}},
        "detections.overrides: period x evaluation_periods must be at most 604800 seconds (7 days)",
    ),
    (
        "cis-while-off",
        {"detections": {"overrides": {"cis-root-usage": {"threshold": 2}}}},
        "detections: disabled and overrides name CIS detections while cis_pack is off",
    ),
    (
        "ignored_principals",
        {"detections": {"ignored_principals": ["arn:aws:sts::*:assumed-role/ci/*"]}},
        "detections.ignored_principals must contain principal ARNs (arn:aws:sts::111122223333:assumed-role/",
    ),
    (
        "ignored-while-disabled",
        {"detections": {"disabled": ["access-denied"], "ignored_event_sources": ["tagging.amazonaws.com"]}},
        "detections: ignored_principals and ignored_event_sources leave denials out of access-denied and,",
    ),
    (
        "override-of-disabled",
        {"detections": {"disabled": ["access-denied"], "overrides": {"access-denied": {"threshold": 2}}}},
        "detections: an override of a disabled detection has no effect",
    ),
    (
        "lock-days-while-off",
        {"log_bucket": {"object_lock_days": 100}},
        "log_bucket: object_lock_days has no effect while object_lock_mode is off",
    ),
    (
        "lock-longer-than-expiration",
        {"log_bucket": {"object_lock_mode": "COMPLIANCE", "object_lock_days": 3000}},
        "log_bucket: object_lock_days must not exceed expiration_days",
    ),
]


def _plans(cases: list[tuple[str, dict[str, object], str]]) -> list[dict[str, object]]:
    """The cases' arguments merged into as few plans as possible (no variable twice in a plan)."""
    plans: list[dict[str, object]] = []
    for _, arguments, _ in cases:
        plan = next((p for p in plans if not set(p) & set(arguments)), None)
        if plan is None:
            plans.append(dict(arguments))
        else:
            plan.update(arguments)
    return plans


@pytest.fixture(scope="module")
def plan_errors(local_example: Example) -> list[str]:
    """The error output of each plan of bad inputs (Terraform reports every failed validation)."""
    return [local_example.plan_error(**arguments) for arguments in _plans(BAD_INPUTS)]


@pytest.mark.parametrize(("arguments", "message"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_fails_the_plan_with_the_validation_message(
    plan_errors: list[str], arguments: dict[str, object], message: str
) -> None:
    (variable,) = arguments
    (error,) = [
        e for e, p in zip(plan_errors, _plans(BAD_INPUTS), strict=True) if p.get(variable) == arguments[variable]
    ]
    assert "Invalid value for variable" in error
    assert message in error


def test_a_provider_for_another_region_is_refused_at_plan_time(local_example: Example) -> None:
    override = local_example.override("zz_region", {"provider": {"aws": {"region": "eu-west-1"}}})
    try:
        result = run_terraform("plan", "-input=false", cwd=local_example.workdir, env=local_example.env)
    finally:
        override.unlink()
    assert result.returncode == 1
    error = " ".join(result.stderr.split())
    assert "must be applied with an aws provider for us-east-1" in error
    assert "not eu-west-1." in error


def test_example_creates_the_same_resources_at_the_same_addresses_as_the_app(applied: Example) -> None:
    listed = terraform("state", "list", cwd=applied.workdir, env=applied.env).stdout.split()
    # The module switches singletons with count: [0] where the app has no instance key.
    module_resources = {
        address.removeprefix(MODULE_CALL).removesuffix("[0]")
        for address in listed
        if not address.startswith(f"{MODULE_CALL}data.")
    }
    app_resources = set()
    for kind, blocks in synth(EXAMPLE_INPUTS).doc["resource"].items():
        for name, block in blocks.items():
            each = block.get("for_each")
            if each is None:
                app_resources.add(f"{kind}.{name}")
                continue
            keys = each if isinstance(each, dict) else EXAMPLE_INPUTS.alert_emails  # the subscriptions' set
            app_resources |= {f"{kind}.{name}[{json.dumps(key)}]" for key in keys}
    assert module_resources == app_resources
    assert 'aws_cloudwatch_metric_alarm.this["cis-root-usage"]' in module_resources
    emails = EXAMPLE_INPUTS.alert_emails
    assert {f'aws_sns_topic_subscription.alerts["{email}"]' for email in emails} <= module_resources


def test_the_applied_policies_are_the_ones_the_policy_proof_evaluates(applied: Example) -> None:
    stack = module_stack(local_environment(applied.aws), EXAMPLE_INPUTS)
    policies = stack.attached_policies()
    kinds = ["bucket", "bucket", "key", "queue", "role", "topic", "topic", "trust"]
    assert sorted(policy.kind for policy in policies) == kinds
    for policy in policies:
        assert normalized(live_document(applied.aws, policy)) == normalized(policy.document), policy.address
    proof = prove([stack])
    assert (proof.wrong, proof.dead_statements) == ([], [])


def test_a_second_plan_shows_no_changes(applied: Example) -> None:
    result = run_terraform("plan", "-detailed-exitcode", "-input=false", cwd=applied.workdir, env=applied.env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_inputs_reach_the_created_resources(applied: Example) -> None:
    prefix = EXAMPLE_INPUTS.name_prefix
    logs = applied.aws.client("logs")
    (group,) = logs.describe_log_groups(logGroupNamePrefix=f"/aws/cloudtrail/{prefix}-organization-trail")["logGroups"]
    assert group["retentionInDays"] == EXAMPLE_INPUTS.log_retention_days
    (billing,) = applied.aws.client("cloudwatch").describe_alarms(AlarmNames=[f"{prefix}-organization-charges"])[
        "MetricAlarms"
    ]
    assert billing["Threshold"] == EXAMPLE_INPUTS.billing.organization_limit_usd
    topic_arn = f"arn:aws:sns:us-east-1:{applied.aws.account_id}:{prefix}-alerts"
    subscriptions = applied.aws.client("sns").list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert sorted(s["Endpoint"] for s in subscriptions) == sorted(EXAMPLE_INPUTS.alert_emails)
    (trail,) = applied.aws.client("cloudtrail").describe_trails(trailNameList=[f"{prefix}-organization-trail"])[
        "trailList"
    ]
    assert trail["IsOrganizationTrail"] is True


def test_cis_pack_and_overrides_reach_the_alarms(applied: Example) -> None:
    logs, account = applied.aws.client("logs"), applied.aws.account_id
    group = f"/aws/cloudtrail/{EXAMPLE_INPUTS.name_prefix}-organization-trail"
    filters = {
        f["filterName"]: f["filterPattern"] for f in logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    }
    root_usage = filters[f"{EXAMPLE_INPUTS.name_prefix}-cis-root-usage"]
    assert root_usage == CATALOGUE["cis-root-usage"].filter_pattern(account, Scope.MANAGEMENT_ACCOUNT)  # type: ignore[union-attr]
    assert len(filters) == len(LOG_DETECTION_NAMES)
    (denied,) = applied.aws.client("cloudwatch").describe_alarms(
        AlarmNames=[f"{EXAMPLE_INPUTS.name_prefix}-access-denied"]
    )["MetricAlarms"]
    assert denied["Threshold"] == 3


def test_outputs_reach_the_caller(applied: Example) -> None:
    outputs = json.loads(terraform("output", "-json", cwd=applied.workdir, env=applied.env).stdout)
    prefix, account = EXAMPLE_INPUTS.name_prefix, applied.aws.account_id
    assert outputs["alert_topic_arn"]["value"] == f"arn:aws:sns:us-east-1:{account}:{prefix}-alerts"
    assert outputs["organization_trail_arn"]["value"] == (
        f"arn:aws:cloudtrail:us-east-1:{account}:trail/{prefix}-organization-trail"
    )
    alarms = applied.aws.client("cloudwatch").describe_alarms()["MetricAlarms"]
    by_name = {alarm["AlarmName"]: alarm["AlarmArn"] for alarm in alarms}
    assert outputs["alarm_arns"]["value"] == {
        **{name: by_name[f"{prefix}-{name}"] for name in LOG_DETECTION_NAMES},
        "estimated-charges": by_name[f"{prefix}-organization-charges"],
    }


def test_verify_runs_on_the_module_s_own_config_without_a_toml(applied: Example) -> None:
    # A plain-HCL caller: its config is the module's output, the one the README shows how to write.
    text = terraform("output", "-raw", "operator_config", cwd=applied.workdir, env=applied.env).stdout
    config_file = applied.workdir / "baseline.json"
    config_file.write_text(text)
    config = load_config(config_file)
    assert config.name_prefix == EXAMPLE_INPUTS.name_prefix
    assert config.detections == EXAMPLE_INPUTS.detections
    assert config.billing == EXAMPLE_INPUTS.billing
    code, report = ops(applied.aws, "verify", "--config", str(config_file))
    # Only the manual steps fail, as after the app's deploy: every alarm of the module's prefix was found.
    assert set(failures(report)) == {"log group receives events", "billing metric", "trusted access for CloudTrail"}
    assert code == 1
    alarms = [item for item in report["results"] if "alarm" in item["item"]]
    assert alarms
    assert {item["status"] for item in alarms} <= {"pass", "warn", "info"}
