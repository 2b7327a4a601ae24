"""The typed intermediate representation of a spec.

Everything the emitters need is decided here or in `build.py` (names, resolved references,
derived limits), so emitters and templates only render. All classes are frozen: an IR, once
built and checked, never changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .pointers import split

Json = Any  # a JSON value: None, bool, int, float, str, list, dict

WIRE_TYPES = (
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "object",
    "null",
    "any",
    "integer_string",
)
RULES = (
    "required",
    "required_if",
    "type",
    "unknown_field",
    "enum",
    "min_length",
    "max_length",
    "max_bytes",
    "pattern",
    "forbidden_chars",
    "format",
    "minimum",
    "maximum",
    "exclusive_minimum",
    "exclusive_maximum",
    "min_items",
    "max_items",
    "unique",
    "exactly_one_of",
    "dependent_required",
    "must_match",
)
FORMATS = {"date": "yyyy-MM-dd", "time": "HH:mm:ss", "datetime": "yyyy-MM-dd HH:mm:ss"}


def version_key(version: str) -> tuple[int, int, int]:
    """A spec version ("1.10.0", MAJOR.MINOR.PATCH as the meta-schema allows) as numbers."""
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


class Pos:
    """Where something was written: `file:line:col`, 1-based.

    Building a large spec makes tens of thousands of positions and prints a few, so a loader
    may give one that is found when first read (`Pos.later`).
    """

    __slots__ = ("_col", "_find", "_line", "file")

    def __init__(self, file: str, line: int, col: int) -> None:
        self.file = file
        self._line = line
        self._col = col
        self._find: tuple[Callable[..., tuple[int, int]], tuple[Any, ...]] | None = None

    @classmethod
    def later(cls, file: str, find: Callable[..., tuple[int, int]], *args: Any) -> Pos:
        """A position `find(*args)` gives (line, col) of, asked once, when first read."""
        pos = object.__new__(cls)
        pos.file = file
        pos._find = (find, args)
        return pos

    def _found(self) -> None:
        if self._find is not None:
            find, args = self._find
            self._line, self._col = find(*args)
            self._find = None

    @property
    def line(self) -> int:
        self._found()
        return self._line

    @property
    def col(self) -> int:
        self._found()
        return self._col

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pos):
            return NotImplemented
        return (self.file, self.line, self.col) == (other.file, other.line, other.col)

    def __hash__(self) -> int:
        return hash((self.file, self.line, self.col))

    def __repr__(self) -> str:
        return f"Pos(file={self.file!r}, line={self.line}, col={self.col})"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Pos, (self.file, self.line, self.col))


@dataclass(frozen=True)
class EnumValue:
    """One documented value of an enum, and what the document says it means."""

    value: Json
    meaning: str


@dataclass(frozen=True)
class RequiredIf:
    """A property required only when a sibling property has a given value."""

    field: str
    equals: Json


@dataclass(frozen=True)
class Schema:
    """One JSON value: its wire types and the constraints on it."""

    pos: Pos
    types: tuple[str, ...]
    description: str = ""
    source: str | None = None
    has_default: bool = False
    default: Json = None
    enum: tuple[EnumValue, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    max_bytes: int | None = None
    pattern: str | None = None
    forbidden_chars: str | None = None
    format: str | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    exclusive_minimum: int | float | None = None
    exclusive_maximum: int | float | None = None
    items: Schema | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique_by: str | None = None
    unique: bool = False
    object: ObjectType | None = None
    must_match: str | None = None
    codes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, **fields: Any) -> Schema:
        """Schema(**fields), made faster: a frozen dataclass sets each of its 25 fields through
        object.__setattr__, and a spec of 1000 operations makes 22,000 schemas."""
        schema = object.__new__(cls)
        schema.__dict__.update(_SCHEMA_DEFAULTS, **fields)
        return schema

    @property
    def nullable(self) -> bool:
        return "null" in self.types

    @property
    def non_null_types(self) -> tuple[str, ...]:
        return tuple(t for t in self.types if t != "null")


_SCHEMA_DEFAULTS = {
    f.name: f.default for f in dataclasses.fields(Schema) if f.default is not dataclasses.MISSING
}


@dataclass(frozen=True)
class Property:
    """One property of an object type: its wire and Python names, schema and requiredness."""

    name: str  # as on the wire
    py_name: str  # snake_case Python attribute / keyword argument
    schema: Schema
    required: bool = False
    required_if: RequiredIf | None = None
    inferred: bool = False
    pos: Pos | None = None


@dataclass(frozen=True)
class ObjectType:
    """A JSON object: a model class of the generated package."""

    name: str  # Python class name
    pos: Pos
    properties: tuple[Property, ...] = ()
    exactly_one_of: tuple[str, ...] = ()
    dependent_required: tuple[tuple[str, tuple[str, ...]], ...] = ()
    description: str = ""
    source: str | None = None
    named: bool = False  # declared under `types:` (else inline)

    def prop(self, name: str) -> Property | None:
        for p in self.properties:
            if p.name == name:
                return p
        return None


@dataclass(frozen=True)
class Header:
    """A header an operation sends: a fixed value, or a credential the caller gives."""

    name: str
    value: str | None
    credential: bool
    source: str | None


@dataclass(frozen=True)
class Guard:
    """Refuse the call unless one group of arguments is given in full (non-empty), or `confirm`.

    `unless_any_of` holds the groups; a single argument is a group of one.
    """

    unless_any_of: tuple[tuple[str, ...], ...]
    confirm: str
    note: str | None

    @property
    def text(self) -> str:
        """The groups for a message: `sessionId, called, recycleTime with recycleType`."""
        return ", ".join(" with ".join(group) for group in self.unless_any_of)


@dataclass(frozen=True)
class Paging:
    """A listing read page by page: the client's `iter_<op>` asks for page after page.

    `page` and `page_size` are argument (wire) names; `items`, `total_pages` and `total_items`
    are pointers into the response. The walk stops after `total_pages` pages or `total_items`
    items (whichever a page states and comes first), and at a page with no item.
    """

    page: str
    items: str
    page_size: str | None = None
    total_pages: str | None = None
    total_items: str | None = None
    first_page: int = 1
    note: str | None = None


@dataclass(frozen=True)
class ExpectedViolation:
    """A rule a documented example is known to break (the document's own mistake)."""

    path: str
    rule: str


@dataclass(frozen=True)
class Example:
    """A body the document shows, checked against the spec by `callgen check`."""

    name: str
    kind: Literal["request", "response", "callback"]
    body: Json
    pos: Pos
    source: str | None = None
    expect_violations: tuple[ExpectedViolation, ...] = ()
    # JSON Pointer of a value inside `body` → where it was written, for error messages
    positions: tuple[tuple[str, Pos], ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Limit:
    """A documented limit on calls (batch size, interval, quota) and who enforces it."""

    id: str
    kind: str
    enforced_by: str
    pos: Pos
    operation: str | None = None
    value: int | float | None = None
    code: str | None = None
    source: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Operation:
    """One HTTP call of a vendor: its route, bodies, headers, codes and guards."""

    id: str
    method: str
    path: str
    pos: Pos
    request: Schema
    response: Schema
    summary: str = ""
    source: str | None = None
    query: tuple[tuple[str, str], ...] = ()
    path_params: tuple[Property, ...] = ()
    headers: tuple[Header, ...] = ()
    creates: bool = False
    arguments_at: str = ""
    error_codes: tuple[str, ...] = ()
    guard: Guard | None = None
    batch_field: str | None = None
    paging: Paging | None = None
    min_interval: float | None = None  # from a client-enforced min_interval limit
    examples: tuple[Example, ...] = ()

    @property
    def paging_method(self) -> str:
        """The client method walking the pages (`paging`): `iter_<id>`."""
        return f"iter_{self.id}"

    @property
    def arguments(self) -> ObjectType:
        """The object whose properties become the client method's keyword arguments."""
        target = schema_at(self.request, self.arguments_at)
        assert target is not None and target.object is not None
        return target.object


@dataclass(frozen=True)
class Callback:
    """A body the vendor pushes to the caller's server."""

    name: str
    pos: Pos
    body: Schema
    summary: str = ""
    source: str | None = None
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class ErrorCode:
    """One documented result code, with its texts as each document words them."""

    code: str
    name: str
    pos: Pos
    texts: tuple[tuple[str, str], ...]  # (source, text)
    operations: tuple[str, ...] = ()
    retryable: bool = False
    success: bool = False
    scope: str = "service"  # item | data | service: what a refusal with this code blames

    @property
    def description(self) -> str:
        return self.texts[0][1] if self.texts else ""


@dataclass(frozen=True)
class Auth:
    """How calls are authenticated (the scheme and where its parts go)."""

    scheme: str
    source: str | None = None
    body_field: str | None = None
    header: str | None = None
    app_id_header: str | None = None
    timestamp_header: str | None = None
    sign_header: str | None = None


@dataclass(frozen=True)
class Envelope:
    """Where every answer keeps its code, message and data, and which codes mean success."""

    code: str
    success: tuple[Json, ...]
    message: str | None = None
    data: str | None = None
    request_id: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Note:
    """A decision or observation about the documents, recorded in the spec."""

    id: str
    text: str
    decision: str
    source: str | None = None
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """A vendor document the spec transcribes."""

    id: str
    file: str
    title: str


@dataclass(frozen=True)
class ReleaseChange:
    """One line of a changelog entry: what changed, why, and the document passage."""

    change: str
    why: str
    source: str
    kind: str | None = None  # breaking | compatible | documentation, as `callgen diff` says


@dataclass(frozen=True)
class Release:
    """The changelog entry of one version of a spec."""

    version: str
    pos: Pos
    changes: tuple[ReleaseChange, ...]


@dataclass(frozen=True)
class Service:
    """One vendor service: a spec file, checked and built."""

    name: str
    title: str
    file: str
    pos: Pos
    auth: Auth
    envelope: Envelope
    sources: tuple[Source, ...] = ()
    base_url: str | None = None
    base_url_source: str | None = None
    error_codes: tuple[ErrorCode, ...] = ()
    rule_codes: tuple[tuple[str, str], ...] = ()
    types: tuple[ObjectType, ...] = ()
    operations: tuple[Operation, ...] = ()
    callbacks: tuple[Callback, ...] = ()
    limits: tuple[Limit, ...] = ()
    notes: tuple[Note, ...] = ()
    version: str | None = None  # semver; None only for specs written before versioning
    changelog: tuple[Release, ...] = ()  # newest first
    # the spec file's bytes, shipped with the generated package as the snapshot it came from
    text: bytes = field(default=b"", compare=False, repr=False)

    def operation(self, op_id: str) -> Operation | None:
        return next((o for o in self.operations if o.id == op_id), None)

    def callback(self, name: str) -> Callback | None:
        return next((c for c in self.callbacks if c.name == name), None)

    def code_for(self, rule: str, schema: Schema) -> str | None:
        """The vendor's documented code for a violation of `rule` on `schema`, if any."""
        for r, code in schema.codes:
            if r == rule:
                return code
        for r, code in self.rule_codes:
            if r == rule:
                return code
        return None


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
