"""`callgen diff`: what a spec change means for code that uses the generated package.

Two sets of specs are compared as IR (never as YAML text), item by item: services by name,
operations and callbacks by id, types by name, properties by wire name, error codes by code,
limits and notes by id. A rename therefore shows as a removal and an addition. Every change is
classified for callers of the package:

- breaking: something they use is gone or renamed, or a value the package accepted before is
  refused now (a limit tightened, a field newly required, a type changed), or what goes on the
  wire changed (route, method, headers, auth, envelope, success codes);
- compatible: something was added, or a value refused before is accepted now;
- documentation: texts, notes, sources, examples.

"Accepted" is read the same way for requests, responses and callbacks: the package checks all
three, so a response limit tightened is breaking too (answers that passed yesterday are
reported today). How each rule keyword moves that line is written once, in `DIRECTIONS`.
"""

from __future__ import annotations

import enum
import json
import marshal
import operator
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import pattern_order
from .errors import SpecError, SpecErrors
from .ir import (
    Callback,
    ErrorCode,
    Limit,
    ObjectType,
    Operation,
    Pos,
    Property,
    Schema,
    Service,
)
from .spec import (
    LoadedSpec,
    SpecText,
    check_distinct,
    check_document,
    folder_texts,
    no_cycle_collection,
    read_text,
)
from .yamlpos import Document, Reading, load_yaml, read_yaml
from .yamlpos import Path as YamlPath

BREAKING, COMPATIBLE, DOCUMENTATION = "breaking", "compatible", "documentation"
KINDS = (BREAKING, COMPATIBLE, DOCUMENTATION)


class Direction(enum.Enum):
    """How a change of one keyword's value moves the set of values the package accepts."""

    UPPER_BOUND = "lowering or adding it refuses values accepted before"
    LOWER_BOUND = "raising or adding it refuses values accepted before"
    RESTRICTIONS = "each member added refuses values accepted before"
    ALLOWED = "each member removed refuses values accepted before"
    PATTERN = "narrowed unless proven to accept every value it accepted before"
    CONDITION = "adding it refuses values; removing it accepts more; changing it may do both"
    FLAG = "turning it on refuses values accepted before"
    FEATURE = "something the package offers: adding it is compatible, removing or changing breaks"
    CODES = "documented codes: adding one is compatible, changing or removing one breaks"
    EXACT = "part of the wire contract or of the package's names: any change breaks"
    TEXT = "documentation only"


D = Direction
# One row per rule keyword of the spec language (schema, property and object keywords, and the
# kinds of `limits`): the knowledge `callgen diff` has of each rule. The structural keys of a
# spec (method, path, auth, …) are classified where they are compared, below.
DIRECTIONS: dict[str, Direction] = {
    "type": D.EXACT,  # the Python type of a field changes with it, whichever way
    "enum": D.ALLOWED,
    "min_length": D.LOWER_BOUND,
    "max_length": D.UPPER_BOUND,
    "max_bytes": D.UPPER_BOUND,
    "pattern": D.PATTERN,
    "forbidden_chars": D.RESTRICTIONS,
    "format": D.CONDITION,  # date, time and datetime accept disjoint values
    "minimum": D.LOWER_BOUND,
    "maximum": D.UPPER_BOUND,
    "exclusive_minimum": D.LOWER_BOUND,
    "exclusive_maximum": D.UPPER_BOUND,
    "min_items": D.LOWER_BOUND,
    "max_items": D.UPPER_BOUND,
    "unique": D.FLAG,
    "unique_by": D.CONDITION,
    "must_match": D.CONDITION,
    "ref": D.EXACT,  # the model class of a field
    "codes": D.CODES,  # Violation.code callers may match on
    "required": D.FLAG,
    "required_if": D.CONDITION,
    "inferred": D.TEXT,
    "python_name": D.EXACT,  # the field's attribute and keyword argument in Python
    "exactly_one_of": D.CONDITION,
    "dependent_required": D.RESTRICTIONS,  # (property, needs) pairs
    "default": D.TEXT,  # informational: callers send what they mean
    "description": D.TEXT,
    "source": D.TEXT,
    # limits, by kind
    "max_items_per_call": D.UPPER_BOUND,
    "min_interval": D.LOWER_BOUND,  # a longer minimum interval paces callers more
    "server_quota": D.UPPER_BOUND,
    "enforced_by": D.FLAG,  # compared as "enforced by the client"
}

_SCHEMA_KEYWORDS = (
    "type",
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
    "unique_by",
    "must_match",
    "codes",
    "default",
    "description",
    "source",
)


@dataclass(frozen=True)
class Delta:
    """One classified change of one keyword's value."""

    kind: str
    what: str  # "lowered", "value 3 removed", …
    old: Any
    new: Any


