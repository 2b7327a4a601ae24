"""JSON Pointers (RFC 6901) over decoded JSON values.

`Violation.path` and every `Envelope` field are JSON Pointers: `""` is the whole document,
`/callDataList/3/called` the `called` of the fourth item.
"""

from __future__ import annotations

import functools
from typing import Any, Final

__all__ = ["MISSING", "escape", "join", "resolve", "split", "unescape", "with_value"]


class _Missing:
    """Type of `MISSING`: what `resolve` returns when nothing lives at the pointer."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()


def escape(token: str) -> str:
    """One reference token: `~` → `~0`, `/` → `~1`."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def split(pointer: str) -> list[str]:
    """`/a/b~1c` → `["a", "b/c"]`; `""` → `[]`. Raises ValueError if not a pointer."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON Pointer must be empty or start with '/': {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


def join(*tokens: str | int) -> str:
    """`join("callDataList", 3, "called")` → `/callDataList/3/called`."""
    return "".join("/" + escape(str(t)) for t in tokens)


@functools.lru_cache(maxsize=256)
def _tokens(pointer: str) -> tuple[str, ...]:
    return tuple(split(pointer))


def resolve(document: Any, pointer: str) -> Any:
    """The value at `pointer`, or `MISSING` when there is none (never raises on a lookup)."""
    current = document
    for token in _tokens(pointer):  # envelope pointers are read on every response: cached
        if isinstance(current, dict):
            if token not in current:
                return MISSING
            current = current[token]
        elif isinstance(current, list):
            if not token.isascii() or not token.isdigit() or (len(token) > 1 and token[0] == "0"):
                return MISSING
            index = int(token)
            if index >= len(current):
                return MISSING
            current = current[index]
        else:
            return MISSING
    return current


def with_value(document: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    """A copy of `document` with `value` stored at `pointer`; the input is left untouched.

    Objects along the way are copied (shallowly) and created when missing; array indexes must
    exist. The pointer must name a member of an object (not the document itself).
    """
    tokens = split(pointer)
    if not tokens:
        raise ValueError("cannot replace the whole document")
    root: dict[str, Any] = dict(document)
    parent: Any = root
    for token in tokens[:-1]:
        child: Any
        if isinstance(parent, dict):
            child = _copy(parent.get(token, {}))
            parent[token] = child
        elif isinstance(parent, list) and token.isdigit() and int(token) < len(parent):
            child = _copy(parent[int(token)])
            parent[int(token)] = child
        else:
            raise ValueError(f"{pointer!r}: cannot step into {token!r}")
        parent = child
    if not isinstance(parent, dict):
        raise TypeError(f"{pointer!r} does not name a member of an object")
    parent[tokens[-1]] = value
    return root


def _copy(container: Any) -> Any:
    if isinstance(container, dict):
        return dict(container)
    if isinstance(container, list):
        return list(container)
    raise ValueError(f"cannot store a value inside a {type(container).__name__}")
