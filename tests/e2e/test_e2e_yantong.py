"""Yantong group-call client against a real HTTP server: every route, the token envelope,
partial upload counts, the stop route, and the pushed call-result parser."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from e2e_server import MockVendor, Reply
from e2e_support import TOKEN, callback_example, compact, example, run, with_token_first
from outbound import yantong_groupcall as yt

SERVICE = "yantong_groupcall"


def doc_record() -> yt.UploadRecord:
    (item,) = example(SERVICE, "upload_data", "doc_request")["data"]["data_list"]
    return yt.UploadRecord(
        name=item["name"],
        phone=item["phone"],
        address=item["address"],
        state=item["state"],
        callback_url=item["callback_url"],
        email=item["email"],
    )


@dataclass(frozen=True)
class Case:
    operation: str
    route: str
    kwargs: dict[str, Any]
    check: Callable[[Any], None]


def check_list_tasks(result: yt.ListTasksResponse) -> None:
    assert result.result_code == 0 and result.info is not None and result.info.tasks
    (task,) = result.info.tasks
    assert (task.id, task.name, task.status, task.start_time) == (59, "测试群呼任务", 0, "08:30:01")


def check_get_task(result: yt.GetTaskResponse) -> None:
    assert result.info is not None and result.info.task is not None
    assert result.info.task.id == 59 and result.info.task.end_time == "19:30:02"


def check_add_batch(result: yt.AddBatchResponse) -> None:
    assert result.info is not None and result.info.batch_id == 671


def check_bound(result: yt.ListBoundBatchIdsResponse) -> None:
    assert result.info is not None and result.info.batch_ids == [659]


def check_empty_info(result: yt.StartTaskResponse | yt.StopTaskResponse) -> None:
    assert result.result_code == 0 and result.message == "success" and result.info == ""


def check_upload(result: yt.UploadDataResponse) -> None:
    assert result.info is not None
    assert (result.info.success_count, result.info.duplicate_count, result.info.fail_count) == (
        1,
        0,
        0,
    )


def check_records(result: yt.ListCallRecordsResponse) -> None:
    info = result.info
    assert info is not None and info.records is not None
    # The document mixes numbers and digit strings: both read as int.
    assert (info.page, info.page_size, info.total_page, info.total_count) == (1, 10, 1, 3)
    assert [r.call_result for r in info.records] == [1, 1, 1]
    assert info.records[0].staff_id == 0 and info.records[0].path is not None
    assert info.records[0].path.endswith(".wav")


CASES = [
    Case("list_tasks", "groupcall/task-list", {}, check_list_tasks),
    Case("get_task", "groupcall/task-info", {"id": 59}, check_get_task),
    Case(
        "add_batch", "groupcall/batch-add", {"id": 59, "name": "api_create_test"}, check_add_batch
    ),
    Case("list_bound_batch_ids", "groupcall/task-bound-batch-id-list", {"id": 59}, check_bound),
    Case("start_task", "groupcall/task-start", {"id": 59}, check_empty_info),
    Case("stop_task", "groupcall/task-stop", {"id": 59}, check_empty_info),
    Case(
        "upload_data",
        "groupcall/upload-data",
        {"id": 59, "batch_id": 659, "data_list": [doc_record()]},
        check_upload,
    ),
    Case(
        "list_call_records",
        "groupcall/record-list",
        {
            "id": 59,
            "record_type": "1",
            "search_date": "2022-03-28",
            "call_result": "1",
            "page": 1,
            "page_size": 10,
        },
        check_records,
    ),
]


def check_wire(vendor: MockVendor, case: Case) -> None:
    (seen,) = vendor.requests
    assert seen.method == "POST"
    assert seen.path == "/api.php"
    # The documented literal route, not r=groupcall%2F...
    assert seen.query == f"r={case.route}"
    assert seen.headers["content-type"] == "application/json"
    # The document's own example request (its token replaced by ours), byte for byte:
    # {"token": ..., "data": {...}} with the token first and data's members in document order.
    expected = with_token_first(example(SERVICE, case.operation, "doc_request"))
    assert seen.body == compact(expected)
    assert seen.keys()[0] == "token"


@pytest.mark.parametrize("case", CASES, ids=[c.operation for c in CASES])
def test_every_operation_sync(vendor: MockVendor, case: Case) -> None:
    vendor.reply(Reply(example(SERVICE, case.operation, "doc_response")))
    with yt.Client(vendor.base_url, token=TOKEN) as c:
        result = getattr(c, case.operation)(**case.kwargs)
    check_wire(vendor, case)
    case.check(result)


@pytest.mark.parametrize("case", CASES, ids=[c.operation for c in CASES])
def test_every_operation_async(vendor: MockVendor, case: Case) -> None:
    vendor.reply(Reply(example(SERVICE, case.operation, "doc_response")))

    async def go() -> Any:
        async with yt.AsyncClient(vendor.base_url, token=TOKEN) as c:
            return await getattr(c, case.operation)(**case.kwargs)

    result = run(go())
    check_wire(vendor, case)
    case.check(result)


def test_stop_never_uses_the_start_route(vendor: MockVendor) -> None:
    """The document's 关闭任务 section repeats task-start: stopping must never start a campaign."""
    vendor.default = Reply({"statusCode": 0, "message": "success", "info": ""})
    with yt.Client(vendor.base_url, token=TOKEN) as c:
        c.stop_task(id=59)
    assert [seen.query for seen in vendor.requests] == ["r=groupcall/task-stop"]
    assert all("task-start" not in seen.query for seen in vendor.requests)


