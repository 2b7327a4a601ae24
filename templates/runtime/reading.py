"""Tolerant reading of response and callback bodies: what a model field cannot hold, and logs.

A success answer is never turned into an exception because it deviates from the documents
(the numbers were already added, the task already started). The generated validator of the
body lists the deviations; the generated `from_wire` reads every field with an inline type test
and calls the helpers here only when that test fails:

* a lossless scalar conversion is applied where the field's Python type needs it: a string of
  decimal digits (`"59"`, `"-3"`) for an `int` field becomes that int, an integral float
  (`59.0`) too; a JSON number for a `str` field becomes its decimal text (`5` → `"5"`); a
  numeric string for a `float` field becomes that float;
* anything else the field cannot hold (an object where a string is typed, `""`, `[]` or `null`
  where an object is typed, a Boolean where a number is) makes the field read None, and an
  array item that cannot be held is left out of the list. The raw value stays on the
  deviation (`Violation.value`), so nothing the server sent is lost.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable

from .errors import Violation

__all__ = ["DeviationLog", "coerce", "to_float", "to_int", "to_str"]

logger = logging.getLogger("outbound")

_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_MAX_DIGITS = 4300  # CPython's int_max_str_digits: int() refuses longer strings
_INDEX = re.compile(r"/[0-9]+(?=/|$)")


def to_str(value: object) -> str | None:
    """A JSON number as its decimal text; None for anything else (bool, null, containers)."""
    if type(value) is int:
        if value.bit_length() > 14_000:  # over ~4200 digits; str() refuses more than 4300
            return None
        return str(value)
    if type(value) is float and math.isfinite(value):
        return repr(value)
    return None


def to_int(value: object) -> int | None:
    """A string of decimal digits (optional `-`) or an integral float as an int; else None."""
    if type(value) is str:
        if len(value) <= _MAX_DIGITS and _INTEGER.fullmatch(value) is not None:
            return int(value)
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is int:
        return value
    return None


def to_float(value: object) -> float | int | None:
    """A JSON-number string as a float; a number as is; else None."""
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return value
    if type(value) is str and len(value) <= _MAX_DIGITS and _NUMBER.fullmatch(value) is not None:
        number = float(value)
        return number if math.isfinite(number) else None
    return None


_CONVERSIONS = {"str": to_str, "int": to_int, "float": to_float}


def coerce(value: object, kinds: Iterable[str]) -> object:
    """The first lossless conversion of `value` to one of `kinds` (`str`, `int`, `float`,
    `bool`), or None. The caller has already found that `value` is none of them as is."""
    for kind in kinds:
        convert = _CONVERSIONS.get(kind)
        if convert is not None:
            converted = convert(value)
            if converted is not None:
                return converted
    return None


class DeviationLog:
    """Logs each deviation at WARNING the first time it is seen, at DEBUG afterwards.

    "The same deviation" is the same (operation or callback, path with array indices replaced
    by `*`, rule), so a bulk load whose every record lacks a field warns once, not once per
    record. One log per client instance (and one per callback parser). A message names the
    operation, the path and the rule, never a value: values stay on `Violation.value`.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: set[tuple[str, str, str]] = set()

    def report(self, name: str, what: str, deviations: Iterable[Violation]) -> None:
        for deviation in deviations:
            key = (name, _INDEX.sub("/*", deviation.path), deviation.rule)
            if key not in self._seen:
                self._seen.add(key)
                level = logging.WARNING
            elif logger.isEnabledFor(logging.DEBUG):
                level = logging.DEBUG
            else:
                continue
            logger.log(
                level,
                "%s: the %s deviates from its documented schema at %s [%s]; read tolerantly",
                name,
                what,
                deviation.path or "(body)",
                deviation.rule,
            )
