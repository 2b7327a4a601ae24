"""Spec data (already shaped by the meta-schema) → IR, with every semantic check.

Each check reports at the position of the offending key or value and the build goes on, so a
user sees all problems of a spec at once.
"""

from __future__ import annotations

import functools
import itertools
import keyword
import re
from collections.abc import Iterator
from typing import Any

from . import pointers
from .errors import SpecError, SpecErrors
from .ir import (
    FORMATS,
    RULES,
    Auth,
    Callback,
    EnumValue,
    Envelope,
    ErrorCode,
    Example,
    ExpectedViolation,
    Guard,
    Header,
    Json,
    Limit,
    Note,
    ObjectType,
    Operation,
    Paging,
    Pos,
    Property,
    Release,
    ReleaseChange,
    RequiredIf,
    Schema,
    Service,
    Source,
    version_key,
)
from .naming import RESERVED, class_problem, method_problem
from .naming import pascal as _pascal
from .naming import snake as _snake
from .yamlpos import Document, Path

# A large spec names the same wire names thousands of times; the names depend on them alone.
snake = functools.cache(_snake)
pascal = functools.cache(_pascal)

_STRING_KEYS = ("min_length", "max_length", "max_bytes", "pattern", "forbidden_chars", "format")
_NUMBER_KEYS = ("minimum", "maximum", "exclusive_minimum", "exclusive_maximum")
_ARRAY_KEYS = ("items", "min_items", "max_items", "unique_by", "unique")
_OBJECT_KEYS = ("ref", "properties", "exactly_one_of", "dependent_required")
_APPLIES = {
    "string": _STRING_KEYS,
    "integer_string": _STRING_KEYS + _NUMBER_KEYS,
    "integer": _NUMBER_KEYS,
    "number": _NUMBER_KEYS,
    "array": _ARRAY_KEYS,
    "object": _OBJECT_KEYS,
}
_TYPED_KEYS = _STRING_KEYS + _NUMBER_KEYS + _ARRAY_KEYS + _OBJECT_KEYS
_TYPED_KEY_SET = frozenset(_TYPED_KEYS)


@functools.cache
def _applicable(types: tuple[str, ...]) -> frozenset[str]:
    """The type-specific keys that apply to a schema of these types."""
    return frozenset(k for t in types for k in _APPLIES.get(t, ()))


_PATH_PARAM = re.compile(r"\{([^{}]*)\}")
_PATH_PARAM_TYPES = {"string", "integer", "integer_string", "number"}


def _is_type(value: Json, wire_type: str) -> bool:
    if wire_type == "string":
        return isinstance(value, str)
    if wire_type == "integer_string":
        return isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value) is not None
    if wire_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if wire_type == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if wire_type == "boolean":
        return isinstance(value, bool)
    if wire_type == "null":
        return value is None
    if wire_type == "array":
        return isinstance(value, list)
    if wire_type == "object":
        return isinstance(value, dict)
    return True  # any


