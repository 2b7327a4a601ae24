"""Spec data (already shaped by the meta-schema) → IR, with every semantic check.

Each check reports at the position of the offending key or value and the build goes on, so a
user sees all problems of a spec at once.
"""

from __future__ import annotations

import re
from typing import Any

from . import pointers
from .errors import SpecError, SpecErrors
from .ir import (
    FORMATS,
    RULES,
    Auth,
    EnumValue,
    Callback,
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
    Pos,
    Property,
    RequiredIf,
    Schema,
    Service,
    Source,
)
from .naming import pascal, snake
from .yamlpos import Document, Path

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
_PATH_PARAM = re.compile(r"\{([^{}]*)\}")


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
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.errors: list[SpecError] = []
        self.types: dict[str, ObjectType] = {}
        self.class_names: dict[str, Pos] = {}
        self.source_ids: set[str] = set()

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
        allowed = {k for t in types for k in _APPLIES.get(t, ())}
        for key in _STRING_KEYS + _NUMBER_KEYS + _ARRAY_KEYS + _OBJECT_KEYS:
            if key in raw and key not in allowed:
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
            self.error(path + ("forbidden_chars",), "forbidden_chars is empty")

        items = None
        if "items" in raw:
            items = self.schema(raw["items"], path + ("items",), class_hint + "Item")
        elif "array" in types:
            self.error(path, "an array schema needs items", key=True)

        obj = None
        if "ref" in raw:
            if "properties" in raw:
                self.error(path + ("properties",), "use either ref or properties, not both", key=True)
            obj = self.types.get(raw["ref"])
            if obj is None:
                known = ", ".join(sorted(self.types)) or "none"
                self.error(path + ("ref",), f"unknown type {raw['ref']!r} (types: {known})")
        elif "object" in types:
            obj = self.object_type(raw, path, class_hint, named=False)

        enum = []
        for i, entry in enumerate(raw.get("enum", [])):
            value = entry["value"]
            if not any(_is_type(value, t) for t in types):
                self.error(
                    path + ("enum", i, "value"),
                    f"enum value {value!r} is not of type {' | '.join(types)}",
                )
            enum.append(EnumValue(value, entry.get("meaning", "")))
        values = [e.value for e in enum]
        if len({repr(v) for v in values}) != len(values):
            self.error(path + ("enum",), "enum lists a value twice")

        codes = tuple(sorted(raw.get("codes", {}).items()))
        for rule, _ in codes:
            if rule not in RULES:
                self.error(path + ("codes", rule), f"unknown rule {rule!r}", key=True)

        schema = Schema(
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
            if item_obj is None:
                self.error(path + ("unique_by",), "unique_by needs items that are objects")
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
            self.error(path + ("max_bytes",), "min_length is larger than max_bytes")

    def check_pattern(self, pattern: str, path: Path) -> None:
        if not pattern.isascii():
            self.error(path, "pattern must be ASCII (write explicit character classes)")
        if not (pattern.startswith("^") and pattern.endswith("$")) or pattern.endswith("\\$"):
            self.error(path, f"pattern {pattern!r} must be anchored: start with ^ and end with $")
        if re.search(r"(?<!\\)\\[dDwWsS]", pattern):
            self.error(path, r"pattern uses \d, \w or \s, which match non-ASCII; write [0-9] etc.")
        try:
            re.compile(pattern)
        except re.error as exc:
            self.error(path, f"pattern does not compile: {exc}")

    def check_value_fits(self, value: Json, schema: Schema, path: Path, what: str) -> None:
        if not any(_is_type(value, t) for t in schema.types):
            self.error(path, f"{what} {value!r} is not of type {' | '.join(schema.types)}")
        elif schema.enum and value not in [e.value for e in schema.enum]:
            self.error(path, f"{what} {value!r} is not one of the enum values")

    def object_type(self, raw: dict[str, Any], path: Path, name: str, *, named: bool) -> ObjectType:
        self.claim_class(name, path)
        props: list[Property] = []
        py_names: dict[str, str] = {}
        raw_props = raw.get("properties", {})
        for wire, praw in raw_props.items():
            ppath = path + ("properties", wire)
            py = snake(wire)
            if py in py_names:
                self.error(
                    ppath,
                    f"property {wire!r} and {py_names[py]!r} both become {py!r} in Python; rename one",
                    key=True,
                )
            py_names[py] = wire
            schema = self.schema(praw, ppath, name + pascal(wire))
            req_if = None
            if "required_if" in praw:
                ri = praw["required_if"]
                req_if = RequiredIf(ri["field"], ri["equals"])
            if praw.get("required") and req_if:
                self.error(ppath + ("required_if",), "required and required_if together", key=True)
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
                self.error(rpath + ("field",), f"required_if names {p.required_if.field!r}, not a sibling")
            else:
                self.check_value_fits(p.required_if.equals, other.schema, rpath + ("equals",), "equals")
        one_of = tuple(raw.get("exactly_one_of", ()))
        for i, n in enumerate(one_of):
            if n not in by_name:
                self.error(path + ("exactly_one_of", i), f"exactly_one_of names {n!r}, not a property")
        if one_of and len(one_of) < 2:
            self.error(path + ("exactly_one_of",), "exactly_one_of needs at least two properties")
        dep = []
        for n, needs in raw.get("dependent_required", {}).items():
            if n not in by_name:
                self.error(path + ("dependent_required", n), f"{n!r} is not a property", key=True)
            for i, m in enumerate(needs):
                if m not in by_name:
                    self.error(path + ("dependent_required", n, i), f"{m!r} is not a property")
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
        for sid, s in d.get("sources", {}).items():
            self.source_ids.add(sid)
        if d["service"] != stem:
            self.error(("service",), f"service {d['service']!r} must match the file name {stem!r}")

        notes = [
            Note(n["id"], n["text"], n["decision"], n.get("source"), tuple(n.get("about", ())))
            for n in d.get("notes", [])
        ]
        note_ids: set[str] = set()
        for i, n in enumerate(notes):
            if n.id in note_ids:
                self.error(("notes", i, "id"), f"note id {n.id!r} is used twice")
            note_ids.add(n.id)
            self.check_source(("notes", i), n.source)

        def note_ref(path: Path, note: str | None) -> None:
            if note is not None and note not in note_ids:
                self.error(path, f"unknown note {note!r}")

        base = d.get("base_url", {})
        note_ref(("base_url", "note"), base.get("note"))

        codes = self.error_codes(d.get("error_codes", []))
        code_set = {c.code for c in codes}

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
        ops = []
        op_ids = set()
        for op_id, raw in d.get("operations", {}).items():
            op = self.operation(op_id, raw, limits, code_ref, note_ref)
            ops.append(op)
            op_ids.add(op_id)
            self.check_wiring(op, auth, envelope)
        self.check_distinct_routes(ops)
        for i, lim in enumerate(limits):
            if lim.operation is not None and lim.operation not in op_ids:
                self.error(("limits", i, "operation"), f"unknown operation {lim.operation!r}")
        for i, c in enumerate(codes):
            for j, o in enumerate(c.operations):
                if o not in op_ids:
                    self.error(("error_codes", i, "operations", j), f"unknown operation {o!r}")
        callbacks = [
            self.callback(name, raw) for name, raw in d.get("callbacks", {}).items()
        ]
        return Service(
            name=d["service"],
            title=d["title"],
            file=self.doc.file,
            pos=self.pos(()),
            auth=auth,
            envelope=envelope,
            sources=tuple(Source(k, v["file"], v.get("title", "")) for k, v in d.get("sources", {}).items()),
            base_url=base.get("documented"),
            error_codes=tuple(codes),
            rule_codes=rule_codes,
            types=tuple(self.types[n] for n in raw_types if n in self.types),
            operations=tuple(ops),
            callbacks=tuple(callbacks),
            limits=tuple(limits),
            notes=tuple(notes),
        )

    def declare_types(self, raw_types: dict[str, Any]) -> None:
        pending = dict(raw_types)
        while pending:
            progressed = False
            for name, raw in list(pending.items()):
                deps = _refs(raw)
                if all(dep in self.types or dep not in raw_types for dep in deps - {name}) and (
                    name not in deps
                ):
                    self.types[name] = self.object_type(raw, ("types", name), name, named=True)
                    del pending[name]
                    progressed = True
            if not progressed:
                for name in pending:
                    self.error(("types", name), f"type {name!r} refers to itself (directly or not)", key=True)
                return

    def error_codes(self, raw_codes: list[dict[str, Any]]) -> list[ErrorCode]:
        out = []
        seen_codes: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        for i, raw in enumerate(raw_codes):
            path: Path = ("error_codes", i)
            if raw["code"] in seen_codes:
                self.error(path + ("code",), f"error code {raw['code']!r} is declared twice")
            if raw["name"] in seen_names:
                self.error(path + ("name",), f"error code name {raw['name']!r} is used twice")
            seen_codes[raw["code"]] = i
            seen_names[raw["name"]] = i
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

    def operation(self, op_id, raw, limits, code_ref, note_ref) -> Operation:  # type: ignore[no-untyped-def]
        path: Path = ("operations", op_id)
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
            params.append(Property(name, snake(name), schema, True, pos=self.doc.pos(ppath, key=True)))
        for name in sorted(declared - set(raw.get("path_params", {}))):
            self.error(path + ("path",), f"path parameter {{{name}}} is not declared in path_params")
        headers = tuple(
            Header(n, h.get("value"), bool(h.get("credential", False)), h.get("source"))
            for n, h in raw.get("headers", {}).items()
        )
        for code_i, code in enumerate(raw.get("error_codes", [])):
            code_ref(path + ("error_codes", code_i), code)
        guard = None
        if "guard" in raw:
            g = raw["guard"]
            guard = Guard(tuple(g["unless_any_of"]), g["confirm"], g.get("note"))
            note_ref(path + ("guard", "note"), guard.note)
        min_interval = None
        for lim in limits:
            if lim.operation == op_id and lim.kind == "min_interval" and lim.enforced_by == "client":
                min_interval = float(lim.value) if lim.value is not None else None
        examples = tuple(
            self.example(path + ("examples", i), ex, kind=ex["kind"])
            for i, ex in enumerate(raw.get("examples", []))
        )
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
            min_interval=min_interval,
            examples=examples,
        )
        return op

    def check_wiring(self, op: Operation, auth: Auth, envelope: Envelope) -> None:
        """Pointers of auth, envelope, arguments, guard and batch resolve in this operation."""
        path: Path = ("operations", op.id)
        if op.request.object is not None:
            args = self.resolve(op.request, op.arguments_at, path + ("arguments_at",), "arguments_at")
            if args is not None and args.object is None:
                self.error(path + ("arguments_at",), "arguments_at must point at an object")
            if auth.scheme == "body_token" and auth.body_field:
                self.resolve(op.request, auth.body_field, ("auth", "body_field"), f"auth.body_field in {op.id}")
            arg_obj = args.object if args is not None else None
            if op.guard and arg_obj:
                for i, n in enumerate(op.guard.unless_any_of):
                    if arg_obj.prop(n) is None:
                        self.error(path + ("guard", "unless_any_of", i), f"{n!r} is not an argument of {op.id}")
            if op.batch_field and arg_obj:
                prop = arg_obj.prop(op.batch_field)
                if prop is None or prop.schema.items is None or prop.schema.max_items is None:
                    self.error(path + ("batch", "field"), "batch.field must name an array argument with max_items")
            self.check_must_match(op.request, op.request, path + ("request",))
        if op.response.object is not None:
            self.resolve(op.response, envelope.code, ("envelope", "code"), f"envelope.code in {op.id}")
            for key in ("message", "data", "request_id"):
                pointer = getattr(envelope, key)
                if pointer:
                    self.resolve(op.response, pointer, ("envelope", key), f"envelope.{key} in {op.id}")

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
                self.check_must_match(root, p.schema, ("types", schema.object.name, "properties", p.name))

    def resolve(self, root: Schema, pointer: str, path: Path, what: str) -> Schema | None:
        try:
            pointers.split(pointer)
        except ValueError as exc:
            self.error(path, str(exc))
            return None
        found = pointers.schema_at(root, pointer)
        if found is None:
            self.error(path, f"{what} {pointer!r} does not resolve in the body schema")
        return found

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
        body_path = path + ("body",)
        positions = tuple(
            (pointers.join(p[len(body_path):]), pos)
            for p, pos in self.doc.values.items()
            if p[: len(body_path)] == body_path
        )
        return Example(
            name=raw["name"],
            kind=kind,  # type: ignore[arg-type]
            body=raw["body"],
            pos=self.pos(path),
            source=raw.get("source"),
            expect_violations=tuple(
                ExpectedViolation(v["path"], v["rule"]) for v in raw.get("expect_violations", [])
            ),
            positions=positions,
        )

    def callback(self, name: str, raw: dict[str, Any]) -> Callback:
        path: Path = ("callbacks", name)
        self.check_source(path, raw.get("source"))
        body = self.schema(raw["body"], path + ("body",), pascal(name) + "Callback")
        if body.object is None:
            self.error(path + ("body",), "the callback body must be an object")
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


def build_service(doc: Document, stem: str) -> Service:
    builder = Builder(doc)
    service = builder.service(stem)
    if builder.errors:
        raise SpecErrors(builder.errors)
    return service
