"""Python literals written the way black writes them, so black has nothing to change.

The generated code is still formatted by black; a literal it would rewrite only costs it a
second pass over that piece (see formatting.py), never a different result.
"""

from __future__ import annotations

from typing import Any


def literal(value: Any) -> str:
    """`repr(value)`, with strings in black's quotes; lists, tuples and dicts of them too."""
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def string(text: str) -> str:
    """A string literal in black's quotes: double, unless that needs more backslashes.

    repr already picks double quotes for text with a single quote and no double one; otherwise
    black swaps repr's single quotes for double ones when that escapes no more characters
    (a tie goes to double quotes).
    """
    r = repr(text)
    if r[0] == '"':
        return r
    doubles, singles = text.count('"'), text.count("'")
    if doubles and doubles > singles:
        return r
    # in repr's single-quoted body every ' is escaped and no " is
    return '"' + r[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
