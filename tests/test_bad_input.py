"""Bad input, as a careless or hostile user gives it: one line, exit 2, nothing lost.

Every case runs the entry point (``main.main``) with an earlier synth output in place and
checks the promise: exit 0 with a complete output, or exit 2 with one line naming the field
or the file and the earlier output untouched. Never a traceback, never lost data.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import main
from app.stacks import BASELINE_STACK, BOOTSTRAP_STACK
from constructs_lib.detections import CATALOGUE, LOG_DETECTION_NAMES

QUIET = 'alert_emails = ["secops@example.com"]\n'


@pytest.fixture(scope="module")
def earlier_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synth output as an earlier run left it, with terraform's working files."""
    outdir = tmp_path_factory.mktemp("earlier") / "cdktf.out"
    assert main.main(["--outdir", str(outdir)]) == 0
    (outdir / "stacks" / BASELINE_STACK / ".terraform.lock.hcl").write_text("# lock\n")
    return outdir


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path below ``folder`` with its content (None for a folder)."""
    return {
        str(path.relative_to(folder)): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }


@contextlib.contextmanager
def workspace(earlier: Path) -> Iterator[Path]:
    """A fresh folder holding a copy of the earlier output as ``cdktf.out``."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(earlier, root / "cdktf.out")
        yield root


