"""Every name the generated code uses is decided here, from wire names."""

from __future__ import annotations

import keyword
import re

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_IDENT = re.compile(r"[^0-9A-Za-z_]+")

# Names the generated modules use themselves; a field of that name gets a trailing underscore.
# Fields are also client method arguments, so the client's locals and the validator functions
# it calls are reserved too: an argument named `body` would otherwise shadow the body it builds.
RESERVED = (
    frozenset({"self", "cls", "extra", "deviations", "to_wire", "from_wire"})
    | frozenset({"bool", "int", "str", "float", "list", "dict", "object", "type", "any", "json"})
    | frozenset({"body", "params", "arguments", "raw", "response", "violations"})
    | frozenset({"progress", "send", "prevalidate", "chunk", "item", "walk"})
    | frozenset({"validate_path", "validate_request", "validate_response", "validate_callback"})
    | frozenset({"l"})  # ruff E741: looks like 1 (O and I cannot occur: snake_case is lowercase)
)

# Names a class of ours must not take: Python keywords that look like types, and the names the
# models module imports or a service package exports beside its models.
RESERVED_CLASSES = frozenset(
    {"None", "True", "False", "Any", "Literal", "Mapping", "Self", "TypeVar", "I", "O"}  # E742
    | {"ApiError", "AsyncClient", "BatchProgress", "BatchReport", "Client", "ConfirmationRequired"}
    | {"ErrorCode", "ResponseError", "TransportError", "ValidationError", "Violation"}
    | {"CallbackName", "OperationId"}
)


def _ascii(name: str) -> str:
    """Non-ASCII letters and digits become `u<hex>` words: `名字` → `u540d_u5b57`, distinct
    from every other name (dropping them would turn every Chinese wire name into one)."""
    return "".join(f"_u{ord(c):04x}_" if not c.isascii() and c.isalnum() else c for c in name)


def snake(name: str) -> str:
    """`callDataList` → `call_data_list`; `Content-Type` → `content_type`; keywords get `_`."""
    s = _BOUNDARY.sub("_", name)
    s = _NOT_IDENT.sub("_", _ascii(s)).strip("_").lower()
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


def method_problem(name: str) -> str | None:
    """Why an operation id cannot be a client method name, or None when it can."""
    if keyword.iskeyword(name):  # soft keywords (match, type) are fine as method names
        return f"operation id {name!r} is a Python keyword and cannot name a client method"
    if name == "l":
        return "operation id 'l' reads like 1 in most fonts (ruff E743); choose a longer name"
    if name in ("close", "aclose"):
        return f"operation id {name!r} would replace the client's own {name}() method"
    return None


def class_problem(name: str) -> str | None:
    """Why a class name would clash with a name the generated modules use, or None."""
    if name in RESERVED_CLASSES:
        return f"class name {name!r} is a name the generated package already uses; rename the type"
    return None
