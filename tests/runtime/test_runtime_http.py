"""The transport core: encoding, auth placement, pacing, retries, envelope parsing, hygiene."""

from __future__ import annotations

import asyncio
import enum
import itertools
import json
import logging
import pickle
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from outbound_runtime_under_test import (
    ApiError,
    AsyncCore,
    Auth,
    BodyTokenAuth,
    Envelope,
    HuaweiAuthV2Auth,
    HuaweiAuthV2Signer,
    NoAuth,
    Operation,
    PacerUnavailable,
    ResponseError,
    RsaHeadersAuth,
    RsaSha256Signer,
    SyncCore,
    TransportError,
    ValidationError,
    Violation,
    verify_huawei_auth_v2,
    verify_rsa_sha256,
)

BASE = "https://10.0.0.8:28090"
HUAWEI = Envelope(
    code="/resultCode",
    message="/resultDesc",
    success=frozenset({"0200000"}),
    retryable=frozenset({"0200022"}),
)
ADD = Operation(
    id="add_call_data",
    method="POST",
    path="/rest/isales/v1/openapi/campaigns/{vdnId}/calldata/{campaignId}",
    creates=True,
    min_interval=1.0,
)
READ = Operation(id="read", method="POST", path="/read/{id}")
OK = {"resultCode": "0200000", "resultDesc": "", "returnObject": {"totalSize": 46}}
JSON_HEADERS = {"Content-Type": "application/json; charset=UTF-8"}


class ErrorCode(enum.Enum):
    SUCCESS = "0200000"
    CAMPAIGN_NOT_FOUND = "0200007"
    CALLED_TOO_SOON = "0200022"


class HuaweiError(ApiError):
    codes = ErrorCode
    retryable_codes = frozenset({"0200022"})
    data_codes = frozenset({"0200018"})


