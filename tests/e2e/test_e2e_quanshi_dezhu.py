"""Quanshi (body token) and 003 speech (SHA256withRSA headers) clients against a real server."""

from __future__ import annotations

import base64
import time

import pytest
from e2e_server import MockVendor, Reply, RsaKeys, Seen
from e2e_support import (
    APP_ID,
    TOKEN,
    doc_task,
    example,
    rsa_signature_ok,
    run,
    with_token_first,
)
from outbound import dezhu_speech as dz
from outbound import quanshi_event as qs

# ---------------------------------------------------------------------------------------------
# Quanshi: create_event_call
# ---------------------------------------------------------------------------------------------

QS = "quanshi_event"


def doc_people() -> list[qs.CallListEntry]:
    (entry,) = example(QS, "create_event_call", "doc_request")["callList"]
    return [
        qs.CallListEntry(
            company=entry["company"],
            country_code=entry["countryCode"],
            mobile=entry["mobile"],
            name=entry["name"],
            area_code=entry["areaCode"],
            phone=entry["phone"],
        )
    ]


def check_quanshi_wire(seen: Seen) -> None:
    assert seen.method == "POST"
    assert seen.path == "/eventopenapi/event/call/create" and seen.query == ""
    assert seen.headers["accept"] == "application/json"
    assert seen.headers["content-type"] == "application/json"
    assert seen.keys() == ["token", "eventId", "callList"]  # token first, as documented
    assert seen.json() == with_token_first(example(QS, "create_event_call", "doc_request"))


def test_quanshi_create_sync(vendor: MockVendor) -> None:
    vendor.reply(Reply(example(QS, "create_event_call", "doc_response_added")))
    with qs.Client(vendor.base_url, token=TOKEN) as c:
        result = c.create_event_call(event_id=542818, call_list=doc_people())
    (seen,) = vendor.requests
    check_quanshi_wire(seen)
    assert isinstance(result, qs.CreateEventCallResponse)
    assert result.code == 200 and result.request_id == "10.255.0.106_20220309_170437_1646816677951"
    assert result.data is not None and result.data.success_count == 1
    assert result.data.success_data is not None
    assert result.data.success_data[0].id == "62286da5388f66000643106c"
    assert result.data.success_data[0].country_code == "86"


def test_quanshi_create_async_partial_failure_is_returned(vendor: MockVendor) -> None:
    vendor.reply(Reply(example(QS, "create_event_call", "doc_response_with_failures")))

    async def go() -> qs.CreateEventCallResponse:
        async with qs.AsyncClient(vendor.base_url, token=TOKEN) as c:
            return await c.create_event_call(event_id=542818, call_list=doc_people())

    result = run(go())
    (seen,) = vendor.requests
    check_quanshi_wire(seen)
    assert result.data is not None
    assert (result.data.success_count, result.data.fail_count) == (0, 1)
    assert result.data.success_data == []
    assert result.data.fail_data is not None and result.data.fail_data[0].mobile == "18100000030"


def test_quanshi_before_minutes_and_landline(vendor: MockVendor) -> None:
    vendor.reply(Reply(example(QS, "create_event_call", "doc_response_added")))
    landline = qs.CallListEntry(name="u2", country_code="86", area_code="10", phone="58512042")
    with qs.Client(vendor.base_url, token=TOKEN) as c:
        c.create_event_call(event_id=1, before_minutes=0, call_list=[landline])
    (seen,) = vendor.requests
    assert (
        seen.body
        == (
            f'{{"token":"{TOKEN}","eventId":1,"beforeMinutes":0,"callList":[{{"name":"u2",'
            '"countryCode":"86","areaCode":"10","phone":"58512042"}]}'
        ).encode()
    )


def test_quanshi_validation_sends_nothing(vendor: MockVendor) -> None:
    both = qs.CallListEntry(mobile="18100000030", phone="58512042")
    neither = qs.CallListEntry(name="nobody", mobile="", phone="")
    plus = qs.CallListEntry(mobile="18100000030", country_code="+86", area_code="010")
    with qs.Client(vendor.base_url, token=TOKEN) as c, pytest.raises(qs.ValidationError) as info:
        c.create_event_call(event_id=1, before_minutes=61, call_list=[both, neither, plus])
    found = {(v.path, v.rule) for v in info.value.violations}
    assert found == {
        ("/beforeMinutes", "maximum"),
        ("/callList/0", "exactly_one_of"),
        ("/callList/1", "exactly_one_of"),
        ("/callList/2/countryCode", "pattern"),
        ("/callList/2/areaCode", "pattern"),
    }
    assert vendor.requests == []