def test_unknown_route_answer_is_an_api_error_not_a_start(vendor: MockVendor) -> None:
    vendor.reply(Reply({"statusCode": 404, "message": "route not found", "info": ""}))
    with yt.Client(vendor.base_url, token=TOKEN) as c, pytest.raises(yt.ApiError) as info:
        c.stop_task(id=59)
    assert info.value.code == "404" and info.value.message == "route not found"
    assert len(vendor.requests) == 1


def test_partial_upload_counts_are_returned_not_raised(vendor: MockVendor) -> None:
    vendor.reply(
        Reply(
            {
                "statusCode": 0,
                "message": "success",
                "info": {"successCount": 1, "duplicateCount": "1", "failCount": 1},
            }
        )
    )
    records = [doc_record(), doc_record(), yt.UploadRecord(phone="1")]
    with yt.Client(vendor.base_url, token=TOKEN) as c:
        result = c.upload_data(id=59, batch_id=659, data_list=records)
    assert result.info is not None
    assert (result.info.success_count, result.info.duplicate_count, result.info.fail_count) == (
        1,
        1,
        1,
    )
    (seen,) = vendor.requests
    assert len(seen.json()["data"]["data_list"]) == 3


def test_validation_error_sends_nothing(vendor: MockVendor) -> None:
    long_state = "状" * 21  # 63 UTF-8 bytes: over the documented 60 bytes
    with yt.Client(vendor.base_url, token=TOKEN) as c:
        with pytest.raises(yt.ValidationError) as info:
            c.upload_data(
                id=59, batch_id=659, data_list=[yt.UploadRecord(phone="1", state=long_state)]
            )
        assert [(v.path, v.rule) for v in info.value.violations] == [
            ("/data/data_list/0/state", "max_bytes")
        ]
        with pytest.raises(yt.ValidationError) as info:
            c.list_call_records(id=59, search_date="2022-02-30", call_result="3")
        assert {(v.path, v.rule) for v in info.value.violations} == {
            ("/data/search_date", "format"),
            ("/data/call_result", "enum"),
        }
        with pytest.raises(yt.ValidationError):
            c.upload_data(id=59, batch_id=659, data_list=[])
        # Exactly 60 bytes is allowed.
        vendor.reply(Reply(example(SERVICE, "upload_data", "doc_response")))
        assert vendor.requests == []
        c.upload_data(id=59, batch_id=659, data_list=[yt.UploadRecord(phone="1", state="状" * 20)])
    assert len(vendor.requests) == 1