class Builder:
    def __init__(self, doc: Document, unbuilt: frozenset[str] = frozenset()) -> None:
        self.doc = doc
        self.unbuilt = unbuilt
        self.errors: list[SpecError] = []
        self.types: dict[str, ObjectType] = {}
        self.class_names: dict[str, Pos] = {}
        self.source_ids: set[str] = set()
        self.code_set: set[str] = set()
        self.type_names: set[str] = set()  # every name declared under types, built or not
        # Stand-ins for what could not be built (an unknown ref, a missing items): checks that
        # would only repeat the first problem skip them.
        self.broken: set[int] = set()

    # -- helpers ---------------------------------------------------------------------------

    def error(self, path: Path, message: str, *, key: bool = False) -> None:
        self.errors.append(SpecError(self.doc.pos(path, key=key), message))

    def pos(self, path: Path) -> Pos:
        return self.doc.pos(path)

    def check_source(self, path: Path, source: str | None) -> None:
        if source is None:
            return
        first = source.split(" ", 1)[0]
        if first not in self.source_ids:
            known = ", ".join(sorted(self.source_ids)) or "none"
            self.error(
                path + ("source",),
                f"source {source!r} must start with a seed id declared under sources ({known})",
            )

    def claim_class(self, name: str, path: Path) -> None:
        problem = class_problem(name)
        if problem:
            self.error(path, problem, key=True)
        if name in self.class_names:
            first = self.class_names[name]
            self.error(path, f"class name {name!r} is already used (line {first.line})", key=True)
        else:
            self.class_names[name] = self.pos(path)

    # -- schemas ---------------------------------------------------------------------------

    def schema(self, raw: dict[str, Any], path: Path, class_hint: str) -> Schema:
        raw_type = raw.get("type")
        if raw_type is None:
            raw_type = "object" if ("ref" in raw or "properties" in raw) else "any"
        types = list(raw_type) if isinstance(raw_type, list) else [raw_type]
        if len(set(types)) != len(types):
            self.error(path + ("type",), f"type lists a type twice: {types}")
        if raw.get("nullable") and "null" not in types:
            types.append("null")
        self.check_source(path, raw.get("source"))
        allowed = _applicable(tuple(types))
        misplaced = _TYPED_KEY_SET.intersection(raw).difference(allowed)
        for key in _TYPED_KEYS if misplaced else ():
            if key in misplaced:
                self.error(
                    path + (key,),
                    f"{key} does not apply to type {' | '.join(types)}",
                    key=True,
                )
        self.check_bounds(raw, path)
        pattern = raw.get("pattern")
        if pattern is not None:
            self.check_pattern(pattern, path + ("pattern",))
        fmt = raw.get("format")
        if fmt is not None and fmt not in FORMATS:
            self.error(path + ("format",), f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
        if raw.get("forbidden_chars") == "":
            self.error(
                path + ("forbidden_chars",),
                "forbidden_chars is empty: list the characters or remove it",
            )

        items = None
        if "items" in raw:
            items = self.schema(raw["items"], path + ("items",), class_hint + "Item")
        elif "array" in types:
            self.error(path, "an array schema needs items: add items: {type: …}", key=True)
            items = Schema(pos=self.pos(path), types=("any",))
            self.broken.add(id(items))

        obj = None
        if "ref" in raw:
            if "properties" in raw:
                self.error(
                    path + ("properties",), "use either ref or properties, not both", key=True
                )
            obj = self.types.get(raw["ref"])
            if obj is None:
                if raw["ref"] not in self.type_names:  # else it is a cycle, reported at the type
                    known = ", ".join(sorted(self.type_names)) or "none"
                    self.error(path + ("ref",), f"unknown type {raw['ref']!r} (types: {known})")
                obj = ObjectType(name=raw["ref"], pos=self.pos(path + ("ref",)))
                self.broken.add(id(obj))
        elif "object" in types:
            obj = self.object_type(raw, path, class_hint, named=False)

        enum = []
        for i, entry in enumerate(raw.get("enum", ())):
            value = entry["value"]
            if not any(_is_type(value, t) for t in types):
                self.error(
                    path + ("enum", i, "value"),
                    f"enum value {value!r} is not of type {' | '.join(types)}",
                )
            enum.append(EnumValue(value, entry.get("meaning", "")))
        values = [e.value for e in enum] if enum else []
        if values and len({repr(v) for v in values}) != len(values):
            twice = sorted({repr(v) for v in values if sum(repr(w) == repr(v) for w in values) > 1})
            self.error(path + ("enum",), f"enum lists {', '.join(twice)} twice; keep one")

        codes = tuple(sorted(raw["codes"].items())) if "codes" in raw else ()
        for rule, code in codes:
            if rule not in RULES:
                self.error(path + ("codes", rule), f"unknown rule {rule!r}", key=True)
            if code not in self.code_set:
                self.error(
                    path + ("codes", rule), f"error code {code!r} is not declared under error_codes"
                )

        schema = Schema.of(
            pos=self.pos(path),
            types=tuple(types),
            description=raw.get("description", ""),
            source=raw.get("source"),
            has_default="default" in raw,
            default=raw.get("default"),
            enum=tuple(enum),
            min_length=raw.get("min_length"),
            max_length=raw.get("max_length"),
            max_bytes=raw.get("max_bytes"),
            pattern=pattern,
            forbidden_chars=raw.get("forbidden_chars"),
            format=fmt,
            minimum=raw.get("minimum"),
            maximum=raw.get("maximum"),
            exclusive_minimum=raw.get("exclusive_minimum"),
            exclusive_maximum=raw.get("exclusive_maximum"),
            items=items,
            min_items=raw.get("min_items"),
            max_items=raw.get("max_items"),
            unique_by=raw.get("unique_by"),
            unique=bool(raw.get("unique", False)),
            object=obj,
            must_match=raw.get("must_match"),
            codes=codes,
        )
        if schema.unique_by is not None:
            item_obj = items.object if items else None
            if items is not None and (id(items) in self.broken or id(item_obj) in self.broken):
                pass  # the missing items or unknown ref is reported already
            elif item_obj is None:
                self.error(
                    path + ("unique_by",),
                    "unique_by needs items that are objects; for scalar items write unique: true",
                )
            elif item_obj.prop(schema.unique_by) is None:
                self.error(
                    path + ("unique_by",),
                    f"unique_by names {schema.unique_by!r}, which is not a property of {item_obj.name}",
                )
        if schema.has_default:
            self.check_value_fits(schema.default, schema, path + ("default",), "default")
        return schema

    def check_bounds(self, raw: dict[str, Any], path: Path) -> None:
        pairs = [
            ("min_length", "max_length"),
            ("min_items", "max_items"),
            ("minimum", "maximum"),
            ("exclusive_minimum", "exclusive_maximum"),
            ("minimum", "exclusive_maximum"),
            ("exclusive_minimum", "maximum"),
        ]
        for low, high in pairs:
            if low in raw and high in raw:
                lo, hi = raw[low], raw[high]
                strict = low.startswith("exclusive") or high.startswith("exclusive")
                if lo > hi or (strict and lo == hi):
                    op = "<" if strict else "≤"
                    self.error(path + (high,), f"{low} ({lo}) must be {op} {high} ({hi})")
        if "max_bytes" in raw and "min_length" in raw and raw["min_length"] > raw["max_bytes"]:
            self.error(
                path + ("max_bytes",),
                f"min_length ({raw['min_length']}) must be ≤ max_bytes ({raw['max_bytes']})",
            )

    def check_pattern(self, pattern: str, path: Path) -> None:
        if not pattern.isascii():
            self.error(
                path,
                f"pattern {pattern!r} must be ASCII: spell other characters as \\uXXXX escapes",
            )
        escaped = _escaped(pattern)
        if not pattern.startswith("^") or not pattern.endswith("$") or len(pattern) - 1 in escaped:
            self.error(path, f"pattern {pattern!r} must be anchored: start with ^ and end with $")
        elif _top_level_bar(pattern, escaped):
            self.error(
                path,
                f"pattern {pattern!r} has a top-level |: in JSON Schema ^a|b$ means 'starts with a "
                "or ends with b', while validators match the whole value; write ^(?:a|b)$",
            )
        unicode_classes = sorted({pattern[i] for i in escaped if pattern[i] in "dDwWsSbB"})
        if unicode_classes:
            used = ", ".join("\\" + c for c in unicode_classes)
            self.error(
                path,
                f"pattern {pattern!r} uses {used}, which match non-ASCII characters too; "
                "write an explicit class such as [0-9] or [A-Za-z0-9_]",
            )
        python_only = _python_only(pattern, escaped)
        if python_only:
            self.error(
                path,
                f"pattern {pattern!r} uses {python_only}, which JSON Schema (ECMA-262) regular "
                "expressions do not have; the pattern is also emitted into JSON Schemas",
            )
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError) as exc:
            self.error(path, f"pattern {pattern!r} does not compile: {exc}")

    def check_value_fits(self, value: Json, schema: Schema, path: Path, what: str) -> None:
        if not any(_is_type(value, t) for t in schema.types):
            self.error(path, f"{what} {value!r} is not of type {' | '.join(schema.types)}")
        elif schema.enum and value not in [e.value for e in schema.enum]:
            self.error(path, f"{what} {value!r} is not one of the enum values")

    def python_name(self, wire: str, raw: dict[str, Any], path: Path) -> str:
        """The property's Python name: its `python_name`, else the one derived from `wire`."""
        derived = snake(wire)
        given = raw.get("python_name")
        if given is None:
            return derived
        where = path + ("python_name",)
        if given == derived:
            self.error(where, f"python_name {given!r} is the name {wire!r} gets anyway; remove it")
        elif keyword.iskeyword(given) or keyword.issoftkeyword(given) or given in RESERVED:
            self.error(
                where,
                f"python_name {given!r} is a Python keyword or a name the generated code uses "
                f"itself; choose another (without python_name it would be {derived!r})",
            )
        elif given.endswith("_") or "__" in given:
            self.error(
                where,
                f"python_name {given!r}: write a plain snake_case name (no trailing or doubled _)",
            )
        return given

    def object_type(self, raw: dict[str, Any], path: Path, name: str, *, named: bool) -> ObjectType:
        self.claim_class(name, path)
        props: list[Property] = []
        py_names: dict[str, str] = {}
        raw_props = raw.get("properties", {})
        for wire, praw in raw_props.items():
            ppath = path + ("properties", wire)
            py = self.python_name(wire, praw, ppath)
            if py in py_names:
                how = "python_name" if "python_name" in praw else "in Python"
                self.error(
                    ppath + (("python_name",) if "python_name" in praw else ()),
                    f"property {wire!r} and {py_names[py]!r} both become {py!r} {how}; "
                    "rename one (python_name)",
                    key="python_name" not in praw,
                )
            py_names[py] = wire
            schema = self.schema(praw, ppath, name + pascal(wire))
            req_if = None
            if "required_if" in praw:
                ri = praw["required_if"]
                req_if = RequiredIf(ri["field"], ri["equals"])
            if praw.get("required") and req_if:
                self.error(
                    ppath + ("required_if",),
                    "required and required_if together: keep required_if (required only when "
                    "the sibling has that value) or required (always), not both",
                    key=True,
                )
            props.append(
                Property(
                    name=wire,
                    py_name=py,
                    schema=schema,
                    required=bool(praw.get("required", False)),
                    required_if=req_if,
                    inferred=bool(praw.get("inferred", False)),
                    pos=self.doc.pos(ppath, key=True),
                )
            )
        by_name = {p.name: p for p in props}
        for p in props:
            if p.required_if is None:
                continue
            rpath = path + ("properties", p.name, "required_if")
            other = by_name.get(p.required_if.field)
            if other is None or other is p:
                self.error(
                    rpath + ("field",), f"required_if names {p.required_if.field!r}, not a sibling"
                )
            else:
                self.check_value_fits(
                    p.required_if.equals, other.schema, rpath + ("equals",), "equals"
                )
        one_of = tuple(raw.get("exactly_one_of", ()))
        for i, n in enumerate(one_of):
            if n not in by_name:
                self.error(
                    path + ("exactly_one_of", i), f"exactly_one_of names {n!r}, not a property"
                )
        if one_of and len(one_of) < 2:
            self.error(path + ("exactly_one_of",), "exactly_one_of needs at least two properties")
        dep = []
        for n, needs in raw.get("dependent_required", {}).items():
            if n not in by_name:
                self.error(
                    path + ("dependent_required", n),
                    f"dependent_required names {n!r}, which is not a property",
                    key=True,
                )
            for i, m in enumerate(needs):
                if m not in by_name:
                    self.error(
                        path + ("dependent_required", n, i),
                        f"dependent_required names {m!r}, which is not a property",
                    )
            dep.append((n, tuple(needs)))
        self.check_source(path, raw.get("source"))
        return ObjectType(
            name=name,
            pos=self.pos(path),
            properties=tuple(props),
            exactly_one_of=one_of,
            dependent_required=tuple(dep),
            description=raw.get("description", ""),
            source=raw.get("source"),
            named=named,
        )

    # -- the service -----------------------------------------------------------------------

    def service(self, stem: str) -> Service:
        d = self.doc.data
        self.source_ids.update(d.get("sources", {}))
        if d["service"] != stem:
            self.error(("service",), f"service {d['service']!r} must match the file name {stem!r}")

        notes = [
            Note(n["id"], n["text"], n["decision"], n.get("source"), tuple(n.get("about", ())))
            for n in d.get("notes", [])
        ]
        note_ids: dict[str, int] = {}
        for i, n in enumerate(notes):
            if n.id in note_ids:
                first = self.pos(("notes", note_ids[n.id], "id")).line
                self.error(
                    ("notes", i, "id"), f"note id {n.id!r} is used twice (first at line {first})"
                )
            note_ids.setdefault(n.id, i)
            self.check_source(("notes", i), n.source)

        def note_ref(path: Path, note: str | None) -> None:
            if note is not None and note not in note_ids:
                self.error(path, f"unknown note {note!r} (notes: {', '.join(note_ids) or 'none'})")

        base = d.get("base_url", {})
        note_ref(("base_url", "note"), base.get("note"))

        codes = self.error_codes(d.get("error_codes", []))
        code_set = self.code_set = {c.code for c in codes}

        def code_ref(path: Path, code: str | None) -> None:
            if code is not None and code not in code_set:
                self.error(path, f"error code {code!r} is not declared under error_codes")

        rule_codes = tuple(sorted(d.get("rule_codes", {}).items()))
        for rule, code in rule_codes:
            code_ref(("rule_codes", rule), code)

        # named types, in an order where every ref is declared before use
        raw_types: dict[str, Any] = d.get("types", {})
        self.declare_types(raw_types)

        limits = [self.limit(i, raw) for i, raw in enumerate(d.get("limits", []))]
        limit_ids: set[str] = set()
        for i, lim in enumerate(limits):
            if lim.id in limit_ids:
                self.error(("limits", i, "id"), f"limit id {lim.id!r} is used twice")
            limit_ids.add(lim.id)
        for i, lim in enumerate(limits):
            code_ref(("limits", i, "code"), lim.code)

        auth = Auth(
            scheme=d["auth"]["scheme"],
            source=d["auth"].get("source"),
            body_field=d["auth"].get("body_field"),
            header=d["auth"].get("header"),
            app_id_header=d["auth"].get("app_id_header"),
            timestamp_header=d["auth"].get("timestamp_header"),
            sign_header=d["auth"].get("sign_header"),
        )
        env_raw = d["envelope"]
        envelope = Envelope(
            code=env_raw["code"],
            success=tuple(env_raw["success"]),
            message=env_raw.get("message"),
            data=env_raw.get("data"),
            request_id=env_raw.get("request_id"),
            source=env_raw.get("source"),
        )
        # the client-enforced minimum interval of each operation (the last one listed counts)
        min_intervals = {
            lim.operation: lim.value
            for lim in limits
            if lim.kind == "min_interval" and lim.enforced_by == "client"
        }
        ops = []
        op_ids = set(self.unbuilt)
        for op_id, raw in d.get("operations", {}).items():
            op = self.operation(op_id, raw, min_intervals, code_ref, note_ref)
            ops.append(op)
            op_ids.add(op_id)
            self.check_wiring(op, auth, envelope)
        self.check_distinct_routes(ops)
        for op in ops:  # <op>_in_batches and iter_<op> are client methods too
            if op.batch_field and f"{op.id}_in_batches" in op_ids:
                twin = f"{op.id}_in_batches"
                message = f"{twin} is also the batch method of {op.id}"
                self.error(("operations", twin), message, key=True)
            if op.paging and op.paging_method in op_ids:
                message = f"{op.paging_method} is also the page iterator of {op.id}"
                self.error(("operations", op.paging_method), message, key=True)
        for i, lim in enumerate(limits):
            if lim.operation is not None and lim.operation not in op_ids:
                known = ", ".join(sorted(op_ids)) or "none"
                self.error(
                    ("limits", i, "operation"),
                    f"unknown operation {lim.operation!r} (operations: {known})",
                )
        for i, c in enumerate(codes):
            for j, o in enumerate(c.operations):
                if o not in op_ids:
                    known = ", ".join(sorted(op_ids)) or "none"
                    self.error(
                        ("error_codes", i, "operations", j),
                        f"unknown operation {o!r} (operations: {known})",
                    )
        callbacks = [self.callback(name, raw) for name, raw in d.get("callbacks", {}).items()]
        changelog = self.changelog(d.get("changelog", []), d.get("version"))
        return Service(
            name=d["service"],
            title=d["title"],
            file=self.doc.file,
            pos=self.pos(()),
            auth=auth,
            envelope=envelope,
            sources=tuple(
                Source(k, v["file"], v.get("title", "")) for k, v in d.get("sources", {}).items()
            ),
            base_url=base.get("documented"),
            base_url_source=base.get("source"),
            error_codes=tuple(codes),
            rule_codes=rule_codes,
            types=tuple(self.types[n] for n in raw_types if n in self.types),
            operations=tuple(ops),
            callbacks=tuple(callbacks),
            limits=tuple(limits),
            notes=tuple(notes),
            version=d.get("version"),
            changelog=changelog,
        )

    def changelog(self, raw: list[dict[str, Any]], version: str | None) -> tuple[Release, ...]:
        """Entries newest first, one per version, none newer than the spec's own version."""
        releases = []
        for i, entry in enumerate(raw):
            path: Path = ("changelog", i)
            for j, change in enumerate(entry["changes"]):
                self.check_source(path + ("changes", j), change["source"])
            releases.append(
                Release(
                    version=entry["version"],
                    pos=self.pos(path),
                    changes=tuple(
                        ReleaseChange(c["change"], c["why"], c["source"], c.get("kind"))
                        for c in entry["changes"]
                    ),
                )
            )
        for i, (newer, older) in enumerate(itertools.pairwise(releases)):
            if version_key(newer.version) <= version_key(older.version):
                self.error(
                    ("changelog", i + 1, "version"),
                    f"changelog entry {older.version} follows {newer.version}: entries go newest "
                    "first, one per version",
                )
        if (
            releases
            and version is not None
            and version_key(releases[0].version) > version_key(version)
        ):
            self.error(
                ("changelog", 0, "version"),
                f"changelog entry {releases[0].version} is newer than the spec's version "
                f"{version}",
            )
        return tuple(releases)

    def declare_types(self, raw_types: dict[str, Any]) -> None:
        """Build the named types, each after the types it refers to; report reference cycles."""
        self.type_names = set(raw_types)
        deps = {name: _refs(raw) & self.type_names for name, raw in raw_types.items()}
        cyclic: set[str] = set()
        for name in raw_types:
            cycle = _cycle(name, deps)
            if cycle:
                cyclic.add(name)
                chain = " → ".join(cycle)
                self.error(
                    ("types", name),
                    f"type {name!r} refers to itself ({chain}); recursive types are not supported",
                    key=True,
                )
        pending = {n: raw for n, raw in raw_types.items() if n not in cyclic}
        while pending:
            progressed = False
            for name, raw in list(pending.items()):
                if all(dep in self.types or dep in cyclic for dep in deps[name]):
                    self.types[name] = self.object_type(raw, ("types", name), name, named=True)
                    del pending[name]
                    progressed = True
            if not progressed:  # cannot happen: whatever is left would be on a cycle
                raise AssertionError(f"types left unbuilt: {sorted(pending)}")

    def error_codes(self, raw_codes: list[dict[str, Any]]) -> list[ErrorCode]:
        out = []
        seen_codes: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        for i, raw in enumerate(raw_codes):
            path: Path = ("error_codes", i)
            if raw["code"] in seen_codes:
                first = self.pos(("error_codes", seen_codes[raw["code"]], "code")).line
                self.error(
                    path + ("code",),
                    f"error code {raw['code']!r} is declared twice (first at line {first})",
                )
            if raw["name"] in seen_names:
                first = self.pos(("error_codes", seen_names[raw["name"]], "name")).line
                self.error(
                    path + ("name",),
                    f"error code name {raw['name']!r} is used twice (first at line {first})",
                )
            seen_codes.setdefault(raw["code"], i)
            seen_names.setdefault(raw["name"], i)
            for j, t in enumerate(raw.get("texts", [])):
                self.check_source(path + ("texts", j), t.get("source"))
            out.append(
                ErrorCode(
                    code=raw["code"],
                    name=raw["name"],
                    pos=self.pos(path),
                    texts=tuple((t.get("source", ""), t["text"]) for t in raw.get("texts", [])),
                    operations=tuple(raw.get("operations", ())),
                    retryable=bool(raw.get("retryable", False)),
                    success=bool(raw.get("success", False)),
                    scope=raw.get("scope", "service"),
                )
            )
        return out

    def limit(self, i: int, raw: dict[str, Any]) -> Limit:
        self.check_source(("limits", i), raw.get("source"))
        if raw["kind"] in ("min_interval", "max_items_per_call") and "value" not in raw:
            self.error(("limits", i), f"a {raw['kind']} limit needs a value", key=True)
        return Limit(
            id=raw["id"],
            kind=raw["kind"],
            enforced_by=raw["enforced_by"],
            pos=self.pos(("limits", i)),
            operation=raw.get("operation"),
            value=raw.get("value"),
            code=raw.get("code"),
            source=raw.get("source"),
            description=raw.get("description", ""),
        )

    def operation(self, op_id, raw, min_intervals, code_ref, note_ref) -> Operation:  # type: ignore[no-untyped-def]
        path: Path = ("operations", op_id)
        problem = method_problem(op_id)
        if problem:
            self.error(path, problem, key=True)
        cls = pascal(op_id)
        self.check_source(path, raw.get("source"))
        request = self.schema(raw["request"], path + ("request",), cls + "Request")
        response = self.schema(raw["response"], path + ("response",), cls + "Response")
        for kind, s in (("request", request), ("response", response)):
            if s.object is None:
                self.error(path + (kind,), f"the {kind} body must be an object")
        declared = set(_PATH_PARAM.findall(raw["path"]))
        params = []
        for name, praw in raw.get("path_params", {}).items():
            ppath = path + ("path_params", name)
            if name not in declared:
                self.error(ppath, f"path parameter {name!r} does not appear in path", key=True)
            schema = self.schema(praw, ppath, cls + pascal(name))
            if not schema.types or not set(schema.types) <= _PATH_PARAM_TYPES:
                self.error(
                    ppath,
                    f"path parameter {name!r} must have type string, integer, integer_string or "
                    f"number (it is placed in the URL), not {' | '.join(schema.types)}",
                    key=True,
                )
            params.append(
                Property(name, snake(name), schema, True, pos=self.doc.pos(ppath, key=True))
            )
        for name in sorted(declared - set(raw.get("path_params", {}))):
            if not name.strip():
                self.error(
                    path + ("path",), "path has an empty {}: name the parameter, e.g. {vdnId}"
                )
                continue
            self.error(
                path + ("path",),
                f"path parameter {{{name}}} is not declared in path_params; add {name}: {{type: …}}",
            )
        seen_headers: dict[str, str] = {}
        for n in raw.get("headers", {}):
            if n.lower() in seen_headers:
                self.error(
                    path + ("headers", n),
                    f"header {n!r} is declared twice (as {seen_headers[n.lower()]!r}); "
                    "header names are case-insensitive",
                    key=True,
                )
            seen_headers.setdefault(n.lower(), n)
        headers = tuple(
            Header(n, h.get("value"), bool(h.get("credential", False)), h.get("source"))
            for n, h in raw.get("headers", {}).items()
        )
        for code_i, code in enumerate(raw.get("error_codes", [])):
            code_ref(path + ("error_codes", code_i), code)
        guard = None
        if "guard" in raw:
            g = raw["guard"]
            groups = tuple(
                (entry,) if isinstance(entry, str) else tuple(entry) for entry in g["unless_any_of"]
            )
            guard = Guard(groups, g["confirm"], g.get("note"))
            note_ref(path + ("guard", "note"), guard.note)
        paging = None
        if "paging" in raw:
            pg = raw["paging"]
            paging = Paging(
                page=pg["page"],
                items=pg["items"],
                page_size=pg.get("page_size"),
                total_pages=pg.get("total_pages"),
                total_items=pg.get("total_items"),
                first_page=pg.get("first_page", 1),
                note=pg.get("note"),
            )
            note_ref(path + ("paging", "note"), paging.note)
        min_interval = None
        if op_id in min_intervals:
            value = min_intervals[op_id]
            min_interval = float(value) if value is not None else None
        examples = tuple(
            self.example(path + ("examples", i), ex, kind=ex["kind"])
            for i, ex in enumerate(raw.get("examples", []))
        )
        self.check_example_names(path, raw.get("examples", []))
        op = Operation(
            id=op_id,
            method=raw["method"],
            path=raw["path"],
            pos=self.pos(path),
            request=request,
            response=response,
            summary=raw.get("summary", ""),
            source=raw.get("source"),
            query=tuple(raw.get("query", {}).items()),
            path_params=tuple(params),
            headers=headers,
            creates=bool(raw.get("creates", False)),
            arguments_at=raw.get("arguments_at", ""),
            error_codes=tuple(raw.get("error_codes", ())),
            guard=guard,
            batch_field=raw.get("batch", {}).get("field"),
            paging=paging,
            min_interval=min_interval,
            examples=examples,
        )
        return op

    def check_wiring(self, op: Operation, auth: Auth, envelope: Envelope) -> None:
        """Pointers of auth, envelope, arguments, guard and batch resolve in this operation."""
        path: Path = ("operations", op.id)
        if op.request.object is not None:
            args = self.resolve(
                op.request, op.arguments_at, path + ("arguments_at",), "arguments_at"
            )
            if args is not None and args.object is None:
                self.error(path + ("arguments_at",), "arguments_at must point at an object")
            elif args is not None and _through_items(op.request, op.arguments_at):
                self.error(
                    path + ("arguments_at",),
                    "arguments_at must name object properties only, not array items "
                    "(the arguments fill one object of the body)",
                )
                args = None
            if auth.scheme == "body_token" and auth.body_field:
                self.resolve(
                    op.request,
                    auth.body_field,
                    ("auth", "body_field"),
                    f"auth.body_field in {op.id}",
                )
            arg_obj = args.object if args is not None else None
            if arg_obj is not None and id(arg_obj) not in self.broken:
                self.check_arguments(op, arg_obj)
                if op.paging is not None and op.response.object is not None:
                    self.check_paging(op, op.paging, arg_obj)
            self.check_must_match(op.request, op.request, path + ("request",))
        if op.response.object is not None:
            self.check_must_match(op.response, op.response, path + ("response",))
        if op.response.object is not None:
            self.resolve(
                op.response, envelope.code, ("envelope", "code"), f"envelope.code in {op.id}"
            )
            for key in ("message", "data", "request_id"):
                pointer = getattr(envelope, key)
                if pointer:
                    self.resolve(
                        op.response, pointer, ("envelope", key), f"envelope.{key} in {op.id}"
                    )

    def check_arguments(self, op: Operation, arg_obj: ObjectType) -> None:
        """Guard and batch name arguments; the client method's keyword names are distinct."""
        path: Path = ("operations", op.id)
        names = ", ".join(p.name for p in arg_obj.properties) or "none"
        if op.guard:
            for i, group in enumerate(op.guard.unless_any_of):
                for j, n in enumerate(group):
                    if arg_obj.prop(n) is None:
                        where = ("guard", "unless_any_of", i) + ((j,) if len(group) > 1 else ())
                        self.error(
                            path + where,
                            f"{n!r} is not an argument of {op.id} (arguments: {names})",
                        )
        if op.batch_field:
            prop = arg_obj.prop(op.batch_field)
            if prop is None:
                problem = f"is not an argument of {op.id} (arguments: {names})"
            elif prop.schema.items is None:
                problem = "is not an array"
            elif prop.schema.max_items is None:
                problem = "has no max_items to split at"
            else:
                problem = ""
            if problem:
                self.error(
                    path + ("batch", "field"),
                    f"batch.field {op.batch_field!r} {problem}: it must name an array argument "
                    "with max_items",
                )
        keywords = {p.py_name: f"path parameter {p.name!r}" for p in op.path_params}
        for p in arg_obj.properties:  # two arguments colliding are reported at the object
            if p.py_name in keywords and keywords[p.py_name].startswith("path"):
                self.errors.append(
                    SpecError(
                        p.pos or self.pos(path),
                        f"argument {p.name!r} and {keywords[p.py_name]} both become the keyword "
                        f"argument {p.py_name!r} of {op.id}; rename one",
                    )
                )
            keywords.setdefault(p.py_name, f"argument {p.name!r}")
        if op.guard:
            confirm = op.guard.confirm
            if keyword.iskeyword(confirm) or confirm in RESERVED:
                self.error(
                    path + ("guard", "confirm"),
                    f"guard.confirm {confirm!r} cannot be a keyword argument name; choose another",
                )
            elif confirm in keywords:
                self.error(
                    path + ("guard", "confirm"),
                    f"guard.confirm {confirm!r} is already the keyword argument of "
                    f"{keywords[confirm]}; choose another name such as confirm_delete_all",
                )

    def check_paging(self, op: Operation, paging: Paging, arg_obj: ObjectType) -> None:
        """Page arguments are integer arguments; the pointers reach an array and integers of
        the response, through objects only (the iterator reads them from the model)."""
        path: Path = ("operations", op.id, "paging")
        names = ", ".join(p.name for p in arg_obj.properties) or "none"
        for key in ("page", "page_size"):
            name = getattr(paging, key)
            if name is None:
                continue
            prop = arg_obj.prop(name)
            if prop is None:
                self.error(path + (key,), f"{name!r} is not an argument of {op.id} ({names})")
            elif not _integer(prop.schema):
                self.error(
                    path + (key,),
                    f"paging.{key} {name!r} must be an integer or integer_string argument",
                )
        if paging.page_size is not None and paging.page_size == paging.page:
            self.error(path + ("page_size",), "paging.page_size names the page argument again")
        for key in ("items", "total_pages", "total_items"):
            pointer = getattr(paging, key)
            if pointer is None:
                continue
            target = self.resolve(op.response, pointer, path + (key,), f"paging.{key}")
            if target is None:
                continue
            if _through_items(op.response, pointer) or pointer == "":
                self.error(
                    path + (key,),
                    f"paging.{key} must name a property reached through objects only",
                )
            elif key == "items" and target.items is None:
                self.error(path + (key,), f"paging.items {pointer!r} must point at an array")
            elif key != "items" and not _integer(target):
                self.error(
                    path + (key,),
                    f"paging.{key} {pointer!r} must point at an integer (or integer_string)",
                )

    def check_example_names(self, path: Path, raw_examples: list[dict[str, Any]]) -> None:
        seen: dict[str, int] = {}
        for i, ex in enumerate(raw_examples):
            if ex["name"] in seen:
                first = self.pos(path + ("examples", seen[ex["name"]], "name")).line
                self.error(
                    path + ("examples", i, "name"),
                    f"example name {ex['name']!r} is used twice here (first at line {first})",
                )
            seen.setdefault(ex["name"], i)

    def check_must_match(self, root: Schema, schema: Schema, path: Path) -> None:
        if schema.must_match is not None:
            self.resolve(root, schema.must_match, path + ("must_match",), "must_match")
        if schema.items is not None:
            self.check_must_match(root, schema.items, path + ("items",))
        if schema.object is not None and not schema.object.named:
            for p in schema.object.properties:
                self.check_must_match(root, p.schema, path + ("properties", p.name))
        elif schema.object is not None:
            for p in schema.object.properties:
                self.check_must_match(
                    root, p.schema, ("types", schema.object.name, "properties", p.name)
                )

    def resolve(self, root: Schema, pointer: str, path: Path, what: str) -> Schema | None:
        try:
            tokens = pointers.split(pointer)
        except ValueError as exc:
            self.error(path, str(exc))
            return None
        current: Schema | None = root
        for token in tokens:
            if current is None:
                break
            if id(current) in self.broken or id(current.object) in self.broken:
                return None  # it passes through an unknown ref or a missing items: reported
            if current.items is not None and (token == "*" or token.isdigit()):
                current = current.items
            elif current.object is not None:
                prop = current.object.prop(token)
                current = prop.schema if prop else None
            else:
                current = None
        if current is None:
            self.error(path, f"{what} {pointer!r} does not resolve in the body schema")
        return current

    def check_distinct_routes(self, ops: list[Operation]) -> None:
        seen: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}
        for op in ops:
            route = (op.method, op.path, tuple(sorted(op.query)))
            if route in seen:
                self.error(
                    ("operations", op.id, "path"),
                    f"{op.id} has the same method, path and query as {seen[route]}; "
                    "two operations must never share a route",
                )
            seen[route] = op.id

    def example(self, path: Path, raw: dict[str, Any], *, kind: str) -> Example:
        self.check_source(path, raw.get("source"))
        positions = tuple(_positions(self.doc, path + ("body",), raw["body"]))
        return Example(
            name=raw["name"],
            kind=kind,  # type: ignore[arg-type]
            body=raw["body"],
            pos=self.pos(path),
            source=raw.get("source"),
            expect_violations=tuple(
                ExpectedViolation(v["path"], v["rule"]) for v in raw.get("expect_violations", [])
            ),
            positions=tuple(positions),
        )

    def callback(self, name: str, raw: dict[str, Any]) -> Callback:
        path: Path = ("callbacks", name)
        self.check_source(path, raw.get("source"))
        body = self.schema(raw["body"], path + ("body",), pascal(name) + "Callback")
        if body.object is None:
            self.error(path + ("body",), "the callback body must be an object")
        else:
            self.check_must_match(body, body, path + ("body",))
        self.check_example_names(path, raw.get("examples", []))
        return Callback(
            name=name,
            pos=self.pos(path),
            body=body,
            summary=raw.get("summary", ""),
            source=raw.get("source"),
            examples=tuple(
                self.example(path + ("examples", i), ex, kind="callback")
                for i, ex in enumerate(raw.get("examples", []))
            ),
        )


