"""IR → what the model, error and client templates render: Python types and conversions.

Each decision about a field's Python form is made here: its annotation, its default, and the
expressions that carry it to and from the wire (integer_string travels as "59", means 59).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from . import layout, pointers
from .emit_validators import entry_name
from .ir import ObjectType, Operation, Property, Schema, Service
from .literals import literal
from .naming import snake

_SCALARS = {
    "string": "str",
    "integer_string": "int",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "any": "Any",
}


def enum_literal(s: Schema) -> str | None:
    """`Literal[...]` of a documented enumeration, or None when the values cannot be one.

    Only a value of one scalar type can: a string, integer or Boolean (and a string of digits,
    which the field holds as its int: "1" is `Literal[1]`). A number is a float in Python, and
    `Literal` takes no floats; a union (`[integer, integer_string]`) keeps its base types.
    """
    values = [e.value for e in s.enum if e.value is not None]
    if not values or len(s.non_null_types) != 1:
        return None
    (wire,) = s.non_null_types
    if wire == "integer_string":
        if not all(isinstance(v, str) and v.isdigit() and str(int(v)) == v for v in values):
            return None  # "01" would travel back as "1": the literal could not say it
        values = [int(v) for v in values]
    elif wire not in ("string", "integer", "boolean"):
        return None
    return "Literal[" + ", ".join(literal(v) for v in values) + "]"


def annotation(s: Schema, models: str = "", *, open_enums: bool = False) -> str:
    """The Python type of a value; `models` qualifies class names (`_models.` in the client).

    A documented enumeration is a `Literal` of its values, so a typo fails a type checker: in
    what the caller sends. In what the client reads (`open_enums`), a server may send a value
    the documents do not list, which the model keeps (and the validator reports as a
    deviation): there the annotation is the base type (`str`, `int`), as honest as it can be.
    """
    names: list[str] = []
    closed = None if open_enums else enum_literal(s)
    for t in s.non_null_types:
        if closed is not None:
            name = closed
        elif t in _SCALARS:
            name = _SCALARS[t]
        elif t == "array":
            assert s.items is not None
            name = f"list[{annotation(s.items, models, open_enums=open_enums)}]"
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
        if len(s.non_null_types) > 1:  # a union (Yantong's info: object or string)
            return f"{expr}.to_wire() if isinstance({expr}, {s.object.name}) else {expr}"
        return f"{expr}.to_wire()"
    if "integer_string" in s.types:
        return f"str({expr})"
    assert s.items is not None
    item = f"i{depth}"
    inner = to_wire(item, s.items, depth + 1)
    if s.items.nullable and inner != item:
        inner = f"None if {item} is None else {inner}"
    return f"[{inner} for {item} in {expr}]"


_KINDS = {  # wire type → the Python type a field holds it as
    "string": "str",
    "integer_string": "int",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
}
_IS_KIND = {  # a value the field holds as is (a float field holds an int too, as typing allows)
    "str": "type({0}) is str",
    "int": "type({0}) is int",
    "float": "type({0}) is float or type({0}) is int",
    "bool": "type({0}) is bool",
}
_IS_NOT_KIND = {
    "str": "type({0}) is not str",
    "int": "type({0}) is not int",
    "float": "type({0}) is not float and type({0}) is not int",
    "bool": "type({0}) is not bool",
}


class Reader:
    """Statements that turn the wire value in a variable into the field's Python value, in place.

    Tolerant by construction (see `_runtime/reading.py`): the documented type passes an inline
    `type(x) is …` test and costs nothing more; anything else goes through a lossless
    conversion or reads None; an array item that cannot be held is left out. Never raises,
    whatever JSON value the variable holds.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.counter = 0
        self.depth = 0

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{base}{self.counter}"

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def field(self, p: Property) -> str:
        """Read wire field `p` of the mapping `d` into a fresh variable; returns its name."""
        var = self.fresh("x")
        self.emit(f"{var}: Any = d.get({literal(p.name)})")
        self.value(var, p.schema)
        return var

    def value(self, var: str, s: Schema) -> None:
        if "any" in s.types or not s.non_null_types:
            return  # Any: kept as it came
        kinds = list(dict.fromkeys(_KINDS[t] for t in s.non_null_types if t in _KINDS))
        branches: list[tuple[str, list[str]]] = []
        if "object" in s.types:
            build = f"{s.object.name}.from_wire({var})" if s.object is not None else None
            if not kinds and s.items is None and build is not None:
                self.emit(f"{var} = {build} if type({var}) is dict else None")
                return
            branches.append((f"type({var}) is dict", [f"{var} = {build}"] if build else []))
        if s.items is not None:
            start = len(self.lines)
            self.depth += 1
            self.array(var, s.items)
            self.depth -= 1
            body = [line[4:] for line in self.lines[start:]]
            del self.lines[start:]
            branches.append((f"type({var}) is list", body))
        fallback = self.scalar(var, kinds)
        if not kinds and len(branches) == 1 and len(branches[0][1]) == 1:
            cond, (line,) = branches[0]
            if line.startswith(f"{var} = "):  # one assignment: a conditional expression
                self.emit(f"{line} if {cond} else None")
                return
        if not branches:  # scalars only: one test, one conversion when it fails
            tests = [_IS_NOT_KIND[k].format(var) for k in kinds]
            test = f"{' and '.join(tests)} and {var} is not None"
            if "integer_string" in s.types and kinds == ["int"]:
                # the documented digit string ("59") converts inline, without a call; longer
                # ones (int() refuses more than 4300 digits) go through the helper
                digits = f"{var}.isdigit() and {var}.isascii()"
                self.emit(f"if type({var}) is str and len({var}) < 20 and {digits}:")
                self.emit(f"    {var} = int({var})")
                self.emit(f"elif {test}:")
            else:
                self.emit(f"if {test}:")
            self.emit(f"    {var} = {fallback}")
            return
        if kinds:  # the documented scalars and null first: they pass untouched
            branches[:0] = [(" or ".join(_IS_KIND[k].format(var) for k in kinds), [])]
            branches.append((f"{var} is None", []))
        for i, (cond, body) in enumerate(branches):
            self.emit(f"{'if' if i == 0 else 'elif'} {cond}:")
            for line in body or ["pass"]:
                self.emit("    " + line)
        self.emit("else:")
        self.emit(f"    {var} = {fallback}")

    @staticmethod
    def scalar(var: str, kinds: list[str]) -> str:
        """The expression converting a value of none of `kinds` (and not None)."""
        convertible = [k for k in kinds if k != "bool"]
        if not convertible:
            return "None"
        if len(convertible) == 1:
            return f"_rd.to_{convertible[0]}({var})"
        return f"_rd.coerce({var}, {literal(tuple(convertible))})"

    def array(self, var: str, items: Schema) -> None:
        """`var` is a list: replace it by the list of its items' Python values."""
        if "any" in items.types or not items.non_null_types:
            self.emit("pass")
            return
        item = self.fresh("i")
        if items.types in (("object",), ("object", "null"), ("null", "object")) and items.object:
            build = f"{items.object.name}.from_wire({item})"
            if items.nullable:  # a null stays, what cannot be held reads None: indices kept
                self.emit(
                    f"{var} = [{build} if type({item}) is dict else None for {item} in {var}]"
                )
            else:
                self.emit(f"{var} = [{build} for {item} in {var} if type({item}) is dict]")
            return
        out = self.fresh("y")
        self.emit(f"{out}: list[Any] = []")
        self.emit(f"for {item} in {var}:")
        self.depth += 1
        self.value(item, items)
        if items.nullable:
            self.emit(f"{out}.append({item})")
        else:  # an item that cannot be held is left out (its raw value is on the deviation)
            self.emit(f"if {item} is not None:")
            self.emit(f"    {out}.append({item})")
        self.depth -= 1
        self.emit(f"{var} = {out}")