# ---------------------------------------------------------------------------------------------
# parse_call_result: the body pushed to callback_url
# ---------------------------------------------------------------------------------------------


def test_parse_call_result_accepts_bytes_text_and_mappings() -> None:
    body = callback_example(SERVICE, "call_result")
    for form in (json.dumps(body).encode(), json.dumps(body, ensure_ascii=False), body):
        parsed = yt.parse_call_result(form)
        assert isinstance(parsed, yt.CallResultCallback)
        record = parsed.call_result
        assert record is not None
        assert (record.id, record.phone, record.call_result) == (
            "30249186",
            "18851498762",
            "success",
        )
        assert record.comment is None and record.state is None
    with_extra = {"call_result": {**body["call_result"], "new_field": "kept"}, "sig": "x"}
    parsed = yt.parse_call_result(with_extra)
    assert parsed.extra == {"sig": "x"}
    assert parsed.call_result is not None and parsed.call_result.extra == {"new_field": "kept"}


def test_parse_call_result_reads_deviations_and_names_them() -> None:
    """A webhook never loses a readable call result: the deviations are listed, not raised
    (strict=True raises them, as before)."""
    bad = {"call_result": {"id": 30249186, "phone": None, "comment": 5}}
    parsed = yt.parse_call_result(bad)
    assert parsed.call_result is not None
    assert (parsed.call_result.id, parsed.call_result.phone) == ("30249186", None)
    assert parsed.call_result.comment == "5"
    assert {(v.path, v.rule, v.value) for v in parsed.deviations} == {
        ("/call_result/id", "type", 30249186),
        ("/call_result/phone", "type", None),
        ("/call_result/comment", "type", 5),
    }
    with pytest.raises(yt.ValidationError) as info:
        yt.parse_call_result(bad, strict=True)
    paths = {v.path for v in info.value.violations}
    assert paths == {"/call_result/id", "/call_result/phone", "/call_result/comment"}
    assert "/call_result/id" in str(info.value)
    odd = yt.parse_call_result({"call_result": "success"})
    assert odd.call_result is None
    assert [(v.path, v.rule, v.value) for v in odd.deviations] == [
        ("/call_result", "type", "success")
    ]
    with pytest.raises(yt.ValidationError, match="not JSON"):
        yt.parse_call_result(b"call_result=1&id=2")
    with pytest.raises(yt.ValidationError, match="not JSON"):
        yt.parse_call_result(b"\xff\xfe")
    with pytest.raises(yt.ValidationError) as info:
        yt.parse_call_result("[1, 2]")
    assert [(v.path, v.rule) for v in info.value.violations] == [("", "type")]
    with pytest.raises(yt.ValidationError, match="nested too deeply"):
        yt.parse_call_result("[" * 100_000 + "]" * 100_000)
    with pytest.raises(yt.ValidationError, match="got array"):
        yt.parse_call_result([1, 2])  # type: ignore[arg-type]


# -- the page iterator against a server whose every answer the test states ----------------------


def record(n: int) -> dict[str, Any]:
    """A record-list item as the document shows one (numbers and digit strings mixed)."""
    return {"name": f"customer {n}", "staff_id": "0", "call_result": 1, "uniqueid": f"u{n}"}


def page(records: list[dict[str, Any]], **info: Any) -> Reply:
    return Reply({"statusCode": 0, "message": "获取成功", "info": {**info, "info": records}})


def walk(vendor: MockVendor, *, mode: str = "sync", **kwargs: Any) -> list[yt.CallRecord]:
    if mode == "sync":
        with yt.Client(vendor.base_url, token=TOKEN) as c:
            return list(c.iter_list_call_records(id=59, **kwargs))

    async def go() -> list[yt.CallRecord]:
        async with yt.AsyncClient(vendor.base_url, token=TOKEN) as c:
            return [r async for r in c.iter_list_call_records(id=59, **kwargs)]

    return run(go())


