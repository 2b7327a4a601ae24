"""The transport core shared by every generated client: encoding, auth, pacing, retries, envelope.

Retries happen only when resending cannot duplicate an effect:

* the connection was never established (`httpx.ConnectError`, `httpx.ConnectTimeout`,
  `httpx.PoolTimeout`), so the server cannot have received the request; or
* the vendor answered with one of its documented throttling codes (`Envelope.retryable`, e.g.
  Huawei `0200022` "the interface invoking time is short"), i.e. it refused the request.

A read/write timeout, a dropped connection or a protocol error after the request may have
reached the server is never retried, for any operation; for a create (`Operation.creates`) that
is what keeps a number from being added twice. Each attempt is signed anew.

Every exchange (one attempt: connect, send, wait for the headers, read the body) ends by a
deadline (`deadline`, by default the sum of the connect, write and read timeouts: 30 s for the
default `timeout=10`), however slowly the server drips its answer, and a response body larger
than `max_response_bytes` (default 10 MiB, counted after decompression) is refused while it is
read. Both raise errors saying the request may have reached the server; neither is retried.
How each core keeps the deadline:

* `AsyncCore`: `asyncio.timeout` around the whole exchange; an httpcore trace event tells
  whether the request had started to be written when it fired.
* `SyncCore`: httpx has no total timeout for a blocking client, and its per-read timeout
  restarts with every byte. The core's own transport (`_DeadlineTransport`: httpx's default
  transport rebuilt from httpcore's public parts) makes its connections with a network backend
  that gives every connect, TLS handshake, write and read a timeout no longer than the time
  left, so the deadline holds in every phase. With a caller's `transport=` (tests, proxies)
  only the body is bounded (checked after each chunk; a chunk may wait one read timeout).

Not bounded: the DNS lookup (the vendors are addressed by IP), waiting for a free connection
of the pool (`PoolTimeout`, local), and — with a proxy from the environment — the phases
before the body (the proxy transports are httpx's own).

Logging (`logging.getLogger("outbound")`) records operation, method, path, status, elapsed
time and retries; never headers, query values or bodies.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import json
import logging
import os
import random
import re
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self
from urllib.parse import quote

import httpcore
import httpx

from .errors import ApiError, ResponseError, TransportError, Violation
from .pacing import PaceKey, Pacer, resolve_pacer, token_account
from .pointer import MISSING, resolve, with_value
from .pointer import split as split_pointer
from .signing import AUTH_V2_VARIANTS, AuthV2Signature

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "AsyncCore",
    "Auth",
    "AuthV2SignerLike",
    "BodyTokenAuth",
    "Envelope",
    "HuaweiAuthV2Auth",
    "NoAuth",
    "Operation",
    "RsaHeadersAuth",
    "RsaSignerLike",
    "SyncCore",
    "deadline_for",
    "encode_json",
]

logger = logging.getLogger("outbound")

_PATH_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# The connection was never established: the request cannot have reached the server.
_NEVER_CONNECTED: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
"""The largest response body a client reads (10 MiB): the documented answers are a few hundred
bytes; this only stops a broken or hostile server from filling the memory."""

_URL_CACHE_SIZE = 1024
_NOT_PACED = contextlib.nullcontext()  # shared: an operation without min_interval skips the pacer


@dataclass(frozen=True)
class Operation:
    """One documented HTTP operation. `path` is a template: `/campaigns/{vdnId}/...`.

    `query` holds fixed query parameters (e.g. Yantong's route `{"r": "groupcall/task-list"}`).
    `creates`: the operation adds data on the server. No operation is ever resent once the
    request may have reached the server; for a create the error says so explicitly.

    `min_interval` (seconds): the core waits so that a request of this operation starts at
    least that long after the previous one *ended* (its response or failure), and sends one at
    a time. Measuring from the end, not the start, keeps the arrivals at the server apart even
    when a connection set-up delayed the previous request. The core's pacer keeps the rule, per
    service, operation and account (see `outbound._runtime.pacing`).
    """

    id: str
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    creates: bool = False
    min_interval: float | None = None


@dataclass(frozen=True)
class Envelope:
    """Where the result code, message, request id and data live in every response (pointers).

    `success` and `retryable` are compared with the code as text: a JSON string as is, a
    number as its decimal digits (`200` and `200.0` → `"200"`). So a success code sent with
    the other JSON type (`"200"` for Quanshi's documented number, `10000` for 003's string) is
    still success; the response validator reports the type as a deviation.
    """

    code: str
    message: str | None = None
    request_id: str | None = None
    data: str | None = None
    success: frozenset[str] = frozenset()
    retryable: frozenset[str] = frozenset()

    def code_of(self, body: Any) -> str | None:
        return _text(resolve(body, self.code))

    def message_of(self, body: Any) -> str | None:
        return None if self.message is None else _text(resolve(body, self.message))

    def request_id_of(self, body: Any) -> str | None:
        return None if self.request_id is None else _text(resolve(body, self.request_id))

    def data_of(self, body: Any) -> Any:
        """The value at the `data` pointer (None when absent or when there is no pointer)."""
        if self.data is None:
            return None
        value = resolve(body, self.data)
        return None if value is MISSING else value


def _text(value: Any) -> str | None:
    if value is MISSING or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():  # JSON 200.0 is the number 200
        return str(int(value))
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except RecursionError:  # json.loads read it, but dumps needs a few more stack frames
        return f"(a JSON {type(value).__name__} nested too deeply to show)"


def encode_json(body: Any) -> bytes:
    """Compact UTF-8 JSON, non-ASCII kept as is, NaN/Infinity refused."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Auth strategies
# ---------------------------------------------------------------------------------------------


class Auth:
    """Where credentials go. `prepare_body` runs once per call, `sign` on every attempt.

    `account` names the vendor account the credentials belong to, for pacing: never a secret.
    """

    @property
    def account(self) -> str:
        return ""

    def prepare_body(self, body: dict[str, Any]) -> dict[str, Any]:
        """The body to encode (a copy when credentials are added; the input is not changed)."""
        return body

    def headers(
        self, method: str, url: httpx.URL, headers: Mapping[str, str], content: bytes
    ) -> dict[str, str]:
        """Headers to add to this attempt, computed over the final bytes.

        `headers` holds the request's `Host`, `Content-Length` and the service's own headers
        (e.g. `Content-Type`); a header returned here replaces one of the same name.
        """
        return {}

    def sign(
        self, method: str, url: httpx.URL, headers: Mapping[str, str], content: bytes
    ) -> tuple[dict[str, str], object | None]:
        """`headers(...)` and what this attempt signed (None: nothing worth showing).

        The core keeps the second value with its attempt only, and hands it back to
        `explain_refusal` if the server answers that attempt with HTTP 401.
        """
        return self.headers(method, url, headers, content), None

    def explain_refusal(self, signed: object) -> tuple[str, str | None]:
        """(what to check, the text that was signed) for an attempt answered HTTP 401."""
        return "the server refused the credentials", None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class NoAuth(Auth):
    """No credentials."""


class BodyTokenAuth(Auth):
    """A token inside the JSON body at `pointer` (default `/token`), set before encoding."""

    def __init__(self, token: str, pointer: str = "/token") -> None:
        if not pointer.startswith("/"):
            raise ValueError("pointer must name a member of the body, e.g. '/token'")
        self._token = token
        self.pointer = pointer
        tokens = split_pointer(pointer)
        self._top_level: str | None = tokens[0] if len(tokens) == 1 else None

    def prepare_body(self, body: dict[str, Any]) -> dict[str, Any]:
        """A copy of `body` with the token set; a top-level token becomes the *first* member.

        The documents always write `{"token": ..., "data": ...}`; some PHP back ends read the
        raw body in order, so the token leads as in the examples.
        """
        if self._top_level is not None:
            rest = {k: v for k, v in body.items() if k != self._top_level}
            return {self._top_level: self._token, **rest}
        return with_value(body, self.pointer, self._token)

    @property
    def account(self) -> str:
        """A digest of the token (`token-` and 16 hex digits), never the token."""
        return token_account(self._token)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token=<redacted>, pointer={self.pointer!r})"


