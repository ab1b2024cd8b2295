"""Evaluate every policy of a synthesized stack against the request model.

    proof = prove(stacks)            # stacks: resolved TerraformJson documents (app or module)
    proof.wrong                      # outcomes that differ from the model's expectation
    proof.dead_statements            # statements no modelled request matches

Each modelled call becomes one or more concrete requests: one per alarm or budget where
the call names ``{alarm_arn}`` or ``{budget_arn}``, and one per combination of its
``uncertain`` keys (absent or present). Each request goes to the policy that decides it (see
:class:`tools.policies.model.Grant`) and is evaluated by :mod:`tools.policies.evaluator`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tools.policies.evaluator import Decision, Evaluation, Principal, Request, evaluate
from tools.policies.model import MODEL, Grant, ModelledCall
from tools.policies.resolve import AttachedPolicy, Environment, TerraformJson

#: A member account of the organization, and an account outside it (neither is ours).
MEMBER_ACCOUNT = "222233334444"
OTHER_ACCOUNT = "999988887777"
#: The role the operator runs Terraform with (its own IAM policy is outside the baseline).
OPERATOR_ROLE = "terraform-operator"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _one(values: Sequence[str], what: str) -> str:
    if len(values) != 1:
        raise ValueError(f"expected one {what}, found {len(values)}")
    return values[0]


def _trail_facts(stack: TerraformJson) -> dict[str, str]:
    """The organization trail, its bucket, log group and role, and the management account's own
    trail where the log group receives that account's events alone (cloudwatch_logs_scope)."""
    env, values = stack.env, stack.resource_values
    trails = values("aws_cloudtrail", "arn")
    if not trails:
        return {}
    kinds = values("aws_cloudtrail", "is_organization_trail")
    names = dict(zip(trails, values("aws_cloudtrail", "name"), strict=True))
    trail = _one([arn for arn, organization in zip(trails, kinds, strict=True) if organization], "trail")
    bucket = _one(sorted(set(values("aws_cloudtrail", "s3_bucket_name"))), "trail bucket")
    found = {
        "trail_arn": trail,
        "trail_name": names[trail],
        "log_bucket_arn": env.arn("s3", bucket, region=False, account=False),
        "log_group_arn": _one(values("aws_cloudwatch_log_group", "arn"), "log group"),
        "logs_role_arn": _one(values("aws_iam_role", "arn"), "role"),
    }
    accounts = [arn for arn, organization in zip(trails, kinds, strict=True) if not organization]
    if accounts:
        account_trail = _one(accounts, "management account trail")
        found |= {"account_trail_arn": account_trail, "account_trail_name": names[account_trail]}
    else:
        # The organization trail delivers the member accounts' events to the log group.
        found["member_stream"] = f"{env.organization_id}_{MEMBER_ACCOUNT}_CloudTrail_{env.region}"
    return found


def _ci_facts(stack: TerraformJson) -> dict[str, str]:
    """The CI roles (``[ci]``), the identity provider their tokens come from, and another provider
    of this account."""
    if "ci_plan" not in stack.doc.get("resource", {}).get("aws_iam_role", {}):
        return {}
    kind = "resource" if "github" in stack.doc["resource"].get("aws_iam_openid_connect_provider", {}) else "data"
    return {
        "ci_plan_role_arn": stack.attribute("resource", "aws_iam_role", "ci_plan", "arn"),
        "ci_apply_role_arn": stack.attribute("resource", "aws_iam_role", "ci_apply", "arn"),
        "github_provider_arn": stack.attribute(kind, "aws_iam_openid_connect_provider", "github", "arn"),
        "other_provider_arn": stack.env.arn("iam", "oidc-provider/gitlab.com", region=False),
    }