def compare(direction: Direction, old: Any, new: Any) -> list[Delta]:
    """The classified differences between two values of one keyword (None: not written)."""
    if old == new:
        return []
    if direction in (D.UPPER_BOUND, D.LOWER_BOUND):
        if old is None:
            return [Delta(BREAKING, "added", old, new)]
        if new is None:
            return [Delta(COMPATIBLE, "removed", old, new)]
        tighter = new < old if direction is D.UPPER_BOUND else new > old
        moved = "lowered" if new < old else "raised"
        return [Delta(BREAKING if tighter else COMPATIBLE, moved, old, new)]
    if direction is D.RESTRICTIONS:
        before, after = _members(old), _members(new)
        out = []
        if after - before:
            out.append(Delta(BREAKING, f"adds {_show_members(after - before)}", old, new))
        if before - after:
            out.append(Delta(COMPATIBLE, f"drops {_show_members(before - after)}", old, new))
        return out
    if direction is D.ALLOWED:
        if old is None:
            return [Delta(BREAKING, "added", old, new)]
        if new is None:
            return [Delta(COMPATIBLE, "removed", old, new)]
        before, after = _members(old), _members(new)
        out = [Delta(BREAKING, f"value {v} removed", old, new) for v in sorted(before - after)]
        out += [Delta(COMPATIBLE, f"value {v} added", old, new) for v in sorted(after - before)]
        return out
    if direction is D.PATTERN:
        if old is None:
            return [Delta(BREAKING, "added", old, new)]
        if new is None:
            return [Delta(COMPATIBLE, "removed", old, new)]
        wider = pattern_order.covers(old, new)
        narrower = pattern_order.covers(new, old)
        if wider and narrower:
            return [Delta(DOCUMENTATION, "rewritten, accepting the same values", old, new)]
        if wider:
            return [Delta(COMPATIBLE, "widened", old, new)]
        if narrower:
            return [Delta(BREAKING, "narrowed", old, new)]
        return [Delta(BREAKING, "changed (not proven to accept every value it did)", old, new)]
    if direction is D.CONDITION:
        if old is None:
            return [Delta(BREAKING, "added", old, new)]
        if new is None:
            return [Delta(COMPATIBLE, "removed", old, new)]
        return [Delta(BREAKING, "changed", old, new)]
    if direction is D.FLAG or (direction is D.FEATURE and isinstance(old or new, bool)):
        if bool(old) == bool(new):
            return []
        on = BREAKING if direction is D.FLAG else COMPATIBLE  # a feature turned on adds
        off = COMPATIBLE if direction is D.FLAG else BREAKING
        return [Delta(on, "turned on", old, new) if new else Delta(off, "turned off", old, new)]
    if direction is D.FEATURE:
        if not old:
            return [Delta(COMPATIBLE, "added", old, new)]
        return [Delta(BREAKING, "removed" if not new else "changed", old, new)]
    if direction is D.CODES:
        before, after = dict(old or {}), dict(new or {})
        out = []
        for key in sorted(before.keys() | after.keys()):
            b, a = before.get(key), after.get(key)
            if b == a:
                continue
            kind = COMPATIBLE if b is None else BREAKING
            verb = "added" if b is None else "removed" if a is None else "changed"
            out.append(Delta(kind, f"{key} {verb}", b, a))
        return out
    verb = "added" if old is None else "removed" if new is None else "changed"
    return [Delta(BREAKING if direction is D.EXACT else DOCUMENTATION, verb, old, new)]


def _members(value: Any) -> set[str]:
    """A value's members, each as its JSON text (so 1, "1" and true stay distinct)."""
    if value is None:
        return set()
    if isinstance(value, str):
        return {json.dumps(c, ensure_ascii=False) for c in value}
    return {json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value}


def _show_members(members: set[str]) -> str:
    return ", ".join(sorted(members))


@dataclass(frozen=True)
class Change:
    """One classified difference, where to see it in the new spec, and where it came from."""

    kind: str  # breaking | compatible | documentation
    service: str
    item: str  # what changed: "add_call_data request /callDataList", "error code 0200029"
    rule: str  # the keyword or kind of item: "max_length", "field", "operation"
    what: str  # "lowered", "removed", "value 3 added"
    old: str  # the old value as text ("none" when absent)
    new: str
    pos: Pos  # in the new spec (its nearest surviving ancestor when the item is gone)
    old_pos: Pos | None  # in the old spec, when the item was there
    source: str | None  # the document passage of the item
    removed: bool = False  # the item itself is gone: old_pos says where it was

    def __str__(self) -> str:
        return f"{self.pos}: {self.kind}: {self.message()}"

    def message(self) -> str:
        """The entry without its position: service, what changed, where it was, source."""
        where = f" (was at {self.old_pos})" if self.removed and self.old_pos else ""
        source = f" [{self.source}]" if self.source else ""
        return f"{self.service} {self.describe()}{where}{source}"

    def describe(self) -> str:
        """Item, rule, old → new: "CallData /customField: max_length lowered: 200 → 100"."""
        # "error code 0200029: added", not "error code 0200029: error code added"
        rule = "" if self.item.startswith(self.rule) else f"{self.rule} "
        subject = f"{self.item}: " if self.item else ""
        return f"{subject}{rule}{self.what}: {self.old} → {self.new}"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "service": self.service,
            "item": self.item,
            "rule": self.rule,
            "change": self.what,
            "old": self.old,
            "new": self.new,
            "file": self.pos.file,
            "line": self.pos.line,
            "column": self.pos.col,
            "old_file": self.old_pos.file if self.old_pos else None,
            "old_line": self.old_pos.line if self.old_pos else None,
            "source": self.source,
        }