class AuthV2SignerLike(Protocol):
    def sign(
        self,
        method: str,
        url: httpx.URL,
        headers: Mapping[str, str],
        body: bytes,
        now: datetime | None = None,
    ) -> AuthV2Signature: ...


class HuaweiAuthV2Auth(Auth):
    """`Authorization: auth-v2/...` over the `Content-Length`, `Content-Type` and `Host` sent.

    An HTTP 401 is explained with the time stamp and variant of the refused attempt, and
    carries the canonical request that was signed (`ApiError.signed_request`).
    """

    def __init__(self, signer: AuthV2SignerLike, *, header: str = "Authorization") -> None:
        self.signer = signer
        self.header = header

    @property
    def account(self) -> str:
        """The access key (AK) when the signer tells it."""
        return str(getattr(self.signer, "access_key", ""))

    def headers(
        self, method: str, url: httpx.URL, headers: Mapping[str, str], content: bytes
    ) -> dict[str, str]:
        return self.sign(method, url, headers, content)[0]

    def sign(
        self, method: str, url: httpx.URL, headers: Mapping[str, str], content: bytes
    ) -> tuple[dict[str, str], AuthV2Signature]:
        signature = self.signer.sign(method, url, headers, content)
        return {self.header: signature.authorization}, signature

    def explain_refusal(self, signed: object) -> tuple[str, str | None]:
        if not isinstance(signed, AuthV2Signature):
            return super().explain_refusal(signed)
        others = ", ".join(repr(name) for name in AUTH_V2_VARIANTS if name != signed.variant)
        hint = (
            "the server refused the auth-v2 signature: check the AK/SK pair, the clock (this "
            f"request was signed at {signed.timestamp} UTC; a server refuses a time too far "
            f"from its own) and the signing variant (auth_variant={signed.variant!r}; the "
            f"others are {others}); .signed_request holds the canonical request that was "
            "signed, to compare with the server's log"
        )
        return hint, signed.canonical_request.decode("utf-8")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.signer!r})"


