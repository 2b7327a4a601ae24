"""IR → what the model, error and client templates render: Python types and conversions.

Each decision about a field's Python form is made here: its annotation, its default, and the
expressions that carry it to and from the wire (integer_string travels as "59", means 59).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import pointers
from .emit_validators import entry_name
from .ir import ObjectType, Operation, Property, Schema, Service
from .literals import literal

_SCALARS = {
    "string": "str",
    "integer_string": "int",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "any": "Any",
}


def annotation(s: Schema, models: str = "") -> str:
    """The Python type of a value; `models` qualifies class names (`_models.` in the client)."""
    names: list[str] = []
    for t in s.non_null_types:
        if t in _SCALARS:
            name = _SCALARS[t]
        elif t == "array":
            assert s.items is not None
            name = f"list[{annotation(s.items, models)}]"
        elif t == "object":
            name = models + s.object.name if s.object is not None else "dict[str, Any]"
        else:
            raise AssertionError(t)
        if name not in names:
            names.append(name)
    if "Any" in names or not names:
        return "Any"
    if s.nullable:
        names.append("None")
    return " | ".join(names)


def _or_none(ann: str) -> str:
    """`ann | None`, unless it admits None already (a class may be named `...None`)."""
    if ann == "Any" or "None" in ann.split(" | "):
        return ann
    return ann + " | None"


def _needs_conversion(s: Schema) -> bool:
    if "integer_string" in s.types or s.object is not None:
        return True
    return s.items is not None and _needs_conversion(s.items)


def to_wire(expr: str, s: Schema, depth: int = 0) -> str:
    """An expression giving the wire form of the Python value `expr` (known not None)."""
    if not _needs_conversion(s):
        return expr
    if s.object is not None:
        return f"{expr}.to_wire()"
    if "integer_string" in s.types:
        return f"str({expr})"
    assert s.items is not None
    item = f"i{depth}"
    inner = to_wire(item, s.items, depth + 1)
    if s.items.nullable and inner != item:
        inner = f"None if {item} is None else {inner}"
    return f"[{inner} for {item} in {expr}]"


def from_wire(expr: str, s: Schema, depth: int = 0) -> str:
    """An expression giving the Python value of the wire value `expr` (known not None)."""
    if not _needs_conversion(s):
        return expr
    if s.object is not None:
        return f"{s.object.name}.from_wire({expr})"
    if "integer_string" in s.types:
        return f"int({expr})"
    assert s.items is not None
    item = f"i{depth}"
    inner = from_wire(item, s.items, depth + 1)
    if s.items.nullable and inner != item:
        inner = f"None if {item} is None else {inner}"
    return f"[{inner} for {item} in {expr}]"


@dataclass(frozen=True)
class FieldView:
    py_name: str
    wire_name: str
    annotation: str
    optional: bool  # has a default of None and is left out of the wire body when None
    doc: str
    to_wire: str  # expression over `self.<py_name>`
    from_wire: str  # expression over `d[...]`


@dataclass(frozen=True)
class ModelView:
    name: str
    doc: str
    fields: tuple[FieldView, ...]


def _doc(description: str, source: str | None) -> str:
    parts = [description.strip()] if description.strip() else []
    if source:
        parts.append(f"Source: {source}.")
    return "\n\n".join(parts)


def field_view(p: Property) -> FieldView:
    s = p.schema
    optional = not p.required
    ann = annotation(s)
    if optional:
        ann = _or_none(ann)
    value = f"self.{p.py_name}"
    raw = f"d[{literal(p.name)}]"
    wire = to_wire(value, s)
    py = from_wire(raw, s)
    if s.nullable and wire != value:
        wire = f"None if {value} is None else {wire}"
    if py != raw and (optional or s.nullable):
        py = f"None if d.get({literal(p.name)}) is None else {py}"
    elif optional:
        py = f"d.get({literal(p.name)})"
    rules = []
    if p.required:
        rules.append("Required.")
    if p.required_if is not None:
        rules.append(f"Required when {p.required_if.field} is {p.required_if.equals!r}.")
    if s.enum:
        rules.append(
            "Values: "
            + "; ".join(
                f"{e.value!r} ({e.meaning})" if e.meaning else repr(e.value) for e in s.enum
            )
            + "."
        )
    doc = _doc(" ".join([s.description.strip(), *rules]).strip(), s.source)
    return FieldView(p.py_name, p.name, ann, optional, doc, wire, py)


def object_types(service: Service) -> list[ObjectType]:
    """Every object type of the service, named ones first, each once, in a stable order."""
    seen: dict[str, ObjectType] = {}

    def walk(s: Schema | None) -> None:
        if s is None:
            return
        if s.object is not None and s.object.name not in seen:
            seen[s.object.name] = s.object
            for p in s.object.properties:
                walk(p.schema)
        walk(s.items)

    for t in service.types:
        walk(Schema(pos=t.pos, types=("object",), object=t))
    for op in service.operations:
        walk(op.request)
        walk(op.response)
    for cb in service.callbacks:
        walk(cb.body)
    return list(seen.values())


def models(service: Service) -> list[ModelView]:
    return [
        ModelView(t.name, _doc(t.description, t.source), tuple(field_view(p) for p in t.properties))
        for t in object_types(service)
    ]


@dataclass(frozen=True)
class ArgumentView:
    py_name: str
    wire_name: str
    annotation: str
    required: bool
    to_wire: str  # expression over the argument variable


@dataclass(frozen=True)
class OperationView:
    id: str
    constant: str  # name of the module-level runtime Operation
    summary: str
    doc: str
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    creates: bool
    min_interval: float | None
    path_params: tuple[ArgumentView, ...]
    arguments: tuple[ArgumentView, ...]
    arguments_at: tuple[str, ...]  # pointer tokens of the arguments object in the body
    request_model: str
    response_model: str
    request_validator: str  # functions of the service's validators module
    response_validator: str
    path_validator: str | None  # None: no path parameters
    guard_fields: tuple[str, ...]  # wire names; empty when unguarded
    guard_confirm: str | None
    batch: ArgumentView | None
    batch_size: int | None
    batch_item_model: str | None


def _argument(p: Property) -> ArgumentView:
    ann = annotation(p.schema, "_models.")
    required = p.required
    if not required:
        ann = _or_none(ann)
    return ArgumentView(p.py_name, p.name, ann, required, to_wire(p.py_name, p.schema))


def operation_view(service: Service, op: Operation) -> OperationView:
    args = op.arguments
    assert op.request.object is not None and op.response.object is not None
    batch = None
    size = None
    item_model = None
    if op.batch_field is not None:
        prop = args.prop(op.batch_field)
        assert prop is not None and prop.schema.items is not None
        batch = _argument(prop)
        size = prop.schema.max_items
        item_model = annotation(prop.schema.items, "_models.")
    credential = (
        tuple(pointers.split(service.auth.body_field))
        if service.auth.scheme == "body_token" and service.auth.body_field
        else ()
    )
    arg_tokens = tuple(pointers.split(op.arguments_at))
    arguments = tuple(
        _argument(p)
        for p in args.properties
        # the client fills the credential itself
        if arg_tokens + (p.name,) != credential
    )
    return OperationView(
        id=op.id,
        constant="OP_" + op.id.upper(),
        summary=op.summary,
        doc=_doc(op.summary, op.source),
        method=op.method,
        path=op.path,
        query=op.query,
        creates=op.creates,
        min_interval=op.min_interval,
        path_params=tuple(_argument(p) for p in op.path_params),
        arguments=arguments,
        arguments_at=arg_tokens,
        request_model=op.request.object.name,
        response_model=op.response.object.name,
        request_validator=entry_name(op.id, "request"),
        response_validator=entry_name(op.id, "response"),
        path_validator=entry_name(op.id, "path") if op.path_params else None,
        guard_fields=op.guard.unless_any_of if op.guard else (),
        guard_confirm=op.guard.confirm if op.guard else None,
        batch=batch,
        batch_size=size,
        batch_item_model=item_model,
    )


@dataclass(frozen=True)
class CallbackView:
    name: str
    model: str


def client_context(service: Service) -> dict[str, object]:
    """Service-wide values the client template renders: auth, envelope codes, headers."""
    auth = service.auth
    if auth.scheme == "body_token":
        params = [("token", "str")]
        expr = f"_http.BodyTokenAuth(token, pointer={literal(auth.body_field or '/token')})"
        doc = f"The token travels inside the JSON body at {auth.body_field or '/token'}."
    elif auth.scheme == "huawei_auth_v2":
        params = [("access_key", "str"), ("secret_key", "str")]
        expr = (
            "_http.HuaweiAuthV2Auth(HuaweiAuthV2Signer(access_key, secret_key), "
            f"header={literal(auth.header or 'Authorization')})"
        )
        doc = "Requests are signed with the AK/SK auth-v2 scheme (see HuaweiAuthV2Signer)."
    elif auth.scheme == "rsa_sha256_headers":
        params = [("app_id", "str"), ("private_key_pem", "str | bytes")]
        expr = "_http.RsaHeadersAuth(RsaSha256Signer(app_id, private_key_pem))"
        doc = (
            "Requests carry appId, timestamp and an SHA256withRSA sign header (see RsaSha256Signer;"
            " needs the rsa extra: cryptography)."
        )
    else:  # the meta-schema admits no other scheme
        raise AssertionError(auth.scheme)
    headers: dict[str, str] = {}
    for op in service.operations:
        for h in op.headers:
            if h.value is not None and not h.credential:
                headers.setdefault(h.name, h.value)
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    return {
        "auth_params": params,
        "auth_expr": expr,
        "auth_doc": doc,
        "headers": headers,
        "success": sorted(str(v) for v in service.envelope.success),
        "retryable": sorted(c.code for c in service.error_codes if c.retryable),
        "callbacks": [
            CallbackView(cb.name, cb.body.object.name)
            for cb in service.callbacks
            if cb.body.object is not None
        ],
        "batch_ops": any(op.batch_field for op in service.operations),
        "guarded": any(op.guard for op in service.operations),
    }
