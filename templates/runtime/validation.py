"""Helpers the generated validators call: kept tiny, since they run for every field."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from math import isfinite

from .pointer import MISSING, escape

__all__ = ["MISSING", "Context", "collect", "escape", "isfinite", "show", "type_name", "unique_key"]

_JSON_NAMES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
    type(None): "null",
}


def type_name(value: object) -> str:
    """The JSON name of a value's type, for messages ("expected string, got integer")."""
    return _JSON_NAMES.get(type(value), type(value).__name__)


def show(value: object) -> str:
    """A number or string for a message: its repr, but an integer too long to print (Python
    refuses more than 4300 digits) is described by its size instead."""
    if type(value) is int and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    return repr(value)


def excerpt(text: str, limit: int = 40) -> str:
    """A string a deviation message shows: quoted, cut to `limit` characters."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def unique_key(value: object) -> object:
    """A hashable key with JSON equality: 1 equals 1.0, but true is not 1.

    A value JSON cannot encode (nested too deeply, keys that are not strings, foreign objects)
    is its own key: it equals nothing else, and its item reports its own type violation.
    """
    if type(value) is str:
        return value
    if type(value) is bool:
        return (bool, value)
    if type(value) is int or type(value) is float:
        return (float, value)
    try:
        return (object, json.dumps(value, sort_keys=True, allow_nan=True))
    except (TypeError, ValueError, RecursionError):
        return (id, id(value))


def collect(value: object, tokens: tuple[str, ...]) -> Iterator[object]:
    """Every value found at a pointer whose `*` tokens step into each array item."""
    if not tokens:
        yield value
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*" and type(value) is list:
        for item in value:
            yield from collect(item, rest)
    elif type(value) is dict and head in value:
        yield from collect(value[head], rest)


class Context(dict[str, frozenset[object]]):
    """Per-body facts a rule needs beyond its own value: the values a `must_match` may take.

    Computed on first use, so bodies without such rules pay nothing.
    """

    __slots__ = ("body", "pointers")

    def __init__(self, body: object, pointers: Mapping[str, tuple[str, ...]]) -> None:
        super().__init__()
        self.body = body
        self.pointers = pointers

    def __missing__(self, key: str) -> frozenset[object]:
        found = frozenset(
            v for v in collect(self.body, self.pointers[key]) if type(v) in (str, int, float, bool)
        )
        self[key] = found
        return found