class RsaSignerLike(Protocol):
    def headers(self, body: bytes, now: datetime | None = None) -> dict[str, str]: ...


class RsaHeadersAuth(Auth):
    """`appId` / `timestamp` / `sign` headers from an `RsaSha256Signer`, fresh on every attempt."""

    def __init__(self, signer: RsaSignerLike) -> None:
        self.signer = signer

    @property
    def account(self) -> str:
        """The appId when the signer tells it."""
        return str(getattr(self.signer, "app_id", ""))

    def headers(
        self, method: str, url: httpx.URL, headers: Mapping[str, str], content: bytes
    ) -> dict[str, str]:
        return self.signer.headers(content)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.signer!r})"


# ---------------------------------------------------------------------------------------------
# Deadline and size cap
# ---------------------------------------------------------------------------------------------


def deadline_for(timeout: float | httpx.Timeout | None, deadline: float | None) -> float | None:
    """The seconds one exchange may take: `deadline` when given (`math.inf`: no deadline), else
    the connect, write and read timeouts added up (3 × a plain number): the longest a server
    that answers within each timeout can take. None (no deadline) when one of them is None."""
    if deadline is not None:
        if not deadline > 0:
            raise ValueError("deadline must be > 0 (math.inf: none)")
        return None if deadline == float("inf") else float(deadline)
    parts = httpx.Timeout(timeout)
    phases = (parts.connect, parts.write, parts.read)
    if any(phase is None for phase in phases):
        return None
    return float(sum(phase for phase in phases if phase is not None))


@dataclass
class _Exchange:
    """One attempt at a call: when it must end, and what is known when it did not."""

    seconds: float | None
    ends: float | None = None  # a time.monotonic() value
    traced: bool = False  # AsyncCore: httpcore reported at least one step of this exchange
    sent: bool = False  # AsyncCore: the request had started to be written

    def __post_init__(self) -> None:
        if self.seconds is not None:
            self.ends = time.monotonic() + self.seconds

    def passed(self, phase: str) -> str:
        return f"the call's deadline of {self.seconds:g} s passed {phase}"

    def check_body(self) -> None:
        if self.ends is not None and time.monotonic() >= self.ends:
            raise httpx.ReadTimeout(self.passed("while the answer's body was read"))

    @property
    def reached(self) -> bool:
        """Whether the request may have reached the server: yes once it started to be written,
        and whenever the transport (not httpcore's) reported nothing."""
        return self.sent or not self.traced

    async def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook (async): note when the request starts to be written."""
        self.traced = True
        if "send_request_headers" in event:
            self.sent = True


class _CappedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response's body as its transport yields it, refused once it passes `cap` bytes and, in
    a blocking read, checked against the exchange's deadline after each chunk (a caller's
    transport has no deadline of its own).

    For a body without Content-Encoding only: the bytes counted are then the bytes kept, so the
    response reads itself through this stream (`read()`), instead of the chunks being collected
    and a second response built from them, as a decompressed body needs: a second read of the
    body on every call (README, "Benchmarks"). A Content-Length is not trusted: every byte is
    counted.
    """

    def __init__(
        self,
        inner: httpx.SyncByteStream | httpx.AsyncByteStream,
        cap: int | None,
        exchange: _Exchange,
        refuse: Callable[[], ResponseError],
    ) -> None:
        self._inner = inner
        self._cap = cap
        self._exchange = exchange
        self._refuse = refuse
        self._size = 0

    def _count(self, chunk: bytes) -> bytes:
        self._size += len(chunk)
        if self._cap is not None and self._size > self._cap:
            raise self._refuse()
        return chunk

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._inner, httpx.SyncByteStream)
        for chunk in self._inner:
            yield self._count(chunk)
            self._exchange.check_body()

    async def __aiter__(self) -> AsyncIterator[bytes]:  # asyncio.timeout keeps the deadline
        assert isinstance(self._inner, httpx.AsyncByteStream)
        async for chunk in self._inner:
            yield self._count(chunk)

    def close(self) -> None:
        assert isinstance(self._inner, httpx.SyncByteStream)
        self._inner.close()

    async def aclose(self) -> None:
        assert isinstance(self._inner, httpx.AsyncByteStream)
        await self._inner.aclose()


