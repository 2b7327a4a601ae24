"""The typed surface of the generated package: what a type checker sees, and what happens at run
time where it cannot see.

- Documented enumerations are `Literal` types in what is sent (method arguments, request
  models) and their base type in what is read (response and callback models), where a value
  the documents do not list is kept and reported as a deviation (rule `enum`).
- Operation and callback names are `Literal` types (`OperationId`, `CallbackName`); an unknown
  name or kind at run time lists the valid ones.
- `python_name` and `paging` are checked when a spec is loaded.

A probe spec (rendered into a sandbox, never into generated/) carries what the repository's
specs lack: enums in a response and a callback, enums of every scalar kind, and a named type
read and sent alike. tests/test_typed_user_program.py runs mypy over a user's program.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from outbound import dezhu_speech as dz
from outbound import huawei_isales as hw
from outbound import quanshi_event as qs
from outbound import yantong_groupcall as yt
from probe_spec import probe_spec

from generator.emit_models import annotation, enum_literal
from generator.errors import SpecErrors
from generator.spec import load_service, load_specs

ROOT = Path(__file__).resolve().parents[1]
SERVICES = {s.name: s for s in load_specs(ROOT / "specs")}


def hints(function: Any) -> dict[str, Any]:
    return typing.get_type_hints(function)


# -- enumerations: Literal in what is sent, the base type in what is read -------------------------


def test_request_enums_are_literals_in_methods_and_models() -> None:
    for method in (hw.Client.delete_call_data, hw.AsyncClient.delete_call_data):
        h = hints(method)
        assert h["recycle_type"] == Literal["1", "2", "3"] | None
        assert h["archive_history"] == Literal[0, 1] | None
        assert h["custom_field"] == str | None  # no enum: a plain str
    h = hints(dz.Client.create_outbound_task)
    assert h["task_type"] == Literal[1, 2] and h["send_number_strategy"] == Literal[0, 1]
    assert hints(dz.PhoneGroupDto)["auto_outbound_switch"] == Literal[0, 1]
    assert hints(hw.DeleteCallDataRequest)["recycle_type"] == Literal["1", "2", "3"] | None
    for name in ("list_call_records", "iter_list_call_records"):
        h = hints(getattr(yt.Client, name))
        assert h["record_type"] == Literal["1", "2"] | None
        assert h["call_result"] == Literal["1", "2"] | None


def test_literal_values_follow_the_python_type() -> None:
    from generator.ir import EnumValue, Pos, Schema

    def schema(types: tuple[str, ...], *values: Any) -> Schema:
        return Schema(Pos("x", 1, 1), types, enum=tuple(EnumValue(v, "") for v in values))

    assert enum_literal(schema(("string",), "1", "2")) == 'Literal["1", "2"]'  # black's quotes
    assert enum_literal(schema(("integer",), 0, 1)) == "Literal[0, 1]"
    assert enum_literal(schema(("boolean",), True)) == "Literal[True]"
    # a string of digits travels as "1" and is held as the int 1
    assert enum_literal(schema(("integer_string",), "1", "20")) == "Literal[1, 20]"
    assert enum_literal(schema(("integer_string",), "01")) is None  # would travel back as "1"
    assert enum_literal(schema(("number",), 0.5, 1)) is None  # Literal takes no floats
    assert enum_literal(schema(("integer", "integer_string"), 1)) is None  # a union keeps its types
    assert enum_literal(schema(("string", "null"), "a", None)) == 'Literal["a"]'
    nullable = schema(("string", "null"), "a", None)
    assert annotation(nullable) == 'Literal["a"] | None'
    assert annotation(nullable, open_enums=True) == "str | None"


PROBE = probe_spec(
    "probe",
    sections="""
        types:
          Mode:
            source: "900"
            properties:
              kind:
                type: string
                enum: [{value: "on", meaning: "on"}, {value: "off", meaning: "off"}]
                source: "900"
        callbacks:
          pushed:
            summary: Pushed
            source: "900"
            body:
              type: object
              source: "900"
              properties:
                state:
                  type: integer
                  enum: [{value: 1, meaning: one}, {value: 2, meaning: two}]
                  source: "900"
    """,
    request="""
        token: {type: string, required: true, source: "900"}
        level: {type: integer_string, enum: [{value: "1", meaning: low}, {value: "3", meaning: high}], source: "900"}
        flag: {type: boolean, enum: [{value: true, meaning: only true}], source: "900"}
        ratio: {type: number, enum: [{value: 0.5, meaning: half}, {value: 1, meaning: whole}], source: "900"}
        colours:
          type: array
          items: {type: string, enum: [{value: red, meaning: red}, {value: blue, meaning: blue}]}
          source: "900"
        mode: {ref: Mode, source: "900"}
    """,
    response="""
        state:
          type: string
          enum: [{value: "on", meaning: "on"}, {value: "off", meaning: "off"}]
          source: "900"
        mode: {ref: Mode, source: "900"}
    """,
)


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from generator.generate import render
    from generator.sandbox import imported, service_module

    spec = tmp_path_factory.mktemp("probe") / "probe.yaml"
    spec.write_text(PROBE, "utf-8")
    with imported(render([load_service(spec)])) as package:
        yield service_module(package, "probe")


def test_probe_annotations(probe: Any) -> None:
    h = hints(probe.Client.op)
    assert h["level"] == Literal[1, 3] | None
    assert h["flag"] == Literal[True] | None
    assert h["ratio"] == float | None  # no Literal of floats: the validator checks it
    assert h["colours"] == list[Literal["red", "blue"]] | None
    # Mode is sent and read alike: a server may send another kind, so the model says str
    assert hints(probe.Mode)["kind"] == str | None
    assert hints(probe.OpResponse)["state"] == str | None
    assert hints(probe.PushedCallback)["state"] == int | None


def _client(probe: Any, answer: dict[str, Any], **options: Any) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answer)

    return probe.Client("http://vendor.test", token="t", transport=httpx.MockTransport(handler), **options)


def test_an_unknown_enum_value_in_a_response_is_kept_and_reported(
    probe: Any, caplog: pytest.LogCaptureFixture
) -> None:
    answer = {"code": 0, "msg": "ok", "state": "standby", "mode": {"kind": "auto"}}
    with caplog.at_level("WARNING", logger="outbound"), _client(probe, answer) as client:
        result = client.op()
    assert result.state == "standby" and result.mode.kind == "auto"  # kept as sent
    assert [(d.path, d.rule, d.value) for d in result.deviations] == [
        ("/state", "enum", "standby"),
        ("/mode/kind", "enum", "auto"),
    ]
    assert "must be one of 'on', 'off', got 'standby'" in str(result.deviations[0])
    assert {r.getMessage().split(" deviates")[0] for r in caplog.records} == {"op: the response"}
    assert all("standby" not in r.getMessage() for r in caplog.records)  # never a value
    with _client(probe, {**answer, "state": "on", "mode": {"kind": "off"}}) as client:
        assert client.op().deviations == []
    with (
        _client(probe, answer, strict_responses=True) as client,
        pytest.raises(probe.ResponseError) as caught,
    ):
        client.op()
    assert [v.rule for v in caught.value.violations] == ["enum", "enum"]


def test_an_unknown_enum_value_in_a_callback_is_kept_and_reported(probe: Any) -> None:
    result = probe.parse_pushed(json.dumps({"state": 7}))
    assert result.state == 7
    assert [(d.path, d.rule, d.value) for d in result.deviations] == [("/state", "enum", 7)]
    with pytest.raises(probe.ValidationError):
        probe.parse_pushed({"state": 7}, strict=True)
    assert probe.parse_pushed({"state": 2}).deviations == []


def test_requests_still_refuse_an_unknown_enum_value(probe: Any) -> None:
    with _client(probe, {"code": 0}) as client, pytest.raises(probe.ValidationError) as caught:
        client.op(level=2, colours=["red", "green"], mode=probe.Mode(kind="auto"))
    assert sorted((v.path, v.rule) for v in caught.value.violations) == [
        ("/colours/1", "enum"),
        ("/level", "enum"),
        ("/mode/kind", "enum"),
    ]


def test_the_response_schema_keeps_enums_open() -> None:
    """Other tools read the exported schemas: an answer's enum stays `x-enum` (open), and the
    description says the clients report other values."""
    from generator.emit_schema import all_schemas

    service = load_service_text(PROBE)
    schemas = all_schemas(service)
    state = schemas[("op", "response")]["properties"]["state"]
    assert "enum" not in state and state["x-enum"] == ["on", "off"]
    assert schemas[("op", "request")]["properties"]["level"]["enum"] == ["1", "3"]


def load_service_text(text: str) -> Any:
    """Load spec text from a file named after its service (the loader insists)."""
    import re
    import tempfile

    name = re.search(r"^service: (\w+)$", text, re.MULTILINE)
    assert name is not None
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / f"{name.group(1)}.yaml"
        spec.write_text(text, "utf-8")
        return load_service(spec)


# -- operation and callback names -----------------------------------------------------------------


@pytest.mark.parametrize("module", [dz, hw, qs, yt], ids=lambda m: m.__name__.split(".")[-1])
def test_operation_and_callback_names_are_literal_types(module: Any) -> None:
    service = SERVICES[module.__name__.split(".")[-1]]
    assert typing.get_args(module.OperationId) == tuple(op.id for op in service.operations)
    if service.callbacks:
        assert typing.get_args(module.CallbackName) == tuple(cb.name for cb in service.callbacks)
    else:
        assert module.CallbackName is typing.Never  # nothing type-checks: there is none
    assert hints(module.validate_request)["operation_id"] == module.OperationId
    assert hints(module.validate_path)["operation_id"] == module.OperationId
    assert hints(module.validate_callback)["name"] == module.CallbackName


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: hw.schema("add_call_data", "reqest"),  # type: ignore[call-overload]
            "unknown kind 'reqest': schema() takes one of request, response",
        ),
        (
            lambda: yt.schema("list_tasks", "path"),  # type: ignore[call-overload]
            "unknown kind 'path': schema() takes one of request, response, callback",
        ),
        (
            lambda: hw.validate_request("add_call_dat", {}),  # type: ignore[arg-type]
            (
                "no operation named 'add_call_dat' in huawei_isales (did you mean "
                "'add_call_data'?); operations: add_call_data, delete_call_data"
            ),
        ),
        (
            lambda: hw.validate_path("delete", {}),  # type: ignore[arg-type]
            "no operation named 'delete' in huawei_isales",
        ),
        (
            lambda: yt.validate_response("call_result", {}),  # type: ignore[arg-type]
            "no operation named 'call_result' in yantong_groupcall ('call_result' is a callback)",
        ),
        (
            lambda: yt.schema("list_tasks", "callback"),  # type: ignore[call-overload]
            (
                "no callback named 'list_tasks' in yantong_groupcall ('list_tasks' is an "
                "operation); callbacks: call_result"
            ),
        ),
        (
            lambda: qs.validate_callback("pushed", {}),  # type: ignore[arg-type]
            "quanshi_event has no callbacks, so there is no callback named 'pushed'",
        ),
        (
            lambda: qs.validate_request(["x"], {}),  # type: ignore[arg-type]
            "no operation named ['x'] in quanshi_event; operations: create_event_call",
        ),
    ],
)
def test_an_unknown_name_or_kind_lists_the_valid_ones(call: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        call()
    assert message in str(caught.value)


def test_valid_names_and_kinds_still_work() -> None:
    assert hw.schema("add_call_data")["type"] == "object"
    assert yt.schema("call_result", "callback")["type"] == "object"
    assert hw.validate_path("add_call_data", {"vdnId": 1, "campaignId": 2}) == []
    assert yt.validate_path("list_tasks", {}) == []  # no path parameters: nothing to check


# -- python_name and paging, checked when a spec is loaded ----------------------------------------


PAGED = probe_spec(
    "paged",
    request="""
        token: {type: string, required: true, source: "900"}
        page: {type: integer_string, source: "900"}
        size: {type: integer, source: "900"}
        word: {type: string, source: "900"}
    """,
    response="""
        data:
          type: [object, string]
          source: "900"
          properties:
            rows: {type: array, items: {type: string}, source: "900"}
            pages: {type: [integer, integer_string], source: "900"}
            label: {type: string, source: "900"}
            groups:
              type: array
              source: "900"
              items:
                type: object
                properties:
                  rows: {type: array, items: {type: string}, source: "900"}
    """,
).replace(
    "    creates: false\n",
    "    creates: false\n    paging: {PAGING}\n",
)


def paging_errors(paging: str) -> list[str]:
    try:
        load_service_text(PAGED.replace("{PAGING}", paging))
    except SpecErrors as exc:
        return [e.message for e in exc.errors]
    return []


def test_a_valid_paging_loads_and_renders_an_iterator(tmp_path: Path) -> None:
    from generator.generate import render
    from generator.sandbox import imported, service_module

    paging = "{page: page, page_size: size, items: /data/rows, total_pages: /data/pages}"
    assert paging_errors(paging) == []
    spec = tmp_path / "paged.yaml"
    spec.write_text(PAGED.replace("{PAGING}", paging), "utf-8")
    pages = {1: ["a", "b"], 2: ["c"]}
    sent: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append((body.get("page"), body.get("size")))
        rows = pages.get(int(body["page"]), [])
        return httpx.Response(200, json={"code": 0, "data": {"rows": rows, "pages": "2"}})

    with imported(render([load_service(spec)])) as package:
        module = service_module(package, "paged")
        assert "page" not in hints(module.Client.iter_op)  # the iterator sets it
        with module.Client("http://x.test", token="t", transport=httpx.MockTransport(handler)) as c:
            assert list(c.iter_op(size=2, word="w")) == ["a", "b", "c"]
    assert sent == [("1", 2), ("2", 2)]


@pytest.mark.parametrize(
    ("paging", "message"),
    [
        ("{page: nosuch, items: /data/rows}", "'nosuch' is not an argument of op"),
        ("{page: word, items: /data/rows}", "paging.page 'word' must be an integer or integer_string"),
        ("{page: page, page_size: page, items: /data/rows}", "names the page argument again"),
        ("{page: page, items: /data/nosuch}", "paging.items '/data/nosuch' does not resolve"),
        ("{page: page, items: /data/label}", "paging.items '/data/label' must point at an array"),
        ("{page: page, items: /data/groups/*/rows}", "reached through objects only"),
        ("{page: page, items: /data/rows, total_pages: /data/label}", "must point at an integer"),
        ("{page: page, items: /data/rows, note: nosuch}", "unknown note 'nosuch'"),
        ("{page: page}", "missing required key 'items'"),
    ],
)
def test_paging_mistakes_are_spec_errors(paging: str, message: str) -> None:
    errors = paging_errors(paging)
    assert len(errors) == 1 and message in errors[0], errors


def test_an_operation_named_like_a_page_iterator_is_a_spec_error() -> None:
    paging = "{page: page, items: /data/rows}"
    text = PAGED.replace("{PAGING}", paging)
    twin = text[text.index("  op:\n") :].replace("  op:\n", "  iter_op:\n", 1).replace(
        "path: /op", "path: /iter_op"
    ).replace("    paging: " + paging + "\n", "")
    errors: list[str] = []
    try:
        load_service_text(text + twin)
    except SpecErrors as exc:
        errors = [e.message for e in exc.errors]
    assert errors == ["iter_op is also the page iterator of op"]


def test_every_python_name_is_explained_by_a_note() -> None:
    """A python_name in any spec of the repository is named in the decision of a note about
    its operation or type, beside the wire name it replaces."""
    from generator.naming import snake

    found = 0
    for service in SERVICES.values():
        for op in service.operations:
            for obj in (op.request.object, op.response.object):
                for p in _all_properties(obj) if obj is not None else ():
                    if p.py_name == snake(p.name):
                        continue
                    found += 1
                    assert any(
                        op.id in note.about and p.py_name in note.decision and p.name in note.text
                        for note in service.notes
                    ), f"{service.name}.{op.id}: {p.name} → {p.py_name} has no note"
    assert found >= 6


def test_python_names_of_the_yantong_spec() -> None:
    """Each rename keeps the wire name (to_wire) and is documented by the note python_names."""
    service = SERVICES["yantong_groupcall"]
    renamed = {
        (obj.name, p.name): p.py_name
        for op in service.operations
        for obj in [op.response.object, op.arguments]
        if obj is not None
        for p in _all_properties(obj)
        if p.py_name.replace("_", "") != p.name.replace("_", "").lower()
    }
    assert set(renamed.values()) == {"result_code", "tasks", "batch_ids", "task", "records", "record_type"}
    note = next(n for n in service.notes if n.id == "python_names")
    for name in renamed.values():
        assert name in note.decision
    result = yt.ListTasksResponse(result_code=0, info=yt.ListTasksResponseInfo(tasks=[]))
    assert result.to_wire() == {"statusCode": 0, "info": {"list": []}}
    read = yt.GetTaskResponse.from_wire({"statusCode": 0, "info": {"info": {"id": "59"}}})
    assert isinstance(read.info, yt.GetTaskResponseInfo) and read.info.task is not None
    assert read.info.task.id == 59


def _all_properties(obj: Any) -> Iterator[Any]:
    for p in obj.properties:
        yield p
        if p.schema.object is not None:
            yield from _all_properties(p.schema.object)
