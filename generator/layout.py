"""Statements too long for a line, split the way black splits them, so black has nothing to change.

Only the shapes the templates emit: a literal after a prefix (black gives each item of a split
list, tuple or dict a line of its own, with a trailing comma), and a call (its arguments on
one indented line if they fit there, else one per line). Each returns the statement's text
with its first line unindented (the template puts it where it belongs) and the others
indented by `indent`.

The generated code is still formatted by black: a layout black would change costs it a second
pass over that piece (see formatting.py), never a different result.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .formatting import LINE_LENGTH
from .literals import literal


def width(text: str) -> int:
    """Columns, as black counts them: East Asian wide characters take two, combining none."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def laid(prefix: str, value: Any, suffix: str = "", indent: int = 0) -> str:
    """`prefix + literal(value) + suffix`. A prefix ending with `(` and a suffix starting with
    `)` make it a call with `value` as its one argument."""
    pad = " " * indent
    if prefix.endswith("(") and suffix.startswith(")"):
        one = pad + prefix + literal(value) + suffix
        if width(one) <= LINE_LENGTH:
            return one[indent:]
        body = _literal_lines("", value, "", indent + 4)
        return "\n".join([prefix, *body, pad + suffix])
    return "\n".join(_literal_lines(prefix, value, suffix, indent))[indent:]


def call(prefix: str, arguments: list[str], suffix: str = "", indent: int = 0) -> str:
    """`prefix + ", ".join(arguments) + suffix`, where `prefix` ends with the call's `(` and
    `suffix` starts with its `)`; the arguments are expressions that fit a line."""
    pad, inner = " " * indent, " " * (indent + 4)
    joined = ", ".join(arguments)
    if width(pad + prefix + joined + suffix) <= LINE_LENGTH:
        return prefix + joined + suffix
    if width(inner + joined) <= LINE_LENGTH:
        return "\n".join([prefix, inner + joined, pad + suffix])
    return "\n".join([prefix, *(inner + a + "," for a in arguments), pad + suffix])


def _literal_lines(prefix: str, value: Any, suffix: str, indent: int) -> list[str]:
    pad = " " * indent
    one = pad + prefix + literal(value) + suffix
    if width(one) <= LINE_LENGTH or not isinstance(value, (list, tuple, dict)) or not value:
        return [one]  # fits, or nothing to split (black would leave it too long, or wrap it)
    if isinstance(value, dict):
        items = [(f"{literal(k)}: ", v) for k, v in value.items()]
        opening, closing = "{", "}"
    else:
        items = [("", v) for v in value]
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
    lines = [pad + prefix + opening]
    for item_prefix, item in items:
        lines += _literal_lines(item_prefix, item, ",", indent + 4)
    lines.append(pad + closing + suffix)
    return lines
