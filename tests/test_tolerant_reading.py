"""Tolerant reading, field by field: every response and callback field of every operation.

Starting from the documented example (completed with a valid value for every field it leaves
out, so that every field of the IR is present), each field is replaced in turn by null, by the
other scalar type, by "", [] and {}. The client (through httpx.MockTransport) must return the
model, with exactly one deviation at that field's JSON Pointer when the documents do not
allow the value (none when they do), the raw value kept on it, and the field read by the
coercion rules of the README; with strict_responses=True the same answer raises
ResponseError. The expected outcome is computed here from the IR's types, independently of
the generated validators and models.

The envelope's result code is the exception: it decides success or failure (see
`test_result_code_field`), and error answers raise ApiError whatever their shape.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from generator import pointers
from generator.ir import Operation, Schema, Service
from generator.spec import load_specs

SPECS = Path(__file__).resolve().parents[1] / "specs"


@cache
def services() -> dict[str, Service]:
    return {s.name: s for s in load_specs(SPECS)}


@cache
def private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def credentials(service: Service) -> dict[str, Any]:
    scheme = service.auth.scheme
    if scheme == "body_token":
        return {"token": "t0k"}
    if scheme == "huawei_auth_v2":
        return {"access_key": "ak", "secret_key": "sk"}
    return {"app_id": "app", "private_key_pem": private_pem()}


# ---------------------------------------------------------------------------------------------
# An independent reading of the IR: which JSON values a schema allows, what a field reads
# ---------------------------------------------------------------------------------------------

DIGITS = re.compile(r"[0-9]+")


def allowed(value: Any, s: Schema) -> bool:
    """Does the spec allow this JSON value here (type-wise; responses state no other rule)?"""
    types = set(s.types)
    if "any" in types:
        return True
    if value is None:
        return "null" in types
    if isinstance(value, bool):
        return "boolean" in types
    if isinstance(value, int):
        return bool(types & {"integer", "number"})
    if isinstance(value, float):
        return "number" in types or ("integer" in types and value.is_integer())
    if isinstance(value, str):
        return "string" in types or (
            "integer_string" in types and DIGITS.fullmatch(value) is not None
        )
    if isinstance(value, list):
        return "array" in types
    if isinstance(value, dict):
        return "object" in types
    raise AssertionError(value)


def python_kinds(s: Schema) -> list[str]:
    kinds = []
    for t in s.non_null_types:
        kind = {
            "string": "str",
            "integer_string": "int",
            "integer": "int",
            "number": "float",
            "boolean": "bool",
            "object": "object",
            "array": "list",
        }[t]
        if kind not in kinds:
            kinds.append(kind)
    return kinds


NOTHING = object()  # what an array item that cannot be held becomes: it is left out


def expected_read(value: Any, s: Schema) -> Any:
    """What the model holds for this wire value: the README's rules, written out again."""
    kinds = python_kinds(s)
    if "any" in s.types or value is None:
        return value
    for kind in kinds:  # held as is (a digit string for an integer_string becomes its int)
        if kind == "str" and type(value) is str:
            return value
        if kind == "int" and type(value) is int:
            return value
        if (
            kind == "int"
            and type(value) is str
            and "integer_string" in s.types
            and DIGITS.fullmatch(value)
        ):
            return int(value)
        if kind == "float" and type(value) in (int, float):
            return value
        if kind == "bool" and type(value) is bool:
            return value
        if kind == "object" and type(value) is dict:
            return value  # compared through to_wire
        if kind == "list" and type(value) is list:
            return value
    for kind in kinds:  # lossless conversions
        if kind == "int" and type(value) is str and re.fullmatch(r"-?[0-9]+", value):
            return int(value)
        if kind == "int" and type(value) is float and value.is_integer():
            return int(value)
        if kind == "str" and type(value) is int:
            return str(value)
        if kind == "str" and type(value) is float:
            return repr(value)
    return None


# ---------------------------------------------------------------------------------------------
# Bodies: the documented example, completed so that every field is present
# ---------------------------------------------------------------------------------------------


def sample(s: Schema) -> Any:
    t = s.non_null_types[0] if s.non_null_types else "null"
    if t == "object":
        return complete({}, s)
    if t == "array":
        assert s.items is not None
        return [sample(s.items)]
    return {
        "string": "x",
        "integer_string": "7",
        "integer": 7,
        "number": 1.5,
        "boolean": True,
        "any": "x",
        "null": None,
    }[t]


