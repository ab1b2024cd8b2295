"""``verify``: read-only checks that the deployed baseline can deliver an alert to a person.

Each check returns one :class:`~ops.report.Result` per item, and every failure names the
manual step or setting that fixes it (README, "Manual steps that cannot be automated").
Nothing here writes to the account.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from app.config import BaselineConfig
from constructs_lib.detections import (
    BILLING_ALERT_STATES,
    CATALOGUE,
    LOG_ALERT_STATES,
    EventDetection,
    alarm_state_change_pattern,
)
from constructs_lib.home import HOME_REGION
from constructs_lib.names import BaselineNames
from ops.aws import Aws, action_history, is_failure, metric_alarms, rule_metric, unreadable_fix
from ops.cost import duplicate_cost_text
from ops.report import Result, Status, aws_error, failed, passed, warned

DEPLOY = (
    "deploy the baseline with this config (README, Deploy); if it is deployed, check that the config's "
    "name_prefix is the deployed one and that the credentials reach its account and region"
)
MANUAL = "README, Manual steps that cannot be automated"


@dataclass(frozen=True)
class Expected:
    """What the config says is deployed, by name."""

    config: BaselineConfig
    names: BaselineNames

    @classmethod
    def of(cls, config: BaselineConfig) -> Expected:
        return cls(config, BaselineNames(config.name_prefix))

    @property
    def log_group(self) -> str:
        """The log group the detections read: the baseline's, or the existing trail's."""
        return self.config.detection_log_group

    def _enabled(self, event: bool) -> list[str]:
        return [
            self.names.detection(name)
            for name, detection in CATALOGUE.items()
            if isinstance(detection, EventDetection) == event and self.config.detections.choice_for(detection).enabled
        ]

    @cached_property
    def alarms(self) -> list[str]:
        """Every alarm: the log detections that are on, and the billing alarm on the organization's
        total when its limit is set."""
        billing = [self.names.organization_charges] if self.config.billing.organization_limit_usd is not None else []
        return [*self._enabled(event=False), *billing]

    @cached_property
    def rules(self) -> list[str]:
        """Every EventBridge rule: the event detections that are on, and each alarm's message
        rule (named after its alarm)."""
        return list(self.rule_patterns)

    @cached_property
    def rule_patterns(self) -> dict[str, dict[str, object]]:
        """The event pattern of each rule, by name, as the baseline writes it."""
        patterns = {
            self.names.detection(name): detection.event_pattern
            for name, detection in CATALOGUE.items()
            if isinstance(detection, EventDetection) and self.config.detections.choice_for(detection).enabled
        }
        for alarm in self.alarms:
            states = BILLING_ALERT_STATES if alarm == self.names.organization_charges else LOG_ALERT_STATES
            patterns[alarm] = alarm_state_change_pattern(alarm, states)
        return patterns


def topic_arn(aws: Aws, topic: str) -> str:
    """The ARN of the topic named ``topic`` (``names.topic``, people's; ``names.alarm_actions_topic``)."""
    return f"arn:aws:sns:{aws.region}:{aws.account_id}:{topic}"


def topic_refuses(publisher: str) -> str:
    """The fix when the topic did not take a publisher's message."""
    return (
        f"the topic or its KMS key policy refuses {publisher}: re-apply the baseline and run ./run aws-check-policies"
    )


def span(period: datetime.timedelta) -> str:
    """``period`` as people say it: ``3 days``, ``24 h``, ``90 s``."""
    seconds = int(period.total_seconds())
    if seconds % 86400 == 0 and seconds > 86400:
        return f"{seconds // 86400} days"
    return f"{seconds // 3600} h" if seconds % 3600 == 0 else f"{seconds} s"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True)
class Context:
    """What a check reads: the account, what the config says is there, how far back to look."""

    aws: Aws
    expected: Expected
    #: How recent the last trail event in the log group must be.
    since: datetime.timedelta
    #: How far back a failed alarm action or rule invocation counts.
    lookback: datetime.timedelta = datetime.timedelta(days=3)


Check = Callable[[Context], Iterator[Result]]


