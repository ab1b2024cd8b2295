"""The SNS topic every alert of the baseline publishes to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import TerraformIterator, Token
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.environment import AwsEnvironment
from constructs_lib.policy import (
    arn_like,
    deny_insecure_transport,
    statement,
    string_equals,
    switched_policy_json,
)
from constructs_lib.switch import Flag


@dataclass(frozen=True, kw_only=True)
class NotificationTopicProps:
    """Settings of :class:`NotificationTopic`."""

    #: Account, partition and region of the topic and of its publishers.
    environment: AwsEnvironment
    #: Name of the SNS topic.
    name: str
    #: Addresses subscribed by email; each must confirm. Default: none.
    email_addresses: Sequence[str] = ()
    #: ARN of the KMS key that encrypts messages at rest; its policy must let the publishers
    #: use it (see ``EncryptionKey``). Default: none.
    kms_key_arn: str | None = None
    #: Let AWS Budgets publish (a budget notifies the topic). Default: True.
    budgets_publish: Flag = True


class NotificationTopic(Construct):
    """An SNS topic that only the baseline's alert sources may publish to.

    The topic policy lets EventBridge, CloudWatch alarms and AWS Budgets publish, and refuses
    publishing without TLS. Alarms and budgets must be this account's (``aws:SourceAccount``
    and ``aws:SourceArn``); EventBridge's statement can carry no condition (AWS documents that
    it sends none to SNS), so it names only the service. People and roles of the account reach
    the topic through their IAM policies as usual.
    """

    def __init__(self, scope: Construct, id_: str, *, props: NotificationTopicProps) -> None:
        super().__init__(scope, id_)
        env = props.environment
        self.topic = addressed(SnsTopic(self, "topic", name=props.name, kms_master_key_id=props.kms_key_arn))
        self.topic_arn: str = self.topic.arn
        # Each publisher with the confused-deputy keys its documentation says it sends
        # (tools/policies/model.py holds the requests and their pages).
        publishers = {
            # "You can't use Condition blocks in Amazon SNS topic policies for EventBridge"
            # (EventBridge User Guide, resource-based policies): a condition here drops every event.
            "AllowEventBridgeRules": ("events.amazonaws.com", []),
            # CloudWatch User Guide, "Preventing confused deputy security issues".
            "AllowCloudWatchAlarms": (
                "cloudwatch.amazonaws.com",
                [
                    string_equals("aws:SourceAccount", env.account_id),
                    arn_like("aws:SourceArn", env.arn("cloudwatch", "alarm:*")),
                ],
            ),
            # Cost Management User Guide, "Creating an Amazon SNS topic for budget notifications".
            "AllowBudgets": (
                "budgets.amazonaws.com",
                [
                    string_equals("aws:SourceAccount", env.account_id),
                    arn_like("aws:SourceArn", env.arn("budgets", "*", region=False)),
                ],
            ),
        }

        def publish(sid: str) -> DataAwsIamPolicyDocumentStatement:
            service, conditions = publishers[sid]
            return statement(
                sid=sid, service=service, actions=["sns:Publish"], resources=[self.topic_arn], conditions=conditions
            )

        policy_json = switched_policy_json(
            self,
            "policy-document",
            [
                publish("AllowEventBridgeRules"),
                publish("AllowCloudWatchAlarms"),
                deny_insecure_transport(actions=["sns:Publish"], resources=[self.topic_arn]),
            ],
            switched=[publish("AllowBudgets")],
            when=props.budgets_publish,
        )
        self.policy = addressed(SnsTopicPolicy(self, "policy", arn=self.topic_arn, policy=policy_json))

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
