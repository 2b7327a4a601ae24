"""The reading helpers of tolerant models: lossless conversions only, None otherwise."""

from __future__ import annotations

import logging
import math
from typing import Any

import pytest
from outbound._runtime import reading
from outbound._runtime.errors import Violation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("59", 59),
        ("-3", -3),
        ("0", 0),
        ("007", 7),
        (59.0, 59),
        (-2.0, -2),
        pytest.param("9" * 4300, int("9" * 4300), id="4300-digits"),
        # not lossless, or not a number at all
        pytest.param("9" * 4301, None, id="4301-digits"),
        ("+5", None),
        (" 5", None),
        ("5 ", None),
        ("5\n", None),
        ("٣", None),  # an Arabic-Indic digit: str.isdigit() says yes, JSON says no
        ("５", None),
        ("1.0", None),
        ("1e3", None),
        ("", None),
        ("-", None),
        (1.5, None),
        (math.nan, None),
        (math.inf, None),
        (True, None),
        (None, None),
        ([1], None),
        ({"a": 1}, None),
    ],
)
def test_to_int(value: Any, expected: Any) -> None:
    got = reading.to_int(value)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, "5"),
        (-12, "-12"),
        (1.5, "1.5"),
        (1.0, "1.0"),
        (1e20, "1e+20"),
        pytest.param(10**5000, None, id="too-long-to-print"),
        (math.nan, None),
        (math.inf, None),
        (True, None),
        (False, None),
        (None, None),
        ([], None),
        ({}, None),
    ],
)
def test_to_str(value: Any, expected: Any) -> None:
    assert reading.to_str(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.5", 1.5),
        ("-2", -2.0),
        ("1e3", 1000.0),
        ("0.25E-1", 0.025),
        (3, 3),
        (2.5, 2.5),
        ("1e999", None),  # overflows to infinity
        ("NaN", None),
        ("Infinity", None),
        (".5", None),
        ("01", None),
        ("1.", None),
        ("", None),
        (True, None),
        (math.nan, None),
    ],
)
def test_to_float(value: Any, expected: Any) -> None:
    got = reading.to_float(value)
    assert got == expected and type(got) is type(expected)


def test_coerce_tries_each_kind_in_order() -> None:
    assert reading.coerce("12", ("int", "str")) == 12
    assert reading.coerce(1.5, ("int", "str")) == "1.5"
    assert reading.coerce(True, ("int", "str", "bool")) is None
    assert reading.coerce({}, ("str",)) is None


def test_deviation_log_warns_once_per_pattern(caplog: pytest.LogCaptureFixture) -> None:
    log = reading.DeviationLog()
    first = [
        Violation("/list/0/id", "type", None, "expected string, got integer", 5),
        Violation("/list/12/id", "type", None, "expected string, got integer", 6),
        Violation("/list/3/id", "max_length", None, "must be at most 2 characters, got 3", "x"),
    ]
    with caplog.at_level(logging.DEBUG, logger="outbound"):
        log.report("op", "response", first)
        log.report("op", "response", first[:1])
        log.report("other_op", "response", first[:1])
    levels = [(r.levelno, r.getMessage()) for r in caplog.records]
    said = "{}: the response deviates from its documented schema at {} [{}]; read tolerantly"
    assert levels == [
        (logging.WARNING, said.format("op", "/list/0/id", "type")),
        (logging.DEBUG, said.format("op", "/list/12/id", "type")),
        (logging.WARNING, said.format("op", "/list/3/id", "max_length")),
        (logging.DEBUG, said.format("op", "/list/0/id", "type")),
        (logging.WARNING, said.format("other_op", "/list/0/id", "type")),
    ]


def test_deviation_log_skips_debug_work_when_debug_is_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = reading.DeviationLog()
    deviation = Violation("", "type", None, "expected object, got array", [])
    with caplog.at_level(logging.WARNING, logger="outbound"):
        for _ in range(3):
            log.report("cb", "callback", [deviation])
    assert [r.getMessage() for r in caplog.records] == [
        "cb: the callback deviates from its documented schema at (body) [type]; read tolerantly"
    ]


def test_violation_value_is_kept_but_not_compared_or_shown() -> None:
    a = Violation("/x", "type", None, "expected string, got object", {"secret": "s3cr3t"})
    b = Violation("/x", "type", None, "expected string, got object")
    assert a == b and hash(a) == hash(b)
    assert a.value == {"secret": "s3cr3t"} and b.value is None
    assert "s3cr3t" not in str(a) and "s3cr3t" not in repr(a)