def asked(vendor: MockVendor) -> list[dict[str, Any]]:
    """The data of each record-list request, in order."""
    assert all(seen.query == "r=groupcall/record-list" for seen in vendor.requests)
    return [seen.json()["data"] for seen in vendor.requests]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_iterator_reads_totals_as_numbers_or_digit_strings(vendor: MockVendor, mode: str) -> None:
    """001 answers `page: 1` beside `total_count: "3"`; either total may come either way."""
    vendor.reply(
        page([record(1), record(2)], page="1", page_size=2, total_page="2", total_count=3),
        page([record(3)], page=2, page_size="2", total_page=2, total_count="3"),
    )
    got = walk(vendor, mode=mode, page_size=2, record_type="1")
    assert [r.uniqueid for r in got] == ["u1", "u2", "u3"]
    assert [r.staff_id for r in got] == [0, 0, 0]
    assert asked(vendor) == [
        {"id": "59", "type": "1", "page": "1", "page_size": "2"},
        {"id": "59", "type": "1", "page": "2", "page_size": "2"},
    ]


def test_iterator_stops_on_the_item_count_without_a_page_count(vendor: MockVendor) -> None:
    vendor.reply(page([record(1), record(2)], total_count="3"), page([record(3)], total_count="3"))
    assert len(walk(vendor, page_size=2)) == 3 and len(vendor.requests) == 2


def test_iterator_stops_at_an_empty_page_before_the_stated_total(vendor: MockVendor) -> None:
    vendor.reply(page([record(1)], total_page="9", total_count="90"), page([], total_page="9"))
    assert [r.uniqueid for r in walk(vendor)] == ["u1"] and len(vendor.requests) == 2


@pytest.mark.parametrize("info", ["", None, [], {"info": "nothing"}], ids=repr)
def test_iterator_reads_a_page_without_records_as_the_end(vendor: MockVendor, info: Any) -> None:
    """The documented empty string, or what cannot be read as records: one request, nothing."""
    vendor.reply(Reply({"statusCode": 0, "message": "success", "info": info}))
    assert walk(vendor) == [] and len(vendor.requests) == 1


def test_iterator_stops_when_the_server_ignores_the_page_argument(
    vendor: MockVendor, caplog: pytest.LogCaptureFixture
) -> None:
    """A server answering page 1 whatever is asked: read once, not total_page times."""
    vendor.default = page([record(1), record(2)], page=1, total_page=5, total_count=10)
    with caplog.at_level(logging.WARNING, logger="outbound"):
        got = walk(vendor, page_size=2)
    assert [r.uniqueid for r in got] == ["u1", "u2"] and len(vendor.requests) == 2
    assert any("page 2 repeats page 1" in r.getMessage() for r in caplog.records)


def test_iterator_raises_the_error_of_a_later_page_after_the_earlier_items(
    vendor: MockVendor,
) -> None:
    vendor.reply(
        page([record(1)], total_page=3),
        Reply({"statusCode": 401, "message": "token expired", "info": ""}),
    )
    seen: list[str | None] = []
    with yt.Client(vendor.base_url, token=TOKEN) as c, pytest.raises(yt.ApiError) as info:
        for r in c.iter_list_call_records(id=59):
            seen.append(r.uniqueid)
    assert seen == ["u1"] and info.value.code == "401"
    vendor.reset()
    vendor.reply(page([record(1)], total_page=3), Reply("<html>502</html>", status=502))
    with yt.Client(vendor.base_url, token=TOKEN) as c, pytest.raises(yt.ApiError):
        list(c.iter_list_call_records(id=59))
    assert len(vendor.requests) == 2


def test_iterator_arguments_are_checked_before_anything_is_sent(vendor: MockVendor) -> None:
    with yt.Client(vendor.base_url, token=TOKEN) as c, pytest.raises(yt.ValidationError):
        next(c.iter_list_call_records(id=59, search_date="2022-02-30"))
    assert vendor.requests == []