class FakeClock:
    """Monotonic clock whose sleep advances time instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


Handler = Callable[[httpx.Request], httpx.Response]


def core(
    handler: Handler,
    *,
    auth: Auth | None = None,
    envelope: Envelope = HUAWEI,
    clock: FakeClock | None = None,
    **kwargs: Any,
) -> SyncCore:
    clock = clock or FakeClock()
    return SyncCore(
        BASE,
        auth=auth or NoAuth(),
        envelope=envelope,
        api_error=HuaweiError,
        headers=JSON_HEADERS,
        transport=httpx.MockTransport(handler),
        clock=clock,
        sleep=clock.sleep,
        jitter=lambda: 0.5,
        **kwargs,
    )


def answer(body: object, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


# ---------------------------------------------------------------------------------------------
# Encoding and auth placement
# ---------------------------------------------------------------------------------------------


def test_json_encoding_path_params_and_query() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(OK)

    op = Operation(id="x", method="post", path="/a/{id}/b", query={"r": "groupcall/task-list"})
    with core(handler) as c:
        body, response = c.call(op, {"id": "a/b c"}, {"name": "张三", "n": [1, 2]})
    assert body == OK and response.status_code == 200
    request = seen[0]
    assert request.method == "POST"
    assert request.url.raw_path == b"/a/a%2Fb%20c/b?r=groupcall/task-list"
    assert request.content == '{"name":"张三","n":[1,2]}'.encode()
    assert request.headers["Content-Type"] == "application/json; charset=UTF-8"
    with pytest.raises(ValueError, match="missing path parameters"):
        c.url_for(op, {})
    with pytest.raises(ValueError, match="unknown path parameters"):
        c.url_for(op, {"id": 1, "idd": 2})


def test_body_token_auth_placement() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return answer({"code": 200})

    envelope = Envelope(code="/code", success=frozenset({"200"}))
    original: dict[str, Any] = {"data": {"page": "1"}}
    with core(handler, auth=BodyTokenAuth("tok-SECRET-1"), envelope=envelope) as c:
        c.call(READ, {"id": 1}, original)
    assert seen[0] == {"data": {"page": "1"}, "token": "tok-SECRET-1"}
    assert original == {"data": {"page": "1"}}  # the caller's dict is not changed

    nested = BodyTokenAuth("tok-SECRET-1", pointer="/data/token")
    assert nested.prepare_body(original) == {"data": {"page": "1", "token": "tok-SECRET-1"}}
    assert original == {"data": {"page": "1"}}
    assert nested.prepare_body({}) == {"data": {"token": "tok-SECRET-1"}}
    assert "tok-SECRET-1" not in repr(nested)


def test_huawei_auth_signs_final_bytes() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(OK)

    signer = HuaweiAuthV2Signer("AK1", "SK-SECRET-xyz")
    with core(handler, auth=HuaweiAuthV2Auth(signer)) as c:
        c.call(ADD, {"vdnId": 1, "campaignId": 42}, {"callDataList": [{"called": "80021"}]})
    request = seen[0]
    assert request.headers["Host"] == "10.0.0.8:28090"
    assert request.headers["Content-Length"] == str(len(request.content))
    assert request.headers["Authorization"].startswith("auth-v2/AK1/")
    assert verify_huawei_auth_v2(
        request.headers["Authorization"],
        request.method,
        request.url,
        dict(request.headers),
        request.content,
        {"AK1": "SK-SECRET-xyz"}.get,
    )


def test_rsa_headers_auth() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer({"code": "10000", "message": "请求成功", "data": 123})

    envelope = Envelope(
        code="/code", message="/message", data="/data", success=frozenset({"10000"})
    )
    auth = RsaHeadersAuth(RsaSha256Signer("app-1", pem))
    with core(handler, auth=auth, envelope=envelope) as c:
        body, _ = c.call(READ, {"id": 1}, {"taskName": "t"})
    assert envelope.data_of(body) == 123
    headers = seen[0].headers
    assert headers["appId"] == "app-1" and headers["timestamp"].isdigit()
    assert verify_rsa_sha256(public, dict(headers), seen[0].content)
    assert pem.decode().splitlines()[1] not in repr(auth)


class _FixedTimeAuth(Auth):
    """Deterministic headers, one of which replaces a service header of the same name."""

    def headers(
        self, method: str, url: httpx.URL, headers: Mapping[str, str], content: bytes
    ) -> dict[str, str]:
        return {
            "X-Sign": f"{method} {headers['Host']} {headers['Content-Length']}",
            "content-type": "application/json",
        }


def _wire(request: httpx.Request) -> tuple[str, str, list[tuple[str, str]], bytes, object]:
    headers = sorted((k.lower(), v) for k, v in request.headers.multi_items())
    return request.method, str(request.url), headers, request.content, request.extensions


@pytest.mark.parametrize("auth_kind", ["none", "token", "huawei", "replacing"])
@pytest.mark.parametrize("with_cookie", [False, True])
def test_direct_request_equals_build_request(auth_kind: str, with_cookie: bool) -> None:
    """The core builds requests itself (speed); they must be what httpx's build_request makes."""
    signer = HuaweiAuthV2Signer("AK1", "SK-SECRET-xyz")
    auth: Auth = {
        "none": NoAuth(),
        "token": BodyTokenAuth("tok"),
        "huawei": HuaweiAuthV2Auth(signer),
        "replacing": _FixedTimeAuth(),
    }[auth_kind]
    c = core(lambda request: answer(OK), auth=auth, timeout=httpx.Timeout(3.0, connect=1.5))
    if with_cookie:
        c._client.cookies.set("JSESSIONID", "abc", domain="10.0.0.8")
    url = c.url_for(ADD, {"vdnId": 1, "campaignId": 42})
    content = c.encode({"callDataList": [{"called": "80021"}]})
    ours, _ = c._request(c._client, ADD, url, content)
    # a header the auth returns replaces a service header of the same name, in any case
    expected_headers = httpx.Headers(JSON_HEADERS)
    if auth_kind != "huawei":  # the Huawei signature carries a time stamp: compared apart
        signed = {"Host": url.netloc.decode(), "Content-Length": str(len(content)), **JSON_HEADERS}
        expected_headers.update(auth.headers("POST", url, signed, content))
    else:
        expected_headers["Authorization"] = ours.headers["Authorization"]
    theirs = c._client.build_request("POST", url, headers=expected_headers, content=content)
    assert _wire(ours) == _wire(theirs)
    assert ("cookie" in ours.headers) is with_cookie
    if auth_kind == "huawei":
        assert verify_huawei_auth_v2(
            ours.headers["Authorization"],
            "POST",
            url,
            dict(ours.headers),
            content,
            {"AK1": "SK-SECRET-xyz"}.get,
        )
    c.close()


