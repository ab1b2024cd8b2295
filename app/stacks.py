"""Stacks and the app: where providers and backends are configured (never inside a construct)."""

from __future__ import annotations

import os
from pathlib import Path

from cdktf import App, LocalBackend, S3Backend, S3BackendEndpointConfig, TerraformOutput, TerraformStack, Token
from cdktf_cdktf_provider_aws.data_aws_kms_alias import DataAwsKmsAlias
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags, AwsProviderEndpoints
from constructs import Construct

from app.config import BaselineConfig, module_inputs
from app.moves import add_moved_blocks
from constructs_lib.addresses import address, check_addresses, plain_addresses
from constructs_lib.baseline import BillingProps, ManagementAccountBaseline, ManagementAccountBaselineProps, TrailProps
from constructs_lib.ci_identity import CiIdentity, CiIdentityProps
from constructs_lib.hardened_bucket import BucketLifecycle, HardenedBucket, HardenedBucketProps
from constructs_lib.organization_trail import LogBucketProps

#: Name of the baseline stack (its folder under ``cdktf.out/stacks``).
BASELINE_STACK = "management-account-baseline"
#: Name of the stack that creates the state bucket, applied once before the baseline.
BOOTSTRAP_STACK = "state-bootstrap"

#: The oldest Terraform the stacks and the module accept: S3-native state locking
#: (``use_lockfile``) became generally available in 1.11.
TERRAFORM_VERSION = ">= 1.11"
#: Days an old version of the Terraform state stays in the state bucket.
STATE_HISTORY_DAYS = 365
#: Services the stacks call; with ``local_aws_endpoint`` each is sent to the local AWS.
LOCAL_AWS_SERVICES = (
    "budgets",
    "ce",
    "cloudtrail",
    "cloudwatch",
    "events",
    "iam",
    "kms",
    "logs",
    "organizations",
    "s3",
    "sns",
    "sqs",
    "sts",
)


def add_aws_provider(stack: TerraformStack, config: BaselineConfig) -> AwsProvider:
    """The AWS provider in the home region, tagging everything; local-AWS settings only if asked."""
    endpoint = config.local_aws_endpoint
    return AwsProvider(
        stack,
        "aws",
        region=config.region,
        default_tags=[AwsProviderDefaultTags(tags=dict(config.tags))] if config.tags else None,
        endpoints=[AwsProviderEndpoints(**dict.fromkeys(LOCAL_AWS_SERVICES, endpoint))] if endpoint else None,
        s3_use_path_style=True if endpoint else None,
        skip_credentials_validation=True if endpoint else None,
        skip_metadata_api_check="true" if endpoint else None,
    )


def baseline_props(config: BaselineConfig) -> ManagementAccountBaselineProps:
    """The construct's props of a validated config: the one place the config meets the constructs."""
    values = {name: getattr(config, name) for name in module_inputs()}
    values["log_bucket"] = LogBucketProps(**config.log_bucket.model_dump())
    trail = config.trail
    values["trail"] = TrailProps(
        create=trail.mode == "create",
        cloudwatch_logs_scope=trail.cloudwatch_logs_scope,
        existing_log_group_name=trail.log_group_name or "",
        existing_trail_arn=trail.trail_arn,
    )
    billing = config.billing
    values["billing"] = BillingProps(
        management_account_limit_usd=billing.management_account_limit_usd,
        organization_alarm=billing.organization_limit_usd is not None,
        organization_limit_usd=billing.organization_limit_usd or 0,
        anomaly_monitor=billing.anomaly_monitor,
        anomaly_threshold_usd=billing.anomaly_threshold_usd or 0,
        anomaly_threshold_percent=billing.anomaly_threshold_percent or 0,
    )
    return ManagementAccountBaselineProps(**values)


def require_terraform(stack: TerraformStack) -> None:
    """Refuse, at ``terraform init``, a Terraform older than :data:`TERRAFORM_VERSION`."""
    stack.add_override("terraform.required_version", TERRAFORM_VERSION)


