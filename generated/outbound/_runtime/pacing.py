"""Pacing: the documented minimum interval between calls, held per vendor account.

A pacer enforces one rule: a request of a key — (service, operation, account) — starts at least
`interval` seconds after the previous request of the same key *ended* (its answer or failure),
and requests of one key go one at a time. Measuring from the end keeps the arrivals at the server
apart even when a connection set-up delayed the previous request. The account is the access key
(Huawei AK), the appId (003) or a digest of the body token (Quanshi, Yantong): never a secret.

Kinds, chosen with a client's `pacer=` (an object, or a URL for `pacer_from_url`):

* `MemoryPacer` — in one process. The default (`pacer=None`) is a pacer of the client's own,
  as before pacers existed; `"memory:"` is one pacer shared by every client of the process
  given it, so two clients of one account wait for each other.
* `"off"` (`OFF`) — no pacing: tests against the simulator, or a server known to allow it.
* `FilePacer` (`"file:///path/to/dir"`) — several processes on one machine, no server: a lock
  file per key in that folder (POSIX `flock`), holding the end time of the key's last request
  on the machine's monotonic clock. The kernel releases the lock of a process that dies; a
  request that died in flight leaves the key marked busy, and the next waits a full interval.
* `RedisPacer` (`"redis://host:port/db"`, `"rediss://…"`) — several machines. Needs the `redis`
  client (`pip install 'outbound[redis]'`). Each request takes the key in one Lua script that
  reads Redis' own clock (`TIME`) and returns how long to wait; the end is recorded by a second
  script. No machine's clock is read, so clock skew between machines does not matter. See
  `RedisPacer` for what happens when Redis restarts or cannot be reached (never a burst).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import logging
import os
import random
import threading
import time
import uuid
import weakref
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
    nullcontext,
)
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from .errors import TransportError

__all__ = [
    "OFF",
    "FilePacer",
    "MemoryPacer",
    "PaceKey",
    "Pacer",
    "PacerUnavailable",
    "RedisPacer",
    "pacer_from_url",
    "resolve_pacer",
    "token_account",
]

logger = logging.getLogger("outbound")

Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]

_POLL = 0.005
"""Seconds between two tries of a lock another thread, event loop or process holds (async waits
only; a blocking wait sleeps in the kernel)."""


@dataclass(frozen=True)
class PaceKey:
    """What one pacing rule covers: a service, an operation, an account (never a secret)."""

    service: str
    operation: str
    account: str

    def __str__(self) -> str:
        """`service/operation/account`, each part percent-encoded (so `/` only separates)."""
        return "/".join(
            quote(part, safe="") for part in (self.service, self.operation, self.account)
        )


def token_account(token: str) -> str:
    """The account name of a body token: a digest, so the token itself never leaves the client."""
    return "token-" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


class PacerUnavailable(TransportError):
    """The shared pacer could not be reached within its patience: nothing was sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message, may_have_reached_server=False)


class Pacer(ABC):
    """Holds a key from the wait before a request until the request ended.

    `slot` (blocking) and `aslot` (asyncio) are context managers: entering waits until the
    request may start, leaving records that it ended. `sleep` is how the caller waits (the
    client's, so tests can replace it); `hold` is the longest the caller may keep the key
    (its deadline per exchange; None: unknown), which a shared pacer uses to release the key of
    a caller that died.
    """

    @abstractmethod
    def slot(
        self, key: PaceKey, interval: float, *, sleep: Sleep = time.sleep, hold: float | None = None
    ) -> AbstractContextManager[None]: ...

    @abstractmethod
    def aslot(
        self,
        key: PaceKey,
        interval: float,
        *,
        sleep: AsyncSleep = asyncio.sleep,
        hold: float | None = None,
    ) -> AbstractAsyncContextManager[None]: ...

    def close(self) -> None:
        """Release what the pacer holds (connections); a closed pacer may be used again."""
        return  # most pacers hold nothing

    async def aclose(self) -> None:
        self.close()


class _OffPacer(Pacer):
    """No pacing at all."""

    def slot(
        self, key: PaceKey, interval: float, *, sleep: Sleep = time.sleep, hold: float | None = None
    ) -> AbstractContextManager[None]:
        return nullcontext()

    def aslot(
        self,
        key: PaceKey,
        interval: float,
        *,
        sleep: AsyncSleep = asyncio.sleep,
        hold: float | None = None,
    ) -> AbstractAsyncContextManager[None]:
        return nullcontext()

    def __repr__(self) -> str:
        return "OFF"


OFF: Pacer = _OffPacer()
"""The pacer that does not pace (`pacer="off"`)."""


