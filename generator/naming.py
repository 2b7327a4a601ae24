"""Every name the generated code uses is decided here, from wire names."""

from __future__ import annotations

import keyword
import re

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_IDENT = re.compile(r"[^0-9A-Za-z_]+")

# Names the generated modules use themselves; a field of that name gets a trailing underscore.
RESERVED = frozenset({"self", "cls", "extra", "to_wire", "from_wire"}) | frozenset(
    {"bool", "int", "str", "float", "list", "dict", "object", "type", "any", "json"}
)


def snake(name: str) -> str:
    """`callDataList` → `call_data_list`; `Content-Type` → `content_type`; keywords get `_`."""
    s = _BOUNDARY.sub("_", name)
    s = _NOT_IDENT.sub("_", s).strip("_").lower()
    s = re.sub(r"__+", "_", s)
    if not s:
        s = "field"
    if s[0].isdigit():
        s = "n" + s
    if keyword.iskeyword(s) or keyword.issoftkeyword(s) or s in RESERVED:
        s += "_"
    return s


def pascal(name: str) -> str:
    """`call_data_list` / `callDataList` → `CallDataList`."""
    parts = snake(name).rstrip("_").split("_")
    s = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not s or s[0].isdigit():
        s = "T" + s
    return s


def upper_snake(name: str) -> str:
    return snake(name).rstrip("_").upper()
