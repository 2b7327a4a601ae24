"""The recording vendor server of the end-to-end tests (uvicorn + Starlette on 127.0.0.1).

`MockVendor` records every request exactly as it arrived (method, raw path, raw query, headers,
body bytes, arrival time) and answers from a queue of `Reply`s, then from `default`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

LOOPBACK = "127.0.0.1"


# ---------------------------------------------------------------------------------------------
# What the server saw, what it answers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One request exactly as the server received it."""

    method: str
    scheme: str
    host: str  # the Host header
    path: str  # the raw path as sent (percent-encoding kept), without the query
    query: str  # the raw query string as sent ("" when none)
    header_pairs: tuple[tuple[str, str], ...]  # in arrival order, names lower-cased
    body: bytes
    arrived: float  # time.monotonic() when the request reached the app

    @property
    def headers(self) -> dict[str, str]:
        return dict(self.header_pairs)

    @property
    def url(self) -> httpx.URL:
        """The URL the client addressed (scheme, Host header, raw path and query)."""
        target = f"{self.scheme}://{self.host}{self.path}"
        return httpx.URL(target + (f"?{self.query}" if self.query else ""))

    def json(self) -> Any:
        return json.loads(self.body)

    def keys(self) -> list[str]:
        """Top-level member names of the JSON body, in wire order."""
        return list(json.loads(self.body))


@dataclass
class Reply:
    """An answer: `body` a JSON value (encoded), or bytes/str sent verbatim."""

    body: Any = None
    status: int = 200
    delay: float = 0.0
    content_type: str | None = None

    def render(self) -> Response:
        if isinstance(self.body, bytes | str):
            content = self.body.encode() if isinstance(self.body, str) else self.body
            media = self.content_type or "text/plain; charset=utf-8"
        else:
            content = json.dumps(self.body, ensure_ascii=False).encode("utf-8")
            media = self.content_type or "application/json;charset=UTF-8"
        return Response(content, status_code=self.status, media_type=media)


Responder = Reply | Callable[[Seen], Reply]


@dataclass
class MockVendor:
    """The recording app plus the uvicorn server that runs it."""

    scheme: str = "http"
    requests: list[Seen] = field(default_factory=list)
    replies: deque[Responder] = field(default_factory=deque)
    default: Responder = field(default_factory=lambda: Reply({"unset": True}, status=599))
    port: int = 0
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    # -- test API ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{LOOPBACK}:{self.port}"

    def reply(self, *responders: Responder) -> None:
        """Queue answers, used in order; the `default` answers once the queue is empty."""
        self.replies.extend(responders)

    def reset(self) -> None:
        self.requests.clear()
        self.replies.clear()
        self.default = Reply({"unset": True}, status=599)

    def wait_quiet(self, count: int, timeout: float = 3.0) -> list[Seen]:
        """Wait until at least `count` requests arrived, then a little longer for stragglers."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        return list(self.requests)

    # -- the app ----------------------------------------------------------------------------

    async def _handle(self, request: Request) -> Response:
        arrived = time.monotonic()
        body = await request.body()
        scope = request.scope
        raw_path = scope.get("raw_path") or scope["path"].encode()
        seen = Seen(
            method=request.method,
            scheme=scope["scheme"],
            host=request.headers.get("host", ""),
            path=raw_path.decode("latin-1"),
            query=scope["query_string"].decode("latin-1"),
            header_pairs=tuple(
                (name.decode("latin-1").lower(), value.decode("latin-1"))
                for name, value in scope["headers"]
            ),
            body=body,
            arrived=arrived,
        )
        self.requests.append(seen)
        try:
            responder = self.replies.popleft()
        except IndexError:
            responder = self.default
        reply = responder(seen) if callable(responder) else responder
        if reply.delay:
            await asyncio.sleep(reply.delay)
        return reply.render()

    def app(self) -> Starlette:
        methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
        return Starlette(routes=[Route("/{path:path}", self._handle, methods=methods)])

    # -- lifecycle --------------------------------------------------------------------------

    def start(self, **ssl: Any) -> None:
        config = uvicorn.Config(
            self.app(),
            host=LOOPBACK,
            port=self.port,
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=1,
            **ssl,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=f"vendor-{self.scheme}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        self.port = server.servers[0].sockets[0].getsockname()[1]
        self._server, self._thread = server, thread

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None


def start_vendor(port: int = 0, **ssl: Any) -> MockVendor:
    vendor = MockVendor(scheme="https" if ssl else "http", port=port)
    vendor.start(**ssl)
    return vendor


def closed_port() -> int:
    """A loopback port on which nothing listens (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    server_cert: Path
    server_key: Path


@dataclass(frozen=True)
class RsaKeys:
    private_pem: str
    public_pem: str
