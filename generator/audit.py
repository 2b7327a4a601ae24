"""`callgen audit DOC --spec SPEC`: what a vendor page states that its spec does not, and back.

The page is read by `doctables` (plain text, Markdown or HTML), the limits in its descriptions
by `docphrases`; the spec is read with the positions of every key (`yamlpos`). The audit then
matches the two:

- **routes**: each route on the page belongs to the operation whose section (the operation's
  `source` after the seed id, e.g. `001 关闭任务`) heads that part of the page, or to the only
  operation of this document; its method, path and fixed query are compared.
- **parameters**: a table belongs to the object its caption names (`PhoneGroupDto`,
  `callList 参数说明`, `Parameter description of callDataList`), else to the request or response
  (caption or nearby words: 请求/Request, 返回/响应/Response) of the section's operation, else to
  the whole operation; rows located in a header or the URL (`位置` column, `Request header
  parameters`, `URL中携带的参数`) are the operation's headers and path parameters. Each row's
  type, mandatory mark and the limits its description states are compared.
- **result codes**: every code row, its text against the spec's texts from this document, and
  the success code stated in words against `envelope.success`.
- **examples**: every JSON example of the page against the spec's example bodies.
- and back: every item of the spec whose `source` names this document (a property, header,
  path parameter, code, example, operation) that the page no longer shows.

Each finding has a status. `differs` is a difference to act on. Where the page says nothing
(a blank mandatory column, no limit in the text) and the spec property is `inferred: true`,
the finding is `inferred`; where a spec note about that item decides that very aspect (the
note names the property — by its source, an `about` pointer, or its owner in `about` and the
name in its text — and speaks of the aspect: `type`, `required`, `max_length`/`characters`,
`pattern`, …), it is `noted` with the note's id. A page that now states explicitly what the spec
only inferred is a difference again: the ground for the inference is gone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from .docphrases import RULE_TEXTS, Stated, spec_rules, stated_rules
from .doctables import Page, ParamRow, Route, Table, read_page
from .ir import Pos
from .yamlpos import Document, Path

STATUSES = ("differs", "noted", "inferred")

# page type words → the spec wire types that agree with them
DOC_TYPES: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("string", "str", "varchar", "char", "text", "date", "datetime", "time"),
        frozenset({"string", "integer_string"}),
    ),
    **dict.fromkeys(
        ("int", "integer", "long", "short", "int32", "int64", "bigint"),
        frozenset({"integer", "integer_string"}),
    ),
    **dict.fromkeys(
        ("number", "double", "float", "decimal", "bigdecimal"), frozenset({"number", "integer"})
    ),
    **dict.fromkeys(("boolean", "bool"), frozenset({"boolean"})),
    **dict.fromkeys(("array", "list", "set"), frozenset({"array"})),
    **dict.fromkeys(("object", "json", "map", "dict"), frozenset({"object"})),
}
DIRECTION_WORDS = {
    "request": ("request", "请求", "输入", "入参"),
    "response": ("response", "响应", "返回", "输出", "出参", "应答"),
}
LOCATION_WORDS = {"header": ("header", "消息头", "请求头"), "path": ("url", "uri", "路径")}
# words a spec note uses when it decides an aspect that is not a rule of `docphrases`
ASPECT_WORDS = {
    "type": (
        "type",
        "typed",
        "types",
        "string",
        "object",
        "integer",
        "number",
        "boolean",
        "array",
        "list",
    ),
    "required": ("required", "required_if", "mandatory", "optional", "必填", "必须", "必选"),
}


class AuditError(Exception):
    """The page or the spec cannot be audited (unreadable, no API facts, unknown source)."""


@dataclass(frozen=True)
class Finding:
    kind: str  # route.differs, parameter.page_only, constraint.spec_only, code.text, …
    status: str  # differs | noted | inferred
    subject: str  # the spec item or page item concerned
    message: str
    page_line: int | None = None
    spec_pos: Pos | None = None
    rule: str | None = None
    page_value: Any = None
    spec_value: Any = None
    note: str | None = None


@dataclass(frozen=True)
class Note:
    id: str
    source: str
    about: tuple[str, ...]
    words: str  # text and decision

    def mentions(self, word: str) -> bool:
        if re.fullmatch(r"[A-Za-z0-9_ -]+", word):
            return bool(
                re.search(
                    rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])",
                    self.words,
                    re.IGNORECASE,
                )
            )
        return word in self.words


@dataclass(frozen=True)
class Owner:
    """An operation or callback of the spec."""

    id: str
    kind: str  # operations | callbacks
    node: dict[str, Any]
    path: Path
    source: str
    seed: str
    section: str  # its source after the seed id: the page heading of its part


@dataclass(frozen=True)
class Obj:
    """An object schema: where its properties are, who declares them, how to name them."""

    node: dict[str, Any]
    path: Path
    owner: str
    label: str  # `CallData`, `list_call_records request /data`
    type_root: bool = False


@dataclass(frozen=True)
class Prop:
    name: str
    node: dict[str, Any]
    path: Path
    owner: str
    label: str
    kind: str = "property"  # property | path (a path parameter: always required)

    @property
    def source(self) -> str:
        return str(self.node.get("source") or "")

    @property
    def inferred(self) -> bool:
        return self.node.get("inferred") is True


def _seed_of(source: str) -> str:
    return source.split(" ", 1)[0] if source else ""


def _normal(text: str) -> str:
    return " ".join(text.split())


def _heading(text: str) -> str:
    return _normal(text).rstrip(":：").strip()


def wire_types(node: dict[str, Any]) -> frozenset[str]:
    raw = node.get("type")
    if raw is None:
        return (
            frozenset({"object"}) if ("ref" in node or "properties" in node) else frozenset({"any"})
        )
    return frozenset(raw) if isinstance(raw, list) else frozenset({raw})


def doc_types(word: str, type_names: set[str]) -> frozenset[str] | None:
    """The wire types a page's type word allows; None for a word we cannot judge."""
    base = re.split(r"[<\[(]", word.strip())[0].strip().lower()
    if word.strip().endswith("[]"):
        return frozenset({"array"})
    if base in DOC_TYPES:
        return DOC_TYPES[base]
    if word.strip() in type_names:
        return frozenset({"object"})
    return None