def facts(stacks: Iterable[TerraformJson]) -> dict[str, str | list[str]]:
    """The placeholder values of the model for these stacks (a list expands to one request each)."""
    stacks = list(stacks)
    env: Environment = stacks[0].env
    found: dict[str, str | list[str]] = {
        "account": env.account_id,
        "organization_id": env.organization_id,
        "partition": env.partition,
        "region": env.region,
        "member_account": MEMBER_ACCOUNT,
        "other_account": OTHER_ACCOUNT,
        "operator_arn": env.arn("iam", f"role/{OPERATOR_ROLE}", region=False),
    }
    other = Environment(OTHER_ACCOUNT, "o-otherorg99", env.partition, env.region)

    def bucket_arn(name: str) -> str:
        return env.arn("s3", name, region=False, account=False)

    for stack in stacks:
        values = stack.resource_values
        found.update(_trail_facts(stack))
        # The topics by what publishes to them: the one EventBridge targets (people's), and
        # the one the alarms' actions notify.
        if targets := values("aws_cloudwatch_event_target", "arn"):
            found["topic_arn"] = _one(sorted(set(targets)), "topic targeted by the rules")
        if actions := values("aws_cloudwatch_metric_alarm", "alarm_actions"):
            found["alarm_topic_arn"] = _one(sorted({arn for arns in actions for arn in arns}), "alarm action")
        if queues := values("aws_sqs_queue", "arn"):
            found["queue_arn"] = _one(queues, "queue")
        if keys := values("aws_kms_key", "arn"):
            found["key_arn"] = _one(keys, "key")
        if targets := values("aws_s3_bucket_logging", "target_bucket"):
            found["access_log_bucket_arn"] = bucket_arn(_one(targets, "access-log bucket"))
        if rules := values("aws_cloudwatch_event_rule", "arn"):
            found["rule_arn"] = rules
        if alarms := values("aws_cloudwatch_metric_alarm", "arn"):
            found["alarm_arn"] = alarms
            found["other_alarm_arn"] = other.arn("cloudwatch", "alarm:charges")
        budgets = values("aws_budgets_budget", "name")
        found["other_budget_arn"] = other.arn("budgets", "budget/charges", region=False)
        if budgets:
            found["budget_arn"] = [env.arn("budgets", f"budget/{name}", region=False) for name in budgets]
        # A subscription's ARN is AWS's (a generated id): one of the right shape stands for it.
        found["other_anomaly_subscription_arn"] = other.arn("ce", f"anomalysubscription/{ANOMALY_ID}", region=False)
        if values("aws_ce_anomaly_subscription", "name"):
            found["anomaly_subscription_arn"] = env.arn("ce", f"anomalysubscription/{ANOMALY_ID}", region=False)
        found.update(_ci_facts(stack))
        backend = stack.doc.get("terraform", {}).get("backend", {}).get("s3")
        if backend:
            found["state_bucket_arn"] = bucket_arn(backend["bucket"])
            found["state_key"] = backend["key"]
    # Trails that are not the baseline's: another account's, and another of this account (with
    # an existing trail, the baseline has none, and the key must refuse every trail).
    trail_name = str(found.get("trail_name", "organization-trail"))
    found["other_trail_arn"] = other.arn("cloudtrail", f"trail/{trail_name}")
    found["sibling_trail_arn"] = env.arn("cloudtrail", f"trail/{trail_name}-not")
    return found


@dataclass(frozen=True)
class Case:
    """One concrete request of a modelled call."""

    call: ModelledCall
    request: Request
    #: Which uncertain keys were left out, for reports ("" when the call has none).
    variant: str = ""

    @property
    def label(self) -> str:
        return f"{self.call.name} [{self.variant}]" if self.variant else self.call.name


@dataclass(frozen=True)
class Outcome:
    case: Case
    allowed: bool
    #: Each policy consulted, with its evaluation.
    evaluations: tuple[tuple[AttachedPolicy, Evaluation], ...]

    @property
    def as_expected(self) -> bool:
        return self.allowed == (self.case.call.expect == "allowed")

    def explain(self) -> str:
        parts = [
            f"{policy.kind} policy of {policy.resource_arn}: {ev.decision.value}" for policy, ev in self.evaluations
        ]
        verdict = "allowed" if self.allowed else "denied"
        return f"{self.case.label}: {verdict}, expected {self.case.call.expect} ({'; '.join(parts) or 'no policy'})"