class _LoopLocks:
    """An asyncio.Lock per (event loop, key): coroutines of one loop queue in order, so only one
    of them at a time polls the lock shared with other threads, loops or processes."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[PaceKey, asyncio.Lock]
        ] = weakref.WeakKeyDictionary()

    def get(self, key: PaceKey) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._guard:
            locks = self._locks.setdefault(loop, {})
            return locks.setdefault(key, asyncio.Lock())


class MemoryPacer(Pacer):
    """In-process pacing: a lock and the last end time per key, for threads and event loops.

    `clock` is the monotonic clock the end times are read from (the client's).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: dict[PaceKey, float] = {}
        self._locks: dict[PaceKey, threading.Lock] = {}
        self._guard = threading.Lock()
        self._loop_locks = _LoopLocks()

    def _lock(self, key: PaceKey) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _wait(self, key: PaceKey, interval: float) -> float:
        last = self._last.get(key)
        if last is None:
            return 0.0
        return min(interval, last + interval - self._clock())

    @contextmanager
    def slot(
        self, key: PaceKey, interval: float, *, sleep: Sleep = time.sleep, hold: float | None = None
    ) -> Iterator[None]:
        with self._lock(key):
            wait = self._wait(key, interval)
            if wait > 0:
                sleep(wait)
            try:
                yield
            finally:
                self._last[key] = self._clock()

    @asynccontextmanager
    async def aslot(
        self,
        key: PaceKey,
        interval: float,
        *,
        sleep: AsyncSleep = asyncio.sleep,
        hold: float | None = None,
    ) -> AsyncIterator[None]:
        async with self._loop_locks.get(key):
            lock = self._lock(key)
            while not lock.acquire(blocking=False):  # held by another thread or event loop
                await asyncio.sleep(_POLL)
            try:
                wait = self._wait(key, interval)
                if wait > 0:
                    await sleep(wait)
                try:
                    yield
                finally:
                    self._last[key] = self._clock()
            finally:
                lock.release()

    def __repr__(self) -> str:
        return "MemoryPacer()"


_SHARED_MEMORY = MemoryPacer()  # `pacer="memory:"`: one per process


# ---------------------------------------------------------------------------------------------
# File-lock pacer: several processes on one machine
# ---------------------------------------------------------------------------------------------

_BUSY = b"busy\n"


def _file_wait(state: bytes, now: float, interval: float) -> float:
    """The wait a lock file's content asks for, in [0, interval].

    Empty: the key was never used. `done T`: the last request ended at T (monotonic clock).
    Anything else — `busy` (its request's process died in flight) or unreadable — counts as a
    request that ended just now.
    """
    if not state:
        return 0.0
    head, _, value = state.strip().partition(b" ")
    if head == b"done":
        try:
            last = float(value)
        except ValueError:
            return interval
        # after a reboot the clock starts again lower: never wait more than one interval
        return max(0.0, min(interval, last + interval - now))
    return interval


class FilePacer(Pacer):
    """Pacing shared by the processes of one machine through lock files in `directory`.

    One file per key (`<service>+<operation>+<account>.lock`), locked with `flock` for the
    whole wait and request, holding `done <time>` — the end of the key's last request on the
    machine's monotonic clock, which every process reads alike — or `busy` while a request is
    in flight. POSIX only (Linux, macOS); the folder is created when missing.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        try:
            import fcntl  # noqa: F401
        except ImportError:  # pragma: no cover - Windows
            raise RuntimeError(
                "the file pacer needs POSIX file locks (fcntl), which this platform lacks: "
                "use the Redis pacer"
            ) from None
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(
                f"file pacer: cannot use the folder {str(self.directory)!r}: {exc.strerror}"
            ) from None
        self._loop_locks = _LoopLocks()

    def path(self, key: PaceKey) -> Path:
        name = "+".join(quote(part, safe="") for part in (key.service, key.operation, key.account))
        return self.directory / f"{name}.lock"

    def _open(self, key: PaceKey) -> int:
        return os.open(self.path(key), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)

    @staticmethod
    def _write(fd: int, data: bytes) -> None:
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))

    def _begin(self, fd: int, interval: float) -> float:
        """Under the lock: the wait before the request, and the key marked busy."""
        wait = _file_wait(os.pread(fd, 64, 0), time.monotonic(), interval)
        self._write(fd, _BUSY)
        return wait

    def _end(self, fd: int) -> None:
        self._write(fd, b"done %.6f\n" % time.monotonic())

    @contextmanager
    def slot(
        self, key: PaceKey, interval: float, *, sleep: Sleep = time.sleep, hold: float | None = None
    ) -> Iterator[None]:
        import fcntl

        fd = self._open(key)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            wait = self._begin(fd, interval)
            try:
                if wait > 0:
                    sleep(wait)
                yield
            finally:
                self._end(fd)
        finally:
            os.close(fd)  # releases the lock

    @asynccontextmanager
    async def aslot(
        self,
        key: PaceKey,
        interval: float,
        *,
        sleep: AsyncSleep = asyncio.sleep,
        hold: float | None = None,
    ) -> AsyncIterator[None]:
        import fcntl

        async with self._loop_locks.get(key):
            fd = self._open(key)
            try:
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        await asyncio.sleep(_POLL)
                wait = self._begin(fd, interval)
                try:
                    if wait > 0:
                        await sleep(wait)
                    yield
                finally:
                    self._end(fd)
            finally:
                os.close(fd)

    def __repr__(self) -> str:
        return f"FilePacer({str(self.directory)!r})"


# ---------------------------------------------------------------------------------------------
# Redis pacer: several machines
# ---------------------------------------------------------------------------------------------

# Both scripts read the time from Redis (TIME, in ms) and the id of the running Redis process
# (INFO run_id): state written by an earlier Redis process (restored from a dump after a
# restart) or missing (never used, expired, lost in a restart, evicted) is not trusted.
_SCRIPT_HEAD = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
"""

_ACQUIRE = _SCRIPT_HEAD + """
-- KEYS[1]: the key's state (hash); ARGV: token, interval (ms), hold (ms), ttl (ms)
-- returns {1, wait ms} (the key is this token's until released or start + hold), or
-- {0, ms until the current holder's start} (held by another: ask again later)
local interval = tonumber(ARGV[2])
local hold = tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 'run', 'last', 'holder', 'start', 'lease')
local start
if s[1] ~= run then
  -- unknown: a request reserved before a restart may still be waiting up to one interval to
  -- start, so wait two
  start = now + 2 * interval
  redis.call('DEL', KEYS[1])
else
  local last = tonumber(s[2])
  if s[3] then
    if tonumber(s[5]) > now then
      return {0, math.max(tonumber(s[4]) - now, 0)}
    end
    last = now  -- the holder's lease ran out (it died or overran): its request ends now
  end
  if last == nil then
    start = now + 2 * interval
  else
    start = math.max(now, math.min(last + interval, now + interval))
  end
end
redis.call('HSET', KEYS[1], 'run', run, 'holder', ARGV[1], 'start', start, 'lease', start + hold)
redis.call('PEXPIRE', KEYS[1], start - now + hold + tonumber(ARGV[4]))
return {1, start - now}
"""

_RELEASE = _SCRIPT_HEAD + """
-- KEYS[1]: the key's state; ARGV: token, ttl (ms). Returns 1 when the token still held the key.
local s = redis.call('HMGET', KEYS[1], 'run', 'holder', 'last')
if s[1] ~= run then
  return 0  -- Redis restarted (or the state expired) meanwhile: the next request waits anyway
end
if s[2] == ARGV[1] then
  redis.call('HSET', KEYS[1], 'last', now)
  redis.call('HDEL', KEYS[1], 'holder', 'start', 'lease')
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
-- the lease ran out and another request took the key: record this end if later, never earlier
local last = tonumber(s[3])
if last == nil or last < now then
  redis.call('HSET', KEYS[1], 'last', now)
end
return 0
"""

_STATE_TTL_MS = 24 * 3600 * 1000  # a key unused for a day is forgotten (its next use waits)


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ImportError(
            "the Redis pacer needs the redis client: pip install 'outbound[redis]'"
        ) from None


def _redacted(url: str) -> str:
    """The URL without its password (a Redis URL may carry one)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


class RedisPacer(Pacer):
    """Pacing shared by every machine that reaches one Redis (the `redis` extra).

    Each request takes its key in one atomic Lua script: Redis computes, from its own clock,
    when the request may start (one interval after the key's last request ended, at most one
    interval from now), records this request as the holder until then plus `hold` (the
    client's deadline per exchange plus `hold_margin`, default 5 s; `max_hold` when the client
    has no deadline) and answers how long
    to wait; a key held by another request is asked for again shortly after that request's start.
    When the request ends, a second script records the end. Nothing depends on the clocks of
    the machines, only on durations.

    Failures never turn into a burst:

    * A holder that dies keeps the key until its lease runs out; its request counts as ending then.
    * When Redis lost the key's state or restarted (its run id changed, so state restored from a
      dump is not trusted either), the next request waits two intervals: a request reserved
      before the restart may still start up to one interval later.
    * While Redis cannot be reached, nothing is sent: a request waits and retries for
      `unavailable_timeout` seconds (default 30), then raises `PacerUnavailable` (a
      `TransportError` whose request was not sent). An end that cannot be recorded is logged;
      the lease then frees the key.

    The first request of a key (or after a day unused) waits two intervals: missing state
    cannot be told from lost state. `prefix` starts every Redis key (`outbound:pace:` +
    `service/operation/account`).
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        prefix: str = "outbound:pace:",
        unavailable_timeout: float = 30.0,
        max_hold: float = 120.0,
        hold_margin: float = 5.0,
        socket_timeout: float = 5.0,
    ) -> None:
        if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"not a Redis URL: {_redacted(url)!r} (redis://host:port/db)")
        if not unavailable_timeout >= 0:
            raise ValueError("unavailable_timeout must be >= 0")
        self._redis = _import("redis")
        self._redis_async = _import("redis.asyncio")
        self.url = url
        self.prefix = prefix
        self.unavailable_timeout = unavailable_timeout
        self.max_hold = max_hold
        self.hold_margin = hold_margin
        self._options = {"socket_timeout": socket_timeout, "socket_connect_timeout": socket_timeout}
        self._unreachable: tuple[type[BaseException], ...] = (
            self._redis.exceptions.ConnectionError,
            self._redis.exceptions.TimeoutError,
        )
        self._guard = threading.Lock()
        self._client: Any = None
        self._scripts: tuple[Any, Any] | None = None
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, Any, Any]] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        return f"RedisPacer({_redacted(self.url)!r})"

    # -- connections ---------------------------------------------------------------------------

    def _sync_scripts(self) -> tuple[Any, Any]:
        with self._guard:
            if self._scripts is None:
                self._client = self._redis.Redis.from_url(self.url, **self._options)
                self._scripts = (
                    self._client.register_script(_ACQUIRE),
                    self._client.register_script(_RELEASE),
                )
            return self._scripts

    def _async_scripts(self) -> tuple[Any, Any]:
        loop = asyncio.get_running_loop()  # an asyncio client belongs to one event loop
        with self._guard:
            entry = self._async.get(loop)
            if entry is None:
                client = self._redis_async.Redis.from_url(self.url, **self._options)
                entry = (
                    client,
                    client.register_script(_ACQUIRE),
                    client.register_script(_RELEASE),
                )
                self._async[loop] = entry
            return entry[1], entry[2]

    def close(self) -> None:
        with self._guard:
            client, self._client, self._scripts = self._client, None, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        self.close()
        with self._guard:
            entry = self._async.pop(asyncio.get_running_loop(), None)
        if entry is not None:
            await entry[0].aclose()

    # -- the protocol --------------------------------------------------------------------------

    def _redis_key(self, key: PaceKey) -> str:
        return self.prefix + str(key)

    def _lease(self, hold: float | None) -> float:
        """Seconds a request keeps the key after its start, unless it releases it first."""
        return (self.max_hold if hold is None else hold) + self.hold_margin

    def _args(self, token: str, interval: float, hold: float | None) -> list[int | str]:
        return [token, round(interval * 1000), round(self._lease(hold) * 1000), _STATE_TTL_MS]

    @staticmethod
    def _poll(interval: float, until_start_ms: int) -> float:
        """When to ask again for a key held by another request: after its start, then a few
        times per interval (the next start is computed exactly, asking early loses nothing)."""
        step = min(max(interval / 4, 0.01), 0.25)
        return until_start_ms / 1000 + step * (0.5 + random.random())

    def _unreachable_for(self, since: float | None, exc: BaseException) -> tuple[float, float]:
        """(first failure time, seconds to wait before trying again); raises PacerUnavailable
        once Redis has been unreachable for `unavailable_timeout`."""
        now = time.monotonic()
        if since is None:
            logger.warning(
                "pacer %s unreachable (%s): nothing is sent; retrying for up to %g s",
                _redacted(self.url),
                type(exc).__name__,
                self.unavailable_timeout,
            )
            since = now
        if now - since >= self.unavailable_timeout:
            raise PacerUnavailable(
                f"the Redis pacer {_redacted(self.url)} could not be reached for "
                f"{self.unavailable_timeout:g} s ({type(exc).__name__}: {exc}); the request was "
                "not sent"
            ) from exc
        return since, min(0.5, max(0.0, self.unavailable_timeout - (now - since)))

    def _reached(self, since: float | None) -> None:
        if since is not None:
            logger.warning("pacer %s reachable again", _redacted(self.url))

    def _released(self, released: Any, key: PaceKey) -> None:
        if not released:
            logger.warning(
                "pacer %s: the lease of a %s request had ended (Redis restarted or the request "
                "outlasted it); its end was recorded where still useful",
                _redacted(self.url),
                key.operation,
            )

    def _release_failed(self, exc: BaseException, key: PaceKey, hold: float | None) -> None:
        logger.warning(
            "pacer %s: the end of a %s request could not be recorded (%s); the key stays held "
            "until its lease ends (at most %g s)",
            _redacted(self.url),
            key.operation,
            type(exc).__name__,
            self._lease(hold),
        )

    @contextmanager
    def slot(
        self, key: PaceKey, interval: float, *, sleep: Sleep = time.sleep, hold: float | None = None
    ) -> Iterator[None]:
        acquire, release = self._sync_scripts()
        name, token = self._redis_key(key), uuid.uuid4().hex
        args = self._args(token, interval, hold)
        since: float | None = None
        while True:
            try:
                granted, ms = acquire(keys=[name], args=args)
            except self._unreachable as exc:
                since, delay = self._unreachable_for(since, exc)
                time.sleep(delay)
                continue
            self._reached(since)
            since = None
            if granted:
                break
            time.sleep(self._poll(interval, int(ms)))
        try:
            if ms > 0:
                sleep(int(ms) / 1000)
            yield
        finally:
            try:
                self._released(release(keys=[name], args=[token, _STATE_TTL_MS]), key)
            except self._unreachable as exc:
                self._release_failed(exc, key, hold)

    @asynccontextmanager
    async def aslot(
        self,
        key: PaceKey,
        interval: float,
        *,
        sleep: AsyncSleep = asyncio.sleep,
        hold: float | None = None,
    ) -> AsyncIterator[None]:
        acquire, release = self._async_scripts()
        name, token = self._redis_key(key), uuid.uuid4().hex
        args = self._args(token, interval, hold)
        since: float | None = None
        while True:
            try:
                granted, ms = await acquire(keys=[name], args=args)
            except self._unreachable as exc:
                since, delay = self._unreachable_for(since, exc)
                await asyncio.sleep(delay)
                continue
            self._reached(since)
            since = None
            if granted:
                break
            await asyncio.sleep(self._poll(interval, int(ms)))
        try:
            if ms > 0:
                await sleep(int(ms) / 1000)
            yield
        finally:
            try:
                self._released(await release(keys=[name], args=[token, _STATE_TTL_MS]), key)
            except self._unreachable as exc:
                self._release_failed(exc, key, hold)


