"""Batches against the vendor simulator, behind a server that fails the way real ones do.

`FaultServer` (raw sockets on 127.0.0.1) hands each request to the Huawei simulator
(`generator.mock`, in process: credentials, validation, campaign state) or, for the request a
test picks, misbehaves: an HTML gateway page (502/503/504) after the simulator acted or before,
silence until the client times out, a connection reset in the middle of the answer.

Pacing runs on virtual time: the client core's injectable clock and sleep (`SyncCore(clock=,
sleep=)`) and the simulator's `now` share one `VirtualClock`, so the documented 1 s between adds
costs nothing while the simulator still refuses (0200022) any add that comes too early, and
every gap is checked. Only the timeouts take real time.

For every fault pattern: each input item appears exactly once in the report, no item that was
not itself refused is rejected, and resending `remaining()` — plus the unknown items the
campaign turns out not to hold, the check a user makes — leaves every sendable number exactly
once in the campaign.
"""

from __future__ import annotations

import asyncio
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from e2e_support import ACCESS_KEY, SECRET_KEY, run
from fault_server import Act, Answer, FaultServer, Received, gateway, reset, serve, silence
from outbound import huawei_isales as hw

from generator.mock import MockConfig, Simulator
from generator.spec import load_specs

VDN, CAMPAIGN = 7, 1001
ITEMS = [hw.CallData(called=f"1380000{i:04d}", session_id=f"s{i}") for i in range(45)]
Report = hw.BatchReport[hw.CallData, hw.AddCallDataResponse]


class VirtualClock:
    """Seconds in steps of 1/1024 (exact in binary floating point, so a gap of exactly 1 s is
    exactly 1.0 for the client and the simulator alike); `sleep` advances it at once."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += math.ceil(max(seconds, 0.0) * 1024) / 1024

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)


@dataclass
class Rig:
    sim: Simulator
    server: FaultServer
    clock: VirtualClock
    arrivals: list[float] = field(default_factory=list)  # virtual time of each add served
    clients: list[Any] = field(default_factory=list)

    def handle(self, request: Received) -> Answer:
        path, _, query = request.target.partition("?")
        found = self.sim.route(request.method, path, query)
        assert found is not None and not isinstance(found, str), request.target
        op, params = found
        url = f"http://{request.headers['host']}{request.target}"
        self.arrivals.append(self.clock())
        answer = self.sim.handle(
            op, params, request.method, url, request.headers, request.body, now=self.clock()
        )
        content, media_type = answer.encode()
        return answer.status, {"Content-Type": media_type}, content

    def client(self, **kwargs: Any) -> hw.Client:
        kwargs.setdefault("max_retries", 0)  # a paced add refused 0200022 must fail the test
        client = hw.Client(self.server.url, access_key=ACCESS_KEY, secret_key=SECRET_KEY, **kwargs)
        client._core._clock = self.clock  # the core's injectable clock and sleep, made virtual
        client._core._sleep = self.clock.sleep
        self.clients.append(client)
        return client

    def aclient(self, **kwargs: Any) -> hw.AsyncClient:
        kwargs.setdefault("max_retries", 0)
        client = hw.AsyncClient(
            self.server.url, access_key=ACCESS_KEY, secret_key=SECRET_KEY, **kwargs
        )
        client._core._clock = self.clock
        client._core._sleep = self.clock.async_sleep
        return client

    def held(self) -> list[str]:
        return [n["called"] for n in self.sim.state.numbers(VDN, CAMPAIGN)]

    def hold(self, *called: str) -> None:
        """Numbers already pending in the campaign (added before the test's batch)."""
        campaign = self.sim.state.campaign(VDN, CAMPAIGN)
        for number in called:
            campaign.numbers.append({"called": number})
            campaign.pending.add(number)


@pytest.fixture(scope="module")
def huawei() -> Any:
    specs = Path(__file__).resolve().parents[2] / "specs"
    (service,) = [s for s in load_specs(specs) if s.name == "huawei_isales"]
    return service


@pytest.fixture
def make_rig(huawei: Any) -> Iterator[Callable[..., Rig]]:
    made: list[Rig] = []

    def make(*acts: Act, **config: Any) -> Rig:
        sim = Simulator(huawei, MockConfig(access_keys={ACCESS_KEY: SECRET_KEY}, **config))
        rig = Rig(sim, FaultServer(), VirtualClock())
        rig.server.handler = rig.handle
        rig.server.then(*acts).start()
        made.append(rig)
        return rig

    yield make
    for rig in made:
        for client in rig.clients:
            client.close()
        rig.server.stop()


def batch(client: hw.Client, items: list[hw.CallData], **kwargs: Any) -> Report:
    return client.add_call_data_in_batches(
        vdn_id=VDN, campaign_id=CAMPAIGN, call_data_list=items, **kwargs
    )


def check_report(report: Report, items: list[hw.CallData], culprits: set[int]) -> None:
    """Every input item once, lists in input order, and only `culprits` rejected."""
    buckets = [report.accepted, report.rejected, report.not_sent, report.unknown]
    indexes = [e.index for bucket in buckets for e in bucket]
    indexes += [e.index for e in report.unresolved]
    assert sorted(indexes) == list(range(len(items)))
    for bucket in [*buckets, report.unresolved]:
        assert [e.index for e in bucket] == sorted(e.index for e in bucket)
        assert all(items[e.index] is e.item for e in bucket)
    assert {e.index for e in report.rejected} == culprits


def check_paced(rig: Rig) -> None:
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(rig.arrivals)), rig.arrivals


