"""Constants and helpers shared by the command-line tests (fixtures are in conftest.py)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.mock import Simulator

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
AK, SK = "cli-test-ak", "cli-test-SK-6b1f0c9e2d"
VDN, CAMPAIGN = 3, 4711
CLIENT_INTERVAL = 0.02  # the harness' client pacing (s)
SERVER_INTERVAL = 0.01  # the simulator's check (s): smaller, so a paced client never trips it


@dataclass
class Result:
    """What a command line run in process (the `cli` fixture) gave."""

    status: int
    out: str
    err: str


def harness_command(*args: str) -> list[str]:
    return [sys.executable, str(HERE / "cli_harness.py"), *args]


def harness_env(base: dict[str, str], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTBOUND_", "CALLGEN_TEST"))}
    env.update(base)
    env.setdefault("CALLGEN_TEST_MIN_INTERVAL", str(CLIENT_INTERVAL))
    env.update(extra)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def write_numbers(path: Path, count: int, *, start: int = 0, bom: bool = False) -> list[str]:
    """A CSV of `count` distinct numbers (header `called,sessionId`); returns the numbers."""
    numbers = [f"1391{i:07d}" for i in range(start, start + count)]
    lines = ["called,sessionId", *(f"{n},s{i}" for i, n in enumerate(numbers))]
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", "utf-8")
    return numbers


def held(sim: Simulator) -> list[str]:
    """The called numbers the campaign holds, one entry per stored number (repeats kept)."""
    return [n["called"] for n in sim.state.numbers(VDN, CAMPAIGN)]  # type: ignore[attr-defined]


def add_args(path: Path, *more: str) -> list[str]:
    """`huawei_isales add_call_data --vdn-id … --campaign-id … --from PATH MORE…`"""
    return [
        "huawei_isales",
        "add_call_data",
        "--vdn-id",
        str(VDN),
        "--campaign-id",
        str(CAMPAIGN),
        "--from",
        str(path),
        *more,
    ]