@dataclass(frozen=True)
class FieldView:
    py_name: str
    wire_name: str
    annotation: str
    optional: bool  # has a default of None and is left out of the wire body when None
    doc: str
    to_wire: str  # expression over `self.<py_name>`
    read: str  # the local variable of from_wire holding the field's Python value


@dataclass(frozen=True)
class ModelView:
    name: str
    doc: str
    fields: tuple[FieldView, ...]
    read_lines: tuple[str, ...]  # from_wire's statements, before `return cls(...)`
    root: bool  # a response or callback body: carries `deviations`


def _doc(description: str, source: str | None) -> str:
    parts = [description.strip()] if description.strip() else []
    if source:
        parts.append(f"Source: {source}.")
    return "\n\n".join(parts)


def field_view(p: Property, reader: Reader, read_side: bool) -> FieldView:
    """`read_side`: the model is read from responses or callbacks, where a server may leave out
    any field whatever the documents say, so every field is optional there."""
    s = p.schema
    optional = not p.required or read_side
    ann = annotation(s, open_enums=read_side)
    if optional:
        ann = _or_none(ann)
    value = f"self.{p.py_name}"
    wire = to_wire(value, s)
    if s.nullable and wire != value:
        wire = f"None if {value} is None else {wire}"
    read = reader.field(p)
    rules = []
    if p.required:
        rules.append("Required.")
    if p.required_if is not None:
        rules.append(f"Required when {p.required_if.field} is {p.required_if.equals!r}.")
    enum = s.enum or (s.items.enum if s.items is not None else ())
    if enum:
        rules.append(
            "Values: "
            + "; ".join(f"{e.value!r} ({e.meaning})" if e.meaning else repr(e.value) for e in enum)
            + "."
        )
        if read_side:
            rules.append("Another value is kept as sent, and reported as a deviation (enum).")
    if p.py_name != snake(p.name):  # a python_name: say what it is called on the wire
        rules.append(f"Sent as {p.name!r} on the wire.")
    doc = _doc(" ".join([s.description.strip(), *rules]).strip(), s.source)
    return FieldView(p.py_name, p.name, ann, optional, doc, wire, read)