def run(argv: list[str]) -> tuple[int, list[str]]:
    """``main.main(argv)``: its exit code and its standard error, line by line."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main.main(argv)
    return code, err.getvalue().splitlines()


def assert_refused(root: Path, config: bytes, fragment: str) -> str:
    """Exit 2, one line naming the file and ``fragment``, the earlier output untouched."""
    (root / "baseline.toml").write_bytes(config)
    before = snapshot(root / "cdktf.out")
    code, lines = run(["--config", str(root / "baseline.toml"), "--outdir", str(root / "cdktf.out")])
    assert code == 2, lines
    (line,) = lines
    assert line.startswith(f"error: {root / 'baseline.toml'}: "), line
    assert fragment in line, line
    assert snapshot(root / "cdktf.out") == before
    return line


def _tags(count: int) -> str:
    return "[tags]\n" + "".join(f'Tag{i} = "v"\n' for i in range(count))


def _override(**settings_: object) -> str:
    body = "".join(
        f"{key} = {json.dumps(value) if not isinstance(value, str) else value}\n" for key, value in settings_.items()
    )
    return f'{QUIET}[detections]\ncis_pack = "exact"\n[detections.overrides.access-denied]\n{body}'


#: (case, config file bytes, what the one line must say). The issue's list, class by class.
CASES: list[tuple[str, bytes, str]] = [
    # Reading the file
    ("binary-garbage", b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text: byte 0x89 at line 1, column 1"),
    ("utf-16", 'name_prefix = "acme"\n'.encode("utf-16"), "is UTF-16 text (what PowerShell's > writes)"),
    ("latin-1-in-a-comment", b'# caf\xe9\nname_prefix = "acme"\n', "not UTF-8 text: byte 0xe9 at line 1, column 6"),
    ("invalid-toml", b'name_prefix = "acme\n', "not valid TOML (Illegal character '\\n' (at line 1, column 20))"),
    ("deeply-nested-array", b"a = " + b"[" * 3000 + b"]" * 3000, "nested too deeply to read"),
    ("nested-past-any-field", b"a = " + b"[" * 50 + b"]" * 50, "a.0.0.0.0.0.0.0.0: nested more than 8 levels"),
    (
        "threshold-nan",
        _override(threshold="nan").encode(),
        "detections.overrides.access-denied.threshold: must be a finite number (got nan)",
    ),
    ("threshold-inf", _override(threshold="inf").encode(), "threshold: must be a finite number (got inf)"),
    ("threshold-1e400", _override(threshold="1e400").encode(), "threshold: must be a finite number (got inf)"),
    ("budget-nan", b"budget_limit_usd = nan\n", "budget_limit_usd: must be a finite number (got nan)"),
    ("ten-megabyte-value", b'name_prefix = "' + b"a" * 10_000_000 + b'"\n', "(10000002 characters)"),
    # Found by the property test below: a key with a line break split the "one line" in two.
    ("line-break-in-a-key", b'[detections]\n"\\r" = false\n', "detections.'\\r': unknown field"),
    ("huge-unknown-key", b'"' + b"k" * 100_000 + b'" = 1\n', "(100002 characters): unknown field"),
    # What AWS refuses at apply
    (
        "tag-value-character",
        f'{QUIET}[tags]\nOwner = "a;b"\n'.encode(),
        "tags: value of 'Owner' must be at most 256 characters of letters",
    ),
    (
        "tag-key-character",
        f'{QUIET}[tags]\n"a*b" = "x"\n'.encode(),
        "tags: key 'a*b' must be 1-128 characters of letters",
    ),
    ("tag-key-aws-prefix", f'{QUIET}[tags]\n"AWS:team" = "x"\n'.encode(), "not starting with 'aws:'"),
    ("tag-key-too-long", f'{QUIET}[tags]\n{"k" * 129} = "x"\n'.encode(), "must be 1-128 characters"),
    ("tag-value-too-long", f'{QUIET}[tags]\nOwner = "{"v" * 257}"\n'.encode(), "must be at most 256 characters"),
    ("51-tags", (QUIET + _tags(51)).encode(), "tags: must hold at most 50 tags, the most a resource takes (got 51)"),
    (
        "range-over-a-day-under-an-hour",
        _override(period=3000, evaluation_periods=30).encode(),
        "(got 3000 x 30 = 90000)",
    ),
    ("range-over-seven-days", _override(period=86400, evaluation_periods=8).encode(), "(got 86400 x 8 = 691200)"),
    ("sub-minute-period", _override(period=10).encode(), "period: must be a multiple of 60 seconds, up to 604800"),
    ("state-bucket-xn", f'{QUIET}[state]\nbucket = "xn--state"\n'.encode(), "state.bucket: must not start with xn--"),
    ("state-bucket-s3alias", f'{QUIET}[state]\nbucket = "my-state-s3alias"\n'.encode(), "or end with -s3alias"),
    (
        "name-prefix-reserved",
        f'{QUIET}name_prefix = "sthree-acme"\n'.encode(),
        "name_prefix: must not start with xn--, sthree-",
    ),
    ("endpoint-port", f'{QUIET}local_aws_endpoint = "https://127.0.0.1:70000"\n'.encode(), "PORT from 1 to 65535"),
    (
        "empty-bootstrap-state-path",
        f'{QUIET}[state]\nbootstrap_state_path = ""\n'.encode(),
        "state.bootstrap_state_path: must be the path of a file",
    ),
    (
        "ci-repository-without-owner",
        f'{QUIET}[ci]\ngithub_repository = "org-baseline"\n'.encode(),
        "ci.github_repository: must be owner/name as GitHub spells it",
    ),
    (
        "ci-repository-url",
        f'{QUIET}[ci]\ngithub_repository = "https://github.com/acme/x"\n'.encode(),
        "ci.github_repository: must be owner/name",
    ),
    (
        "ci-owner-double-hyphen",
        f'{QUIET}[ci]\ngithub_repository = "ac--me/x"\n'.encode(),
        "ci.github_repository: must be owner/name",
    ),
    (
        "ci-empty-environment",
        f'{QUIET}[ci]\ngithub_repository = "acme/x"\napply_environment = ""\n'.encode(),
        "ci.apply_environment: must be a GitHub environment name of 1-255 characters, not blank",
    ),
    (
        "ci-branch-as-ref",
        f'{QUIET}[ci]\ngithub_repository = "acme/x"\ndefault_branch = "refs/heads/main"\n'.encode(),
        "ci.default_branch: must be a branch name without refs/heads/",
    ),
    (
        "ci-session-13-hours",
        f'{QUIET}[ci]\ngithub_repository = "acme/x"\nmax_session_hours = 13\n'.encode(),
        "ci.max_session_hours: must be a whole number of hours from 1 to 12 (got 13)",
    ),
    (
        "ci-provider-kind",
        f'{QUIET}[ci]\ngithub_repository = "acme/x"\noidc_provider = "import"\n'.encode(),
        "ci.oidc_provider: Input should be 'create' or 'existing'",
    ),
    # Settings that would do nothing
    (
        "ci-without-repository",
        f'{QUIET}[ci]\napply_environment = "prod"\n'.encode(),
        "ci: github_repository is required",
    ),
    (
        "cis-override-while-off",
        f"{QUIET}[detections.overrides.cis-root-usage]\nthreshold = 2\n".encode(),
        "detections: disabled and overrides name CIS detections while cis_pack is off",
    ),
    (
        "cis-disabled-while-off",
        f'{QUIET}[detections]\ndisabled = ["cis-vpc-changes"]\n'.encode(),
        "(got cis-vpc-changes)",
    ),
    (
        "override-of-a-disabled-detection",
        (
            QUIET + '[detections]\ndisabled = ["access-denied"]\n[detections.overrides.access-denied]\nthreshold = 3\n'
        ).encode(),
        "detections: an override of a disabled detection has no effect",
    ),
    (
        "object-lock-longer-than-expiration",
        f'{QUIET}[log_bucket]\nobject_lock_mode = "COMPLIANCE"\nobject_lock_days = 3000\n'.encode(),
        "log_bucket: object_lock_days must not exceed expiration_days",
    ),
    (
        "object-lock-days-while-off",
        f"{QUIET}[log_bucket]\nobject_lock_days = 100\n".encode(),
        "log_bucket: object_lock_days has no effect while object_lock_mode is off",
    ),
    # The trail choices
    (
        "existing-trail-without-a-log-group",
        f'{QUIET}[trail]\nmode = "existing"\n'.encode(),
        "trail: mode existing needs log_group_name: the log group the existing organization trail delivers to",
    ),
    (
        "existing-trail-log-group-name",
        f'{QUIET}[trail]\nmode = "existing"\nlog_group_name = "bad name*"\n'.encode(),
        "trail.log_group_name: must be a CloudWatch Logs log group name: 1-512 characters of letters, digits",
    ),
    (
        "existing-trail-arn-of-a-bucket",
        f'{QUIET}[trail]\nmode = "existing"\nlog_group_name = "g"\ntrail_arn = "arn:aws:s3:::x"\n'.encode(),
        "trail.trail_arn: must be a trail's ARN (arn:aws:cloudtrail:<region>:<account id>:trail/<name>)",
    ),
    (
        "existing-trail-with-a-scope",
        (
            QUIET + '[trail]\nmode = "existing"\nlog_group_name = "g"\ncloudwatch_logs_scope = "management-account"\n'
        ).encode(),
        "trail: cloudwatch_logs_scope has no effect while mode is existing",
    ),
    (
        "existing-trail-with-a-retention",
        f'{QUIET}log_retention_days = 400\n[trail]\nmode = "existing"\nlog_group_name = "g"\n'.encode(),
        "trail: log_retention_days and log_bucket have no effect while trail.mode is existing",
    ),
    (
        "created-trail-with-a-log-group",
        f'{QUIET}[trail]\nlog_group_name = "g"\n'.encode(),
        "trail: log_group_name and trail_arn have no effect while mode is create",
    ),
    # The cost model's volumes
    (
        "cost-no-accounts",
        f"{QUIET}[cost]\naccounts = 0\nevents_per_account = 5\n".encode(),
        "cost.accounts: must be a whole number of accounts, at least 1 (the management account counts) (got 0)",
    ),
    (
        "cost-negative-events",
        f"{QUIET}[cost]\naccounts = 3\nevents_per_account = -1\n".encode(),
        "cost.events_per_account: must be a finite number of events greater than 0 (got -1)",
    ),
    (
        "cost-nan-events",
        f"{QUIET}[cost]\naccounts = 3\nevents_per_account = nan\n".encode(),
        "cost.events_per_account: must be a finite number (got nan)",
    ),
    (
        "cost-infinite-management-events",
        f"{QUIET}[cost]\naccounts = 3\nevents_per_account = 5\nmanagement_account_events = inf\n".encode(),
        "cost.management_account_events: must be a finite number (got inf)",
    ),
]


@pytest.mark.parametrize(("config", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_config_is_one_line_and_exit_2_and_loses_nothing(
    earlier_output: Path, config: bytes, fragment: str
) -> None:
    with workspace(earlier_output) as root:
        line = assert_refused(root, config, fragment)
        # One line a person reads: the unknown-key case lists every allowed top-level field.
        assert len(line) < 450, f"{len(line)} characters"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    config = tmp_path / "baseline.toml"
    config.write_bytes(b"\xef\xbb\xbf" + QUIET.encode())
    assert run(["--config", str(config), "--outdir", str(tmp_path / "out")]) == (0, [])


# --- the output folder ------------------------------------------------------------------


def test_a_folder_holding_other_files_is_never_replaced(tmp_path: Path) -> None:
    # `python main.py --outdir .` in a clone deleted the clone, .git included.
    clone = tmp_path / "clone"
    (clone / ".git").mkdir(parents=True)
    (clone / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (clone / "main.py").write_text("# the project\n")
    before = snapshot(clone)
    code, lines = run(["--outdir", str(clone)])
    assert code == 2
    assert lines == [
        f"error: --outdir {clone}: holds .git, which a synth does not write; refusing to replace it "
        "(choose a new or empty folder)"
    ]
    assert snapshot(clone) == before


def test_outdir_dot_in_a_clone_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "README.md").write_text("# a clone\n")
    monkeypatch.chdir(tmp_path)
    code, lines = run(["--outdir", "."])
    assert (code, len(lines)) == (2, 1)
    assert (tmp_path / "README.md").read_text() == "# a clone\n"


def test_the_environment_variable_is_checked_like_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.txt").write_text("keep me\n")
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path))
    code, lines = run([])
    assert code == 2
    assert "holds notes.txt" in lines[0]
    assert (tmp_path / "notes.txt").read_text() == "keep me\n"


def test_a_file_in_place_of_the_folder_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "cdktf.out"
    target.write_text("not a folder\n")
    code, lines = run(["--outdir", str(target)])
    assert (code, lines) == (2, [f"error: --outdir {target}: exists and is not a folder; refusing to replace it"])
    assert target.read_text() == "not a folder\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cdktf.out"]  # no .cdktf.out-old-PID


def test_a_folder_below_a_file_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    code, lines = run(["--outdir", str(tmp_path / "file" / "out")])
    assert (code, lines) == (
        2,
        [f"error: --outdir {tmp_path / 'file' / 'out'}: cannot create it ({tmp_path / 'file'} is not a folder)"],
    )


def test_a_stray_file_inside_a_stack_folder_is_kept(earlier_output: Path) -> None:
    with workspace(earlier_output) as root:
        state = root / "cdktf.out" / "stacks" / BOOTSTRAP_STACK / "terraform.tfstate"
        state.write_text('{"version": 4}')
        code, lines = run(["--outdir", str(root / "cdktf.out")])
        assert code == 2
        assert f"holds stacks/{BOOTSTRAP_STACK}/terraform.tfstate" in lines[0]
        assert state.read_text() == '{"version": 4}'


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o755), (0o027, 0o750), (0o077, 0o700)])
def test_a_new_output_folder_gets_the_users_umask(tmp_path: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        assert run(["--outdir", str(tmp_path / "out")])[0] == 0
    finally:
        os.umask(previous)
    assert (tmp_path / "out").stat().st_mode & 0o777 == mode


def test_a_synth_output_with_terraform_working_files_is_replaced(earlier_output: Path) -> None:
    with workspace(earlier_output) as root:
        config = root / "baseline.toml"
        config.write_text(QUIET + 'name_prefix = "replaced"\n')
        code, lines = run(["--config", str(config), "--outdir", str(root / "cdktf.out")])
        assert code == 0
        # The only line: the new prefix against the earlier synth (app/renames.py).
        (line,) = lines
        assert line.startswith("warning: name_prefix changed from 'mgmt-baseline' (the last synth) to 'replaced'")
        stack = root / "cdktf.out" / "stacks" / BASELINE_STACK
        assert "replaced-alerts" in (stack / "cdk.tf.json").read_text()
        assert (stack / ".terraform.lock.hcl").read_text() == "# lock\n"


# --- property-based: any document, any bytes ---------------------------------------------

NUMBERS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
)
SCALARS = st.one_of(st.booleans(), NUMBERS, st.text(max_size=20))
ANY_VALUE = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _or_junk(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly plausible values, sometimes anything at all."""
    return st.one_of(strategy, strategy, strategy, ANY_VALUE)


