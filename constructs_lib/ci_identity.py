"""GitHub Actions' identity in the management account: the OIDC provider, a plan role, an apply role.

Who may assume each role is decided by the two claims AWS STS exposes from a GitHub token
(AWS IAM User Guide, "Configuring a role for GitHub OIDC identity provider"):
``token.actions.githubusercontent.com:aud`` must be ``sts.amazonaws.com`` (what
aws-actions/configure-aws-credentials asks for), and ``token.actions.githubusercontent.com:sub``
must equal one of GitHub's documented subjects (GitHub Docs, "OpenID Connect reference",
example subject claims), compared exactly (``StringEquals``, no wildcard):

- plan: ``repo:<owner>/<name>:pull_request`` and ``repo:<owner>/<name>:ref:refs/heads/<default branch>``;
- apply: ``repo:<owner>/<name>:environment:<environment>``, the subject of every job that runs in the
  environment, whatever its event; the environment's required reviewers gate it.

The plan role runs a pull request's own code, so whoever can push a branch holds it: it reads what
``terraform plan`` and ``./run verify`` read, and its state, and an explicit deny keeps it from the
audit trail's content (log events, log objects, decryption), whatever else it is given later. The
apply role manages the baseline's resources and its state, makes no delete call on log data, and
cannot change its own trust or the provider's (what it can still do: docs/deploy.md, CI roles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_iam_openid_connect_provider import DataAwsIamOpenidConnectProvider
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from constructs_lib.addresses import addressed
from constructs_lib.home import HOME_REGION
from constructs_lib.names import BaselineNames
from constructs_lib.policy import deny, policy_document, statement, string_equals

#: GitHub's OIDC issuer, and the audience aws-actions/configure-aws-credentials requests.
GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
GITHUB_OIDC_HOST = GITHUB_OIDC_URL.removeprefix("https://")
STS_AUDIENCE = "sts.amazonaws.com"
AUDIENCE_KEY = f"{GITHUB_OIDC_HOST}:aud"
SUBJECT_KEY = f"{GITHUB_OIDC_HOST}:sub"

#: What ``terraform plan`` of the baseline and ``./run verify`` read, besides the buckets'
#: settings: descriptions, policies, tags. Nothing here returns a log event or an object.
PLAN_READS: tuple[str, ...] = (
    "budgets:ListTagsForResource",
    "budgets:ViewBudget",
    "ce:GetAnomalyMonitors",
    "ce:GetAnomalySubscriptions",
    "ce:ListTagsForResource",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetEventSelectors",
    "cloudtrail:GetInsightSelectors",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:ListTags",
    "cloudwatch:DescribeAlarmHistory",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "cloudwatch:ListTagsForResource",
    "events:DescribeRule",
    "events:ListTagsForResource",
    "events:ListTargetsByRule",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListResourceTags",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
    "logs:DescribeMetricFilters",
    "logs:ListTagsForResource",
    "logs:ListTagsLogGroup",
    "organizations:DescribeOrganization",
    "organizations:ListAWSServiceAccessForOrganization",
    "organizations:ListAccounts",
    "organizations:ListRoots",
    "sns:GetSubscriptionAttributes",
    "sns:GetTopicAttributes",
    "sns:ListSubscriptionsByTopic",
    "sns:ListTagsForResource",
    "sqs:GetQueueAttributes",
    "sqs:ListQueueTags",
)
#: A bucket's settings, as the provider reads them (HeadBucket is authorized as s3:ListBucket).
BUCKET_READS: tuple[str, ...] = (
    "s3:GetAccelerateConfiguration",
    "s3:GetBucket*",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:ListBucket",
)
#: The audit trail's content: its log events (CloudWatch Logs), its files (S3), their
#: decryption (KMS), and CloudTrail's own event history and queries.
AUDIT_READS: tuple[str, ...] = (
    "cloudtrail:GetQueryResults",
    "cloudtrail:LookupEvents",
    "cloudtrail:StartQuery",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "logs:CreateExportTask",
    "logs:FilterLogEvents",
    "logs:GetLogEvents",
    "logs:GetLogRecord",
    "logs:GetQueryResults",
    "logs:StartLiveTail",
    "logs:StartQuery",
    "logs:Unmask",
    "s3:GetObject",
    "s3:GetObjectAttributes",
    "s3:GetObjectVersion",
)
#: What would lose log data; the baseline never does it (the log group keeps skip_destroy, the
#: buckets are never emptied, the key is guarded): a person with administrator credentials may.
LOG_DATA_DELETES: tuple[str, ...] = (
    "kms:DisableKey",
    "kms:ScheduleKeyDeletion",
    "logs:DeleteLogGroup",
    "logs:DeleteLogStream",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
)


@dataclass(frozen=True, kw_only=True)
class CiIdentityProps:
    """Settings of :class:`CiIdentity`."""

    #: ``owner/name``: the repository whose workflows may assume the roles.
    github_repository: str
    #: The default branch: its runs (push, schedule, dispatch) may assume the plan role.
    default_branch: str = "main"
    #: The GitHub environment whose jobs alone may assume the apply role.
    apply_environment: str = "production"
    #: Create the OIDC provider; False: use the account's existing one (one per URL).
    create_oidc_provider: bool = True
    #: The roles' MaxSessionDuration, in hours (1-12).
    max_session_hours: int = 1
    #: The baseline's ``name_prefix``: its resources' names, and the roles'.
    name_prefix: str = "mgmt-baseline"
    #: Where the baseline's state lives (the state bucket and the object key).
    state_bucket: str
    state_key: str
    #: The baseline creates its trail, log bucket, log group and logs role (``trail.mode`` create).
    own_trail: bool = True
    #: The log group the baseline's metric filters read (its own, or the existing trail's).
    detection_log_group: str
    #: The Region the baseline lives in.
    region: str = HOME_REGION


def _trust(provider_arn: str, subjects: list[str], sid: str) -> list[DataAwsIamPolicyDocumentStatement]:
    return [
        statement(
            sid=sid,
            federated=provider_arn,
            actions=["sts:AssumeRoleWithWebIdentity"],
            conditions=[string_equals(AUDIENCE_KEY, STS_AUDIENCE), string_equals(SUBJECT_KEY, *subjects)],
        )
    ]


class CiIdentity(Construct):
    """The OIDC provider for GitHub Actions (made or looked up), the plan role and the apply role."""

    def __init__(self, scope: Construct, id_: str, *, props: CiIdentityProps) -> None:
        super().__init__(scope, id_)
        names = BaselineNames(props.name_prefix)
        account = addressed(DataAwsCallerIdentity(self, "caller")).account_id
        partition = addressed(DataAwsPartition(self, "partition")).partition

        def arn(service: str, resource: str, *, region: bool = True, in_account: bool = True) -> str:
            return (
                f"arn:{partition}:{service}:{props.region if region else ''}:{account if in_account else ''}:{resource}"
            )

        if props.create_oidc_provider:
            self.provider_arn: str = addressed(
                IamOpenidConnectProvider(self, "provider", url=GITHUB_OIDC_URL, client_id_list=[STS_AUDIENCE])
            ).arn
        else:
            self.provider_arn = addressed(DataAwsIamOpenidConnectProvider(self, "provider", url=GITHUB_OIDC_URL)).arn

        repo = f"repo:{props.github_repository}"
        state_object = arn("s3", f"{props.state_bucket}/{props.state_key}", region=False, in_account=False)
        lock_object = f"{state_object}.tflock"
        state_bucket = arn("s3", props.state_bucket, region=False, in_account=False)
        log_buckets = (
            [
                arn("s3", names.log_bucket(account), region=False, in_account=False),
                arn("s3", names.access_log_bucket(account), region=False, in_account=False),
            ]
            if props.own_trail
            else []
        )
        reads = [statement(sid="ReadTheBaseline", actions=PLAN_READS, resources=["*"])]
        if log_buckets:
            reads.append(statement(sid="ReadTheLogBucketsSettings", actions=BUCKET_READS, resources=log_buckets))

        plan_statements = [
            *reads,
            statement(sid="ListTheStateBucket", actions=["s3:ListBucket"], resources=[state_bucket]),
            statement(sid="ReadTheState", actions=["s3:GetObject"], resources=[state_object]),
            deny(sid="NeverReadTheAuditTrail", actions=AUDIT_READS, not_resources=[state_object]),
        ]
        self.plan_role = self._role(
            "plan",
            name=names.ci_plan_role,
            description=f"GitHub Actions plans the baseline: {props.github_repository}'s pull requests and "
            f"{props.default_branch}. Reads, never the audit trail's content.",
            trust=_trust(
                self.provider_arn,
                [f"{repo}:pull_request", f"{repo}:ref:refs/heads/{props.default_branch}"],
                "GitHubPullRequestsAndTheDefaultBranch",
            ),
            permissions=plan_statements,
            hours=props.max_session_hours,
        )

        group_arns = [arn("logs", f"log-group:{props.detection_log_group}")]
        group_arns.append(f"{group_arns[0]}:*")
        logs_roles = [arn("iam", f"role/{names.logs_role}", region=False)]
        apply_statements = [
            *reads,
            statement(sid="ListTheStateBucket", actions=["s3:ListBucket"], resources=[state_bucket]),
            statement(sid="ReadAndWriteTheState", actions=["s3:GetObject", "s3:PutObject"], resources=[state_object]),
            statement(
                sid="TakeTheStateLock",
                actions=["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                resources=[lock_object],
            ),
            statement(
                sid="ManageTheMetricFiltersAndAlarms",
                actions=["logs:DeleteMetricFilter", "logs:PutMetricFilter"],
                resources=group_arns,
            ),
            statement(
                sid="ManageTheAlarms",
                actions=[
                    "cloudwatch:DeleteAlarms",
                    "cloudwatch:PutMetricAlarm",
                    "cloudwatch:TagResource",
                    "cloudwatch:UntagResource",
                ],
                resources=[arn("cloudwatch", f"alarm:{props.name_prefix}-*")],
            ),
            statement(
                sid="ManageTheRules",
                actions=[
                    "events:DeleteRule",
                    "events:DisableRule",
                    "events:EnableRule",
                    "events:PutRule",
                    "events:PutTargets",
                    "events:RemoveTargets",
                    "events:TagResource",
                    "events:UntagResource",
                ],
                resources=[arn("events", f"rule/{props.name_prefix}-*")],
            ),
            statement(
                sid="ManageTheTopicsAndTheQueue",
                actions=["sns:*", "sqs:*"],
                resources=[arn("sns", f"{props.name_prefix}-*"), arn("sqs", f"{props.name_prefix}-*")],
            ),
            statement(
                sid="ManageTheKey",
                actions=[
                    "kms:CreateAlias",
                    "kms:DeleteAlias",
                    "kms:EnableKeyRotation",
                    "kms:PutKeyPolicy",
                    "kms:TagResource",
                    "kms:UntagResource",
                    "kms:UpdateAlias",
                    "kms:UpdateKeyDescription",
                ],
                resources=[arn("kms", "key/*"), arn("kms", f"alias/{names.key_alias}")],
            ),
            statement(sid="CreateTheKey", actions=["kms:CreateKey"], resources=["*"]),
            statement(
                sid="ManageTheBudgets",
                actions=["budgets:ModifyBudget", "budgets:TagResource", "budgets:UntagResource"],
                resources=[arn("budgets", f"budget/{props.name_prefix}-*", region=False)],
            ),
            statement(
                sid="ManageTheAnomalyAlerts",
                actions=[
                    "ce:DeleteAnomalyMonitor",
                    "ce:DeleteAnomalySubscription",
                    "ce:TagResource",
                    "ce:UntagResource",
                    "ce:UpdateAnomalyMonitor",
                    "ce:UpdateAnomalySubscription",
                ],
                resources=[
                    arn("ce", "anomalymonitor/*", region=False),
                    arn("ce", "anomalysubscription/*", region=False),
                ],
            ),
            # The Service Authorization Reference lists no resource type for these: they take "*".
            # A create tags what it makes (the provider's default_tags) before it has an ARN.
            statement(
                sid="CreateTheAnomalyAlerts",
                actions=["ce:CreateAnomalyMonitor", "ce:CreateAnomalySubscription", "ce:TagResource"],
                resources=["*"],
            ),
            statement(
                sid="ManageTheSubscriptions",
                actions=["sns:SetSubscriptionAttributes", "sns:Unsubscribe"],
                resources=["*"],
            ),
        ]
        if props.own_trail:
            apply_statements += [
                statement(
                    sid="ManageTheTrails",
                    actions=[
                        "cloudtrail:AddTags",
                        "cloudtrail:CreateTrail",
                        "cloudtrail:DeleteTrail",
                        "cloudtrail:PutEventSelectors",
                        "cloudtrail:PutInsightSelectors",
                        "cloudtrail:RemoveTags",
                        "cloudtrail:StartLogging",
                        "cloudtrail:StopLogging",
                        "cloudtrail:UpdateTrail",
                    ],
                    resources=[arn("cloudtrail", f"trail/{props.name_prefix}-*")],
                ),
                # CloudTrail User Guide, "Prepare for creating a trail for your organization": the
                # creator of an organization trail needs CloudTrail's service-linked role and
                # trusted access in Organizations.
                statement(
                    sid="LetCloudTrailServeTheOrganization",
                    actions=["iam:CreateServiceLinkedRole"],
                    resources=[arn("iam", "role/aws-service-role/cloudtrail.amazonaws.com/*", region=False)],
                    conditions=[string_equals("iam:AWSServiceName", "cloudtrail.amazonaws.com")],
                ),
                statement(
                    sid="EnableCloudTrailInTheOrganization",
                    actions=["organizations:EnableAWSServiceAccess"],
                    resources=["*"],
                    conditions=[string_equals("organizations:ServicePrincipal", "cloudtrail.amazonaws.com")],
                ),
                statement(
                    sid="ManageTheLogBuckets",
                    actions=[
                        "s3:CreateBucket",
                        "s3:DeleteBucketPolicy",
                        "s3:PutBucket*",
                        "s3:PutEncryptionConfiguration",
                        "s3:PutLifecycleConfiguration",
                    ],
                    resources=log_buckets,
                ),
                statement(
                    sid="ManageTheLogGroup",
                    actions=[
                        "logs:AssociateKmsKey",
                        "logs:CreateLogGroup",
                        "logs:DisassociateKmsKey",
                        "logs:PutRetentionPolicy",
                        "logs:TagLogGroup",
                        "logs:TagResource",
                        "logs:UntagLogGroup",
                        "logs:UntagResource",
                    ],
                    resources=group_arns,
                ),
                statement(
                    sid="ManageTheLogsRoles",
                    actions=[
                        "iam:CreateRole",
                        "iam:DeleteRole",
                        "iam:DeleteRolePolicy",
                        "iam:ListInstanceProfilesForRole",
                        "iam:PutRolePolicy",
                        "iam:TagRole",
                        "iam:UntagRole",
                        "iam:UpdateAssumeRolePolicy",
                        "iam:UpdateRole",
                        "iam:UpdateRoleDescription",
                    ],
                    resources=logs_roles,
                ),
                statement(
                    sid="PassTheLogsRoleToCloudTrail",
                    actions=["iam:PassRole"],
                    resources=logs_roles,
                    conditions=[string_equals("iam:PassedToService", "cloudtrail.amazonaws.com")],
                ),
            ]
        own_roles = [arn("iam", f"role/{role}", region=False) for role in (names.ci_plan_role, names.ci_apply_role)]
        apply_statements += [
            deny(sid="NeverReadTheAuditTrail", actions=AUDIT_READS, not_resources=[state_object, lock_object]),
            deny(
                sid="NeverDeleteLogData",
                actions=LOG_DATA_DELETES,
                resources=[*group_arns, arn("kms", "key/*"), *[f"{bucket}/*" for bucket in log_buckets]],
            ),
            deny(
                sid="NeverChangeTheCiIdentity",
                actions=["iam:*"],
                resources=[*own_roles, arn("iam", f"oidc-provider/{GITHUB_OIDC_HOST}", region=False)],
            ),
        ]
        self.apply_role = self._role(
            "apply",
            name=names.ci_apply_role,
            description=f"GitHub Actions applies the baseline from {props.github_repository}'s "
            f"{props.apply_environment} environment. Makes no delete call on log data; cannot change its own trust.",
            trust=_trust(self.provider_arn, [f"{repo}:environment:{props.apply_environment}"], "GitHubEnvironment"),
            permissions=apply_statements,
            hours=props.max_session_hours,
        )

    def _role(
        self,
        kind: str,
        *,
        name: str,
        description: str,
        trust: Sequence[DataAwsIamPolicyDocumentStatement],
        permissions: Sequence[DataAwsIamPolicyDocumentStatement],
        hours: int,
    ) -> IamRole:
        trust_document = policy_document(self, f"{kind}-trust", list(trust))
        role = addressed(
            IamRole(
                self,
                f"{kind}-role",
                name=name,
                description=description,
                assume_role_policy=trust_document.json,
                max_session_duration=hours * 3600,
            )
        )
        document = policy_document(self, f"{kind}-permissions", list(permissions))
        addressed(IamRolePolicy(self, f"{kind}-policy", name=f"ci-{kind}", role=role.id, policy=document.json))
        return role