def check_region(ctx: Context) -> Iterator[Result]:
    item = "region"
    if ctx.aws.region == HOME_REGION:
        yield passed(item, f"the session's region is {HOME_REGION}")
    else:
        yield failed(
            item,
            f"the session's region is {ctx.aws.region or 'not set'}, not {HOME_REGION}",
            f"set AWS_REGION={HOME_REGION} (the baseline, the billing metric and root sign-in events live there)",
        )


#: What makes a trail of the baseline's what it should be, by the DescribeTrails field.
_TRAIL_SHAPE = {
    "IsMultiRegionTrail": "multi-region",
    "IncludeGlobalServiceEvents": "with global service events",
    "LogFileValidationEnabled": "with log file validation",
}


def _describe_trails(ctx: Context, names: list[str] | None = None) -> list[dict[str, Any]]:
    """The trails of this region, or the ones named (names or ARNs), shadow trails included: the
    multi-region trails of other regions and the organization trails of other accounts."""
    cloudtrail = ctx.aws.client("cloudtrail")
    if names is None:
        trails: list[dict[str, Any]] = cloudtrail.describe_trails(includeShadowTrails=True)["trailList"]
    else:
        trails = cloudtrail.describe_trails(trailNameList=names, includeShadowTrails=True)["trailList"]
    unique = {trail["TrailARN"]: trail for trail in trails}
    return list(unique.values())


def _log_group_of(trail: dict[str, Any]) -> tuple[str, str, str] | None:
    """(region, account, name) of the log group a trail delivers to, from ``CloudWatchLogsLogGroupArn``."""
    arn = trail.get("CloudWatchLogsLogGroupArn")
    if not arn:
        return None
    parts = arn.split(":")
    return parts[3], parts[4], parts[6]


def _delivers_to(trail: dict[str, Any], group: str) -> bool:
    """Whether ``trail`` delivers to a log group named ``group`` (of any account and region)."""
    found = _log_group_of(trail)
    return found is not None and found[2] == group


def _logs_management_events(ctx: Context, trail: dict[str, Any]) -> bool:
    """Whether a trail logs management events (read and write): a trail without event selectors
    does (CloudTrail API Reference, EventSelector: "trails created without specific event
    selectors will be configured to log all read and write management events")."""
    try:
        selectors = ctx.aws.client("cloudtrail").get_event_selectors(TrailName=trail["TrailARN"])
    except ClientError:
        return True  # another account's trail may not answer: assume the default
    basic, advanced = selectors.get("EventSelectors") or [], selectors.get("AdvancedEventSelectors") or []
    if not basic and not advanced:
        return True
    if any(selector.get("IncludeManagementEvents", True) for selector in basic):
        return True
    return any(
        field.get("Field") == "eventCategory" and "Management" in field.get("Equals", [])
        for selector in advanced
        for field in selector.get("FieldSelectors", [])
    )


def _trail_status(ctx: Context, label: str, trail: dict[str, Any], *, delivers_logs: bool) -> Iterator[Result]:
    """Logging, and the latest delivery errors to S3 and (``delivers_logs``) to CloudWatch Logs."""
    name = trail["Name"]
    status = ctx.aws.client("cloudtrail").get_trail_status(Name=trail["TrailARN"])
    if status.get("IsLogging"):
        yield passed(f"{label} logging", f"{name} is logging")
    else:
        yield failed(
            f"{label} logging", f"{name} is not logging", f"aws cloudtrail start-logging --name {trail['TrailARN']}"
        )
    s3_error = status.get("LatestDeliveryError")
    yield (
        failed(
            f"{label} delivery to S3",
            f"latest delivery error: {s3_error}",
            "the log bucket policy or the KMS key policy refuses CloudTrail: re-apply the baseline "
            "and run ./run aws-check-policies",
        )
        if s3_error
        else passed(f"{label} delivery to S3", "no delivery error")
    )
    if not delivers_logs:
        return
    logs_error = status.get("LatestCloudWatchLogsDeliveryError")
    yield (
        failed(
            f"{label} delivery to CloudWatch Logs",
            f"latest CloudWatch Logs delivery error: {logs_error}",
            "CloudTrail cannot assume the logs role or write to the log group (the role's trust "
            "and permissions, the key policy for the log group): re-apply the baseline",
        )
        if logs_error
        else passed(f"{label} delivery to CloudWatch Logs", "no delivery error")
    )


