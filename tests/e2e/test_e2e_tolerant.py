"""The deviations observed on real vendor servers (issue 9 §1), against a loopback server.

Each answer below made the client raise ResponseError after the server had acted. Now the
success answer comes back as its model, with each deviation listed (path, rule, raw value),
logged once per client at WARNING (operation, path, rule; never a value); with
strict_responses=True it raises as before. Sync and async clients alike.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from e2e_server import MockVendor, Reply
from e2e_support import TOKEN, callback_example, example, run
from outbound import quanshi_event as qs
from outbound import yantong_groupcall as yt

MODES = ["sync", "async"]


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def call(
    module: Any, mode: str, vendor: MockVendor, operation: Callable[[Any], Any], **options: Any
) -> Any:
    if mode == "sync":
        with module.Client(vendor.base_url, token=TOKEN, **options) as client:
            return operation(client)

    async def go() -> Any:
        async with module.AsyncClient(vendor.base_url, token=TOKEN, **options) as client:
            return await operation(client)

    return run(go())


def create_event_call(client: Any) -> Any:
    return client.create_event_call(
        event_id=542818, call_list=[qs.CallListEntry(mobile="18100000030", country_code="86")]
    )


def deviations(result: Any) -> list[tuple[str, str, Any]]:
    return [(v.path, v.rule, v.value) for v in result.deviations]


# -- Quanshi create_event_call ------------------------------------------------------------------


def quanshi_answer() -> dict[str, Any]:
    body = example("quanshi_event", "create_event_call", "doc_response_added")
    body["data"]["success_data"][0]["phone"] = None  # echoed although the client omitted it
    body["msg"] = None
    body["requestId"] = None
    return body  # type: ignore[no-any-return]


def test_quanshi_nulls_are_read(mode: str, vendor: MockVendor) -> None:
    vendor.reply(Reply(quanshi_answer()))
    result = call(qs, mode, vendor, create_event_call)
    assert isinstance(result, qs.CreateEventCallResponse)
    assert sorted(deviations(result)) == [
        ("/data/success_data/0/phone", "type", None),
        ("/msg", "type", None),
        ("/requestId", "type", None),
    ]
    assert result.msg is None and result.request_id is None and result.code == 200
    assert result.data is not None and result.data.success_data is not None
    (added,) = result.data.success_data
    assert (added.id, added.mobile, added.phone) == (
        "62286da5388f66000643106c",
        "18100000030",
        None,
    )
    assert result.data.request_id is None  # documented null (000 输出示例 1): no deviation
    assert len(vendor.requests) == 1


def test_quanshi_nulls_raise_when_strict(mode: str, vendor: MockVendor) -> None:
    vendor.reply(Reply(quanshi_answer()))
    with pytest.raises(qs.ResponseError) as info:
        call(qs, mode, vendor, create_event_call, strict_responses=True)
    assert sorted(v.path for v in info.value.violations) == [
        "/data/success_data/0/phone",
        "/msg",
        "/requestId",
    ]


# -- Yantong ------------------------------------------------------------------------------------

INFO_OBJECT_OPERATIONS: list[tuple[str, Callable[[Any], Any]]] = [
    ("list_tasks", lambda c: c.list_tasks()),
    ("get_task", lambda c: c.get_task(id=59)),
    ("add_batch", lambda c: c.add_batch(id=59, name="b")),
    ("list_bound_batch_ids", lambda c: c.list_bound_batch_ids(id=59)),
    (
        "upload_data",
        lambda c: c.upload_data(
            id=59, batch_id=659, data_list=[yt.UploadRecord(phone="18851498762")]
        ),
    ),
    ("list_call_records", lambda c: c.list_call_records(id=59)),
]


@pytest.mark.parametrize(
    ("op", "invoke"), INFO_OBJECT_OPERATIONS, ids=[o for o, _ in INFO_OBJECT_OPERATIONS]
)
@pytest.mark.parametrize(
    "info", ["", [], None, "此处为空信息"], ids=["empty", "php_array", "null", "text"]
)
def test_yantong_info_as_documented_string_or_odd_value(
    op: str, invoke: Callable[[Any], Any], info: Any, mode: str, vendor: MockVendor
) -> None:
    """The tables say info is a string, the examples an object: both are read without a
    deviation (note info_contradiction); PHP's empty array [] and null are deviations."""
    vendor.reply(Reply({"statusCode": 0, "message": "success", "info": info}))
    result = call(yt, mode, vendor, invoke)
    if isinstance(info, str):
        assert result.info == info and result.deviations == []
    else:
        assert result.info is None
        assert deviations(result) == [("/info", "type", info)]