def first_difference(a: Any, b: Any, at: str = "") -> str | None:
    """The JSON Pointer of the first place two JSON values differ, or None."""
    if type(a) is not type(b) and not (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return at or "/"
    if isinstance(a, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                return f"{at}/{key}"
            found = first_difference(a[key], b[key], f"{at}/{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for k, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{at}/{k}")
            if found:
                return found
        return f"{at}/{min(len(a), len(b))}" if len(a) != len(b) else None
    return None if a == b else (at or "/")


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, frozenset, set, tuple)):
        return "{" + ", ".join(str(v) for v in sorted(value, key=str)) + "}"
    return str(value)


class Spec:
    """The spec as loaded (JSON values with positions), indexed for the audit."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        data = doc.data
        self.types: dict[str, Any] = data.get("types") or {}
        self.notes = [
            Note(
                str(n.get("id", "")),
                str(n.get("source", "")),
                tuple(str(a) for a in n.get("about") or ()),
                f"{n.get('text', '')} {n.get('decision', '')}",
            )
            for n in data.get("notes") or []
            if isinstance(n, dict)
        ]
        self.owners: list[Owner] = []
        for kind in ("operations", "callbacks"):
            for oid, node in (data.get(kind) or {}).items():
                source = str(node.get("source") or "")
                seed, _, section = source.partition(" ")
                self.owners.append(
                    Owner(oid, kind, node, (kind, oid), source, seed, _heading(section))
                )
        self.codes: dict[str, tuple[int, dict[str, Any]]] = {
            str(c.get("code")): (k, c) for k, c in enumerate(data.get("error_codes") or [])
        }
        envelope = data.get("envelope") or {}
        self.success = [str(v) for v in envelope.get("success") or []]
        self.code_pointer = str(envelope.get("code") or "")

    def pos(self, path: Path, key: bool = True) -> Pos:
        return self.doc.pos(path, key=key)

    # -- objects and properties ----------------------------------------------------------------

    def object_of(self, node: Any, path: Path, owner: str, label: str) -> Obj | None:
        """The object a schema node describes, through `items` and `ref`."""
        if not isinstance(node, dict):
            return None
        while isinstance(node.get("items"), dict):
            node, path, label = node["items"], path + ("items",), label + "/*"
        ref = node.get("ref")
        if isinstance(ref, str) and isinstance(self.types.get(ref), dict):
            return Obj(self.types[ref], ("types", ref), ref, ref, type_root=True)
        if isinstance(node.get("properties"), dict):
            return Obj(node, path, owner, label)
        return None

    def type_obj(self, name: str) -> Obj:
        return Obj(self.types[name], ("types", name), name, name, type_root=True)

    def roots(self, owner: Owner, direction: str | None = None) -> list[Obj]:
        keys = {"request": ("request",), "response": ("response",)}.get(
            direction or "", ("request", "response")
        )
        if owner.kind == "callbacks":
            keys = ("body",)
        out = []
        for key in keys:
            obj = self.object_of(
                owner.node.get(key), owner.path + (key,), owner.id, f"{owner.id} {key} "
            )
            if obj is not None:
                out.append(obj)
        return out

    def props(self, obj: Obj) -> list[Prop]:
        out = []
        for name, node in (obj.node.get("properties") or {}).items():
            if isinstance(node, dict):
                label = f"{obj.label}.{name}" if obj.type_root else f"{obj.label}/{name}"
                out.append(Prop(name, node, obj.path + ("properties", name), obj.owner, label))
        return out

    def deep(self, objs: list[Obj]) -> Iterator[Prop]:
        """Every property reachable from these objects, nearest first; each type once."""
        queue = list(objs)
        seen: set[Path] = set()
        while queue:
            obj = queue.pop(0)
            if obj.path in seen:
                continue
            seen.add(obj.path)
            for prop in self.props(obj):
                yield prop
                inner = self.object_of(prop.node, prop.path, prop.owner, prop.label)
                if inner is not None:
                    queue.append(inner)

    def all_props(self) -> Iterator[Prop]:
        objs = [self.type_obj(t) for t in self.types if isinstance(self.types[t], dict)]
        for owner in self.owners:
            objs += self.roots(owner)
        seen: set[Path] = set()
        for prop in self.deep(objs):
            if prop.path not in seen:
                seen.add(prop.path)
                yield prop

    def path_param(self, owner: Owner, name: str) -> Prop | None:
        node = (owner.node.get("path_params") or {}).get(name)
        if not isinstance(node, dict):
            return None
        path = owner.path + ("path_params", name)
        return Prop(name, node, path, owner.id, f"{owner.id} path parameter {name}", kind="path")

    def header(self, owner: Owner, name: str) -> tuple[str, dict[str, Any]] | None:
        for key, node in (owner.node.get("headers") or {}).items():
            if key.lower() == name.lower() and isinstance(node, dict):
                return key, node
        return None


@dataclass
class _Scope:
    objs: list[Obj]
    deep: bool
    label: str
    path: Path


@dataclass
class Audit:
    page: Page
    spec: Spec
    seed: str
    findings: list[Finding] = field(default_factory=list)
    matched: set[Path] = field(default_factory=set)
    rows_of: dict[Path, list[tuple[Prop, ParamRow]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.owners = [o for o in self.spec.owners if o.seed == self.seed]
        sections = {o.section: o for o in self.owners if o.section}
        self.headings = [
            (t.line, sections[_heading(t.text)])
            for t in self.page.texts
            if _heading(t.text) in sections
        ]

    # -- helpers -----------------------------------------------------------------------------

    def add(self, kind: str, status: str, subject: str, message: str, **more: Any) -> None:
        self.findings.append(Finding(kind, status, subject, message, **more))

    def owner_at(self, line: int) -> Owner | None:
        if len(self.owners) == 1:
            return self.owners[0]
        above = [owner for at, owner in self.headings if at <= line]
        return above[-1] if above else None

    def note_for(
        self, prop: Prop | None, owner: Owner | None, words: tuple[str, ...]
    ) -> Note | None:
        """A spec note that decides this aspect (`words`) of this property or operation."""
        for note in self.spec.notes:
            tied = False
            if prop is not None:
                tied = (
                    (prop.source and note.source == prop.source)
                    or (
                        _seed_of(note.source) == _seed_of(prop.source)
                        and note.source.split()[-1:] == [prop.name]
                    )
                    or any(
                        a.startswith("/") and a.rsplit("/", 1)[-1] == prop.name for a in note.about
                    )
                    or (prop.owner in note.about and note.mentions(prop.name))
                )
            if owner is not None and not tied:
                tied = owner.id in note.about  # a note on the section may concern its base URL
            if tied and any(note.mentions(w) for w in words):
                return note
        return None

    def status(
        self, prop: Prop, words: tuple[str, ...], *, page_silent: bool
    ) -> tuple[str, str | None]:
        """`inferred` / `noted` / `differs` for a difference on `prop` (see the module text)."""
        note = self.note_for(prop, None, words)
        if page_silent and prop.inferred:
            return "inferred", note.id if note else None
        if note is not None and not (prop.inferred and not page_silent):
            return "noted", note.id
        return "differs", None

    # -- routes ------------------------------------------------------------------------------

    def routes(self) -> None:
        ops = [o for o in self.owners if o.kind == "operations"]
        done: set[str] = set()
        pending: list[Route] = []
        for route in self.page.routes:
            owner = self.owner_at(route.line)
            if owner is not None and owner.kind == "operations":
                self.compare_route(route, owner)
                done.add(owner.id)
            else:
                pending.append(route)
        for route in pending:
            same = next(
                (
                    o
                    for o in self.spec.owners
                    if o.kind == "operations" and self.same_route(route, o)
                ),
                None,
            )
            left = [o for o in ops if o.id not in done]
            if same is not None:
                done.add(same.id)
            elif len(left) == 1 and len(pending) == 1:
                self.compare_route(route, left[0])
                done.add(left[0].id)
            else:
                self.add(
                    "route.page_only",
                    "differs",
                    f"route {route}",
                    f"route {route} is no operation of the spec",
                    page_line=route.line,
                    spec_pos=self.spec.pos(("operations",)),
                    page_value=str(route),
                )
        for op in ops:
            if op.id not in done:
                line = next((at for at, o in self.headings if o is op), None)
                self.add(
                    "route.spec_only",
                    "differs",
                    f"operation {op.id}",
                    f"operation {op.id} (source {op.source!r}) has no route on the page",
                    page_line=line,
                    spec_pos=self.spec.pos(op.path + ("path",)),
                    spec_value=self.route_text(op),
                )

    @staticmethod
    def route_text(op: Owner) -> str:
        query = "&".join(f"{k}={v}" for k, v in (op.node.get("query") or {}).items())
        return f"{op.node.get('method')} {op.node.get('path')}{'?' + query if query else ''}"

    @staticmethod
    def same_route(route: Route, op: Owner) -> bool:
        query = {str(k): str(v) for k, v in (op.node.get("query") or {}).items()}
        return (
            route.path == op.node.get("path")
            and dict(route.query) == query
            and (route.method is None or route.method == op.node.get("method"))
        )

    def compare_route(self, route: Route, op: Owner) -> None:
        if self.same_route(route, op):
            return
        # a note excuses a route only when it names the very route the page shows: an operation's
        # notes say "path" or "route" about many things (path parameters, base URLs)
        shown = tuple(value for _, value in route.query) or (route.path,)
        note = self.note_for(None, op, shown)
        key = (
            "method"
            if route.method not in (None, op.node.get("method"))
            else "path" if route.path != op.node.get("path") else "query"
        )
        self.add(
            "route.differs",
            "noted" if note else "differs",
            f"route of {op.id}",
            f"route of {op.id}: page {route}, spec {self.route_text(op)}",
            page_line=route.line,
            spec_pos=self.spec.pos(op.path + (key,)),
            page_value=str(route),
            spec_value=self.route_text(op),
            note=note.id if note else None,
        )

    # -- parameter tables -----------------------------------------------------------------------

    def direction(self, table: Table) -> str | None:
        for text in table.context:
            low = text.text.lower()
            hits = [
                (low.find(w), d) for d, words in DIRECTION_WORDS.items() for w in words if w in low
            ]
            if hits:
                return min(hits)[1]
        return None

    @staticmethod
    def location(table: Table) -> str | None:
        caption = (table.caption.text if table.caption else "").lower()
        for where, words in LOCATION_WORDS.items():
            if any(re.search(rf"(?<![a-z]){w}(?![a-z])", caption) for w in words):
                return where
        return None

    def scope(self, table: Table, owner: Owner | None) -> _Scope:
        owners = [owner] if owner else self.owners
        caption = table.caption.text if table.caption else ""
        for word in reversed(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", caption)):
            if isinstance(self.spec.types.get(word), dict):
                obj = self.spec.type_obj(word)
                return _Scope([obj], False, word, obj.path)
            for o in owners:
                for prop in self.spec.deep(self.spec.roots(o)):
                    inner = self.spec.object_of(prop.node, prop.path, prop.owner, prop.label)
                    if prop.name == word and inner is not None:
                        return _Scope([inner], False, inner.label, inner.path)
        if owner is not None:
            objs = self.spec.roots(owner, self.direction(table))
            label = " and ".join(o.label.strip() for o in objs) or owner.id
            return _Scope(objs, True, label, objs[0].path if objs else owner.path)
        objs = [r for o in self.owners for r in self.spec.roots(o)]
        objs += [
            self.spec.type_obj(t) for t in self.spec.types if isinstance(self.spec.types[t], dict)
        ]
        return _Scope(objs, True, "the spec", ("types",))

    def lookup(self, scope: _Scope, name: str) -> list[Prop]:
        for obj in scope.objs:
            direct = [p for p in self.spec.props(obj) if p.name == name]
            if direct:
                return direct
        if scope.deep:
            return [p for p in self.spec.deep(scope.objs) if p.name == name]
        return []

    def cites(self, prop: Prop, row: ParamRow) -> bool:
        last = prop.source.split()[-1:] if prop.source else []
        return _seed_of(prop.source) == self.seed and (
            last == [row.name] or (row.number is not None and last == [f"#{row.number}"])
        )

    def parameters(self) -> None:
        for table in self.page.tables:
            if table.kind != "parameters":
                continue
            owner = self.owner_at(table.line)
            scope = self.scope(table, owner)
            where = self.location(table)
            for row in table.params:
                loc = row.location if row.location in ("header", "path") else where
                candidates = [] if loc else self.lookup(scope, row.name)
                if not candidates and loc != "path" and owner and self.spec.header(owner, row.name):
                    loc = "header"
                if (
                    not candidates
                    and loc != "header"
                    and owner
                    and self.spec.path_param(owner, row.name)
                ):
                    loc = "path"
                if loc == "header":
                    self.header_row(row, owner)
                    continue
                if loc == "path":
                    prop = self.spec.path_param(owner, row.name) if owner else None
                    if prop is None:
                        self.add(
                            "parameter.page_only",
                            "differs",
                            f"path parameter {row.name}",
                            f"path parameter {row.name!r} is not in the spec"
                            f"{' of ' + owner.id if owner else ''}",
                            page_line=row.line,
                            spec_pos=self.spec.pos(owner.path if owner else ("operations",)),
                        )
                        continue
                    candidates = [prop]
                if not candidates:
                    self.add(
                        "parameter.page_only",
                        "differs",
                        f"{scope.label} {row.name}",
                        f"parameter {row.name!r} ({row.type or 'no type'}) is not in the spec: "
                        f"not a property of {scope.label}",
                        page_line=row.line,
                        spec_pos=self.spec.pos(scope.path),
                        page_value=row.name,
                    )
                    continue
                prop = next((c for c in candidates if self.cites(c, row)), candidates[0])
                self.matched.add(prop.path)
                self.rows_of.setdefault(prop.path, []).append((prop, row))
                self.compare_type(row, prop)
                self.compare_required(row, prop)

    def header_row(self, row: ParamRow, owner: Owner | None) -> None:
        found = self.spec.header(owner, row.name) if owner else None
        if found is None:
            self.add(
                "header.page_only",
                "differs",
                f"header {row.name}",
                f"header {row.name!r} is not a header of {owner.id if owner else 'the spec'}",
                page_line=row.line,
                spec_pos=self.spec.pos(owner.path + ("headers",) if owner else ("operations",)),
            )
            return
        key, node = found
        assert owner is not None
        self.matched.add(owner.path + ("headers", key))
        value = node.get("value")
        if (
            isinstance(value, str)
            and _normal(value).lower() not in _normal(row.description.text).lower()
        ):
            self.add(
                "header.value",
                "differs",
                f"{owner.id} header {key}",
                f"header {key} of {owner.id}: page {row.description.text!r}, spec value {value!r}",
                page_line=row.line,
                spec_pos=self.spec.pos(owner.path + ("headers", key)),
                page_value=row.description.text,
                spec_value=value,
            )

    def compare_type(self, row: ParamRow, prop: Prop) -> None:
        if not row.type:
            return
        page = doc_types(row.type, set(self.spec.types))
        spec = wire_types(prop.node)
        if page is None or page & spec or "any" in spec:
            return
        words = ASPECT_WORDS["type"] + (row.type.lower(),)
        status, note = self.status(prop, words, page_silent=False)
        self.add(
            "parameter.type",
            status,
            prop.label,
            f"{prop.label}: page type {row.type}, spec type {'|'.join(sorted(spec))}",
            page_line=row.line,
            spec_pos=self.spec.pos(prop.path + ("type",)),
            page_value=row.type,
            spec_value=sorted(spec),
            note=note,
        )

    def compare_required(self, row: ParamRow, prop: Prop) -> None:
        page = row.required
        if page is None or (page == "blank" and prop.kind == "path"):
            return  # a path parameter is always sent: a blank column cannot mean optional
        node = prop.node
        required = prop.kind == "path" or node.get("required") is True
        condition = node.get("required_if") if isinstance(node.get("required_if"), dict) else None
        spec_says = (
            "required"
            if required
            else (
                f"required if {condition.get('field')} = {condition.get('equals')!r}"
                if condition
                else "optional"
            )
        )
        spec_pos = self.spec.pos(
            prop.path
            + (("required",) if "required" in node else ("required_if",) if condition else ())
        )
        words = ASPECT_WORDS["required"]
        if page == "blank":
            status, note = self.status(prop, words, page_silent=True)
            self.add(
                "parameter.required",
                status,
                prop.label,
                f"{prop.label}: the page leaves the mandatory column blank; spec: {spec_says}"
                + ("" if prop.inferred else " (not marked inferred: true)"),
                page_line=row.line,
                spec_pos=spec_pos,
                page_value="",
                spec_value=spec_says,
                note=note,
            )
            return
        agrees = {
            "yes": required,
            "no": not required and not condition,
            "conditional": bool(condition),
        }[page]
        if agrees and page == "conditional" and condition is not None:
            m = re.search(r"=\s*([^:：\s]+)\s*[:：]", row.mandatory or "")
            agrees = m is None or m.group(1) == str(condition.get("equals"))
        if agrees:
            return
        status, note = self.status(prop, words, page_silent=False)
        self.add(
            "parameter.required",
            status,
            prop.label,
            f"{prop.label}: page says {row.mandatory!r} ({page}), spec: {spec_says}"
            + (" (inferred: the page now states it)" if prop.inferred else ""),
            page_line=row.line,
            spec_pos=spec_pos,
            page_value=row.mandatory,
            spec_value=spec_says,
            note=note,
        )

    def constraints(self) -> None:
        for pairs in self.rows_of.values():
            prop = pairs[0][0]
            types = wire_types(prop.node) - {"null"}
            stated: dict[str, Stated] = {}
            for _, row in pairs:
                parts = [(t.text, t.line) for t in row.description.parts]
                for rule, st in stated_rules(parts, types).items():
                    if rule not in stated:
                        stated[rule] = st
                    elif RULE_TEXTS[rule].collect:
                        old = stated[rule]
                        stated[rule] = Stated(rule, old.value | st.value, old.written, old.line)
            spec = spec_rules(prop.node, types)
            line = pairs[0][1].line
            for rule in sorted(set(stated) | set(spec), key=list(RULE_TEXTS).index):
                text = RULE_TEXTS[rule]
                words = text.words
                pos = self.spec.pos(prop.path + ((rule,) if rule in prop.node else ()))
                if rule in stated and rule in spec:
                    if stated[rule].value == spec[rule]:
                        continue
                    status, note = self.status(prop, words, page_silent=False)
                    self.add(
                        "constraint.differs",
                        status,
                        prop.label,
                        f"{prop.label}: {rule} page {text.show(stated[rule].value)} "
                        f"({stated[rule].written!r}), spec {text.show(spec[rule])}",
                        page_line=stated[rule].line,
                        spec_pos=pos,
                        rule=rule,
                        page_value=stated[rule].value,
                        spec_value=spec[rule],
                        note=note,
                    )
                elif rule in stated:
                    status, note = self.status(prop, words, page_silent=False)
                    self.add(
                        "constraint.page_only",
                        status,
                        prop.label,
                        f"{prop.label}: the page states {rule} {text.show(stated[rule].value)} "
                        f"({stated[rule].written!r}); the spec has none",
                        page_line=stated[rule].line,
                        spec_pos=pos,
                        rule=rule,
                        page_value=stated[rule].value,
                        note=note,
                    )
                else:
                    status, note = self.status(prop, words, page_silent=True)
                    self.add(
                        "constraint.spec_only",
                        status,
                        prop.label,
                        f"{prop.label}: the spec has {rule} {text.show(spec[rule])}; "
                        "the page states none",
                        page_line=line,
                        spec_pos=pos,
                        rule=rule,
                        spec_value=spec[rule],
                        note=note,
                    )

    # -- what the spec has that the page no longer shows -----------------------------------------

    def example_keys(self) -> set[str]:
        keys: set[str] = set()

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                keys.update(value)
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        for example in self.page.examples:
            walk(example.value)
        return keys

    def row_cited(self, source: str, name: str) -> bool:
        last = source.split()[-1]
        return last == name or last.startswith("#")

    def unshown(self) -> None:
        keys = self.example_keys()
        prose = " ".join(t.text for t in self.page.texts).lower()
        for prop in self.spec.all_props():
            if _seed_of(prop.source) != self.seed or prop.path in self.matched:
                continue
            if self.row_cited(prop.source, prop.name) or prop.name not in keys:
                self.add(
                    "parameter.spec_only",
                    "differs",
                    prop.label,
                    f"{prop.label} (source {prop.source!r}) is no longer on the page",
                    spec_pos=self.spec.pos(prop.path),
                    spec_value=prop.name,
                )
        for owner in self.owners:
            for name, node in (owner.node.get("path_params") or {}).items():
                source = str(node.get("source") or "")
                path = owner.path + ("path_params", name)
                shown = any(f"{{{name}}}" in r.path for r in self.page.routes)
                if (
                    _seed_of(source) == self.seed
                    and path not in self.matched
                    and (self.row_cited(source, name) or not shown)
                ):
                    self.add(
                        "parameter.spec_only",
                        "differs",
                        f"{owner.id} path parameter {name}",
                        f"path parameter {name} of {owner.id} (source {source!r}) is no "
                        "longer on the page",
                        spec_pos=self.spec.pos(path),
                        spec_value=name,
                    )
            for name, node in (owner.node.get("headers") or {}).items():
                source = str(node.get("source") or "")
                path = owner.path + ("headers", name)
                if (
                    _seed_of(source) == self.seed
                    and path not in self.matched
                    and (self.row_cited(source, name) or name.lower() not in prose)
                ):
                    self.add(
                        "header.spec_only",
                        "differs",
                        f"{owner.id} header {name}",
                        f"header {name} of {owner.id} (source {source!r}) is no longer on "
                        "the page",
                        spec_pos=self.spec.pos(path),
                        spec_value=name,
                    )

    # -- result codes --------------------------------------------------------------------------

    def texts_here(self, entry: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
        return [
            (k, t)
            for k, t in enumerate(entry.get("texts") or [])
            if isinstance(t, dict) and _seed_of(str(t.get("source", ""))) == self.seed
        ]

    def codes(self) -> None:
        shown: set[str] = set()
        for table, row in self.page.codes:
            shown.add(row.code)
            found = self.spec.codes.get(row.code)
            if found is None:
                self.add(
                    "code.page_only",
                    "differs",
                    f"code {row.code}",
                    f"result code {row.code} ({row.text!r}) is not under error_codes",
                    page_line=row.line,
                    spec_pos=self.spec.pos(("error_codes",)),
                    page_value=row.text,
                )
                continue
            k, entry = found
            here = self.texts_here(entry)
            if any(_normal(str(t.get("text", ""))) == row.text for _, t in here):
                continue
            cited = next(
                (
                    j
                    for j, t in here
                    if str(t.get("source", "")).split()[-1] in (row.code, f"#{row.number}")
                ),
                here[0][0] if here else None,
            )
            spec_text = str(entry["texts"][cited]["text"]) if cited is not None else None
            pos = self.spec.pos(
                ("error_codes", k) + (("texts", cited, "text") if cited is not None else ()),
                key=cited is None,
            )
            self.add(
                "code.text",
                "differs",
                f"code {row.code}",
                f"result code {row.code}: page text {row.text!r}, spec "
                + (repr(spec_text) if spec_text is not None else "has no text from this document"),
                page_line=row.text_line,
                spec_pos=pos,
                page_value=row.text,
                spec_value=spec_text,
            )
        for success in self.page.success_codes:
            shown.add(success.code)
            found = self.spec.codes.get(success.code)
            problems = []
            if success.code not in self.spec.success:
                problems.append(f"envelope.success is {self.spec.success}")
            if found is None:
                problems.append("it is not under error_codes")
            elif found[1].get("success") is not True:
                problems.append("its entry lacks success: true")
            if problems:
                self.add(
                    "code.success",
                    "differs",
                    f"code {success.code}",
                    f"the page states success code {success.code}; " + "; ".join(problems),
                    page_line=success.line,
                    spec_pos=self.spec.pos(("envelope", "success")),
                    page_value=success.code,
                    spec_value=self.spec.success,
                )
        pointer = [p for p in self.spec.code_pointer.split("/") if p]
        for example in self.page.examples:
            value: Any = example.value
            for p in pointer:
                value = value.get(p) if isinstance(value, dict) else None
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                shown.add(str(value))
        for code, (k, entry) in self.spec.codes.items():
            here = self.texts_here(entry)
            if here and code not in shown:
                _, text = here[0]
                self.add(
                    "code.spec_only",
                    "differs",
                    f"code {code}",
                    f"result code {code} (source {text.get('source')!r}) is no longer on the page",
                    spec_pos=self.spec.pos(("error_codes", k)),
                    spec_value=code,
                )

    # -- examples ------------------------------------------------------------------------------

    def examples(self) -> None:
        spec_examples = [
            (owner, k, ex)
            for owner in self.spec.owners
            for k, ex in enumerate(owner.node.get("examples") or [])
            if isinstance(ex, dict)
        ]
        used: set[tuple[str, int]] = set()
        unmatched = []
        for example in self.page.examples:
            same = next(
                (
                    (o, k)
                    for o, k, ex in spec_examples
                    if (o.id, k) not in used and ex.get("body") == example.value
                ),
                None,
            )
            if same is None:
                same = next(
                    ((o, k) for o, k, ex in spec_examples if ex.get("body") == example.value), None
                )
            if same is not None:
                used.add((same[0].id, same[1]))
            else:
                unmatched.append(example)
        left = [
            (o, k, ex)
            for o, k, ex in spec_examples
            if (o.id, k) not in used and _seed_of(str(ex.get("source", ""))) == self.seed
        ]
        for example in unmatched:
            owner = self.owner_at(example.line)
            pair = next(((o, k, ex) for o, k, ex in left if owner is None or o is owner), None)
            if pair is None:
                self.add(
                    "example.page_only",
                    "differs",
                    f"example at line {example.line}",
                    "this JSON example is no example of the spec",
                    page_line=example.line,
                    spec_pos=self.spec.pos(
                        owner.path + ("examples",) if owner else ("operations",)
                    ),
                )
                continue
            left.remove(pair)
            o, k, ex = pair
            at = first_difference(example.value, ex.get("body"))
            self.add(
                "example.differs",
                "differs",
                f"example {ex.get('name')} of {o.id}",
                f"example {ex.get('name')} of {o.id} differs from the page at {at}",
                page_line=example.line,
                spec_pos=self.spec.pos(o.path + ("examples", k)),
                page_value=at,
            )
        for o, k, ex in left:
            self.add(
                "example.spec_only",
                "differs",
                f"example {ex.get('name')} of {o.id}",
                f"example {ex.get('name')} of {o.id} (source {ex.get('source')!r}) is no "
                "longer on the page",
                spec_pos=self.spec.pos(o.path + ("examples", k)),
            )

    def run(self) -> list[Finding]:
        self.routes()
        self.parameters()
        self.constraints()
        self.unshown()
        self.codes()
        self.examples()
        order = {s: k for k, s in enumerate(STATUSES)}
        return sorted(
            self.findings,
            key=lambda f: (
                order[f.status],
                f.page_line if f.page_line is not None else 10**9,
                f.spec_pos.line if f.spec_pos else 0,
                f.kind,
                f.message,
            ),
        )


# -- entry points ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    document: str
    spec: str
    source: str
    format: str
    findings: tuple[Finding, ...]

    @property
    def differs(self) -> int:
        return sum(f.status == "differs" for f in self.findings)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.status == s for f in self.findings) for s in STATUSES}

    def text(self) -> str:
        out = []
        for f in self.findings:
            where = f"{self.document}:{f.page_line}" if f.page_line is not None else str(f.spec_pos)
            other = (
                f" (spec {f.spec_pos.file}:{f.spec_pos.line})"
                if f.page_line is not None and f.spec_pos
                else ""
            )
            tag = f" [note {f.note}]" if f.note else ""
            out.append(f"{where}: {f.status}: {f.kind}: {f.message}{other}{tag}")
        c = self.counts()
        head = (
            f"{c['differs']} difference{'s' if c['differs'] != 1 else ''}"
            if c["differs"]
            else "no differences"
        )
        out.append(
            f"{head} between {self.document} and {self.spec} (source {self.source}); "
            f"{c['noted']} noted, {c['inferred']} inferred"
        )
        return "\n".join(out)

    def json(self) -> dict[str, Any]:
        def value(v: Any) -> Any:
            if isinstance(v, (frozenset, set)):
                return sorted(v, key=str)
            return v

        return {
            "document": self.document,
            "format": self.format,
            "spec": self.spec,
            "source": self.source,
            "counts": self.counts(),
            "findings": [
                {
                    "kind": f.kind,
                    "status": f.status,
                    "subject": f.subject,
                    "rule": f.rule,
                    "message": f.message,
                    "page": {
                        "file": self.document,
                        "line": f.page_line,
                        "value": value(f.page_value),
                    },
                    "spec": {
                        "file": f.spec_pos.file if f.spec_pos else self.spec,
                        "line": f.spec_pos.line if f.spec_pos else None,
                        "value": value(f.spec_value),
                    },
                    "note": f.note,
                }
                for f in self.findings
            ],
        }


def pick_source(doc_name: str, sources: dict[str, Any], given: str | None) -> str:
    """The seed id of the spec's `sources` that this page is."""
    if given is not None:
        if given not in sources:
            raise AuditError(
                f"--source {given!r} is not one of the spec's sources: {', '.join(sources)}"
            )
        return given
    base = FilePath(doc_name).name
    for sid, src in sources.items():
        if isinstance(src, dict) and src.get("file") == base:
            return sid
    for sid in sources:
        if base == sid or re.match(rf"{re.escape(sid)}[_.\-]", base):
            return sid
    if len(sources) == 1:
        return next(iter(sources))
    raise AuditError(
        f"cannot tell which of the spec's sources ({', '.join(sources)}) {base} is; "
        "name it with --source ID"
    )