def _fill(template: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


#: The id of the anomaly subscription the requests stand for (AWS generates the real one).
ANOMALY_ID = "874c100c-59a6-4abb-a10a-4682bc3f2d69"


def placeholders(call: ModelledCall) -> set[str]:
    """The placeholder names ``call`` uses in its caller, resource and context."""
    texts = [call.caller, call.resource, *call.context.values(), *call.uncertain.values()]
    return {name for text in texts for name in _PLACEHOLDER.findall(text)}


def _principal(caller: str) -> Principal:
    if caller == "anonymous":
        return Principal.anonymous()
    if caller.startswith("arn:") and ":oidc-provider/" in caller:
        return Principal.federated(caller)
    if caller.startswith("arn:"):
        return Principal.iam(caller)
    return Principal.service(caller)


def cases(call: ModelledCall, known: Mapping[str, str | list[str]]) -> list[Case] | None:
    """The concrete requests of ``call``, or None when the stack lacks what it names."""
    needed = placeholders(call)
    if not (needed | set(call.requires)) <= known.keys():
        return None
    lists = {name: value for name, value in known.items() if name in needed and isinstance(value, list)}
    scalars = {name: value for name, value in known.items() if isinstance(value, str)}
    found = []
    for combination in itertools.product(*lists.values()):
        values = {**scalars, **dict(zip(lists, combination, strict=True))}
        uncertain = list(call.uncertain)
        for present in itertools.product((False, True), repeat=len(uncertain)):
            context = {key: _fill(value, values) for key, value in call.context.items()}
            absent = []
            for key, is_present in zip(uncertain, present, strict=True):
                if is_present:
                    context[key] = _fill(call.uncertain[key], values)
                else:
                    absent.append(key)
            variant = f"without {', '.join(absent)}" if absent else ("with every uncertain key" if uncertain else "")
            request = Request(
                _principal(_fill(call.caller, values)), call.action, _fill(call.resource, values), context
            )
            found.append(Case(call, request, variant))
    return found


def _resource_policy(request: Request, policies: Sequence[AttachedPolicy]) -> AttachedPolicy | None:
    for policy in policies:
        if policy.kind == "role":
            continue
        if request.action.lower() in ("sts:assumerole", "sts:assumerolewithwebidentity"):
            if policy.kind == "trust" and policy.resource_arn == request.resource:
                return policy
            continue
        if policy.kind == "trust":
            continue
        if request.resource == policy.resource_arn or (
            policy.kind == "bucket" and request.resource.startswith(policy.resource_arn + "/")
        ):
            return policy
    return None


def decide(case: Case, policies: Sequence[AttachedPolicy]) -> Outcome:
    """Whether AWS would let ``case`` through, given the stack's policies and the call's grant."""
    request, grant = case.request, case.call.grant
    evaluations: list[tuple[AttachedPolicy, Evaluation]] = []
    resource_policy = _resource_policy(request, policies)
    if resource_policy is not None:
        evaluations.append((resource_policy, evaluate(resource_policy.document, request)))
    if grant is Grant.ROLE_PERMISSIONS:
        for policy in policies:
            if policy.kind == "role" and policy.resource_arn == request.principal.identifier:
                evaluations.append((policy, evaluate(policy.document, request, resource_policy=False)))
    decisions = [evaluation.decision for _, evaluation in evaluations]
    if Decision.DENY in decisions:
        allowed = False
    elif grant is Grant.RESOURCE_POLICY:
        allowed = resource_policy is not None and decisions[0] is Decision.ALLOW
    elif grant is Grant.ROLE_PERMISSIONS:
        allowed = Decision.ALLOW in [ev.decision for policy, ev in evaluations if policy.kind == "role"]
    else:
        allowed = True
    return Outcome(case, allowed, tuple(evaluations))


@dataclass
class Proof:
    """Every modelled call evaluated against one set of stacks."""

    policies: list[AttachedPolicy]
    outcomes: list[Outcome] = field(default_factory=list)
    #: Calls that name something these stacks do not have.
    not_applicable: list[ModelledCall] = field(default_factory=list)

    @property
    def wrong(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.as_expected]

    @property
    def dead_statements(self) -> list[str]:
        """``address statement[i] (Sid)`` for each statement no modelled request matches."""
        used = {
            (policy.address, index)
            for outcome in self.outcomes
            for policy, evaluation in outcome.evaluations
            for index in evaluation.matched
        }
        dead = []
        for policy in self.policies:
            for index, statement in enumerate(policy.document["Statement"]):
                if (policy.address, index) not in used:
                    dead.append(f"{policy.address} statement[{index}] ({statement.get('Sid', 'no Sid')})")
        return dead

    def count(self, expect: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.case.call.expect == expect)


def prove(
    stacks: Sequence[TerraformJson], model: Sequence[ModelledCall] = MODEL, *, given: Mapping[str, str] | None = None
) -> Proof:
    """Evaluate ``model`` against every policy the stacks attach.

    ``given``: facts the stacks cannot tell, which the requests depend on: who GitHub says is
    calling (``github_repository``, ``default_branch``, ``apply_environment``), from the config.
    """
    policies = [policy for stack in stacks for policy in stack.attached_policies()]
    proof = Proof(policies)
    known = {**facts(stacks), **(given or {})}
    for call in model:
        found = cases(call, known)
        if found is None:
            proof.not_applicable.append(call)
            continue
        proof.outcomes.extend(decide(case, policies) for case in found)
    return proof