def show_pair(old: Any, new: Any, limit: int = 80) -> tuple[str, str]:
    """Two values as an entry shows them ("none" when absent); long texts are cut around their
    first difference, so the change stays in view."""
    a, b = show(old), show(new)
    if len(a) <= limit and len(b) <= limit:
        return a, b
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), 0)
    start = max(0, start - limit // 4)

    def window(text: str) -> str:
        cut = ("…" if start else "") + text[start : start + limit]
        return cut + ("…" if start + limit < len(text) else "")

    return window(a), window(b)


def show(value: Any) -> str:
    """A value as JSON text (sets sorted), or "none" when absent."""
    if value is None:
        return "none"
    if isinstance(value, (set, frozenset)):
        value = sorted(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class _Walk:
    """Compares one service's two versions, collecting Changes."""

    def __init__(self, old: LoadedSpec, new: LoadedSpec) -> None:
        self.old, self.new = old, new
        self.name = new.service.name
        self.changes: list[Change] = []

    # -- recording ---------------------------------------------------------------------------

    def record(
        self,
        item: str,
        rule: str,
        deltas: list[Delta],
        old_path: YamlPath,
        new_path: YamlPath,
        source: str | None,
    ) -> None:
        for d in deltas:
            old, new = show_pair(d.old, d.new)
            self.changes.append(
                Change(
                    kind=d.kind,
                    service=self.name,
                    item=item,
                    rule=rule,
                    what=d.what,
                    old=old,
                    new=new,
                    pos=self.new.doc.pos(new_path, key=True),
                    old_pos=self.old.doc.pos(old_path, key=True),
                    source=source,
                )
            )

    def value(
        self,
        item: str,
        rule: str,
        direction: Direction,
        old: Any,
        new: Any,
        old_path: YamlPath,
        new_path: YamlPath,
        source: str | None,
    ) -> None:
        self.record(item, rule, compare(direction, old, new), old_path, new_path, source)

    def gone(
        self,
        item: str,
        rule: str,
        old: str,
        old_path: YamlPath,
        new_path: YamlPath,
        source: str | None,
    ) -> None:
        """An item of the old spec that the new one lacks: breaking."""
        self.changes.append(
            Change(
                kind=BREAKING,
                service=self.name,
                item=item,
                rule=rule,
                what="removed",
                old=old,
                new="none",
                pos=self.new.doc.pos(new_path, key=True),
                old_pos=self.old.doc.pos(old_path, key=True),
                source=source,
                removed=True,
            )
        )

    def added(
        self, kind: str, item: str, rule: str, new: str, new_path: YamlPath, source: str | None
    ) -> None:
        self.changes.append(
            Change(
                kind=kind,
                service=self.name,
                item=item,
                rule=rule,
                what="added",
                old="none",
                new=new,
                pos=self.new.doc.pos(new_path, key=True),
                old_pos=None,
                source=source,
            )
        )

    # -- the service -------------------------------------------------------------------------

    def service(self) -> None:
        o, n = self.old.service, self.new.service
        self.value("", "title", D.TEXT, o.title, n.title, ("title",), ("title",), None)
        self.value(
            "", "base_url", D.TEXT, o.base_url, n.base_url, ("base_url",), ("base_url",), None
        )
        self.value(
            "",
            "base_url source",
            D.TEXT,
            o.base_url_source,
            n.base_url_source,
            ("base_url", "source"),
            ("base_url", "source"),
            None,
        )
        old_sources = {s.id: (s.file, s.title) for s in o.sources}
        new_sources = {s.id: (s.file, s.title) for s in n.sources}
        for sid in sorted(old_sources.keys() | new_sources.keys()):
            path = ("sources", sid)
            self.value(
                f"source {sid}",
                "sources",
                D.TEXT,
                old_sources.get(sid),
                new_sources.get(sid),
                path,
                path,
                sid,
            )
        self.auth(o, n)
        self.envelope(o, n)
        self.value(
            "rule codes",
            "rule_codes",
            D.CODES,
            dict(o.rule_codes),
            dict(n.rule_codes),
            ("rule_codes",),
            ("rule_codes",),
            None,
        )
        self.error_codes(o, n)
        self.types(o, n)
        self.operations(o, n)
        self.callbacks(o, n)
        self.limits(o, n)
        self.notes(o, n)

    def auth(self, o: Service, n: Service) -> None:
        source = n.auth.source or o.auth.source
        if o.auth.scheme != n.auth.scheme:
            path = ("auth", "scheme")
            self.value("auth", "scheme", D.EXACT, o.auth.scheme, n.auth.scheme, path, path, source)
            return  # the other keys belong to the scheme
        for key in ("body_field", "header", "app_id_header", "timestamp_header", "sign_header"):
            path = ("auth", key)
            old, new = getattr(o.auth, key), getattr(n.auth, key)
            self.value("auth", key, D.EXACT, old, new, path, path, source)
        path = ("auth", "source")
        self.value("auth", "source", D.TEXT, o.auth.source, n.auth.source, path, path, source)

    def envelope(self, o: Service, n: Service) -> None:
        source = n.envelope.source or o.envelope.source
        for key in ("code", "message", "data", "request_id"):
            path = ("envelope", key)
            old, new = getattr(o.envelope, key), getattr(n.envelope, key)
            self.value("envelope", key, D.EXACT, old, new, path, path, source)
        path = ("envelope", "success")
        old_codes, new_codes = (
            sorted(set(s), key=json.dumps) for s in (o.envelope.success, n.envelope.success)
        )
        self.value("envelope", "success codes", D.EXACT, old_codes, new_codes, path, path, source)
        path = ("envelope", "source")
        self.value(
            "envelope", "source", D.TEXT, o.envelope.source, n.envelope.source, path, path, source
        )

    def error_codes(self, o: Service, n: Service) -> None:
        old_at = {c.code: i for i, c in enumerate(o.error_codes)}
        new_at = {c.code: i for i, c in enumerate(n.error_codes)}
        old_codes = {c.code: c for c in o.error_codes}
        for c in o.error_codes:
            if c.code not in new_at:
                item = f"error code {c.code}"
                self.gone(
                    item,
                    "error code",
                    c.name,
                    ("error_codes", old_at[c.code]),
                    ("error_codes",),
                    _code_source(c),
                )
        for i, c in enumerate(n.error_codes):
            new_path: YamlPath = ("error_codes", i)
            item = f"error code {c.code}"
            before = old_codes.get(c.code)
            if before is None:
                self.added(COMPATIBLE, item, "error code", c.name, new_path, _code_source(c))
                continue
            self.error_code(item, before, c, ("error_codes", old_at[c.code]), new_path)

    def error_code(
        self, item: str, o: ErrorCode, n: ErrorCode, old_path: YamlPath, new_path: YamlPath
    ) -> None:
        source = _code_source(n)
        for key, direction, old, new in (
            ("name", D.EXACT, o.name, n.name),  # the ErrorCode member callers use
            ("texts", D.TEXT, o.texts, n.texts),
            ("operations", D.TEXT, o.operations, n.operations),
            ("retryable", D.FEATURE, o.retryable, n.retryable),  # retried on the caller's behalf
            ("success", D.EXACT, o.success, n.success),
            ("scope", D.EXACT, o.scope, n.scope),  # whether a batch goes on after it
        ):
            self.value(item, key, direction, old, new, old_path + (key,), new_path + (key,), source)

    def types(self, o: Service, n: Service) -> None:
        old_types = {t.name: t for t in o.types}
        new_types = {t.name: t for t in n.types}
        for name, t in old_types.items():
            if name not in new_types:
                self.gone(name, "model", "model", ("types", name), ("types",), t.source)
        for name, t in new_types.items():
            before = old_types.get(name)
            if before is None:
                self.added(COMPATIBLE, name, "model", "model", ("types", name), t.source)
            else:
                self.object(name, "", before, t, ("types", name), ("types", name), t.source)

    def operations(self, o: Service, n: Service) -> None:
        old_ops = {op.id: op for op in o.operations}
        new_ops = {op.id: op for op in n.operations}
        for op_id, op in old_ops.items():
            if op_id not in new_ops:
                route = f"{op.method} {op.path}"
                self.gone(
                    op_id, "operation", route, ("operations", op_id), ("operations",), op.source
                )
        for op_id, op in new_ops.items():
            before = old_ops.get(op_id)
            if before is None:
                route = f"{op.method} {op.path}"
                self.added(COMPATIBLE, op_id, "operation", route, ("operations", op_id), op.source)
            else:
                self.operation(before, op)

    def operation(self, o: Operation, n: Operation) -> None:
        base: YamlPath = ("operations", n.id)
        source = n.source or o.source

        def field(key: str, direction: Direction, old: Any, new: Any, rule: str = "") -> None:
            path = base + (key,)
            self.value(n.id, rule or key, direction, old, new, path, path, source)

        field("method", D.EXACT, o.method, n.method)
        field("path", D.EXACT, o.path, n.path, "route")
        field("query", D.EXACT, dict(o.query) or None, dict(n.query) or None, "route query")
        old_headers = {h.name.lower(): h for h in o.headers}
        new_headers = {h.name.lower(): h for h in n.headers}
        for key in sorted(old_headers.keys() | new_headers.keys()):
            oh, nh = old_headers.get(key), new_headers.get(key)
            name = (nh or oh).name  # type: ignore[union-attr]
            old_value = (oh.value, oh.credential) if oh else None
            new_value = (nh.value, nh.credential) if nh else None
            old_path = base + ("headers", oh.name if oh else name)
            new_path = base + ("headers", nh.name if nh else name)
            header_source = (nh and nh.source) or (oh and oh.source) or source
            self.value(
                n.id,
                f"header {name}",
                D.EXACT,
                _header(old_value),
                _header(new_value),
                old_path,
                new_path,
                header_source,
            )
        field("arguments_at", D.EXACT, o.arguments_at, n.arguments_at)
        field("creates", D.FEATURE, o.creates, n.creates)  # a create is never resent
        field("batch", D.FEATURE, o.batch_field, n.batch_field)  # <op>_in_batches
        field("paging", D.FEATURE, _paging(o), _paging(n))  # iter_<op>
        old_guard = (list(o.guard.unless_any_of), o.guard.confirm) if o.guard else None
        new_guard = (list(n.guard.unless_any_of), n.guard.confirm) if n.guard else None
        field("guard", D.CONDITION, old_guard, new_guard)
        old_note, new_note = (o.guard and o.guard.note), (n.guard and n.guard.note)
        if old_guard and new_guard:  # the note that explains the guard
            field("guard", D.TEXT, old_note, new_note, "guard note")
        field("summary", D.TEXT, o.summary, n.summary)
        field("source", D.TEXT, o.source, n.source)
        field("error_codes", D.TEXT, o.error_codes, n.error_codes)
        self.examples(n.id, o.examples, n.examples, base, source)
        self.path_params(o, n, base)
        self.schema(
            f"{n.id} request",
            "",
            o.request,
            n.request,
            base + ("request",),
            base + ("request",),
            o.request.source or source,
        )
        self.schema(
            f"{n.id} response",
            "",
            o.response,
            n.response,
            base + ("response",),
            base + ("response",),
            o.response.source or source,
        )

    def path_params(self, o: Operation, n: Operation, base: YamlPath) -> None:
        old_params = {p.name: p for p in o.path_params}
        new_params = {p.name: p for p in n.path_params}
        for name, p in old_params.items():
            if name not in new_params:
                self.gone(
                    f"{n.id} path parameter {name}",
                    "path parameter",
                    _type_text(p),
                    base + ("path_params", name),
                    base + ("path_params",),
                    p.schema.source,
                )
        for name, p in new_params.items():
            path = base + ("path_params", name)
            before = old_params.get(name)
            if before is None:
                self.added(
                    BREAKING,
                    f"{n.id} path parameter {name}",
                    "path parameter",
                    _type_text(p),
                    path,
                    p.schema.source,
                )
            else:
                self.schema(
                    f"{n.id} path parameter {name}",
                    "",
                    before.schema,
                    p.schema,
                    path,
                    path,
                    p.schema.source or n.source,
                )

    def examples(
        self, item: str, old: Iterable[Any], new: Iterable[Any], base: YamlPath, source: str | None
    ) -> None:
        fields = {
            "kind": lambda e: e.kind,
            "body": lambda e: e.body,
            "expect_violations": lambda e: [[v.path, v.rule] for v in e.expect_violations] or None,
            "source": lambda e: e.source,
        }
        self.documents(f"{item} example", "example", old, new, base + ("examples",), fields, source)

    def documents(
        self,
        item: str,
        rule: str,
        old: Iterable[Any],
        new: Iterable[Any],
        base: YamlPath,
        fields: dict[str, Any],
        source: str | None,
    ) -> None:
        """Documentation entries (examples, notes) matched by name or id, field by field."""

        def key(entry: Any) -> str:
            return str(getattr(entry, "name", None) or entry.id)

        old_at = {key(e): (i, e) for i, e in enumerate(old)}
        new_at = {key(e): (i, e) for i, e in enumerate(new)}
        for name in sorted(old_at.keys() | new_at.keys()):
            here = f"{item} {name}"
            if name not in new_at:
                i, e = old_at[name]
                self.value(here, rule, D.TEXT, name, None, base + (i,), base, e.source or source)
                continue
            i, e = new_at[name]
            if name not in old_at:
                self.value(here, rule, D.TEXT, None, name, base, base + (i,), e.source or source)
                continue
            oi, oe = old_at[name]
            for field, get in fields.items():
                self.value(
                    here,
                    field,
                    D.TEXT,
                    get(oe),
                    get(e),
                    base + (oi, field),
                    base + (i, field),
                    e.source or source,
                )

    def callbacks(self, o: Service, n: Service) -> None:
        old_cbs = {c.name: c for c in o.callbacks}
        new_cbs = {c.name: c for c in n.callbacks}
        for name, cb in old_cbs.items():
            if name not in new_cbs:
                self.gone(
                    name, "callback", "callback", ("callbacks", name), ("callbacks",), cb.source
                )
        for name, cb in new_cbs.items():
            before = old_cbs.get(name)
            base: YamlPath = ("callbacks", name)
            if before is None:
                self.added(COMPATIBLE, name, "callback", "callback", base, cb.source)
            else:
                self.callback(before, cb, base)

    def callback(self, o: Callback, n: Callback, base: YamlPath) -> None:
        source = n.source or o.source
        for key, old, new in (("summary", o.summary, n.summary), ("source", o.source, n.source)):
            self.value(n.name, key, D.TEXT, old, new, base + (key,), base + (key,), source)
        self.examples(n.name, o.examples, n.examples, base, source)
        path = base + ("body",)
        self.schema(f"{n.name} callback", "", o.body, n.body, path, path, o.body.source or source)

    def limits(self, o: Service, n: Service) -> None:
        old_at = {lim.id: (i, lim) for i, lim in enumerate(o.limits)}
        new_at = {lim.id: (i, lim) for i, lim in enumerate(n.limits)}
        for lid, (i, lim) in old_at.items():
            if lid not in new_at:
                # a limit that no longer applies accepts more: compatible
                self.changes.append(
                    Change(
                        kind=COMPATIBLE,
                        service=self.name,
                        item=f"limit {lid}",
                        rule=lim.kind,
                        what="removed",
                        old=_limit_text(lim),
                        new="none",
                        pos=self.new.doc.pos(("limits",), key=True),
                        old_pos=self.old.doc.pos(("limits", i), key=True),
                        source=lim.source,
                        removed=True,
                    )
                )
        for lid, (i, lim) in new_at.items():
            path: YamlPath = ("limits", i)
            item = f"limit {lid}"
            if lid not in old_at:
                self.added(BREAKING, item, lim.kind, _limit_text(lim), path, lim.source)
                continue
            self.limit(item, old_at[lid][1], lim, ("limits", old_at[lid][0]), path)

    def limit(self, item: str, o: Limit, n: Limit, old_path: YamlPath, new_path: YamlPath) -> None:
        fields: list[tuple[str, str, Direction, Any, Any]] = []
        if o.kind != n.kind:
            fields.append(("kind", "kind", D.EXACT, o.kind, n.kind))
        else:
            fields.append(("value", n.kind, DIRECTIONS[n.kind], o.value, n.value))
        on_client = (o.enforced_by == "client", n.enforced_by == "client")
        fields += [
            ("enforced_by", "enforced by the client", DIRECTIONS["enforced_by"], *on_client),
            ("operation", "operation", D.EXACT, o.operation, n.operation),
            ("code", "code", D.TEXT, o.code, n.code),
            ("description", "description", D.TEXT, o.description, n.description),
            ("source", "source", D.TEXT, o.source, n.source),
        ]
        for key, rule, direction, old, new in fields:
            self.value(
                item, rule, direction, old, new, old_path + (key,), new_path + (key,), n.source
            )

    def notes(self, o: Service, n: Service) -> None:
        fields = {
            "text": lambda note: note.text,
            "decision": lambda note: note.decision,
            "about": lambda note: list(note.about),
            "source": lambda note: note.source,
        }
        self.documents("note", "note", o.notes, n.notes, ("notes",), fields, None)

    # -- bodies ------------------------------------------------------------------------------

    def schema(
        self,
        scope: str,
        pointer: str,
        o: Schema,
        n: Schema,
        old_path: YamlPath,
        new_path: YamlPath,
        source: str | None,
    ) -> None:
        item = f"{scope} {pointer}" if pointer else scope
        source = n.source or o.source or source
        keywords = _SCHEMA_KEYWORDS if _signature(o) != _signature(n) else ()
        for keyword in keywords:
            self.value(
                item,
                keyword,
                DIRECTIONS[keyword],
                _keyword(o, keyword),
                _keyword(n, keyword),
                old_path + (keyword,),
                new_path + (keyword,),
                source,
            )
        if o.enum and n.enum:  # meanings are documentation; the values were compared above
            old_meanings = {show(e.value): e.meaning for e in o.enum}
            for e in n.enum:
                before = old_meanings.get(show(e.value))
                if before is not None and before != e.meaning:
                    path = new_path + ("enum",)
                    self.record(
                        item,
                        "enum",
                        [
                            Delta(
                                DOCUMENTATION,
                                f"meaning of {show(e.value)} changed",
                                before,
                                e.meaning,
                            )
                        ],
                        old_path + ("enum",),
                        path,
                        source,
                    )
        if o.object is not None and n.object is not None:
            if o.object.named or n.object.named:
                old_ref = o.object.name if o.object.named else "an inline object"
                new_ref = n.object.name if n.object.named else "an inline object"
                self.value(
                    item,
                    "ref",
                    DIRECTIONS["ref"],
                    old_ref,
                    new_ref,
                    old_path + ("ref",),
                    new_path + ("ref",),
                    source,
                )
            else:
                self.object(scope, pointer, o.object, n.object, old_path, new_path, source)
        if o.items is not None and n.items is not None:
            self.schema(
                scope,
                pointer + "/*",
                o.items,
                n.items,
                old_path + ("items",),
                new_path + ("items",),
                source,
            )

    def object(
        self,
        scope: str,
        pointer: str,
        o: ObjectType,
        n: ObjectType,
        old_path: YamlPath,
        new_path: YamlPath,
        source: str | None,
    ) -> None:
        item = f"{scope} {pointer}" if pointer else scope
        source = n.source or o.source or source
        if o.named:  # a named type's own description and source (inline ones are the schema's)
            for key in ("description", "source"):
                self.value(
                    item,
                    key,
                    D.TEXT,
                    getattr(o, key) or None,
                    getattr(n, key) or None,
                    old_path + (key,),
                    new_path + (key,),
                    source,
                )
        self.value(
            item,
            "exactly_one_of",
            DIRECTIONS["exactly_one_of"],
            list(o.exactly_one_of) or None,
            list(n.exactly_one_of) or None,
            old_path + ("exactly_one_of",),
            new_path + ("exactly_one_of",),
            source,
        )
        old_deps = [[p, need] for p, needs in o.dependent_required for need in needs]
        new_deps = [[p, need] for p, needs in n.dependent_required for need in needs]
        self.value(
            item,
            "dependent_required",
            DIRECTIONS["dependent_required"],
            old_deps or None,
            new_deps or None,
            old_path + ("dependent_required",),
            new_path + ("dependent_required",),
            source,
        )
        old_props = {p.name: p for p in o.properties}
        new_props = {p.name: p for p in n.properties}
        for name, p in old_props.items():
            if name not in new_props:
                self.gone(
                    f"{scope} {pointer}/{name}",
                    "field",
                    _type_text(p),
                    old_path + ("properties", name),
                    new_path + ("properties",),
                    p.schema.source or source,
                )
        for name, p in new_props.items():
            path = new_path + ("properties", name)
            before = old_props.get(name)
            if before is None:
                binding = p.required or p.required_if is not None
                self.added(
                    BREAKING if binding else COMPATIBLE,
                    f"{scope} {pointer}/{name}",
                    "field",
                    _type_text(p),
                    path,
                    p.schema.source or source,
                )
            else:
                self.prop(
                    scope,
                    f"{pointer}/{name}",
                    before,
                    p,
                    old_path + ("properties", name),
                    path,
                    source,
                )

    def prop(
        self,
        scope: str,
        pointer: str,
        o: Property,
        n: Property,
        old_path: YamlPath,
        new_path: YamlPath,
        source: str | None,
    ) -> None:
        item = f"{scope} {pointer}"
        prop_source = n.schema.source or o.schema.source or source
        old_if = [o.required_if.field, o.required_if.equals] if o.required_if else None
        new_if = [n.required_if.field, n.required_if.equals] if n.required_if else None
        for key, old, new in (
            ("required", o.required, n.required),
            ("required_if", old_if, new_if),
            ("inferred", o.inferred, n.inferred),
            ("python_name", o.py_name, n.py_name),  # derived from the name unless written
        ):
            self.value(
                item,
                key,
                DIRECTIONS[key],
                old,
                new,
                old_path + (key,),
                new_path + (key,),
                prop_source,
            )
        self.schema(scope, pointer, o.schema, n.schema, old_path, new_path, prop_source)


_PLAIN_KEYWORDS = operator.attrgetter(*(k for k in _SCHEMA_KEYWORDS if k not in ("type", "enum")))


def _signature(s: Schema) -> tuple[Any, ...]:
    """Every keyword value of a schema node at once: equal signatures, nothing to report (most
    nodes of a spec, so the walk stays fast). Values keep their type: enum 1 is not true."""
    enum = tuple((type(e.value), e.value, e.meaning) for e in s.enum)
    return (s.types, enum, s.has_default, type(s.default), _PLAIN_KEYWORDS(s))


def _keyword(s: Schema, keyword: str) -> Any:
    """The value of one schema keyword as `compare` takes it (None: not written)."""
    if keyword == "type":
        return " | ".join(sorted(s.types))
    if keyword == "enum":
        return [e.value for e in s.enum] if s.enum else None
    if keyword == "codes":
        return dict(s.codes) or None
    if keyword == "default":
        return [s.default] if s.has_default else None
    if keyword == "description":
        return s.description or None
    return getattr(s, keyword)


def _paging(op: Operation) -> dict[str, Any] | None:
    """What `iter_<op>` does, as written (its note is documentation, compared with the notes)."""
    if op.paging is None:
        return None
    keys = ("page", "items", "page_size", "total_pages", "total_items", "first_page")
    return {k: getattr(op.paging, k) for k in keys if getattr(op.paging, k) is not None}


def _type_text(p: Property) -> str:
    need = "required" if p.required else "required if …" if p.required_if else "optional"
    return f"{' | '.join(p.schema.types)}, {need}"


def _header(value: tuple[str | None, bool] | None) -> str | None:
    if value is None:
        return None
    fixed, credential = value
    return "credential" if credential else fixed or "(any value)"


def _limit_text(lim: Limit) -> str:
    value = f" {lim.value}" if lim.value is not None else ""
    return f"{lim.kind}{value} (enforced by the {lim.enforced_by})"


def _code_source(code: ErrorCode) -> str | None:
    return code.texts[0][0] or None if code.texts else None


# -- whole spec sets ---------------------------------------------------------------------------


def compare_specs(old: list[LoadedSpec], new: list[LoadedSpec]) -> list[Change]:
    """Every change from `old` to `new` (services matched by name), in spec order."""
    old_by_name = {s.service.name: s for s in old}
    new_by_name = {s.service.name: s for s in new}
    changes: list[Change] = []
    for name in sorted(old_by_name.keys() | new_by_name.keys()):
        before, after = old_by_name.get(name), new_by_name.get(name)
        if after is None:
            assert before is not None
            s = before.service
            changes.append(
                Change(
                    BREAKING,
                    name,
                    "",
                    "service",
                    "removed",
                    s.version or "unversioned",
                    "none",
                    s.pos,
                    s.pos,
                    _service_sources(s),
                    removed=True,
                )
            )
        elif before is None:
            s = after.service
            changes.append(
                Change(
                    COMPATIBLE,
                    name,
                    "",
                    "service",
                    "added",
                    "none",
                    s.version or "unversioned",
                    s.pos,
                    None,
                    _service_sources(s),
                )
            )
        else:
            walk = _Walk(before, after)
            walk.service()
            # in the order of the new spec, so the output reads along the file
            changes.extend(sorted(walk.changes, key=lambda c: (c.pos.line, c.pos.col)))
    return changes


def _service_sources(s: Service) -> str | None:
    return ", ".join(src.id for src in s.sources) or None


def counts(changes: Iterable[Change]) -> dict[str, int]:
    found = dict.fromkeys(KINDS, 0)
    for c in changes:
        found[c.kind] += 1
    return found


def summary(changes: list[Change]) -> str:
    n = counts(changes)
    return f"{n[BREAKING]} breaking, {n[COMPATIBLE]} compatible, {n[DOCUMENTATION]} documentation"


# -- the two sides of a diff -------------------------------------------------------------------


def side_texts(path: Path) -> list[SpecText | SpecErrors]:
    """The spec files of one side: a file or a folder; raises SpecErrors when there is none."""
    if path.is_dir():
        return folder_texts(path)
    if not path.exists():
        raise SpecErrors([SpecError(Pos(str(path), 1, 1), "no such spec file or folder")])
    return [read_text(path, str(path))]


def read_sides(
    old: list[SpecText | SpecErrors], new: list[SpecText | SpecErrors]
) -> tuple[list[LoadedSpec], list[LoadedSpec]]:
    """Both sides checked; raises SpecErrors with the problems of every file of both.

    What both sides have alike is read (its YAML) but not built again: an operation written
    alike in two versions of a spec whose other parts are alike too (all but version and
    changelog, which no operation reads) has the same IR on both sides, so nothing to compare.
    Its checks are `callgen check`'s business; diff checks the parts it compares."""
    with no_cycle_collection():
        old_read = [_read(t) for t in old]
        new_read = [_read(t) for t in new]
        old_by_name = {_service_of(r[1]): r for r in old_read if isinstance(r, tuple)}
        pairs = {  # service name → (old, new), for the services on both sides
            name: (old_by_name[name], r)
            for r in new_read
            if isinstance(r, tuple) and (name := _service_of(r[1])) in old_by_name
        }
        documents: dict[int, tuple[Document, frozenset[str]]] = {}  # id(Reading) → checked
        for (old_text, before), (new_text, after) in pairs.values():
            alike = alike_operations(before, after)
            try:  # (the trees are kept: the changes found will name their lines)
                old_doc = before.document(unchecked=("operations", alike), keep_tree=True)
                documents[id(before)] = (old_doc, alike)
                new_doc = after.document(unchecked=("operations", alike), keep_tree=True)
            except SpecErrors:
                continue  # reported below, as for any other file
            if alike and _context(old_doc.data) != _context(new_doc.data):
                # one side read otherwise once checked: read both again, in full
                old_doc = load_yaml(old_text.file, old_text.raw)
                new_doc = load_yaml(new_text.file, new_text.raw)
                alike = frozenset()
            documents[id(before)] = (old_doc, alike)
            documents[id(after)] = (new_doc, alike)
        sides = [[_check(r, documents) for r in side] for side in (old_read, new_read)]
    errors = [e for side in sides for s in side if isinstance(s, SpecErrors) for e in s.errors]
    if errors:
        raise SpecErrors(errors)
    return check_distinct(sides[0]), check_distinct(sides[1])


def _read(text: SpecText | SpecErrors) -> tuple[SpecText, Reading] | SpecErrors:
    if isinstance(text, SpecErrors):
        return text
    try:
        return text, read_yaml(text.file, text.raw)
    except SpecErrors as exc:
        return exc


def _service_of(reading: Reading) -> Any:
    try:
        data = reading.data
    except SpecErrors:
        return None  # reported when the file is checked
    return data.get("service") if isinstance(data, dict) else None


def _check(
    read: tuple[SpecText, Reading] | SpecErrors,
    documents: dict[int, tuple[Document, frozenset[str]]],
) -> LoadedSpec | SpecErrors:
    if isinstance(read, SpecErrors):
        return read
    text, reading = read
    try:
        doc, unbuilt = documents.get(id(reading)) or (reading.document(), frozenset())
        return check_document(doc, text.raw, text.stem, unbuilt=unbuilt)
    except SpecErrors as exc:
        return exc


# Top-level keys of a spec no operation reads: a change there leaves every operation's IR as it was.
_READ_BY_NO_OPERATION = frozenset({"operations", "version", "changelog"})


def _context(spec: dict[str, Any]) -> bytes:
    """What operations read of the rest of their spec, by value and type (true is not 1)."""
    return marshal.dumps({k: v for k, v in spec.items() if k not in _READ_BY_NO_OPERATION}, 2)


def alike_operations(old: Reading, new: Reading) -> frozenset[str]:
    """Operations written alike (the same text) in two versions of one spec whose other parts,
    but version and changelog, are alike too: their IR and checks cannot differ. Never every
    operation of a side (see below)."""
    before, after = old.entry_texts("operations"), new.entry_texts("operations")
    if not before or not after or _context(old.data) != _context(new.data):
        return frozenset()
    alike = frozenset(k for k in before.keys() & after.keys() if before[k] == after[k])
    if alike >= before.keys() or alike >= after.keys():
        # a spec has at least one operation: the same one stays built on both sides
        alike -= {min(alike)}
    return alike


class GitError(Exception):
    """git could not give the specs of a revision; the message says why."""


def _git(cwd: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed (it is needed for --git)") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        text = message[-1] if message else f"git {args[0]} failed"
        raise GitError(text.removeprefix("fatal: "))
    return proc.stdout


def git_side_texts(rev: str, specs_dir: Path) -> list[SpecText | SpecErrors]:
    """The spec files of folder `specs_dir` as they were at git revision `rev`, not yet checked
    (read_sides checks them); raises GitError when git cannot answer. A revision without the
    folder has no specs (every service is new)."""
    if not specs_dir.is_dir():
        raise GitError(f"{specs_dir} is not a folder")
    folder = specs_dir.resolve()
    top = Path(_git(folder, "rev-parse", "--show-toplevel").decode("utf-8").strip())
    try:
        commit = _git(
            top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
        )
    except GitError:
        commit = b""
    if not commit.strip():
        raise GitError(f"unknown revision {rev!r} in {top}")
    prefix = folder.relative_to(top.resolve()).as_posix()
    listing = _git(
        top,
        "ls-tree",
        "-z",
        "--name-only",
        commit.decode().strip(),
        "--",
        f"{prefix}/" if prefix != "." else ".",
    )
    found: list[SpecText | SpecErrors] = []
    for entry in listing.decode("utf-8").split("\0"):
        name = entry.rsplit("/", 1)[-1]
        if entry and Path(name).suffix in (".yaml", ".yml"):
            raw = _git(top, "cat-file", "blob", f"{commit.decode().strip()}:{entry}")
            found.append(SpecText(raw, f"{rev}:{entry}", Path(name).stem))
    return found


# -- output ------------------------------------------------------------------------------------


def as_text(changes: list[Change]) -> list[str]:
    return [str(c) for c in changes]


def as_json(changes: list[Change]) -> list[dict[str, Any]]:
    return [c.as_json() for c in changes]


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, pos: Pos, title: str, message: str) -> str:
    """A GitHub Actions workflow command that annotates `pos` (error, warning or notice)."""
    props = f"file={_escape_property(pos.file)},line={pos.line},col={pos.col}"
    return f"::{level} {props},title={_escape_property(title)}::{_escape_data(message)}"


def as_github(changes: list[Change], allow_breaking: bool = False) -> list[str]:
    out = []
    for c in changes:
        level = "notice"
        if c.kind == BREAKING:
            level = "warning" if allow_breaking else "error"
        out.append(annotation(level, c.pos, f"{c.kind} change", c.message()))
    return out