OVERRIDE = st.fixed_dictionaries(
    {},
    optional={
        "threshold": _or_junk(st.sampled_from([0, 1, 2.5, -1])),
        "period": _or_junk(st.sampled_from([60, 300, 3600, 86400, 10, 61])),
        "evaluation_periods": _or_junk(st.integers(min_value=-1, max_value=200)),
    },
)
DOCUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "name_prefix": _or_junk(st.sampled_from(["acme", "mgmt-baseline", "xn--acme", "Bad_Prefix", "a" * 25])),
        "budget_limit_usd": _or_junk(NUMBERS),
        "alert_emails": _or_junk(st.lists(st.sampled_from(["a@example.com", "b@example.org", "nope"]), max_size=3)),
        "log_retention_days": _or_junk(st.sampled_from([365, 731, 30, 366])),
        "protect_log_data": _or_junk(st.booleans()),
        "create_budget": _or_junk(st.booleans()),
        "kms_encryption": _or_junk(st.booleans()),
        "tags": _or_junk(st.dictionaries(st.text(max_size=12), st.text(max_size=12), max_size=4)),
        "detections": _or_junk(
            st.fixed_dictionaries(
                {},
                optional={
                    "cis_pack": _or_junk(st.sampled_from(["off", "exact", "management-only", "on"])),
                    "disabled": _or_junk(st.lists(st.sampled_from([*CATALOGUE, "nope"]), max_size=3, unique=True)),
                    "overrides": _or_junk(
                        st.dictionaries(st.sampled_from([*LOG_DETECTION_NAMES, "root-sign-in"]), OVERRIDE, max_size=2)
                    ),
                },
            )
        ),
        "log_bucket": _or_junk(
            st.fixed_dictionaries(
                {},
                optional={
                    "expiration_days": _or_junk(st.sampled_from([365, 2557, 100])),
                    "transition_to_glacier_days": _or_junk(st.sampled_from([30, 90, 4000])),
                    "access_logging": _or_junk(st.booleans()),
                    "object_lock_mode": _or_junk(st.sampled_from(["off", "GOVERNANCE", "COMPLIANCE", "on"])),
                    "object_lock_days": _or_junk(st.sampled_from([1, 365, 3000])),
                },
            )
        ),
        "state": _or_junk(
            st.fixed_dictionaries(
                {},
                optional={
                    "bucket": _or_junk(st.sampled_from(["acme-tf-state", "xn--x-state", "Bad", "a-s3alias"])),
                    "key": _or_junk(st.sampled_from(["k/terraform.tfstate", "/abs", ""])),
                    "bootstrap_state_path": _or_junk(st.sampled_from(["bootstrap.tfstate", "", " "])),
                },
            )
        ),
        "local_aws_endpoint": _or_junk(st.sampled_from(["https://127.0.0.1:4566", "http://localhost:99999"])),
        "unknown_field": ANY_VALUE,
    },
)

PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def assert_one_of_the_two_endings(earlier: Path, config: bytes) -> None:
    with workspace(earlier) as root:
        (root / "baseline.toml").write_bytes(config)
        before = snapshot(root / "cdktf.out")
        code, lines = run(["--config", str(root / "baseline.toml"), "--outdir", str(root / "cdktf.out")])
        if code == 0:
            manifest = json.loads((root / "cdktf.out" / "manifest.json").read_text())
            assert set(manifest["stacks"]) == {BASELINE_STACK, BOOTSTRAP_STACK}
            for stack in manifest["stacks"]:
                assert "resource" in json.loads((root / "cdktf.out" / "stacks" / stack / "cdk.tf.json").read_text())
            assert all(line.startswith("warning: ") for line in lines), lines
            return
        assert code == 2, lines
        (line,) = lines
        assert line.startswith(f"error: {root / 'baseline.toml'}: "), line
        assert len(line) < 2000, line  # three problems at most, each value cut (shown())
        assert snapshot(root / "cdktf.out") == before


@PROPERTY_SETTINGS
@given(document=DOCUMENTS)
def test_any_config_document_synthesizes_completely_or_fails_in_one_line(
    earlier_output: Path, document: dict[str, Any]
) -> None:
    assert_one_of_the_two_endings(earlier_output, tomli_w.dumps(document).encode())


@PROPERTY_SETTINGS
@given(text=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_as_a_config_file_fail_in_one_line_or_synthesize(earlier_output: Path, text: bytes) -> None:
    assert_one_of_the_two_endings(earlier_output, QUIET.encode() + text)