def _check_own_trail(
    ctx: Context, label: str, name: str, *, organization: bool, delivers_logs: bool
) -> Iterator[Result]:
    """One of the baseline's trails: its shape, whether it logs, its deliveries."""
    trails = _describe_trails(ctx, [name])
    if not trails:
        yield failed(label, f"no trail named {name}", DEPLOY)
        return
    trail = trails[0]
    wanted = dict(_TRAIL_SHAPE)
    if organization:
        wanted = {
            "IsOrganizationTrail": f"organization-wide (trusted access for CloudTrail, {MANUAL}, step 3)",
            **wanted,
        }
    missing = [text for key, text in wanted.items() if not trail.get(key)]
    if delivers_logs and not _delivers_to(trail, ctx.expected.log_group):
        missing.append(f"delivering to {ctx.expected.log_group}")
    if missing:
        yield failed(label, f"{name} is not " + ", ".join(missing), f"re-apply the baseline; {DEPLOY}")
    else:
        scope = "organization-wide, " if organization else "this account's events, "
        yield passed(label, f"{name}: {scope}multi-region, global events, file validation")
    yield from _trail_status(ctx, label, trail, delivers_logs=delivers_logs)


def _check_existing_trail(ctx: Context) -> Iterator[Result]:
    """Mode ``existing``: an organization trail, multi-region and logging management events,
    delivers to the named log group in this account and region."""
    label, settings = "existing trail", ctx.expected.config.trail
    group, region, account = ctx.expected.log_group, ctx.aws.region, ctx.aws.account_id
    try:
        trails = _describe_trails(ctx, [settings.trail_arn] if settings.trail_arn else None)
    except ClientError as error:
        yield failed(label, f"{settings.trail_arn}: {aws_error(error)}", "set trail.trail_arn to the trail's ARN")
        return
    delivering = [trail for trail in trails if _delivers_to(trail, group)]
    if not delivering:
        elsewhere = ", ".join(
            f"{trail['Name']} delivers to {found[2]} in {found[0]}"
            for trail in trails
            if (found := _log_group_of(trail)) is not None
        )
        yield failed(
            label,
            f"no trail delivers to {group}" + (f" ({elsewhere})" if elsewhere else ""),
            "set trail.log_group_name to the log group the organization trail delivers to "
            "(aws cloudtrail describe-trails: CloudWatchLogsLogGroupArn)",
        )
        return
    trail = delivering[0]
    where = _log_group_of(trail)
    if where is not None and (where[0], where[1]) != (region, account):
        yield failed(
            label,
            f"{trail['Name']} delivers to {group} in {where[0]} of account {where[1]}; the baseline's metric "
            f"filters live in {region} of {account}",
            "set trail.mode = create with cloudwatch_logs_scope = management-account (a log group of this "
            "account and region fed by a trail of its own)",
        )
        return
    missing = [
        text
        for key, text in {"IsOrganizationTrail": "an organization trail", **_TRAIL_SHAPE}.items()
        if key != "LogFileValidationEnabled" and not trail.get(key)
    ]
    if not _logs_management_events(ctx, trail):
        missing.append("logging management events")
    if missing:
        yield failed(
            label,
            f"{trail['Name']} delivers to {group} but is not " + ", ".join(missing),
            "use an organization trail that is multi-region and logs management events, or trail.mode = create",
        )
    else:
        yield passed(label, f"{trail['Name']} delivers every account's management events to {group}")
    yield from _trail_status(ctx, label, trail, delivers_logs=True)


