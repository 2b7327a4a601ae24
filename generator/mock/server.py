"""Serving the app with uvicorn: in a background thread (tests), or in the foreground (CLI).

Both bind the socket themselves, so port 0 picks a free port and the bound URL is known
exactly. The foreground server stops cleanly on SIGINT and SIGTERM and returns normally
(uvicorn's own handling would re-raise the signal after shutting down).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections.abc import Callable, Generator, Sequence
from types import FrameType
from typing import Any, Self

import uvicorn

from .app import create_app
from .core import Simulator

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
    # and without it every keep-alive answer waits ~40 ms for a delayed ACK (Nagle)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None] | None) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and self._on_started is not None:
            self._on_started()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """SIGINT/SIGTERM: shut down gracefully; a second SIGINT forces it. Not re-raised."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def handle(sig: int, frame: FrameType | None) -> None:
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            self.should_exit = True

        previous = {sig: signal.signal(sig, handle) for sig in _SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _config(app: Any, log_level: str, access_log: bool) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        lifespan="on",
        timeout_graceful_shutdown=3,
        server_header=False,
    )


def serve_forever(
    app: Any,
    sock: socket.socket,
    *,
    on_started: Callable[[], None] | None = None,
    log_level: str = "warning",
    access_log: bool = False,
) -> None:
    """Serve on `sock` in this (main) thread until SIGINT/SIGTERM."""
    server = _Server(_config(app, log_level, access_log), on_started)
    server.run(sockets=[sock])


class MockServer:
    """uvicorn serving simulators in a background thread; a context manager.

    >>> with MockServer([Simulator(service)]) as server:
    ...     client = Client(server.url, ...)
    """

    def __init__(
        self,
        simulators: Simulator | Sequence[Simulator],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
    ) -> None:
        self.app = create_app(simulators)
        self._sock = bind(host, port)
        self.url = url_of(self._sock)
        self._server = _Server(_config(self.app, log_level, False), None)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def simulators(self) -> list[Simulator]:
        sims: list[Simulator] = self.app.state.simulators
        return sims

    def use(self, *simulators: Simulator) -> None:
        """Serve other simulators from now on (same port)."""
        self.app.state.simulators = list(simulators)

    def start(self, timeout: float = 10.0) -> Self:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the mock server did not start")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