# ---------------------------------------------------------------------------------------------
# Choosing a pacer
# ---------------------------------------------------------------------------------------------

_FORMS = "'memory:', 'off', 'file:///path/to/dir', 'redis://host:port/db' or 'rediss://…'"


def pacer_from_url(url: str) -> Pacer:
    """The pacer a URL names: `memory:` (the process's shared in-process pacer), `off`,
    `file:///path/to/dir` (a `FilePacer` keeping its lock files there) or
    `redis://host:port/db` / `rediss://…` (a `RedisPacer`)."""
    if not isinstance(url, str):
        raise TypeError(f"a pacer URL is a str, not {type(url).__name__}")
    text = url.strip()
    if text in ("off", "off:"):
        return OFF
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "memory" and not (parts.netloc or parts.path or parts.query):
        return _SHARED_MEMORY
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path or parts.query:
            raise ValueError(
                f"pacer {text!r}: a file pacer names a local folder, e.g. 'file:///var/lock/outbound'"
            )
        return FilePacer(unquote(parts.path))
    if scheme in ("redis", "rediss"):
        return RedisPacer(text)
    raise ValueError(f"unknown pacer {_redacted(text)!r}: use {_FORMS}")


def resolve_pacer(pacer: Pacer | str | None, clock: Callable[[], float]) -> tuple[Pacer, bool]:
    """(the pacer a client's `pacer=` argument means, whether the client owns it and closes it).

    None: a `MemoryPacer` of the client's own on its clock (pacing per client object).
    """
    if pacer is None:
        return MemoryPacer(clock), True
    if isinstance(pacer, Pacer):
        return pacer, False
    if isinstance(pacer, str):
        resolved = pacer_from_url(pacer)
        return resolved, resolved is not OFF and resolved is not _SHARED_MEMORY
    raise TypeError(f"pacer must be None, a Pacer or a URL ({_FORMS}), not {type(pacer).__name__}")
