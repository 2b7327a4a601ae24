"""generator.formats: the date/time regexes accept exactly the real calendar values.

The oracle is `datetime.strptime` plus a canonical-form check: strptime alone also takes
unpadded fields ("2020-9-7"), any Unicode digit ("٢٠٢٠-..."), and runs of whitespace for a
space, none of which is the documented yyyy-MM-dd / HH:mm:ss; so a string is valid when strptime
parses it and printing the parsed value back with a 4-digit year and zero-padded fields gives
the same string. The regexes are used with `fullmatch` by the validators and with `re.search`
(after `$` → `\\Z`, i.e. ECMA-262 semantics) by JSON Schema; both readings are checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import formats
from generator.emit_schema import _to_python

YEARS = [1, 4, 100, 400, 1900, 2000, 2023, 2024, 9999]
FULL = {k: re.compile(p) for k, p in formats.PATTERNS.items()}
ECMA = {k: re.compile(_to_python(p)) for k, p in formats.PATTERNS.items()}
STRPTIME = {"date": "%Y-%m-%d", "time": "%H:%M:%S", "datetime": "%Y-%m-%d %H:%M:%S"}


def canonical(kind: str, value: dt.datetime) -> str:
    date = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    time = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return {"date": date, "time": time, "datetime": f"{date} {time}"}[kind]


def oracle(kind: str, text: str) -> bool:
    try:
        parsed = dt.datetime.strptime(text, STRPTIME[kind])
    except ValueError:
        return False
    return canonical(kind, parsed) == text


def regex(kind: str, text: str) -> bool:
    full = FULL[kind].fullmatch(text) is not None
    ecma = ECMA[kind].search(text) is not None
    assert full == ecma, f"fullmatch and ECMA search differ on {text!r}"
    return full


def agree(kind: str, text: str) -> None:
    assert regex(kind, text) == oracle(kind, text), f"{kind} {text!r}: regex {regex(kind, text)}"


def days(year: int) -> Iterator[dt.date]:
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        if day == dt.date.max:
            return
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("year", YEARS)
def test_every_day_of_the_year_is_a_date(year: int) -> None:
    count = 0
    for day in days(year):
        text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
        assert regex("date", text) and oracle("date", text), text
        assert regex("datetime", text + " 00:00:00") and regex("datetime", text + " 23:59:59")
        count += 1
    assert count == (366 if year in (4, 400, 2000, 2024) else 365)


@pytest.mark.parametrize("year", YEARS)
def test_every_month_day_combination(year: int) -> None:
    """Months 00–13 × days 00–32: real days match, nothing else does (2023-02-29, 2024-02-30...)."""
    for month in range(14):
        for day in range(33):
            text = f"{year:04d}-{month:02d}-{day:02d}"
            agree("date", text)
            agree("datetime", text + " 12:30:45")


def test_leap_years() -> None:
    for year, leap in [
        (1, False),
        (4, True),
        (100, False),
        (400, True),
        (1900, False),
        (2000, True),
        (2023, False),
        (2024, True),
        (2100, False),
        (9996, True),
        (9999, False),
    ]:
        assert regex("date", f"{year:04d}-02-29") is leap
        assert regex("datetime", f"{year:04d}-02-29 10:00:00") is leap


def test_year_zero_and_five_digit_years_are_not_dates() -> None:
    for text in ["0000-01-01", "0000-02-29", "10000-01-01", "999-01-01", "-001-01-01"]:
        agree("date", text)
        assert not regex("date", text)


def test_every_time_field_value() -> None:
    for n in range(100):
        for text in (
            f"{n:02d}:00:00",
            f"00:{n:02d}:00",
            f"00:00:{n:02d}",
            f"{n:02d}:{n % 60:02d}:{n % 61:02d}",
        ):
            agree("time", text)
            agree("datetime", "2024-02-29 " + text)
    assert (
        regex("time", "23:59:59")
        and not regex("time", "24:00:00")
        and not regex("time", "23:59:60")
    )


def test_every_second_of_a_day() -> None:
    start = dt.datetime(2024, 2, 29)
    for s in range(0, 24 * 3600, 7):  # every 7th second: all hours, minutes and seconds occur
        value = start + dt.timedelta(seconds=s)
        assert regex("time", canonical("time", value))
        assert regex("datetime", canonical("datetime", value))


NEAR_MISSES = [
    "2020-9-27",
    "2020-09-7",
    "20200927",
    "2020/09/27",
    " 2020-09-27",
    "2020-09-27 ",
    "2020-09-27\n",
    "٢٠٢٠-٠٩-٢٧",
    "２０２０-09-27",
    "2020-09-27T11:36:00",
    "2020-09-27  11:36:00",
    "2020-09-27 11:36",
    "2020-09-27 1:36:00",
    "11:36",
    "11:36:00.000",
    "11:36:00\n",
    "١١:٣٦:٠٠",
    "+2020-09-27",
    "",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses(text: str) -> None:
    for kind in formats.PATTERNS:
        agree(kind, text)
        assert not regex(kind, text)


_FIELD = st.one_of(
    st.integers(0, 99).map(lambda n: f"{n:02d}"),
    st.integers(0, 9999).map(str),
    st.sampled_from(["٣", "８", "00", "29", "30", "31", "60", "02", "2", " 1", "1\n"]),
)
_SHAPED = st.builds(
    lambda y, m, d, sep, h, mi, s: f"{y}-{m}-{d}{sep}{h}:{mi}:{s}",
    st.one_of(st.integers(0, 10000).map(lambda n: f"{n:04d}"), _FIELD),
    _FIELD,
    _FIELD,
    st.sampled_from([" ", "T", "  ", ""]),
    _FIELD,
    _FIELD,
    _FIELD,
)


@settings(max_examples=1500, deadline=None, derandomize=True, database=None)
@given(
    st.one_of(
        _SHAPED,
        _SHAPED.map(lambda t: t[:10]),
        _SHAPED.map(lambda t: t[-8:]),
        st.text(alphabet="0123456789-: T\n٣８", max_size=22),
        st.text(max_size=20),
    )
)
@example("2024-02-29 23:59:59")
@example("2023-02-29 10:00:00")
def test_random_strings(text: str) -> None:
    for kind in formats.PATTERNS:
        agree(kind, text)


def test_integer_string() -> None:
    pattern = re.compile(formats.INTEGER_STRING)
    for text, ok in [
        ("0", True),
        ("59", True),
        ("007", True),
        ("", False),
        ("-1", False),
        ("5a", False),
        ("٣", False),
        ("８", False),
        ("59\n", False),
        ("1.0", False),
        (" 1", False),
    ]:
        assert (pattern.fullmatch(text) is not None) is ok, text
        assert (re.search(_to_python(formats.INTEGER_STRING), text) is not None) is ok, text
