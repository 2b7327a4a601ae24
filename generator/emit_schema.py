"""IR → JSON Schema (draft 2020-12), one schema per operation body.

Requests are strict (`additionalProperties: false`, enums enforced); responses and callbacks are
tolerant (extra properties allowed; enum values are open, listed as `x-enum`: a value the
documents do not list is accepted, and the generated validators report it as a deviation). What JSON Schema
cannot say travels as `x-` keywords, which `tests/` check against the generated validators:
`x-max-bytes`, `x-must-match`, `x-unique-by`, `x-integer-string-bounds`.
Patterns are ECMA-262 (`$` is the end of input); see `ecma_validator` for checking them in Python.

`annotated=True` (the OpenAPI export) adds what a reader of the document needs and a validator
does not: `x-source` and `x-inferred` on each node, `x-codes` for per-node code overrides, and a
plain-words sentence in `description` for each rule JSON Schema cannot state. Everything else is
the same schema, so an annotated schema with those additions removed is the plain one.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import jsonschema

from . import formats
from .ir import Operation, Schema, Service

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("request", "response", "callback")

_JSON_TYPE = {
    "string": "string",
    "integer_string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
    "null": "null",
}


ANNOTATIONS = ("x-source", "x-inferred", "x-codes")
"""Keywords `annotated=True` adds (besides sentences appended to `description`)."""


class SchemaEmitter:
    def __init__(self, strict: bool, *, annotated: bool = False, defs_at: str = "#/$defs/") -> None:
        self.strict = strict
        self.annotated = annotated
        self.defs_at = defs_at  # where `$defs` will be, as a `$ref` prefix
        self.defs: dict[str, Any] = {}

    def node(self, s: Schema, *, inferred: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if s.description:
            out["description"] = s.description
        if "any" not in s.types:
            json_types = sorted({_JSON_TYPE[t] for t in s.types})
            out["type"] = json_types[0] if len(json_types) == 1 else json_types
        if s.has_default:
            out["default"] = s.default
        if s.enum:
            values = [e.value for e in s.enum]
            if self.strict:
                out["enum"] = values + ([None] if s.nullable and None not in values else [])
            else:
                out["x-enum"] = values
            out["x-enum-meanings"] = {str(e.value): e.meaning for e in s.enum}
        patterns = []
        if "integer_string" in s.types:
            patterns.append(formats.INTEGER_STRING)
        if s.pattern:
            patterns.append(s.pattern)
        if s.format:
            patterns.append(formats.PATTERNS[s.format])
            out["x-format"] = s.format
        if len(patterns) == 1:
            out["pattern"] = patterns[0]
        elif patterns:
            out["allOf"] = [{"pattern": p} for p in patterns]
        for key, json_key in (("min_length", "minLength"), ("max_length", "maxLength")):
            if getattr(s, key) is not None:
                out[json_key] = getattr(s, key)
        if s.forbidden_chars:
            out["not"] = {"type": "string", "pattern": formats.char_class(s.forbidden_chars)}
            out["x-forbidden-chars"] = s.forbidden_chars
        if s.max_bytes is not None:
            out["x-max-bytes"] = s.max_bytes
        bounds = {
            json_key: getattr(s, key)
            for key, json_key in (
                ("minimum", "minimum"),
                ("maximum", "maximum"),
                ("exclusive_minimum", "exclusiveMinimum"),
                ("exclusive_maximum", "exclusiveMaximum"),
            )
            if getattr(s, key) is not None
        }
        if bounds and s.types == ("integer_string",):
            out["x-integer-string-bounds"] = bounds
        else:
            out.update(bounds)
        if s.items is not None:
            out["items"] = self.node(s.items)
        if s.min_items is not None:
            out["minItems"] = s.min_items
        if s.max_items is not None:
            out["maxItems"] = s.max_items
        if s.unique:
            out["uniqueItems"] = True
        if s.unique_by is not None:
            out["x-unique-by"] = s.unique_by
        if s.must_match is not None:
            out["x-must-match"] = s.must_match
        if s.object is not None:
            obj = self.object(s)
            if s.object.named and s.nullable:
                out.pop("type", None)
                out["anyOf"] = [{"type": "null"}, {"$ref": f"{self.defs_at}{s.object.name}"}]
            elif s.object.named:
                out["$ref"] = f"{self.defs_at}{s.object.name}"
            else:
                out.update(obj)
        if self.annotated:
            return self.annotate(s, out, inferred)
        return out

    def annotate(self, s: Schema, out: dict[str, Any], inferred: bool) -> dict[str, Any]:
        """Source, inferred flag, code overrides, and the x- rules in plain words."""
        sentences = [out.pop("description")] if "description" in out else []
        if "x-max-bytes" in out:
            sentences.append(
                f"At most {s.max_bytes} bytes in UTF-8 (x-max-bytes; JSON Schema's maxLength "
                "counts characters, not bytes)."
            )
        if "x-integer-string-bounds" in out:
            bounds = ", ".join(f"{k} {v}" for k, v in out["x-integer-string-bounds"].items())
            sentences.append(
                f"The digits, read as a number, must satisfy {bounds} (x-integer-string-bounds; "
                "JSON Schema bounds apply to numbers, not to strings of digits)."
            )
        if "x-unique-by" in out:
            sentences.append(
                f"No two items may have the same {s.unique_by!r} (x-unique-by; JSON Schema's "
                "uniqueItems compares whole items)."
            )
        if "x-must-match" in out:
            sentences.append(
                f"Must equal one of the values at {s.must_match} in the same body, * standing "
                "for every array item (x-must-match; JSON Schema cannot refer to other values)."
            )
        if "x-enum" in out:
            sentences.append(
                "Documented values: "
                + ", ".join(json.dumps(v, ensure_ascii=False) for v in out["x-enum"])
                + "; others are accepted in what the vendor sends, and reported as deviations "
                "by callgen's clients (x-enum)."
            )
        if sentences:
            out = {"description": "\n\n".join(sentences), **out}
        if s.source is not None:
            out["x-source"] = s.source
        if inferred:
            out["x-inferred"] = True
        if s.codes:
            out["x-codes"] = dict(s.codes)
        return out

    def object(self, s: Schema) -> dict[str, Any]:
        t = s.object
        assert t is not None
        if t.named and t.name in self.defs:
            known: dict[str, Any] = self.defs[t.name]
            return known
        out: dict[str, Any] = {}
        if t.named:
            self.defs[t.name] = out  # before recursing: a type may be reached again below
            if t.description:
                out["description"] = t.description
            out["type"] = "object"
            if self.annotated and t.source is not None:
                out["x-source"] = t.source
        out["properties"] = {p.name: self.node(p.schema, inferred=p.inferred) for p in t.properties}
        required = [p.name for p in t.properties if p.required]
        if required:
            out["required"] = required
        if self.strict:
            out["additionalProperties"] = False
        conditions = []
        for p in t.properties:
            if p.required_if is not None:
                conditions.append(
                    {
                        "if": {
                            "properties": {p.required_if.field: {"const": p.required_if.equals}},
                            "required": [p.required_if.field],
                        },
                        "then": {"required": [p.name]},
                    }
                )
        if t.exactly_one_of:
            out["oneOf"] = [
                {"required": [n], "properties": {n: {"not": {"enum": ["", None]}}}}
                for n in t.exactly_one_of
            ]
        if conditions:
            out["allOf"] = conditions
        if t.dependent_required:
            out["dependentRequired"] = {n: list(needs) for n, needs in t.dependent_required}
        return out


def body_schema(
    service: Service,
    body: Schema,
    kind: str,
    title: str,
    *,
    annotated: bool = False,
    defs_at: str = "#/$defs/",
) -> dict[str, Any]:
    """The schema of one body; `defs_at` is where its `$defs` will be reachable from a `$ref`
    (the OpenAPI export places the schema inside a larger document)."""
    emitter = SchemaEmitter(strict=kind == "request", annotated=annotated, defs_at=defs_at)
    root = emitter.node(body)
    doc: dict[str, Any] = {"$schema": DIALECT, "title": title}
    doc.update(root)
    if emitter.defs:
        doc["$defs"] = {name: emitter.defs[name] for name in sorted(emitter.defs)}
    return doc


def title(service: Service, name: str, kind: str) -> str:
    """The `title` of the schema of one body: `huawei_isales.add_call_data request`."""
    return f"{service.name}.{name} {kind}"


def operation_schemas(service: Service, op: Operation) -> dict[str, dict[str, Any]]:
    return {
        "request": body_schema(service, op.request, "request", title(service, op.id, "request")),
        "response": body_schema(
            service, op.response, "response", title(service, op.id, "response")
        ),
    }


def all_schemas(service: Service) -> dict[tuple[str, str], dict[str, Any]]:
    """(operation id or callback name, kind) → schema, in spec order."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for op in service.operations:
        for kind, schema in operation_schemas(service, op).items():
            out[(op.id, kind)] = schema
    for cb in service.callbacks:
        out[(cb.name, "callback")] = body_schema(
            service, cb.body, "callback", title(service, cb.name, "callback")
        )
    return out


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """`pattern` with ECMA-262 `$` (end of input): Python's `$` also matches before a final \\n."""
    if isinstance(instance, str) and not re.search(_to_python(pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _to_python(pattern: str) -> str:
    """ECMA `$` → `\\Z`, only where `$` is an anchor: not escaped, not inside a `[...]` class."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            out.append(c)
            i += 1
            for lead in ("^", "]"):  # `[^]…]` / `[]…]`: a leading `]` is literal in Python
                if pattern.startswith(lead, i):
                    out.append(lead)
                    i += 1
            continue
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    return "".join(out)


EcmaValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"pattern": _ecma_pattern}
)


def ecma_validator(schema: dict[str, Any]) -> Any:
    """A Draft 2020-12 validator whose `pattern` follows the JSON Schema (ECMA-262) meaning."""
    return EcmaValidator(schema)
