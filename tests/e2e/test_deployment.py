"""``cdktf deploy`` of both stacks on the local AWS, and what follows from it.

The documented command deploys; boto3 reads back what it made; a second deploy and the CI's
plain ``terraform plan`` find nothing to do; the S3 state lock holds off a second apply. The
tests share one deployment: each costs two minutes, mostly the AWS provider waiting for the
S3 lifecycle rules to settle (it wants ten equal reads, five seconds apart).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from app.stacks import BASELINE_STACK, BOOTSTRAP_STACK
from constructs_lib.detections import ACCESS_DENIED
from tests.e2e.deploy import ORGANIZATION_LIMIT_USD, PREFIX, Deployment, deploy_with_cdktf
from tests.e2e.policies import live_document, local_environment, normalized
from tests.local_aws import LocalAws
from tests.synth import app_documents
from tests.terraform import run_terraform
from tools.alarm_events import alarm_event, console_link, message_lines, transformed
from tools.policies.load import synthesized_stacks
from tools.policies.proof import prove


@pytest.fixture(scope="module")
def deployed(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return deploy_with_cdktf(local_aws, tmp_path_factory.mktemp("cdktf-deployment"))


def test_deploy_creates_a_logging_organization_trail(deployed: Deployment) -> None:
    cloudtrail = deployed.aws.client("cloudtrail")
    (trail,) = cloudtrail.describe_trails(trailNameList=[f"{PREFIX}-organization-trail"])["trailList"]
    assert trail["IsOrganizationTrail"] is True
    assert trail["IsMultiRegionTrail"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["LogFileValidationEnabled"] is True
    assert trail["S3BucketName"] == f"{PREFIX}-organization-trail-{deployed.aws.account_id}"
    assert trail["CloudWatchLogsLogGroupArn"].endswith(f":log-group:/aws/cloudtrail/{PREFIX}-organization-trail:*")
    assert cloudtrail.get_trail_status(Name=trail["TrailARN"])["IsLogging"] is True


def test_deploy_creates_the_hardened_log_bucket(deployed: Deployment) -> None:
    s3 = deployed.aws.client("s3")
    bucket = f"{PREFIX}-organization-trail-{deployed.aws.account_id}"
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert {statement["Sid"] for statement in policy["Statement"]} == {
        "AWSCloudTrailAclCheck",
        "AWSCloudTrailWriteManagementAccount",
        "AWSCloudTrailWriteOrganization",
        "DenyInsecureTransport",
    }
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (ownership,) = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert ownership["ObjectOwnership"] == "BucketOwnerEnforced"
    (lifecycle,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert lifecycle["Expiration"] == {"Days": deployed.config.log_bucket.expiration_days}


def test_the_applied_policies_are_the_ones_the_policy_proof_evaluates(deployed: Deployment) -> None:
    # tests/test_policies.py evaluates the policies as tools/policies renders them from the
    # synthesized JSON; here the provider's own rendering, as the local AWS holds it, must
    # be the same documents, statement for statement.
    stacks = synthesized_stacks(deployed.outdir, local_environment(deployed.aws))
    policies = [policy for stack in stacks for policy in stack.attached_policies()]
    kinds = ["bucket", "bucket", "bucket", "key", "queue", "role", "topic", "topic", "trust"]
    assert sorted(policy.kind for policy in policies) == kinds
    for policy in policies:
        assert normalized(live_document(deployed.aws, policy)) == normalized(policy.document), policy.address
    proof = prove(stacks)
    assert (proof.wrong, proof.dead_statements) == ([], [])


def test_deploy_creates_the_log_group_with_a_year_of_retention(deployed: Deployment) -> None:
    logs = deployed.aws.client("logs")
    name = f"/aws/cloudtrail/{PREFIX}-organization-trail"
    (group,) = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["retentionInDays"] == 365


def test_deploy_creates_filters_scoped_to_the_real_account_id(deployed: Deployment) -> None:
    logs = deployed.aws.client("logs")
    account = deployed.aws.account_id
    filters = {
        f["filterName"]: f["filterPattern"]
        for f in logs.describe_metric_filters(logGroupName=f"/aws/cloudtrail/{PREFIX}-organization-trail")[
            "metricFilters"
        ]
    }
    assert filters == {
        f"{PREFIX}-console-sign-in": f'{{ ($.eventName = "ConsoleLogin") && ($.recipientAccountId = "{account}") }}',
        # The catalogue's pattern (its text is pinned in tests/test_log_metric_alarms.py).
        f"{PREFIX}-access-denied": ACCESS_DENIED.scoped_pattern(account),
    }


def _topic_arn(deployed: Deployment, name: str = "alerts") -> str:
    return f"arn:aws:sns:us-east-1:{deployed.aws.account_id}:{PREFIX}-{name}"


def test_deploy_creates_alarms_that_notify_the_alarm_actions_topic(deployed: Deployment) -> None:
    cloudwatch = deployed.aws.client("cloudwatch")
    names = [f"{PREFIX}-console-sign-in", f"{PREFIX}-access-denied", f"{PREFIX}-organization-charges"]
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]}
    assert set(alarms) == set(names)
    for alarm in alarms.values():
        assert alarm["ActionsEnabled"] is True
        assert alarm["AlarmActions"] == [_topic_arn(deployed, "alarm-actions")]
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    billing = alarms[f"{PREFIX}-organization-charges"]
    assert (billing["Namespace"], billing["MetricName"], billing["Threshold"]) == (
        "AWS/Billing",
        "EstimatedCharges",
        ORGANIZATION_LIMIT_USD,
    )
    assert billing["Dimensions"] == [{"Name": "Currency", "Value": "USD"}]
    assert alarms[f"{PREFIX}-console-sign-in"]["Threshold"] == 0


def test_deploy_creates_the_anomaly_monitor_and_its_immediate_subscription(deployed: Deployment) -> None:
    ce = deployed.aws.client("ce")
    (monitor,) = ce.get_anomaly_monitors()["AnomalyMonitors"]
    assert (monitor["MonitorName"], monitor["MonitorType"], monitor["MonitorDimension"]) == (
        f"{PREFIX}-aws-services",
        "DIMENSIONAL",
        "SERVICE",
    )
    (subscription,) = ce.get_anomaly_subscriptions()["AnomalySubscriptions"]
    assert subscription["SubscriptionName"] == f"{PREFIX}-cost-anomalies"
    assert (subscription["Frequency"], subscription["MonitorArnList"]) == ("IMMEDIATE", [monitor["MonitorArn"]])
    assert subscription["Subscribers"] == [{"Address": _topic_arn(deployed), "Type": "SNS"}]
    impacts = [item["Dimensions"] for item in subscription["ThresholdExpression"]["And"]]
    assert [(d["Key"], d["Values"]) for d in impacts] == [
        ("ANOMALY_TOTAL_IMPACT_ABSOLUTE", ["100"]),
        ("ANOMALY_TOTAL_IMPACT_PERCENTAGE", ["40"]),
    ]


def test_deploy_creates_the_root_sign_in_rule_and_its_target(deployed: Deployment) -> None:
    events = deployed.aws.client("events")
    rule = events.describe_rule(Name=f"{PREFIX}-root-sign-in")
    assert rule["State"] == "ENABLED"
    assert json.loads(rule["EventPattern"])["detail"] == {"userIdentity": {"type": ["Root"]}}
    (target,) = events.list_targets_by_rule(Rule=f"{PREFIX}-root-sign-in")["Targets"]
    assert target["Arn"] == _topic_arn(deployed)
    assert target["InputTransformer"]["InputPathsMap"]["source_ip"] == "$.detail.sourceIPAddress"


def test_deploy_creates_the_topic_policy_and_email_subscription(deployed: Deployment) -> None:
    sns = deployed.aws.client("sns")
    attributes = sns.get_topic_attributes(TopicArn=_topic_arn(deployed))["Attributes"]
    statements = {s["Sid"]: s for s in json.loads(attributes["Policy"])["Statement"]}
    # No budget on the local AWS (create_budget = false), so AWS Budgets gets no grant either.
    assert set(statements) == {"AllowEventBridgeRules", "AllowCostAnomalyDetection", "DenyInsecureTransport"}
    anomalies = statements["AllowCostAnomalyDetection"]
    assert anomalies["Condition"]["StringEquals"] == {"aws:SourceAccount": deployed.aws.account_id}
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=_topic_arn(deployed))["Subscriptions"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "secops@example.com")
    # The alarms' own notifications go to a topic only CloudWatch alarms of this account may
    # publish to, and only the account's queue reads.
    alarm_topic = _topic_arn(deployed, "alarm-actions")
    attributes = sns.get_topic_attributes(TopicArn=alarm_topic)["Attributes"]
    statements = {s["Sid"]: s for s in json.loads(attributes["Policy"])["Statement"]}
    assert set(statements) == {"AllowCloudWatchAlarms", "DenyInsecureTransport"}
    assert statements["AllowCloudWatchAlarms"]["Condition"]["StringEquals"] == {
        "aws:SourceAccount": deployed.aws.account_id
    }
    (kept,) = sns.list_subscriptions_by_topic(TopicArn=alarm_topic)["Subscriptions"]
    queue_arn = f"arn:aws:sqs:us-east-1:{deployed.aws.account_id}:{PREFIX}-alarm-actions"
    assert (kept["Protocol"], kept["Endpoint"]) == ("sqs", queue_arn)
    assert kept["SubscriptionArn"].startswith(alarm_topic)  # confirmed: Security Hub CloudWatch.1-14


def test_each_log_alarms_message_links_to_its_own_filter(deployed: Deployment) -> None:
    # The deployed target's template, fed the documented event: its link, parsed back, searches
    # the deployed log group with the deployed filter's pattern (the real account id inside).
    events, logs = deployed.aws.client("events"), deployed.aws.client("logs")
    group = f"/aws/cloudtrail/{PREFIX}-organization-trail"
    filters = {
        f["filterName"]: f["filterPattern"] for f in logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    }
    assert filters
    for name, pattern in filters.items():
        (target,) = events.list_targets_by_rule(Rule=name)["Targets"]
        assert target["Arn"] == _topic_arn(deployed)
        event = alarm_event(deployed.aws.account_id, "us-east-1", name, state="ALARM", reason="r", time="t")
        transformer = target["InputTransformer"]
        link = console_link(transformed(transformer["InputTemplate"], transformer["InputPathsMap"], event))
        assert (link["region"], link["log_group"], link["pattern"]) == ("us-east-1", group, pattern)


def test_an_alarm_reaches_a_subscriber_once_as_the_readable_message(deployed: Deployment) -> None:
    # What the local AWS delivers: the alarm's state change event (tests/moto_tls_server.py adds
    # it, as CloudWatch documents it) through the message rule to the topic, and on to an SQS
    # subscriber. It cannot show the email an SNS email subscription would send.
    aws, alarm = deployed.aws, f"{PREFIX}-access-denied"
    sqs = aws.client("sqs")
    queue_url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription = aws.client("sns").subscribe(TopicArn=_topic_arn(deployed), Protocol="sqs", Endpoint=queue_arn)
    cloudwatch = aws.client("cloudwatch")
    try:
        cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="Threshold Crossed: e2e")
        cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="back")
        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=2)
        (message,) = [json.loads(m["Body"])["Message"] for m in received.get("Messages", [])]
    finally:
        aws.client("sns").unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
        sqs.delete_queue(QueueUrl=queue_url)
    lines = message_lines(message)
    assert lines[0] == f"[{ACCESS_DENIED.severity}] access-denied: {ACCESS_DENIED.description}"
    assert lines[1].startswith(f"Account {aws.account_id}, region us-east-1, at 20")
    assert lines[1].endswith(f": alarm {alarm} is ALARM.")
    assert lines[2] == "Why: Threshold Crossed: e2e"
    assert console_link(message)["pattern"] == ACCESS_DENIED.scoped_pattern(aws.account_id)


def test_budget_is_left_out_only_by_the_switch(deployed: Deployment) -> None:
    # Every resource the same config synthesizes with a budget is in the state, but the budget.
    (with_budget, _) = app_documents(deployed.config.model_copy(update={"create_budget": True}))
    expected = {
        f"{kind}.{name}"
        for kind, resources in with_budget["resource"].items()
        for name in resources
        if kind != "aws_budgets_budget"
    }
    managed = {address.split("[")[0] for address in deployed.baseline_state() if not address.startswith("data.")}
    assert managed == expected


def test_state_lives_in_the_state_bucket(deployed: Deployment) -> None:
    s3 = deployed.aws.client("s3")
    state = json.loads(s3.get_object(Bucket=deployed.config.state_bucket, Key=deployed.config.state.key)["Body"].read())
    types = {resource["type"] for resource in state["resources"]}
    assert {"aws_cloudtrail", "aws_sns_topic", "aws_cloudwatch_log_metric_filter"} <= types
    assert not (deployed.baseline_dir / "terraform.tfstate").exists()
    bootstrap = json.loads((deployed.workdir / "bootstrap.tfstate").read_text())
    assert {resource["type"] for resource in bootstrap["resources"]} >= {"aws_s3_bucket"}


def test_a_second_cdktf_deploy_changes_nothing(deployed: Deployment) -> None:
    output = deployed.deploy(BOOTSTRAP_STACK, BASELINE_STACK)
    for stack in (BOOTSTRAP_STACK, BASELINE_STACK):
        assert re.search(rf"^{re.escape(stack)}\s+No changes\.", output, re.MULTILINE), output


def test_the_ci_plan_of_the_synthesized_json_shows_no_changes(deployed: Deployment) -> None:
    # Plain terraform, as .github/workflows/plan.yml runs it on the baseline.
    result = run_terraform(
        "plan", "-input=false", "-lock=false", "-detailed-exitcode", cwd=deployed.baseline_dir, env=deployed.env
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_second_apply_waits_for_the_lock_of_the_first(deployed: Deployment) -> None:
    s3 = deployed.aws.client("s3")
    bucket, key = deployed.config.state_bucket, deployed.config.state.key
    before = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    target = 'aws_cloudwatch_event_target.this["root-sign-in"]'
    assert target in deployed.baseline_state()
    # An apply with a change and without -auto-approve holds the lock while it waits for
    # its answer; answering "no" cancels it.
    first = subprocess.Popen(
        ["terraform", "apply", "-no-color", "-refresh=false", f"-replace={target}"],
        cwd=deployed.baseline_dir,
        env=deployed.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _object_exists(s3, bucket, f"{key}.tflock"):
            assert first.poll() is None, first.stdout.read() if first.stdout else ""
            assert time.monotonic() < deadline, "the first apply never took the lock"
            time.sleep(0.5)
        second = run_terraform(
            "apply", "-auto-approve", "-input=false", "-lock-timeout=2s", cwd=deployed.baseline_dir, env=deployed.env
        )
        assert second.returncode == 1
        assert "Error acquiring the state lock" in second.stderr
    finally:
        output, _ = first.communicate("no\n", timeout=120)
    assert "Apply cancelled" in output
    assert not _object_exists(s3, bucket, f"{key}.tflock")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == before


def _object_exists(s3: Any, bucket: str, key: str) -> bool:
    """The object is there; only S3's not-found answer means it is not (a wrong endpoint or bad
    credentials raise, instead of passing ``assert not _object_exists(...)``)."""
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True
