"""An SQS queue subscribed to an SNS topic: the topic's messages, kept for a while."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.policy import arn_like, deny_insecure_transport, policy_document, statement

#: SQS keeps a message at most 14 days.
LONGEST_RETENTION_SECONDS = 14 * 24 * 3600


@dataclass(frozen=True, kw_only=True)
class NotificationQueueProps:
    """Settings of :class:`NotificationQueue`."""

    #: Name of the SQS queue.
    name: str
    #: ARN of the SNS topic whose messages the queue keeps.
    topic_arn: str
    #: How long a message stays in the queue, in seconds. Default: 14 days (the most SQS keeps).
    retention_seconds: int = LONGEST_RETENTION_SECONDS


class NotificationQueue(Construct):
    """An SQS queue subscribed to ``topic_arn``: a confirmed subscriber that keeps every message.

    Encrypted with SQS-managed keys (SSE-SQS: SNS delivers to it without a key grant). Its
    policy lets only the topic send (``aws:SourceArn``, as the SNS Developer Guide's queue
    policy for a subscription has it) and refuses requests without TLS. An SQS subscription
    needs no confirmation when the queue is the account's own.
    """

    def __init__(self, scope: Construct, id_: str, *, props: NotificationQueueProps) -> None:
        super().__init__(scope, id_)
        self.queue = addressed(
            SqsQueue(
                self,
                "queue",
                name=props.name,
                sqs_managed_sse_enabled=True,
                message_retention_seconds=props.retention_seconds,
            )
        )
        document = policy_document(
            self,
            "policy-document",
            [
                statement(
                    sid="AllowTheTopic",
                    service="sns.amazonaws.com",
                    actions=["sqs:SendMessage"],
                    resources=[self.queue.arn],
                    conditions=[arn_like("aws:SourceArn", props.topic_arn)],
                ),
                deny_insecure_transport(actions=["sqs:*"], resources=[self.queue.arn]),
            ],
        )
        self.policy = addressed(SqsQueuePolicy(self, "policy", queue_url=self.queue.url, policy=document.json))
        self.subscription = addressed(
            SnsTopicSubscription(
                self,
                "subscription",
                topic_arn=props.topic_arn,
                protocol="sqs",
                endpoint=self.queue.arn,
                depends_on=[self.policy],
            )
        )