def _duplicates(ctx: Context, ours: set[str]) -> Iterator[Result]:
    """Every other trail that logs the same management events as the baseline's organization
    trail: organization trails, and multi-region trails of this account. Each is a second copy,
    and CloudTrail charges for every copy after the first."""
    item = "other trails"
    found = []
    for trail in _describe_trails(ctx):
        if trail["TrailARN"] in ours or trail["Name"] in ours:
            continue
        organization, multi_region = trail.get("IsOrganizationTrail"), trail.get("IsMultiRegionTrail")
        if (organization or multi_region) and _logs_management_events(ctx, trail):
            found.append(trail)
    if not found:
        yield passed(item, "no other trail logs this organization's management events")
        return
    for trail in found:
        organization = bool(trail.get("IsOrganizationTrail"))
        whose = "every account's" if organization else "this account's"
        kind = "organization trail" if organization else "multi-region trail"
        yield warned(
            f"{item}: {trail['Name']}",
            f"{trail['TrailARN']} ({kind}) also logs {whose} management events: one of the two copies is "
            f"paid. {duplicate_cost_text(ctx.expected.config, organization=organization)}",
            "set trail.mode = existing with its log group (trail.log_group_name), or stop the other trail"
            if organization
            else "stop the other trail if the organization trail's copy serves its purpose",
        )


def check_trail(ctx: Context) -> Iterator[Result]:
    settings, names = ctx.expected.config.trail, ctx.expected.names
    if settings.mode == "existing":
        yield from _check_existing_trail(ctx)
        return
    account_scope = settings.cloudwatch_logs_scope == "management-account"
    yield from _check_own_trail(ctx, "trail", names.trail, organization=True, delivers_logs=not account_scope)
    ours = {names.trail}
    if account_scope:
        label, name = "management account trail", names.management_account_trail
        yield from _check_own_trail(ctx, label, name, organization=False, delivers_logs=True)
        ours.add(name)
    yield from _duplicates(ctx, ours)


def check_log_group(ctx: Context) -> Iterator[Result]:
    item, group = "log group receives events", ctx.expected.log_group
    try:
        streams = ctx.aws.client("logs").describe_log_streams(
            logGroupName=group, orderBy="LastEventTime", descending=True, limit=1
        )["logStreams"]
    except ClientError as error:
        yield failed(item, f"{group}: {aws_error(error)}", DEPLOY)
        return
    last = max((stream.get("lastEventTimestamp", 0) for stream in streams), default=0)
    if last and _now() - datetime.datetime.fromtimestamp(last / 1000, datetime.UTC) <= ctx.since:
        when = datetime.datetime.fromtimestamp(last / 1000, datetime.UTC).isoformat(timespec="seconds")
        yield passed(item, f"{group}: last event {when}")
    else:
        yield failed(
            item,
            f"{group}: no event in the last {span(ctx.since)}",
            "CloudTrail delivers to the log group within about 5 minutes of an API call: see "
            "'trail delivery to CloudWatch Logs' and 'trail logging'",
        )


def _failed_actions(aws: Aws, alarm: str, since: datetime.timedelta) -> list[str]:
    return [summary for summary in action_history(aws, alarm, _now() - since) if is_failure(summary)]


def check_alarms(ctx: Context) -> Iterator[Result]:
    # An alarm's own notification goes to the alarm-actions topic; its readable message is
    # its rule's (check_rules). A failed action there means the topic refuses CloudWatch.
    topic = topic_arn(ctx.aws, ctx.expected.names.alarm_actions_topic)
    found = metric_alarms(ctx.aws, ctx.expected.alarms)
    for name in ctx.expected.alarms:
        item = f"alarm {name}"
        alarm = found.get(name)
        if alarm is None:
            yield failed(item, "does not exist", DEPLOY)
        elif not alarm.get("ActionsEnabled"):
            yield failed(item, "its actions are disabled", f"aws cloudwatch enable-alarm-actions --alarm-names {name}")
        elif topic not in alarm.get("AlarmActions", []):
            yield failed(item, f"does not notify {topic}", f"re-apply the baseline; {DEPLOY}")
        elif failures := _failed_actions(ctx.aws, name, ctx.lookback):
            yield failed(
                item,
                f"a notification failed: {failures[0]}",
                topic_refuses("CloudWatch"),
            )
        else:
            yield passed(
                item,
                f"{alarm['StateValue']}, actions enabled, notifies the alarm-actions topic, no failed action in "
                f"the last {span(ctx.lookback)}",
            )