def add_outputs(stack: TerraformStack, baseline: ManagementAccountBaseline) -> None:
    """The baseline's outputs as outputs of ``stack``, under their stable names."""
    for name, output in baseline.outputs().items():
        value = Token.null_value() if output.value is None else output.value
        TerraformOutput(stack, name, value=value, description=output.description)


def add_s3_backend(stack: TerraformStack, config: BaselineConfig, key: str) -> None:
    """Keep ``stack``'s state in the state bucket under ``key``: encrypted, locked by S3 itself."""
    endpoint = config.local_aws_endpoint
    S3Backend(
        stack,
        bucket=config.state_bucket,
        key=key,
        region=config.region,
        encrypt=True,
        endpoints=S3BackendEndpointConfig(s3=endpoint, sts=endpoint) if endpoint else None,
        use_path_style=True if endpoint else None,
        skip_credentials_validation=True if endpoint else None,
        skip_requesting_account_id=True if endpoint else None,
        skip_metadata_api_check=True if endpoint else None,
    )
    # Terraform 1.10+ locks S3 state with a conditional write of "<key>.tflock";
    # cdktf 0.21's S3Backend predates the setting, so it is set on the JSON directly.
    stack.add_override("terraform.backend.s3.use_lockfile", True)


def stack_folder(outdir: str | Path, stack: str) -> Path:
    """Where a stack's synthesized JSON lands, and where terraform runs for it."""
    return Path(outdir).absolute() / "stacks" / stack


class StateBootstrapStack(TerraformStack):
    """Creates the bucket that holds the baseline's Terraform state.

    The chicken-and-egg step of a new management account: the first apply keeps this
    stack's own state in a local file (``state.bootstrap_state_path``), written relative to the
    stack's folder so that the synthesized JSON holds no path of the machine that made it.
    Once the bucket exists, ``state.bootstrap_backend = "s3"`` keeps this state in the bucket
    too (``state.bootstrap_key``), where a second operator or CI finds it. Locking uses S3
    conditional writes (``use_lockfile``), so no lock table is needed.
    """

    def __init__(self, scope: Construct, id_: str, *, config: BaselineConfig, folder: Path | None = None) -> None:
        super().__init__(scope, id_)
        folder = folder or stack_folder(App.of(self).outdir, id_)
        plain_addresses(
            self,
            {
                "state": "state",
                "ci/caller": "ci_caller",
                "ci/partition": "ci_partition",
                "ci/provider": "github",
                "ci/plan-trust": "ci_plan_trust",
                "ci/plan-role": "ci_plan",
                "ci/plan-permissions": "ci_plan_permissions",
                "ci/plan-policy": "ci_plan",
                "ci/apply-trust": "ci_apply_trust",
                "ci/apply-role": "ci_apply",
                "ci/apply-permissions": "ci_apply_permissions",
                "ci/apply-policy": "ci_apply",
            },
        )
        state = config.state
        if state.bootstrap_backend == "s3":
            add_s3_backend(self, config, state.bootstrap_key)
        else:
            LocalBackend(self, path=os.path.relpath(Path(state.bootstrap_state_path).absolute(), folder))
        require_terraform(self)
        add_aws_provider(self, config)
        self.state_bucket = HardenedBucket(
            self,
            "state",
            props=HardenedBucketProps(
                bucket_name=config.state_bucket,
                prevent_destroy=True,
                # Every apply writes a new state version: keep a year of history, not all of it.
                lifecycle=BucketLifecycle(noncurrent_version_expiration_days=STATE_HISTORY_DAYS),
            ),
        )
        if config.ci is not None:
            identity = CiIdentity(self, "ci", props=ci_props(config))
            for name, value, description in (
                ("ci_plan_role_arn", identity.plan_role.arn, "PLAN_ROLE_ARN of the plan workflow."),
                ("ci_apply_role_arn", identity.apply_role.arn, "APPLY_ROLE_ARN of the apply workflow."),
                ("ci_oidc_provider_arn", identity.provider_arn, "The GitHub Actions OIDC provider the roles trust."),
            ):
                TerraformOutput(self, name, value=value, description=description)
        check_addresses(self)
        add_moved_blocks(self)