def complete(value: Any, s: Schema) -> Any:
    """The value with every documented field present (and one item in every empty array)."""
    if type(value) is dict and s.object is not None:
        for p in s.object.properties:
            value[p.name] = (
                complete(value[p.name], p.schema) if p.name in value else sample(p.schema)
            )
    elif type(value) is list and s.items is not None:
        if not value:
            value.append(sample(s.items))
        for i, item in enumerate(value):
            value[i] = complete(item, s.items)
    return value


def example_body(examples: Any, kind: str) -> Any:
    """The first documented example of this kind (a request's may break a rule: 003 sends
    strategyDisplaySwitch as 1, which the test's client, not validating, sends as is)."""
    for ex in examples:
        if ex.kind == kind and (kind == "request" or not ex.expect_violations):
            return copy.deepcopy(ex.body)
    return {}


@dataclass(frozen=True)
class Field:
    pointer: str
    schema: Schema
    value: Any
    in_array: bool  # an array item (left out when it cannot be held)


def fields(value: Any, s: Schema, pointer: str = "") -> Iterator[Field]:
    if type(value) is dict and s.object is not None:
        for p in s.object.properties:
            if p.name in value:
                here = pointer + "/" + pointers.escape(p.name)
                yield Field(here, p.schema, value[p.name], False)
                yield from fields(value[p.name], p.schema, here)
    elif type(value) is list and s.items is not None:
        for i, item in enumerate(value):
            yield Field(f"{pointer}/{i}", s.items, item, True)
            yield from fields(item, s.items, f"{pointer}/{i}")


def replacements(value: Any) -> list[Any]:
    """null, the other scalar type, "", [] and {}."""
    if type(value) is str:
        other: Any = int(value) if DIGITS.fullmatch(value) else 7
    elif type(value) in (int, float):
        other = str(value)
    else:  # bool or container: a number is as "other" as anything
        other = 7
    return [None, other, "", [], {}]


def replace(body: Any, pointer: str, value: Any) -> Any:
    body = copy.deepcopy(body)
    tokens = pointers.split(pointer)
    parent = body
    for token in tokens[:-1]:
        parent = parent[int(token)] if type(parent) is list else parent[token]
    if type(parent) is list:
        parent[int(tokens[-1])] = value
    else:
        parent[tokens[-1]] = value
    return body


def model_at(model: Any, s: Schema, pointer: str) -> Any:
    """The model's value at a wire pointer (attributes by the IR's Python names)."""
    current = model
    for token in pointers.split(pointer):
        if isinstance(current, list):
            current = current[int(token)]
            s = s.items  # type: ignore[assignment]
        else:
            assert s.object is not None
            prop = s.object.prop(token)
            assert prop is not None
            current = getattr(current, prop.py_name)
            s = prop.schema
    return current


# ---------------------------------------------------------------------------------------------
# The cases: (service, operation or callback, pointer, replacement)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    service: str
    target: str  # operation id, or "callback:<name>"
    pointer: str
    replacement: Any
    in_array: bool  # the field is an array item

    @property
    def id(self) -> str:
        return f"{self.service}.{self.target}{self.pointer}={json.dumps(self.replacement)}"


def response_body(op: Operation) -> Any:
    return complete(example_body(op.examples, "response"), op.response)


def callback_body(service: Service, name: str) -> Any:
    cb = service.callback(name)
    assert cb is not None
    return complete(example_body(cb.examples, "callback"), cb.body)


def cases() -> list[Case]:
    out = []
    for service in services().values():
        for op in service.operations:
            body = response_body(op)
            for f in fields(body, op.response):
                if f.pointer == service.envelope.code:
                    continue  # the result code decides success: test_result_code_field
                out.extend(
                    Case(service.name, op.id, f.pointer, r, f.in_array)
                    for r in replacements(f.value)
                )
        for cb in service.callbacks:
            body = callback_body(service, cb.name)
            for f in fields(body, cb.body):
                out.extend(
                    Case(service.name, "callback:" + cb.name, f.pointer, r, f.in_array)
                    for r in replacements(f.value)
                )
    return out


CASES = cases()


