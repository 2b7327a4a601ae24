"""Receiving what a vendor pushes (Yantong's call results): an ASGI app and a small server.

One reading for both (`PushReader`): the body is read up to `max_body_bytes`, decoded as JSON
and read tolerantly by the service's parser (`parse_call_result`: the model, with its
`.deviations`). A push that cannot be read — larger than the limit, not JSON, not a JSON
object, nested deeper than `max_depth`, cut off — is a `RejectedPush`: logged (reason, size,
peer; never its content) and handed to `on_reject`, then answered with an error status.

* `callback_app(spec, handler)` (each service with callbacks exposes `callback_app(handler)`):
  a plain ASGI 3 app for any ASGI server. The handler gets the model; a coroutine function runs
  on the event loop, a plain function in a worker thread. The push is answered once the
  handler returned: `answer` (default HTTP 200 and `{"statusCode":0,"message":"success"}`),
  HTTP 500 when the handler or `on_reject` raised (so the vendor may push again), 400 / 413 for
  a rejected push, 405 for a method other than POST.
* `serve(...)` / `cli_main(service_module, argv)` — `python -m outbound SERVICE
  serve-callbacks --host H --port P --to results.jsonl`: the standard library's threading
  HTTP server (no dependency), which appends each push to `--to` and each rejected push to
  `--rejects` durably (written, then fsync) before answering.

The document does not say what answer the vendor expects (spec note `callback_answer`): the
default is its own success envelope, which reads as success whether the vendor checks the HTTP
status, looks for "success" or reads `statusCode` 0.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import inspect
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, TypeVar

from .errors import ValidationError, Violation

__all__ = [
    "DEFAULT_ANSWER",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_DEPTH",
    "ASGIApp",
    "CallbackAnswer",
    "CallbackSpec",
    "JsonLinesFile",
    "Push",
    "PushReader",
    "RejectedPush",
    "callback_app",
    "cli_main",
    "push_app",
    "serve",
]

logger = logging.getLogger("outbound")

M = TypeVar("M")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""The largest push read (1 MiB): a documented call result is under 1 KiB."""
DEFAULT_MAX_DEPTH = 64
"""The deepest nesting of objects and arrays read: the documented push nests two deep."""


@dataclass(frozen=True)
class CallbackSpec(Generic[M]):
    """One documented callback: its service, its name and the service's tolerant parser."""

    service: str
    name: str
    parse: Callable[[Mapping[str, Any]], M]


@dataclass(frozen=True)
class CallbackAnswer:
    """What a push that was read and handled is answered."""

    status: int = 200
    body: bytes = b'{"statusCode":0,"message":"success"}'
    content_type: str = "application/json; charset=utf-8"


DEFAULT_ANSWER = CallbackAnswer()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Push(Generic[M]):
    """One push read: the model (tolerant, deviations in `.deviations` and here), the JSON
    object exactly as received, and when, from where and on which path it came."""

    callback: str
    model: M
    body: dict[str, Any]
    deviations: list[Violation]
    received_at: str
    peer: str | None
    path: str

    def record(self) -> dict[str, Any]:
        """The line `serve-callbacks` appends to its results file."""
        return {
            "received_at": self.received_at,
            "callback": self.callback,
            "peer": self.peer,
            "path": self.path,
            "body": self.body,
            "deviations": [
                {"path": v.path, "rule": v.rule, "message": v.message} for v in self.deviations
            ],
        }