@pytest.mark.parametrize("op", ["start_task", "stop_task"])
@pytest.mark.parametrize(
    "info", [{}, [], None, {"task": 59}], ids=["object", "array", "null", "filled"]
)
def test_yantong_start_stop_info_not_a_string(
    op: str, info: Any, mode: str, vendor: MockVendor
) -> None:
    vendor.reply(Reply({"statusCode": 0, "message": "success", "info": info}))
    result = call(yt, mode, vendor, lambda c: getattr(c, op)(id=59))
    assert result.status_code == 0 and result.message == "success" and result.info is None
    assert deviations(result) == [("/info", "type", info)]
    vendor.reply(Reply({"statusCode": 0, "message": "success", "info": info}))
    with pytest.raises(yt.ResponseError):
        call(yt, mode, vendor, lambda c: getattr(c, op)(id=59), strict_responses=True)


def test_yantong_record_path_null_and_status_code_text(mode: str, vendor: MockVendor) -> None:
    body = example("yantong_groupcall", "list_call_records", "doc_response")
    body["statusCode"] = "0"
    body["info"]["info"][1]["path"] = None
    vendor.reply(Reply(body))
    result = call(yt, mode, vendor, lambda c: c.list_call_records(id=59))
    assert deviations(result) == [("/statusCode", "type", "0"), ("/info/info/1/path", "type", None)]
    assert result.status_code == 0  # "0" is a string of digits: converted, nothing lost
    records = result.info.info
    assert len(records) == 3 and records[1].path is None
    assert records[0].path == body["info"]["info"][0]["path"]
    assert result.info.total_count == 3 and result.info.page == 1


def test_yantong_status_code_text_that_is_not_success_is_an_api_error(
    mode: str, vendor: MockVendor
) -> None:
    vendor.reply(Reply({"statusCode": "1", "message": "token error", "info": []}))
    with pytest.raises(yt.ApiError) as info:
        call(yt, mode, vendor, lambda c: c.start_task(id=59))
    assert info.value.raw_code == "1" and info.value.message == "token error"


# -- Yantong call_result callback ---------------------------------------------------------------


def test_parse_call_result_with_nulls_and_a_numeric_id() -> None:
    body = callback_example("yantong_groupcall", "call_result")
    record = body["call_result"]
    record.update(name=None, address=None, email=None, id=30249186)
    parsed = yt.parse_call_result(yt_json(body))
    assert parsed.call_result is not None
    got = parsed.call_result
    assert (got.id, got.name, got.address, got.email) == ("30249186", None, None, None)
    assert (got.phone, got.call_result) == ("18851498762", "success")
    assert sorted(deviations(parsed)) == [
        ("/call_result/address", "type", None),
        ("/call_result/email", "type", None),
        ("/call_result/id", "type", 30249186),
        ("/call_result/name", "type", None),
    ]
    # comment, callback_url and state are null in the document's example: typed str | None
    assert got.comment is None and got.state is None
    with pytest.raises(yt.ValidationError):
        yt.parse_call_result(yt_json(body), strict=True)


def yt_json(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# -- logging -----------------------------------------------------------------------------------


def test_each_deviation_is_logged_once_per_client(
    vendor: MockVendor, caplog: pytest.LogCaptureFixture
) -> None:
    """Once per (operation, path with indices as *, rule) and client: a bulk load whose every
    record lacks a field warns once; repeats go to DEBUG. No value reaches the log."""
    body = example("yantong_groupcall", "list_call_records", "doc_response")
    secret_looking = "SECRET-VALUE-0d8f"
    for record in body["info"]["info"]:
        record["path"] = None
        record["uniqueid"] = {"leak": secret_looking}
    vendor.default = Reply(body)
    with caplog.at_level(logging.DEBUG, logger="outbound"):
        with yt.Client(vendor.base_url, token=TOKEN) as client:
            first = client.list_call_records(id=59)
            client.list_call_records(id=59)
        with yt.Client(vendor.base_url, token=TOKEN) as other:
            other.list_call_records(id=59)
    assert len(first.deviations) == 6
    records = [r for r in caplog.records if "deviates" in r.getMessage()]
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    said = "list_call_records: the response deviates from its documented schema at {} [type];"
    expected = [
        said.format(p) + " read tolerantly" for p in ("/info/info/0/path", "/info/info/0/uniqueid")
    ]
    assert sorted(warnings) == sorted(expected * 2)  # one client, then the other
    debug = [r for r in records if r.levelno == logging.DEBUG]
    assert len(debug) == 3 * 6 - 4
    assert all(r.name == "outbound" for r in records)
    assert not any(secret_looking in r.getMessage() for r in caplog.records)
    assert not any(TOKEN in r.getMessage() for r in caplog.records)
