"""An HTTP 401 to an auth-v2 request: the error says what to check and carries what was signed.

Each attempt's own canonical request must reach its own error, also when many calls run at
once (threads, asyncio): the auth hands the record of each attempt back to the core, nothing
is shared between calls.
"""

from __future__ import annotations

import asyncio
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx
import pytest
from outbound_runtime_under_test import (
    ApiError,
    AsyncCore,
    Envelope,
    HuaweiAuthV2Auth,
    HuaweiAuthV2Signer,
    Operation,
    SyncCore,
    huawei_auth_v2_canonical_request,
)
from outbound_runtime_under_test.signing import AUTH_V2_VARIANTS, AuthV2Variant

BASE = "https://10.0.0.8:28090"
AK = "AK-visible-0001"
SK = "SK-very-SECRET-42"
ENVELOPE = Envelope(code="/resultCode", message="/resultDesc", success=frozenset({"0200000"}))
OP = Operation(id="add", method="POST", path="/rest/isales/v1/openapi/campaigns/{id}/calldata/1")
HEADERS = {"Content-Type": "application/json; charset=UTF-8"}


def refuse(request: httpx.Request) -> httpx.Response:
    return httpx.Response(401, text="401 Unauthorized: auth-v2 signature does not verify\n")


def sync_core(handler: object, variant: AuthV2Variant = "demo") -> SyncCore:
    return SyncCore(
        BASE,
        auth=HuaweiAuthV2Auth(HuaweiAuthV2Signer(AK, SK, variant)),
        envelope=ENVELOPE,
        headers=HEADERS,
        transport=httpx.MockTransport(handler),  # type: ignore[arg-type]
    )


def server_side_canonical(request: httpx.Request, variant: AuthV2Variant) -> str:
    """What a server recomputes from the request it received."""
    return huawei_auth_v2_canonical_request(
        request.method, request.url, dict(request.headers), request.content, variant=variant
    )


@pytest.mark.parametrize("variant", AUTH_V2_VARIANTS)
def test_401_says_what_to_check_and_carries_the_signed_request(variant: AuthV2Variant) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return refuse(request)

    with sync_core(handler, variant) as core, pytest.raises(ApiError) as info:
        core.call(OP, {"id": 7}, {"callDataList": [{"called": "80021", "customField": "张"}]})
    error = info.value
    (request,) = seen
    stamp = request.headers["Authorization"].split("/")[2]
    assert error.http_status == 401 and error.raw_code == "HTTP 401"
    text = str(error)
    assert "AK/SK" in text
    assert f"signed at {stamp} UTC" in text  # the time stamp that was sent: clock skew
    assert f"auth_variant={variant!r}" in text
    assert all(repr(other) in text for other in AUTH_V2_VARIANTS if other != variant)
    assert error.hint is not None and error.hint in text
    assert error.signed_request == server_side_canonical(request, variant)
    assert "%E5%BC%A0" in error.signed_request  # the body, percent-encoded: not in the message
    assert "%E5%BC%A0" not in text and "80021" not in text
    for shown in (text, error.signed_request, repr(error)):
        assert SK not in shown
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == text and copy.signed_request == error.signed_request


def test_401_with_an_envelope_is_explained_too() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"resultCode": "0200001", "resultDesc": "auth failed"})

    with sync_core(handler) as core, pytest.raises(ApiError) as info:
        core.call(OP, {"id": 7}, {"called": "1"})
    assert info.value.raw_code == "0200001" and info.value.signed_request
    assert "check the AK/SK" in str(info.value)


def test_other_errors_carry_no_signed_request() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/500/calldata/1"):
            return httpx.Response(500, text="oops")
        return httpx.Response(200, json={"resultCode": "0200007", "resultDesc": "no campaign"})

    with sync_core(handler) as core:
        for campaign in (500, 7):
            with pytest.raises(ApiError) as info:
                core.call(OP, {"id": campaign}, {"called": "1"})
            assert info.value.signed_request is None and info.value.hint is None
            assert "AK/SK" not in str(info.value)


def test_concurrent_refusals_each_carry_their_own_request() -> None:
    """Threads: every error holds the canonical request of its own attempt (its own body and
    time stamp), though the answers arrive interleaved."""
    barrier = threading.Barrier(8)
    signed_by_body: dict[bytes, str] = {}
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            signed_by_body[request.content] = server_side_canonical(request, "demo")
        barrier.wait(timeout=10)  # all eight requests are in flight before any is answered
        return refuse(request)

    def one(n: int, core: SyncCore) -> tuple[bytes, ApiError]:
        body = {"called": f"8{n:04d}"}
        try:
            core.call(OP, {"id": n}, body)
        except ApiError as error:
            return f'{{"called":"8{n:04d}"}}'.encode(), error
        raise AssertionError("not refused")

    with sync_core(handler) as core, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: one(n, core), range(8)))
    assert len(signed_by_body) == 8
    for body, error in results:
        assert error.signed_request == signed_by_body[body]


def test_concurrent_async_refusals_each_carry_their_own_request() -> None:
    signed_by_body: dict[bytes, str] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        signed_by_body[request.content] = server_side_canonical(request, "raw-key-base64")
        await asyncio.sleep(0.01 * (8 - len(signed_by_body)))  # answer in another order
        return refuse(request)

    async def main() -> list[tuple[bytes, BaseException | None]]:
        async with AsyncCore(
            BASE,
            auth=HuaweiAuthV2Auth(HuaweiAuthV2Signer(AK, SK, "raw-key-base64")),
            envelope=ENVELOPE,
            headers=HEADERS,
            transport=httpx.MockTransport(handler),
        ) as core:
            calls = [core.call(OP, {"id": n}, {"called": f"8{n:04d}"}) for n in range(8)]
            outcomes = await asyncio.gather(*calls, return_exceptions=True)
        bodies = [f'{{"called":"8{n:04d}"}}'.encode() for n in range(8)]
        return [
            (body, outcome if isinstance(outcome, BaseException) else None)
            for body, outcome in zip(bodies, outcomes, strict=True)
        ]

    for body, error in asyncio.run(main()):
        assert isinstance(error, ApiError)
        assert error.signed_request == signed_by_body[body]


def test_the_signer_reports_what_it_signed() -> None:
    signer = HuaweiAuthV2Signer(AK, SK)
    when = datetime(2024, 5, 6, 7, 8, 9, 123000)
    url = httpx.URL(BASE + "/x")
    signed = signer.sign("POST", url, HEADERS, b"{}", now=when)
    assert signed.timestamp == "2024-05-06T07:08:09.123Z" and signed.variant == "demo"
    assert signed.authorization == signer.authorization("POST", url, HEADERS, b"{}", when)
    assert SK not in repr(signed) and SK.encode() not in signed.canonical_request
