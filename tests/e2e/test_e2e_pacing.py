"""Pacing shared across processes and machines (issue 13 §3), measured at the server.

Four worker processes (tests/e2e/pacing_worker.py) send ten Huawei adds each, of one account,
through the generated clients with a shared pacer, to one counting server (the recording
vendor): every gap between two arrivals the server measures must be at least the interval,
less TOLERANCE. The documented interval (1 s) is shortened to INTERVAL in the workers only.

TOLERANCE covers timer resolution and, for Redis, that the wait is computed on Redis' clock
while the server stamps arrivals on its own monotonic clock; the pacers leave no slack of their
own (a request starts an interval after the previous one *ended*, so after it arrived).

The Redis pacer runs against a real redis-server on a free loopback port (redis_server.py),
which the tests kill and restart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_server import MockVendor, Reply, Seen
from e2e_support import example
from outbound import huawei_isales as hw
from outbound._runtime.pacing import PaceKey, PacerUnavailable, RedisPacer
from outbound.huawei_isales import client as hw_client
from redis_server import RedisServer

INTERVAL = 0.2
TOLERANCE = 0.005
WORKER = Path(__file__).with_name("pacing_worker.py")
OK_ADD = example("huawei_isales", "add_call_data", "doc_response")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()


def start_worker(
    vendor: MockVendor, pacer: str, number: int, **options: object
) -> subprocess.Popen[str]:
    config = {
        "base_url": vendor.base_url,
        "pacer": pacer,
        "interval": INTERVAL,
        "calls": 10,
        "access_key": "AK-campaign",
        "mode": "sync",
        "worker": number,
        **options,
    }
    return subprocess.Popen(
        [sys.executable, str(WORKER), json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(workers: list[subprocess.Popen[str]], timeout: float = 120) -> list[str]:
    """Wait for every worker; each must have sent all its calls without error. Their stderr."""
    logs = []
    for worker in workers:
        out, err = worker.communicate(timeout=timeout)
        assert worker.returncode == 0, err
        result = json.loads(out.strip().splitlines()[-1])
        assert result["errors"] == [], result["errors"]
        assert result["ok"] == 10
        logs.append(err)
    return logs


def account_of(seen: Seen) -> str:
    return seen.headers["authorization"].split("/")[1]  # auth-v2/{AK}/…


def check_gaps(arrivals: list[float], expected: int) -> None:
    assert len(arrivals) == expected
    gaps = [b - a for a, b in itertools.pairwise(sorted(arrivals))]
    assert min(gaps) >= INTERVAL - TOLERANCE, sorted(gaps)[:5]


def run_four(vendor: MockVendor, pacer: str, **per_worker: dict[str, object]) -> list[str]:
    vendor.default = Reply(OK_ADD)
    modes = ["sync", "async", "sync", "async"]
    workers = [
        start_worker(vendor, pacer, n, mode=modes[n], **per_worker.get(str(n), {}))
        for n in range(4)
    ]
    logs = finish(workers)
    check_gaps([seen.arrived for seen in vendor.requests], 40)
    return logs


# ---------------------------------------------------------------------------------------------
# Several processes on one machine: the file-lock pacer
# ---------------------------------------------------------------------------------------------


def test_file_pacer_four_processes(vendor: MockVendor, tmp_path: Path) -> None:
    """Two sync and two async workers (each with two tasks on one client)."""
    run_four(vendor, (tmp_path / "locks").as_uri())
    (lock,) = (tmp_path / "locks").iterdir()
    assert lock.name == "huawei_isales+add_call_data+AK-campaign.lock"


def test_the_key_includes_the_account(vendor: MockVendor, tmp_path: Path) -> None:
    """Two accounts, two workers each: each account is paced, the accounts run side by side
    (paced together, 40 calls would take at least 39 intervals)."""
    vendor.default = Reply(OK_ADD)
    pacer = (tmp_path / "locks").as_uri()
    workers = [
        start_worker(vendor, pacer, n, access_key=f"AK-{n % 2}", mode="sync") for n in range(4)
    ]
    finish(workers)
    by_account: dict[str, list[float]] = {}
    for seen in vendor.requests:
        by_account.setdefault(account_of(seen), []).append(seen.arrived)
    assert sorted(by_account) == ["AK-0", "AK-1"]
    for arrivals in by_account.values():
        check_gaps(arrivals, 20)
    all_arrivals = [seen.arrived for seen in vendor.requests]
    assert max(all_arrivals) - min(all_arrivals) < 39 * INTERVAL
    assert len(list((tmp_path / "locks").iterdir())) == 2


# ---------------------------------------------------------------------------------------------
# Several machines: the Redis pacer
# ---------------------------------------------------------------------------------------------


def test_redis_pacer_four_processes_with_skewed_clocks(
    vendor: MockVendor, redis_server: RedisServer
) -> None:
    """Two workers' wall clocks are an hour off, one ahead, one behind: no pacer reads them."""
    run_four(vendor, redis_server.url, **{"1": {"skew": 3600.0}, "2": {"skew": -3600.0}})
    with redis_server.client() as client:
        keys = client.keys("outbound:pace:*")
        assert keys == [b"outbound:pace:huawei_isales/add_call_data/AK-campaign"]
        state = client.hgetall(keys[0])
    assert b"SK" not in b"".join([keys[0], *state.values()])
    assert b"holder" not in state  # every request released the key


