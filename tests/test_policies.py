"""Every synthesized policy, evaluated against the requests AWS services really make.

The local AWS evaluates no trust, key or topic policy, so an apply there proves nothing about
them. Here each policy of the app (both stacks) and of the module, for the default config,
every option on and every option off, is rendered for one account and evaluated against
the request model (tools/policies/model.py, each fact with its AWS documentation page):
every modelled call is allowed, every call that must fail is denied, and no statement is
dead (matched by no modelled request: a statement that never matches is an alert that
never fires).
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from app.config import BaselineConfig
from tests.configs import EVERY_OPTION, EXISTING_TRAIL, MINIMAL
from tests.synth import app_documents
from tools.policies.load import github_claims, module_stack
from tools.policies.model import ALLOWED, DENIED, MODEL
from tools.policies.proof import Proof, placeholders, prove
from tools.policies.resolve import Environment, TerraformJson, UnsupportedExpressionError

ENV = Environment()
#: "no-budget" is what the local AWS runs (moto cannot hold the budget): key on, Budgets off.
CONFIGS = {
    "default": BaselineConfig(),
    "every-option": EVERY_OPTION,
    "minimal": MINIMAL,
    "no-budget": BaselineConfig(create_budget=False),
    "existing-trail": EXISTING_TRAIL,
}
STACK_SETS = [f"{flavour}-{name}" for flavour in ("app", "module") for name in CONFIGS]


def resolve(stack_set: str) -> list[TerraformJson]:
    flavour, name = stack_set.split("-", 1)
    config = CONFIGS[name]
    if flavour == "app":
        return [TerraformJson(document, ENV) for document in app_documents(config)]
    return [module_stack(ENV, config)]


@pytest.fixture(scope="module")
def proofs() -> dict[str, Proof]:
    return {
        stack_set: prove(resolve(stack_set), given=github_claims(CONFIGS[stack_set.split("-", 1)[1]]))
        for stack_set in STACK_SETS
    }


def _report(outcomes: list[Any]) -> str:
    return "\n".join(outcome.explain() for outcome in outcomes)


@pytest.mark.parametrize("stack_set", STACK_SETS)
def test_every_modelled_call_is_allowed(proofs: dict[str, Proof], stack_set: str) -> None:
    proof = proofs[stack_set]
    refused = [outcome for outcome in proof.wrong if outcome.case.call.expect == "allowed"]
    assert not refused, _report(refused)
    assert proof.count("allowed") > 0


@pytest.mark.parametrize("stack_set", STACK_SETS)
def test_every_call_that_must_fail_is_denied(proofs: dict[str, Proof], stack_set: str) -> None:
    proof = proofs[stack_set]
    let_through = [outcome for outcome in proof.wrong if outcome.case.call.expect == "denied"]
    assert not let_through, _report(let_through)
    assert proof.count("denied") > 0


@pytest.mark.parametrize("stack_set", STACK_SETS)
def test_no_statement_is_dead(proofs: dict[str, Proof], stack_set: str) -> None:
    assert proofs[stack_set].dead_statements == []


def test_every_policy_of_every_stack_is_evaluated(proofs: dict[str, Proof]) -> None:
    kinds = {stack_set: sorted({policy.kind for policy in proof.policies}) for stack_set, proof in proofs.items()}
    everything = ["bucket", "key", "queue", "role", "topic", "trust"]
    assert kinds == {
        "app-default": everything,
        "app-every-option": everything,
        "app-minimal": ["bucket", "queue", "role", "topic", "trust"],
        "module-default": everything,
        "module-every-option": everything,
        "module-minimal": ["bucket", "queue", "role", "topic", "trust"],
        "app-no-budget": everything,
        "module-no-budget": everything,
        # No trail, log bucket or logs role of its own: the access-log bucket goes with the log bucket.
        "app-existing-trail": ["bucket", "key", "queue", "topic"],
        "module-existing-trail": ["key", "queue", "topic"],
    }
    # The bucket policies: log bucket, access-log bucket, state bucket (the app's bootstrap stack).
    assert len([p for p in proofs["app-default"].policies if p.kind == "bucket"]) == 3
    assert len([p for p in proofs["module-default"].policies if p.kind == "bucket"]) == 2


def test_every_modelled_call_applies_to_some_stack(proofs: dict[str, Proof]) -> None:
    applied = {outcome.case.call.name for proof in proofs.values() for outcome in proof.outcomes}
    assert {call.name for call in MODEL} - applied == set()


def _needing(placeholder: str) -> set[str]:
    return {call.name for call in MODEL if placeholder in placeholders(call) | set(call.requires)}


def test_calls_missing_from_a_stack_are_the_ones_its_switches_remove(proofs: dict[str, Proof]) -> None:
    # The management account's own trail exists only with cloudwatch_logs_scope management-account,
    # and then the member accounts' streams do not reach the log group. The CI roles exist only with
    # [ci] (every-option), in the app's state-bootstrap stack.
    ci = _needing("ci_plan_role_arn") | _needing("ci_apply_role_arn")
    assert {call.name for call in proofs["app-default"].not_applicable} == _needing("account_trail_arn") | ci
    assert {call.name for call in proofs["app-every-option"].not_applicable} == _needing("member_stream")
    module_only_lacks = {call.name for call in proofs["module-default"].not_applicable}
    assert module_only_lacks == _needing("account_trail_arn") | ci | {
        call.name for call in MODEL if "{state_bucket_arn}" in call.resource
    }
    existing_lacks = {call.name for call in proofs["app-existing-trail"].not_applicable}
    assert (
        existing_lacks
        == _needing("trail_arn")
        | _needing("log_group_arn")
        | _needing("logs_role_arn")
        | _needing("account_trail_arn")
        | _needing("log_bucket_arn")
        | _needing("access_log_bucket_arn")
        | ci
    )
    minimal_lacks = {call.name for call in proofs["app-minimal"].not_applicable}
    switched_off = {
        "key_arn",
        "access_log_bucket_arn",
        "budget_arn",
        "anomaly_subscription_arn",
        "account_trail_arn",
        "ci_plan_role_arn",
        "ci_apply_role_arn",
    }
    assert all(switched_off & (placeholders(call) | set(call.requires)) for call in MODEL if call.name in minimal_lacks)
    no_budget_lacks = {call.name for call in proofs["app-no-budget"].not_applicable}
    assert no_budget_lacks == _needing("account_trail_arn") | ci | {
        "budget-publishes-to-the-topic",
        "sns-generates-a-data-key-for-a-budget",
        "sns-decrypts-for-a-budget",
    }
    assert "budget-publishes-to-the-topic" in minimal_lacks


def test_the_model_names_each_fact_s_source() -> None:
    names = [call.name for call in MODEL]
    assert len(names) == len(set(names))
    for call in MODEL:
        assert call.sources, call.name
        for source in call.sources:
            assert source.url.startswith(
                ("https://docs.aws.amazon.com/", "https://developer.hashicorp.com/", "https://docs.github.com/")
            ), source
    assert {call.expect for call in ALLOWED} == {"allowed"}
    assert {call.expect for call in DENIED} == {"denied"}


def _trust_document(documents: list[dict[str, Any]]) -> dict[str, Any]:
    block: dict[str, Any] = documents[0]["data"]["aws_iam_policy_document"]["cloudtrail_to_cloudwatch_trust"]
    return block


def test_a_condition_on_a_key_the_service_never_sends_fails_the_proof() -> None:
    # The logs role's trust policy as it was before: CloudTrail sends no aws:SourceArn when it
    # assumes the role, so the trail could not deliver to the log group on a real account.
    documents = app_documents(BaselineConfig())
    mutated = copy.deepcopy(documents)
    _trust_document(mutated)["statement"][0]["condition"] = [
        {"test": "StringEquals", "variable": "aws:SourceArn", "values": ["arn:aws:cloudtrail:us-east-1:1:trail/t"]}
    ]
    proof = prove([TerraformJson(document, ENV) for document in mutated])
    assert [outcome.case.call.name for outcome in proof.wrong] == ["cloudtrail-assumes-the-logs-role"]
    (dead,) = proof.dead_statements
    assert "aws_iam_role.cloudtrail_to_cloudwatch " in dead
    assert "CloudTrailAssumeRole" in dead


def test_a_statement_no_modelled_request_uses_is_dead() -> None:
    documents = app_documents(BaselineConfig())
    _trust_document(documents)["statement"].append(
        {
            "sid": "Unused",
            "effect": "Allow",
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}],
        }
    )
    proof = prove([TerraformJson(document, ENV) for document in documents])
    assert proof.wrong == []
    assert [dead.split()[-1] for dead in proof.dead_statements] == ["(Unused)"]


def test_a_policy_that_lets_another_account_in_fails_the_proof() -> None:
    # Drop the alarm-actions topic's conditions for alarms: any account's alarm could publish.
    documents = app_documents(BaselineConfig())
    topic = documents[0]["data"]["aws_iam_policy_document"]["alarm_actions"]
    (alarms,) = (s for s in topic["statement"] if s["sid"] == "AllowCloudWatchAlarms")
    del alarms["condition"]
    proof = prove([TerraformJson(document, ENV) for document in documents])
    assert {outcome.case.call.name for outcome in proof.wrong} == {"another-accounts-alarm-publishes"}


def _drop_condition(variable: str) -> Any:
    def mutate(statement: dict[str, Any]) -> None:
        statement["condition"] = [c for c in statement["condition"] if c["variable"] != variable]

    return mutate


def _any_stream(statement: dict[str, Any]) -> None:
    statement["resources"] = [re.sub(r":log-stream:.*$", ":log-stream:*", r) for r in statement["resources"]]


def _set(key: str, value: Any) -> Any:
    def mutate(statement: dict[str, Any]) -> None:
        statement[key] = value

    return mutate


#: (document, statement, how it is loosened, the modelled call that must then be let through).
LOOSENED = [
    (
        "key",
        "CloudTrailDescribesTheKey",
        _set("condition", []),
        "another-trail-of-this-account-describes-the-key",
    ),
    (
        "key",
        "CloudTrailEncryptsThisTrailsLogs",
        _drop_condition("aws:SourceArn"),
        "another-trail-of-this-account-uses-the-key",
    ),
    (
        "key",
        "CloudWatchLogsEncryptsThisLogGroup",
        _set("actions", ["kms:*"]),
        "cloudwatch-logs-schedules-the-keys-deletion",
    ),
    (
        "key",
        "CloudWatchLogsEncryptsThisLogGroup",
        _set("condition", []),
        "another-log-group-uses-the-key",
    ),
    (
        "key",
        "CloudWatchAlarmsPublishToTheTopic",
        _set("condition", []),
        "another-accounts-alarm-uses-the-key",
    ),
    (
        "trail_logs",
        "AWSCloudTrailWriteOrganization",
        _drop_condition("aws:SourceArn"),
        "another-trail-of-this-account-puts-into-the-organization-path",
    ),
    (
        "trail_logs",
        "AWSCloudTrailWriteOrganization",
        _drop_condition("s3:x-amz-acl"),
        "this-trail-puts-without-bucket-owner-full-control",
    ),
    (
        "trail_logs",
        "AWSCloudTrailAclCheck",
        _set("condition", []),
        "another-accounts-trail-checks-the-bucket-acl",
    ),
    (
        "access_logs",
        "S3ServerAccessLogsFromTheLogBucket",
        _set("condition", []),
        "another-buckets-access-logs",
    ),
    ("alerts", "AllowBudgets", _set("condition", []), "another-accounts-budget-publishes"),
    (
        "cloudtrail_to_cloudwatch",
        "CloudTrailWriteLogStreams",
        _any_stream,
        "logs-role-writes-a-stream-that-is-not-cloudtrails",
    ),
]


@pytest.mark.parametrize(
    ("document", "sid", "loosen", "let_through"), LOOSENED, ids=[f"{c[1]}-{c[3]}" for c in LOOSENED]
)
def test_loosening_a_statement_lets_a_modelled_call_through(
    document: str, sid: str, loosen: Any, let_through: str
) -> None:
    documents = app_documents(BaselineConfig())
    (statement,) = (
        statement
        for statement in documents[0]["data"]["aws_iam_policy_document"][document]["statement"]
        if statement.get("sid") == sid
    )
    loosen(statement)
    proof = prove([TerraformJson(d, ENV) for d in documents])
    assert let_through in {outcome.case.call.name for outcome in proof.wrong}


def test_the_resolver_refuses_policy_arguments_it_would_leave_out() -> None:
    documents = app_documents(BaselineConfig())
    _trust_document(documents)["statement"][0]["not_principals"] = []
    with pytest.raises(UnsupportedExpressionError, match="not_principals"):
        TerraformJson(documents[0], ENV).attached_policies()


def test_the_resolver_refuses_expressions_it_does_not_know() -> None:
    documents = app_documents(BaselineConfig())
    policy = documents[0]["resource"]["aws_sns_topic_policy"]["alerts"]
    policy["policy"] = "${jsonencode({})}"
    with pytest.raises(UnsupportedExpressionError, match="jsonencode"):
        TerraformJson(documents[0], ENV).attached_policies()


def test_the_resolver_reads_each_instance_of_a_for_each_over_a_filtered_local() -> None:
    # The module's detections: a local holds every entry with its switch; the resources take
    # the entries switched on, and each instance reads its own entry.
    entry = {"enabled": '${!contains(var.disabled, "{name}")}', "name": "${var.name_prefix}-{name}"}
    document = {
        "variable": {"disabled": {"default": ["b"]}, "name_prefix": {"default": "acme"}},
        "locals": {"detections": {name: {k: v.replace("{name}", name) for k, v in entry.items()} for name in "ab"}},
        "resource": {
            "aws_cloudwatch_metric_alarm": {
                "this": {
                    "for_each": "${{ for name, entry in local.detections : name => entry if entry.enabled }}",
                    "alarm_name": "${each.value.name}",
                }
            }
        },
    }
    alarm = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:acme-"
    assert TerraformJson(document, ENV).resource_values("aws_cloudwatch_metric_alarm", "arn") == [f"{alarm}a"]
    every = TerraformJson(document, ENV, {"disabled": []}).resource_values("aws_cloudwatch_metric_alarm", "arn")
    assert every == [f"{alarm}a", f"{alarm}b"]
