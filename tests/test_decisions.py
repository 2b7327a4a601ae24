"""The decisions the seed documents force: each is a note in its spec, and each is behaviour.

- 001 (Yantong): the stop section repeats the task-start URL; stop_task uses task-stop, and two
  operations may never share a route.
- 000 and 001: the mandatory columns are blank; requiredness is inferred and marked so.
- 003: the example sends 1 for a Boolean; it is kept verbatim and the validator flags it.
- 004 (Huawei delete): only optional criteria; an empty delete needs confirm_delete_all.
- 000 (Quanshi): requestId appears twice in the response; the envelope uses the top-level one.
- 002 (Huawei add): a refused add names no number; the codes that can only blame numbers are
  scope item, so a batch refuses those numbers alone.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.cli import main
from generator.ir import ExpectedViolation, Note, ObjectType, Property, Schema, Service
from generator.spec import load_service

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"


@functools.cache
def service(name: str) -> Service:
    return load_service(SPECS / f"{name}.yaml", display=f"specs/{name}.yaml")


def note(s: Service, note_id: str) -> Note:
    found = [n for n in s.notes if n.id == note_id]
    assert len(found) == 1, f"{s.name} has no note {note_id!r}"
    return found[0]


def position(text: str, marker: str, start: int = 0) -> tuple[int, int]:
    index = text.index(marker, start)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def check_copy(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str,
) -> tuple[int, list[str]]:
    """`callgen check` on a copy of one spec (edited), from tmp_path."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / f"{name}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--specs", "specs", "--out", "out"])
    return code, capsys.readouterr().err.splitlines()