def test_server_cookie_is_sent_back() -> None:
    """As with httpx's own request building, a cookie the server sets travels on later calls."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=OK, headers={"Set-Cookie": "JSESSIONID=s1; Path=/"})

    with core(handler) as c:
        c.call(READ, {"id": 1}, {})
        c.call(READ, {"id": 1}, {})
    assert "cookie" not in seen[0].headers
    assert seen[1].headers["cookie"] == "JSESSIONID=s1"


def test_async_core_builds_the_same_request() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(OK)

    async def main() -> None:
        async with AsyncCore(
            BASE,
            auth=HuaweiAuthV2Auth(HuaweiAuthV2Signer("AK1", "SK-SECRET-xyz")),
            envelope=HUAWEI,
            headers=JSON_HEADERS,
            transport=httpx.MockTransport(handler),
        ) as c:
            await c.call(ADD, {"vdnId": 1, "campaignId": 42}, {"callDataList": [{"called": "1"}]})

    asyncio.run(main())
    request = seen[0]
    names = [k.lower() for k in request.headers]
    assert sorted(names) == sorted(
        [
            "host",
            "content-length",
            "accept",
            "accept-encoding",
            "connection",
            "user-agent",
            "content-type",
            "authorization",
        ]
    )
    assert request.extensions["timeout"] == httpx.Timeout(10.0).as_dict()
    assert verify_huawei_auth_v2(
        request.headers["Authorization"],
        "POST",
        request.url,
        dict(request.headers),
        request.content,
        {"AK1": "SK-SECRET-xyz"}.get,
    )


# ---------------------------------------------------------------------------------------------
# Pacing
# ---------------------------------------------------------------------------------------------


def test_pacing_with_injected_clock() -> None:
    clock = FakeClock()
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock())
        return answer(OK)

    with core(handler, clock=clock) as c:
        params = {"vdnId": 1, "campaignId": 2}
        c.call(ADD, params, {"callDataList": []})
        c.call(ADD, params, {"callDataList": []})
        clock.now += 5.0  # long enough: no wait
        c.call(ADD, params, {"callDataList": []})
        c.call(READ, {"id": 1}, {})  # an unpaced operation never waits
    assert sent_at[1] - sent_at[0] >= 1.0
    assert clock.sleeps == [1.0]
    assert sent_at[2] - sent_at[1] == 5.0


def test_pacing_real_time() -> None:
    op = Operation(id="paced", method="POST", path="/p", min_interval=0.2)
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(time.monotonic())
        return answer(OK)

    with SyncCore(
        BASE, auth=NoAuth(), envelope=HUAWEI, transport=httpx.MockTransport(handler)
    ) as c:
        threads = [threading.Thread(target=c.call, args=(op, {}, {})) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    sent_at.sort()
    assert len(sent_at) == 3
    assert all(b - a >= 0.2 - 0.005 for a, b in itertools.pairwise(sent_at))


def test_async_pacing_with_injected_clock_and_real_time() -> None:
    clock = FakeClock()
    sent_at: list[float] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock())
        return answer(OK)

    async def main() -> None:
        async with AsyncCore(
            BASE,
            auth=NoAuth(),
            envelope=HUAWEI,
            transport=httpx.MockTransport(handler),
            clock=clock,
            sleep=clock.async_sleep,
        ) as c:
            params = {"vdnId": 1, "campaignId": 2}
            await asyncio.gather(*(c.call(ADD, params, {}) for _ in range(3)))

    asyncio.run(main())
    assert sent_at == [1000.0, 1001.0, 1002.0]

    real: list[float] = []

    async def real_handler(request: httpx.Request) -> httpx.Response:
        real.append(time.monotonic())
        return answer(OK)

    async def real_main() -> None:
        op = Operation(id="paced", method="POST", path="/p", min_interval=0.2)
        transport = httpx.MockTransport(real_handler)
        async with AsyncCore(BASE, auth=NoAuth(), envelope=HUAWEI, transport=transport) as c:
            await asyncio.gather(c.call(op, {}, {}), c.call(op, {}, {}))

    asyncio.run(real_main())
    assert real[1] - real[0] >= 0.2 - 0.005


# ---------------------------------------------------------------------------------------------
# Retries
# ---------------------------------------------------------------------------------------------


class CountingAuth(Auth):
    def __init__(self) -> None:
        self.signatures = 0

    def headers(
        self, method: str, url: httpx.URL, headers: Mapping[str, str], content: bytes
    ) -> dict[str, str]:
        self.signatures += 1
        return {"X-Sig": str(self.signatures)}


def test_retry_on_connect_error_resigns_each_attempt() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["X-Sig"])
        if len(calls) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return answer(OK)

    clock = FakeClock()
    auth = CountingAuth()
    with core(handler, auth=auth, clock=clock, backoff=0.5) as c:
        body, _ = c.call(ADD, {"vdnId": 1, "campaignId": 2}, {"callDataList": []})
    assert body == OK
    assert calls == ["1", "2"]  # a create may be resent: the first never connected
    assert clock.sleeps[0] == pytest.approx(0.375)  # backoff 0.5, equal jitter at 0.5


def test_connect_error_exhausts_retries() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectTimeout("timed out", request=request)

    with core(handler, max_retries=2) as c, pytest.raises(TransportError) as info:
        c.call(READ, {"id": 1}, {})
    assert calls == 3
    assert info.value.may_have_reached_server is False
    assert isinstance(info.value.__cause__, httpx.ConnectTimeout)
    assert "did not reach the server" in str(info.value)


def test_no_retry_for_create_on_read_timeout() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("read timed out", request=request)

    clock = FakeClock()
    with core(handler, clock=clock) as c, pytest.raises(TransportError) as info:
        c.call(ADD, {"vdnId": 1, "campaignId": 2}, {"callDataList": []})
    assert calls == 1
    assert info.value.may_have_reached_server is True
    assert "creates data" in str(info.value)
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "exc", [httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError]
)
def test_no_retry_once_request_may_have_reached_server(exc: type[httpx.TransportError]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise exc("boom", request=request)

    with core(handler) as c, pytest.raises(TransportError):
        c.call(READ, {"id": 1}, {})
    assert calls == 1


def test_retry_on_retryable_envelope_code() -> None:
    codes = iter(["0200022", "0200022", "0200000"])
    sent_at: list[float] = []
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock())
        return answer({"resultCode": next(codes), "resultDesc": ""})

    with core(handler, clock=clock) as c:
        body, _ = c.call(ADD, {"vdnId": 1, "campaignId": 2}, {"callDataList": []})
    assert body["resultCode"] == "0200000"
    assert len(sent_at) == 3
    # paced: never two sends of ADD less than 1 s apart, retries included
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(sent_at))


def test_retryable_code_gives_up_after_max_retries() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return answer({"resultCode": "0200022", "resultDesc": "too soon"})

    with core(handler, max_retries=1) as c, pytest.raises(HuaweiError) as info:
        c.call(READ, {"id": 1}, {})
    assert calls == 2
    assert info.value.retryable is True
    assert info.value.code is ErrorCode.CALLED_TOO_SOON


def test_async_retry_on_connect_error() -> None:
    calls = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ConnectError("refused", request=request)
        return answer(OK)

    clock = FakeClock()

    async def main() -> dict[str, Any]:
        async with AsyncCore(
            BASE,
            auth=NoAuth(),
            envelope=HUAWEI,
            transport=httpx.MockTransport(handler),
            clock=clock,
            sleep=clock.async_sleep,
        ) as c:
            body, _ = await c.call(ADD, {"vdnId": 1, "campaignId": 2}, {})
            return body

    assert asyncio.run(main()) == OK
    assert calls == 2


# ---------------------------------------------------------------------------------------------
# Envelope
# ---------------------------------------------------------------------------------------------


def call_with(response: httpx.Response, envelope: Envelope = HUAWEI) -> dict[str, Any]:
    with core(lambda request: response, envelope=envelope) as c:
        body, _ = c.call(READ, {"id": 1}, {})
        return body


def test_documented_error_code_maps_to_enum() -> None:
    with pytest.raises(HuaweiError) as info:
        call_with(answer({"resultCode": "0200007", "resultDesc": "no campaign"}))
    error = info.value
    assert error.code is ErrorCode.CAMPAIGN_NOT_FOUND
    assert error.raw_code == "0200007" and error.message == "no campaign"
    assert error.http_status == 200 and error.retryable is False
    assert error.body == {"resultCode": "0200007", "resultDesc": "no campaign"}
    assert str(error) == "0200007 CAMPAIGN_NOT_FOUND: no campaign (HTTP 200)"


def test_undocumented_error_code_stays_a_string() -> None:
    with pytest.raises(HuaweiError) as info:
        call_with(answer({"resultCode": "0299999", "resultDesc": "new"}))
    assert info.value.code == "0299999"
    assert info.value.documented is False
    assert info.value.raw == b'{"resultCode":"0299999","resultDesc":"new"}'


def test_numeric_code_and_request_id() -> None:
    envelope = Envelope(
        code="/code", message="/msg", request_id="/requestId", success=frozenset({"200"})
    )
    assert call_with(answer({"code": 200, "requestId": "r1"}), envelope)["requestId"] == "r1"
    with pytest.raises(ApiError) as info:
        call_with(answer({"code": 40001, "msg": "bad", "requestId": "r2"}), envelope)
    assert info.value.raw_code == "40001" and info.value.request_id == "r2"
    assert "request id r2" in str(info.value)


def test_http_error_with_envelope_uses_vendor_code() -> None:
    with pytest.raises(HuaweiError) as info:
        call_with(answer({"resultCode": "0200007", "resultDesc": "x"}, status=500))
    assert info.value.code is ErrorCode.CAMPAIGN_NOT_FOUND
    assert info.value.http_status == 500


def test_http_error_without_envelope_keeps_text() -> None:
    with pytest.raises(HuaweiError) as info:
        call_with(httpx.Response(401, text="<html>Unauthorized</html>"))
    assert info.value.raw_code == "HTTP 401"
    assert info.value.http_status == 401
    assert info.value.body == "<html>Unauthorized</html>"
    assert info.value.raw == b"<html>Unauthorized</html>"


def test_non_json_success_response() -> None:
    with pytest.raises(ResponseError) as info:
        call_with(httpx.Response(200, text="OK but not JSON"))
    assert info.value.raw == b"OK but not JSON"
    assert info.value.body == "OK but not JSON"
    assert info.value.http_status == 200
    assert "not JSON" in str(info.value)
    with pytest.raises(ResponseError, match="JSON list"):
        call_with(httpx.Response(200, json=[1]))


def test_missing_code_and_contradictory_status() -> None:
    with pytest.raises(ResponseError) as info:
        call_with(answer({"resultDesc": "?"}))
    assert info.value.violations == [
        Violation("/resultCode", "required", None, "result code missing")
    ]
    with pytest.raises(ResponseError, match="outcome is unknown"):
        call_with(answer(OK, status=502))


# ---------------------------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------------------------


def test_secrets_absent_from_repr_errors_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    token = "tok-VERY-SECRET"
    secret_key = "SK-VERY-SECRET"

    def handler(request: httpx.Request) -> httpx.Response:
        if b"fail" in request.content:
            raise httpx.ReadTimeout("read timed out", request=request)
        return answer({"code": "1", "msg": "denied"})

    envelope = Envelope(code="/code", message="/msg", success=frozenset({"0"}))
    body_auth = BodyTokenAuth(token)
    signer = HuaweiAuthV2Signer("AK-visible", secret_key)
    caplog.set_level(logging.DEBUG, logger="outbound")
    with core(handler, auth=body_auth, envelope=envelope) as c:
        texts = [repr(c), repr(body_auth), repr(signer), repr(HuaweiAuthV2Auth(signer))]
        with pytest.raises(ApiError) as api:
            c.call(READ, {"id": 1}, {"phone": "13800000001"})
        with pytest.raises(TransportError) as transport:
            c.call(READ, {"id": 1}, {"phone": "13800000001", "x": "fail"})
    texts += [str(api.value), repr(api.value), str(transport.value), repr(transport.value)]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records  # something was logged
    for text in texts:
        assert token not in text
        assert secret_key not in text
        assert "13800000001" not in text  # no request body either


def test_exceptions_pickle_round_trip() -> None:
    error = HuaweiError("0200007", "gone", "r1", 200, {"resultCode": "0200007"}, b"{}")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is HuaweiError and copy.code is ErrorCode.CAMPAIGN_NOT_FOUND
    assert str(copy) == str(error) and copy.body == error.body
    validation = ValidationError([Violation("/a", "required", "02000001", "is required")])
    assert str(pickle.loads(pickle.dumps(validation))) == str(validation)
    transport = TransportError(
        "ConnectError", may_have_reached_server=False, method="POST", path="/"
    )
    assert str(pickle.loads(pickle.dumps(transport))) == str(transport)
    response = ResponseError("bad", http_status=500, raw=b"x")
    assert pickle.loads(pickle.dumps(response)).raw == b"x"
    assert pickle.loads(pickle.dumps(response)).http_status == 500
    cut = TransportError("ReadError", may_have_reached_server=True, http_status=200)
    assert pickle.loads(pickle.dumps(cut)).http_status == 200
    assert str(pickle.loads(pickle.dumps(cut))) == str(cut)
    assert "after the answer's status HTTP 200" in str(cut)
    unpaced = PacerUnavailable("redis://127.0.0.1:1 unreachable")
    copy = pickle.loads(pickle.dumps(unpaced))
    assert type(copy) is PacerUnavailable and str(copy) == str(unpaced)
    assert isinstance(copy, TransportError) and not copy.may_have_reached_server


def test_status_code_is_a_deprecated_alias_of_http_status() -> None:
    """`http_status` is the HTTP status everywhere; the old `status_code` attribute and
    constructor keyword still work, with a DeprecationWarning."""
    error = HuaweiError("0200007", "gone", "r1", 503)
    assert error.http_status == 503 and "HTTP 503" in str(error)
    with pytest.warns(DeprecationWarning, match=r"status_code is deprecated: use \.http_status"):
        assert error.status_code == 503
    response = ResponseError("bad", http_status=502)
    with pytest.warns(DeprecationWarning, match="ResponseError.status_code is deprecated"):
        assert response.status_code == 502
    with pytest.warns(DeprecationWarning, match=r"ApiError\(status_code=\) is deprecated"):
        old = ApiError("x", status_code=404)
    assert old.http_status == 404 and "HTTP 404" in str(old)
    with pytest.warns(DeprecationWarning, match=r"ResponseError\(status_code=\)"):
        assert ResponseError("bad", status_code=500).http_status == 500
    assert not hasattr(TransportError, "status_code")  # it never had one


def test_violation_and_validation_error_text() -> None:
    first = Violation("/callDataList/0/called", "pattern", "02000002", "must match ^[0-9*#]+$")
    second = Violation("", "required", None, "callDataList is required")
    assert str(first) == "/callDataList/0/called: must match ^[0-9*#]+$ [pattern, 02000002]"
    assert str(second) == "(body): callDataList is required [required]"
    error = ValidationError([first, second])
    assert error.violations == [first, second]
    assert str(error) == f"2 violations:\n  {first}\n  {second}"
    assert isinstance(error, ValueError)
