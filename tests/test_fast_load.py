"""The lazy loading of the provider bindings: what it loads, what it still finds, and that the
Terraform JSON is byte-identical to the plain, eager way (bench/reference_synth.py)."""

from __future__ import annotations

import filecmp
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import cdktf_cdktf_provider_aws
import pytest

from runtime import fast_load as _fast_load
from runtime.node import bundled_node

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(cdktf_cdktf_provider_aws.__path__[0])
TARBALL = PACKAGE_DIR / "_jsii" / "provider-aws@20.1.0.jsii.tgz"
INDEX_LINE = re.compile(r'^exports\.(\w+) = require\("\./([\w-]+)"\);$', re.MULTILINE)


def _python(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_tests_run_with_the_lazy_provider() -> None:
    assert cdktf_cdktf_provider_aws.__doc__ is not None
    assert "loaded lazily" in cdktf_cdktf_provider_aws.__doc__


def test_submodule_map_is_the_one_the_provider_index_declares() -> None:
    with tarfile.open(TARBALL) as tarball:
        member = tarball.extractfile("package/lib/index.js")
        assert member is not None
        index = member.read().decode()
    declared = [f"@cdktf/provider-aws.{name}" for name, _folder in INDEX_LINE.findall(index)]
    assert len(declared) == 2135
    lookup = _fast_load.SubmoduleMap({}, str(PACKAGE_DIR))
    found = {fqn: lookup.get(fqn) for fqn in declared}
    assert None not in found.values()
    assert len(set(found.values())) == len(declared)  # one Python module each, all different
    assert lookup.get("@cdktf/provider-aws.noSuchThing") is None
    # And the module found holds that submodule's types (a sample, imported in a subprocess).
    sample = {fqn: found[fqn] for fqn in declared[:: len(declared) // 12]}
    sample["@cdktf/provider-aws.route53DomainsRegisteredDomain"] = found[
        "@cdktf/provider-aws.route53DomainsRegisteredDomain"
    ]
    checks = "; ".join(
        f"m = importlib.import_module({module!r}); "
        f"assert any(getattr(v, '__jsii_type__', '').startswith({fqn + '.'!r}) for v in vars(m).values()), {fqn!r}"
        for fqn, module in sample.items()
    )
    assert _python(f"import runtime, importlib; runtime.install(); {checks}; print('ok')") == "ok"


def test_only_the_submodules_asked_for_are_imported() -> None:
    loaded = _python(
        "import runtime, sys; runtime.install()\n"
        "import cdktf_cdktf_provider_aws.sns_topic\n"
        "topic = cdktf_cdktf_provider_aws.s3_bucket.S3Bucket  # attribute access imports it (PEP 562)\n"
        "print(sorted(m for m in sys.modules if m.startswith('cdktf_cdktf_provider_aws.')"
        " and not m.endswith('._private')))"
    )
    assert loaded.split(", ") == [
        "['cdktf_cdktf_provider_aws._jsii'",
        "'cdktf_cdktf_provider_aws.s3_bucket'",
        "'cdktf_cdktf_provider_aws.sns_topic']",
    ]


#: jsii returns a JavaScript object of type s3Bucket.S3BucketVersioningOutputReference after
#: its Python module was taken out of sys.modules and its classes out of jsii's registry, as
#: if the app had never imported it. ``{setup}`` runs first.
UNIMPORTED_TYPE = (
    "import runtime, sys; runtime.install()\n"
    "from cdktf import App, TerraformStack\n"
    "from cdktf_cdktf_provider_aws.provider import AwsProvider\n"
    "from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket\n"
    "from jsii import _reference_map\n"
    "{setup}\n"
    "stack = TerraformStack(App(), 's')\n"
    "AwsProvider(stack, 'aws', region='us-east-1')\n"
    "bucket = S3Bucket(stack, 'b', bucket='x')\n"
    "del sys.modules['cdktf_cdktf_provider_aws.s3_bucket']\n"
    "for fqn in [f for f in _reference_map._types if f.startswith('@cdktf/provider-aws.s3Bucket.')]:\n"
    "    del _reference_map._types[fqn]\n"
    "versioning = S3Bucket.versioning.fget(bucket)\n"
    "print(type(versioning).__module__, type(versioning).__name__)"
)


def test_a_type_whose_submodule_was_never_imported_is_imported_when_jsii_returns_one() -> None:
    result = _python(UNIMPORTED_TYPE.format(setup="pass"))
    assert result == "cdktf_cdktf_provider_aws.s3_bucket S3BucketVersioningOutputReference"


def test_without_the_map_jsii_could_not_find_that_type() -> None:
    # The control for the test above: the same steps with the map emptied fail.
    code = UNIMPORTED_TYPE.format(setup="_reference_map._submodule_fqn_map = {}")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "Unknown type: @cdktf/provider-aws.s3Bucket.S3BucketVersioningOutputReference" in result.stderr


def test_node_preload_requires_a_provider_submodule_on_first_use_only(tmp_path: Path) -> None:
    lib = tmp_path / "node_modules" / "@cdktf" / "provider-aws" / "lib"
    for name in ("s3-bucket", "sns-topic"):
        (lib / name).mkdir(parents=True)
        (lib / name / "index.js").write_text(f'globalThis.loaded = [...(globalThis.loaded || []), "{name}"];\n')
    (lib / "index.js").write_text(
        '"use strict";\nexports.s3Bucket = require("./s3-bucket");\nexports.snsTopic = require("./sns-topic");\n'
    )
    script = (
        f"const index = require({str(lib / 'index.js')!r});"
        "const before = [...(globalThis.loaded || [])];"
        "index.snsTopic; index.snsTopic;"
        "console.log(JSON.stringify([before, globalThis.loaded, Object.keys(index)]));"
    )
    node = bundled_node()
    assert node is not None
    result = subprocess.run(
        [str(node), "--require", str(_fast_load.NODE_PRELOAD), "-e", script],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == '[[],["sns-topic"],["s3Bucket","snsTopic"]]'


def test_plain_load_can_be_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_fast_load.PLAIN_LOAD_ENV, "1")
    assert not _fast_load.enabled()
    monkeypatch.delenv(_fast_load.PLAIN_LOAD_ENV)
    assert _fast_load.enabled()


def _same_tree(left: Path, right: Path) -> list[str]:
    files = sorted(p.relative_to(left) for p in left.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(right) for p in right.rglob("*") if p.is_file())
    return [str(f) for f in files if not filecmp.cmp(left / f, right / f, shallow=False)]


def test_accelerated_synth_is_byte_identical_to_the_plain_one(tmp_path: Path) -> None:
    every_option = ROOT / "bench" / "all-options.toml"
    jobs = {"default": None, "every-option": every_option}
    reference = [f"{tmp_path / 'plain' / name}={config or ''}" for name, config in jobs.items()]
    subprocess.run([sys.executable, "bench/reference_synth.py", *reference], cwd=ROOT, check=True, capture_output=True)
    for name, config in jobs.items():
        command = [sys.executable, "main.py", "--outdir", str(tmp_path / "fast" / name)]
        subprocess.run([*command, *(["--config", str(config)] if config else [])], cwd=ROOT, check=True)
        stacks = tmp_path / "fast" / name / "stacks"
        assert len(list(stacks.glob("*/cdk.tf.json"))) == 2
        assert _same_tree(tmp_path / "plain" / name / "stacks", stacks) == []


def test_the_test_session_runs_jsii_on_the_venv_node_with_the_preload() -> None:
    # tests/__init__.py calls runtime.install() before anything starts jsii's Node.js process.
    assert os.environ["JSII_NODE"] == str(bundled_node())
    assert str(_fast_load.NODE_PRELOAD) in os.environ["NODE_OPTIONS"]
    from jsii._runtime import kernel  # the kernel of this process, started by the suite

    node_process = kernel.provider._process._process  # type: ignore[attr-defined]
    command = Path(f"/proc/{node_process.pid}/cmdline").read_bytes().split(b"\0")
    assert command[0].decode() == str(bundled_node())