def ci_props(config: BaselineConfig) -> CiIdentityProps:
    """The CI identity's props of a config with ``[ci]``: the repository, and the baseline it may touch."""
    ci = config.ci
    if ci is None:
        raise ValueError("the config has no [ci] section")
    return CiIdentityProps(
        github_repository=ci.github_repository,
        default_branch=ci.default_branch,
        apply_environment=ci.apply_environment,
        create_oidc_provider=ci.oidc_provider == "create",
        max_session_hours=ci.max_session_hours,
        name_prefix=config.name_prefix,
        state_bucket=config.state_bucket,
        state_key=config.state.key,
        own_trail=config.trail.mode == "create",
        detection_log_group=config.detection_log_group,
        region=config.region,
    )


class BaselineStack(TerraformStack):
    """The baseline, with its state in the S3 bucket made by :class:`StateBootstrapStack`."""

    def __init__(self, scope: Construct, id_: str, *, config: BaselineConfig) -> None:
        super().__init__(scope, id_)
        add_s3_backend(self, config, config.state.key)
        require_terraform(self)
        add_aws_provider(self, config)
        self.baseline = ManagementAccountBaseline(self, "baseline", props=baseline_props(config))
        add_outputs(self, self.baseline)
        add_moved_blocks(self)
        if config.adopt_log_data:
            self._adopt(self.baseline)

    def _adopt(self, baseline: ManagementAccountBaseline) -> None:
        """An ``import`` block for each kept resource: the key found by its alias, the rest by name."""
        key_id = ""
        if baseline.key is not None:
            alias = DataAwsKmsAlias(self, "kept_key", name=baseline.key.alias_name)
            alias.override_logical_id("kept_key")
            key_id = alias.target_key_id
        for kept in baseline.kept_resources(key_id):
            kept.resource.import_from(kept.import_id)


class BaselineRemovalStack(TerraformStack):
    """The baseline stack of a config that removes the baseline but keeps its log data
    (``remove_keeping_log_data``): no resources, and a ``removed`` block (``destroy = false``)
    for each kept one, so the plan destroys the rest and leaves the log data where it is."""

    def __init__(self, scope: Construct, id_: str, *, config: BaselineConfig) -> None:
        super().__init__(scope, id_)
        add_s3_backend(self, config, config.state.key)
        require_terraform(self)
        add_aws_provider(self, config)
        forgotten = [{"from": where, "lifecycle": {"destroy": False}} for where in kept_addresses(config)]
        self.add_override("removed", forgotten)


def kept_addresses(config: BaselineConfig) -> list[str]:
    """The addresses of what a removal keeps, for ``config``: its baseline built aside, never synthesized."""
    scratch = TerraformStack(App(), "kept")
    AwsProvider(scratch, "aws")
    baseline = ManagementAccountBaseline(scratch, "baseline", props=baseline_props(config))
    return [address(kept.resource) for kept in baseline.kept_resources("")]


def build_app(config: BaselineConfig, *, outdir: str | None = None, final_outdir: str | Path | None = None) -> App:
    """Build (not synthesize) the app holding every stack of the project.

    ``final_outdir`` is where the output will end up when it is written elsewhere first (a
    synth into a staging folder): paths inside the stacks are relative to their final folder.
    """
    app = App(outdir=outdir) if outdir else App()
    final = final_outdir or outdir or app.outdir
    StateBootstrapStack(app, BOOTSTRAP_STACK, config=config, folder=stack_folder(final, BOOTSTRAP_STACK))
    baseline = BaselineRemovalStack if config.remove_keeping_log_data else BaselineStack
    baseline(app, BASELINE_STACK, config=config)
    return app
