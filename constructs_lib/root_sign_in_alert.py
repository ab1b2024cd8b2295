"""Notify when the root user signs in to the console."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetInputTransformer,
)
from constructs import Construct

#: EventBridge delivers console sign-ins (recorded by CloudTrail) with this detail type.
ROOT_SIGN_IN_PATTERN: dict[str, object] = {
    "source": ["aws.signin"],
    "detail-type": ["AWS Console Sign In via CloudTrail"],
    "detail": {"userIdentity": {"type": ["Root"]}},
}

#: Fields of the event shown in the message, as EventBridge input paths.
MESSAGE_FIELDS: dict[str, str] = {
    "account": "$.account",
    "time": "$.detail.eventTime",
    "user": "$.detail.userIdentity.arn",
    "source_ip": "$.detail.sourceIPAddress",
    "mfa_used": "$.detail.additionalEventData.MFAUsed",
    "result": "$.detail.responseElements.ConsoleLogin",
}

# An SNS target takes a JSON value; a JSON string gives subscribers a plain-text message.
MESSAGE_TEMPLATE = json.dumps(
    "Root user sign-in to AWS account <account> at <time>: user <user>, "
    "from IP <source_ip>, MFA used: <mfa_used>, result: <result>."
)


@dataclass(frozen=True, kw_only=True)
class RootSignInAlertProps:
    """Settings of :class:`RootSignInAlert`."""

    #: Name of the EventBridge rule.
    name: str
    #: ARN of the SNS topic that receives the alert.
    topic_arn: str


class RootSignInAlert(Construct):
    """An EventBridge rule on root console sign-ins with a readable message to the topic.

    Root sign-ins are delivered to the default event bus of us-east-1, where the
    baseline lives, and only for this account: each member account sees its own.
    """

    def __init__(self, scope: Construct, id_: str, *, props: RootSignInAlertProps) -> None:
        super().__init__(scope, id_)
        self.rule = CloudwatchEventRule(
            self,
            "rule",
            name=props.name,
            description="Root user signed in to the AWS console.",
            event_pattern=json.dumps(ROOT_SIGN_IN_PATTERN),
            state="ENABLED",
        )
        CloudwatchEventTarget(
            self,
            "target",
            rule=self.rule.name,
            target_id="alert-topic",
            arn=props.topic_arn,
            input_transformer=CloudwatchEventTargetInputTransformer(
                input_paths=MESSAGE_FIELDS,
                input_template=MESSAGE_TEMPLATE,
            ),
        )
