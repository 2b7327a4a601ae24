"""Bulk loads (issue 13): the journal's cost per call, and reading a 200,000-row input.

1. Journal overhead per call (target: at most 5 ms): a journal planned with 200,000 rows;
   for each call of 20 rows, the commit before it is sent (`Journal.sending`, synchronous=FULL:
   the write-ahead log reaches the disk) and the commit of its answer (`Journal.answered`,
   synchronous=NORMAL), as the CLI makes them. The peer is the disk itself: one 200-byte
   append to a file followed by fsync, the least a durable record of a call can cost.
2. A 200,000-row CSV validated and planned (targets: under 10 s and 300 MB): a fresh process
   runs the CLI's load (`outbound._runtime.bulk.Load`, the generated validator, the SQLite plan)
   up to the moment the first call would be sent; wall time from the process' start (imports
   included) and its peak resident memory. The peer is a fresh process that only imports
   outbound.huawei_isales.

    python bench/bench_bulk.py [--calls N] [--rows N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from outbound._runtime.journal import Journal, PlannedRow

ROOT = Path(__file__).resolve().parents[1]


def journal_overhead(
    folder: Path, calls: int, rows: int
) -> tuple[list[float], list[float], list[float]]:
    """Milliseconds per call: (journal wall, journal CPU, fsync peer wall)."""
    plan = [PlannedRow(i + 2, f"1{i:010d}", "pending") for i in range(rows)]
    journal = Journal.open(
        folder / "bench.journal",
        input_path=folder / "bench.csv",
        input_digest="0" * 64,
        params={"bench": True},
        plan=plan,
        version="bench",
    )
    journal.begin_run("bench")
    per_call = []
    cpu = []
    with journal:
        for call in range(calls):
            members = [2 + call * 20 + i for i in range(20)]
            started, started_cpu = time.perf_counter(), time.process_time()
            chunk = journal.sending(members)
            journal.answered(chunk, "accepted", [(r, "accepted", None, "") for r in members])
            per_call.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    peer = []
    record = b"x" * 199 + b"\n"
    fd = os.open(folder / "peer.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for _ in range(calls):
            started = time.perf_counter()
            os.write(fd, record)
            os.fsync(fd)
            peer.append((time.perf_counter() - started) * 1000)
    finally:
        os.close(fd)
    return per_call, cpu, peer


PLANNER = textwrap.dedent("""
    import resource, sys, time
    from pathlib import Path
    from outbound import huawei_isales as hw
    from outbound._runtime import bulk
    from outbound.huawei_isales.cli import COMMANDS

    path = Path(sys.argv[1])
    reached = {}

    def send_all(items, progress, hooks):  # the first call would be sent now
        reached["s"] = time.monotonic() - float(sys.argv[2])
        usage = resource.getrusage(resource.RUSAGE_SELF)
        reached["rss"] = usage.ru_maxrss / 1024
        reached["cpu"] = usage.ru_utime + usage.ru_stime
        raise SystemExit(0)

    def validate_items(wires):  # as the CLI does (templates/runtime/cli.py)
        violations = hw.validate_request("add_call_data", {"callDataList": wires})
        return bulk.items_problems(violations, "/callDataList", len(wires), "called")

    load = bulk.Load(
        label="bench", input_path=path, journal_path=Path(str(path) + ".journal"),
        report_path=None, spec=bulk.ItemSpec(COMMANDS.commands[0].batch.fields),
        size=20, min_interval=1.0, unique_field="called", unique_code=lambda: "0200018",
        validate_items=validate_items, make_item=hw.CallData.from_wire, send_all=send_all,
        params={"bench": True}, skip_invalid=False, resend_unknown=False,
        command_line="bench", version="bench", progress_every=3600,
    )
    try:
        load.run()
    except SystemExit:
        pass
    print(f"{reached['s']:.3f} {reached['rss']:.1f} {reached['cpu']:.3f}")
    """)

IMPORT_ONLY = textwrap.dedent("""
    import resource, sys, time
    from outbound import huawei_isales
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{time.monotonic() - float(sys.argv[2]):.3f} {usage.ru_maxrss / 1024:.1f} "
          f"{usage.ru_utime + usage.ru_stime:.3f}")
    """)


def fresh_process(script: str, csv_path: Path) -> tuple[float, float, float]:
    """(seconds from start to the first call, peak RSS in MB, CPU seconds) of a fresh
    interpreter."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", script, str(csv_path), repr(started)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    seconds, megabytes, cpu = proc.stdout.split()
    return float(seconds), float(megabytes), float(cpu)


def write_input(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("called,sessionId,customField,recycleTime\n")
        f.writelines(
            f"138{i:08d},session-{i},campaign 2025 batch {i % 97},2025-06-01 08:00:00\n"
            for i in range(rows)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="calls journaled (default 1000)")
    parser.add_argument("--rows", type=int, default=200_000, help="input rows (default 200000)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        folder = Path(tmp)
        journal, journal_cpu, peer = journal_overhead(folder, args.calls, args.rows)
        csv_path = folder / "numbers.csv"
        write_input(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        planned = fresh_process(PLANNER, csv_path)
        baseline = fresh_process(IMPORT_ONLY, csv_path)

    def row(name: str, values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        return f"| {name} | {statistics.median(values):.2f} | {p95:.2f} | {max(values):.2f} |"

    print(f"journal: {args.calls} calls of 20 rows, plan of {args.rows:,} rows, load {load:.1f}")
    print("| per call | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|")
    print(row("journal: commit before the call + commit of its answer", journal))
    print(row("journal, CPU time of this process", journal_cpu))
    print(row("peer: 200-byte append + fsync", peer))
    median = statistics.median(journal)
    print(f"target ≤ 5 ms per call: {'met' if median <= 5 else 'NOT met'} (median {median:.2f})")
    print()
    print(f"input: {args.rows:,} rows, {size_mb:.1f} MB CSV; fresh process, imports included")
    print("| run | seconds to the first call | CPU seconds | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for name, (wall, rss, cpu_s) in [
        ("read, validate, check repeats, plan (SQLite)", planned),
        ("peer: import outbound.huawei_isales only", baseline),
    ]:
        print(f"| {name} | {wall:.2f} | {cpu_s:.2f} | {rss:.0f} |")
    met = planned[0] < 10 and planned[1] < 300
    verdict = "met" if met else "NOT met"
    print(f"targets < 10 s and < 300 MB: {verdict} (wall time; load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
