"""JSON Pointers (RFC 6901): escaping, splitting, joining (`ir.schema_at` walks a schema by one)."""

from __future__ import annotations


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
