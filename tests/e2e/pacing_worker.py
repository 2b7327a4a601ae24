"""One worker process of the shared-pacing tests (tests/e2e/test_e2e_pacing.py).

Usage: python pacing_worker.py '{"base_url": …, "pacer": URL, "interval": s, "calls": n,
"access_key": AK, "mode": "sync"|"async", "skew": s}'

It sends `calls` Huawei add_call_data requests through the generated client with
`pacer=URL`. The documented interval (1 s) is shortened to `interval` by the test harness
(the operation constant is replaced in this process only; the client's defaults are not
touched). `skew` shifts this process's wall clock (time.time) to show that no pacer reads it.
Prints one JSON line: {"ok": count, "errors": [text, …]}.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import sys
import time

config = json.loads(sys.argv[1])
if config.get("skew"):
    _real_time = time.time
    time.time = lambda: _real_time() + config["skew"]  # this machine's clock is off

from outbound import huawei_isales as hw
from outbound.huawei_isales import client as hw_client

hw_client.OP_ADD_CALL_DATA = dataclasses.replace(
    hw_client.OP_ADD_CALL_DATA, min_interval=config["interval"]
)
logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")

WORKER = config.get("worker", 0)
FAILURES = (hw.ApiError, hw.TransportError, hw.ResponseError)  # anything else ends the worker


def number(i: int) -> list[hw.CallData]:
    return [hw.CallData(called=f"8{WORKER:02d}{i:04d}")]


def sync_main() -> tuple[int, list[str]]:
    ok, errors = 0, []
    with hw.Client(
        config["base_url"],
        access_key=config["access_key"],
        secret_key="SK",
        pacer=config["pacer"],
    ) as client:
        for i in range(config["calls"]):
            try:
                client.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=number(i))
                ok += 1
            except FAILURES as exc:  # reported to the test, which fails on any
                errors.append(f"{type(exc).__name__}: {exc}")
    return ok, errors


async def async_main() -> tuple[int, list[str]]:
    """Two tasks share one AsyncClient: pacing holds inside the process too."""
    errors: list[str] = []

    async with hw.AsyncClient(
        config["base_url"],
        access_key=config["access_key"],
        secret_key="SK",
        pacer=config["pacer"],
    ) as client:

        async def task(indexes: range) -> int:
            done = 0
            for i in indexes:
                try:
                    await client.add_call_data(vdn_id=7, campaign_id=1001, call_data_list=number(i))
                    done += 1
                except FAILURES as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
            return done

        calls = config["calls"]
        counts = await asyncio.gather(task(range(0, calls, 2)), task(range(1, calls, 2)))
    return sum(counts), errors


ok, errors = sync_main() if config["mode"] == "sync" else asyncio.run(async_main())
print(json.dumps({"ok": ok, "errors": errors}), flush=True)