def _integer(schema: Schema) -> bool:
    """The value reads as a Python int: integer, integer_string, or the two (and null)."""
    kinds = set(schema.non_null_types)
    return bool(kinds) and kinds <= {"integer", "integer_string"}


def _positions(doc: Document, at: Path, value: Any) -> Iterator[tuple[str, Pos]]:
    """(JSON Pointer inside the value at `at`, where it was written), in document order.

    Walks the value itself, so the cost is the size of the example, not of the whole spec.
    """
    stack: list[tuple[Path, str, Any]] = [(at, "", value)]  # (path, pointer, value)
    while stack:
        path, pointer, v = stack.pop()
        pos = doc.at(path)
        if pos is not None:
            yield pointer, pos
        if isinstance(v, dict):
            stack.extend(
                (path + (k,), pointer + "/" + pointers.escape(str(k)), v[k])
                for k in reversed(list(v))
            )
        elif isinstance(v, list):
            stack.extend((path + (i,), f"{pointer}/{i}", v[i]) for i in reversed(range(len(v))))


def _through_items(root: Schema, pointer: str) -> bool:
    """True when `pointer` steps into array items on its way (`/list/0/x`, `/list/*`)."""
    current: Schema | None = root
    for token in pointers.split(pointer):
        if current is None:
            return False
        if current.items is not None and (token == "*" or token.isdigit()):
            return True
        prop = current.object.prop(token) if current.object is not None else None
        current = prop.schema if prop else None
    return False


