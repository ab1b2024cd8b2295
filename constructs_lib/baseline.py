"""The whole management account baseline, composed from the library's constructs."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import TerraformResource, Token
from constructs import Construct

from constructs_lib.addresses import address, check_addresses, plain_addresses
from constructs_lib.alarm_messages import ReadableMessages
from constructs_lib.billing_alarm import BillingAlarm, BillingAlarmProps
from constructs_lib.charges_budget import ChargesBudget, ChargesBudgetProps
from constructs_lib.choice import DetectionChooser
from constructs_lib.cost_anomaly_alerts import CostAnomalyAlerts, CostAnomalyAlertsProps
from constructs_lib.detections import CATALOGUE, EventDetection
from constructs_lib.encryption_key import EncryptionKey, EncryptionKeyProps
from constructs_lib.environment import AwsEnvironment
from constructs_lib.event_rule_alerts import EventRuleAlert, EventRuleAlerts, EventRuleAlertsProps
from constructs_lib.log_data_protection import LogDataProtection, LogDataProtectionProps
from constructs_lib.log_metric_alarms import LogMetricAlarm, LogMetricAlarms, LogMetricAlarmsProps
from constructs_lib.names import BaselineNames
from constructs_lib.notification_queue import NotificationQueue, NotificationQueueProps
from constructs_lib.notification_topic import NotificationTopic, NotificationTopicProps, Publisher
from constructs_lib.organization_trail import (
    LogBucketProps,
    OrganizationTrail,
    OrganizationTrailProps,
    account_logs_flag,
    writing_trail_arns,
)
from constructs_lib.switch import (
    Flag,
    Switched,
    any_of,
    attribute,
    attribute_or,
    both,
    differs,
    equals,
    is_off,
)

#: Key of the billing alarm in the ``alarm_arns`` output (the log alarms use their detection's name).
BILLING_ALARM_KEY = "estimated-charges"


def switched_document_addresses(path: str, name: str, groups: Sequence[str]) -> dict[str, str]:
    """The plain names of a switched policy's documents (:func:`constructs_lib.policy.switched_policy_json`):
    ``name``, and ``name_without_<groups>`` for each combination of its groups left out."""
    found = {}
    for size in range(len(groups) + 1):
        for left_out in itertools.combinations(groups, size):
            suffix = f"-without-{'-'.join(left_out)}" if left_out else ""
            found[f"{path}{suffix}"] = f"{name}{suffix}".replace("-", "_")
    return found


#: The plain Terraform name of everything the baseline builds, by construct path (an element
#: takes its own path's entry, else its nearest enclosing construct's). These are the
#: addresses of every plan and ``terraform state`` command: renaming one needs a ``moved`` block.
ADDRESSES: dict[str, str] = {
    "environment": "current",
    "key": "this",
    **switched_document_addresses("key/policy-document", "key", ("trail", "budgets", "cost-anomalies")),
    "alerts": "alerts",
    **switched_document_addresses("alerts/policy-document", "alerts", ("budgets", "cost-anomalies")),
    "alarm-actions": "alarm_actions",
    "alarm-actions-kept": "alarm_actions",
    "alarm-actions-kept/policy-document": "alarm_actions_queue",
    "organization-trail": "organization_trail",
    "organization-trail/logs-role": "cloudtrail_to_cloudwatch",
    "organization-trail/logs-role-policy": "cloudtrail_to_cloudwatch",
    "organization-trail/logs-role-permissions": "cloudtrail_to_cloudwatch",
    "organization-trail/logs-role-trust": "cloudtrail_to_cloudwatch_trust",
    "organization-trail/storage": "trail_logs",
    "organization-trail/access-logs": "access_logs",
    "organization-trail/account-trail": "management_account_trail",
    "log-data-protection": "log_data_protection",
    "log-alarms": "this",
    "log-alarms/detections": "log_detections",
    "log-alarms/messages": "log_alarms",
    "event-alerts": "this",
    "event-alerts/detections": "event_detections",
    "management-account-budget": "monthly",
    "organization-charges": "estimated_charges",
    "organization-charges/messages": "estimated_charges",
    "cost-anomalies": "this",
    "cost-anomalies/monitor-arn": "anomaly_monitor_arn",
    "log-group-name": "log_group_name",
    "trail-arn": "organization_trail_arn",
}


@dataclass(frozen=True, kw_only=True)
class TrailProps:
    """Which trail the detections read (the app's config ``[trail]``, or the module's variable)."""

    #: Build the baseline's organization trail, bucket, log group and logs role; off: read an existing trail's group.
    create: Flag
    #: What the baseline's log group receives: ``organization`` or ``management-account`` (while ``create``).
    cloudwatch_logs_scope: str
    #: The existing trail's log group (read while not ``create``; anything while ``create``).
    existing_log_group_name: str
    #: The existing trail's ARN, when known (an output; None or null otherwise).
    existing_trail_arn: str | None = None


@dataclass(frozen=True, kw_only=True)
class BillingProps:
    """Which bill each billing alert watches (the app's config ``[billing]``, or the module's variable)."""

    #: Monthly limit of the management account's own charges (its budget, filtered to its account id).
    management_account_limit_usd: float
    #: Build the EstimatedCharges alarm on the organization's total.
    organization_alarm: Flag
    #: Its monthly limit (read only while the alarm is built).
    organization_limit_usd: float
    #: ``create`` an AWS services anomaly monitor, ``off``, or the ARN of an existing monitor to subscribe.
    anomaly_monitor: str
    #: The subscription's thresholds: total impact in USD and in percent (0: any).
    anomaly_threshold_usd: float
    anomaly_threshold_percent: float


@dataclass(frozen=True, kw_only=True)
class ManagementAccountBaselineProps:
    """Settings of :class:`ManagementAccountBaseline`.

    Each is a plain value (the app maps its config to them: ``app.stacks.baseline_props``) or
    a Terraform expression (the module flavour: its variables). The app's config documents,
    defaults and checks them (``app/config.py``).
    """

    name_prefix: str
    alert_emails: Sequence[str]
    log_retention_days: float
    protect_log_data: Flag
    create_budget: Flag
    detections: DetectionChooser
    kms_encryption: Flag
    log_bucket: LogBucketProps
    trail: TrailProps
    billing: BillingProps


@dataclass(frozen=True)
class KeptResource:
    """A resource that holds or unlocks log data: kept when the baseline is removed with its logs
    kept, and adopted (imported) when it is deployed again."""

    resource: TerraformResource
    #: The ``terraform import`` id of the resource (an expression known when Terraform plans).
    import_id: str


@dataclass(frozen=True)
class BaselineOutput:
    """A value callers of the baseline read (a Terraform output of the stack and the module)."""

    value: Any
    description: str


class ManagementAccountBaseline(Construct):
    """Organization trail, alert topic, KMS key, detections and budget alarm.

    Every detection of the catalogue the config leaves on becomes a metric filter + alarm or
    an EventBridge rule, in one loop; every alert goes to the one topic, :attr:`topic`, as a
    readable message. The alarms' own actions notify :attr:`alarm_actions`, a topic without
    subscribers: an EventBridge rule per alarm writes the message people get
    (:mod:`constructs_lib.alarm_messages`), one per alert.
    """

    def __init__(self, scope: Construct, id_: str, *, props: ManagementAccountBaselineProps) -> None:
        super().__init__(scope, id_)
        plain_addresses(self, ADDRESSES)
        self._trail_props = props.trail
        names = BaselineNames(props.name_prefix)
        self.environment = env = AwsEnvironment(self, "environment")
        topic_name, trail_name = names.topic, names.trail
        billing, trail = props.billing, props.trail
        anomalies_on = differs(billing.anomaly_monitor, "off")
        create_trail = trail.create
        #: The management account's own trail feeds the log group (scope ``management-account``).
        account_logs = account_logs_flag(create_trail, trail.cloudwatch_logs_scope)
        # The key guards log data only where the baseline keeps some (its own trail's).
        protect = both(props.protect_log_data, create_trail)

        self.key: EncryptionKey | None = None
        if not is_off(props.kms_encryption):
            self.key = EncryptionKey(
                self,
                "key",
                props=EncryptionKeyProps(
                    environment=env,
                    alias=names.key_alias,
                    trail_arns=writing_trail_arns(env, trail_name, names.management_account_trail, account_logs),
                    log_group_name=names.log_group,
                    trail_encrypts=create_trail,
                    budgets_publish=props.create_budget,
                    cost_anomalies_publish=anomalies_on,
                    prevent_destroy=protect is True,
                    enabled=props.kms_encryption,
                ),
            )
        key_arn = self.key.key_arn if self.key else None

        self.topic = NotificationTopic(
            self,
            "alerts",
            props=NotificationTopicProps(
                environment=env,
                name=topic_name,
                email_addresses=props.alert_emails,
                kms_key_arn=key_arn,
                publishers=(Publisher.EVENTBRIDGE, Publisher.BUDGETS, Publisher.COST_ANOMALIES),
                budgets_publish=props.create_budget,
                cost_anomalies_publish=anomalies_on,
            ),
        )
        self.alarm_actions = NotificationTopic(
            self,
            "alarm-actions",
            props=NotificationTopicProps(
                environment=env,
                name=names.alarm_actions_topic,
                email_addresses=None,
                kms_key_arn=key_arn,
                publishers=(Publisher.CLOUDWATCH_ALARMS,),
            ),
        )
        # The alarm-actions topic's one subscriber: Security Hub's CloudWatch.1-14 follow the CIS
        # audit, which wants an alarm's topic to have an active subscription; this one keeps the
        # alarms' own notifications for two weeks and tells no one.
        self.alarm_actions_kept = NotificationQueue(
            self,
            "alarm-actions-kept",
            props=NotificationQueueProps(name=names.alarm_actions_topic, topic_arn=self.alarm_actions.topic_arn),
        )
        messages = ReadableMessages(alarm_actions_topic_arn=self.alarm_actions.topic_arn, region=env.region)
        #: The baseline's organization trail, bucket and log group (None when it reads an existing trail's).
        self.trail: OrganizationTrail | None = None
        if not is_off(create_trail):
            self.trail = OrganizationTrail(
                self,
                "organization-trail",
                props=OrganizationTrailProps(
                    environment=env,
                    name=trail_name,
                    log_retention_days=props.log_retention_days,
                    protect_log_data=props.protect_log_data,
                    kms_key_arn=key_arn,
                    log_bucket=props.log_bucket,
                    access_log_bucket_name=names.access_log_bucket(env.account_id),
                    cloudwatch_logs_scope=trail.cloudwatch_logs_scope,
                    account_trail_name=names.management_account_trail,
                    enabled=create_trail,
                ),
            )
        #: The log group the detections read: the baseline's (a reference: the filters wait for it),
        #: or the existing trail's.
        self.log_group_name: str = trail.existing_log_group_name
        if self.trail is not None:
            self.log_group_name = attribute_or(
                self,
                "log-group-name",
                self.trail.log_group,
                "name",
                flag=create_trail,
                otherwise=trail.existing_log_group_name,
            )
        self.log_group_arn: str = env.arn("logs", f"log-group:{self.log_group_name}")
        #: The guards that refuse a plan losing log data (None while protect_log_data is off).
        self.protection = self._protect_log_data(props, protect)
        log_alarms: list[LogMetricAlarm] = []
        event_alerts: list[EventRuleAlert] = []
        for detection in CATALOGUE.values():
            choice = props.detections.choice_for(detection)
            if is_off(choice.enabled):
                continue
            name = names.detection(detection.name)
            if isinstance(detection, EventDetection):
                event_alerts.append(EventRuleAlert(detection=detection, name=name, enabled=choice.enabled))
                continue
            log_alarms.append(
                LogMetricAlarm(
                    detection=detection,
                    name=name,
                    organization_wide=choice.organization_wide,
                    enabled=choice.enabled,
                    threshold=choice.threshold,
                    period=choice.period,
                    evaluation_periods=choice.evaluation_periods,
                    left_out=choice.left_out,
                )
            )
        #: The metric filters and alarms of the log detections that are on (None if none is).
        self.log_alarms: LogMetricAlarms | None = None
        if log_alarms:
            self.log_alarms = LogMetricAlarms(
                self,
                "log-alarms",
                props=LogMetricAlarmsProps(
                    alarms=log_alarms,
                    log_group_name=self.log_group_name,
                    management_account_id=env.account_id,
                    topic_arn=self.topic.topic_arn,
                    messages=messages,
                ),
            )
        #: The EventBridge rules of the event detections that are on (None if none is).
        self.event_alerts: EventRuleAlerts | None = None
        if event_alerts:
            self.event_alerts = EventRuleAlerts(
                self, "event-alerts", props=EventRuleAlertsProps(alerts=event_alerts, topic_arn=self.topic.topic_arn)
            )
        #: Names of the log detections that are on (in the module flavour, those that may be).
        self.log_detection_names = [alarm.detection.name for alarm in log_alarms]
        self.event_detection_names = [alert.detection.name for alert in event_alerts]
        #: The management account's own charges: a budget filtered to its account id (None: not built).
        self.management_budget: ChargesBudget | None = None
        if not is_off(props.create_budget):
            self.management_budget = self._management_budget(props, names, env)
        #: The organization's total: the EstimatedCharges alarm (None when not asked for).
        self.billing_alarm: BillingAlarm | None = None
        if not is_off(billing.organization_alarm):
            self.billing_alarm = BillingAlarm(
                self,
                "organization-charges",
                props=BillingAlarmProps(
                    name=names.organization_charges,
                    limit_usd=billing.organization_limit_usd,
                    topic_arn=self.topic.topic_arn,
                    messages=messages,
                    enabled=billing.organization_alarm,
                ),
            )
        #: Unusual spend in any account: Cost Anomaly Detection (None when off).
        self.cost_anomalies: CostAnomalyAlerts | None = None
        if not is_off(anomalies_on):
            create = equals(billing.anomaly_monitor, "create")
            self.cost_anomalies = CostAnomalyAlerts(
                self,
                "cost-anomalies",
                props=CostAnomalyAlertsProps(
                    monitor_name=names.anomaly_monitor,
                    subscription_name=names.anomaly_subscription,
                    topic_arn=self.topic.topic_arn,
                    threshold_usd=billing.anomaly_threshold_usd,
                    threshold_percent=billing.anomaly_threshold_percent,
                    create_monitor=create,
                    existing_monitor_arn=billing.anomaly_monitor,
                    enabled=anomalies_on,
                    depends_on=[self.topic.policy],
                ),
            )
        check_addresses(self)

    def _management_budget(
        self, props: ManagementAccountBaselineProps, names: BaselineNames, env: AwsEnvironment
    ) -> ChargesBudget:
        return ChargesBudget(
            self,
            "management-account-budget",
            props=ChargesBudgetProps(
                name=names.management_account_charges,
                limit_usd=props.billing.management_account_limit_usd,
                topic_arn=self.topic.topic_arn,
                linked_accounts=[env.account_id],
                enabled=props.create_budget,
                depends_on=[self.topic.policy],
            ),
        )

    def _protect_log_data(self, props: ManagementAccountBaselineProps, protect: Flag) -> LogDataProtection | None:
        """A guard per item of log data while ``protect`` (``protect_log_data``, while the baseline
        builds its trail) is on: the log bucket with the settings that keep it private, the
        access-log bucket, the log group, and the key that encrypts them
        (:mod:`constructs_lib.log_data_protection`); and, whatever the protection, the log bucket
        while it holds COMPLIANCE-locked log files."""
        trail = self.trail
        if trail is None:
            return None  # an existing trail's log data is its owner's to keep
        # Log files under COMPLIANCE Object Lock cannot be deleted by anyone before their lock
        # ends: a destroy would strip the bucket's settings, then fail on it. Always refused.
        locked = both(equals(props.log_bucket.object_lock_mode, "COMPLIANCE"), props.trail.create)
        if is_off(protect) and is_off(locked):
            return None
        items = [
            Switched("log-bucket", trail.storage.identities, any_of(protect, locked)),
            # The log group's own ARN attribute: a plan replacing it leaves the value unknown.
            Switched("log-group", {"log_group": attribute(trail.log_group, "arn")}, protect),
        ]
        if trail.access_log_bucket is not None:
            enabled = both(protect, props.log_bucket.access_logging)
            items.append(Switched("access-log-bucket", trail.access_log_bucket.identities, enabled))
        if self.key is not None:
            items.append(Switched("kms-key", {"key": self.key.key_arn}, both(protect, props.kms_encryption)))
        built = [item for item in items if not is_off(item.enabled)]
        return LogDataProtection(self, "log-data-protection", props=LogDataProtectionProps(items=built))

    def kept_resources(self, key_id: str) -> list[KeptResource]:
        """The log data and what unlocks it: the KMS key and its alias, the log bucket and the
        access-log bucket with every setting of each, and the log group; ``key_id`` is the
        expression of the kept key's id (a lookup of its alias, which a removal also keeps)."""
        kept: list[KeptResource] = []
        if self.key is not None:
            kept += [
                KeptResource(self.key.key, key_id),
                KeptResource(self.key.alias, self.key.alias_name),
            ]
        if self.trail is None:
            return kept
        for bucket in (self.trail.storage, self.trail.access_log_bucket):
            if bucket is not None:
                kept += [KeptResource(resource, bucket.given_name) for resource in bucket.resources]
        kept.append(KeptResource(self.trail.log_group, self.trail.log_group_name))
        return kept

    def _alarm_arns(self) -> Any:
        """Alarm ARNs by name: each log detection's that is built, and the billing alarm's if it is."""
        alarms, billing = self.log_alarms, self.billing_alarm
        if (alarms is None or not alarms.for_each.switched) and (billing is None or billing.alarm.count is None):
            found = {name: alarms.arn_of(name) for name in self.log_detection_names} if alarms else {}
            return {**found, BILLING_ALARM_KEY: billing.alarm.arn} if billing else found
        parts = [alarms.arns_expression()] if alarms else []
        if billing is not None:
            parts.append(f"{{ for alarm in {address(billing.alarm)} : {json.dumps(BILLING_ALARM_KEY)} => alarm.arn }}")
        return f"${{merge({', '.join(parts)})}}"

    def _trail_arn(self) -> str | None:
        """The organization trail's ARN: the baseline's own, or the existing one's when named."""
        existing = self._trail_props.existing_trail_arn
        if self.trail is None:
            return existing
        create = self._trail_props.create
        return attribute_or(
            self, "trail-arn", self.trail.trail, "arn", flag=create, otherwise=Token.as_string(existing)
        )

    def outputs(self) -> dict[str, BaselineOutput]:
        """The stable outputs: names are an interface of the module flavour, never renamed."""
        root_sign_in = self.event_alerts if "root-sign-in" in self.event_detection_names else None
        anomalies = self.cost_anomalies
        return {
            "alert_topic_arn": BaselineOutput(self.topic.topic_arn, "ARN of the SNS topic every alert goes to."),
            "alarm_actions_topic_arn": BaselineOutput(
                self.alarm_actions.topic_arn,
                "ARN of the SNS topic the alarms' actions notify (only its queue reads it: people get the readable "
                "messages on alert_topic_arn).",
            ),
            "organization_trail_arn": BaselineOutput(
                self._trail_arn(), "ARN of the organization trail (the existing one's, when trail.trail_arn names it)."
            ),
            "log_bucket_name": BaselineOutput(
                # Null when not built: a counted bucket's name reads one(...), null without instances.
                self.trail.bucket_name if self.trail else None,
                "Name of the trail's S3 bucket (null when the baseline reads an existing trail).",
            ),
            "log_group_name": BaselineOutput(self.log_group_name, "Name of the log group the detections read."),
            "log_group_arn": BaselineOutput(self.log_group_arn, "ARN of the log group the detections read."),
            "kms_key_arn": BaselineOutput(
                self.key.key_arn if self.key else None,
                "ARN of the KMS key of the trail, log group and topic (null when kms_encryption is off).",
            ),
            "root_sign_in_rule_arn": BaselineOutput(
                root_sign_in.arn_of("root-sign-in") if root_sign_in else None,
                "ARN of the EventBridge rule that reports root sign-ins (null when disabled).",
            ),
            "alarm_arns": BaselineOutput(
                self._alarm_arns(),
                f"ARNs of the CloudWatch alarms by name: each log detection, and {BILLING_ALARM_KEY!r} "
                "for the billing alarm on the organization's total (when billing.organization_limit_usd is set).",
            ),
            "anomaly_monitor_arn": BaselineOutput(
                anomalies.monitor_arn if anomalies else None,
                "ARN of the Cost Anomaly Detection monitor the alert subscription watches (null when off).",
            ),
        }
