"""Date/time formats as exact regular expressions, shared by the JSON Schema and the validators.

A regex (rather than a call to datetime) lets JSON Schema express "a real calendar date" as a
plain `pattern`, so the emitted schema and the generated validator agree on every value.
Years 0001–9999 of the proleptic Gregorian calendar, leap years included (what `datetime.date`
accepts); `tests/test_formats.py` checks this against datetime for every day of many years.
"""

from __future__ import annotations

_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_YEAR = r"(?!0000)[0-9]{4}"
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
DATE = rf"(?:{_LEAP_YEAR}-02-29|{_YEAR}-{_MONTH_DAY})"
TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"

PATTERNS = {
    "date": f"^{DATE}$",
    "time": f"^{TIME}$",
    "datetime": f"^{DATE} {TIME}$",
}
DESCRIPTIONS = {
    "date": "a real date as yyyy-MM-dd",
    "time": "a time of day as HH:mm:ss",
    "datetime": "a real date and time as yyyy-MM-dd HH:mm:ss",
}
INTEGER_STRING = "^[0-9]+$"


def char_class(chars: str) -> str:
    """A regex class matching any one of `chars` (valid in Python and ECMA-262 alike)."""
    return "[" + "".join("\\" + c if c in "\\]^-[" else c for c in chars) + "]"