def _failed_invocations(aws: Aws, rule: str, since: datetime.timedelta) -> float:
    end = _now()
    return rule_metric(aws, rule, "FailedInvocations", end - since, end, period=86400)


def check_rules(ctx: Context) -> Iterator[Result]:
    topic = topic_arn(ctx.aws, ctx.expected.names.topic)
    events = ctx.aws.client("events")
    for name in ctx.expected.rules:
        item = f"rule {name}"
        try:
            rule = events.describe_rule(Name=name)
        except ClientError as error:
            yield failed(item, aws_error(error), DEPLOY)
            continue
        targets = {target["Arn"]: target for target in events.list_targets_by_rule(Rule=name)["Targets"]}
        if rule.get("State") != "ENABLED":
            yield failed(item, f"is {rule.get('State')}", f"aws events enable-rule --name {name}")
        elif json.loads(rule.get("EventPattern") or "null") != ctx.expected.rule_patterns[name]:
            yield failed(item, "its event pattern is not the baseline's", f"re-apply the baseline; {DEPLOY}")
        elif topic not in targets:
            yield failed(item, f"does not target {topic}", f"re-apply the baseline; {DEPLOY}")
        elif "InputTransformer" not in targets[topic]:
            yield failed(item, "sends the topic the raw event, not the message", f"re-apply the baseline; {DEPLOY}")
        elif failures := _failed_invocations(ctx.aws, name, ctx.lookback):
            yield failed(
                item,
                f"{failures:g} failed invocations in the last {span(ctx.lookback)}",
                topic_refuses("EventBridge"),
            )
        else:
            yield passed(
                item,
                f"enabled, the baseline's pattern, writes the message to the topic, no failed invocation in the "
                f"last {span(ctx.lookback)}",
            )


def _subscriptions(ctx: Context, topic: str) -> list[dict[str, str]]:
    pages = ctx.aws.client("sns").get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic)
    return [subscription for page in pages for subscription in page["Subscriptions"]]


def check_alarm_actions_kept(ctx: Context) -> Iterator[Result]:
    # Security Hub CloudWatch.1-14 follow the CIS audit: an alarm's topic needs an active subscription.
    item, topic = "alarm-actions topic subscription", topic_arn(ctx.aws, ctx.expected.names.alarm_actions_topic)
    try:
        subscriptions = _subscriptions(ctx, topic)
    except ClientError as error:
        yield failed(item, f"{topic}: {aws_error(error)}", DEPLOY)
        return
    confirmed = [s["Endpoint"] for s in subscriptions if s["SubscriptionArn"].startswith("arn:")]
    if confirmed:
        yield passed(item, f"confirmed: {', '.join(confirmed)}")
    else:
        yield failed(
            item,
            "the alarms' topic has no confirmed subscription: Security Hub CloudWatch.1-14 fail",
            f"re-apply the baseline (its queue subscribes); {DEPLOY}",
        )


def check_subscriptions(ctx: Context) -> Iterator[Result]:
    item, topic = "topic subscriptions", topic_arn(ctx.aws, ctx.expected.names.topic)
    try:
        subscriptions = _subscriptions(ctx, topic)
    except ClientError as error:
        yield failed(item, f"{topic}: {aws_error(error)}", DEPLOY)
        return
    pending = [s["Endpoint"] for s in subscriptions if s["SubscriptionArn"] == "PendingConfirmation"]
    confirmed = [s["Endpoint"] for s in subscriptions if s["SubscriptionArn"].startswith("arn:")]
    missing = [email for email in ctx.expected.config.alert_emails if email not in pending + confirmed]
    notes = [f"pending confirmation: {', '.join(pending)}"] if pending else []
    notes += [f"not subscribed: {', '.join(missing)}"] if missing else []
    if confirmed:
        yield passed(item, "; ".join([f"confirmed: {', '.join(confirmed)}", *notes]))
    else:
        yield failed(
            item,
            "; ".join(["no confirmed subscription: alerts reach no one", *notes]),
            f"each recipient clicks the link in the email from AWS ({MANUAL}, step 2), or subscribe an "
            "endpoint to the topic yourself",
        )