def test_quanshi_validate_false_is_switchable(vendor: MockVendor) -> None:
    vendor.reply(Reply({"code": 400, "msg": "bad countryCode", "requestId": "r-9"}))
    bad = qs.CallListEntry(mobile="18100000030", country_code="+86")
    with (
        qs.Client(vendor.base_url, token=TOKEN, validate_requests=False) as c,
        pytest.raises(qs.ApiError) as info,
    ):
        c.create_event_call(event_id=1, call_list=[bad])
    assert info.value.code == "400" and info.value.request_id == "r-9"
    (seen,) = vendor.requests
    assert seen.json()["callList"] == [{"countryCode": "+86", "mobile": "18100000030"}]


# ---------------------------------------------------------------------------------------------
# 003 speech: create_outbound_task, SHA256withRSA
# ---------------------------------------------------------------------------------------------

DZ = "dezhu_speech"


def check_dezhu_wire(seen: Seen, keys: RsaKeys) -> None:
    assert seen.method == "POST"
    assert seen.path == "/speech/openapi/v1/task/outbound/create" and seen.query == ""
    assert seen.headers["content-type"] == "application/json"
    assert seen.headers["appid"] == APP_ID
    timestamp = seen.headers["timestamp"]
    assert timestamp.isdigit() and abs(int(timestamp) - time.time() * 1000) < 60_000
    assert len(base64.b64decode(seen.headers["sign"], validate=True)) == 256  # RSA-2048
    assert rsa_signature_ok(seen, keys.public_pem)
    expected = {**example(DZ, "create_outbound_task", "doc_request"), "strategyDisplaySwitch": True}
    assert seen.json() == expected
    assert "token" not in seen.json()


def test_dezhu_create_sync(vendor: MockVendor, rsa_keys: RsaKeys) -> None:
    vendor.reply(Reply(example(DZ, "create_outbound_task", "doc_response")))
    with dz.Client(vendor.base_url, app_id=APP_ID, private_key_pem=rsa_keys.private_pem) as c:
        result = c.create_outbound_task(**doc_task())
    assert isinstance(result, dz.CreateOutboundTaskResponse)
    assert (result.code, result.message, result.data) == ("10000", "请求成功", 123)
    (seen,) = vendor.requests
    check_dezhu_wire(seen, rsa_keys)


def test_dezhu_create_async(vendor: MockVendor, rsa_keys: RsaKeys) -> None:
    vendor.reply(Reply(example(DZ, "create_outbound_task", "doc_response")))

    async def go() -> dz.CreateOutboundTaskResponse:
        async with dz.AsyncClient(
            vendor.base_url, app_id=APP_ID, private_key_pem=rsa_keys.private_pem.encode()
        ) as c:
            return await c.create_outbound_task(**doc_task())

    assert run(go()).data == 123
    (seen,) = vendor.requests
    check_dezhu_wire(seen, rsa_keys)


def test_dezhu_signature_fails_with_another_key(vendor: MockVendor, rsa_keys: RsaKeys) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_public = (
        other.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    vendor.reply(Reply({"code": "10001", "message": "鉴权失败"}))
    with (
        dz.Client(vendor.base_url, app_id=APP_ID, private_key_pem=rsa_keys.private_pem) as c,
        pytest.raises(dz.ApiError) as info,
    ):
        c.create_outbound_task(**doc_task())
    assert info.value.code is dz.ErrorCode.AUTHENTICATION_FAILED
    (seen,) = vendor.requests
    assert rsa_signature_ok(seen, rsa_keys.public_pem)
    assert not rsa_signature_ok(seen, other_public)


def test_dezhu_validation_sends_nothing(vendor: MockVendor, rsa_keys: RsaKeys) -> None:
    kwargs = doc_task()
    kwargs["multiply_power"] = None  # required when sendNumberStrategy is 0
    kwargs["abandonment_rate"] = 9  # 1..5
    kwargs["out_bound_customers"][0].phone_group_vo_list[0].phone_group_identify = "other"
    kwargs["task_exec_start_date"] = "2020-9-27"
    with (
        dz.Client(vendor.base_url, app_id=APP_ID, private_key_pem=rsa_keys.private_pem) as c,
        pytest.raises(dz.ValidationError) as info,
    ):
        c.create_outbound_task(**kwargs)
    found = {(v.path, v.rule, v.code) for v in info.value.violations}
    assert found == {
        ("/multiplyPower", "required_if", "29002"),
        ("/abandonmentRate", "maximum", "29002"),
        ("/outBoundCustomers/0/phoneGroupVoList/0/phoneGroupIdentify", "must_match", "29002"),
        ("/taskExecStartDate", "format", "29002"),
    }
    assert vendor.requests == []


def test_dezhu_bad_private_key_is_refused_without_echoing_it() -> None:
    secret_garbage = (
        "-----BEGIN PRIVATE KEY-----\nTOTALLY-SECRET-NOT-A-KEY\n-----END PRIVATE KEY-----\n"
    )
    with pytest.raises(ValueError) as info:
        dz.Client("http://127.0.0.1:9", app_id=APP_ID, private_key_pem=secret_garbage)
    assert "TOTALLY-SECRET" not in str(info.value)