def _objects(schemas: list[Schema]) -> dict[str, ObjectType]:
    """Every object type found in these schemas, each once, in the order first met."""
    seen: dict[str, ObjectType] = {}

    def walk(s: Schema | None) -> None:
        if s is None:
            return
        if s.object is not None and s.object.name not in seen:
            seen[s.object.name] = s.object
            for p in s.object.properties:
                walk(p.schema)
        walk(s.items)

    for s in schemas:
        walk(s)
    return seen


def object_types(service: Service) -> list[ObjectType]:
    """Every object type of the service, named ones first, each once, in a stable order."""
    schemas = [Schema(pos=t.pos, types=("object",), object=t) for t in service.types]
    for op in service.operations:
        schemas += [op.request, op.response]
    schemas += [cb.body for cb in service.callbacks]
    return list(_objects(schemas).values())


def models(service: Service) -> list[ModelView]:
    # the bodies the client reads: responses and callbacks
    bodies = [op.response for op in service.operations] + [cb.body for cb in service.callbacks]
    read_side = set(_objects(bodies))
    roots = {s.object.name for s in bodies if s.object is not None}
    views = []
    for t in object_types(service):
        reader = Reader()
        fields = tuple(field_view(p, reader, t.name in read_side) for p in t.properties)
        doc = _doc(t.description, t.source)
        views.append(ModelView(t.name, doc, fields, tuple(reader.lines), t.name in roots))
    return views


@dataclass(frozen=True)
class ArgumentView:
    py_name: str
    wire_name: str
    annotation: str
    required: bool
    to_wire: str  # expression over the argument variable


@dataclass(frozen=True)
class PagingView:
    """What the clients' `iter_<op>` renders: its arguments and the page reader."""

    method: str  # iter_<op>
    reader: str  # module-level function: response model → (items, total pages, total items)
    item: str  # annotation of one item (qualified with `_models.`)
    arguments: tuple[ArgumentView, ...]  # the operation's, without the page argument
    page: str  # Python name of the page argument
    first_page: int
    page_size: str | None  # Python name of the page-size argument
    read_lines: tuple[str, ...]  # the reader's body


