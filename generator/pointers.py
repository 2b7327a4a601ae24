"""JSON Pointers (RFC 6901) over JSON values and over schemas; `*` stands for any array item."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ir import Schema


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def split(pointer: str) -> list[str]:
    """`/a/b~1c` → ["a", "b/c"]; "" → []. Raises ValueError if not a pointer."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON Pointer must be empty or start with '/': {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


def join(tokens: list[str] | tuple[str | int, ...]) -> str:
    return "".join("/" + escape(str(t)) for t in tokens)


def schema_at(schema: Schema, pointer: str) -> Schema | None:
    """The schema of the value at `pointer` (`*` or a number steps into array items)."""
    current: Schema | None = schema
    for token in split(pointer):
        if current is None:
            return None
        if current.items is not None and (token == "*" or token.isdigit()):
            current = current.items
        elif current.object is not None:
            prop = current.object.prop(token)
            current = prop.schema if prop else None
        else:
            return None
    return current