def check_billing_metric(ctx: Context) -> Iterator[Result]:
    """The billing metric exists, and which of its series CloudWatch publishes here: the total, and a
    ``LinkedAccount`` series per account ("included only for accounts that are linked to a separate
    paying account"; whether the payer's own account has one is not documented, so it is reported)."""
    item = "billing metric"
    pages = ctx.aws.client("cloudwatch").get_paginator("list_metrics")
    metrics = [
        metric
        for page in pages.paginate(Namespace="AWS/Billing", MetricName="EstimatedCharges")
        for metric in page["Metrics"]
    ]
    if not metrics:
        yield failed(
            item,
            "AWS/Billing EstimatedCharges does not exist: billing alerts are off, so the billing alarm and "
            "the metric's series cannot be read",
            f"turn on 'Receive CloudWatch Billing Alerts' in the Billing preferences ({MANUAL}, step 1); "
            "the metric appears within hours",
        )
        return
    dimensions = [{d["Name"]: d["Value"] for d in metric.get("Dimensions", [])} for metric in metrics]
    total = any(set(found) == {"Currency"} for found in dimensions)
    linked = sorted({found["LinkedAccount"] for found in dimensions if "LinkedAccount" in found})
    own = "with" if ctx.aws.account_id in linked else "without"
    detail = (
        f"AWS/Billing EstimatedCharges exists: {'the total' if total else 'no total'}; LinkedAccount series for "
        f"{len(linked)} accounts, {own} this account's own"
    )
    yield passed(item, detail)


def check_budget(ctx: Context) -> Iterator[Result]:
    """The management account's budget exists and counts only its own charges."""
    item, name = "budget", ctx.expected.names.management_account_charges
    if not ctx.expected.config.create_budget:
        yield Result(item, Status.SKIP, "create_budget is off")
        return
    try:
        budget = ctx.aws.client("budgets").describe_budget(AccountId=ctx.aws.account_id, BudgetName=name)["Budget"]
    except ClientError as error:
        yield failed(item, f"{name}: {aws_error(error)}", DEPLOY)
        return
    accounts = budget.get("CostFilters", {}).get("LinkedAccount", [])
    if accounts != [ctx.aws.account_id]:
        yield failed(
            item,
            f"{name} counts {accounts or 'every account'}, not this account alone ({ctx.aws.account_id})",
            DEPLOY,
        )
        return
    yield passed(item, f"{name} counts this account's own charges")


def check_anomaly_alerts(ctx: Context) -> Iterator[Result]:
    """The anomaly monitor exists, and its subscription sends the alert topic each anomaly at once."""
    billing, names = ctx.expected.config.billing, ctx.expected.names
    if billing.anomaly_monitor == "off":
        yield Result("anomaly monitor", Status.SKIP, "billing.anomaly_monitor is off")
        return
    ce = ctx.aws.client("ce")
    monitors = [m for page in _pages(ce.get_anomaly_monitors, "AnomalyMonitors") for m in page]
    wanted = [
        m
        for m in monitors
        if (billing.anomaly_monitor == "create" and m["MonitorName"] == names.anomaly_monitor)
        or m["MonitorArn"] == billing.anomaly_monitor
    ]
    services = [m["MonitorArn"] for m in monitors if m.get("MonitorDimension") == "SERVICE"]
    if not wanted:
        hint = (
            f"; this account's AWS services monitor is {services[0]}: set billing.anomaly_monitor to it"
            if services
            else ""
        )
        yield failed("anomaly monitor", f"no monitor {billing.anomaly_monitor!r}{hint}", DEPLOY)
        return
    monitor_arn = wanted[0]["MonitorArn"]
    yield passed("anomaly monitor", f"{wanted[0]['MonitorName']} ({monitor_arn})")
    item, topic = "anomaly subscription", topic_arn(ctx.aws, names.topic)
    subscriptions = [s for page in _pages(ce.get_anomaly_subscriptions, "AnomalySubscriptions") for s in page]
    mine = [s for s in subscriptions if s["SubscriptionName"] == names.anomaly_subscription]
    if not mine:
        yield failed(item, f"no subscription {names.anomaly_subscription}", DEPLOY)
        return
    subscription = mine[0]
    sns = [s["Address"] for s in subscription["Subscribers"] if s["Type"] == "SNS"]
    problems = [
        *([] if subscription["Frequency"] == "IMMEDIATE" else [f"frequency {subscription['Frequency']}"]),
        *([] if monitor_arn in subscription["MonitorArnList"] else ["does not watch the monitor"]),
        *([] if topic in sns else ["does not notify the alert topic"]),
    ]
    if problems:
        yield failed(item, f"{names.anomaly_subscription}: {', '.join(problems)}", DEPLOY)
    else:
        yield passed(item, f"{names.anomaly_subscription} sends each anomaly to the alert topic at once")


