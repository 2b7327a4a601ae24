"""Pacers in one process: keys, URLs, ownership, the in-process and file-lock rules.

Several processes and machines (the file-lock pacer across processes, the Redis pacer with a
real redis-server, restarts) are tested in tests/e2e/test_e2e_pacing.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from outbound_runtime_under_test import (
    OFF,
    AsyncCore,
    BodyTokenAuth,
    Envelope,
    FilePacer,
    HuaweiAuthV2Auth,
    HuaweiAuthV2Signer,
    MemoryPacer,
    NoAuth,
    Operation,
    PaceKey,
    Pacer,
    RedisPacer,
    RsaHeadersAuth,
    RsaSha256Signer,
    SyncCore,
    pacer_from_url,
)
from outbound_runtime_under_test import pacing as pacing_module
from outbound_runtime_under_test.pacing import resolve_pacer

RUNTIME = Path(__file__).resolve().parents[2] / "templates" / "runtime"
ENVELOPE = Envelope(code="/code", success=frozenset({"0"}))
OK = {"code": "0"}
PACED = Operation(id="add", method="POST", path="/add", min_interval=0.2)
KEY = PaceKey("svc", "add", "AK1")
TOLERANCE = 0.005  # timer resolution; the pacers themselves leave no slack


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def recording_core(
    arrivals: list[float],
    *,
    auth: object = None,
    service: str = "svc",
    by_ak: dict[str, list[float]] | None = None,
    **kwargs: object,
) -> SyncCore:
    def handler(request: httpx.Request) -> httpx.Response:
        arrivals.append(time.monotonic())
        if by_ak is not None:  # auth-v2/{AK}/…
            by_ak.setdefault(request.headers["Authorization"].split("/")[1], []).append(
                arrivals[-1]
            )
        return httpx.Response(200, json=OK)

    return SyncCore(
        "http://vendor.test",
        auth=auth or NoAuth(),  # type: ignore[arg-type]
        envelope=ENVELOPE,
        headers={"Content-Type": "application/json"},
        transport=httpx.MockTransport(handler),
        service=service,
        **kwargs,  # type: ignore[arg-type]
    )


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(sorted(times))]


# ---------------------------------------------------------------------------------------------
# Keys and accounts
# ---------------------------------------------------------------------------------------------


def test_key_text_separates_its_parts() -> None:
    assert (
        str(PaceKey("huawei_isales", "add_call_data", "AK1")) == "huawei_isales/add_call_data/AK1"
    )
    assert str(PaceKey("s", "o", "a/b")) == "s/o/a%2Fb"  # a '/' in an AK cannot forge a key
    assert str(PaceKey("s", "o", "a/b")) != str(PaceKey("s", "o/a", "b"))


def test_each_auth_names_its_account_never_its_secret() -> None:
    token = "b9f43e6f11e111ec906b00163e1260a0"
    account = BodyTokenAuth(token).account
    assert account == "token-" + hashlib.sha256(token.encode()).hexdigest()[:16]
    assert token not in account
    assert BodyTokenAuth("other").account != account

    huawei = HuaweiAuthV2Auth(HuaweiAuthV2Signer("AK-public", "SK-secret"))
    assert huawei.account == "AK-public"

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert RsaHeadersAuth(RsaSha256Signer("app-7", pem)).account == "app-7"
    assert NoAuth().account == ""


def test_the_core_keys_service_operation_and_account() -> None:
    core = recording_core([], auth=HuaweiAuthV2Auth(HuaweiAuthV2Signer("AK9", "SK")))
    assert core.pace_key(PACED) == PaceKey("svc", "add", "AK9")
    assert "SK" not in str(core.pace_key(PACED))


# ---------------------------------------------------------------------------------------------
# Choosing a pacer
# ---------------------------------------------------------------------------------------------


def test_pacer_urls(tmp_path: Path) -> None:
    assert pacer_from_url("off") is OFF
    assert pacer_from_url(" off ") is OFF
    shared = pacer_from_url("memory:")
    assert isinstance(shared, MemoryPacer) and pacer_from_url("memory:") is shared
    folder = tmp_path / "lock dir"
    pacer = pacer_from_url(folder.as_uri())  # file:///…/lock%20dir
    assert isinstance(pacer, FilePacer) and pacer.directory == folder and folder.is_dir()
    redis_pacer = pacer_from_url("redis://127.0.0.1:6399/2")
    assert isinstance(redis_pacer, RedisPacer) and redis_pacer.url == "redis://127.0.0.1:6399/2"
    assert isinstance(pacer_from_url("rediss://127.0.0.1:6399/0"), RedisPacer)


@pytest.mark.parametrize(
    "url",
    ["", "memory", "memory://x", "file://otherhost/dir", "file:", "http://x", "Off!", "ofF:x"],
)
def test_bad_pacer_urls_say_what_is_accepted(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        pacer_from_url(url)
    message = str(caught.value)
    assert "pacer" in message
    assert "file:" in message or "'memory:'" in message


def test_a_redis_password_never_shows() -> None:
    pacer = RedisPacer("redis://user:s3cret@127.0.0.1:6399/0")
    assert "s3cret" not in repr(pacer)
    assert "user:***@127.0.0.1:6399" in repr(pacer)
    with pytest.raises(ValueError) as caught:
        pacer_from_url("redi://:s3cret@127.0.0.1:6399/0")
    assert "s3cret" not in str(caught.value)


def test_without_the_redis_extra_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = pacing_module.importlib.import_module

    def without_redis(name: str) -> object:
        if name.split(".")[0] == "redis":
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real(name)

    monkeypatch.setattr(pacing_module.importlib, "import_module", without_redis)
    with pytest.raises(ImportError, match=r"pip install 'outbound\[redis\]'"):
        pacer_from_url("redis://127.0.0.1:6399/0")
    assert isinstance(pacer_from_url("off"), Pacer)  # the other pacers need nothing


def test_ownership_decides_who_closes() -> None:
    own, owned = resolve_pacer(None, time.monotonic)
    assert isinstance(own, MemoryPacer) and owned
    assert resolve_pacer(None, time.monotonic)[0] is not own  # one per client
    assert resolve_pacer("off", time.monotonic) == (OFF, False)
    shared = pacer_from_url("memory:")
    assert resolve_pacer("memory:", time.monotonic) == (shared, False)
    given = MemoryPacer()
    assert resolve_pacer(given, time.monotonic) == (given, False)
    assert resolve_pacer("redis://127.0.0.1:6399/0", time.monotonic)[1] is True
    with pytest.raises(TypeError, match="pacer must be None, a Pacer or a URL"):
        resolve_pacer(1.0, time.monotonic)  # type: ignore[arg-type]


def test_off_never_waits() -> None:
    clock = FakeClock()
    arrivals: list[float] = []
    with recording_core(arrivals, pacer="off", clock=clock, sleep=clock.sleep) as core:
        for _ in range(3):
            core.call(PACED, {}, {})
    assert clock.sleeps == [] and len(arrivals) == 3


def test_the_default_is_per_client_and_memory_is_shared() -> None:
    """Two clients of one account: by default each paces itself alone (as before pacers);
    given `memory:`, they wait for each other. Another account is not held up."""
    arrivals: list[float] = []
    one = recording_core(arrivals, auth=HuaweiAuthV2Auth(HuaweiAuthV2Signer("AK1", "SK")))
    two = recording_core(arrivals, auth=HuaweiAuthV2Auth(HuaweiAuthV2Signer("AK1", "SK")))
    one.call(PACED, {}, {})
    two.call(PACED, {}, {})
    assert gaps(arrivals)[0] < 0.1

    arrivals.clear()
    by_ak: dict[str, list[float]] = {}
    shared = [
        recording_core(
            arrivals,
            auth=HuaweiAuthV2Auth(HuaweiAuthV2Signer(ak, "SK")),
            pacer="memory:",
            by_ak=by_ak,
        )
        for ak in ("AK-shared", "AK-shared", "AK-other")
    ]
    threads = [
        threading.Thread(target=core.call, args=(PACED, {}, {})) for core in shared for _ in "ab"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(by_ak["AK-shared"]) == 4 and len(by_ak["AK-other"]) == 2
    assert all(gap >= 0.2 - TOLERANCE for gap in gaps(by_ak["AK-shared"]))
    assert all(gap >= 0.2 - TOLERANCE for gap in gaps(by_ak["AK-other"]))
    # the other account is not held up behind AK-shared's four calls
    assert max(by_ak["AK-other"]) - min(arrivals) < 2 * 0.2


# ---------------------------------------------------------------------------------------------
# MemoryPacer: one key at a time, threads and event loops together
# ---------------------------------------------------------------------------------------------


def test_memory_pacer_between_threads_and_event_loops() -> None:
    pacer = MemoryPacer()
    starts: list[float] = []

    def sync_call() -> None:
        with pacer.slot(KEY, 0.1):
            starts.append(time.monotonic())
            time.sleep(0.01)

    async def async_calls() -> None:
        async def one() -> None:
            async with pacer.aslot(KEY, 0.1):
                starts.append(time.monotonic())
                await asyncio.sleep(0.01)

        await asyncio.gather(one(), one())

    threads = [threading.Thread(target=sync_call) for _ in range(2)]
    threads += [threading.Thread(target=asyncio.run, args=(async_calls(),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(starts) == 6
    # each start is at least an interval after the previous end (0.01 s after its start)
    assert all(gap >= 0.1 + 0.01 - TOLERANCE for gap in gaps(starts)), gaps(starts)


# ---------------------------------------------------------------------------------------------
# FilePacer
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "wait"),
    [
        (b"", 0.0),  # never used
        (b"done 99.5\n", 0.5),  # ended 0.5 s ago, interval 1
        (b"done 90.0\n", 0.0),
        (b"done 250.0\n", 1.0),  # a clock from before a reboot: at most one interval
        (b"busy\n", 1.0),  # its request's process died in flight
        (b"done x\n", 1.0),
        (b"\x00\xff", 1.0),
    ],
)
def test_lock_file_states(state: bytes, wait: float) -> None:
    assert pacing_module._file_wait(state, 100.0, 1.0) == wait


def test_file_pacer_between_pacers_and_threads(tmp_path: Path) -> None:
    """Two FilePacer objects on one folder behave as two processes would."""
    pacers = [FilePacer(tmp_path), FilePacer(tmp_path)]
    starts: list[float] = []

    def calls(pacer: FilePacer) -> None:
        for _ in range(3):
            with pacer.slot(KEY, 0.1):
                starts.append(time.monotonic())
                time.sleep(0.01)

    threads = [threading.Thread(target=calls, args=(p,)) for p in pacers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(gap >= 0.11 - TOLERANCE for gap in gaps(starts)), gaps(starts)
    (lock,) = tmp_path.iterdir()
    assert lock.name == "svc+add+AK1.lock"
    assert lock.read_bytes().startswith(b"done ")


def test_file_pacer_async_and_other_keys_independent(tmp_path: Path) -> None:
    pacer = FilePacer(tmp_path)
    other = PaceKey("svc", "add", "AK2")
    starts: dict[PaceKey, list[float]] = {KEY: [], other: []}

    async def one(key: PaceKey) -> None:
        async with pacer.aslot(key, 0.15):
            starts[key].append(time.monotonic())

    async def main() -> None:
        await asyncio.gather(*(one(key) for key in (KEY, other, KEY, other, KEY)))

    asyncio.run(main())
    assert all(gap >= 0.15 - TOLERANCE for gap in gaps(starts[KEY]))
    assert all(gap >= 0.15 - TOLERANCE for gap in gaps(starts[other]))
    assert abs(min(starts[KEY]) - min(starts[other])) < 0.1  # not held up by the other key


HOLDER = """
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location(
    "rt", sys.argv[1] + "/__init__.py", submodule_search_locations=[sys.argv[1]])