def _escaped(pattern: str) -> set[int]:
    """Indexes of the characters that follow a backslash (`\\d` → the index of `d`)."""
    out: set[int] = set()
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.add(i + 1)
            i += 2
        else:
            i += 1
    return out


def _top_level_bar(pattern: str, escaped: set[int]) -> bool:
    """Whether a `|` outside every group and class splits the whole pattern (`^a|b$`)."""
    depth, in_class = 0, False
    for i, c in enumerate(pattern):
        if i in escaped or c == "\\":
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
    return False


def _cycle(start: str, deps: dict[str, set[str]]) -> list[str]:
    """The shortest chain of refs leading from `start` back to itself, or []."""
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for dep in sorted(deps[path[-1]]):
            if dep == start:
                return path + [start]
            if dep not in seen:
                seen.add(dep)
                paths.append(path + [dep])
    return []


def _python_only(pattern: str, escaped: set[int]) -> str:
    """The first construct of `pattern` that Python's re has and ECMA-262 lacks, or ""."""
    in_class = False
    for i, c in enumerate(pattern):
        if i in escaped:
            if c in "AZz" and not in_class:
                return f"\\{c} (use ^ and $)"
            continue
        if c == "\\":
            continue
        if in_class:
            in_class = c != "]" or pattern[i - 1] == "["
        elif c == "[":
            in_class = True
        elif c == "(" and pattern.startswith("?", i + 1):
            rest = pattern[i + 2 : i + 4]
            if not (rest[:1] in (":", "=", "!") or rest in ("<=", "<!")):
                return f"the group syntax {pattern[i:i + 4]!r}…"
        elif c == "+" and i > 0 and (i - 1) not in escaped and pattern[i - 1] in "*+?}":
            return "a possessive quantifier (…+)"
    return ""


def _refs(raw: Any) -> set[str]:
    """Every `ref` used anywhere inside a raw schema."""
    found: set[str] = set()
    if isinstance(raw, dict):
        if isinstance(raw.get("ref"), str):
            found.add(raw["ref"])
        for v in raw.values():
            found |= _refs(v)
    elif isinstance(raw, list):
        for v in raw:
            found |= _refs(v)
    return found


def build_service(doc: Document, stem: str, *, unbuilt: frozenset[str] = frozenset()) -> Service:
    """The IR of a spec; raises SpecErrors. Operations named in `unbuilt` (left out of
    `doc`, see spec.check_document) count as declared but are neither built nor checked."""
    builder = Builder(doc, unbuilt)
    service = builder.service(stem)
    if builder.errors:
        raise SpecErrors(builder.errors)
    return service
