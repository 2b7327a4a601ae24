"""Deeply nested JSON answers (1,000 and 100,000 levels) raise the client's own errors.

json's decoder recurses once per level, so a deep enough answer raises RecursionError inside
`json.loads`; the core must turn that into ResponseError (a success status) or ApiError (an
error status), never let it escape.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from outbound_runtime_under_test import (
    ApiError,
    AsyncCore,
    Envelope,
    NoAuth,
    Operation,
    OutboundError,
    ResponseError,
    SyncCore,
)

ENVELOPE = Envelope(code="/resultCode", message="/resultDesc", success=frozenset({"0200000"}))
OP = Operation(id="read", method="POST", path="/read")
LEVELS = [1_000, 100_000]


def nested(levels: int, kind: str) -> bytes:
    if kind == "array":
        return b"[" * levels + b"]" * levels
    if kind == "object":
        return b'{"a":' * levels + b"1" + b"}" * levels
    inner = b"[" * levels + b"]" * levels  # deep data inside a success envelope
    return b'{"resultCode":"0200000","returnObject":' + inner + b"}"


def too_deep_for_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except RecursionError:
        return True
    return False


def call(raw: bytes, status: int = 200) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=raw, headers={"Content-Type": "application/json"})

    with SyncCore(
        "http://127.0.0.1:9",
        auth=NoAuth(),
        envelope=ENVELOPE,
        transport=httpx.MockTransport(handler),
    ) as core:
        core.call(OP, {}, {})


@pytest.mark.parametrize("kind", ["array", "object", "in-envelope"])
@pytest.mark.parametrize("levels", LEVELS)
def test_deep_success_answer_is_a_response_error(levels: int, kind: str) -> None:
    raw = nested(levels, kind)
    if kind == "in-envelope" and not too_deep_for_json(raw):
        call(raw)  # a Python whose json reads this deep: a success answer, returned as such
        return
    with pytest.raises(ResponseError) as info:
        call(raw)
    if too_deep_for_json(raw):
        assert "nested too deeply" in str(info.value)
    assert info.value.raw == raw and info.value.http_status == 200


@pytest.mark.parametrize("status", [401, 500, 502])
@pytest.mark.parametrize("levels", LEVELS)
def test_deep_error_answer_is_an_api_error(levels: int, status: int) -> None:
    raw = nested(levels, "object")
    with pytest.raises(ApiError) as info:
        call(raw, status)
    assert info.value.http_status == status and info.value.raw_code == f"HTTP {status}"
    assert info.value.raw == raw


@pytest.mark.parametrize("levels", LEVELS)
def test_deep_answer_async(levels: int) -> None:
    raw = nested(levels, "array")

    async def main() -> None:
        async with AsyncCore(
            "http://127.0.0.1:9",
            auth=NoAuth(),
            envelope=ENVELOPE,
            transport=httpx.MockTransport(lambda request: httpx.Response(200, content=raw)),
        ) as core:
            await core.call(OP, {}, {})

    with pytest.raises(OutboundError) as info:
        asyncio.run(main())
    assert isinstance(info.value, ResponseError)


def test_a_deep_code_or_message_is_shown_as_such() -> None:
    """A value json.loads still read can be too deep for json.dumps (a few frames more): the
    code or message of an error answer is then named, not dumped."""
    value: list[object] = []
    for _ in range(100_000):
        value = [value]
    body = {"resultCode": value, "resultDesc": value}
    assert ENVELOPE.code_of(body) == "(a JSON list nested too deeply to show)"
    assert ENVELOPE.message_of(body) == "(a JSON list nested too deeply to show)"