rt = importlib.util.module_from_spec(spec); sys.modules["rt"] = rt; spec.loader.exec_module(rt)
with rt.FilePacer(sys.argv[2]).slot(rt.PaceKey("svc", "add", "AK1"), 0.5):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_process_killed_in_flight_leaves_a_full_interval(tmp_path: Path) -> None:
    """SIGKILL while holding: the kernel frees the lock; the key stays `busy`, so the next
    request waits a whole interval from when it got the lock (never a burst)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(RUNTIME), str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        pacer = FilePacer(tmp_path)
        blocked = threading.Event()
        entered: list[float] = []

        def take() -> None:
            blocked.set()
            with pacer.slot(KEY, 0.5):
                entered.append(time.monotonic())

        thread = threading.Thread(target=take)
        thread.start()
        blocked.wait()
        time.sleep(0.2)
        assert entered == []  # the lock is held
        killed = time.monotonic()
        os.kill(holder.pid, signal.SIGKILL)
        thread.join(timeout=5)
        assert entered and entered[0] - killed >= 0.5 - TOLERANCE
    finally:
        holder.kill()
        holder.wait()


def test_file_pacer_folder_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="file pacer: cannot use the folder"):
        FilePacer(blocker / "locks")


# ---------------------------------------------------------------------------------------------
# The cores close what they own
# ---------------------------------------------------------------------------------------------


class CountingPacer(MemoryPacer):
    closed = 0

    def close(self) -> None:
        CountingPacer.closed += 1


def test_cores_close_only_their_own_pacer() -> None:
    given = CountingPacer()
    recording_core([], pacer=given).close()
    assert CountingPacer.closed == 0

    async def main() -> None:
        core = AsyncCore(
            "http://vendor.test",
            auth=NoAuth(),
            envelope=ENVELOPE,
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json=OK)),
            pacer=given,
        )
        await core.call(PACED, {}, {})
        await core.aclose()

    asyncio.run(main())
    assert CountingPacer.closed == 0
    assert isinstance(given, Pacer)