_STATUS_NOTE = "_outbound_http_status"


def _note_status(exc: httpx.TransportError, status: int | None) -> None:
    """Keep on a failure while the body was read the HTTP status that had already arrived, for
    `TransportError.http_status` (an answer cut off after "200 OK" most likely took effect)."""
    setattr(exc, _STATUS_NOTE, status)


_EXCHANGE: contextvars.ContextVar[_Exchange | None] = contextvars.ContextVar(
    "outbound_exchange", default=None
)

_WRITE_PIECE = 16384  # a write waits at most the time left per piece, not per request


def _within_deadline(
    step: Callable[[float | None], Any],
    timeout: float | None,
    error: type[httpcore.TimeoutException],
    phase: str,
) -> Any:
    """Run one network step of the current exchange with a timeout no longer than its time left;
    past the deadline, raise `error` saying so."""
    exchange = _EXCHANGE.get()
    if exchange is None or exchange.ends is None:
        return step(timeout)
    left = exchange.ends - time.monotonic()
    if left <= 0:
        raise error(exchange.passed(phase))
    if timeout is not None and timeout < left:
        return step(timeout)  # the phase's own timeout comes first
    try:
        return step(left)
    except httpcore.TimeoutException:
        raise error(exchange.passed(phase)) from None


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the current exchange's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = _within_deadline(
            lambda t: self._inner.read(max_bytes, t),
            timeout,
            httpcore.ReadTimeout,
            "while waiting for the answer",
        )
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), _WRITE_PIECE):
            piece = buffer[start : start + _WRITE_PIECE]
            _within_deadline(
                functools.partial(self._inner.write, piece),
                timeout,
                httpcore.WriteTimeout,
                "while the request was sent",
            )

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        stream: httpcore.NetworkStream = _within_deadline(
            lambda t: self._inner.start_tls(ssl_context, server_hostname, t),
            timeout,
            httpcore.ConnectTimeout,
            "during the TLS handshake",
        )
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's blocking backend, its connections wrapped in `_DeadlineStream`."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream: httpcore.NetworkStream = _within_deadline(
            lambda t: self._inner.connect_tcp(host, port, t, local_address, socket_options),
            timeout,
            httpcore.ConnectTimeout,
            "before a connection was established",
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream: httpcore.NetworkStream = _within_deadline(
            lambda t: self._inner.connect_unix_socket(path, t, socket_options),
            timeout,
            httpcore.ConnectTimeout,
            "before a connection was established",
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """httpcore's exceptions as httpx's of the same name, as httpx's own transport does."""
    try:
        yield
    except Exception as exc:
        for cls in type(exc).__mro__:
            mapped = getattr(httpx, cls.__name__, None)
            if isinstance(mapped, type) and issubclass(mapped, httpx.TransportError):
                raise mapped(str(exc)) from exc
        raise


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, inner: Iterable[bytes]) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._inner

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class _DeadlineTransport(httpx.BaseTransport):
    """httpx's default transport (same limits), its connections made by `_DeadlineBackend`.

    httpx.HTTPTransport takes no network backend, so this one is built from public parts: an
    httpcore.ConnectionPool given the backend, and the request/response conversion of httpx's.
    """

    def __init__(self, verify: bool | ssl.SSLContext) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=100,  # httpx's default limits
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_DeadlineBackend(httpcore.SyncBackend()),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = self._pool.handle_request(core_request)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


# ---------------------------------------------------------------------------------------------
# Cores
# ---------------------------------------------------------------------------------------------


def _ssl_verify(verify: bool | str | ssl.SSLContext) -> bool | ssl.SSLContext:
    """A CA bundle path (file or directory) becomes an SSL context; TLS checks stay on."""
    if isinstance(verify, str):
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        return ssl.create_default_context(cafile=verify)
    return verify