def test_every_field_of_every_body_is_covered() -> None:
    """The walk reaches every property of every response and callback schema."""
    for service in services().values():
        for op in service.operations:
            expected = set(schema_pointers(op.response))
            seen = {
                re.sub(r"/[0-9]+(?=/|$)", "/*", c.pointer)
                for c in CASES
                if c.service == service.name and c.target == op.id
            }
            assert expected - {service.envelope.code} == seen, (service.name, op.id)
        for cb in service.callbacks:
            seen = {
                re.sub(r"/[0-9]+(?=/|$)", "/*", c.pointer)
                for c in CASES
                if c.service == service.name and c.target == "callback:" + cb.name
            }
            assert set(schema_pointers(cb.body)) == seen
    assert len(CASES) > 500


def schema_pointers(s: Schema, pointer: str = "") -> Iterator[str]:
    if s.object is not None:
        for p in s.object.properties:
            here = pointer + "/" + pointers.escape(p.name)
            yield here
            yield from schema_pointers(p.schema, here)
    if s.items is not None:
        yield pointer + "/*"
        yield from schema_pointers(s.items, pointer + "/*")


# ---------------------------------------------------------------------------------------------
# Calling the client
# ---------------------------------------------------------------------------------------------


def module(service: Service) -> Any:
    return importlib.import_module(f"outbound.{service.name}")


def call_arguments(service: Service, op: Operation) -> dict[str, Any]:
    """Keyword arguments from the documented request (the client does not validate them)."""
    mod = module(service)
    request = example_body(op.examples, "request")
    model = getattr(mod, op.request.object.name).from_wire(request)  # type: ignore[union-attr]
    for token in pointers.split(op.arguments_at):
        assert op.request.object is not None
        model = getattr(model, op.request.object.prop(token).py_name)  # type: ignore[union-attr]
    kwargs = {
        p.py_name: getattr(model, p.py_name) for p in op.arguments.properties if p.name != "token"
    }
    kwargs.update({p.py_name: 1 for p in op.path_params})
    if op.guard:
        kwargs[op.guard.confirm] = True
    return kwargs


def client(service: Service, answer: Any, **options: Any) -> Any:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answer)

    return module(service).Client(
        "http://vendor.test",
        **credentials(service),
        transport=httpx.MockTransport(reply),
        validate_requests=False,
        pacer="off",  # pacing is deliberate waiting, not under test
        **options,
    )


def read(service: Service, target: str, body: Any, strict: bool) -> Any:
    if target.startswith("callback:"):
        name = target.split(":", 1)[1]
        return getattr(module(service), f"parse_{name}")(json.dumps(body), strict=strict)
    op = service.operation(target)
    assert op is not None
    with client(service, body, strict_responses=strict) as c:
        return getattr(c, op.id)(**call_arguments(service, op))


def schema_at(service: Service, target: str, pointer: str) -> tuple[Schema, Schema]:
    """(the root schema, the schema at the pointer) of an operation's response or a callback."""
    if target.startswith("callback:"):
        cb = service.callback(target.split(":", 1)[1])
        assert cb is not None
        root = cb.body
    else:
        op = service.operation(target)
        assert op is not None
        root = op.response
    s = root
    for token in pointers.split(pointer):
        if s.items is not None and token.isdigit():
            s = s.items
        else:
            assert s.object is not None
            s = s.object.prop(token).schema  # type: ignore[union-attr]
    return root, s


def original_body(service: Service, target: str) -> Any:
    if target.startswith("callback:"):
        return callback_body(service, target.split(":", 1)[1])
    op = service.operation(target)
    assert op is not None
    return response_body(op)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_deviating_field_is_read_not_raised(case: Case) -> None:
    service = services()[case.service]
    root, s = schema_at(service, case.target, case.pointer)
    body = replace(original_body(service, case.target), case.pointer, case.replacement)
    ok = allowed(case.replacement, s)

    result = read(service, case.target, body, strict=False)

    found = [(v.path, v.rule) for v in result.deviations]
    assert found == ([] if ok else [(case.pointer, "type")])
    if not ok:
        assert result.deviations[0].value == case.replacement  # nothing the server sent is lost
    expected = expected_read(case.replacement, s)
    if case.in_array and expected is None and not s.nullable:
        # an array item that cannot be held is left out of its list
        list_pointer = case.pointer.rsplit("/", 1)[0]
        sent = original_body(service, case.target)
        for token in pointers.split(list_pointer):
            sent = sent[int(token)] if type(sent) is list else sent[token]
        assert len(model_at(result, root, list_pointer)) == len(sent) - 1
    else:
        got = model_at(result, root, case.pointer)
        if isinstance(expected, dict):
            assert got.to_wire() == expected
        else:
            assert got == expected and type(got) is type(expected)

    if ok:
        read(service, case.target, body, strict=True)  # nothing to refuse
    elif case.target.startswith("callback:"):
        with pytest.raises(module(service).ValidationError) as info:
            read(service, case.target, body, strict=True)
        assert [(v.path, v.rule) for v in info.value.violations] == found
    else:
        with pytest.raises(module(service).ResponseError) as raised:
            read(service, case.target, body, strict=True)
        assert [(v.path, v.rule) for v in raised.value.violations] == found
        assert raised.value.body == body


