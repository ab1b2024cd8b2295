"""Stacks and the app: where the provider is configured (never inside a construct)."""

from __future__ import annotations

from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from constructs_lib.baseline import ManagementAccountBaseline, ManagementAccountBaselineProps
from constructs_lib.config import BaselineConfig

#: Name of the baseline stack (its folder under ``cdktf.out/stacks``).
BASELINE_STACK = "management-account-baseline"


class BaselineStack(TerraformStack):
    """The baseline with an AWS provider pinned to the configured (home) region."""

    def __init__(self, scope: Construct, id_: str, *, config: BaselineConfig) -> None:
        super().__init__(scope, id_)
        AwsProvider(
            self,
            "aws",
            region=config.region,
            default_tags=[AwsProviderDefaultTags(tags=dict(config.tags))] if config.tags else None,
        )
        self.baseline = ManagementAccountBaseline(self, "baseline", props=ManagementAccountBaselineProps(config=config))


def build_app(config: BaselineConfig, *, outdir: str | None = None) -> App:
    """Build (not synthesize) the app holding every stack of the project."""
    app = App(outdir=outdir) if outdir else App()
    BaselineStack(app, BASELINE_STACK, config=config)
    return app
