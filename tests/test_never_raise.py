"""Validators and models never raise, whatever Python value they are given.

Validators: any Python value (non-string keys, nesting 2,000 deep, objects that are not JSON
types, integers too long to print, NaN) gives a list of violations, never an exception.
Models: `from_wire` of any JSON object reads every field as its documented Python type or
None, never raising. Path parameters: an integer must be an int (1.0 and True are refused),
so `/campaigns/1.0/...` is never sent.
"""

from __future__ import annotations

import datetime
import decimal
import importlib
import json
import math
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ir import Schema, Service
from generator.spec import load_specs

SPECS = Path(__file__).resolve().parents[1] / "specs"


@cache
def services() -> dict[str, Service]:
    return {s.name: s for s in load_specs(SPECS)}


def module(name: str) -> Any:
    return importlib.import_module(f"outbound.{name}")


def validators() -> list[tuple[str, str, str]]:
    """(service, name, kind) of every public validator."""
    out = []
    for name in sorted(services()):
        for key in module(name).validators._VALIDATORS:
            out.append((name, *key))
    return out


VALIDATORS = validators()


class Foreign:
    """An object no JSON document holds."""

    def __repr__(self) -> str:
        return "Foreign()"


class Unprintable:
    """Even its repr fails."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def nested_list(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def nested_dict(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def huge_integer(sign: int) -> int:
    return sign * 10**5000  # more digits than Python prints (4300)


ODD_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.builds(huge_integer, st.sampled_from([1, -1])),  # built: Hypothesis cannot print them
    st.floats(),  # NaN and the infinities included
    st.text(max_size=6),
    st.binary(max_size=4),
    st.decimals(allow_nan=True),
    st.complex_numbers(),
    st.datetimes(),
    st.builds(object),
    st.builds(Foreign),
    st.builds(Unprintable),
    st.builds(nested_list, st.just(2000)),
    st.builds(nested_dict, st.just(2000)),
    st.sampled_from([(1, (2,)), frozenset({1})]),
)
KEYS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["callDataList", "called", "data", "code", "info", "call_result", "vdnId"]),
    st.integers(),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.tuples(st.integers()),
    st.builds(Foreign),
)
ANY_VALUE = st.recursive(
    ODD_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(KEYS, inner, max_size=4),
        st.sets(st.integers(), max_size=3),
    ),
    max_leaves=12,
)


def near(s: Schema) -> st.SearchStrategy[Any]:
    """Values shaped like the schema, with any value anywhere: reaches the nested checks."""
    if s.object is not None:
        props = {p.name: near(p.schema) for p in s.object.properties}
        shaped: st.SearchStrategy[Any] = st.fixed_dictionaries({}, optional=props)
    elif s.items is not None:
        shaped = st.lists(near(s.items), max_size=3)
    else:
        shaped = st.sampled_from(["", "0", "59", 0, 1, 1.0, True, None])
    return st.one_of(shaped, ANY_VALUE)


def root_schema(service: Service, name: str, kind: str) -> Schema | None:
    if kind == "callback":
        cb = service.callback(name)
        return cb.body if cb else None
    op = service.operation(name)
    assert op is not None
    return {"request": op.request, "response": op.response}.get(kind)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_validators_never_raise_on_any_python_value(data: st.DataObject) -> None:
    service_name, name, kind = data.draw(st.sampled_from(VALIDATORS))
    schema = root_schema(services()[service_name], name, kind)
    value = data.draw(near(schema) if schema is not None else ANY_VALUE)
    found = module(service_name).validators._VALIDATORS[(name, kind)](value)
    assert isinstance(found, list)
    for violation in found:
        assert isinstance(str(violation), str)  # every message is printable
    if type(value) is not dict:
        assert [(v.path, v.rule) for v in found][:1] == [
            ("path:" if kind == "path" else "", "type")
        ]


@pytest.mark.parametrize(("service_name", "name", "kind"), VALIDATORS)
def test_odd_bodies_become_violations(service_name: str, name: str, kind: str) -> None:
    check = module(service_name).validators._VALIDATORS[(name, kind)]
    root = "path:" if kind == "path" else ""
    for body in (nested_list(2000), nested_dict(2000), Foreign(), {1, 2}, b"{}", None, math.nan):
        if type(body) is dict:
            continue
        assert [(v.path, v.rule) for v in check(body)] == [(root, "type")]
    # member names that are not strings: one violation each, at the object itself
    found = check({1: "a", None: "b", ("t",): "c"})
    keys = [v for v in found if "member names" in v.message]
    assert [(v.path, v.rule) for v in keys] == [(root, "type")] * 3
    assert all("got" in v.message for v in keys)


@pytest.mark.parametrize(("service_name", "name", "kind"), VALIDATORS)
def test_every_field_refuses_what_json_cannot_hold(service_name: str, name: str, kind: str) -> None:
    """A set, bytes, a Decimal, a datetime, an object, NaN, nesting 2,000 deep: at every field
    of the body, each is a violation at that field (or a field below it), never an exception."""
    service = services()[service_name]
    check = module(service_name).validators._VALIDATORS[(name, kind)]
    if kind == "path":
        op = service.operation(name)
        assert op is not None
        props = list(op.path_params)
    else:
        schema = root_schema(service, name, kind)
        assert schema is not None and schema.object is not None
        props = list(schema.object.properties)
    root = "path:" if kind == "path" else ""
    odd = [
        {1, 2},
        b"x",
        decimal.Decimal("1.5"),
        datetime.date(2024, 1, 2),
        Foreign(),
        Unprintable(),
        complex(1, 2),
        nested_list(2000),
        (1, 2),
    ]
    for prop in props:
        if "any" in prop.schema.types:
            continue
        here = f"{root}/{prop.name}"
        values = odd + ([math.nan, math.inf] if "number" not in prop.schema.types else [])
        for value in values:
            found = check({prop.name: value})
            assert any(v.path.startswith(here) for v in found), (prop.name, value)
    # NaN and the infinities are no JSON numbers, even for a number field
    for prop in props:
        if "number" in prop.schema.types:
            for value in (math.nan, math.inf, -math.inf):
                assert any(v.path == f"{root}/{prop.name}" for v in check({prop.name: value}))


def test_huge_integers_are_described_not_printed() -> None:
    hw = module("huawei_isales")
    (violation,) = hw.validate_path("add_call_data", {"vdnId": 10**5000, "campaignId": 1})
    assert (violation.path, violation.rule) == ("path:/vdnId", "maximum")
    assert "an integer of" in violation.message and "bits" in violation.message


def test_duplicate_detection_survives_values_json_cannot_encode() -> None:
    hw = module("huawei_isales")
    deep = nested_list(2000)
    body = {
        "callDataList": [
            {"called": deep},
            {"called": deep},
            {"called": {1: "x", "a": 2}},
            {"called": "1"},
            {"called": "1"},
        ]
    }
    found = {(v.path, v.rule) for v in hw.validate_request("add_call_data", body)}
    assert ("/callDataList/0/called", "type") in found
    assert ("/callDataList/2/called", "type") in found
    assert ("/callDataList/4/called", "unique") in found


# ---------------------------------------------------------------------------------------------
# Path parameters: ints only
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1.0, 7.5, True, False, "1", None, decimal.Decimal(1)])
def test_path_integers_must_be_ints(value: Any) -> None:
    """vdn_id=1.0 passed as an integer would travel as /campaigns/1.0/...: refused, never sent."""
    hw = module("huawei_isales")
    found = hw.validate_path("add_call_data", {"vdnId": value, "campaignId": 7})
    assert [(v.path, v.rule) for v in found] == [("path:/vdnId", "type")]
    sent: list[httpx.Request] = []
    client = hw.Client(
        "https://192.0.2.1:8443",
        access_key="ak",
        secret_key="sk",
        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500)),
    )
    with client, pytest.raises(hw.ValidationError) as info:
        client.add_call_data(vdn_id=value, campaign_id=7, call_data_list=[hw.CallData(called="1")])
    assert [(v.path, v.rule) for v in info.value.violations] == [("path:/vdnId", "type")]
    with client, pytest.raises(hw.ValidationError):
        client.delete_call_data(vdn_id=1, campaign_id=value, called="1")
    assert sent == []


def test_path_integers_still_accept_ints() -> None:
    hw = module("huawei_isales")
    assert hw.validate_path("add_call_data", {"vdnId": 1, "campaignId": 10**12}) == []
    assert hw.validate_path("add_call_data", {"vdnId": 9999, "campaignId": 0}) == []


# ---------------------------------------------------------------------------------------------
# Models: from_wire reads any JSON object, each field as its type or None
# ---------------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
    | st.sampled_from(["", "0", "-3", "59", "1.5", "1e3", "007"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


def near_json(s: Schema, depth: int = 0) -> st.SearchStrategy[Any]:
    if s.object is not None and depth < 6:
        props = {p.name: near_json(p.schema, depth + 1) for p in s.object.properties}
        shaped: st.SearchStrategy[Any] = st.fixed_dictionaries({}, optional=props)
    elif s.items is not None and depth < 6:
        shaped = st.lists(near_json(s.items, depth + 1), max_size=3)
    else:
        shaped = JSON_VALUES
    return st.one_of(shaped, JSON_VALUES)


PY_KINDS = {
    "string": str,
    "integer_string": int,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
}


def conforms(value: Any, s: Schema, item: bool = False) -> bool:
    """The value is what the field's annotation says (fields are optional: None is fine; a
    list item is None only when the items are nullable)."""
    if value is None:
        return not item or s.nullable
    if "any" in s.types:
        return True
    for t in s.non_null_types:
        if t == "object":
            if s.object is None:
                if type(value) is dict:
                    return True
            elif type(value).__name__ == s.object.name:
                return all(
                    conforms(getattr(value, p.py_name), p.schema) for p in s.object.properties
                )
        elif t == "array":
            if type(value) is list:
                assert s.items is not None
                return all(conforms(i, s.items, item=True) for i in value)
        elif type(value) is not bool or t == "boolean":
            kinds = PY_KINDS[t]
            if isinstance(value, kinds) and (t == "boolean" or type(value) is not bool):
                return True
    return False


def object_schemas() -> list[tuple[str, Schema, bool]]:
    """(service, body schema, read by the client: a response or callback)."""
    out = []
    for service in services().values():
        for op in service.operations:
            out += [(service.name, op.request, False), (service.name, op.response, True)]
        out += [(service.name, cb.body, True) for cb in service.callbacks]
    return out


OBJECTS = object_schemas()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_from_wire_reads_any_json_object(data: st.DataObject) -> None:
    service_name, schema, read_side = data.draw(st.sampled_from(OBJECTS))
    assert schema.object is not None
    body = data.draw(near_json(schema).filter(lambda v: type(v) is dict))
    model_class = getattr(module(service_name), schema.object.name)
    model = model_class.from_wire(body)
    assert conforms(model, schema), (body, model)
    known = {p.name for p in schema.object.properties}
    assert model.extra == {k: v for k, v in body.items() if k not in known}
    if read_side:  # every field optional: what was read writes back as JSON
        json.dumps(model.to_wire())


def test_deviations_take_no_part_in_equality_or_the_wire() -> None:
    yt = module("yantong_groupcall")
    plain = yt.StartTaskResponse.from_wire({"statusCode": 0, "message": "ok", "info": ""})
    noted = yt.StartTaskResponse.from_wire({"statusCode": 0, "message": "ok", "info": ""})
    noted.deviations = [yt.Violation("/info", "type", None, "expected string, got object", {})]
    assert plain == noted
    assert noted.to_wire() == {"statusCode": 0, "message": "ok", "info": ""}
    assert "deviations" in {f.name for f in fields(noted)}
    v = noted.deviations[0]
    assert v == yt.Violation("/info", "type", None, "expected string, got object", "other")
    assert "{}" not in str(v) and "value" not in repr(v)
