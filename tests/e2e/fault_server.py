"""A deliberately misbehaving HTTP/1.1 server on 127.0.0.1, built on raw sockets.

uvicorn answers well; real gateways and broken servers do not. `FaultServer` reads each request
itself (request line, headers, a Content-Length body) and then runs the next `Act` of its queue
on the raw connection: answer properly (from a handler, e.g. the vendor simulator), answer an
HTML gateway page, drip the answer one byte at a time, send a huge body, keep silent, or reset
the connection (RST). Every answer closes its connection, so each request has a fresh one.
One thread per connection; the threads stop when the server does or the client hangs up.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One request as the server read it."""

    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]  # names lower-cased
    body: bytes
    arrived: float  # time.monotonic()


Answer = tuple[int, dict[str, str], bytes]  # status, headers, body
Handler = Callable[[Received], Answer]
Act = Callable[["FaultServer", socket.socket, Received], None]

_REASONS = {200: "OK", 401: "Unauthorized", 500: "Internal Server Error", 502: "Bad Gateway"}
_REASONS |= {503: "Service Unavailable", 504: "Gateway Timeout"}


def head_bytes(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def response_bytes(status: int, headers: dict[str, str], body: bytes) -> bytes:
    merged = {"Content-Length": str(len(body)), "Connection": "close", **headers}
    return head_bytes(status, merged) + body


def gateway_page(status: int) -> Answer:
    """What nginx sends in front of an application that failed or did not answer in time."""
    reason = _REASONS.get(status, "Error")
    page = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode("ascii")
    return status, {"Content-Type": "text/html", "Server": "nginx"}, page


# -- acts ---------------------------------------------------------------------------------------


def serve(server: FaultServer, conn: socket.socket, request: Received) -> None:
    """Answer properly, with the server's handler."""
    conn.sendall(response_bytes(*server.handler(request)))


def answer(status: int, headers: dict[str, str], body: bytes, *, handled: bool = False) -> Act:
    """Send this answer; `handled`: let the handler serve the request first (a gateway whose
    application acted, then answered something else)."""

    def act(server: FaultServer, conn: socket.socket, request: Received) -> None:
        if handled:
            server.handler(request)
        conn.sendall(response_bytes(status, headers, body))

    return act


def gateway(status: int, *, handled: bool) -> Act:
    return answer(*gateway_page(status), handled=handled)


def silence(seconds: float, *, handled: bool) -> Act:
    """Say nothing for `seconds` (or until the client hangs up), then close."""

    def act(server: FaultServer, conn: socket.socket, request: Received) -> None:
        if handled:
            server.handler(request)
        server.wait_or_hangup(conn, seconds)

    return act


def reset(*, handled: bool, partial: bytes = b"") -> Act:
    """Send `partial` (e.g. half a status line), then reset the connection (TCP RST)."""

    def act(server: FaultServer, conn: socket.socket, request: Received) -> None:
        if handled:
            server.handler(request)
        if partial:
            conn.sendall(partial)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return act


def drip(every: float, *, headers_at_once: bool, status: int = 200, give_up: float = 12) -> Act:
    """An answer sent one byte every `every` seconds (after the headers, or from the start),
    with a body far too long to end before the client gives up; the server itself gives up
    (closes) after `give_up` seconds, so a client without a deadline fails a test, not hangs it."""

    def act(server: FaultServer, conn: socket.socket, request: Received) -> None:
        body = b'{"resultCode":"0200000","resultDesc":"' + b" " * 100_000 + b'"}'
        raw = response_bytes(status, {"Content-Type": "application/json"}, body)
        head_end = raw.index(b"\r\n\r\n") + 4
        if headers_at_once:
            conn.sendall(raw[:head_end])
            raw = raw[head_end:]
        until = time.monotonic() + give_up
        for i in range(len(raw)):
            if server.stopping.wait(every) or time.monotonic() > until:
                return
            try:
                conn.sendall(raw[i : i + 1])
            except OSError:
                server.drip_stopped.append(time.monotonic())
                return

    return act


def huge(total: int, *, announce: bool, compressed: bool = False, claim: int | None = None) -> Act:
    """A body of `total` bytes (zeros after decompression when `compressed`), announced with
    Content-Length or sent chunked without one. `claim`: a lying Content-Length sent instead
    (announce=True) or beside the chunked Transfer-Encoding (announce=False)."""

    def act(server: FaultServer, conn: socket.socket, request: Received) -> None:
        body = b"0" * total
        headers = {"Content-Type": "application/json", "Connection": "close"}
        if compressed:
            body = gzip.compress(body, compresslevel=9)
            headers["Content-Encoding"] = "gzip"
        parts = [body[i : i + 65536] for i in range(0, len(body), 65536)]
        if claim is not None:
            headers["Content-Length"] = str(claim)
        if announce:
            head = head_bytes(200, {"Content-Length": str(len(body)), **headers})
            pieces = parts
        else:
            head = head_bytes(200, {**headers, "Transfer-Encoding": "chunked"})
            pieces = [f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts] + [b"0\r\n\r\n"]
        try:
            conn.sendall(head)
            for piece in pieces:
                conn.sendall(piece)
                server.huge_sent += len(piece)
        except OSError:
            return

    return act


# -- the server ---------------------------------------------------------------------------------


def _no_handler(request: Received) -> Answer:
    raise AssertionError(f"no handler for {request.method} {request.target}")


@dataclass
class FaultServer:
    handler: Handler = _no_handler
    acts: deque[Act] = field(default_factory=deque)
    default: Act = serve
    received: list[Received] = field(default_factory=list)
    drip_stopped: list[float] = field(default_factory=list)  # when a client hung up on a drip
    huge_sent: int = 0
    connections: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    _sock: socket.socket | None = None
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def then(self, *acts: Act) -> Self:
        """Queue acts for the next requests, in order; `default` afterwards."""
        self.acts.extend(acts)
        return self

    def start(self) -> Self:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, 0))
        sock.listen(64)
        sock.settimeout(0.1)
        self._sock = sock
        self.port = sock.getsockname()[1]
        thread = threading.Thread(target=self._accept, name="fault-server", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_or_hangup(self, conn: socket.socket, seconds: float) -> None:
        """Keep the connection open and silent until `seconds` pass or the client closes it."""
        deadline = time.monotonic() + seconds
        conn.settimeout(0.05)
        while not self.stopping.is_set() and time.monotonic() < deadline:
            try:
                if conn.recv(1) == b"":
                    return
            except TimeoutError:
                continue
            except OSError:
                return

    def _accept(self) -> None:
        assert self._sock is not None
        while not self.stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            request = self._read(conn)
            if request is None:  # closed, or no HTTP request (a TLS ClientHello): stay silent
                self.wait_or_hangup(conn, 30)
                return
            self.received.append(request)
            act = self.acts.popleft() if self.acts else self.default
            try:
                act(self, conn, request)
            except OSError:
                pass

    def _read(self, conn: socket.socket) -> Received | None:
        conn.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                more = conn.recv(65536)
                if not more:
                    return None
                data += more
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            while len(body) < length:
                more = conn.recv(65536)
                if not more:
                    return None
                body += more
        except (OSError, ValueError):
            return None
        return Received(method, target, headers, body, time.monotonic())
