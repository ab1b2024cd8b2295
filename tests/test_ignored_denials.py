"""The config's ignored principals and event sources: left out of access-denied, the same
text in the app and the module (proven by ``terraform console``), and proven on the corpus."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.config import IGNORED_PATTERN_FITS, BaselineConfig
from constructs_lib.detections import ACCESS_DENIED, CATALOGUE, LogDetection, ignored_clauses
from tests.filter_pattern import parse
from tests.synth import synth
from tests.terraform import terraform_console
from tools.detection_corpus import MANAGEMENT_ACCOUNT, load_cases
from tools.module import ignored_clauses_template, module_json

CI_ROLE = "arn:aws:sts::111111111111:assumed-role/ci-deployer/*"


def _at_length(total: int) -> list[str]:
    """Two valid principals that make the access-denied pattern exactly ``total`` characters long."""
    first = "*:" + "x" * 190
    used = len(ACCESS_DENIED.scoped_pattern("123456789012", ignored_clauses((first, "*:"), ())))
    return [first, "*:" + "x" * (total - used)]


#: (ignored principals, ignored event sources): none, one of each, several, and both sides of
#: the length limit (every principal a valid one).
SAMPLES: list[tuple[list[str], list[str]]] = [
    ([], []),
    ([CI_ROLE], []),
    ([], ["tagging.amazonaws.com"]),
    (["arn:aws:iam::111111111111:user/alice", "*:assumed-role/ci-deployer/*"], ["a.amazonaws.com", "b.amazonaws.com"]),
    (_at_length(1024), []),
    (_at_length(1025), []),
]


def test_the_samples_are_valid_principals_and_straddle_the_limit() -> None:
    for principals, sources in SAMPLES:
        BaselineConfig.model_validate(
            {"detections": {"ignored_principals": principals[:1], "ignored_event_sources": sources}}
        )
    lengths = [
        len(ACCESS_DENIED.scoped_pattern("123456789012", ignored_clauses(tuple(p), tuple(s)))) for p, s in SAMPLES
    ]
    assert lengths[-2:] == [1024, 1025]


def _object(principals: list[str], sources: list[str]) -> str:
    return f"({{ ignored_principals = {json.dumps(principals)}, ignored_event_sources = {json.dumps(sources)} }})"


@pytest.fixture(scope="module")
def terraform_answers(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """For each sample: the module's clauses, and the module's length rule, as Terraform evaluates them."""
    expressions = []
    for principals, sources in SAMPLES:
        detections = _object(principals, sources)
        expressions.append(f'"{ignored_clauses_template(detections)}"')
        expressions.append(IGNORED_PATTERN_FITS.condition.format(v=detections))
    return terraform_console(expressions, tmp_path_factory.mktemp("console"))


@pytest.mark.parametrize("index", range(len(SAMPLES)))
def test_the_module_leaves_out_what_the_app_leaves_out(terraform_answers: list[Any], index: int) -> None:
    principals, sources = SAMPLES[index]
    clauses, fits = terraform_answers[2 * index : 2 * index + 2]
    assert clauses == ignored_clauses(tuple(principals), tuple(sources))
    pattern = ACCESS_DENIED.scoped_pattern("123456789012", clauses)
    assert fits == (len(pattern) <= 1024)
    model = BaselineConfig.model_construct().detections.model_construct(
        ignored_principals=tuple(principals), ignored_event_sources=tuple(sources)
    )
    assert IGNORED_PATTERN_FITS.test(model) == fits


def test_the_samples_reach_both_answers_of_the_length_rule(terraform_answers: list[Any]) -> None:
    assert set(terraform_answers[1::2]) == {True, False}


def test_an_iam_role_arn_is_refused_because_its_sessions_never_match() -> None:
    with pytest.raises(ValueError, match=r"must not name an IAM role .*assumed-role/ROLE/SESSION"):
        BaselineConfig.model_validate({"detections": {"ignored_principals": ["arn:aws:iam::111111111111:role/ci"]}})


def test_the_synthesized_pattern_leaves_out_the_configured_principals_and_sources() -> None:
    s = synth(
        BaselineConfig.model_validate(
            {
                "detections": {
                    "ignored_principals": [CI_ROLE],
                    "ignored_event_sources": ["kms.amazonaws.com"],
                }
            }
        )
    )
    alarms = s.stack.baseline.log_alarms
    assert alarms is not None
    pattern = s.instance(alarms.metric_filter, "access-denied")["pattern"]
    assert pattern.endswith(
        f'&& (($.userIdentity.arn NOT EXISTS) || ($.userIdentity.arn != "{CI_ROLE}")) '
        '&& ($.eventSource != "kms.amazonaws.com") }'
    )
    # Only access-denied takes them: console-sign-in is as before.
    assert "ci-deployer" not in s.instance(alarms.metric_filter, "console-sign-in")["pattern"]


def test_ignored_principals_and_sources_are_left_out_and_nothing_else_on_the_corpus() -> None:
    cases = {case.id: case for case in load_cases()}
    ignoring = parse(
        ACCESS_DENIED.scoped_pattern(MANAGEMENT_ACCOUNT, ignored_clauses((CI_ROLE,), ("kms.amazonaws.com",)))
    )
    plain = parse(ACCESS_DENIED.scoped_pattern(MANAGEMENT_ACCOUNT))
    # The denials the two exclusions name: the CI role's, and every KMS one (a person's and root's too).
    left_out = {
        "noise-ci-deployer-denial",
        "kms-decrypt-access-denied-exception",
        "root-kms-describe-key-access-denied",
    }
    for case in cases.values():
        if case.member_copy:
            continue
        if case.id in left_out:
            assert plain.matches(case.record), case.id  # counted without the config's exclusions
            assert not ignoring.matches(case.record), case.id
        else:
            assert ignoring.matches(case.record) == plain.matches(case.record), case.id
    # A person's denial of the same shape, and an AWS service's denial without an ARN, still count.
    assert ignoring.matches(cases["noise-ci-deployer-denial-by-a-person"].record)
    assert ignoring.matches(cases["service-principal-access-denied-get-bucket-acl"].record)


def test_every_detection_that_takes_exclusions_is_within_the_length_rule() -> None:
    # The rule measures access-denied's pattern: every other one that takes the lists must be shorter.
    base = len(ACCESS_DENIED.scoped_pattern("123456789012"))
    takers = [d for d in CATALOGUE.values() if isinstance(d, LogDetection) and d.takes_exclusions]
    assert {d.name for d in takers} == {"access-denied", "cis-unauthorized-api-calls"}
    assert all(len(d.scoped_pattern("123456789012")) <= base for d in takers)


@pytest.fixture(scope="module")
def module_patterns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The module's patterns, evaluated by ``terraform console`` for each cis_pack mode with both lists set."""
    module = module_json()
    detections = module["locals"]["log_detections"]
    folder = tmp_path_factory.mktemp("module-patterns")
    expressions = {}
    for mode in ("exact", "management-only"):
        locals_ = {
            "detections": {
                "cis_pack": mode,
                "ignored_principals": [CI_ROLE],
                "ignored_event_sources": ["kms.amazonaws.com"],
            },
            "ignored_clauses": module["locals"]["ignored_clauses"].replace("var.detections", "local.detections"),
        }
        for name in ("access-denied", "cis-unauthorized-api-calls"):
            key = f"{mode}_{name}".replace("-", "_")
            locals_[key] = (
                detections[name]["pattern"]
                .replace("var.detections", "local.detections")
                .replace("${data.aws_caller_identity.current.account_id}", "123456789012")
            )
            expressions[key] = f"local.{key}"
        config = folder / mode
        config.mkdir()
        (config / "main.tf.json").write_text(json.dumps({"locals": locals_}))
    answers = {}
    for mode in ("exact", "management-only"):
        keys = [key for key in expressions if key.startswith(mode.replace("-", "_"))]
        values = terraform_console([expressions[key] for key in keys], folder / mode)
        answers.update(dict(zip(keys, values, strict=True)))
    return answers


def test_the_module_builds_the_app_s_patterns_with_the_lists_in_both_cis_modes(module_patterns: dict[str, str]) -> None:
    clauses = ignored_clauses((CI_ROLE,), ("kms.amazonaws.com",))
    cis = CATALOGUE["cis-unauthorized-api-calls"]
    assert isinstance(cis, LogDetection)
    for mode in ("exact", "management_only"):
        assert module_patterns[f"{mode}_access_denied"] == ACCESS_DENIED.scoped_pattern("123456789012", clauses)
    # Exact: Security Hub's pattern verbatim, the lists do not touch it; management-only: scoped, with them.
    assert module_patterns["exact_cis_unauthorized_api_calls"] == cis.pattern
    assert module_patterns["management_only_cis_unauthorized_api_calls"] == cis.scoped_pattern("123456789012", clauses)