def audit(
    doc_path: FilePath,
    spec_path: FilePath,
    *,
    doc_format: str | None = None,
    source: str | None = None,
    doc_display: str | None = None,
    spec_display: str | None = None,
) -> Report:
    """Audit a saved vendor page against one spec file. Raises AuditError (unusable page,
    unknown source) or SpecErrors (the spec itself is broken)."""
    from .doctables import PageError
    from .spec import load_document

    spec_file = spec_display or str(spec_path)
    doc, _ = load_document(spec_path, display=spec_file)  # a broken spec raises SpecErrors
    document = doc_display or str(doc_path)
    try:
        page = read_page(doc_path, doc_format, display=document)  # type: ignore[arg-type]
    except PageError as exc:
        raise AuditError(str(exc)) from None
    if page.empty:
        raise AuditError(
            f"{document}: found no parameter table, result-code table, route or JSON example; "
            "is it a vendor API page (saved as text, Markdown or HTML)?"
        )
    sources = doc.data.get("sources") or {}
    seed = pick_source(document, sources, source)
    findings = Audit(page, Spec(doc), seed).run()
    return Report(document, spec_file, seed, page.format, tuple(findings))


def dumps(report: Report) -> str:
    return json.dumps(report.json(), ensure_ascii=False, indent=2)