def _steps(root: ObjectType, pointer: str) -> list[tuple[Property, ObjectType | None]]:
    """Each property on the way from `root` to `pointer` (through objects only, as the build
    checked), with the object type the next step reads from."""
    steps = []
    current: ObjectType | None = root
    for token in pointers.split(pointer):
        assert current is not None
        prop = current.prop(token)
        assert prop is not None
        current = prop.schema.object
        steps.append((prop, current))
    return steps


def _reader_lines(root: ObjectType, targets: list[tuple[str, str, str]]) -> list[str]:
    """Statements assigning to each target variable the value at its pointer in the model held
    by `result`, for (variable, pointer, fallback for None). Each object on the way is tested
    with isinstance once for all targets below it: a union such as Yantong's info (object or
    string) narrows to its model, and None or a string leaves the variable as initialised."""
    tree: dict[str, Any] = {"leaves": [], "children": {}}
    for target, pointer, fallback in targets:
        steps = _steps(root, pointer)
        node = tree
        for prop, obj in steps[:-1]:
            assert obj is not None
            key = (prop.py_name, obj.name)
            node = node["children"].setdefault(key, {"leaves": [], "children": {}})
        node["leaves"].append((target, steps[-1][0].py_name, fallback))
    lines: list[str] = []
    counter = itertools.count(1)

    def emit(node: dict[str, Any], holder: str, depth: int) -> None:
        pad = "    " * depth
        for target, attribute, fallback in node["leaves"]:
            value = f"{holder}.{attribute}"
            if fallback != "None":
                value += f" or {fallback}"
            lines.append(pad + f"{target} = {value}")
        for (attribute, class_name), child in node["children"].items():
            var = f"o{next(counter)}"
            test = f"isinstance({var} := {holder}.{attribute}, _models.{class_name})"
            lines.append(pad + f"if {test}:")
            emit(child, var, depth + 1)

    emit(tree, "result", 1)
    return lines


def paging_view(op: Operation, arguments: tuple[ArgumentView, ...]) -> PagingView | None:
    paging = op.paging
    if paging is None:
        return None
    assert op.response.object is not None
    args = op.arguments
    page = args.prop(paging.page)
    assert page is not None  # checked by the build
    size = args.prop(paging.page_size) if paging.page_size is not None else None
    items_schema = _steps(op.response.object, paging.items)[-1][0].schema
    assert items_schema.items is not None
    item = annotation(items_schema.items, "_models.", open_enums=True)
    root = op.response.object
    lines = [f"    items: list[{item}] = []"]
    lines += ["    total_pages: int | None = None", "    total_items: int | None = None"]
    targets = [("items", paging.items, "[]")]
    targets += [(key, getattr(paging, key), "None") for key in ("total_pages", "total_items")]
    lines += _reader_lines(root, [t for t in targets if t[1] is not None])
    lines.append("    return items, total_pages, total_items")
    return PagingView(
        method=op.paging_method,
        reader=f"_{op.id}_page",
        item=item,
        arguments=tuple(a for a in arguments if a.wire_name != paging.page),
        page=page.py_name,
        first_page=paging.first_page,
        page_size=size.py_name if size is not None else None,
        read_lines=tuple(lines),
    )


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
    guard_fields: tuple[tuple[str, ...], ...]  # groups of wire names; empty when unguarded
    guard_text: str  # the groups for a message: "sessionId, recycleTime with recycleType"
    guard_confirm: str | None
    batch: ArgumentView | None
    batch_size: int | None
    batch_item_model: str | None
    batch_items_at: str | None  # JSON Pointer of the batch array in the request body
    batch_unique_key: str | None  # expression over `item`: its unique key (None: no key)
    batch_unique_field: str | None  # wire name of the unique_by property
    batch_unique_code: str | None  # documented code of the `unique` rule on the array
    paging: PagingView | None


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
    items_at = unique_key = unique_field = unique_code = None
    if op.batch_field is not None:
        prop = args.prop(op.batch_field)
        assert prop is not None and prop.schema.items is not None
        batch = _argument(prop)
        size = prop.schema.max_items
        item_model = annotation(prop.schema.items, "_models.")
        items_at = op.arguments_at + "/" + pointers.escape(prop.name)
        array = prop.schema
        item_obj = array.items.object if array.items is not None else None
        if array.unique_by is not None and item_obj is not None:
            key_prop = item_obj.prop(array.unique_by)
            assert key_prop is not None  # checked by the build
            unique_key = f"item.{key_prop.py_name}"
            unique_field = array.unique_by
        elif array.unique:
            unique_key = "item"
        if unique_key is not None:
            unique_code = service.code_for("unique", array)
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
        guard_text=op.guard.text if op.guard else "",
        guard_confirm=op.guard.confirm if op.guard else None,
        batch=batch,
        batch_size=size,
        batch_item_model=item_model,
        batch_items_at=items_at,
        batch_unique_key=unique_key,
        batch_unique_field=unique_field,
        batch_unique_code=unique_code,
        paging=paging_view(op, arguments),
    )


