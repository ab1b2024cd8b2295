"""Configs the suite synthesizes more than once: every switch on, every switch off, an existing trail."""

from __future__ import annotations

from app.config import BaselineConfig

#: Every switch away from its default: CIS pack, Object Lock, overrides, the organization's billing alarm, the CI
#: roles (KMS, access logging and anomaly alerts are on by default).
EVERY_OPTION = BaselineConfig.model_validate(
    {
        "alert_emails": ["secops@example.com"],
        "detections": {"cis_pack": "exact", "overrides": {"access-denied": {"threshold": 3}}},
        "log_bucket": {"object_lock_mode": "COMPLIANCE", "access_logging": True},
        "billing": {"organization_limit_usd": 5000},
        "trail": {"cloudwatch_logs_scope": "management-account"},
        "ci": {"github_repository": "acme/org-baseline", "apply_environment": "management-account"},
    }
)
#: Every switch that removes resources off: no KMS key, no access-log bucket, no budget, no anomaly alerts.
MINIMAL = BaselineConfig.model_validate(
    {
        "kms_encryption": False,
        "create_budget": False,
        "log_bucket": {"access_logging": False},
        "billing": {"anomaly_monitor": "off"},
    }
)
#: AWS Control Tower's organization trail and log group (what an existing landing zone has).
CONTROL_TOWER_GROUP = "aws-controltower/CloudTrailLogs"
CONTROL_TOWER_TRAIL = "arn:aws:cloudtrail:us-east-1:111122223333:trail/aws-controltower-BaselineCloudTrail"
#: The baseline on an existing organization trail: no trail, bucket, log group or role of its own.
EXISTING_TRAIL = BaselineConfig.model_validate(
    {"trail": {"mode": "existing", "log_group_name": CONTROL_TOWER_GROUP, "trail_arn": CONTROL_TOWER_TRAIL}}
)
