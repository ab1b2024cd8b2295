"""The local evaluator of CloudWatch Logs JSON filter patterns (tests/filter_pattern.py).

The first tables reproduce AWS's documented examples with the results the documentation gives; the tests after
them pin the edge cases the CloudTrail detections depend on.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.filter_pattern import MAX_PATTERN_LENGTH, FilterPattern, FilterPatternError, parse

# The sample event of https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
# ("Sample JSON log event for testing"), plus "ThisFlag": true from the 2020 version of the page:
# https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/5ae5c9aeccbdc909d7549b9260291ce7ed2a92f3/doc_source/FilterAndPatternSyntax.md
DOC_EVENT: dict[str, Any] = {
    "eventType": "UpdateTrail",
    "sourceIPAddress": "111.111.111.111",
    "arrayKey": ["value", "another value"],
    "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
    "SomeObject": None,
    "cluster.name": "c",
    "ThisFlag": True,
}

# Every pattern those pages show for that event; the pages say that each one matches it.
DOC_EVENT_PATTERNS = [
    '{ $.eventType = "UpdateTrail" }',
    "{ $.sourceIPAddress != 123.123.* }",
    '{ $.arrayKey[0] = "value" }',
    "{ $.eventType = %Trail% }",
    "{ $.arrayKey[*] = %val.{2}% }",
    r"{ $.* = %111\.111\.111\.1[0-9]{1,2}% }",
    "{ $.['cluster.name'] = \"c\" }",
    "{ $.objectList[1].id = 2 }",
    "{ $.SomeObject IS NULL }",
    "{ $.SomeOtherObject NOT EXISTS }",
    "{ $.ThisFlag IS TRUE }",  # the 2020 page
]

# The compound-expression event of the same page, with its four patterns and the result it gives for each, then
# the 2020 page's versions of the last two, which leave the strings unquoted.
COMPOUND_EVENT: dict[str, Any] = {
    "user": {"id": 1, "email": "John.Stiles@example.com"},
    "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
    "actions": ["GET", "PUT", "DELETE"],
    "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
}
COMPOUND_PATTERNS = [
    ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', True),
    (
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }',
        True,
    ),
    (
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") '
        '&& $.actions[2] = "nonmatch" }',
        False,
    ),
    ('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', False),
    ('{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', True),
    (
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }',
        False,
    ),
]

# The numeric examples of the 2022 page (the last before the docs left GitHub) and of the 2020 page. The pages give
# no event for them: each event here is one that the pattern should match, and NUMERIC_MISSES gives events it
# should not. 2022 page:
# https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/5bd7d2470d67c936128b739e8a4aaa85c3eb8b7b/doc_source/FilterAndPatternSyntax.md
NUMERIC_HITS = [
    ("{ $.bandwidth > 75 }", {"bandwidth": 80}),
    ("{ $.latency < 50 }", {"latency": 30}),
    ("{ $.refreshRate >= 60 }", {"refreshRate": 60}),
    ("{ $.responseTime <= 5 }", {"responseTime": 5}),
    ("{ $.errorCode = 400}", {"errorCode": 400}),
    ("{ $.errorCode != 500 }", {"errorCode": 400}),
    ("{ $.number[0] = 1e-3 }", {"number": [0.001]}),
    ("{ $.number[0] != 1e+3 }", {"number": [0.001]}),
    ("{ $.latency >= 500 }", {"latency": 500}),
    ("{ $.numbers[0] < 10e3 }", {"numbers": [9999]}),
    ("{ $.numbers[0] < 10e-3 }", {"numbers": [0.009]}),
    ("{ $.processes[4].averageRuntime <= 55.5 }", {"processes": [{}, {}, {}, {}, {"averageRuntime": 55.5}]}),
    ("{ $.latency > +1000 }", {"latency": 1001}),
]
NUMERIC_MISSES = [
    ("{ $.bandwidth > 75 }", {"bandwidth": 75}),
    ("{ $.latency < 50 }", {"latency": 50}),
    ("{ $.refreshRate >= 60 }", {"refreshRate": 59.9}),
    ("{ $.responseTime <= 5 }", {"responseTime": 5.01}),
    ("{ $.errorCode = 400}", {"errorCode": 401}),
    ("{ $.errorCode != 500 }", {"errorCode": 500}),
    ("{ $.number[0] = 1e-3 }", {"number": [0.01]}),
    ("{ $.number[0] != 1e+3 }", {"number": [1000]}),
    ("{ $.numbers[0] < 10e-3 }", {"numbers": [0.01]}),
    ("{ $.latency > +1000 }", {"latency": 1000}),
]

# CIS "console sign-in without MFA", as the detections write it, against variants of a CloudTrail record.
CONSOLE_LOGIN_WITHOUT_MFA = (
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
    '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'
)


def console_login(**changes: Any) -> dict[str, Any]:
    """A successful IAM-user console sign-in record, with fields replaced, or removed when given ``...``."""
    record: dict[str, Any] = {
        "eventName": "ConsoleLogin",
        "userIdentity": {"type": "IAMUser", "userName": "alice"},
        "responseElements": {"ConsoleLogin": "Success"},
        "additionalEventData": {"MFAUsed": "No", "MobileVersion": "No"},
    }
    record.update(changes)
    return {key: value for key, value in record.items() if value is not ...}


@pytest.mark.parametrize("pattern", DOC_EVENT_PATTERNS)
def test_each_documented_pattern_matches_the_documented_event(pattern: str) -> None:
    assert parse(pattern).matches(DOC_EVENT) is True


@pytest.mark.parametrize(("pattern", "documented"), COMPOUND_PATTERNS)
def test_each_documented_compound_expression_gives_the_documented_result(pattern: str, documented: bool) -> None:
    assert parse(pattern).matches(COMPOUND_EVENT) is documented


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [  # The 2020 page: "{$.foo = bar} matches pattern 1, {$.foo = baz } matches pattern 2, and ... both"
        ("{$.foo = bar}", {"foo": "bar"}, True),
        ("{$.foo = bar}", {"foo": "baz"}, False),
        ("{$.foo = baz }", {"foo": "baz"}, True),
        ("{$.foo = baz }", {"foo": "bar"}, False),
        ("{$.foo = bar || $.foo = baz }", {"foo": "bar"}, True),
        ("{$.foo = bar || $.foo = baz }", {"foo": "baz"}, True),
    ],
)
def test_the_documented_or_example_matches_either_value(pattern: str, event: dict[str, Any], expected: bool) -> None:
    assert parse(pattern).matches(event) is expected


@pytest.mark.parametrize(("pattern", "event"), NUMERIC_HITS)
def test_each_documented_numeric_pattern_matches_a_value_that_satisfies_it(pattern: str, event: dict[str, Any]) -> None:
    assert parse(pattern).matches(event) is True


@pytest.mark.parametrize(("pattern", "event"), NUMERIC_MISSES)
def test_each_documented_numeric_pattern_rejects_a_value_that_does_not(pattern: str, event: dict[str, Any]) -> None:
    assert parse(pattern).matches(event) is False


@pytest.mark.parametrize("pattern", ["{$.users = 1}", "{$.users != 1}"])
def test_neither_equal_nor_not_equal_matches_an_array_as_the_2020_page_says(pattern: str) -> None:
    assert parse(pattern).matches({"users": [1, 2, 3]}) is False


@pytest.mark.parametrize(
    ("value", "subject", "expected"),
    [  # The 2020 page: "*Event will match PutEvent and GetEvent. Event* will match EventId and EventName.
        # Ev*ent will only match the actual string Ev*ent."
        ("*Event", "PutEvent", True),
        ("*Event", "GetEvent", True),
        ("*Event", "EventId", False),
        ("Event*", "EventId", True),
        ("Event*", "EventName", True),
        ("Event*", "PutEvent", False),
        ("Ev*ent", "Ev*ent", True),
        ("Ev*ent", "Event", False),
        ("Ev*ent", "EvXent", False),
        # The detections' own forms, quoted: prefix, suffix, both ends, and the lone star.
        ('"AccessDenied*"', "AccessDeniedException", True),
        ('"AccessDenied*"', "Client.AccessDenied", False),
        ('"*UnauthorizedOperation"', "Client.UnauthorizedOperation", True),
        ('"*UnauthorizedOperation"', "UnauthorizedOperationX", False),
        ('"*Denied*"', "AccessDeniedException", True),
        ('"*Denied*"', "AccessDenies", False),
        ('"*"', "", True),
        ('"*"', "anything at all", True),
        ('"arn:aws:iam::*:root"', "arn:aws:iam::123456789012:root", False),
        ('"arn:aws:iam::*:root"', "arn:aws:iam::*:root", True),
    ],
)
def test_a_star_is_a_wildcard_only_at_either_end_of_a_string(value: str, subject: str, expected: bool) -> None:
    assert parse(f"{{ $.name = {value} }}").matches({"name": subject}) is expected


def test_not_equal_does_not_match_a_missing_field() -> None:
    assert parse('{ $.errorCode != "AccessDenied" }').matches({"eventName": "GetObject"}) is False


def test_not_equal_does_not_match_a_field_whose_parent_is_missing() -> None:
    assert parse('{ $.userIdentity.invokedBy != "cloudfront.amazonaws.com" }').matches({"errorCode": "x"}) is False


def test_not_equal_matches_a_present_field_with_another_value() -> None:
    assert parse('{ $.errorCode != "AccessDenied" }').matches({"errorCode": "ThrottlingException"}) is True


def test_equal_does_not_match_a_missing_field() -> None:
    assert parse('{ $.errorCode = "*" }').matches({"eventName": "GetObject"}) is False


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (console_login(), True),
        (console_login(additionalEventData={"MFAUsed": "Yes"}), False),
        (console_login(responseElements={"ConsoleLogin": "Failure"}), False),
        (console_login(userIdentity={"type": "AssumedRole"}), False),
        (console_login(eventName="GetSigninToken"), False),
        # No MFAUsed at all: != does not match a missing field, so this sign-in is not counted.
        (console_login(additionalEventData=...), False),
        (console_login(additionalEventData={"MobileVersion": "No"}), False),
    ],
)
def test_the_console_sign_in_without_mfa_detection_counts_only_a_reported_non_mfa_sign_in(
    record: dict[str, Any], expected: bool
) -> None:
    assert parse(CONSOLE_LOGIN_WITHOUT_MFA).matches(record) is expected


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [
        ("{ $.a IS NULL }", {"a": None}, True),
        ("{ $.a IS NULL }", {}, False),
        ("{ $.a IS NULL }", {"a": "null"}, False),
        ("{ $.a IS NULL }", {"a": []}, False),
        ("{ $.a NOT EXISTS }", {"a": None}, False),
        ("{ $.a NOT EXISTS }", {}, True),
        ("{ $.a NOT EXISTS }", {"a": {}}, False),
        ("{ $.a.b NOT EXISTS }", {"a": {"c": 1}}, True),
        ("{ $.a.b NOT EXISTS }", {"a": None}, True),
        ("{ $.a.b NOT EXISTS }", {"a": "text"}, True),
        ("{ $.a[3] NOT EXISTS }", {"a": [0, 1, 2]}, True),
        ("{ $.a[2] NOT EXISTS }", {"a": [0, 1, 2]}, False),
    ],
)
def test_is_null_needs_a_null_value_and_not_exists_needs_no_value(
    pattern: str, event: dict[str, Any], expected: bool
) -> None:
    assert parse(pattern).matches(event) is expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("{ $.flag IS TRUE }", True, True),
        ("{ $.flag IS TRUE }", False, False),
        ("{ $.flag IS FALSE }", False, True),
        ("{ $.flag IS FALSE }", True, False),
        ("{ $.flag IS TRUE }", "true", False),
        ("{ $.flag IS TRUE }", 1, False),
        ("{ $.flag IS FALSE }", 0, False),
        ("{ $.flag IS FALSE }", None, False),
    ],
)
def test_is_true_and_is_false_match_only_json_booleans(pattern: str, value: Any, expected: bool) -> None:
    assert parse(pattern).matches({"flag": value}) is expected


def test_is_true_and_is_false_do_not_match_a_missing_field() -> None:
    assert not parse("{ $.flag IS TRUE || $.flag IS FALSE }").matches({})


@pytest.mark.parametrize("pattern", ["{ $.a = 1 }", "{ $.a != 1 }", '{ $.a = "*" }', '{ $.a != "x" }', "{ $.a > 0 }"])
@pytest.mark.parametrize("value", [[1], {"b": 1}, [], {}])
def test_no_comparison_matches_an_object_or_an_array(pattern: str, value: Any) -> None:
    assert parse(pattern).matches({"a": value}) is False


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.arrayKey = "value" }', False),
        ('{ $.arrayKey[1] = "another value" }', True),
        ('{ $.arrayKey[2] = "value" }', False),
        ('{ $.arrayKey[*] = "another value" }', True),
        ('{ $.arrayKey[*] = "missing" }', False),
        ("{ $.objectList[*].id = 2 }", True),
        ("{ $.objectList[*].id = 3 }", False),
        ("{ $.objectList[*].id > 1 }", True),
        ("{ $.objectList.id = 1 }", False),
        ("{ $.objectList[1].number = 2 }", False),  # the 2020 page: no such property, "this will be false"
        ('{ $.eventType[0] = "U" }', False),  # the 2020 page: not an array, "this will be false"
        ('{ $.* = "UpdateTrail" }', True),
        ('{ $.* = "value" }', False),
        ("{ $.SomeObject.child NOT EXISTS }", True),
        ("{ $.arrayKey[*] IS NULL }", False),
        ("{ $.* IS NULL }", True),
    ],
)
def test_array_elements_are_reached_only_by_index_or_by_a_wildcard(pattern: str, expected: bool) -> None:
    assert parse(pattern).matches(DOC_EVENT) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.eventType = "UpdateTrail" }', True),
        ('{ $.eventType = "updatetrail" }', False),
        ('{ $.eventType = "Update" }', False),
        ('{ $.eventType = "UpdateTrail " }', False),
        ("{ $.eventType = UpdateTrail }", True),
        ("{ $.eventType != UpdateTrail }", False),
    ],
)
def test_strings_compare_exactly_and_case_sensitively(pattern: str, expected: bool) -> None:
    assert parse(pattern).matches(DOC_EVENT) is expected


@pytest.mark.parametrize(
    ("pattern", "subject"),
    [
        (r'{ $.a = "say \"hi\"" }', 'say "hi"'),
        (r'{ $.a = "C:\\temp" }', "C:\\temp"),
        ('{ $.a = "two words, punctuation: @$#!" }', "two words, punctuation: @$#!"),
    ],
)
def test_a_quoted_string_may_hold_any_character_and_escapes_quote_and_backslash(pattern: str, subject: str) -> None:
    assert parse(pattern).matches({"a": subject}) is True


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{ $.eventType = %Trail% }", True),
        ("{ $.eventType = %^Update% }", True),
        ("{ $.eventType = %^Trail% }", False),
        ("{ $.eventType = %Trail$% }", True),
        ("{ $.eventType != %Trail% }", False),
        ("{ $.eventType != %^Trail% }", True),
        (r"{ $.sourceIPAddress = %^111\.111\.[0-9]+\.[0-9]+$% }", True),
        ("{ $.SomeOtherObject = %.% }", False),
    ],
)
def test_a_regex_matches_anywhere_in_the_string_unless_anchored(pattern: str, expected: bool) -> None:
    assert parse(pattern).matches(DOC_EVENT) is expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"a": 1, "b": 0, "c": 0}, True),  # true for a || (b && c); (a || b) && c would be false
        ({"a": 0, "b": 1, "c": 1}, True),
        ({"a": 0, "b": 1, "c": 0}, False),
    ],
)
def test_and_binds_tighter_than_or(event: dict[str, Any], expected: bool) -> None:
    assert parse("{ $.a = 1 || $.b = 1 && $.c = 1 }").matches(event) is expected
    assert parse("{ $.b = 1 && $.c = 1 || $.a = 1 }").matches(event) is expected


def test_parentheses_override_the_precedence() -> None:
    assert parse("{ ($.a = 1 || $.b = 1) && $.c = 1 }").matches({"a": 1, "b": 0, "c": 0}) is False


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"a": 1, "b": 0, "c": 1, "d": 1}, True),
        ({"a": 1, "b": 0, "c": 1, "d": 0}, False),
        ({"a": 1, "b": 1, "c": 0, "d": 0}, True),
        ({"a": 0, "b": 1, "c": 1, "d": 1}, False),
    ],
)
def test_nested_parentheses_group_from_the_inside_out(event: dict[str, Any], expected: bool) -> None:
    assert parse("{ ((($.a = 1 && ($.b = 1 || ($.c = 1 && ($.d = 1)))))) }").matches(event) is expected


@pytest.mark.parametrize(
    ("literal", "value", "expected"),
    [
        ("400", 400, True),
        ("400", 401, False),
        ("-1", -1, True),
        ("+1000", 1000, True),
        ("55.5", 55.5, True),
        ("1.0", 1, True),
        ("1", 1.0, True),
        ("1e3", 1000, True),
        ("1e+3", 1000, True),
        ("1E3", 1000, True),
        ("1e-3", 0.001, True),
        ("10e-3", 0.01, True),
        ("-2.5e-1", -0.25, True),
        ("123456789012", 123456789012, True),
    ],
)
def test_numbers_compare_by_value_in_every_documented_form(literal: str, value: float, expected: bool) -> None:
    assert parse(f"{{ $.n = {literal} }}").matches({"n": value}) is expected


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        (">", 5, False),
        (">", 6, True),
        (">=", 5, True),
        (">=", 4.99, False),
        ("<", 5, False),
        ("<", 4, True),
        ("<=", 5, True),
        ("<=", 5.5, False),
        ("!=", 5, False),
        ("!=", 5.0, False),
        ("!=", 4, True),
    ],
)
def test_numeric_operators_compare_at_the_boundary(op: str, value: float, expected: bool) -> None:
    assert parse(f"{{ $.n {op} 5 }}").matches({"n": value}) is expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("{ $.status = 4* }", 404, True),
        ("{ $.status = 4* }", 500, False),
        ("{ $.status != 4* }", 500, True),
        ('{ $.status = "*" }', 500, True),
        ('{ $.status = "*" }', 0.5, True),
    ],
)
def test_a_wildcard_string_matches_the_digits_of_a_number(pattern: str, value: float, expected: bool) -> None:
    assert parse(pattern).matches({"status": value}) is expected


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        ("{ $.x = 1 }", "1"),
        ("{ $.x = 1 }", "1.0"),
        ("{ $.x != 1 }", "2"),
        ("{ $.x != 1 }", "abc"),
        ("{ $.x > 1 }", "5"),
        ('{ $.x = "1" }', 1),
        ('{ $.x != "abc" }', 1),
        ("{ $.x = %^1% }", 1),
        ('{ $.x != "abc" }', None),
        ("{ $.x = null }", None),
        ('{ $.x != "abc" }', True),
        ("{ $.x = true }", True),
        ("{ $.x != 1 }", False),
    ],
)
def test_a_comparison_across_types_that_aws_leaves_open_raises(pattern: str, value: Any) -> None:
    with pytest.raises(FilterPatternError, match=r"AWS does not document whether '\$\.x .*' \(at position 2\)"):
        parse(pattern).matches({"x": value})


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        ("{ $.x = 1 }", "abc"),
        ("{ $.x > 1 }", "abc"),
        ('{ $.x = "abc" }', 1),
        ('{ $.x = "abc" }', None),
        ('{ $.x = "abc" }', True),
        ("{ $.x = %abc% }", 1),
        ("{ $.x = 1 }", None),
        ("{ $.x < 1 }", False),
    ],
)
def test_a_comparison_across_types_that_fails_both_ways_is_false(pattern: str, value: Any) -> None:
    assert parse(pattern).matches({"x": value}) is False


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.a = "x" || $.n != "y" }', True),
        ('{ $.n != "y" || $.a = "x" }', True),
        ('{ $.a = "z" && $.n != "y" }', False),
        ('{ $.n != "y" && $.a = "z" }', False),
        ('{ $.list[*] = "x" }', True),
    ],
)
def test_an_open_comparison_does_not_matter_when_the_rest_decides(pattern: str, expected: bool) -> None:
    assert parse(pattern).matches({"a": "x", "n": None, "list": [None, "x"]}) is expected


@pytest.mark.parametrize("pattern", ['{ $.a = "x" && $.n != "y" }', '{ $.a = "z" || $.n != "y" }', "{ $.list[*] = 1 }"])
def test_an_open_comparison_that_decides_the_result_raises(pattern: str) -> None:
    with pytest.raises(FilterPatternError, match="AWS does not document"):
        parse(pattern).matches({"a": "x", "n": None, "list": [None, "1"]})


def test_three_wildcard_selectors_and_two_regexes_are_within_the_quotas() -> None:
    pattern = parse("{ $.a[*] = %x% || $.b.* = %y% || $.c[*] = 1 }")
    assert pattern.matches({"a": ["-x-"], "b": {}, "c": []}) is True


def test_a_pattern_of_the_maximum_length_is_accepted() -> None:
    pattern = '{ $.a = "' + "x" * (MAX_PATTERN_LENGTH - 12) + '" }'
    assert len(pattern) == MAX_PATTERN_LENGTH
    assert parse(pattern).matches({"a": "x" * (MAX_PATTERN_LENGTH - 12)}) is True


@pytest.mark.parametrize(
    ("pattern", "message", "position"),
    [
        ("", "only JSON filter patterns", 0),
        ("ERROR", "only JSON filter patterns", 0),
        ("[ip, user, status_code = 4*]", "only JSON filter patterns", 0),
        ("{}", "expected a selector", 1),
        ("{ $.a = 1", "expected '}'", 9),
        ("{ $.a = 1 } x", "expected the end of the pattern", 12),
        ("{ $.a = 1 }}", "expected the end of the pattern", 11),
        ("{ a = 1 }", "expected a selector", 2),
        ("{ $ = 1 }", "a selector is '$.' followed by a property", 2),
        ("{ $[0] = 1 }", "a selector is '$.' followed by a property", 2),
        ("{ $.a[x] = 1 }", "unexpected character '['", 5),
        ("{ $.a.['b = 1 }", "unexpected character '['", 6),
        ("{ $.a == 1 }", "expected a value after '='", 7),
        ("{ $.a = }", "expected a value after '='", 8),
        ("{ $.a 1 }", "expected an operator, IS or NOT EXISTS", 6),
        ("{ $.a ! 1 }", "unexpected character '!'", 6),
        ("{ $.a = 1 & $.b = 2 }", "unexpected character '&'", 10),
        ("{ $.a = 1 | $.b = 2 }", "unexpected character '|'", 10),
        ("{ $.a = 1 && }", "expected a selector", 13),
        ("{ && $.a = 1 }", "expected a selector", 2),
        ("{ ($.a = 1 }", "expected ')'", 11),
        ("{ $.a = 1) }", "expected '}'", 9),
        ("{ $.a IS NOT NULL }", "unsupported test 'IS NOT'", 6),  # the docs: "IS NOT ... currently aren't supported"
        ("{ $.a EXISTS }", "expected an operator, IS or NOT EXISTS", 6),  # "... and EXISTS currently aren't supported"
        ("{ $.a is null }", "expected an operator, IS or NOT EXISTS", 6),
        ("{ $.a IS EMPTY }", "unsupported test 'IS EMPTY'", 6),
        ('{ $.a = "abc }', "unterminated quoted string", 8),
        ("{ $.a = %abc }", "unterminated regex", 8),
        ('{ $.a = "x\\q" }', "unsupported escape", 10),
        ("{ $.a = us-east-1 }", "'us-east-1' must be double-quoted", 8),
        ("{ $.a = arn:aws:iam }", "unexpected character ':'", 11),
        ('{ $.a < "5" }', "'<' compares numbers only", 8),
        ("{ $.a >= abc }", "'>=' compares numbers only", 9),
        ("{ $.a > 4* }", "'>' compares numbers only", 8),
        ("{ $.a <= %5% }", "'<=' compares numbers only", 9),
        ("{ $.a = %(a|b)% }", "AWS regexes may not contain '('", 8),
        ("{ $.a = %a b% }", "AWS regexes may not contain ' '", 8),
        ("{ $.a = %% }", "AWS regexes may not contain 'nothing'", 8),
        ("{ $.a = %[a% }", "invalid regex", 8),
        ("{ $.a[*].b[*] = 1 }", "one wildcard per selector", 2),
        ("{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }", "three per pattern", 44),
        ("{ $.a = %a% || $.b = %b% || $.c = %c% }", "at most 2 regexes", 34),
        ("{ $.a[*] != 1 }", "'!=' on a wildcard selector is undocumented", 9),
        ("{ $.* NOT EXISTS }", "undocumented on a wildcard selector", 6),
        ("{ $.a = 1 }" + " " * MAX_PATTERN_LENGTH, "at most 1024 characters", MAX_PATTERN_LENGTH),
    ],
)
def test_a_malformed_or_unsupported_pattern_raises_naming_the_position(
    pattern: str, message: str, position: int
) -> None:
    with pytest.raises(FilterPatternError) as raised:
        parse(pattern)
    assert message in str(raised.value)
    assert f"at position {position} of " in str(raised.value)


def test_a_filter_pattern_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="only JSON filter patterns"):
        parse("ERROR")


def test_constructing_a_filter_pattern_directly_also_validates_it() -> None:
    with pytest.raises(FilterPatternError):
        FilterPattern("{ $.a = }")


def test_a_parsed_pattern_keeps_its_source_and_compares_by_it() -> None:
    pattern = parse(CONSOLE_LOGIN_WITHOUT_MFA)
    assert pattern.source == CONSOLE_LOGIN_WITHOUT_MFA
    assert pattern == parse(CONSOLE_LOGIN_WITHOUT_MFA)
    assert hash(pattern) == hash(parse(CONSOLE_LOGIN_WITHOUT_MFA))
    assert pattern != parse("{ $.eventName = ConsoleLogin }")
