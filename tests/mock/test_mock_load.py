"""A bounded load test on loopback: 2,000 requests from 50 concurrent async generated clients
against one uvicorn server (Yantong and Huawei simulators behind it); afterwards the
simulators' state must equal exactly what the clients were told."""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections import Counter
from typing import Any

import pytest
from outbound import huawei_isales as hw
from outbound import yantong_groupcall as yt

from generator.mock import MockConfig, MockServer, Simulator

CLIENTS = 50
UPLOADS = 34  # per client, half into its own batch, half into the shared one
# per client: 1 add_batch + 34 uploads + 2 reads (Yantong) + 2 adds + 1 delete (Huawei) = 40
ROWS = 10  # per upload
TASKS = 5
TOKEN = "load-token"
SHARED_POOL = 400  # phones the shared batch draws from: many cross-client duplicates
SHARED_CAMPAIGN = 999


@pytest.fixture
def fast_httpcore(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpcore tries `import sniffio` on every async request; when sniffio is not installed
    each failed attempt scans sys.path again (~1 ms, most of the client's time here). Marking
    it absent in sys.modules makes the import fail at once, with the same outcome."""
    try:
        import sniffio  # noqa: F401
    except ImportError:
        monkeypatch.setitem(sys.modules, "sniffio", None)


@pytest.mark.timeout(120)
@pytest.mark.usefixtures("fast_httpcore")
def test_2000_requests_from_50_clients_lose_nothing(services: dict[str, Any]) -> None:
    keys = {f"ak{i}": f"sk{i}" for i in range(CLIENTS)}
    yantong = Simulator(
        services["yantong_groupcall"],
        MockConfig(tokens=(TOKEN,), tasks={str(t): f"task {t}" for t in range(1, TASKS + 1)}),
    )
    huawei = Simulator(services["huawei_isales"], MockConfig(access_keys=keys))
    with MockServer([yantong, huawei]) as server:
        started = time.monotonic()
        told = asyncio.run(_drive(server.url))
        elapsed = time.monotonic() - started
    requests = yantong.requests + huawei.requests
    print(
        f"\nload: {requests} requests from {CLIENTS} clients in {elapsed:.2f} s "
        f"({requests / elapsed:.0f} req/s)"
    )
    assert requests == 2000 + 1  # + the shared batch made before the clients start
    assert elapsed < 60
    assert set(yantong.answers) == {"0"} and set(huawei.answers) == {"0200000"}

    # Yantong: every row the clients were told was stored is stored, and nothing else
    state = yantong.snapshot()["state"]
    batches = {b["id"]: b for b in state["batches"]}
    shared = batches[told["shared_batch"]]
    stored_shared = [r["phone"] for r in shared["rows"]]
    assert len(stored_shared) == len(set(stored_shared)) == told["shared_success"]
    assert set(stored_shared) == told["shared_phones"]
    assert told["shared_success"] + told["shared_duplicate"] == told["shared_sent"]
    assert told["shared_duplicate"] > 0  # clients did collide
    for batch_id, (success, phones) in told["own"].items():
        rows = [r["phone"] for r in batches[batch_id]["rows"]]
        assert len(rows) == success and set(rows) == phones
    bound = {t["id"]: t["batches"] for t in state["tasks"]}
    for task_id, listed in told["bound"].items():
        assert set(listed) <= set(bound[task_id])
    assert sorted(b for bs in bound.values() for b in bs) == sorted(batches)

    # Huawei: the shared campaign saw each add in turn, own campaigns hold what remained
    campaigns = {c["campaignId"]: c for c in huawei.snapshot()["state"]["campaigns"]}
    shared_sizes = sorted(told["shared_sizes"])
    assert shared_sizes == [20 * (n + 1) for n in range(CLIENTS)]  # no lost or doubled add
    assert len(campaigns[SHARED_CAMPAIGN]["numbers"]) == 20 * CLIENTS
    for i in range(CLIENTS):
        assert len(campaigns[i + 1]["numbers"]) == 20 - told["deleted"][i] == 10


async def _drive(url: str) -> dict[str, Any]:
    told: dict[str, Any] = {
        "shared_success": 0,
        "shared_duplicate": 0,
        "shared_sent": 0,
        "shared_phones": set(),
        "own": {},
        "bound": {},
        "shared_sizes": [],
        "deleted": {},
    }
    async with yt.AsyncClient(url, token=TOKEN) as setup:
        shared = (await setup.add_batch(id=1, name="shared")).info
        assert shared is not None
        told["shared_batch"] = str(shared.batch_id)
    await asyncio.gather(*(_client(url, i, told) for i in range(CLIENTS)))
    return told


async def _client(url: str, i: int, told: dict[str, Any]) -> None:
    rng = random.Random(i)
    task = (i % TASKS) + 1
    # verify=False: plain http on loopback, so TLS settings do not matter, and httpx would
    # otherwise load the CA bundle for each of the 100 clients (~0.1 s each)
    async with (
        yt.AsyncClient(url, token=TOKEN, verify=False) as c,
        hw.AsyncClient(
            url, access_key=f"ak{i}", secret_key=f"sk{i}", max_retries=0, verify=False
        ) as h,
    ):

        async def yantong() -> None:
            info = (await c.add_batch(id=task, name=f"client {i}")).info
            assert info is not None
            own = str(info.batch_id)
            own_success, own_phones = 0, set()
            for n in range(UPLOADS):
                if n % 2:
                    phones = [f"139{rng.randrange(SHARED_POOL):08d}" for _ in range(ROWS)]
                    batch, on = told["shared_batch"], 1  # the shared batch is task 1's
                else:
                    # own numbers, with one repeat of an earlier upload's number
                    phones = [f"1{i:03d}{n:03d}{k:04d}" for k in range(ROWS - 1)]
                    phones.append(f"1{i:03d}{max(n - 2, 0):03d}{0:04d}")
                    batch, on = own, task
                r = await c.upload_data(
                    id=on, batch_id=int(batch), data_list=[yt.UploadRecord(phone=p) for p in phones]
                )
                counts = r.info
                assert counts is not None and counts.fail_count == 0
                if batch == own:
                    own_success += int(counts.success_count or 0)
                    own_phones.update(phones)
                else:
                    told["shared_success"] += int(counts.success_count or 0)
                    told["shared_duplicate"] += int(counts.duplicate_count or 0)
                    told["shared_sent"] += len(phones)
                    told["shared_phones"].update(phones)
            told["own"][own] = (own_success, own_phones)
            listed = (await c.list_bound_batch_ids(id=task)).info
            assert listed is not None and listed.batch_ids is not None
            assert int(own) in listed.batch_ids
            told["bound"][str(task)] = [str(b) for b in listed.batch_ids]
            got = (await c.get_task(id=task)).info
            assert got is not None and got.task is not None and got.task.name == f"task {task}"

        async def huawei() -> None:
            mine = [
                hw.CallData(called=f"8{i:03d}{k:02d}", custom_field="odd" if k % 2 else "even")
                for k in range(20)
            ]
            r = await h.add_call_data(vdn_id=1, campaign_id=i + 1, call_data_list=mine)
            assert r.return_object is not None and r.return_object.total_size == 20
            shared = [hw.CallData(called=f"7{i:03d}{k:02d}") for k in range(20)]
            r = await h.add_call_data(vdn_id=1, campaign_id=SHARED_CAMPAIGN, call_data_list=shared)
            assert r.return_object is not None
            told["shared_sizes"].append(r.return_object.total_size)
            d = await h.delete_call_data(vdn_id=1, campaign_id=i + 1, custom_field="odd")
            told["deleted"][i] = d.success_count

        await asyncio.gather(yantong(), huawei())


def test_answers_counter_is_consistent(services: dict[str, Any]) -> None:
    """The per-code counters add up to the requests served (used above as a sanity check)."""
    sim = Simulator(services["yantong_groupcall"], MockConfig(tokens=(TOKEN,)))
    with MockServer(sim) as server, yt.Client(server.url, token=TOKEN) as c:
        c.list_tasks()
        with pytest.raises(yt.ApiError):
            c.get_task(id=1)
    assert Counter(sim.answers) == Counter({"0": 1, "404": 1}) and sim.requests == 2
