"""Generation benchmark (issue 11): how `callgen generate` and a no-op `callgen check` grow with
the number of operations, and callgen against openapi-python-client on one real service.

    python bench/bench_generate.py            # N = 50, 200, 1000 (about 15 minutes on 2 cores)
    python bench/bench_generate.py --quick    # N = 10, 50, 100

Each command runs in its own process; its CPU time (user + system, worker processes included)
and peak RSS (the largest process) come from os.wait4. The synthetic spec of N operations
clones yantong_groupcall's eight operations round-robin (`list_tasks`, `list_tasks_1`, …, each
on a route of its own), so it loads, generates and checks like a real one. `generate` writes
into a new folder; `check` then runs on that up-to-date folder. callgen's modules are compiled
to bytecode first, as installing it does (the runs themselves write none), and every run sees a
cache folder of the bench's own (XDG_CACHE_HOME), empty before each `generate` row: the
compiled templates callgen keeps there are measured cold; one extra row shows them warm.

The peer is openapi-python-client on callgen's own OpenAPI 3.1 export of huawei_isales
(`callgen openapi huawei_isales`), against `callgen generate` of huawei_isales alone, both into
a new folder. The endpoints the peer leaves out are printed (it does less work then, so the
ratio errs against callgen). Bench-only dependencies: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
TEMPLATE = SPECS / "yantong_groupcall.yaml"
PEER_SERVICE = "huawei_isales"
CALLGEN_TREE = ROOT  # whose `python -m generator` runs (--tree)

TARGET_GROWTH = 20.0  # generate(1000) / generate(50)
TARGET_CHECK = 0.1  # no-op check / generate, at every N
TARGET_PEER = 0.5  # callgen generate / openapi-python-client, one service
TARGET_RSS_MB = 400.0  # peak RSS of generate at N = 1000


@dataclass
class Run:
    cpu: float  # seconds, user + system, children included
    wall: float
    rss_mb: float
    output: str = ""  # what the command printed (stdout and stderr)


def measured(command: list[str], cwd: Path, cache: Path | None = None) -> Run:
    """Run `command` (exit if it fails) and return what it cost: the process is reaped with
    os.wait4, so the rusage is its own and its waited-for children's (formatting workers).
    `cache`: the user cache folder it sees (callgen keeps compiled templates there)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=out,
            stderr=err,
            env=env,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        output = f"{out.read().decode(errors='replace')}\n{err.read().decode(errors='replace')}"
        if proc.returncode != 0:
            sys.exit(f"failed ({proc.returncode}): {' '.join(command)}\n{output}")
    return Run(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, output)


def synthetic_spec(n: int) -> str:
    """A spec of n operations: yantong_groupcall's, cloned round-robin on routes of their own."""
    spec = yaml.safe_load(TEMPLATE.read_text("utf-8"))
    originals = spec["operations"]
    names = list(originals)
    operations = {}
    for i in range(n):
        name = names[i % len(names)]
        k = i // len(names)
        op = copy.deepcopy(originals[name])
        if k:
            op["query"] = {"r": f"{op['query']['r']}-{k}"}
        operations[name if k == 0 else f"{name}_{k}"] = op
    spec["operations"] = operations
    spec["service"] = "synthetic"
    if n < len(names):  # the notes name every original operation
        raise SystemExit(f"N must be at least {len(names)}")
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=100)


def callgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def bench_sizes(sizes: list[int], work: Path) -> dict[int, tuple[Run, Run, int]]:
    results = {}
    for n in sizes:
        specs = work / f"specs{n}"
        specs.mkdir()
        (specs / "synthetic.yaml").write_text(synthetic_spec(n), "utf-8")
        out, cache = work / f"out{n}", work / f"cache{n}"  # generate with a cold cache
        command = callgen("generate", "--specs", str(specs), "--out", str(out))
        gen = measured(command, CALLGEN_TREE, cache)
        command = callgen("check", "--specs", str(specs), "--out", str(out))
        chk = measured(command, CALLGEN_TREE, cache)
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(
            f"  N={n}: generate {gen.cpu:.1f} s CPU ({gen.wall:.1f} s wall, {gen.rss_mb:.0f} MB), "
            f"check {chk.cpu:.2f} s CPU ({chk.rss_mb:.0f} MB)",
            flush=True,
        )
        results[n] = (gen, chk, size)
        shutil.rmtree(out)
    return results


# -- the peer ----------------------------------------------------------------------------------