@dataclass(frozen=True)
class CallbackView:
    name: str
    model: str


def models_context(views: list[ModelView]) -> dict[str, object]:
    """What the models template renders: the models, and what their module imports."""
    return {
        "models": views,
        "uses_reading": any("_rd." in line for m in views for line in m.read_lines),
        "uses_literal": any("Literal[" in f.annotation for m in views for f in m.fields),
    }


def client_context(service: Service) -> dict[str, object]:
    """Service-wide values the client template renders: auth, envelope codes, headers."""
    auth = service.auth
    params: list[tuple[str, str, str | None]]  # (name, annotation, default or None)
    if auth.scheme == "body_token":
        params = [("token", "str", None)]
        expr = ("_http.BodyTokenAuth", ["token", f"pointer={literal(auth.body_field or '/token')}"])
        doc = f"The token travels inside the JSON body at {auth.body_field or '/token'}."
    elif auth.scheme == "huawei_auth_v2":
        params = [
            ("access_key", "str", None),
            ("secret_key", "str", None),
            ("auth_variant", "AuthV2Variant", "DEFAULT_AUTH_V2_VARIANT"),
        ]
        expr = (
            "_http.HuaweiAuthV2Auth",
            [
                "HuaweiAuthV2Signer(access_key, secret_key, auth_variant)",
                f"header={literal(auth.header or 'Authorization')}",
            ],
        )
        doc = (
            "Requests are signed with the AK/SK auth-v2 scheme. auth_variant chooses the signing\n"
            "variant: the default is the layout of the vendor's demo code; HuaweiAuthV2Signer\n"
            "describes each variant and the evidence for it. An HTTP 401 answer raises ApiError\n"
            "saying what to check, with the canonical request signed in .signed_request."
        )
    elif auth.scheme == "rsa_sha256_headers":
        params = [("app_id", "str", None), ("private_key_pem", "str | bytes", None)]
        expr = ("_http.RsaHeadersAuth", ["RsaSha256Signer(app_id, private_key_pem)"])
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
        # `auth=` of the core's constructor, at its indentation in the template
        "auth_expr": layout.call(f"auth={expr[0]}(", expr[1], "),", 12),
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
        "paged_ops": any(op.paging for op in service.operations),
        "abc_names": _abc_names(service),
        "uses_literal": any(
            "Literal[" in _argument(p).annotation
            for op in service.operations
            for p in (*op.path_params, *op.arguments.properties)
        ),
        "guarded": any(op.guard for op in service.operations),
    }


def _abc_names(service: Service) -> list[str]:
    """What the client module imports from collections.abc, in ruff's order."""
    names = ["Callable"]
    if any(op.batch_field for op in service.operations):
        names += ["AsyncIterable", "Iterable"]
    if any(op.guard for op in service.operations) or service.callbacks:
        names.append("Mapping")
    if any(op.paging for op in service.operations):
        names += ["AsyncIterator", "Iterator"]
    return sorted(names, key=str.lower)