class _CoreBase:
    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth,
        envelope: Envelope,
        api_error: type[ApiError] = ApiError,
        headers: Mapping[str, str] | None = None,
        max_retries: int = 3,
        backoff: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        deadline: float | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        pacer: Pacer | str | None = None,
        service: str = "",
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if max_response_bytes is not None and max_response_bytes < 1:
            raise ValueError("max_response_bytes must be >= 1 (None: no limit)")
        self.deadline = deadline  # seconds per exchange, see deadline_for (None: none)
        self.max_response_bytes = max_response_bytes
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.envelope = envelope
        self.api_error = api_error
        self.headers: dict[str, str] = dict(headers or {})
        self.max_retries = max_retries
        self.backoff = backoff
        self._clock = clock
        self._jitter = jitter
        # the default pacer reads the core's clock at each call (tests replace `_clock`)
        self.pacer, self._owns_pacer = resolve_pacer(pacer, lambda: self._clock())
        self.service = service
        self._pace_keys: dict[str, PaceKey] = {}
        self._urls: dict[tuple[str, tuple[tuple[str, str], ...]], httpx.URL] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r}, auth={self.auth!r})"

    def pace_key(self, op: Operation) -> PaceKey:
        """What the operation's pacing covers: this service, the operation, the account."""
        key = self._pace_keys.get(op.id)
        if key is None:
            key = self._pace_keys[op.id] = PaceKey(self.service, op.id, self.auth.account)
        return key

    # -- request ------------------------------------------------------------------------------

    def url_for(self, op: Operation, path_params: Mapping[str, object]) -> httpx.URL:
        """The full URL: base URL + path with percent-encoded parameters + fixed query.

        Cached per operation and parameters: parsing a URL costs more than validating a small
        body, and a client calls the same few campaigns over and over.
        """
        key = (op.id, tuple(sorted((k, _path_text(v)) for k, v in path_params.items())))
        url = self._urls.get(key)
        if url is None:
            if len(self._urls) >= _URL_CACHE_SIZE:
                self._urls.clear()
            url = self._urls[key] = self._build_url(op, path_params)
        return url

    def _build_url(self, op: Operation, path_params: Mapping[str, object]) -> httpx.URL:
        names = _PATH_PARAM.findall(op.path)
        unknown = sorted(set(path_params) - set(names))
        if unknown:
            raise ValueError(f"{op.id}: unknown path parameters {unknown}")
        missing = [name for name in names if name not in path_params]
        if missing:
            raise ValueError(f"{op.id}: missing path parameters {missing}")

        def substitute(match: re.Match[str]) -> str:
            return quote(_path_text(path_params[match.group(1)]), safe="")

        target = self.base_url + _PATH_PARAM.sub(substitute, op.path)
        if op.query:
            target += "?" + _query_text(op.query)
        return httpx.URL(target)

    def encode(self, body: dict[str, Any]) -> bytes:
        return encode_json(self.auth.prepare_body(body))

    def _fix_request_defaults(self, client: httpx.Client | httpx.AsyncClient) -> None:
        """Merge once what every request shares: the client's default headers under ours."""
        fixed = httpx.Headers(client.headers)
        fixed.update(self.headers)
        self._fixed_headers = fixed.multi_items()
        self._fixed_names = {"host", "content-length"} | {name.lower() for name in fixed}
        self._extensions = {"timeout": client.timeout.as_dict()}

    def _request(
        self,
        client: httpx.Client | httpx.AsyncClient,
        op: Operation,
        url: httpx.URL,
        content: bytes,
    ) -> tuple[httpx.Request, object | None]:
        """The request `client.build_request(method, url, content=content)` makes, made directly,
        and what the auth signed for it (see `Auth.sign`).

        build_request merges the client's headers again and re-encodes and re-reads the body on
        every call: ~20 µs against ~3 µs here in a micro-benchmark, several times that in the
        loopback one (bench/bench_client.py). Here the shared headers are merged once and the
        body already is bytes; the request is the same (client headers, `Host`,
        `Content-Length`, cookies, timeout), which tests compare with build_request's.
        """
        method = op.method.upper()
        length = str(len(content))
        host = url.netloc.decode("ascii")
        own, signed = self.auth.sign(
            method, url, {"Host": host, "Content-Length": length, **self.headers}, content
        )
        headers = [("Host", host), ("Content-Length", length), *self._fixed_headers]
        if own:
            replaced = {name.lower() for name in own}
            if not replaced.isdisjoint(self._fixed_names):
                headers = [(n, v) for n, v in headers if n.lower() not in replaced]
            headers.extend(own.items())
        request = httpx.Request(
            method,
            url,
            headers=headers,
            cookies=client.cookies,
            stream=httpx.ByteStream(content),
            extensions=self._extensions,
        )
        request.read()  # `.content` readable, as for a request built with content=
        return request, signed

    # -- decisions ----------------------------------------------------------------------------

    def _retry_delay(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": in [base/2, base], base = backoff·2^(n-1)."""
        base = self.backoff * 2.0 ** (attempt - 1)
        return base / 2 + self._jitter() * base / 2

    def _transport_error(
        self, op: Operation, url: httpx.URL, exc: httpx.TransportError
    ) -> TransportError:
        reached = not isinstance(exc, _NEVER_CONNECTED)
        detail = str(exc)
        message = f"{type(exc).__name__}" + (f" ({detail})" if detail else "")
        if reached and op.creates:
            message += "; not resent because this operation creates data"
        return TransportError(
            message,
            may_have_reached_server=reached,
            method=op.method.upper(),
            path=url.path,
            exception=exc,
            http_status=getattr(exc, _STATUS_NOTE, None),
        )

    def _may_retry_transport(self, exc: httpx.TransportError, attempt: int) -> bool:
        """Only a connection that was never established, and not a refused certificate: a
        certificate fails the same way every time, so retrying it only delays the error."""
        return (
            isinstance(exc, _NEVER_CONNECTED)
            and not _certificate_refused(exc)
            and attempt <= self.max_retries
        )

    def _may_retry_api(self, error: ApiError, attempt: int) -> bool:
        return error.retryable and attempt <= self.max_retries

    def _log(self, op: Operation, url: httpx.URL, outcome: object, started: float) -> None:
        if not logger.isEnabledFor(logging.DEBUG):  # the arguments cost more than the check
            return
        logger.debug(
            "%s %s %s -> %s in %.3fs",
            op.id,
            op.method.upper(),
            url.path,
            outcome,
            self._clock() - started,
        )

    def _log_retry(self, op: Operation, reason: str, attempt: int, delay: float) -> None:
        logger.info(
            "%s: retry %d/%d in %.2fs after %s", op.id, attempt, self.max_retries, delay, reason
        )

    # -- response -----------------------------------------------------------------------------

    def _check_length(self, response: httpx.Response) -> None:
        """Refuse at once a body whose announced length exceeds the cap."""
        cap = self.max_response_bytes
        length = response.headers.get("content-length", "")
        if cap is not None and length.isdigit() and int(length) > cap:
            raise self._too_large(response, f"Content-Length is {length}")

    def _capped(self, response: httpx.Response, exchange: _Exchange) -> _CappedBody:
        """The response's body stream, counted against the cap while it is read."""
        return _CappedBody(
            response.stream,
            self.max_response_bytes,
            exchange,
            functools.partial(self._too_large, response, "more was sent"),
        )

    def _too_large(self, response: httpx.Response, what: str) -> ResponseError:
        return ResponseError(
            f"the response body exceeds max_response_bytes ({self.max_response_bytes} bytes; "
            f"{what}); the request reached the server, whether it took effect is unknown",
            http_status=response.status_code,
        )

    @staticmethod
    def _complete(response: httpx.Response, chunks: list[bytes]) -> httpx.Response:
        """The response with its body read: already decoded, so without Content-Encoding."""
        headers = response.headers
        if "content-encoding" in headers:
            headers = headers.copy()
            del headers["content-encoding"]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=b"".join(chunks),
            request=response.request,
            extensions=response.extensions,
        )

    @staticmethod
    def _undecodable(response: httpx.Response, exc: httpx.DecodingError) -> ResponseError:
        return ResponseError(
            f"cannot decode the response body ({exc}); the request reached the server, whether "
            "it took effect is unknown",
            http_status=response.status_code,
        )

    def parse(self, response: httpx.Response, signed: object | None = None) -> dict[str, Any]:
        """The decoded body of a success response; raises ApiError / ResponseError otherwise.

        `signed`: what the auth signed for this attempt (`Auth.sign`); an HTTP 401 answer's
        ApiError then says what to check and carries the signed text (`.signed_request`).
        """
        raw = response.content
        status = response.status_code
        body: Any = MISSING
        too_deep = False
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                body = MISSING
            except RecursionError:  # json's decoder recurses once per level of nesting
                too_deep = True
        http_error = status >= 400
        refusal = self._refusal(signed) if status == 401 and signed is not None else {}
        if not isinstance(body, dict):
            kept = _raw_text(response) if body is MISSING else body
            if http_error:
                raise self.api_error(
                    f"HTTP {status}",
                    response.reason_phrase or None,
                    None,
                    status,
                    kept,
                    raw,
                    **refusal,
                )
            if too_deep:
                what = "JSON nested too deeply to read"
            else:
                what = "not JSON" if body is MISSING else f"a JSON {type(body).__name__}"
                what += ", not a JSON object"
            raise ResponseError(
                f"response body is {what} ({len(raw)} bytes)",
                http_status=status,
                raw=raw,
                body=kept,
            )
        envelope = self.envelope
        code = envelope.code_of(body)
        if code in envelope.success and not http_error:
            return body  # the common case: nothing else to read
        message = envelope.message_of(body)
        request_id = envelope.request_id_of(body)
        if code is None:
            if http_error:
                raise self.api_error(
                    f"HTTP {status}", message, request_id, status, body, raw, **refusal
                )
            raise ResponseError(
                "response has no result code",
                http_status=status,
                raw=raw,
                body=body,
                violations=[Violation(envelope.code, "required", None, "result code missing")],
            )
        if code in envelope.success:
            if http_error:
                raise ResponseError(
                    f"result code {code} means success but the HTTP status is an error; "
                    "the outcome is unknown",
                    http_status=status,
                    raw=raw,
                    body=body,
                )
            return body
        retryable = True if code in envelope.retryable else None
        raise self.api_error(code, message, request_id, status, body, raw, retryable, **refusal)

    def _refusal(self, signed: object) -> dict[str, Any]:
        """ApiError's `hint` and `signed_request` for an attempt answered HTTP 401."""
        hint, signed_request = self.auth.explain_refusal(signed)
        return {"hint": hint, "signed_request": signed_request}