def _pages(call: Callable[..., dict[str, Any]], key: str) -> Iterator[list[dict[str, Any]]]:
    """Every page of a Cost Explorer list call (NextPageToken; boto3 has no paginator for them)."""
    token: str | None = None
    while True:
        answer = call(**({"NextPageToken": token} if token else {}))
        yield answer[key]
        token = answer.get("NextPageToken")
        if not token:
            return


def check_trusted_access(ctx: Context) -> Iterator[Result]:
    item = "trusted access for CloudTrail"
    pages = ctx.aws.client("organizations").get_paginator("list_aws_service_access_for_organization").paginate()
    principals = [service["ServicePrincipal"] for page in pages for service in page["EnabledServicePrincipals"]]
    if "cloudtrail.amazonaws.com" in principals:
        yield passed(item, "enabled in AWS Organizations")
    else:
        yield failed(
            item,
            "not enabled: the organization trail records only this account",
            "aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com "
            f"({MANUAL}, step 3)",
        )


def check_key(ctx: Context) -> Iterator[Result]:
    item, alias = "KMS key", f"alias/{ctx.expected.names.key_alias}"
    if not ctx.expected.config.kms_encryption:
        yield Result(item, Status.SKIP, "kms_encryption is off")
        return
    try:
        state = ctx.aws.client("kms").describe_key(KeyId=alias)["KeyMetadata"]["KeyState"]
    except ClientError as error:
        yield failed(item, f"{alias}: {aws_error(error)}", DEPLOY)
        return
    if state == "Enabled":
        yield passed(item, f"{alias} is enabled")
    else:
        yield failed(
            item,
            f"{alias} is {state}: the trail, the log group and the topic cannot use it",
            f"aws kms enable-key --key-id {alias} (or cancel its deletion)",
        )


#: The checks in the order they are printed.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("region", check_region),
    ("trail", check_trail),
    ("log group", check_log_group),
    ("alarms", check_alarms),
    ("rules", check_rules),
    ("topic subscriptions", check_subscriptions),
    ("alarm-actions topic subscription", check_alarm_actions_kept),
    ("billing metric", check_billing_metric),
    ("budget", check_budget),
    ("anomaly alerts", check_anomaly_alerts),
    ("trusted access for CloudTrail", check_trusted_access),
    ("KMS key", check_key),
)


def verify(
    config: BaselineConfig,
    aws: Aws,
    since: datetime.timedelta,
    progress: Callable[[str], None] | None = None,
    *,
    lookback: datetime.timedelta = datetime.timedelta(days=3),
) -> list[Result]:
    """Every check, in order; a check the account refuses to answer is a failure of its own."""
    context, results = Context(aws, Expected.of(config), since, lookback), []
    for label, check in CHECKS:
        if progress:
            progress(label)
        try:
            results += list(check(context))
        except (ClientError, BotoCoreError) as error:
            results.append(
                failed(
                    label,
                    f"could not be checked: {aws_error(error)}",
                    unreadable_fix(error, aws, config.name_prefix),
                )
            )
    return results