def resume_and_check(
    rig: Rig, client: hw.Client, report: Report, items: list[hw.CallData], unsendable: set[str]
) -> None:
    """Resend `remaining()` plus the unknown items the campaign does not hold; then every
    sendable number is in the campaign exactly once."""
    held = set(rig.held())
    checked = [e.item for e in report.unknown if e.item.called not in held]
    again = batch(client, report.remaining() + checked)
    assert again.remaining() == [] and again.unknown == []
    assert all(e.item.called in unsendable for e in again.rejected)
    sendable = {item.called for item in items} - unsendable
    counts = Counter(rig.held())
    assert {n for n in counts if n not in unsendable} == sendable
    assert all(count == 1 for count in counts.values()), counts
    check_paced(rig)


# ---------------------------------------------------------------------------------------------
# Duplicates in the input, numbers the server refuses
# ---------------------------------------------------------------------------------------------


def test_the_issue_case_item_26_repeats_item_25(make_rig: Callable[..., Rig]) -> None:
    """45 numbers, item 26 a repeat of item 25: before, 25 accepted, 20 rejected and nothing
    to resume. Now: 44 accepted, the repeat rejected locally, three calls."""
    rig = make_rig()
    items = [*ITEMS[:26], hw.CallData(called=ITEMS[25].called, session_id="again"), *ITEMS[27:]]
    report = batch(rig.client(), items)
    check_report(report, items, {26})
    (dup,) = report.rejected
    assert (dup.source, dup.code, dup.chunk) == ("client", "0200018", None)
    assert dup.violations[0].path == "/callDataList/26/called"
    assert f"called {items[26].called} repeats input item 25" in dup.message
    assert report.chunks == 3 and report.remaining() == [] and report.stopped_by is None
    assert sorted(rig.held()) == sorted({i.called for i in items})
    check_paced(rig)


def test_a_repeat_across_chunks(make_rig: Callable[..., Rig]) -> None:
    rig = make_rig()
    items = [*ITEMS, hw.CallData(called=ITEMS[3].called)]
    report = batch(rig.client(), items)
    check_report(report, items, {45})
    assert "repeats input item 3" in report.rejected[0].message
    resume_and_check(rig, rig.client(), report, items, set())


@pytest.mark.parametrize("anonymous", [False, True], ids=["named", "unnamed"])
def test_a_number_already_pending_on_the_server(
    make_rig: Callable[..., Rig], anonymous: bool
) -> None:
    rig = make_rig(anonymous_refusals=anonymous)
    rig.hold(ITEMS[25].called)
    client = rig.client()
    report = batch(client, ITEMS)
    check_report(report, ITEMS, {25})
    (culprit,) = report.rejected
    assert (culprit.source, culprit.code) == ("server", "0200018")
    assert culprit.message.startswith("Duplicate numbers exist.")
    assert report.remaining() == [] and len(report.accepted) == 44
    if anonymous:  # chunk 2 split until 25 stood alone, 8 extra calls:
        # [20-29] ✗, [20-24] ✓, [25-29] ✗, [25-26] ✗, [25] ✗, [26] ✓, [27-29] ✓, [30-39] ✓
        assert report.chunks == 3 + 8
    else:  # chunk 2's message named it: its 19 others went first in chunk 3
        assert report.chunks == 4
    resume_and_check(rig, client, report, ITEMS, {ITEMS[25].called})


@pytest.mark.parametrize("anonymous", [False, True], ids=["named", "unnamed"])
def test_blacklisted_numbers(make_rig: Callable[..., Rig], anonymous: bool) -> None:
    listed = {ITEMS[i].called for i in (2, 30, 31)}
    rig = make_rig(blacklist=frozenset(listed), anonymous_refusals=anonymous)
    client = rig.client()
    report = batch(client, ITEMS)
    check_report(report, ITEMS, {2, 30, 31})
    assert {(e.source, e.code) for e in report.rejected} == {("server", "0200024")}
    assert report.unresolved == [] and report.remaining() == []
    resume_and_check(rig, client, report, ITEMS, listed)


