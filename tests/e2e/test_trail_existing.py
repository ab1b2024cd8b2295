"""``trail.mode = "existing"`` on the local AWS, in an organization that already has a trail.

AWS Control Tower's organization trail and log group are made first
(:mod:`tests.e2e.landing_zone`); the baseline deployed on them builds no trail of its own, a
second plan changes nothing, and ``verify`` passes every item after the manual steps, the
existing trail checked.
"""

from __future__ import annotations

import pytest

from tests.configs import CONTROL_TOWER_GROUP
from tests.e2e.deploy import Deployment, apply_with_terraform
from tests.e2e.landing_zone import CONTROL_TOWER_TRAIL, make_landing_zone, metric_filters, second_plan_changes_nothing
from tests.e2e.operator import deliver_trail_event, failures, ops, statuses
from tests.local_aws import LocalAws


@pytest.fixture(scope="module")
def landing_zone(local_aws: LocalAws) -> str:
    """AWS Control Tower's organization trail and log group, made first; the trail's ARN."""
    return make_landing_zone(local_aws)


@pytest.fixture(scope="module")
def on_existing(local_aws: LocalAws, landing_zone: str, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return apply_with_terraform(
        local_aws,
        tmp_path_factory.mktemp("existing"),
        name_prefix="on-existing",
        trail={"mode": "existing", "log_group_name": CONTROL_TOWER_GROUP, "trail_arn": landing_zone},
    )


def test_an_existing_trail_gets_no_second_trail_bucket_log_group_or_role(on_existing: Deployment) -> None:
    kinds = {address.split(".")[0] for address in on_existing.baseline_state()}
    assert kinds.isdisjoint({"aws_cloudtrail", "aws_cloudwatch_log_group", "aws_iam_role", "aws_s3_bucket"})
    trails = on_existing.aws.client("cloudtrail").describe_trails()["trailList"]
    assert [trail["Name"] for trail in trails] == [CONTROL_TOWER_TRAIL]


def test_the_detections_read_the_existing_log_group(on_existing: Deployment) -> None:
    filters = metric_filters(on_existing.aws, CONTROL_TOWER_GROUP)
    assert {"on-existing-console-sign-in", "on-existing-access-denied"} <= set(filters)
    account = on_existing.aws.account_id
    assert all(f'$.recipientAccountId = "{account}"' in pattern for pattern in filters.values())


def test_a_second_plan_on_the_existing_trail_changes_nothing(on_existing: Deployment) -> None:
    second_plan_changes_nothing(on_existing)


def test_verify_on_the_existing_trail_passes_every_item(on_existing: Deployment) -> None:
    deliver_trail_event(on_existing.aws, CONTROL_TOWER_GROUP)
    code, report = ops(on_existing.aws, "verify", "--config", str(on_existing.config_file))
    assert failures(report) == {}
    assert code == 0
    items = statuses(report)
    assert items["existing trail"] == "pass"
    assert items["existing trail delivery to CloudWatch Logs"] == "pass"
    assert "trail" not in items  # no trail of its own to check
    assert not [item for item in items if item.startswith("other trails")]
