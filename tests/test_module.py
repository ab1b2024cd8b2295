"""The module flavour: what a plain-Terraform caller gets, and that it stays generated."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from app.config import BaselineConfig, app_only_fields, cross_field_validations, module_inputs, renamed_fields
from app.rules import hcl_validations
from constructs_lib.baseline import ManagementAccountBaselineProps
from constructs_lib.detections import LOG_DETECTION_NAMES
from tools import module
from tools.module import MODULE_PATH, REPO_ROOT, render_module, stale_files

#: The module's outputs are an interface: renaming one breaks every caller.
STABLE_OUTPUTS = {
    "alert_topic_arn",
    "alarm_actions_topic_arn",
    "organization_trail_arn",
    "log_bucket_name",
    "log_group_name",
    "log_group_arn",
    "root_sign_in_rule_arn",
    "alarm_arns",
    "kms_key_arn",
    "anomaly_monitor_arn",
}


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return render_module()


@pytest.fixture(scope="module")
def document(files: dict[str, str]) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(files["main.tf.json"])
    return parsed


def test_committed_module_is_what_the_constructs_synthesize(files: dict[str, str]) -> None:
    stale = stale_files(REPO_ROOT / MODULE_PATH, files)
    assert not stale, f"{MODULE_PATH} is out of date ({', '.join(stale)}): regenerate it with ./run generate"


def test_check_names_the_stale_file_and_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert module.main(["--directory", str(tmp_path / "m")]) == 0
    assert module.main(["--check", "--directory", str(tmp_path / "m")]) == 0
    (tmp_path / "m" / "README.md").write_text("edited by hand\n")
    capsys.readouterr()

    assert module.main(["--check", "--directory", str(tmp_path / "m")]) == 1
    error = capsys.readouterr().err.strip()
    assert "\n" not in error
    assert "out of date (README.md)" in error
    assert "./run generate" in error


def _keys_named(key: str, node: Any) -> list[Any]:
    if isinstance(node, dict):
        here = [node[key]] if key in node else []
        return here + [found for value in node.values() for found in _keys_named(key, value)]
    if isinstance(node, list):
        return [found for value in node for found in _keys_named(key, value)]
    return []


def test_module_has_no_provider_and_no_backend(document: dict[str, Any]) -> None:
    assert "provider" not in document
    assert "backend" not in document["terraform"]
    assert not _keys_named("//", document)  # no cdktf metadata


def test_module_requires_the_tested_aws_provider_and_not_the_next_major(document: dict[str, Any]) -> None:
    # 5.100.0 is the version the bindings are for; 6.x is not validated (the module README says why).
    required = document["terraform"]["required_providers"]
    assert required == {"aws": {"source": "hashicorp/aws", "version": ">= 5.100.0, < 6.0.0"}}


def test_module_requires_terraform_with_generally_available_s3_locking(document: dict[str, Any]) -> None:
    assert document["terraform"]["required_version"] == ">= 1.11"


def test_variables_are_the_config_fields_marked_as_module_inputs(document: dict[str, Any]) -> None:
    defaults = BaselineConfig().model_dump(mode="json")
    variables = document["variable"]
    assert set(variables) == set(module_inputs()) | set(renamed_fields())
    for name, (field, _marker) in module_inputs().items():
        assert variables[name]["description"] == field.description
        assert variables[name]["default"] == defaults[name]
        assert variables[name]["nullable"] is False
        rules = [
            *hcl_validations(name, field.annotation, list(field.metadata), f"var.{name}"),
            *cross_field_validations().get(name, []),
        ]
        assert [v["error_message"] for v in variables[name].get("validation", [])] == [m for _, m in rules]


@pytest.mark.parametrize(
    ("name", "terraform_type"),
    [
        ("name_prefix", "string"),
        ("budget_limit_usd", "number"),
        ("alert_emails", "list(string)"),
        ("log_retention_days", "number"),
        ("protect_log_data", "bool"),
        ("create_budget", "bool"),
        ("kms_encryption", "bool"),
    ],
)
def test_variable_types_follow_the_config_types(document: dict[str, Any], name: str, terraform_type: str) -> None:
    assert document["variable"][name]["type"] == terraform_type


def test_a_renamed_input_is_refused_by_the_module_naming_its_new_name(document: dict[str, Any]) -> None:
    for name, new_name in renamed_fields().items():
        variable = document["variable"][name]
        assert (variable["default"], variable["nullable"]) == (None, True)  # optional: a caller may not set it
        (validation,) = variable["validation"]
        assert validation["condition"] == f"${{var.{name} == null}}"
        assert validation["error_message"] == f"{name} was renamed {new_name}: set that input instead."


def test_every_config_field_is_a_module_input_or_left_to_the_caller_with_a_reason() -> None:
    inputs, left_out, renamed = set(module_inputs()), app_only_fields(), set(renamed_fields())
    assert inputs.isdisjoint(left_out)
    assert not renamed & (inputs | set(left_out))
    assert inputs | set(left_out) | renamed == set(BaselineConfig.model_fields)
    assert all(len(reason) > 20 for reason in left_out.values())


def test_baseline_props_are_exactly_the_module_inputs() -> None:
    assert [f.name for f in dataclasses.fields(ManagementAccountBaselineProps)] == list(module_inputs())


def test_variables_drive_the_resources(document: dict[str, Any]) -> None:
    resources = document["resource"]
    trail = resources["aws_cloudtrail"]["organization_trail"]
    (log_group,) = resources["aws_cloudwatch_log_group"].values()
    bucket = resources["aws_s3_bucket"]["trail_logs"]
    (budget,) = resources["aws_budgets_budget"].values()
    assert trail["name"] == "${var.name_prefix}-organization-trail"
    # The trail and what it writes to exist with trail.mode create; the account's own trail with
    # the management-account scope.
    assert trail["count"] == log_group["count"] == bucket["count"] == '${(var.trail.mode == "create") ? 1 : 0}'
    assert resources["aws_cloudtrail"]["management_account_trail"]["count"] == (
        '${((var.trail.mode == "create") && (var.trail.cloudwatch_logs_scope == "management-account")) ? 1 : 0}'
    )
    # The detections read the log group the trail setting names.
    (metric_filter,) = resources["aws_cloudwatch_log_metric_filter"].values()
    assert metric_filter["log_group_name"] == (
        '${(var.trail.mode == "create") ? local.log_group_name : '
        '(var.trail.log_group_name == null) ? "" : var.trail.log_group_name}'
    )
    assert document["locals"]["log_group_name"] == "${one(aws_cloudwatch_log_group.organization_trail[*].name)}"
    assert log_group["retention_in_days"] == "${var.log_retention_days}"
    assert log_group["skip_destroy"] == "${var.protect_log_data}"
    assert bucket["force_destroy"] == "${!var.protect_log_data}"
    # Terraform cannot take prevent_destroy from a variable: the guards of log_data_protection protect instead.
    assert bucket["lifecycle"] == {"prevent_destroy": False, "ignore_changes": ["object_lock_enabled"]}
    assert budget["count"] == "${var.create_budget ? 1 : 0}"
    assert budget["limit_amount"] == '${format("%.2f", var.billing.management_account_limit_usd)}'
    assert budget["cost_filter"] == [
        {"name": "LinkedAccount", "values": ["${data.aws_caller_identity.current.account_id}"]}
    ]
    assert resources["aws_sns_topic_subscription"]["alerts"]["for_each"] == "${toset(var.alert_emails)}"


def test_outputs_keep_their_stable_names_and_say_what_they_are(document: dict[str, Any]) -> None:
    assert set(document["output"]) == STABLE_OUTPUTS | {"operator_config"}
    assert all(output["description"] for output in document["output"].values())
    # Every alarm the for_each builds (switched-off detections are not), and the billing alarm.
    assert document["output"]["alarm_arns"]["value"] == (
        "${merge({ for name, alarm in aws_cloudwatch_metric_alarm.this : name => alarm.arn }, "
        '{ for alarm in aws_cloudwatch_metric_alarm.estimated_charges : "estimated-charges" => alarm.arn })}'
    )
    assert document["output"]["root_sign_in_rule_arn"]["value"] == (
        '${try(aws_cloudwatch_event_rule.this["root-sign-in"].arn, null)}'
    )


def test_switches_become_counts_and_detections_a_filtered_for_each(document: dict[str, Any]) -> None:
    resources = document["resource"]
    assert resources["aws_kms_key"]["this"]["count"] == "${var.kms_encryption ? 1 : 0}"
    assert resources["aws_s3_bucket"]["access_logs"]["count"] == (
        '${((var.trail.mode == "create") && var.log_bucket.access_logging) ? 1 : 0}'
    )
    # Every detection is an entry of a local, with its switch; the resources take those switched on.
    log_detections = document["locals"]["log_detections"]
    assert set(log_detections) == set(LOG_DETECTION_NAMES)
    cis = log_detections["cis-root-usage"]["enabled"]
    assert "var.detections.cis_pack" in cis
    assert "var.detections.disabled" in cis
    on = "${{ for name, entry in local.log_detections : name => entry if entry.enabled }}"
    assert resources["aws_cloudwatch_log_metric_filter"]["this"]["for_each"] == on
    assert resources["aws_cloudwatch_metric_alarm"]["this"]["for_each"] == on
    assert list(document["locals"]["event_detections"]) == ["root-sign-in"]


def test_module_refuses_a_provider_for_another_region(document: dict[str, Any]) -> None:
    (region,) = document["data"]["aws_region"].values()
    (check,) = region["lifecycle"]["postcondition"]
    assert check["condition"] == '${self.name == "us-east-1"}'
    assert "us-east-1" in check["error_message"]


def test_readme_lists_every_input_and_output_and_what_is_left_out(
    files: dict[str, str], document: dict[str, Any]
) -> None:
    readme = files["README.md"]
    for name in [*document["variable"], *document["output"], *app_only_fields()]:
        assert f"| `{name}` |" in readme
    assert "./run generate" in readme


def test_the_operator_config_output_holds_every_input_under_the_app_config_s_name(document: dict[str, Any]) -> None:
    # ./run verify --config baseline.json reads it as the app's config: every module input, same name.
    value = document["output"]["operator_config"]["value"]
    assert value.startswith("${jsonencode({")
    assert value.endswith("})}")
    pairs = value.removeprefix("${jsonencode({").removesuffix("})}").split(", ")
    assert dict(pair.split(" = ") for pair in pairs) == {name: f"var.{name}" for name in module_inputs()}