def bench_peer(work: Path) -> tuple[Run, Run, Run, Run]:
    peer = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    if peer is None:
        sys.exit("openapi-python-client is not installed: pip install -e '.[bench]'")
    specs = work / "peer_specs"
    specs.mkdir()
    shutil.copy(SPECS / f"{PEER_SERVICE}.yaml", specs)
    document = work / f"{PEER_SERVICE}.openapi.json"
    measured(callgen("openapi", PEER_SERVICE, "--specs", str(specs), "-o", str(document)), ROOT)
    cache = work / "peer_cache"  # empty: the first run compiles the templates (cold)
    command = callgen("generate", "--specs", str(specs), "--out", str(work / "ours"))
    ours = measured(command, CALLGEN_TREE, cache)
    again = measured(command, CALLGEN_TREE, cache)  # into its own output: the manifest skips black
    command = callgen("generate", "--specs", str(specs), "--out", str(work / "ours_warm"))
    warm = measured(command, CALLGEN_TREE, cache)  # a new folder, templates compiled before
    theirs = measured(
        [
            peer,
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(work / "theirs"),
            "--meta",
            "none",
        ],
        work,
    )
    if not any((work / "theirs").rglob("*.py")):
        sys.exit("openapi-python-client wrote no Python files")
    for skipped in re.findall(r"WARNING parsing (.+?) within", theirs.output):
        print(f"  openapi-python-client left out {skipped}", flush=True)
    return ours, theirs, again, warm


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 10, 50, 100 instead")
    parser.add_argument("--sizes", type=int, nargs="+", help="operation counts to run")
    parser.add_argument("--no-peer", action="store_true", help="skip openapi-python-client")
    parser.add_argument(
        "--tree",
        type=Path,
        help="run the callgen of another checkout (e.g. an older commit, for before/after)",
    )
    args = parser.parse_args()
    if args.tree:
        global CALLGEN_TREE
        CALLGEN_TREE = args.tree.resolve()
    sizes = args.sizes or ([10, 50, 100] if args.quick else [50, 200, 1000])
    # callgen's modules compiled once, as installing it does (the peer's were, by pip): the runs
    # themselves write no bytecode
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(CALLGEN_TREE / "generator")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"callgen generate / check, synthetic specs, cores: {os.cpu_count()}", flush=True)
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="callgen-bench-") as tmp:
        work = Path(tmp)
        results = bench_sizes(sizes, work)
        peer = None if args.no_peer else bench_peer(work)

    print()
    print(
        "| N operations | generate CPU s | generate wall s | peak RSS MB | output MB |"
        " no-op check CPU s | check / generate |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, (gen, chk, size) in results.items():
        print(
            f"| {n} | {gen.cpu:.1f} | {gen.wall:.1f} | {gen.rss_mb:.0f} | {size / 1e6:.1f} "
            f"| {chk.cpu:.2f} | {chk.cpu / gen.cpu:.3f} |"
        )
    if peer is not None:
        ours, theirs, again, warm = peer
        print()
        print(f"| one service ({PEER_SERVICE}) | CPU s | wall s | peak RSS MB |")
        print("|---|---:|---:|---:|")
        print(f"| callgen generate | {ours.cpu:.2f} | {ours.wall:.2f} | {ours.rss_mb:.0f} |")
        print(
            f"| callgen generate, templates compiled before (warm cache) | {warm.cpu:.2f} | "
            f"{warm.wall:.2f} | {warm.rss_mb:.0f} |"
        )
        print(
            f"| openapi-python-client generate | {theirs.cpu:.2f} | {theirs.wall:.2f} "
            f"| {theirs.rss_mb:.0f} |"
        )
        print(
            f"| callgen generate again, into its own output | {again.cpu:.2f} | "
            f"{again.wall:.2f} | {again.rss_mb:.0f} |"
        )

    print()
    small, large = min(results), max(results)
    growth = results[large][0].cpu / results[small][0].cpu
    linear = large / small
    print(
        f"generate({large}) / generate({small}) = {growth:.1f} (linear: {linear:.0f}; "
        f"target ≤ {TARGET_GROWTH:.0f} for 1000/50): "
        + (verdict(growth <= TARGET_GROWTH) if (small, large) == (50, 1000) else "n/a at these N")
    )
    worst = max(chk.cpu / gen.cpu for gen, chk, _ in results.values())
    print(
        f"no-op check / generate ≤ {TARGET_CHECK} at every N (worst {worst:.3f}): "
        + verdict(worst <= TARGET_CHECK)
    )
    if peer is not None:
        ratio = peer[0].cpu / peer[1].cpu
        print(
            f"callgen / openapi-python-client CPU, both into a new folder = {ratio:.2f} "
            f"(target ≤ {TARGET_PEER}): " + verdict(ratio <= TARGET_PEER)
        )
        print(f"  (warm template cache: {peer[3].cpu / peer[1].cpu:.2f}; ", end="")
        print(f"regenerating into its own output: {peer[2].cpu / peer[1].cpu:.2f})")
    if 1000 in results:
        rss = results[1000][0].rss_mb
        print(
            f"peak RSS at N=1000 = {rss:.0f} MB (target < {TARGET_RSS_MB:.0f}): "
            + verdict(rss < TARGET_RSS_MB)
        )


if __name__ == "__main__":
    main()