_QUERY_SAFE = "/:@"
"""Kept as is in a fixed query besides the unreserved characters (RFC 3986 allows them there).
Everything else is percent-encoded, `=`, `&`, `;`, `+`, `?` and `#` included, so a value can
neither split nor end the query whichever convention the server follows."""


def _query_text(query: Mapping[str, str]) -> str:
    """The fixed query as the documents write it: `r=groupcall/task-list`, not `%2F`.

    Only characters that would change the query's meaning are percent-encoded. A signer that
    covers the query (Huawei auth-v2) re-encodes every name and value canonically, so the
    signature is the same whichever form travels.
    """
    return "&".join(
        f"{quote(name, safe=_QUERY_SAFE)}={quote(value, safe=_QUERY_SAFE)}"
        for name, value in query.items()
    )


def _certificate_refused(exc: BaseException) -> bool:
    """True when the TLS handshake failed on certificate verification (anywhere in the chain)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _path_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _raw_text(response: httpx.Response) -> str:
    try:
        return response.content.decode(response.encoding or "utf-8", errors="replace")
    except LookupError:
        return response.content.decode("utf-8", errors="replace")


class SyncCore(_CoreBase):
    """Blocking transport core; thread-safe (the pacer sends one request of a key at a time)."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth,
        envelope: Envelope,
        api_error: type[ApiError] = ApiError,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout = 10.0,
        verify: bool | str | ssl.SSLContext = True,
        transport: httpx.BaseTransport | None = None,
        max_retries: int = 3,
        backoff: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        deadline: float | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        pacer: Pacer | str | None = None,
        service: str = "",
    ) -> None:
        super().__init__(
            base_url,
            auth=auth,
            envelope=envelope,
            api_error=api_error,
            headers=headers,
            max_retries=max_retries,
            backoff=backoff,
            clock=clock,
            jitter=jitter,
            deadline=deadline_for(timeout, deadline),
            max_response_bytes=max_response_bytes,
            pacer=pacer,
            service=service,
        )
        self._sleep = sleep
        ssl_verify = _ssl_verify(verify)
        self._client = httpx.Client(
            timeout=timeout,
            verify=ssl_verify,
            transport=transport if transport is not None else _DeadlineTransport(ssl_verify),
        )
        self._fix_request_defaults(self._client)

    def call(
        self, op: Operation, path_params: Mapping[str, object], body: dict[str, Any]
    ) -> tuple[dict[str, Any], httpx.Response]:
        """Send `body` to `op`; returns the decoded success body and the response."""
        url = self.url_for(op, path_params)
        content = self.encode(body)
        attempt = 0
        while True:
            attempt += 1
            with self._paced(op) if op.min_interval else _NOT_PACED:
                started = self._clock()
                request, signed = self._request(self._client, op, url, content)
                try:
                    response = self._exchange(request)
                except httpx.TransportError as exc:
                    self._log(op, url, type(exc).__name__, started)
                    error = self._transport_error(op, url, exc)
                    if not self._may_retry_transport(exc, attempt):
                        raise error from exc
                    retry_reason = type(exc).__name__
                else:
                    self._log(op, url, response.status_code, started)
                    try:
                        return self.parse(response, signed), response
                    except ApiError as api_error:
                        if not self._may_retry_api(api_error, attempt):
                            raise
                        retry_reason = f"result code {api_error.raw_code}"
            delay = self._retry_delay(attempt)
            self._log_retry(op, retry_reason, attempt, delay)
            self._sleep(delay)

    def _exchange(self, request: httpx.Request) -> httpx.Response:
        """Send the request and read the whole answer, within the deadline and the size cap."""
        exchange = _Exchange(self.deadline)
        token = _EXCHANGE.set(exchange)  # read by _DeadlineTransport's connections
        chunks: list[bytes] = []
        try:
            response = self._client.send(request, stream=True)
            try:
                self._check_length(response)
                if "content-encoding" not in response.headers:  # read as is: see _CappedBody
                    response.stream = self._capped(response, exchange)
                    response.read()
                    return response
                size = 0  # decompressed: the decoded bytes count
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if self.max_response_bytes is not None and size > self.max_response_bytes:
                        raise self._too_large(response, "more was sent")
                    chunks.append(chunk)
                    exchange.check_body()  # a caller's transport has no deadline of its own
            except httpx.DecodingError as exc:
                raise self._undecodable(response, exc) from exc
            except httpx.TransportError as exc:
                _note_status(exc, response.status_code)
                raise
            finally:
                response.close()
        finally:
            _EXCHANGE.reset(token)
        return self._complete(response, chunks)

    def _paced(self, op: Operation) -> contextlib.AbstractContextManager[None]:
        """The pacer's slot from the wait until the response ended (see `min_interval`)."""
        if not op.min_interval:
            return _NOT_PACED
        return self.pacer.slot(
            self.pace_key(op), op.min_interval, sleep=self._sleep, hold=self.deadline
        )

    def close(self) -> None:
        self._client.close()
        if self._owns_pacer:
            self.pacer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncCore(_CoreBase):
    """The asyncio twin of `SyncCore` (its pacer's `aslot` waits without blocking the loop)."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth,
        envelope: Envelope,
        api_error: type[ApiError] = ApiError,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout = 10.0,
        verify: bool | str | ssl.SSLContext = True,
        transport: httpx.AsyncBaseTransport | None = None,
        max_retries: int = 3,
        backoff: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        deadline: float | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        pacer: Pacer | str | None = None,
        service: str = "",
    ) -> None:
        super().__init__(
            base_url,
            auth=auth,
            envelope=envelope,
            api_error=api_error,
            headers=headers,
            max_retries=max_retries,
            backoff=backoff,
            clock=clock,
            jitter=jitter,
            deadline=deadline_for(timeout, deadline),
            max_response_bytes=max_response_bytes,
            pacer=pacer,
            service=service,
        )
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            timeout=timeout, verify=_ssl_verify(verify), transport=transport
        )
        self._fix_request_defaults(self._client)

    async def call(
        self, op: Operation, path_params: Mapping[str, object], body: dict[str, Any]
    ) -> tuple[dict[str, Any], httpx.Response]:
        """Send `body` to `op`; returns the decoded success body and the response."""
        url = self.url_for(op, path_params)
        content = self.encode(body)
        attempt = 0
        while True:
            attempt += 1
            async with self._paced(op):
                started = self._clock()
                request, signed = self._request(self._client, op, url, content)
                try:
                    response = await self._exchange(request)
                except httpx.TransportError as exc:
                    self._log(op, url, type(exc).__name__, started)
                    error = self._transport_error(op, url, exc)
                    if not self._may_retry_transport(exc, attempt):
                        raise error from exc
                    retry_reason = type(exc).__name__
                else:
                    self._log(op, url, response.status_code, started)
                    try:
                        return self.parse(response, signed), response
                    except ApiError as api_error:
                        if not self._may_retry_api(api_error, attempt):
                            raise
                        retry_reason = f"result code {api_error.raw_code}"
            delay = self._retry_delay(attempt)
            self._log_retry(op, retry_reason, attempt, delay)
            await self._sleep(delay)

    async def _exchange(self, request: httpx.Request) -> httpx.Response:
        """Send the request and read the whole answer, within the deadline and the size cap."""
        exchange = _Exchange(self.deadline)
        request.extensions["trace"] = exchange.trace  # a copy: the shared dict is not changed
        chunks: list[bytes] = []
        status: int | None = None
        try:
            async with asyncio.timeout(exchange.seconds):
                response = await self._client.send(request, stream=True)
                status = response.status_code
                try:
                    self._check_length(response)
                    if "content-encoding" not in response.headers:  # see _CappedBody
                        response.stream = self._capped(response, exchange)
                        await response.aread()
                        return response
                    size = 0  # decompressed: the decoded bytes count
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if self.max_response_bytes is not None and size > self.max_response_bytes:
                            raise self._too_large(response, "more was sent")
                        chunks.append(chunk)
                except httpx.DecodingError as exc:
                    raise self._undecodable(response, exc) from exc
                except httpx.TransportError as exc:
                    _note_status(exc, status)
                    raise
                finally:
                    await response.aclose()
        except TimeoutError:
            if exchange.reached:
                timeout = httpx.ReadTimeout(
                    exchange.passed("before the answer was complete"), request=request
                )
                _note_status(timeout, status)
                raise timeout from None
            raise httpx.ConnectTimeout(
                exchange.passed("before the request was sent"), request=request
            ) from None
        return self._complete(response, chunks)

    def _paced(self, op: Operation) -> contextlib.AbstractAsyncContextManager[None]:
        if not op.min_interval:
            return _NOT_PACED
        return self.pacer.aslot(
            self.pace_key(op), op.min_interval, sleep=self._sleep, hold=self.deadline
        )

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._owns_pacer:
            await self.pacer.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