@dataclass(frozen=True)
class RejectedPush:
    """A push that could not be read, kept whole (up to `max_body_bytes`: then `truncated`)."""

    callback: str
    reason: str  # "too large", "not JSON", "not a JSON object", "nested too deeply", "incomplete"
    detail: str
    raw: bytes
    size: int | None  # the bytes announced or received; None when unknown
    truncated: bool
    received_at: str
    peer: str | None
    path: str
    content_type: str | None
    status: int = field(default=400)  # the HTTP status it is answered with

    def record(self) -> dict[str, Any]:
        """The line `serve-callbacks` appends to its rejects file: the body as text when it is
        UTF-8, else in base64."""
        record: dict[str, Any] = {
            "received_at": self.received_at,
            "callback": self.callback,
            "reason": self.reason,
            "detail": self.detail,
            "peer": self.peer,
            "path": self.path,
            "content_type": self.content_type,
            "size": self.size,
            "truncated": self.truncated,
        }
        try:
            record["body_text"] = self.raw.decode("utf-8")
        except UnicodeDecodeError:
            record["body_base64"] = base64.b64encode(self.raw).decode("ascii")
        return record


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` deep (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class PushReader(Generic[M]):
    """Reads one push's bytes into a `Push` or a `RejectedPush`; never raises for the body."""

    def __init__(
        self,
        spec: CallbackSpec[M],
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_depth: int = DEFAULT_MAX_DEPTH,
    ) -> None:
        if max_body_bytes < 1 or max_depth < 1:
            raise ValueError("max_body_bytes and max_depth must be >= 1")
        self.spec = spec
        self.max_body_bytes = max_body_bytes
        self.max_depth = max_depth

    def read(
        self,
        raw: bytes,
        *,
        peer: str | None = None,
        path: str = "/",
        content_type: str | None = None,
        size: int | None = None,
        complete: bool = True,
    ) -> Push[M] | RejectedPush:
        """`raw`: the body read, at most `max_body_bytes` + 1 bytes (more means too large);
        `size`: the length announced, when known; `complete`: False when the sender went away."""
        received_at = _now()

        def reject(reason: str, detail: str, status: int = 400) -> RejectedPush:
            truncated = len(raw) > self.max_body_bytes
            return RejectedPush(
                callback=self.spec.name,
                reason=reason,
                detail=detail,
                raw=raw[: self.max_body_bytes],
                size=size if size is not None else (None if truncated else len(raw)),
                truncated=truncated,
                received_at=received_at,
                peer=peer,
                path=path,
                content_type=content_type,
                status=status,
            )

        if len(raw) > self.max_body_bytes or (size is not None and size > self.max_body_bytes):
            return reject(
                "too large", f"more than max_body_bytes ({self.max_body_bytes} bytes)", 413
            )
        if not complete:
            return reject("incomplete", f"the sender went away after {len(raw)} bytes")
        try:
            data = json.loads(raw)
        except RecursionError:
            return reject("nested too deeply", "too deep for the JSON decoder")
        except ValueError as exc:  # UnicodeDecodeError included
            return reject("not JSON", str(exc))
        if not isinstance(data, dict):
            return reject("not a JSON object", f"a JSON {type(data).__name__}")
        if _deeper_than(data, self.max_depth):
            return reject("nested too deeply", f"more than max_depth ({self.max_depth}) levels")
        try:
            model = self.spec.parse(data)
        except ValidationError as exc:  # the parser refuses only what was excluded above
            return reject("invalid", str(exc))
        deviations = list(getattr(model, "deviations", None) or [])
        return Push(self.spec.name, model, data, deviations, received_at, peer, path)

    def log_rejected(self, rejected: RejectedPush, where: str | None = None) -> None:
        logger.warning(
            "%s %s push rejected (%s: %s); %s bytes from %s%s",
            self.spec.service,
            self.spec.name,
            rejected.reason,
            rejected.detail,
            "unknown" if rejected.size is None else rejected.size,
            rejected.peer or "an unknown peer",
            f"; kept in {where}" if where else "",
        )


def _error_body(message: str) -> bytes:
    return json.dumps({"statusCode": 1, "message": message}).encode("utf-8")


_JSON = "application/json; charset=utf-8"
_NOT_STORED = "the push could not be handled; send it again"


# ---------------------------------------------------------------------------------------------
# The ASGI app
# ---------------------------------------------------------------------------------------------


async def _call(function: Callable[[Any], object], argument: Any) -> None:
    """Run a coroutine function (or an object with an async `__call__`) on the loop, a plain
    function in a worker thread, so that a slow one does not hold up other pushes."""
    if inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(
        type(function).__call__
    ):
        result = function(argument)
    else:
        result = await asyncio.to_thread(function, argument)
    if inspect.isawaitable(result):
        await result


async def _respond(
    send: Send, status: int, body: bytes, content_type: str = _JSON, extra: list[Any] | None = None
) -> None:
    headers = [
        (b"content-type", content_type.encode("latin-1")),
        (b"content-length", str(len(body)).encode("ascii")),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def push_app(
    spec: CallbackSpec[M],
    on_push: Callable[[Push[M]], object],
    *,
    on_reject: Callable[[RejectedPush], object] | None = None,
    answer: CallbackAnswer = DEFAULT_ANSWER,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> ASGIApp:
    """The ASGI app behind `callback_app`, handing the whole `Push` (model, body as received,
    time, peer, path) to `on_push`."""
    reader = PushReader(spec, max_body_bytes=max_body_bytes, max_depth=max_depth)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            await _respond(send, 405, _error_body("POST only"), extra=[(b"allow", b"POST")])
            return
        length = _header(scope, b"content-length")
        size = int(length) if length and length.isdigit() else None
        chunks: list[bytes] = []
        received, complete = 0, True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                complete = False
                break
            chunk = message.get("body", b"")
            chunks.append(chunk)
            received += len(chunk)
            if received > max_body_bytes or not message.get("more_body", False):
                break
        client = scope.get("client")
        outcome = reader.read(
            b"".join(chunks),
            peer=f"{client[0]}:{client[1]}" if client else None,
            path=scope.get("path", "/"),
            content_type=_header(scope, b"content-type"),
            size=size,
            complete=complete,
        )
        if isinstance(outcome, RejectedPush):
            reader.log_rejected(outcome)
            try:
                if on_reject is not None:
                    await _call(on_reject, outcome)
            except Exception:
                logger.exception("%s: on_reject failed", spec.name)
                if complete:
                    await _respond(send, 500, _error_body(_NOT_STORED))
                return
            if complete:
                await _respond(send, outcome.status, _error_body(outcome.reason))
            return
        try:
            await _call(on_push, outcome)
        except Exception:
            logger.exception("%s %s: the handler failed", spec.service, spec.name)
            await _respond(send, 500, _error_body(_NOT_STORED))
            return
        await _respond(send, answer.status, answer.body, answer.content_type)

    return app


def callback_app(
    spec: CallbackSpec[M],
    handler: Callable[[M], object],
    *,
    on_reject: Callable[[RejectedPush], object] | None = None,
    answer: CallbackAnswer = DEFAULT_ANSWER,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> ASGIApp:
    """An ASGI app that reads each push of `spec` tolerantly and calls `handler(model)`."""

    async def on_push(push: Push[M]) -> None:
        await _call(handler, push.model)

    return push_app(
        spec,
        on_push,
        on_reject=on_reject,
        answer=answer,
        max_body_bytes=max_body_bytes,
        max_depth=max_depth,
    )


# ---------------------------------------------------------------------------------------------
# Durable JSON Lines
# ---------------------------------------------------------------------------------------------


class JsonLinesFile:
    """Appends one JSON object per line; `append` returns once the line is on disk (written,
    then fsync). Thread-safe. Created with mode 0600: pushes carry personal data.

    A line cut off by a crash (never acknowledged) is closed with a newline on opening, so the
    next record starts a line of its own; readers skip a line that is not JSON.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        created = not self.path.exists()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._lock = threading.Lock()
        size = os.fstat(self._fd).st_size
        if size:
            with open(self.path, "rb") as existing:
                existing.seek(size - 1)
                if existing.read(1) != b"\n":
                    self._write(b"\n")
        if created:  # the new name itself must survive a crash
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            self._write(line.encode("utf-8"))

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1


# ---------------------------------------------------------------------------------------------
# The server behind `serve-callbacks` (standard library only)
# ---------------------------------------------------------------------------------------------


class _PushServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        reader: PushReader[Any],
        results: JsonLinesFile,
        rejects: JsonLinesFile,
        answer: CallbackAnswer,
    ) -> None:
        self.reader = reader
        self.results = results
        self.rejects = rejects
        self.answer = answer
        super().__init__(address, _PushHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that failed (reset, timeout): one line, not a traceback."""
        logger.warning(
            "callback server: the connection from %s failed: %r", client_address, sys.exc_info()[1]
        )


class _PushHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a silent or dripping sender may hold a connection
    server: _PushServer

    def _send(self, status: int, body: bytes, content_type: str = _JSON) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status == 405:
            self.send_header("Allow", "POST")
        self.end_headers()
        self.wfile.write(body)

    def _not_post(self) -> None:
        self.close_connection = True
        self._send(405, _error_body("POST only"))

    do_GET = do_PUT = do_DELETE = do_PATCH = _not_post

    def do_HEAD(self) -> None:
        self.close_connection = True
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _body(self) -> tuple[bytes, int | None, bool]:
        """(body read, at most the limit + 1 bytes; its announced size; whether complete)."""
        limit = self.server.reader.max_body_bytes
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked(limit)
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            return b"", None, True
        size = int(length)
        if size > limit:
            self.close_connection = True  # the rest is not read
            return self.rfile.read(limit + 1), size, True
        data = self.rfile.read(size)
        return data, size, len(data) == size

    def _chunked(self, limit: int) -> tuple[bytes, int | None, bool]:
        data = bytearray()
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                return bytes(data), None, False
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return bytes(data), len(data), True
            chunk = self.rfile.read(min(size, limit + 1 - len(data)))
            data += chunk
            if len(data) > limit:
                self.close_connection = True
                return bytes(data), None, True
            if len(chunk) < size:
                self.close_connection = True
                return bytes(data), None, False
            self.rfile.readline(1024)  # the CRLF after the chunk

    def do_POST(self) -> None:
        server = self.server
        try:
            raw, size, complete = self._body()
        except TimeoutError:
            raw, size, complete = b"", None, False
        outcome = server.reader.read(
            raw,
            peer=f"{self.client_address[0]}:{self.client_address[1]}",
            path=self.path.split("?", 1)[0],
            content_type=self.headers.get("Content-Type"),
            size=size,
            complete=complete,
        )
        if isinstance(outcome, RejectedPush):
            server.reader.log_rejected(outcome, str(server.rejects.path))
            try:
                server.rejects.append(outcome.record())
            except OSError:
                logger.exception("cannot keep a rejected push in %s", server.rejects.path)
                if complete:
                    self._send(500, _error_body(_NOT_STORED))
                return
            if complete:
                self._send(outcome.status, _error_body(outcome.reason))
            else:
                self.close_connection = True
            return
        try:
            server.results.append(outcome.record())
        except OSError:
            logger.exception("cannot append a push to %s", server.results.path)
            self._send(500, _error_body(_NOT_STORED))
            return
        self._send(server.answer.status, server.answer.body, server.answer.content_type)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("callback server: " + format, *args)


def serve(
    spec: CallbackSpec[Any],
    *,
    host: str,
    port: int,
    to: str | os.PathLike[str],
    rejects: str | os.PathLike[str] | None = None,
    answer: CallbackAnswer = DEFAULT_ANSWER,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve until `stop` is set: each push appended to `to`, each rejected one to `rejects`
    (default: `to` with `.rejects.jsonl` for its suffix), durably, before it is answered.
    `ready` gets the URL served once the port is open."""
    reader = PushReader(spec, max_body_bytes=max_body_bytes, max_depth=max_depth)
    results_path = Path(to)
    rejects_path = Path(rejects) if rejects is not None else _rejects_for(results_path)
    if results_path.resolve() == rejects_path.resolve():
        raise ValueError("the results and the rejects need two different files")
    results = JsonLinesFile(results_path)
    try:
        kept = JsonLinesFile(rejects_path)
        try:
            server = _PushServer((host, port), reader, results, kept, answer)
            try:
                bound_host, bound_port = server.server_address[:2]
                name = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
                shown = f"[{name}]" if ":" in name else name
                if ready is not None:
                    ready(f"http://{shown}:{bound_port}/")
                thread = threading.Thread(
                    target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
                )
                thread.start()
                (stop or threading.Event()).wait()
                server.shutdown()
                thread.join()
            finally:
                server.server_close()
        finally:
            kept.close()
    finally:
        results.close()


def _rejects_for(results: Path) -> Path:
    stem = results.name.removesuffix(".jsonl")
    return results.with_name(stem + ".rejects.jsonl")


def cli_main(service_module: ModuleType, argv: list[str]) -> int:
    """`python -m outbound SERVICE serve-callbacks …`: serve the service's pushes until SIGINT
    or SIGTERM. Exit status 0 when stopped, 2 for a usage or setup error."""
    service = service_module.__name__.rsplit(".", 1)[-1]
    callbacks: Mapping[str, CallbackSpec[Any]] = getattr(service_module, "CALLBACKS", {})
    prog = f"python -m outbound {service} serve-callbacks"
    if not callbacks:
        print(f"{prog}: {service} documents no callbacks", file=sys.stderr)
        return 2
    names = sorted(callbacks)
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            f"Receive {service}'s pushes ({', '.join(names)}) over HTTP: POST on any path. Each "
            "push is read tolerantly and appended to --to as one JSON line (received_at, "
            "callback, peer, path, body as received, deviations), durably (fsync) before it "
            "is answered; a push that cannot be read (too large, not JSON, not a JSON object, "
            "nested too deeply, cut off) is logged, appended to --rejects and answered with "
            "an error status. Stop with Ctrl-C or SIGTERM."
        ),
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port to listen on (default 8080; 0: any free)"
    )
    parser.add_argument(
        "--to", required=True, metavar="FILE", help="JSON Lines file the pushes are appended to"
    )
    parser.add_argument(
        "--rejects",
        metavar="FILE",
        help="JSON Lines file for pushes that cannot be read (default: --to's name with "
        ".rejects.jsonl)",
    )
    parser.add_argument(
        "--callback",
        choices=names,
        default=names[0],
        help=f"which callback the pushes are (default {names[0]})",
    )
    parser.add_argument(
        "--answer-body",
        default=DEFAULT_ANSWER.body.decode("utf-8"),
        metavar="TEXT",
        help="body of the answer to a push that was kept (default: %(default)s, HTTP 200)",
    )
    parser.add_argument(
        "--answer-content-type",
        default=DEFAULT_ANSWER.content_type,
        metavar="TYPE",
        help="its Content-Type (default: %(default)s)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=DEFAULT_MAX_BODY_BYTES,
        metavar="N",
        help="larger pushes are rejected, their first N bytes kept (default %(default)s)",
    )
    parser.add_argument(
        "--max-depth",
        type=int,
        default=DEFAULT_MAX_DEPTH,
        metavar="N",
        help="pushes nested deeper are rejected (default %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.max_body_bytes < 1 or args.max_depth < 1 or not 0 <= args.port <= 65535:
        parser.error("--max-body-bytes and --max-depth must be >= 1, --port within 0-65535")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    answer = CallbackAnswer(
        body=args.answer_body.encode("utf-8"), content_type=args.answer_content_type
    )
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    results = Path(args.to)
    rejects = Path(args.rejects) if args.rejects else _rejects_for(results)

    def ready(url: str) -> None:
        print(
            f"serving {service} {args.callback} pushes on {url} (POST) -> {results}; "
            f"rejects -> {rejects}",
            file=sys.stderr,
            flush=True,
        )

    try:
        serve(
            callbacks[args.callback],
            host=args.host,
            port=args.port,
            to=results,
            rejects=rejects,
            answer=answer,
            max_body_bytes=args.max_body_bytes,
            max_depth=args.max_depth,
            ready=ready,
            stop=stop,
        )
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = getattr(exc, "filename", None)
        print(f"{prog}: {reason}{f': {where}' if where else ''}", file=sys.stderr)
        return 2
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print(f"{prog}: stopped", file=sys.stderr)
    return 0
