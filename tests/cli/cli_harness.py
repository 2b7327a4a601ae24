"""The test harness of the command line: `python cli_harness.py ARGS…` runs
`python -m outbound ARGS…` (the same `main`), with these test options from the environment:

* `CALLGEN_TEST_MIN_INTERVAL=SECONDS`: the generated clients pace every paced operation (Huawei's
  adds: documented 1 s) SECONDS apart instead, by replacing the client module's `Operation`
  constants. The CLI's own defaults are not touched; pair it with the simulator's
  `--min-interval` (MockConfig.min_interval).
* `CALLGEN_TEST_KILL=POINT:N`: the process kills itself with SIGKILL at POINT of its N-th call:
  `sending` right after the journal committed the call's rows as sending (before the request
  leaves), `sent` once the server's answer was read (before the journal records it),
  `answered` right after the journal recorded the answer.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import signal
import sys
from typing import Any

import outbound
from outbound._runtime import cli, journal


def _shorten_pacing(seconds: float) -> None:
    for name in outbound.SERVICES:
        module = importlib.import_module(f"outbound.{name}.client")
        for attribute, value in list(vars(module).items()):
            if attribute.startswith("OP_") and getattr(value, "min_interval", None):
                setattr(module, attribute, dataclasses.replace(value, min_interval=seconds))


def _kill_at(point: str, n: int) -> None:
    counts = {"sending": 0, "sent": 0, "answered": 0}

    def count(at: str) -> None:
        counts[at] += 1
        if at == point and counts[at] == n:
            os.kill(os.getpid(), signal.SIGKILL)

    sending, answered = journal.Journal.sending, journal.Journal.answered

    def sending_then_kill(self: journal.Journal, rows: Any) -> int:
        chunk = sending(self, rows)
        count("sending")
        return chunk

    def answered_then_kill(self: journal.Journal, *args: Any) -> None:
        answered(self, *args)
        count("answered")

    journal.Journal.sending = sending_then_kill  # type: ignore[method-assign]
    journal.Journal.answered = answered_then_kill  # type: ignore[method-assign]
    hw = importlib.import_module("outbound.huawei_isales.client")
    add = hw.Client.add_call_data

    def add_then_kill(self: Any, **kwargs: Any) -> Any:
        try:
            return add(self, **kwargs)
        finally:
            count("sent")

    hw.Client.add_call_data = add_then_kill


if __name__ == "__main__":
    if "CALLGEN_TEST_MIN_INTERVAL" in os.environ:
        _shorten_pacing(float(os.environ["CALLGEN_TEST_MIN_INTERVAL"]))
    if "CALLGEN_TEST_KILL" in os.environ:
        where, _, number = os.environ["CALLGEN_TEST_KILL"].partition(":")
        _kill_at(where, int(number))
    sys.exit(cli.main(sys.argv[1:], prog="python -m outbound"))
