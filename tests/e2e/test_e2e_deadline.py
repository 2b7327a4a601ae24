"""A call ends by its deadline however slowly the server answers, and a huge answer is refused.

Against `FaultServer` (raw sockets on 127.0.0.1): answers dripped one byte at a time (headers,
body), a TLS handshake never answered, bodies of tens of MiB (announced, chunked, gzip). The
times asserted are generous upper bounds (deadline + 2 s), not measurements.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import outbound
import pytest
from e2e_support import ACCESS_KEY, SECRET_KEY, run
from fault_server import FaultServer, drip, head_bytes, huge, reset
from outbound import huawei_isales as hw
from outbound._runtime.http import DEFAULT_MAX_RESPONSE_BYTES, deadline_for

MARGIN = 2.0
NUMBERS = [hw.CallData(called="80021")]


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def call(server: FaultServer, *, asynchronous: bool, url: str | None = None, **kwargs: Any) -> None:
    """One add_call_data against the server (no retries), sync or async."""
    kwargs.setdefault("max_retries", 0)
    base = url or server.url
    if asynchronous:

        async def go() -> None:
            async with hw.AsyncClient(
                base, access_key=ACCESS_KEY, secret_key=SECRET_KEY, **kwargs
            ) as c:
                await c.add_call_data(vdn_id=7, campaign_id=1, call_data_list=NUMBERS)

        run(go())
    else:
        with hw.Client(base, access_key=ACCESS_KEY, secret_key=SECRET_KEY, **kwargs) as c:
            c.add_call_data(vdn_id=7, campaign_id=1, call_data_list=NUMBERS)


def timed(action: Callable[[], None], error: type[Exception]) -> tuple[float, Any]:
    started = time.monotonic()
    with pytest.raises(error) as caught:
        action()
    return time.monotonic() - started, caught.value


def wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


BOTH = pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])


# ---------------------------------------------------------------------------------------------
# Deadline
# ---------------------------------------------------------------------------------------------


def test_deadline_is_derived_from_timeout_or_given() -> None:
    assert deadline_for(10.0, None) == 30.0
    assert deadline_for(2, None) == 6.0
    assert deadline_for(httpx.Timeout(5.0, connect=1.0, read=2.0, pool=60.0), None) == 8.0
    assert deadline_for(httpx.Timeout(None), None) is None
    assert deadline_for(httpx.Timeout(5.0, read=None), None) is None
    assert deadline_for(10.0, 4.5) == 4.5
    assert deadline_for(None, 4.5) == 4.5
    assert deadline_for(10.0, float("inf")) is None
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="deadline must be > 0"):
            deadline_for(10.0, bad)
    with pytest.raises(ValueError, match="max_response_bytes"):
        hw.Client("http://127.0.0.1:1", access_key="a", secret_key="s", max_response_bytes=0)


@BOTH
def test_dripping_headers_end_at_the_deadline_derived_from_timeout(
    server: FaultServer, asynchronous: bool
) -> None:
    """The issue's case, shortened: a byte every 0.1 s never trips the 0.5 s read timeout; the
    derived deadline (3 × 0.5 s) ends the call."""
    server.then(drip(0.1, headers_at_once=False))
    elapsed, error = timed(
        lambda: call(server, asynchronous=asynchronous, timeout=0.5), hw.TransportError
    )
    assert elapsed < 1.5 + MARGIN
    assert error.may_have_reached_server
    assert error.http_status is None  # no status line had arrived
    assert "deadline of 1.5 s passed" in str(error)
    assert "not resent because this operation creates data" in str(error)
    assert wait_for(lambda: bool(server.drip_stopped))  # the client hung up


@BOTH
def test_dripping_body_ends_at_an_explicit_deadline(
    server: FaultServer, asynchronous: bool
) -> None:
    server.then(drip(0.1, headers_at_once=True))
    elapsed, error = timed(
        lambda: call(server, asynchronous=asynchronous, timeout=10, deadline=1.0),
        hw.TransportError,
    )
    assert elapsed < 1.0 + MARGIN
    assert error.may_have_reached_server and "deadline of 1 s passed" in str(error)
    # the status line had arrived: the transport error says so
    assert error.http_status == 200 and "after the answer's status HTTP 200" in str(error)
    assert wait_for(lambda: bool(server.drip_stopped))


@BOTH
def test_an_answer_reset_after_its_status_line_keeps_the_status(
    server: FaultServer, asynchronous: bool
) -> None:
    """A gateway that resets the connection in the middle of a 502 page: TransportError (the
    answer is incomplete) with `http_status` 502; a reset before the status line has none."""
    head = head_bytes(502, {"Content-Type": "text/html", "Content-Length": "1000"})
    server.then(reset(handled=False, partial=head + b"<html>"), reset(handled=False))
    _, error = timed(lambda: call(server, asynchronous=asynchronous), hw.TransportError)
    assert error.http_status == 502 and error.may_have_reached_server
    assert isinstance(error, outbound.TransportError)
    _, error = timed(lambda: call(server, asynchronous=asynchronous), hw.TransportError)
    assert error.http_status is None


def test_a_callers_transport_still_bounds_the_body(server: FaultServer) -> None:
    """With transport= the header phase is the transport's business; the body is checked after
    each chunk (one read timeout at most past the deadline)."""
    server.then(drip(0.1, headers_at_once=True))
    elapsed, error = timed(
        lambda: call(
            server, asynchronous=False, timeout=0.5, deadline=1.0, transport=httpx.HTTPTransport()
        ),
        hw.TransportError,
    )
    assert elapsed < 1.0 + 0.5 + MARGIN
    assert "deadline of 1 s passed while the answer's body was read" in str(error)


@BOTH
def test_a_tls_handshake_never_answered_means_nothing_was_sent(
    server: FaultServer, asynchronous: bool
) -> None:
    """The server accepts the connection and never answers the ClientHello: the deadline ends
    the call, and the request cannot have reached the server."""
    url = f"https://127.0.0.1:{server.port}"  # the server reads no HTTP request: it is silent
    elapsed, error = timed(
        lambda: call(server, asynchronous=asynchronous, url=url, deadline=1.0, verify=False),
        hw.TransportError,
    )
    assert elapsed < 1.0 + MARGIN
    assert not error.may_have_reached_server
    assert "deadline of 1 s passed" in str(error)


@BOTH
def test_a_deadline_before_the_connection_is_retried_like_a_connect_failure(
    server: FaultServer, asynchronous: bool
) -> None:
    url = f"https://127.0.0.1:{server.port}"
    elapsed, error = timed(
        lambda: call(
            server,
            asynchronous=asynchronous,
            url=url,
            deadline=0.5,
            verify=False,
            max_retries=1,
            backoff=0.01,
        ),
        hw.TransportError,
    )
    assert not error.may_have_reached_server
    assert elapsed < 2 * 0.5 + MARGIN
    assert server.connections == 2 and server.received == []  # tried twice, nothing sent


# ---------------------------------------------------------------------------------------------
# Size cap
# ---------------------------------------------------------------------------------------------


@BOTH
def test_an_announced_huge_body_is_refused_before_it_is_read(
    server: FaultServer, asynchronous: bool
) -> None:
    total = 50 * 1024 * 1024
    server.then(huge(total, announce=True))
    _, error = timed(lambda: call(server, asynchronous=asynchronous), hw.ResponseError)
    assert f"max_response_bytes ({DEFAULT_MAX_RESPONSE_BYTES} bytes" in str(error)
    assert f"Content-Length is {total}" in str(error)
    assert "the request reached the server" in str(error)
    assert error.http_status == 200
    time.sleep(0.3)
    assert server.huge_sent < total  # the client stopped reading


@BOTH
def test_an_unannounced_huge_body_is_cut_at_the_cap(
    server: FaultServer, asynchronous: bool
) -> None:
    server.then(huge(30 * 1024 * 1024, announce=False))
    _, error = timed(lambda: call(server, asynchronous=asynchronous), hw.ResponseError)
    assert "exceeds max_response_bytes" in str(error) and "more was sent" in str(error)


@BOTH
def test_the_cap_counts_decompressed_bytes(server: FaultServer, asynchronous: bool) -> None:
    """50 MiB of zeros gzip to about 50 KiB: the cap applies to what the client would hold."""
    server.then(huge(50 * 1024 * 1024, announce=True, compressed=True))
    _, error = timed(
        lambda: call(server, asynchronous=asynchronous, max_response_bytes=1024 * 1024),
        hw.ResponseError,
    )
    assert "max_response_bytes (1048576 bytes; more was sent)" in str(error)


@BOTH
def test_a_body_longer_than_its_content_length_is_read_only_to_that_length(
    server: FaultServer, asynchronous: bool
) -> None:
    """Announced 100 bytes, sent 50 MiB: the body is the 100 announced bytes (HTTP/1.1
    framing), refused for what they are; the rest is never read."""
    total = 50 * 1024 * 1024
    server.then(huge(total, announce=True, claim=100))
    _, error = timed(lambda: call(server, asynchronous=asynchronous), hw.ResponseError)
    assert "not JSON" in str(error) and "(100 bytes)" in str(error)
    time.sleep(0.3)
    assert server.huge_sent < total


@BOTH
def test_a_chunked_body_beside_a_small_content_length_is_cut_at_the_cap(
    server: FaultServer, asynchronous: bool
) -> None:
    """Transfer-Encoding overrides Content-Length: the 100 announced bytes bound nothing, the
    chunks are counted as they arrive."""
    total = 30 * 1024 * 1024
    server.then(huge(total, announce=False, claim=100))
    _, error = timed(lambda: call(server, asynchronous=asynchronous), hw.ResponseError)
    assert "exceeds max_response_bytes" in str(error) and "more was sent" in str(error)
    time.sleep(0.3)
    assert server.huge_sent < total


class _Endless(httpx.SyncByteStream, httpx.AsyncByteStream):
    """64 chunks of 64 KiB (4 MiB), counting how many were taken."""

    def __init__(self) -> None:
        self.taken = 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(64):
            self.taken += 1
            yield b"0" * 65536

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


@BOTH
def test_a_callers_transport_with_a_lying_content_length_is_cut_at_the_cap(
    server: FaultServer, asynchronous: bool
) -> None:
    """A caller's transport frames nothing: Content-Length 10 over 4 MiB is counted as read,
    not trusted, and reading stops at the cap (1 MiB: 16 chunks, the 17th passes it)."""
    body = _Endless()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, headers={"Content-Type": "application/json", "Content-Length": "10"}, stream=body
        )
    )
    with pytest.raises(hw.ResponseError) as caught:
        call(server, asynchronous=asynchronous, transport=transport, max_response_bytes=1 << 20)
    assert "max_response_bytes (1048576 bytes; more was sent)" in str(caught.value)
    assert body.taken == 17


def test_a_configured_cap_and_no_cap(server: FaultServer) -> None:
    server.then(huge(2000, announce=True))
    _, error = timed(
        lambda: call(server, asynchronous=False, max_response_bytes=1000), hw.ResponseError
    )
    assert "Content-Length is 2000" in str(error)
    # no cap: 11 MiB are read, then refused for what they are (not the vendor's JSON)
    server.then(huge(11 * 1024 * 1024, announce=False))
    _, error = timed(
        lambda: call(server, asynchronous=False, max_response_bytes=None), hw.ResponseError
    )
    assert "not JSON" in str(error) and "11534336 bytes" in str(error)