# ---------------------------------------------------------------------------------------------
# The result code, and error answers
# ---------------------------------------------------------------------------------------------

OPERATIONS = [(s.name, op.id) for s in services().values() for op in s.operations]


def code_text(value: Any) -> str:
    """The result code as the envelope compares it: a string as is, a number as its digits."""
    if type(value) is str:
        return value
    if type(value) in (int, float) and float(value).is_integer():
        return str(int(value))
    return json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize(("service_name", "op_id"), OPERATIONS)
def test_result_code_field(service_name: str, op_id: str) -> None:
    """The result code decides the outcome, so it is the one field not read tolerantly: absent
    or null, the outcome is unknown (ResponseError); a value whose text is a success code is
    success (Yantong "0", Quanshi "200", 003's 10000), with the type as a deviation; any other
    value ("", [], {}, Huawei's 200000 for "0200000") is a failure: ApiError with that code."""
    service = services()[service_name]
    op = service.operation(op_id)
    assert op is not None
    mod = module(service)
    pointer = service.envelope.code
    body = response_body(op)
    success = {str(v) for v in service.envelope.success}
    (value,) = [f.value for f in fields(body, op.response) if f.pointer == pointer]
    for replacement in [*replacements(value), "MISSING"]:
        if replacement == "MISSING":
            sent = {k: v for k, v in body.items() if "/" + k != pointer}
        else:
            sent = replace(body, pointer, replacement)
        for strict in (False, True):
            with client(service, sent, strict_responses=strict) as c:
                call = getattr(c, op.id)
                kwargs = call_arguments(service, op)
                if replacement is None or replacement == "MISSING":
                    with pytest.raises(mod.ResponseError, match="no result code"):
                        call(**kwargs)
                elif code_text(replacement) in success:
                    if strict:
                        with pytest.raises(mod.ResponseError) as info:
                            call(**kwargs)
                        assert [v.path for v in info.value.violations] == [pointer]
                    else:
                        result = call(**kwargs)
                        assert [(v.path, v.rule) for v in result.deviations] == [(pointer, "type")]
                else:
                    with pytest.raises(mod.ApiError) as failed:
                        call(**kwargs)
                    assert failed.value.raw_code == code_text(replacement)


def error_code(service: Service) -> Any:
    (success,) = service.envelope.success
    return "9999999" if type(success) is str else 9999


@pytest.mark.parametrize(("service_name", "op_id"), OPERATIONS)
def test_error_answers_raise_api_error_whatever_their_shape(service_name: str, op_id: str) -> None:
    """A non-success code raises ApiError even when every other field is null, "", [], {} or a
    number, in tolerant and strict mode alike."""
    service = services()[service_name]
    op = service.operation(op_id)
    assert op is not None
    mod = module(service)
    body = response_body(op)
    code = error_code(service)
    shapes: list[Any] = [{}]
    for f in fields(body, op.response):
        if f.pointer != service.envelope.code and not f.in_array:
            shapes.extend(replace(body, f.pointer, r) for r in replacements(f.value))
    for shape in shapes:
        sent = (
            replace(shape, service.envelope.code, code)
            if shape
            else {service.envelope.code.strip("/"): code}
        )
        for strict in (False, True):
            with (
                client(service, sent, strict_responses=strict) as c,
                pytest.raises(mod.ApiError) as info,
            ):
                getattr(c, op.id)(**call_arguments(service, op))
            assert info.value.raw_code == str(code)
            assert info.value.body == sent
