"""Bulk loads (`--from FILE`) in process, against the Huawei simulator: the whole path from a CSV
or JSON Lines file to the campaign and the report, invalid rows, refusals by the server, a
stopped load resumed, journals refused, progress.

Pacing is shortened by the harness option `fast_pacing` and the simulator's min_interval (see
conftest.py); the CLI's defaults are untouched.
"""

from __future__ import annotations

import csv
import fcntl
import gc
import importlib.util
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import VDN, Result, add_args, held, write_numbers
from outbound._runtime.batches import BatchProgress
from outbound._runtime.bulk import Progress

from generator.mock import Simulator

Cli = Callable[..., Result]
pytestmark = pytest.mark.usefixtures("fast_pacing", "huawei_env")


def report_lines(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_a_csv_load_end_to_end(cli: Cli, huawei: Callable[..., Simulator], tmp_path: Path) -> None:
    sim = huawei()
    numbers = write_numbers(tmp_path / "numbers.csv", 150, bom=True)
    report = tmp_path / "report.csv"
    result = cli(*add_args(tmp_path / "numbers.csv", "--report", str(report)))
    assert result.status == 0, result.err
    assert held(sim) == numbers
    summary = json.loads(result.out)
    assert summary == {
        "rows": 150,
        "accepted": 150,
        "rejected": 0,
        "unknown": 0,
        "not_sent": 0,
        "invalid": 0,
        "status": "finished",
        "journal": f"{tmp_path / 'numbers.csv'}.journal",
        "report": str(report),
    }
    lines = report_lines(report)
    assert lines[0] == ["row", "called", "outcome", "code", "message"]
    assert lines[1:] == [[str(i + 2), n, "accepted", "", ""] for i, n in enumerate(numbers)]
    # plain progress lines (stderr is no terminal): the first with the documented ETA
    assert "huawei_isales add_call_data: 0/150 rows answered (0%), ETA 0:00:00" in result.err
    assert "150/150 rows answered (100%)" in result.err
    assert "150 rows: 150 accepted, 0 rejected, 0 unknown, 0 not sent, 0 invalid" in result.err
    # the same command again: nothing left, the same report
    again = cli(*add_args(tmp_path / "numbers.csv", "--report", str(report)))
    assert again.status == 0 and "nothing to send" in again.err
    assert report_lines(report) == lines and held(sim) == numbers
    assert gc.isenabled()  # the collector, paused while the rows were built, is back on


def test_a_json_lines_load_with_snake_case_members(
    cli: Cli, huawei: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = huawei()
    items = [
        {"called": f"1390{i:04d}", "session_id": f"s{i}", "customField": "x"} for i in range(30)
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n\n", "utf-8")
    result = cli(*add_args(path, "--journal", str(tmp_path / "j.sqlite")))
    assert result.status == 0, result.err
    stored = sim.state.numbers(VDN, 4711)  # type: ignore[attr-defined]
    assert stored == [
        {"called": i["called"], "sessionId": i["session_id"], "customField": "x"} for i in items
    ]
    assert (tmp_path / "j.sqlite").exists() and not (tmp_path / "items.jsonl.journal").exists()


def test_invalid_rows_stop_everything_and_each_violation_has_its_row(
    cli: Cli, huawei: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = huawei()
    path = tmp_path / "n.csv"
    path.write_text(
        "called,customField\n13800000001,\n\n13800000x,a.b\n13800000003,\n13800000001,\n",
        "utf-8",
    )
    report = tmp_path / "r.csv"
    result = cli(*add_args(path, "--report", str(report)))
    assert result.status == 1
    assert sim.requests == 0 and not (tmp_path / "n.csv.journal").exists()
    assert result.err.splitlines()[:4] == [
        f"{path}:4: /called: must match ^[0-9*#]+$ [pattern, 02000002]",
        f"{path}:4: /customField: must not contain . [forbidden_chars, 02000002]",
        f"{path}:6: /called: called 13800000001 repeats row 2 [unique, 0200018]",
        (
            "huawei_isales add_call_data: 2 of 4 rows are invalid, nothing was sent: correct "
            "them, or give --skip-invalid to leave them out"
        ),
    ]
    assert [line[:3] for line in report_lines(report)] == [
        ["row", "called", "outcome"],
        ["2", "13800000001", "not sent"],
        ["4", "13800000x", "invalid"],
        ["5", "13800000003", "not sent"],
        ["6", "13800000001", "invalid"],
    ]
    assert json.loads(result.out)["invalid"] == 2

    skipped = cli(*add_args(path, "--report", str(report), "--skip-invalid"))
    assert skipped.status == 1  # not every row was accepted
    assert held(sim) == ["13800000001", "13800000003"]
    lines = report_lines(report)
    assert [line[2] for line in lines[1:]] == ["accepted", "invalid", "accepted", "invalid"]
    assert lines[2][4] == (
        "/called: must match ^[0-9*#]+$ [pattern, 02000002]; "
        "/customField: must not contain . [forbidden_chars, 02000002]"
    )
    assert lines[4][3:] == ["", "/called: called 13800000001 repeats row 2 [unique, 0200018]"]


def test_rows_the_server_refuses_are_rejected_with_its_code_the_others_accepted(
    cli: Cli, huawei: Callable[..., Simulator], tmp_path: Path
) -> None:
    """The batch runner's item codes: the numbers the message names are rejected, the others
    of their call sent again; with anonymous refusals, split until the culprits stand alone."""
    for anonymous in (False, True):
        numbers = write_numbers(tmp_path / "n.csv", 60)
        listed = {numbers[7], numbers[33]}
        sim = huawei(blacklist=frozenset(listed), anonymous_refusals=anonymous)
        report = tmp_path / "r.csv"
        for stale in tmp_path.glob("n.csv.journal*"):
            stale.unlink()
        result = cli(*add_args(tmp_path / "n.csv", "--report", str(report)))
        assert result.status == 1, result.err
        assert sorted(held(sim)) == sorted(set(numbers) - listed)
        rejected = [line for line in report_lines(report)[1:] if line[2] != "accepted"]
        assert [(line[1], line[2], line[3]) for line in rejected] == [
            (numbers[7], "rejected", "0200024"),
            (numbers[33], "rejected", "0200024"),
        ]
        assert "2 rejected" in result.err


def test_a_load_stopped_by_the_campaign_resumes_once_the_cause_is_fixed(
    cli: Cli, huawei: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = huawei(known_campaigns_only=True)
    numbers = write_numbers(tmp_path / "n.csv", 50)
    report = tmp_path / "r.csv"
    stopped = cli(*add_args(tmp_path / "n.csv", "--report", str(report)))
    assert stopped.status == 1
    assert "The load stopped: ApiError: 0200007 CAMPAIGN_NOT_FOUND" in stopped.err
    assert "run the same command again to resume" in stopped.err
    lines = report_lines(report)[1:]
    assert {tuple(line[2:4]) for line in lines[:20]} == {("rejected", "0200007")}
    assert all("the same command sends it again" in line[4] for line in lines[:20])
    assert {line[2] for line in lines[20:]} == {"not sent"}
    assert held(sim) == []

    sim.state.set_campaign_state(VDN, 4711, "idle")  # type: ignore[attr-defined]
    resumed = cli(*add_args(tmp_path / "n.csv", "--report", str(report)))
    assert resumed.status == 0, resumed.err
    assert held(sim) == numbers
    assert {line[2] for line in report_lines(report)[1:]} == {"accepted"}


def test_a_password_in_a_url_is_in_no_output_nor_in_the_journal(
    cli: Cli, huawei: Callable[..., Simulator], huawei_env: dict[str, str], tmp_path: Path
) -> None:
    """A user:password in --base-url (or a redis:// pacer URL) is typed by the user, but the
    resume hint, the messages and the journal show it as ***."""
    huawei(known_campaigns_only=True)  # the load stops at the first call: the hint is printed
    write_numbers(tmp_path / "n.csv", 30)
    base = huawei_env["OUTBOUND_HUAWEI_ISALES_BASE_URL"].replace("://", "://ops:pa55word@")
    result = cli(*add_args(tmp_path / "n.csv", f"--base-url={base}"))
    assert result.status == 1
    assert "--base-url=http://***@127.0.0.1:" in result.err
    journal = (tmp_path / "n.csv.journal").read_bytes()
    wal = tmp_path / "n.csv.journal-wal"
    for text in (result.out, result.err, journal, wal.read_bytes() if wal.exists() else b""):
        assert ("pa55word" if isinstance(text, str) else b"pa55word") not in text


def test_the_journal_refuses_another_input_or_other_parameters(
    cli: Cli, huawei: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = huawei()
    path = tmp_path / "n.csv"
    write_numbers(path, 30)
    assert cli(*add_args(path)).status == 0
    sent = sim.requests

    with path.open("a", encoding="utf-8") as f:
        f.write("13999999999,late\n")
    changed = cli(*add_args(path))
    assert changed.status == 2
    assert f"{path}.journal belongs to another input" in changed.err
    assert "start a new load with another --journal" in changed.err

    write_numbers(path, 30)  # the original bytes again
    other = cli(
        "huawei_isales", "add_call_data", "--vdn-id", str(VDN), "--campaign-id", "4712",
        "--from", str(path),
    )  # fmt: skip
    assert other.status == 2
    assert 'path: {"campaignId": 4711, "vdnId": 3} then, {"campaignId": 4712, "vdnId": 3} now' in (
        other.err
    )
    skip = cli(*add_args(path, "--skip-invalid"))
    assert skip.status == 2 and "skip_invalid: false then, true now" in skip.err
    assert sim.requests == sent
    assert cli(*add_args(path)).status == 0  # the same command still resumes


def test_bulk_usage_errors(cli: Cli, huawei: Callable[..., Simulator], tmp_path: Path) -> None:
    huawei()
    path = tmp_path / "n.csv"
    write_numbers(path, 3)
    cases = [
        (add_args(path, "--call-data-list", "[]"), "--call-data-list: a bulk load takes its items"),
        (add_args(Path("-")), "--from needs a file"),
        (add_args(tmp_path / "absent.csv"), "No such file"),
        (add_args(path, "--journal", str(path)), "is not a journal of a bulk load"),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.status == 2, args
        assert message in result.err, result.err
    assert path.read_text().startswith("called,sessionId\n")  # the input was left alone
    (tmp_path / "h.csv").write_text("called\n")
    empty = cli(*add_args(tmp_path / "h.csv"))
    assert empty.status == 0 and "holds no rows" in empty.err
    (tmp_path / "bad.csv").write_text("number\n1\n")
    header = cli(*add_args(tmp_path / "bad.csv"))
    assert header.status == 2 and "unknown column 'number'" in header.err
    assert gc.isenabled()  # paused while the rows were read, back on after an input error
    bad_path = cli(
        "huawei_isales", "add_call_data", "--vdn-id", "0", "--campaign-id", "1", "--from", str(path)
    )  # fmt: skip
    assert bad_path.status == 1 and "path:/vdnId: must be at least 1" in bad_path.err


def test_a_journal_in_use_is_refused(
    cli: Cli, huawei: Callable[..., Simulator], tmp_path: Path
) -> None:
    """Another run holds the journal's lock (flock, as Journal.open takes it)."""
    huawei()
    path = tmp_path / "n.csv"
    write_numbers(path, 3)
    assert cli(*add_args(path)).status == 0
    fd = os.open(tmp_path / "n.csv.journal", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        busy = cli(*add_args(path))
    finally:
        os.close(fd)
    assert busy.status == 2 and "is in use by another run of this load" in busy.err


# ---------------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def step(chunk: int, accepted: int) -> BatchProgress:
    return BatchProgress(chunk, 20, "accepted", accepted, accepted, 0, 0, 0, False)


def test_the_eta_follows_the_documented_pace_or_the_measured_one() -> None:
    """200,000 rows, 20 per call, 1 s apart: 2 h 46 min 40 s before the first call; then the
    pace measured when it is slower than the documented one."""
    out = io.StringIO()
    clock = Clock()
    progress = Progress(
        label="hw add", total=200_000, done=0, to_send=200_000, size=20, min_interval=1.0,
        stream=out, every=10.0, clock=clock,
    )  # fmt: skip
    assert out.getvalue() == "hw add: 0/200,000 rows answered (0%), ETA 2:46:40\n"
    clock.now += 5.0  # 5 calls in 5 s: the documented pace
    progress.update(step(5, 100))
    assert out.getvalue().count("\n") == 1  # the next line after `every` seconds
    assert progress.eta() == pytest.approx((200_000 - 100) / 20 * 1.0)
    clock.now += 10.0  # 10 calls took 15 s: 1.5 s per call measured
    progress.update(step(10, 200))
    assert progress.eta() == pytest.approx((200_000 - 200) / 20 * 1.5)
    assert out.getvalue().splitlines()[1] == (
        "hw add: 200/200,000 rows answered (0%), 13.3 rows/s, ETA 4:09:45, this run: "
        "200 accepted, 0 rejected, 0 unknown, 10 calls"
    )
    progress.finish()
    assert out.getvalue().splitlines()[2].startswith("hw add: 200/200,000 rows answered (0%)")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_when_rich_is_installed() -> None:
    assert importlib.util.find_spec("rich") is not None  # a test dependency: never skipped
    out = Terminal()
    clock = Clock()
    progress = Progress(
        label="hw add", total=100, done=40, to_send=60, size=20, min_interval=1.0, stream=out,
        clock=clock,
    )  # fmt: skip
    clock.now += 1.0
    progress.update(step(1, 20))
    progress.finish()
    text = out.getvalue()
    assert "hw add" in text and "60/100" in text and "ETA 0:00:02" in text
    assert "rows answered" not in text  # no plain lines on a terminal


def test_a_terminal_without_rich_gets_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rich.progress", None)  # as if the extra were missing
    out = Terminal()
    clock = Clock()
    progress = Progress(
        label="hw add", total=100, done=40, to_send=60, size=20, min_interval=1.0, stream=out,
        clock=clock,
    )  # fmt: skip
    clock.now += 1.0
    progress.update(step(1, 20))
    progress.finish()
    lines = out.getvalue().splitlines()
    assert lines[0] == "hw add: 40/100 rows answered (40%), ETA 0:00:03"
    assert lines[-1].startswith("hw add: 60/100 rows answered (60%)")