def test_split_budget_runs_out_then_resume_completes(make_rig: Callable[..., Rig]) -> None:
    rig = make_rig(anonymous_refusals=True)
    rig.hold(*(ITEMS[i].called for i in (1, 6, 12)))
    client = rig.client()
    report = batch(client, ITEMS[:20], max_split_calls=2)
    assert report.chunks == 3 and report.rejected == []
    assert len(report.unresolved) == 20 - len(report.accepted) > 0
    assert all("max_split_calls=2" in e.reason for e in report.unresolved)
    again = batch(client, report.remaining())
    assert {e.item.called for e in again.rejected} == {ITEMS[i].called for i in (1, 6, 12)}
    assert again.remaining() == []
    assert Counter(rig.held()) == Counter(i.called for i in ITEMS[:20])
    check_paced(rig)


def test_async_split_and_repeat(make_rig: Callable[..., Rig]) -> None:
    rig = make_rig(anonymous_refusals=True)
    rig.hold(ITEMS[7].called)
    items = [*ITEMS, hw.CallData(called=ITEMS[0].called)]

    async def go() -> Report:
        async with rig.aclient() as client:
            return await client.add_call_data_in_batches(
                vdn_id=VDN, campaign_id=CAMPAIGN, call_data_list=items
            )

    report = run(go())
    check_report(report, items, {7, 45})
    assert report.remaining() == []
    assert Counter(rig.held()) == Counter(i.called for i in ITEMS)
    check_paced(rig)


# ---------------------------------------------------------------------------------------------
# Answers the client cannot read: gateway pages, timeouts, resets
# ---------------------------------------------------------------------------------------------

SECOND_CHUNK_FAILS = [
    pytest.param(gateway(status, handled=handled), id=f"html-{status}-{when}")
    for status in (502, 503, 504)
    for handled, when in ((True, "after-acting"), (False, "before-acting"))
] + [
    pytest.param(silence(5, handled=True), id="timeout-after-acting"),
    pytest.param(silence(5, handled=False), id="timeout-before-acting"),
    pytest.param(
        reset(handled=True, partial=b"HTTP/1.1 200 OK\r\nContent-Le"), id="reset-mid-answer"
    ),
    pytest.param(reset(handled=False), id="reset-before-acting"),
]


@pytest.mark.parametrize("fault", SECOND_CHUNK_FAILS)
def test_second_chunk_unreadable(make_rig: Callable[..., Rig], fault: Act) -> None:
    rig = make_rig(serve, fault)
    client = rig.client(timeout=0.3)
    report = batch(client, ITEMS)
    check_report(report, ITEMS, set())
    assert [e.index for e in report.accepted] == list(range(20))
    assert [e.index for e in report.unknown] == list(range(20, 40))
    assert all("may have reached the server" in e.reason for e in report.unknown)
    assert [e.index for e in report.not_sent] == list(range(40, 45))
    assert report.stopped_by is not None and report.chunks == 2
    assert report.remaining() == ITEMS[40:]
    resume_and_check(rig, client, report, ITEMS, set())


@pytest.mark.parametrize("status", [502, 504])
def test_async_gateway_page(make_rig: Callable[..., Rig], status: int) -> None:
    rig = make_rig(serve, gateway(status, handled=True))

    async def go() -> Report:
        async with rig.aclient() as client:
            return await client.add_call_data_in_batches(
                vdn_id=VDN, campaign_id=CAMPAIGN, call_data_list=ITEMS
            )

    report = run(go())
    check_report(report, ITEMS, set())
    assert [e.index for e in report.unknown] == list(range(20, 40))
    assert isinstance(report.stopped_by, hw.ApiError)
    assert report.stopped_by.http_status == status
    rig.clock.sleep(1.0)  # a new client paces only itself: the simulator would say 0200022
    resume_and_check(rig, rig.client(), report, ITEMS, set())


def test_a_gateway_page_during_a_split(make_rig: Callable[..., Rig]) -> None:
    """Chunk 1 refused without names; its first half is answered by a 502: those 10 are
    unknown, the second half waits unresolved, the rest is not sent."""
    rig = make_rig(serve, gateway(502, handled=False), anonymous_refusals=True)
    rig.hold(ITEMS[15].called)
    client = rig.client()
    report = batch(client, ITEMS)
    check_report(report, ITEMS, set())
    assert [e.index for e in report.unknown] == list(range(10))
    assert [e.index for e in report.unresolved] == list(range(10, 20))
    assert [e.index for e in report.not_sent] == list(range(20, 45))
    assert report.remaining() == ITEMS[10:]
    resume_and_check(rig, client, report, ITEMS, {ITEMS[15].called})
