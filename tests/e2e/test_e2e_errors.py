"""Every service, sync and async: vendor errors, unreadable and schema-breaking responses,
HTTP errors, timeouts, connection retries, construction, closing, and secret hygiene."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
import pytest
from e2e_server import MockVendor, Reply, RsaKeys, closed_port, start_vendor
from e2e_support import (
    ACCESS_KEY,
    APP_ID,
    SECRET_KEY,
    TOKEN,
    doc_task,
    example,
    run,
)
from outbound import dezhu_speech as dz
from outbound import huawei_isales as hw
from outbound import quanshi_event as qs
from outbound import yantong_groupcall as yt
from outbound._runtime.errors import OutboundError

from generator.naming import snake


@dataclass(frozen=True)
class Service:
    name: str
    module: ModuleType
    credentials: Callable[[RsaKeys], dict[str, Any]]
    call: Callable[[Any], Any]  # a representative operation; on an AsyncClient, a coroutine
    creates: bool
    ok: dict[str, Any]
    error: dict[str, Any]  # a vendor error body with an undocumented code
    error_code: str
    error_message: str
    request_id: str | None
    documented: tuple[dict[str, Any], Any] | None  # (body, ErrorCode member)
    broken: dict[str, Any]  # success code, but a field breaks the documented schema
    broken_path: str


SERVICES = [
    Service(
        name="quanshi_event",
        module=qs,
        credentials=lambda keys: {"token": TOKEN},
        call=lambda c: c.create_event_call(
            event_id=542818, call_list=[qs.CallListEntry(mobile="18100000030", country_code="86")]
        ),
        creates=True,
        ok=example("quanshi_event", "create_event_call", "doc_response_added"),
        error={"timeStamp": 1, "code": 401, "msg": "token invalid", "requestId": "req-401"},
        error_code="401",
        error_message="token invalid",
        request_id="req-401",
        documented=None,  # the document lists only the success code 200
        broken={"code": 200, "msg": "ok", "requestId": "r", "data": {"success_count": "one"}},
        broken_path="/data/success_count",
    ),
    Service(
        name="yantong_groupcall",
        module=yt,
        credentials=lambda keys: {"token": TOKEN},
        call=lambda c: c.get_task(id=59),
        creates=False,
        ok=example("yantong_groupcall", "get_task", "doc_response"),
        error={"statusCode": 1, "message": "token error", "info": ""},
        error_code="1",
        error_message="token error",
        request_id=None,
        documented=None,  # the document lists only the success code 0
        broken={"statusCode": 0, "message": "success", "info": {"info": {"id": "abc"}}},
        broken_path="/info/info/id",
    ),
    Service(
        name="huawei_isales",
        module=hw,
        credentials=lambda keys: {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY},
        call=lambda c: c.add_call_data(
            vdn_id=7, campaign_id=1001, call_data_list=[hw.CallData(called="80021")]
        ),
        creates=True,
        ok=example("huawei_isales", "add_call_data", "doc_response"),
        error={"resultCode": "0299999", "resultDesc": "something new", "returnCode": "0299999"},
        error_code="0299999",
        error_message="something new",
        request_id=None,
        documented=(
            {"resultCode": "0200007", "resultDesc": "The outbound campaign does not exist."},
            hw.ErrorCode.CAMPAIGN_NOT_FOUND,
        ),
        broken={"resultCode": "0200000", "resultDesc": "", "returnObject": {"totalSize": "46"}},
        broken_path="/returnObject/totalSize",
    ),
    Service(
        name="dezhu_speech",
        module=dz,
        credentials=lambda keys: {"app_id": APP_ID, "private_key_pem": keys.private_pem},
        call=lambda c: c.create_outbound_task(**doc_task()),
        creates=True,
        ok=example("dezhu_speech", "create_outbound_task", "doc_response"),
        error={"code": "30001", "message": "未知错误"},
        error_code="30001",
        error_message="未知错误",
        request_id=None,
        documented=(
            {"code": "10002", "message": "找不到对应的公钥,请先上传公钥"},
            dz.ErrorCode.PUBLIC_KEY_NOT_FOUND,
        ),
        broken={"code": "10000", "message": "请求成功", "data": "123"},
        broken_path="/data",
    ),
]
IDS = [s.name for s in SERVICES]
MODES = ["sync", "async"]


def invoke(service: Service, mode: str, base_url: str, keys: RsaKeys, **options: Any) -> Any:
    """Build the client, make the representative call, close the client."""
    kwargs = {**service.credentials(keys), **options}
    if mode == "sync":
        with service.module.Client(base_url, **kwargs) as client:
            return service.call(client)

    async def go() -> Any:
        async with service.module.AsyncClient(base_url, **kwargs) as client:
            return await service.call(client)

    return run(go())


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=SERVICES, ids=IDS)
def service(request: pytest.FixtureRequest) -> Service:
    return request.param  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# Envelopes and response errors
# ---------------------------------------------------------------------------------------------


def test_success_is_typed(
    service: Service, mode: str, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    vendor.reply(Reply(service.ok))
    result = invoke(service, mode, vendor.base_url, rsa_keys)
    assert type(result).__module__ == f"outbound.{service.name}.models"
    # The typed result carries everything the server sent (an explicit null reads as None).
    assert result.to_wire() == without_nulls(service.ok)
    assert len(vendor.requests) == 1


def test_undocumented_vendor_code_is_a_raw_string(
    service: Service, mode: str, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    vendor.reply(Reply(service.error))
    with pytest.raises(service.module.ApiError) as info:
        invoke(service, mode, vendor.base_url, rsa_keys)
    error = info.value
    assert isinstance(error.code, str) and not error.documented
    assert error.code == service.error_code and type(error.code) is str
    assert error.message == service.error_message
    assert error.request_id == service.request_id
    assert error.status_code == 200
    assert error.body == service.error
    assert error.raw == Reply(service.error).render().body
    assert service.error_code in str(error)
    assert len(vendor.requests) == 1  # a vendor error is never resent


@pytest.mark.parametrize(
    "service", [s for s in SERVICES if s.documented], ids=[s.name for s in SERVICES if s.documented]
)
def test_documented_vendor_code_is_an_error_code_member(
    service: Service, mode: str, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    """(Quanshi and Yantong document no error code besides success: nothing to map there.)"""
    assert service.documented is not None
    body, member = service.documented
    vendor.reply(Reply(body))
    with pytest.raises(service.module.ApiError) as info:
        invoke(service, mode, vendor.base_url, rsa_keys)
    error = info.value
    assert error.code is member and error.documented
    assert error.message == body.get("resultDesc", body.get("message"))
    assert f"{member.value} {member.name}" in str(error)
    assert len(vendor.requests) == 1


def test_non_json_body_is_a_response_error_with_raw(
    service: Service, mode: str, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    vendor.reply(Reply(b"<html><body>gateway says hi</body></html>", content_type="text/html"))
    with pytest.raises(service.module.ResponseError) as info:
        invoke(service, mode, vendor.base_url, rsa_keys)
    error = info.value
    assert error.raw == b"<html><body>gateway says hi</body></html>"
    assert error.status_code == 200 and "not JSON" in str(error)
    assert len(vendor.requests) == 1


def test_http_500_with_envelope_keeps_the_vendor_code(
    service: Service, mode: str, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    vendor.reply(Reply(service.error, status=500))
    with pytest.raises(service.module.ApiError) as info:
        invoke(service, mode, vendor.base_url, rsa_keys)
    assert info.value.code == service.error_code and info.value.status_code == 500
    assert info.value.message == service.error_message
    assert len(vendor.requests) == 1


def test_http_500_without_envelope(
    service: Service, mode: str, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    vendor.reply(Reply("Internal Server Error", status=500))
    with pytest.raises(service.module.ApiError) as info:
        invoke(service, mode, vendor.base_url, rsa_keys)
    error = info.value
    assert error.code == "HTTP 500" and error.status_code == 500 and not error.documented
    assert error.raw == b"Internal Server Error" and error.body == "Internal Server Error"
    assert len(vendor.requests) == 1


def test_schema_breaking_response_is_reported_with_raw_when_strict(
    service: Service, mode: str, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    reply = Reply(service.broken)
    vendor.reply(reply)
    with pytest.raises(service.module.ResponseError) as info:
        invoke(service, mode, vendor.base_url, rsa_keys, strict_responses=True)
    error = info.value
    assert [v.path for v in error.violations] == [service.broken_path]
    assert service.broken_path in str(error) and "breaks its documented schema" in str(error)
    assert error.raw == reply.render().body
    assert error.body == service.broken
    assert len(vendor.requests) == 1


def test_schema_breaking_success_is_returned_with_its_deviation(
    service: Service,
    mode: str,
    vendor: MockVendor,
    rsa_keys: RsaKeys,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """By default the answer is read tolerantly: a digit string for an integer ("46", "123")
    converts, a value the field cannot hold ("one", "abc") reads None, the raw value stays on
    the deviation, and one WARNING names operation, path and rule (never the value)."""
    vendor.reply(Reply(service.broken))
    with caplog.at_level(logging.DEBUG, logger="outbound"):
        result = invoke(service, mode, vendor.base_url, rsa_keys)
    (deviation,) = result.deviations
    assert (deviation.path, deviation.rule) == (service.broken_path, "type")
    tokens = service.broken_path.strip("/").split("/")
    raw: Any = service.broken
    for token in tokens:
        raw = raw[token]
    assert deviation.value == raw
    read: Any = result
    for token in tokens:
        read = getattr(read, snake(token))
    # every broken field is a documented integer: a digit string converts, the rest reads None
    assert read == (int(raw) if raw.isdigit() else None)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and service.broken_path in warnings[0].getMessage()
    assert repr(raw) not in warnings[0].getMessage()
    assert len(vendor.requests) == 1


def test_validate_is_a_deprecated_alias_of_validate_requests(
    service: Service, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    """validate=False warns, turns request checks off, and leaves responses tolerant."""
    vendor.reply(Reply(service.broken))
    with pytest.warns(DeprecationWarning, match="validate_requests"):
        client = service.module.Client(
            vendor.base_url, **service.credentials(rsa_keys), validate=False
        )
    with client:
        assert client._validate is False and client._strict_responses is False
        result = service.call(client)
    assert [v.path for v in result.deviations] == [service.broken_path]


# ---------------------------------------------------------------------------------------------
# Transport: timeouts, connections never established, retries
# ---------------------------------------------------------------------------------------------


def test_timeout_is_not_retried(
    service: Service, mode: str, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    vendor.default = Reply(service.ok, delay=1.0)
    with pytest.raises(service.module.TransportError) as info:
        invoke(service, mode, vendor.base_url, rsa_keys, timeout=0.3, backoff=0.01)
    error = info.value
    assert error.may_have_reached_server
    assert isinstance(error.__cause__, httpx.ReadTimeout)
    if service.creates:
        assert "not resent because this operation creates data" in str(error)
    assert len(vendor.wait_quiet(1)) == 1  # the server saw exactly one request


class CountingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        return super().handle_request(request)


class AsyncCountingTransport(httpx.AsyncHTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        return await super().handle_async_request(request)


def test_connect_error_is_retried_then_reported(
    service: Service, mode: str, rsa_keys: RsaKeys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="outbound")
    transport = CountingTransport() if mode == "sync" else AsyncCountingTransport()
    base_url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(service.module.TransportError) as info:
        invoke(service, mode, base_url, rsa_keys, transport=transport, max_retries=2, backoff=0.01)
    assert not info.value.may_have_reached_server
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert transport.attempts == 3  # the first attempt and max_retries=2 retries
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 2 and "retry 2/2" in retries[-1]


class StartServerOnFirstFailure(httpx.HTTPTransport):
    """Real connections; when the first one is refused, the vendor comes up on that port."""

    def __init__(self, port: int, reply: Reply) -> None:
        super().__init__()
        self.port = port
        self.reply = reply
        self.vendor: MockVendor | None = None
        self.attempts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        try:
            return super().handle_request(request)
        except httpx.ConnectError:
            if self.vendor is None:
                self.vendor = start_vendor(port=self.port)
                self.vendor.default = self.reply
            raise


def test_create_is_retried_when_the_connection_was_never_established(rsa_keys: RsaKeys) -> None:
    port = closed_port()
    transport = StartServerOnFirstFailure(
        port, Reply(example("quanshi_event", "create_event_call", "doc_response_added"))
    )
    try:
        with qs.Client(
            f"http://127.0.0.1:{port}", token=TOKEN, transport=transport, backoff=0.01
        ) as c:
            result = c.create_event_call(
                event_id=542818, call_list=[qs.CallListEntry(mobile="18100000030")]
            )
        assert result.data is not None and result.data.success_count == 1
        assert transport.attempts == 2
        assert transport.vendor is not None and len(transport.vendor.requests) == 1
    finally:
        if transport.vendor is not None:
            transport.vendor.stop()


# ---------------------------------------------------------------------------------------------
# Construction, closing
# ---------------------------------------------------------------------------------------------

CREDENTIALS = {
    "quanshi_event": ["token"],
    "yantong_groupcall": ["token"],
    "huawei_isales": ["access_key", "secret_key"],
    "dezhu_speech": ["app_id", "private_key_pem"],
}


@pytest.mark.parametrize("class_name", ["Client", "AsyncClient"])
def test_constructor_signature(service: Service, class_name: str) -> None:
    parameters = inspect.signature(getattr(service.module, class_name)).parameters
    assert next(iter(parameters)) == "base_url"
    assert parameters["base_url"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    names = [
        *CREDENTIALS[service.name],
        "timeout",
        "verify",
        "validate_requests",
        "strict_responses",
        "validate",
        "transport",
    ]
    for name in names:
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, name
    assert parameters["verify"].default is True
    assert parameters["validate_requests"].default is True
    assert parameters["strict_responses"].default is False
    assert parameters["validate"].default is None  # deprecated alias: None means not given


def test_context_managers_close_connections(
    service: Service, vendor: MockVendor, rsa_keys: RsaKeys
) -> None:
    vendor.default = Reply(service.ok)
    with service.module.Client(vendor.base_url, **service.credentials(rsa_keys)) as client:
        service.call(client)
    with pytest.raises(RuntimeError, match="closed"):
        service.call(client)

    async def go() -> Any:
        async with service.module.AsyncClient(
            vendor.base_url, **service.credentials(rsa_keys)
        ) as aclient:
            await service.call(aclient)
        return aclient

    aclient = run(go())

    async def again() -> None:
        await service.call(aclient)

    with pytest.raises(RuntimeError, match="closed"):
        run(again())
    assert len(vendor.requests) == 2


# ---------------------------------------------------------------------------------------------
# Secrets: never in repr, exception text or log records
# ---------------------------------------------------------------------------------------------


def secret_fragments(keys: RsaKeys) -> list[str]:
    lines = [line for line in keys.private_pem.splitlines() if "-----" not in line]
    return [TOKEN, SECRET_KEY, lines[0], lines[len(lines) // 2], lines[-1]]


def test_secrets_never_appear(
    service: Service, vendor: MockVendor, rsa_keys: RsaKeys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: outbound, httpx, httpcore
    texts: list[str] = []
    errors: list[BaseException] = []
    credentials = service.credentials(rsa_keys)
    vendor.reply(Reply(service.ok), Reply(service.error), Reply(b"not json"), Reply(service.broken))
    for mode in MODES:
        for _ in range(4):
            try:
                invoke(service, mode, vendor.base_url, rsa_keys)
            except OutboundError as error:
                errors.append(error)
        vendor.reply(
            Reply(service.ok), Reply(service.error), Reply(b"not json"), Reply(service.broken)
        )
    try:
        invoke(
            service,
            "sync",
            f"http://127.0.0.1:{closed_port()}",
            rsa_keys,
            max_retries=1,
            backoff=0.01,
        )
    except service.module.TransportError as error:
        errors.append(error)
    with service.module.Client(vendor.base_url, **credentials) as client:
        texts += [repr(client), str(client)]
        try:
            if service.name == "huawei_isales":
                client.add_call_data(vdn_id=0, campaign_id=1, call_data_list=[])
            elif service.name == "dezhu_speech":
                client.create_outbound_task(**{**doc_task(), "task_name": ""})
            elif service.name == "quanshi_event":
                client.create_event_call(event_id=1, call_list=[])
            else:
                client.upload_data(id=1, batch_id=1, data_list=[])
        except service.module.ValidationError as error:
            errors.append(error)
    aclient = service.module.AsyncClient(vendor.base_url, **credentials)
    texts += [repr(aclient), str(aclient)]
    run(aclient.aclose())
    assert {type(e).__name__ for e in errors} >= {
        "ApiError",
        "ResponseError",
        "TransportError",
        "ValidationError",
    }
    for caught in errors:
        texts += [str(caught), repr(caught), repr(caught.args)]
    texts += [caplog.text, *(record.getMessage() for record in caplog.records)]
    assert any("outbound" == r.name for r in caplog.records)
    for text in texts:
        for secret in secret_fragments(rsa_keys):
            assert secret not in text, (secret[:8], text[:200])
    if service.name in ("quanshi_event", "yantong_groupcall"):
        assert TOKEN.encode() in vendor.requests[0].body  # it did travel, in the body only


def test_the_loopback_guard_is_armed() -> None:
    """The autouse guard refuses any other address, for blocking and asyncio sockets alike."""
    with pytest.raises(AssertionError, match="tried to contact"):
        httpx.get("http://192.0.2.1:9/", timeout=1)

    async def go() -> None:
        async with httpx.AsyncClient(timeout=1) as client:
            await client.get("http://192.0.2.1:9/")

    with pytest.raises((AssertionError, ExceptionGroup)) as info:  # anyio may group it
        run(go())
    error: BaseException = info.value
    while isinstance(error, ExceptionGroup):
        error = error.exceptions[0]
    assert isinstance(error, AssertionError) and "tried to contact" in str(error)
