"""Huawei CC-iSales client against a real HTTP server: AK/SK auth-v2, pacing, batches, guard."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from e2e_server import MockVendor, Reply, Seen, TlsFiles
from e2e_support import (
    ACCESS_KEY,
    SECRET_KEY,
    compact,
    example,
    huawei_signature_ok,
    run,
)
from outbound import huawei_isales as hw
from outbound._runtime.batches import BatchProgress

ADD_PATH = "/rest/isales/v1/openapi/campaigns/7/calldata/1001"
DELETE_PATH = ADD_PATH + "/delete"
OK_ADD = example("huawei_isales", "add_call_data", "doc_response")
OK_DELETE = example("huawei_isales", "delete_call_data", "doc_response")


def error_body(code: str, desc: str) -> dict[str, str]:
    return {"resultCode": code, "resultDesc": desc, "returnCode": code, "returnDesc": desc}


def client(vendor: MockVendor, **kwargs: object) -> hw.Client:
    return hw.Client(
        vendor.base_url, access_key=ACCESS_KEY, secret_key=SECRET_KEY, **kwargs  # type: ignore[arg-type]
    )


def aclient(vendor: MockVendor, **kwargs: object) -> hw.AsyncClient:
    return hw.AsyncClient(
        vendor.base_url, access_key=ACCESS_KEY, secret_key=SECRET_KEY, **kwargs  # type: ignore[arg-type]
    )


def doc_numbers() -> list[hw.CallData]:
    body = example("huawei_isales", "add_call_data", "doc_request")
    return [
        hw.CallData(session_id=d["sessionId"], called=d["called"]) for d in body["callDataList"]
    ]


def numbers(count: int) -> list[hw.CallData]:
    return [hw.CallData(session_id=f"s{i:03d}", called=f"800{i:03d}") for i in range(count)]


# ---------------------------------------------------------------------------------------------
# Wire requests and typed results
# ---------------------------------------------------------------------------------------------


def check_signed_add(vendor: MockVendor, seen: Seen) -> None:
    assert seen.method == "POST"
    assert seen.path == ADD_PATH and seen.query == ""
    assert seen.headers["content-type"] == "application/json; charset=UTF-8"
    assert seen.headers["content-length"] == str(len(seen.body))
    assert seen.headers["host"] == f"127.0.0.1:{vendor.port}"
    authorization = seen.headers["authorization"]
    assert authorization.startswith(f"auth-v2/{ACCESS_KEY}/")
    assert authorization.split("/")[3] == "content-length;content-type;host"
    # The document's own example body, byte for byte.
    assert seen.body == compact(example("huawei_isales", "add_call_data", "doc_request"))
    assert huawei_signature_ok(seen)
    assert not huawei_signature_ok(seen, secret_key="another-secret")


def test_add_call_data_wire_signature_and_result(vendor: MockVendor) -> None:
    vendor.reply(Reply(OK_ADD))
    with client(vendor) as c:
        result = c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=doc_numbers())
    assert isinstance(result, hw.AddCallDataResponse)
    assert result.result_code == "0200000"
    assert result.return_object is not None and result.return_object.total_size == 46
    (seen,) = vendor.requests
    check_signed_add(vendor, seen)


def test_add_call_data_async(vendor: MockVendor) -> None:
    vendor.reply(Reply(OK_ADD))

    async def go() -> hw.AddCallDataResponse:
        async with aclient(vendor) as c:
            return await c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=doc_numbers())

    result = run(go())
    assert result.return_object is not None and result.return_object.total_size == 46
    (seen,) = vendor.requests
    check_signed_add(vendor, seen)


def test_delete_call_data_wire_and_result(vendor: MockVendor) -> None:
    vendor.reply(Reply(OK_DELETE), Reply(OK_DELETE))
    with client(vendor) as c:
        result = c.delete_call_data(vdn_id=7, campaign_id=1001, session_id="1")
        c.delete_call_data(
            vdn_id=7,
            campaign_id=1001,
            recycle_time="2020-12-04 17:57:00",
            recycle_type="2",
            archive_history=1,
        )
    assert isinstance(result, hw.DeleteCallDataResponse) and result.success_count == 1
    first, second = vendor.requests
    for seen in (first, second):
        assert seen.method == "POST" and seen.path == DELETE_PATH and seen.query == ""
        assert seen.headers["content-type"] == "application/json; charset=UTF-8"
        assert huawei_signature_ok(seen)
    assert first.body == compact(example("huawei_isales", "delete_call_data", "doc_request"))
    assert second.json() == {
        "recycleTime": "2020-12-04 17:57:00",
        "recycleType": "2",
        "archiveHistory": 1,
    }


def test_delete_call_data_async(vendor: MockVendor) -> None:
    vendor.reply(Reply(OK_DELETE))

    async def go() -> hw.DeleteCallDataResponse:
        async with aclient(vendor) as c:
            return await c.delete_call_data(vdn_id=7, campaign_id=1001, called="80021")

    assert run(go()).success_count == 1
    (seen,) = vendor.requests
    assert seen.path == DELETE_PATH and seen.json() == {"called": "80021"}
    assert huawei_signature_ok(seen)


def test_delete_without_criteria_needs_confirmation(vendor: MockVendor) -> None:
    vendor.reply(Reply(OK_DELETE))
    with client(vendor) as c:
        for kwargs in ({}, {"archive_history": 1}, {"custom_field": ""}):
            with pytest.raises(hw.ConfirmationRequired, match="confirm_delete_all=True") as info:
                c.delete_call_data(vdn_id=7, campaign_id=1001, **kwargs)
            assert info.value.argument == "confirm_delete_all"
        assert vendor.requests == []
        c.delete_call_data(vdn_id=7, campaign_id=1001, confirm_delete_all=True)
    (seen,) = vendor.requests
    assert seen.body == b"{}" and huawei_signature_ok(seen)

    async def go() -> None:
        async with aclient(vendor) as c:
            await c.delete_call_data(vdn_id=7, campaign_id=1001)

    with pytest.raises(hw.ConfirmationRequired):
        run(go())
    assert len(vendor.requests) == 1


# ---------------------------------------------------------------------------------------------
# Client-side validation: every problem at once, nothing sent
# ---------------------------------------------------------------------------------------------


def test_validation_error_lists_every_violation_and_sends_nothing(vendor: MockVendor) -> None:
    bad = [
        hw.CallData(called="80021"),
        hw.CallData(called="80021", custom_field="a.b"),
        hw.CallData(called="12a", recycle_time="2024-02-30 10:00:00"),
    ]
    with client(vendor) as c:
        with pytest.raises(hw.ValidationError) as info:
            c.add_call_data(vdn_id=0, campaign_id=1001, call_data_list=bad)
        found = {(v.path, v.rule, v.code) for v in info.value.violations}
        assert ("/callDataList/1/called", "unique", "0200018") in found
        assert ("/callDataList/1/customField", "forbidden_chars", "02000002") in found
        assert ("/callDataList/2/called", "pattern", "02000002") in found
        assert ("/callDataList/2/recycleTime", "format", "0200030") in found
        assert any(v.path.endswith("vdnId") and v.rule == "minimum" for v in info.value.violations)

        with pytest.raises(hw.ValidationError) as info:
            c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=numbers(21))
        assert [(v.path, v.rule, v.code) for v in info.value.violations] == [
            ("/callDataList", "max_items", "0200029")
        ]
        with pytest.raises(hw.ValidationError) as info:
            c.delete_call_data(vdn_id=7, campaign_id=1001, called="1", recycle_type="1")
        assert [(v.rule, v.code) for v in info.value.violations] == [
            ("dependent_required", "02000009")
        ]
    assert isinstance(info.value, ValueError)
    assert vendor.requests == []


def test_validate_false_sends_what_it_is_given(vendor: MockVendor) -> None:
    vendor.reply(Reply(error_body("02000002", "invalid characters")))
    with client(vendor, validate_requests=False) as c, pytest.raises(hw.ApiError) as info:
        c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=[hw.CallData(called="12a")])
    assert info.value.code is hw.ErrorCode.INVALID_CHARACTERS
    (seen,) = vendor.requests
    assert seen.json() == {"callDataList": [{"called": "12a"}]}


# ---------------------------------------------------------------------------------------------
# Pacing: at least 1 s between add_call_data calls, measured at the server
# ---------------------------------------------------------------------------------------------


def test_pacing_sync(vendor: MockVendor) -> None:
    vendor.default = Reply(OK_ADD)
    with client(vendor) as c:
        c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=numbers(1))
        c.delete_call_data(vdn_id=7, campaign_id=1001, called="800000")  # not paced
        c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=numbers(2))
    add1, delete, add2 = vendor.requests
    assert add2.arrived - add1.arrived >= 1.0
    assert delete.arrived - add1.arrived < 0.9
    assert all(huawei_signature_ok(seen) for seen in vendor.requests)


def test_pacing_async(vendor: MockVendor) -> None:
    vendor.default = Reply(OK_ADD)

    async def go() -> None:
        async with aclient(vendor) as c:
            await c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=numbers(1))
            await c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=numbers(2))

    run(go())
    first, second = vendor.requests
    assert second.arrived - first.arrived >= 1.0


# ---------------------------------------------------------------------------------------------
# Batches: 45 numbers, chunks of 20, every item accounted for
# ---------------------------------------------------------------------------------------------

ITEMS = numbers(45)


def sent_called(vendor: MockVendor) -> list[list[str]]:
    return [[d["called"] for d in seen.json()["callDataList"]] for seen in vendor.requests]


def check_paced(vendor: MockVendor) -> None:
    arrivals = [seen.arrived for seen in vendor.requests]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(arrivals))
    assert all(huawei_signature_ok(seen) for seen in vendor.requests)


def check_data_error_report(
    vendor: MockVendor, report: hw.BatchReport[hw.CallData, hw.AddCallDataResponse]
) -> None:
    assert [len(chunk) for chunk in sent_called(vendor)] == [20, 20, 5]
    assert sent_called(vendor)[2] == [d.called for d in ITEMS[40:]]
    check_paced(vendor)
    assert [e.index for e in report.accepted] == [*range(20), *range(40, 45)]
    assert [e.item for e in report.accepted] == ITEMS[:20] + ITEMS[40:]
    assert [e.index for e in report.rejected] == list(range(20, 40))
    for entry in report.rejected:
        assert entry.code == "0200029" and entry.message == TOO_MANY
        assert entry.source == "server" and entry.chunk == 2 and not entry.resend
    assert report.not_sent == [] and report.unknown == []
    assert report.total == 45 and report.chunks == 3 and report.stopped_by is None
    assert report.remaining() == []
    assert [r.return_object.total_size for r in report.responses if r.return_object] == [20, 25]


TOO_MANY = "The maximum number of numbers that can be added each time is exceeded."


def data_error_replies(vendor: MockVendor) -> None:
    """A data code that blames the call as a whole (not its items one by one): its chunk is
    rejected and the batch goes on. (Item codes are tested in test_e2e_batches.py.)"""
    vendor.reply(
        Reply({**OK_ADD, "returnObject": {"totalSize": 20}}),
        Reply(error_body("0200029", TOO_MANY)),
        Reply({**OK_ADD, "returnObject": {"totalSize": 25}}),
    )


def test_batch_data_error_rejects_one_chunk_and_goes_on(vendor: MockVendor) -> None:
    data_error_replies(vendor)
    progress: list[BatchProgress] = []

    def lazily() -> Iterator[hw.CallData]:  # any iterable, read chunk by chunk
        yield from ITEMS

    with client(vendor) as c:
        report = c.add_call_data_in_batches(
            vdn_id=7, campaign_id=1001, call_data_list=lazily(), progress=progress.append
        )
    check_data_error_report(vendor, report)
    assert [(p.chunk, p.chunk_size, p.outcome) for p in progress] == [
        (1, 20, "accepted"),
        (2, 20, "rejected"),
        (3, 5, "accepted"),
    ]
    assert progress[-1].items_seen == 45 and not progress[-1].stopped


def test_batch_data_error_async(vendor: MockVendor) -> None:
    data_error_replies(vendor)

    async def items() -> AsyncIterator[hw.CallData]:
        for item in ITEMS:
            yield item

    async def go() -> hw.BatchReport[hw.CallData, hw.AddCallDataResponse]:
        async with aclient(vendor) as c:
            return await c.add_call_data_in_batches(
                vdn_id=7, campaign_id=1001, call_data_list=items()
            )

    check_data_error_report(vendor, run(go()))


def check_fatal_report(
    vendor: MockVendor, report: hw.BatchReport[hw.CallData, hw.AddCallDataResponse]
) -> None:
    assert [len(chunk) for chunk in sent_called(vendor)] == [20, 20]
    check_paced(vendor)
    assert [e.index for e in report.accepted] == list(range(20))
    assert [e.index for e in report.rejected] == list(range(20, 40))
    assert {(e.code, e.source, e.resend) for e in report.rejected} == {("0200007", "server", True)}
    assert isinstance(report.rejected[0].error, hw.ApiError)
    assert report.rejected[0].error.code is hw.ErrorCode.CAMPAIGN_NOT_FOUND
    assert [e.index for e in report.not_sent] == list(range(40, 45))
    assert all("0200007" in e.reason for e in report.not_sent)
    assert report.unknown == []
    assert isinstance(report.stopped_by, hw.ApiError)
    # To resume: the refused chunk (the campaign did not exist, the numbers are fine) and the rest.
    assert report.remaining() == ITEMS[20:]
    assert report.total == 45
    assert "20 accepted, 20 rejected" in report.summary()
    assert "5 not sent" in report.summary()


def fatal_replies(vendor: MockVendor) -> None:
    vendor.reply(
        Reply(OK_ADD), Reply(error_body("0200007", "The outbound campaign does not exist."))
    )


def test_batch_fatal_error_stops_and_accounts_for_the_rest(vendor: MockVendor) -> None:
    fatal_replies(vendor)
    progress: list[BatchProgress] = []
    with client(vendor) as c:
        report = c.add_call_data_in_batches(
            vdn_id=7, campaign_id=1001, call_data_list=tuple(ITEMS), progress=progress.append
        )
    check_fatal_report(vendor, report)
    assert [(p.outcome, p.stopped) for p in progress] == [("accepted", False), ("rejected", True)]
    assert progress[-1].not_sent == 5

    # Resuming sends exactly what remained, in order.
    vendor.reset()
    vendor.default = Reply(OK_ADD)
    with client(vendor) as c:
        again = c.add_call_data_in_batches(
            vdn_id=7, campaign_id=1001, call_data_list=report.remaining()
        )
    assert again.ok and len(again.accepted) == 25
    assert [n for chunk in sent_called(vendor) for n in chunk] == [d.called for d in ITEMS[20:]]


def test_batch_fatal_error_async(vendor: MockVendor) -> None:
    fatal_replies(vendor)

    async def go() -> hw.BatchReport[hw.CallData, hw.AddCallDataResponse]:
        async with aclient(vendor) as c:
            return await c.add_call_data_in_batches(
                vdn_id=7, campaign_id=1001, call_data_list=ITEMS
            )

    check_fatal_report(vendor, run(go()))


def test_batch_rejects_invalid_items_locally_and_keeps_chunks_full(vendor: MockVendor) -> None:
    vendor.default = Reply(OK_ADD)
    items = numbers(20)
    items.insert(3, hw.CallData(called="12a"))
    with client(vendor) as c:
        report = c.add_call_data_in_batches(vdn_id=7, campaign_id=1001, call_data_list=items)
    assert [len(chunk) for chunk in sent_called(vendor)] == [20]
    (rejected,) = report.rejected
    assert (rejected.index, rejected.source, rejected.code) == (3, "client", "02000002")
    assert len(report.accepted) == 20 and report.total == 21


# ---------------------------------------------------------------------------------------------
# Retries: throttling code 0200022 only, bounded
# ---------------------------------------------------------------------------------------------


def test_throttling_code_is_retried_then_succeeds(vendor: MockVendor) -> None:
    vendor.reply(
        Reply(error_body("0200022", "The interface invoking time is short.")), Reply(OK_ADD)
    )
    with client(vendor, backoff=0.05) as c:
        result = c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=numbers(2))
    assert result.result_code == "0200000"
    first, second = vendor.requests
    assert first.body == second.body
    assert second.arrived - first.arrived >= 1.0  # the retry is paced too
    # Each attempt is signed anew (fresh timestamp).
    assert first.headers["authorization"] != second.headers["authorization"]
    assert huawei_signature_ok(first) and huawei_signature_ok(second)


def test_throttling_retries_are_bounded(vendor: MockVendor) -> None:
    vendor.default = Reply(error_body("0200022", "The interface invoking time is short."))
    with client(vendor, backoff=0.01, max_retries=1) as c, pytest.raises(hw.ApiError) as info:
        c.delete_call_data(vdn_id=7, campaign_id=1001, called="1")
    assert info.value.code is hw.ErrorCode.CALLED_TOO_SOON and info.value.retryable
    assert len(vendor.requests) == 2


def test_other_vendor_codes_are_not_retried(vendor: MockVendor) -> None:
    vendor.default = Reply(error_body("0200006", "Database operation error."))
    with client(vendor, backoff=0.01) as c, pytest.raises(hw.ApiError) as info:
        c.delete_call_data(vdn_id=7, campaign_id=1001, called="1")
    assert info.value.code is hw.ErrorCode.DATABASE_ERROR and not info.value.retryable
    assert len(vendor.requests) == 1


# ---------------------------------------------------------------------------------------------
# TLS: https://ip:port with the vendor's own certificate
# ---------------------------------------------------------------------------------------------


def test_tls_with_vendor_ca_bundle(tls_vendor: MockVendor, tls_files: TlsFiles) -> None:
    tls_vendor.default = Reply(OK_ADD)
    with hw.Client(
        tls_vendor.base_url,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        verify=str(tls_files.ca_cert),
    ) as c:
        result = c.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=doc_numbers())
    assert result.return_object is not None and result.return_object.total_size == 46
    (seen,) = tls_vendor.requests
    assert seen.scheme == "https" and seen.url.scheme == "https"
    assert huawei_signature_ok(seen)

    async def go() -> hw.DeleteCallDataResponse:
        async with hw.AsyncClient(
            tls_vendor.base_url,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            verify=str(tls_files.ca_cert),
        ) as c:
            return await c.delete_call_data(vdn_id=7, campaign_id=1001, called="1")

    tls_vendor.default = Reply(OK_DELETE)
    assert run(go()).success_count == 1
    assert len(tls_vendor.requests) == 2


def test_tls_default_verification_refuses_unknown_ca(
    tls_vendor: MockVendor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="outbound")
    with (
        hw.Client(tls_vendor.base_url, access_key=ACCESS_KEY, secret_key=SECRET_KEY) as c,
        pytest.raises(hw.TransportError) as info,
    ):
        c.delete_call_data(vdn_id=7, campaign_id=1001, called="1")
    assert not info.value.may_have_reached_server
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    # A refused certificate fails the same way every time: no retry.
    assert not any("retry" in r.getMessage() for r in caplog.records)

    async def go() -> None:
        async with hw.AsyncClient(
            tls_vendor.base_url, access_key=ACCESS_KEY, secret_key=SECRET_KEY
        ) as c:
            await c.delete_call_data(vdn_id=7, campaign_id=1001, called="1")

    with pytest.raises(hw.TransportError, match="CERTIFICATE_VERIFY_FAILED"):
        run(go())
    assert tls_vendor.requests == []


def test_signature_covers_the_exact_body_bytes(vendor: MockVendor) -> None:
    vendor.reply(Reply(OK_ADD))
    with client(vendor) as c:
        c.add_call_data(
            vdn_id=7,
            campaign_id=1001,
            call_data_list=[hw.CallData(called="80021", call_data='{"fullName":"林子航"}')],
        )
    (seen,) = vendor.requests
    assert "林子航".encode() in seen.body  # UTF-8 as is, not \\u escapes
    assert huawei_signature_ok(seen)
    tampered = dataclasses.replace(seen, body=seen.body.replace(b"80021", b"80022"))
    assert not huawei_signature_ok(tampered)


def test_literal_query_and_signed_canonical_query_agree(vendor: MockVendor) -> None:
    """Routes travel as documented (`r=groupcall/task-list`, `/` unencoded); the auth-v2
    canonical query re-encodes names and values, so a server that recomputes the signature
    from what it received gets the same string whichever form travelled."""
    from outbound._runtime.http import HuaweiAuthV2Auth, Operation, SyncCore
    from outbound._runtime.signing import HuaweiAuthV2Signer, huawei_auth_v2_canonical_request

    vendor.reply(Reply(OK_DELETE))
    operation = Operation(id="routed", method="POST", path="/api.php", query={"r": "a/b c&d"})
    with SyncCore(
        vendor.base_url,
        auth=HuaweiAuthV2Auth(HuaweiAuthV2Signer(ACCESS_KEY, SECRET_KEY)),
        envelope=hw.client.ENVELOPE,
        headers=hw.client.HEADERS,
    ) as core:
        core.call(operation, {}, {"called": "1"})
    (seen,) = vendor.requests
    assert seen.query == "r=a/b%20c%26d"
    assert huawei_signature_ok(seen)
    literal = huawei_auth_v2_canonical_request("POST", seen.url, seen.headers, seen.body)
    encoded_url = httpx.URL(str(seen.url).replace("a/b", "a%2Fb"))
    assert literal == huawei_auth_v2_canonical_request("POST", encoded_url, seen.headers, seen.body)
    assert "\nr=a%2Fb%20c%26d\n" in literal


def test_batch_timeout_leaves_the_chunk_unknown_and_is_not_resent(vendor: MockVendor) -> None:
    vendor.reply(Reply(OK_ADD), Reply(OK_ADD, delay=0.8))
    with client(vendor, timeout=0.3, backoff=0.01) as c:
        report = c.add_call_data_in_batches(vdn_id=7, campaign_id=1001, call_data_list=ITEMS)
    assert [len(chunk) for chunk in sent_called(vendor)] == [20, 20]
    assert [e.index for e in report.accepted] == list(range(20))
    assert [e.index for e in report.unknown] == list(range(20, 40))
    assert all("may have reached the server" in e.reason for e in report.unknown)
    assert [e.index for e in report.not_sent] == list(range(40, 45))
    assert isinstance(report.stopped_by, hw.TransportError)
    # Chunk 2 may have been added: it is not offered for resending, only the unsent rest is.
    assert report.remaining() == ITEMS[40:]
    assert len(vendor.wait_quiet(2)) == 2
