"""``trail.cloudwatch_logs_scope = "management-account"`` on the local AWS, next to another trail.

AWS Control Tower's organization trail is made first (:mod:`tests.e2e.landing_zone`). The
baseline's organization trail then keeps only the S3 archive, the management account's own
trail feeds the log group (read back), a second plan changes nothing, and ``verify`` warns of
the Control Tower trail as a paid copy, with its figure at the ``[cost]`` volumes.
"""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.names import BaselineNames
from tests.e2e.deploy import Deployment, apply_with_terraform
from tests.e2e.landing_zone import CONTROL_TOWER_TRAIL, make_landing_zone, metric_filters, second_plan_changes_nothing
from tests.e2e.operator import deliver_trail_event, failures, ops, statuses
from tests.local_aws import LocalAws

#: The [cost] volumes of the deployment: the duplicate's figure comes from them.
ACCOUNTS, EVENTS_PER_ACCOUNT = 10, 20000


@pytest.fixture(scope="module")
def landing_zone(local_aws: LocalAws) -> str:
    """AWS Control Tower's organization trail and log group, made first; the trail's ARN."""
    return make_landing_zone(local_aws)


@pytest.fixture(scope="module")
def account_scope(local_aws: LocalAws, landing_zone: str, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    del landing_zone  # made first: the trail verify must warn of
    return apply_with_terraform(
        local_aws,
        tmp_path_factory.mktemp("account-scope"),
        name_prefix="account-scope",
        trail={"cloudwatch_logs_scope": "management-account"},
        cost={"accounts": ACCOUNTS, "events_per_account": EVENTS_PER_ACCOUNT},
    )


def _trail(aws: LocalAws, name: str) -> dict[str, Any]:
    (trail,) = aws.client("cloudtrail").describe_trails(trailNameList=[name])["trailList"]
    found: dict[str, Any] = trail
    return found


def test_the_management_account_scope_feeds_the_log_group_from_the_account_s_own_trail(
    account_scope: Deployment,
) -> None:
    aws, names = account_scope.aws, BaselineNames("account-scope")
    organization, own = _trail(aws, names.trail), _trail(aws, names.management_account_trail)
    assert organization["IsOrganizationTrail"] is True
    assert "CloudWatchLogsLogGroupArn" not in organization  # the S3 archive only
    assert (own["IsOrganizationTrail"], own["IsMultiRegionTrail"]) == (False, True)
    assert own["CloudWatchLogsLogGroupArn"].split(":")[6] == names.log_group
    assert own["S3BucketName"] == organization["S3BucketName"]
    assert {"account-scope-console-sign-in", "account-scope-access-denied"} <= set(metric_filters(aws, names.log_group))


def test_a_second_plan_of_the_management_account_scope_changes_nothing(account_scope: Deployment) -> None:
    second_plan_changes_nothing(account_scope)


def test_verify_warns_of_the_other_organization_trail_as_a_paid_copy(account_scope: Deployment) -> None:
    deliver_trail_event(account_scope.aws, BaselineNames("account-scope").log_group)
    code, report = ops(account_scope.aws, "verify", "--config", str(account_scope.config_file))
    assert failures(report) == {}
    assert code == 0  # a warning is not a failure
    items = statuses(report)
    assert items["management account trail"] == "pass"
    assert items["management account trail delivery to CloudWatch Logs"] == "pass"
    (warning,) = [result for result in report["results"] if result["status"] == "warn"]
    assert warning["item"] == f"other trails: {CONTROL_TOWER_TRAIL}"
    events = ACCOUNTS * EVENTS_PER_ACCOUNT
    assert f"({events:,} events x $2.00 per 100,000" in warning["detail"]
    assert warning["fix"].startswith("set trail.mode = existing")