def test_redis_restart_during_a_run_is_no_burst(
    vendor: MockVendor, redis_server: RedisServer
) -> None:
    """redis-server is killed (SIGKILL, its state lost) after the 8th arrival and started
    again a second later: the workers wait and retry, nothing is sent meanwhile, and the
    arrivals stay an interval apart across the restart."""
    vendor.default = Reply(OK_ADD)
    modes = ["sync", "async", "sync", "async"]
    workers = [start_worker(vendor, redis_server.url, n, mode=modes[n]) for n in range(4)]
    deadline = time.monotonic() + 60
    while len(vendor.requests) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    redis_server.kill()
    killed_at = time.monotonic()
    time.sleep(1.0)
    # a request that had its slot before the kill may still go, at most an interval later
    sent_while_down = [s for s in vendor.requests if s.arrived > killed_at + INTERVAL + 0.05]
    redis_server.start()
    logs = finish(workers)
    check_gaps([seen.arrived for seen in vendor.requests], 40)
    assert sent_while_down == []
    assert any("unreachable" in log for log in logs), logs
    assert any("reachable again" in log for log in logs), logs


def test_redis_state_restored_from_an_old_dump_is_not_trusted(
    vendor: MockVendor, redis_server: RedisServer
) -> None:
    """A restart that loads a dump taken earlier brings back a `last` end older than the real
    one. Trusted, the next request would go at once, right after the previous one; the state
    carries the run id of the Redis process that wrote it, so the request waits instead."""
    vendor.default = Reply(OK_ADD)
    interval = 0.5
    paced = PaceKey("huawei_isales", "add_call_data", "AK-campaign")
    name = "outbound:pace:" + str(paced)
    pacer = RedisPacer(redis_server.url)
    client = hw.Client(vendor.base_url, access_key="AK-campaign", secret_key="SK", pacer=pacer)
    original = hw_client.OP_ADD_CALL_DATA
    hw_client.OP_ADD_CALL_DATA = dataclasses.replace(original, min_interval=interval)
    try:
        add = hw.CallData(called="800001")
        client.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=[add])
        with redis_server.client() as admin:
            admin.save()  # the dump holds the first request's end
        for _ in range(3):
            client.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=[add])
        old_run = redis_server.run_id()
        redis_server.kill()
        redis_server.start()
        with redis_server.client() as admin:  # the old state is back, from the other run
            assert admin.hget(name, "run") == old_run.encode()
        assert redis_server.run_id() != old_run
        client.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=[add])
    finally:
        hw_client.OP_ADD_CALL_DATA = original
        client.close()
        pacer.close()
    arrivals = [seen.arrived for seen in vendor.requests]
    assert len(arrivals) == 5
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert min(gaps) >= interval - TOLERANCE, gaps


def test_redis_unreachable_is_a_clear_error_and_nothing_is_sent(
    vendor: MockVendor, redis_server: RedisServer
) -> None:
    redis_server.kill()
    url = redis_server.url.replace("redis://", "redis://:pa55word@")
    pacer = RedisPacer(url, unavailable_timeout=0.5)
    started = time.monotonic()
    with (
        hw.Client(vendor.base_url, access_key="AK", secret_key="SK", pacer=pacer) as client,
        pytest.raises(PacerUnavailable) as caught,
    ):
        client.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=[hw.CallData(called="1")])
    assert 0.5 <= time.monotonic() - started < 5
    error = caught.value
    assert isinstance(error, hw.TransportError) and not error.may_have_reached_server
    assert "could not be reached for 0.5 s" in str(error) and "not sent" in str(error)
    assert "pa55word" not in str(error) and ":***@127.0.0.1" in str(error)
    assert vendor.requests == []

    # in a batch: the numbers are `not_sent` (to resend), the report says why
    with hw.Client(vendor.base_url, access_key="AK", secret_key="SK", pacer=pacer) as client:
        report = client.add_call_data_in_batches(
            vdn_id=7,
            campaign_id=1001,
            call_data_list=[hw.CallData(called=str(n)) for n in range(30)],
        )
    assert [e.index for e in report.not_sent] == list(range(30)) and report.unknown == []
    assert isinstance(report.stopped_by, PacerUnavailable)
    assert len(report.remaining()) == 30 and vendor.requests == []


HOLDER = """
import sys, time
from outbound._runtime.pacing import PaceKey, RedisPacer
pacer = RedisPacer(sys.argv[1], hold_margin=0.1)
with pacer.slot(PaceKey("huawei_isales", "add_call_data", "AK-x"), 0.2, hold=0.4):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_holder_killed_in_flight_keeps_the_key_until_its_lease_ends(
    redis_server: RedisServer,
) -> None:
    """Its lease (hold 0.4 s + margin 0.1 s) ends, its request counts as ending then, and the
    next request starts one interval later: never at once."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, redis_server.url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        holding = time.monotonic()
        holder.kill()
        holder.wait()
        pacer = RedisPacer(redis_server.url)
        with pacer.slot(PaceKey("huawei_isales", "add_call_data", "AK-x"), 0.2):
            entered = time.monotonic()
        pacer.close()
    finally:
        holder.kill()
        holder.wait()
    assert entered - holding >= 0.4 + 0.1 + 0.2 - TOLERANCE


def test_redis_pacer_async_and_threads_in_one_process(redis_server: RedisServer) -> None:
    """One RedisPacer shared by threads, each with its own event loop (a client per loop)."""
    pacer = RedisPacer(redis_server.url)
    key = PaceKey("s", "o", "a")
    starts: list[float] = []

    async def calls() -> None:
        async def one() -> None:
            async with pacer.aslot(key, INTERVAL):
                starts.append(time.monotonic())

        await asyncio.gather(one(), one(), one())
        await pacer.aclose()

    def sync_calls() -> None:
        for _ in range(3):
            with pacer.slot(key, INTERVAL):
                starts.append(time.monotonic())

    threads = [threading.Thread(target=asyncio.run, args=(calls(),)) for _ in range(2)]
    threads.append(threading.Thread(target=sync_calls))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pacer.close()
    check_gaps(starts, 9)
