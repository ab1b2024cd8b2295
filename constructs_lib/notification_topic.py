"""The SNS topic every alert of the baseline publishes to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from cdktf import TerraformIterator, Token
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.environment import AwsEnvironment
from constructs_lib.policy import (
    Condition,
    SwitchedStatements,
    arn_like,
    deny_insecure_transport,
    statement,
    string_equals,
    switched_policy_json,
)
from constructs_lib.switch import Flag


class Publisher(StrEnum):
    """An AWS service that may publish to the topic (its statement's Sid)."""

    EVENTBRIDGE = "AllowEventBridgeRules"
    CLOUDWATCH_ALARMS = "AllowCloudWatchAlarms"
    BUDGETS = "AllowBudgets"
    COST_ANOMALIES = "AllowCostAnomalyDetection"


@dataclass(frozen=True, kw_only=True)
class NotificationTopicProps:
    """Settings of :class:`NotificationTopic`."""

    #: Account, partition and region of the topic and of its publishers.
    environment: AwsEnvironment
    #: Name of the SNS topic.
    name: str
    #: Addresses subscribed by email; each must confirm. None: a topic nobody subscribes to
    #: by email (no subscription resource at all). Default: none yet (an empty subscription list).
    email_addresses: Sequence[str] | None = ()
    #: ARN of the KMS key that encrypts messages at rest; its policy must let the publishers
    #: use it (see ``EncryptionKey``). Default: none.
    kms_key_arn: str | None = None
    #: The services that may publish. Default: all three (the baseline's alert topic leaves
    #: out CloudWatch alarms: their readable messages come through EventBridge).
    publishers: Sequence[Publisher] = tuple(Publisher)
    #: Switches AWS Budgets' statement, if it is a publisher (a budget notifies the topic). Default: True.
    budgets_publish: Flag = True
    #: Switches Cost Anomaly Detection's statement, if it is a publisher (a subscription notifies
    #: the topic). Default: True.
    cost_anomalies_publish: Flag = True


class NotificationTopic(Construct):
    """An SNS topic that only the baseline's alert sources may publish to.

    The topic policy lets the ``publishers`` publish (of EventBridge, CloudWatch alarms, AWS
    Budgets and Cost Anomaly Detection), and refuses publishing without TLS. Alarms, budgets and
    anomaly subscriptions must be this account's (``aws:SourceAccount`` and ``aws:SourceArn``);
    EventBridge's statement can carry no
    condition (AWS documents that it sends none to SNS), so it names only the service. People
    and roles of the account reach the topic through their IAM policies as usual.
    """

    def __init__(self, scope: Construct, id_: str, *, props: NotificationTopicProps) -> None:
        super().__init__(scope, id_)
        env = props.environment
        self.topic = addressed(SnsTopic(self, "topic", name=props.name, kms_master_key_id=props.kms_key_arn))
        self.topic_arn: str = self.topic.arn
        # Each publisher with the confused-deputy keys its documentation says it sends
        # (tools/policies/model.py holds the requests and their pages).
        publishers: dict[Publisher, tuple[str, list[Condition]]] = {
            # "You can't use Condition blocks in Amazon SNS topic policies for EventBridge"
            # (EventBridge User Guide, resource-based policies): a condition here drops every event.
            Publisher.EVENTBRIDGE: ("events.amazonaws.com", []),
            # CloudWatch User Guide, "Preventing confused deputy security issues".
            Publisher.CLOUDWATCH_ALARMS: (
                "cloudwatch.amazonaws.com",
                [
                    string_equals("aws:SourceAccount", env.account_id),
                    arn_like("aws:SourceArn", env.arn("cloudwatch", "alarm:*")),
                ],
            ),
            # Cost Management User Guide, "Creating an Amazon SNS topic for budget notifications".
            Publisher.BUDGETS: (
                "budgets.amazonaws.com",
                [
                    string_equals("aws:SourceAccount", env.account_id),
                    arn_like("aws:SourceArn", env.arn("budgets", "*", region=False)),
                ],
            ),
            # Cost Management User Guide, "Creating an Amazon SNS topic for anomaly notifications":
            # aws:SourceAccount, and aws:SourceArn "to interact with the topic only when performing
            # operations on behalf of a specific subscription".
            Publisher.COST_ANOMALIES: (
                "costalerts.amazonaws.com",
                [
                    string_equals("aws:SourceAccount", env.account_id),
                    arn_like("aws:SourceArn", env.arn("ce", "anomalysubscription/*", region=False)),
                ],
            ),
        }

        def publish(publisher: Publisher) -> DataAwsIamPolicyDocumentStatement:
            service, conditions = publishers[publisher]
            return statement(
                sid=publisher.value,
                service=service,
                actions=["sns:Publish"],
                resources=[self.topic_arn],
                conditions=conditions,
            )

        # The publishers that may not be built, each with its switch and the name of the documents without it.
        switches = {
            Publisher.BUDGETS: ("budgets", props.budgets_publish),
            Publisher.COST_ANOMALIES: ("cost-anomalies", props.cost_anomalies_publish),
        }
        always = [publisher for publisher in props.publishers if publisher not in switches]
        policy_json = switched_policy_json(
            self,
            "policy-document",
            [
                *(publish(publisher) for publisher in always),
                deny_insecure_transport(actions=["sns:Publish"], resources=[self.topic_arn]),
            ],
            switched=[
                SwitchedStatements(name, [publish(publisher)], when)
                for publisher, (name, when) in switches.items()
                if publisher in props.publishers
            ],
        )
        self.policy = addressed(SnsTopicPolicy(self, "policy", arn=self.topic_arn, policy=policy_json))

        if props.email_addresses is None:
            return
        emails = TerraformIterator.from_list(list(props.email_addresses))
        addressed(
            SnsTopicSubscription(
                self,
                "email",
                for_each=emails,
                topic_arn=self.topic_arn,
                protocol="email",
                endpoint=Token.as_string(emails.value),
            )
        )