class Recorder:
    """An httpx transport that records each request and answers with a fixed JSON body."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=self.answer)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def properties(obj: ObjectType, seen: set[str] | None = None) -> Iterator[Property]:
    """Every property of an object, nested objects and array items included."""
    seen = set() if seen is None else seen
    if obj.named:
        if obj.name in seen:
            return
        seen.add(obj.name)
    for p in obj.properties:
        yield p
        schema: Schema | None = p.schema
        while schema is not None and schema.items is not None:
            schema = schema.items
        if schema is not None and schema.object is not None:
            yield from properties(schema.object, seen)


# -- 001: the stop section shows the task-start URL --------------------------------------------


def test_yantong_stop_route_note() -> None:
    s = service("yantong_groupcall")
    n = note(s, "stop_route")
    assert n.source == "001 关闭任务"
    assert "stop_task" in n.about
    assert "groupcall/task-start" in n.text
    assert "groupcall/task-stop" in n.decision
    assert "must never start one" in n.decision


def test_yantong_stop_task_route_differs_from_start_task() -> None:
    s = service("yantong_groupcall")
    start, stop = s.operation("start_task"), s.operation("stop_task")
    assert start is not None and stop is not None
    assert dict(start.query) == {"r": "groupcall/task-start"}
    assert dict(stop.query) == {"r": "groupcall/task-stop"}
    assert "task-stop" in dict(stop.query)["r"]
    assert (stop.method, stop.path, stop.query) != (start.method, start.path, start.query)


def test_yantong_client_stop_sends_task_stop_never_task_start() -> None:
    from outbound import yantong_groupcall

    answer = {"statusCode": 0, "message": "success", "info": ""}
    recorder = Recorder(answer)
    with yantong_groupcall.Client(
        "http://vendor.test", token="t0k", transport=recorder.transport()
    ) as client:
        client.stop_task(id=59)
        client.start_task(id=59)
    stop, start = recorder.requests
    assert stop.url.params["r"] == "groupcall/task-stop"
    assert start.url.params["r"] == "groupcall/task-start"
    assert stop.url.path == start.url.path == "/api.php"
    assert json.loads(stop.content) == {"token": "t0k", "data": {"id": "59"}}


def test_a_stop_sharing_the_start_route_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (SPECS / "yantong_groupcall.yaml").read_text(encoding="utf-8")
    documented = text.replace("query: {r: groupcall/task-stop}", "query: {r: groupcall/task-start}")
    assert documented != text
    code, lines = check_copy(tmp_path, monkeypatch, capsys, "yantong_groupcall", documented)
    line, col = position(documented, "/api.php", documented.index("\n  stop_task:\n"))
    assert code == 2
    expected = (
        f"specs/yantong_groupcall.yaml:{line}:{col}: stop_task has the same method, path and "
        "query as start_task; two operations must never share a route"
    )
    assert lines == [expected, "1 problem(s) in the specs"]


# -- 000 and 001: the mandatory columns are blank ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "required"),
    [
        ("quanshi_event", {"create_event_call": {"token", "eventId", "callList"}}),
        (
            "yantong_groupcall",
            {
                "start_task": {"token", "data", "id"},
                "stop_task": {"token", "data", "id"},
                "upload_data": {"token", "data", "id", "batch_id", "data_list", "phone"},
            },
        ),
    ],
)
def test_blank_required_columns_are_inferred(name: str, required: dict[str, set[str]]) -> None:
    s = service(name)
    n = note(s, "required_inferred")
    assert "blank" in n.text
    assert "inferred: true" in n.decision
    for op in s.operations:
        assert op.request.object is not None
        props = list(properties(op.request.object))
        assert props, op.id
        not_inferred = [p.name for p in props if not p.inferred]
        assert not_inferred == [], f"{op.id}: requiredness of {not_inferred} is not marked inferred"
        if op.id in required:
            assert {p.name for p in props if p.required} == required[op.id], op.id


def test_documents_with_a_mandatory_column_infer_nothing() -> None:
    # 002/004 have the column filled in: no property of Huawei's requests is inferred
    s = service("huawei_isales")
    for op in s.operations:
        assert op.request.object is not None
        assert not any(p.inferred for p in properties(op.request.object)), op.id


# -- 003: the example sends 1 for a Boolean ----------------------------------------------------


def test_003_boolean_note_and_example() -> None:
    s = service("dezhu_speech")
    n = note(s, "strategy_display_switch_boolean")
    assert "Boolean" in n.text and '"strategyDisplaySwitch":1' in n.text
    assert "expect_violations" in n.decision
    op = s.operation("create_outbound_task")
    assert op is not None and op.request.object is not None
    prop = op.request.object.prop("strategyDisplaySwitch")
    assert prop is not None and prop.schema.types == ("boolean",)
    (example,) = [e for e in op.examples if e.name == "doc_request"]
    assert example.body["strategyDisplaySwitch"] == 1  # verbatim, not "fixed"
    assert type(example.body["strategyDisplaySwitch"]) is int
    assert example.expect_violations == (ExpectedViolation("/strategyDisplaySwitch", "type"),)


def test_003_example_yields_exactly_one_type_violation() -> None:
    from outbound import dezhu_speech

    op = service("dezhu_speech").operation("create_outbound_task")
    assert op is not None
    (example,) = [e for e in op.examples if e.name == "doc_request"]
    violations = dezhu_speech.validate_request("create_outbound_task", example.body)
    assert [(v.path, v.rule) for v in violations] == [("/strategyDisplaySwitch", "type")]
    assert violations[0].code == "29002"
    fixed = dict(example.body, strategyDisplaySwitch=True)
    assert dezhu_speech.validate_request("create_outbound_task", fixed) == []


def test_003_example_without_expect_violations_fails_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (SPECS / "dezhu_speech.yaml").read_text(encoding="utf-8")
    marker = "        expect_violations:\n          - {path: /strategyDisplaySwitch, rule: type}\n"
    assert text.count(marker) == 1
    edited = text.replace(marker, "")
    code, lines = check_copy(tmp_path, monkeypatch, capsys, "dezhu_speech", edited)
    line, col = position(edited, "1,", edited.index('"strategyDisplaySwitch":1'))
    assert code == 2
    assert len(lines) == 2 and lines[-1] == "1 problem(s) in the specs", lines
    assert lines[0].startswith(
        f"specs/dezhu_speech.yaml:{line}:{col}: example 'doc_request' of create_outbound_task: "
        "/strategyDisplaySwitch: "
    ), lines
    assert lines[0].endswith("[type]")


# -- 004: Huawei delete takes only optional criteria -------------------------------------------

DELETED = {
    "resultCode": "0200000",
    "resultDesc": "",
    "returnCode": "0200000",
    "returnDesc": "",
    "successCount": 3,
}


def test_huawei_delete_guard_note() -> None:
    s = service("huawei_isales")
    n = note(s, "empty_delete_criteria")
    assert "delete_call_data" in n.about
    assert "confirm_delete_all" in n.decision
    op = s.operation("delete_call_data")
    assert op is not None and op.request.object is not None and op.guard is not None
    assert not any(p.required for p in op.request.object.properties)
    assert op.guard.confirm == "confirm_delete_all"
    assert op.guard.note == "empty_delete_criteria"
    assert set(op.guard.unless_any_of) == {
        ("sessionId",),
        ("called",),
        ("customField",),
        ("recycleTime", "recycleType"),
    }
    lone = note(s, "lone_recycle_time")
    assert lone.source == "004 表3 #4" and "delete_call_data" in lone.about
    assert "confirm_delete_all=True" in lone.decision


def _huawei(recorder: Recorder) -> Any:
    from outbound import huawei_isales

    return huawei_isales.Client(
        "https://192.0.2.1:8443", access_key="ak", secret_key="sk", transport=recorder.transport()
    )


@pytest.mark.parametrize(
    "criteria",
    [
        {},
        {"archive_history": 1},
        {"recycle_time": "2024-01-02 03:04:05"},
        {"recycle_time": "2024-01-02 03:04:05", "archive_history": 1},
        {"session_id": "", "custom_field": ""},
    ],
    ids=[
        "nothing",
        "archive_history_only",
        "lone_recycle_time",
        "recycle_time_and_archive_history",
        "empty_strings",
    ],
)
@pytest.mark.parametrize("validate_requests", [True, False])
def test_huawei_delete_without_criteria_sends_nothing(
    criteria: dict[str, Any], validate_requests: bool
) -> None:
    """A lone recycleTime is no criterion (note lone_recycle_time): the documents never say what
    the server does with it. The guard holds with request validation off too."""
    from outbound import huawei_isales

    recorder = Recorder(DELETED)
    client = huawei_isales.Client(
        "https://192.0.2.1:8443",
        access_key="ak",
        secret_key="sk",
        transport=recorder.transport(),
        validate_requests=validate_requests,
    )
    with client, pytest.raises(huawei_isales.ConfirmationRequired) as info:
        client.delete_call_data(vdn_id=1, campaign_id=2, **criteria)
    assert recorder.requests == []
    assert info.value.argument == "confirm_delete_all"
    assert "confirm_delete_all=True" in str(info.value)
    assert "recycleTime with recycleType" in str(info.value)


def test_huawei_delete_lone_recycle_type_is_refused_even_without_validation() -> None:
    """recycleType alone breaks dependent_required (02000009) when requests are validated; with
    validation off the guard still refuses it (the server would ignore it: empty criteria)."""
    from outbound import huawei_isales

    recorder = Recorder(DELETED)
    with _huawei(recorder) as client, pytest.raises(huawei_isales.ValidationError) as info:
        client.delete_call_data(vdn_id=1, campaign_id=2, recycle_type="1")
    assert [(v.path, v.rule) for v in info.value.violations] == [
        ("/recycleType", "dependent_required")
    ]
    unchecked = huawei_isales.Client(
        "https://192.0.2.1:8443",
        access_key="ak",
        secret_key="sk",
        transport=recorder.transport(),
        validate_requests=False,
    )
    with unchecked:
        for criteria in ({"recycle_type": "1"}, {"recycle_time": "2024-01-02", "recycle_type": ""}):
            with pytest.raises(huawei_isales.ConfirmationRequired):
                unchecked.delete_call_data(vdn_id=1, campaign_id=2, **criteria)
    assert recorder.requests == []


def test_huawei_delete_recycle_time_with_type_needs_no_confirmation() -> None:
    recorder = Recorder(DELETED)
    with _huawei(recorder) as client:
        client.delete_call_data(
            vdn_id=1, campaign_id=2, recycle_time="2024-01-02 03:04:05", recycle_type="2"
        )
    (request,) = recorder.requests
    assert json.loads(request.content) == {"recycleTime": "2024-01-02 03:04:05", "recycleType": "2"}


def test_huawei_delete_all_with_confirmation_sends_empty_criteria() -> None:
    recorder = Recorder(DELETED)
    with _huawei(recorder) as client:
        result = client.delete_call_data(vdn_id=1, campaign_id=2, confirm_delete_all=True)
    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.url.path == "/rest/isales/v1/openapi/campaigns/1/calldata/2/delete"
    assert json.loads(request.content) == {}
    assert result.success_count == 3


def test_huawei_delete_with_a_criterion_needs_no_confirmation() -> None:
    recorder = Recorder(DELETED)
    with _huawei(recorder) as client:
        client.delete_call_data(vdn_id=1, campaign_id=2, called="80021")
    (request,) = recorder.requests
    assert json.loads(request.content) == {"called": "80021"}


def test_huawei_async_delete_is_guarded_too() -> None:
    from outbound import huawei_isales

    recorder = Recorder(DELETED)

    async def run(call: Callable[[Any], Any]) -> None:
        async with huawei_isales.AsyncClient(
            "https://192.0.2.1:8443",
            access_key="ak",
            secret_key="sk",
            transport=recorder.transport(),
        ) as client:
            await call(client)

    with pytest.raises(huawei_isales.ConfirmationRequired):
        asyncio.run(run(lambda c: c.delete_call_data(vdn_id=1, campaign_id=2)))
    assert recorder.requests == []
    asyncio.run(run(lambda c: c.delete_call_data(vdn_id=1, campaign_id=2, confirm_delete_all=True)))
    assert [json.loads(r.content) for r in recorder.requests] == [{}]


# -- 000: requestId twice in the response ------------------------------------------------------


def test_quanshi_request_id_note_and_envelope() -> None:
    s = service("quanshi_event")
    n = note(s, "duplicated_request_id")
    assert {"/requestId", "/data/requestId"} <= set(n.about)
    assert "top level (/requestId)" in n.decision
    assert s.envelope.request_id == "/requestId"
    op = s.operation("create_event_call")
    assert op is not None and op.response.object is not None
    top = op.response.object.prop("requestId")
    data = op.response.object.prop("data")
    assert top is not None and top.schema.types == ("string",)
    assert data is not None and data.schema.object is not None
    inner = data.schema.object.prop("requestId")
    assert inner is not None and inner.schema.nullable and not inner.required


def test_quanshi_response_schema_allows_null_inner_request_id() -> None:
    from outbound import quanshi_event

    schema = quanshi_event.schema("create_event_call", "response")
    inner = schema["properties"]["data"]["properties"]["requestId"]
    assert set(inner["type"]) == {"string", "null"}
    assert schema["properties"]["requestId"]["type"] == "string"


def test_quanshi_error_carries_the_top_level_request_id() -> None:
    from outbound import quanshi_event

    answer = {
        "code": 40001,
        "msg": "bad event",
        "requestId": "top-level-id",
        "timeStamp": 1,
        "data": {"requestId": "inner-id"},
    }
    recorder = Recorder(answer)
    entry = quanshi_event.CallListEntry(mobile="13800000001")
    client = quanshi_event.Client("http://vendor.test", token="t0k", transport=recorder.transport())
    with client, pytest.raises(quanshi_event.ApiError) as info:
        client.create_event_call(event_id=542818, call_list=[entry])
    assert info.value.request_id == "top-level-id"
    assert len(recorder.requests) == 1


# -- 002: which refusals blame single numbers ---------------------------------------------------

ITEM_CODES = {
    "0200018",
    "0200024",
    "0200030",
    "02000001",
    "02000002",
    "02000003",
    "02000004",
    "02000005",
    "02000006",
}


def test_huawei_item_codes_note_scopes_and_generated_errors() -> None:
    from outbound import huawei_isales as hw

    s = service("huawei_isales")
    n = note(s, "item_codes")
    assert "add_call_data" in n.about
    assert {c.code for c in s.error_codes if c.scope == "item"} == ITEM_CODES
    for code in ITEM_CODES:  # each is named in the decision, with why
        assert code in n.decision
    # every rule a CallData field has maps to an item code
    op = s.operation("add_call_data")
    assert op is not None
    item_type = next(t for t in s.types if t.name == "CallData")
    rules = {"required", "type", "max_length", "pattern", "forbidden_chars", "format"}
    assert all(prop.schema.types == ("string",) for prop in item_type.properties)
    assert {s.code_for(rule, item_type.properties[0].schema) for rule in rules} <= ITEM_CODES
    # the generated package knows them; item codes are data codes too
    assert hw.ApiError.item_codes == frozenset(ITEM_CODES)
    assert frozenset(ITEM_CODES) <= hw.ApiError.data_codes
    assert hw.ErrorCode.NUMBER_BLACKLISTED.is_item_error
    assert not hw.ErrorCode.TOO_MANY_NUMBERS.is_item_error
    assert hw.ErrorCode.TOO_MANY_NUMBERS.is_data_error
    assert hw.ApiError("0200018", "Duplicate numbers exist.").is_item_error
    assert not hw.ApiError("0200007").is_item_error
