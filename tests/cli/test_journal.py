"""The journal of a bulk load (`outbound._runtime.journal`), read back with plain SQL.

What it must guarantee: the plan and each state change are committed when the calls return;
rows left `sending` by a run that died come back `unknown`; a second process cannot use the
same journal; another input, other parameters, or a file that is not a journal are refused
with a message saying what differs, and such a file is left untouched.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
from pathlib import Path

import pytest
from outbound._runtime.journal import (
    Journal,
    JournalError,
    JournalMismatch,
    PlannedRow,
    digest_of,
)

PARAMS = {"service": "huawei_isales", "operation": "add_call_data", "path": {"vdnId": 1}}
PLAN = [
    PlannedRow(2, "138", "pending"),
    PlannedRow(3, "139", "pending"),
    PlannedRow(4, "x", "invalid", "/called: must match ^[0-9*#]+$ [pattern, 02000002]"),
    PlannedRow(6, "140", "pending"),
]


def open_journal(path: Path, **change: object) -> Journal:
    arguments: dict[str, object] = {
        "input_path": path.with_name("in.csv"),
        "input_digest": "a" * 64,
        "params": PARAMS,
        "plan": PLAN,
        "version": "0.1.0",
    }
    arguments.update(change)
    return Journal.open(path, **arguments)  # type: ignore[arg-type]


def table(path: Path, query: str) -> list[tuple[object, ...]]:
    """Read with a connection of our own, as another program would."""
    db = sqlite3.connect(path)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def test_a_new_journal_holds_the_plan_digests_and_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "in.csv.journal"
    with open_journal(path) as journal:
        assert journal.created
        assert journal.rows_to_send() == [2, 3, 6]
    assert table(path, "PRAGMA journal_mode") == [("wal",)]
    assert table(path, "SELECT row, seq, key, state FROM items ORDER BY row") == [
        (2, 0, "138", "pending"),
        (3, 1, "139", "pending"),
        (4, None, "x", "invalid"),
        (6, 2, "140", "pending"),
    ]
    meta = dict(table(path, "SELECT key, value FROM meta"))  # type: ignore[arg-type]
    assert meta["format"] == "outbound-bulk-journal/1"
    assert meta["input_sha256"] == "a" * 64
    assert json.loads(meta["params"]) == PARAMS  # type: ignore[arg-type]
    canonical = json.dumps(PARAMS, sort_keys=True, separators=(",", ":"))
    assert meta["params_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert digest_of(PARAMS) == meta["params_sha256"]


def test_each_transition_is_committed_and_logged(tmp_path: Path) -> None:
    path = tmp_path / "j"
    journal = open_journal(path)
    journal.begin_run("cmd")
    chunk = journal.sending([2, 3])
    # committed: another connection sees it while the journal is still open
    assert table(path, "SELECT row, state, chunk FROM items WHERE row IN (2, 3)") == [
        (2, "sending", chunk),
        (3, "sending", chunk),
    ]
    assert table(path, "SELECT answered_at FROM chunks") == [(None,)]
    journal.answered(
        chunk,
        "accepted, rejected",
        [(2, "accepted", None, ""), (3, "rejected", "0200024", "listed")],
    )
    assert table(path, "SELECT row, state, code, message FROM items WHERE row IN (2, 3)") == [
        (2, "accepted", None, ""),
        (3, "rejected", "0200024", "listed"),
    ]
    assert table(path, "SELECT row, state, code FROM transitions ORDER BY id") == [
        (2, "sending", None),
        (3, "sending", None),
        (2, "accepted", None),
        (3, "rejected", "0200024"),
    ]
    journal.file([(6, "not_sent", None, "stopped")])
    journal.end_run("stopped")
    assert journal.counts()["not_sent"] == 1
    assert table(path, "SELECT status, command FROM runs") == [("stopped", "cmd")]
    journal.close()


def test_rows_left_sending_come_back_unknown_and_are_not_resent(tmp_path: Path) -> None:
    path = tmp_path / "j"
    journal = open_journal(path)
    journal.begin_run("first")
    journal.sending([2, 3])  # …and the process dies here: no answer, no end of run
    journal._db.close()  # what a SIGKILL leaves: nothing more written
    assert journal._lock is not None
    os.close(journal._lock)

    again = open_journal(path)
    assert not again.created
    lost = again.begin_run("second")
    assert [(s.row, s.state, s.chunk) for s in lost] == [(2, "unknown", 1), (3, "unknown", 1)]
    assert "answer was never recorded" in lost[0].message
    assert again.rows_to_send() == [6]
    assert again.rows_to_send(resend_unknown=True) == [2, 3, 6]
    assert table(path, "SELECT run, status FROM runs ORDER BY run") == [
        (1, "died"),
        (2, "running"),
    ]
    again.close()


def _try_open(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    try:
        open_journal(Path(path)).close()
        queue.put("opened")
    except JournalError as exc:
        queue.put(str(exc))


def test_a_second_process_cannot_use_an_open_journal(tmp_path: Path) -> None:
    path = tmp_path / "j"
    with open_journal(path):
        queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()  # type: ignore[type-arg]
        process = multiprocessing.get_context("spawn").Process(
            target=_try_open, args=(str(path), queue)
        )
        process.start()
        process.join(60)
        message = queue.get(timeout=5)
    assert "is in use by another run of this load" in message
    with open_journal(path):  # free again once closed
        pass


def test_another_input_is_refused_with_both_digests(tmp_path: Path) -> None:
    path = tmp_path / "j"
    open_journal(path).close()
    with pytest.raises(JournalMismatch) as caught:
        open_journal(path, input_digest="b" * 64)
    message = str(caught.value)
    assert "belongs to another input" in message
    assert "sha256 aaaaaaaaaaaaaaaa" in message and "sha256 bbbbbbbbbbbbbbbb" in message
    assert "another --journal" in message


def test_other_parameters_are_refused_naming_what_differs(tmp_path: Path) -> None:
    path = tmp_path / "j"
    open_journal(path).close()
    other = dict(PARAMS, path={"vdnId": 2}, skip_invalid=True)
    with pytest.raises(JournalMismatch) as caught:
        open_journal(path, params=other)
    message = str(caught.value)
    assert 'path: {"vdnId": 1} then, {"vdnId": 2} now' in message
    assert "skip_invalid: (none) then, true now" in message
    assert "service" not in message


def test_a_plan_that_reads_differently_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j"
    open_journal(path).close()
    with pytest.raises(JournalMismatch, match="the input reads differently now"):
        open_journal(path, plan=PLAN[:3])


def test_files_that_are_no_journal_are_refused_and_left_alone(tmp_path: Path) -> None:
    text = tmp_path / "in.csv"
    text.write_text("called\n138\n" * 200)
    before = text.read_bytes()
    with pytest.raises(JournalError, match="is not a journal of a bulk load"):
        open_journal(text)
    assert text.read_bytes() == before

    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE people (name TEXT)")
    db.commit()
    db.close()
    with pytest.raises(JournalError, match="an SQLite database, but not a journal"):
        open_journal(other)
    assert table(other, "SELECT name FROM sqlite_master") == [("people",)]


def test_an_empty_file_left_by_a_killed_first_run_becomes_the_journal(tmp_path: Path) -> None:
    """The tables and the plan are written in one transaction: a run killed during it leaves
    an empty database, which the next run fills."""
    path = tmp_path / "j"
    path.write_bytes(b"")
    with open_journal(path) as journal:
        assert journal.created and journal.rows_to_send() == [2, 3, 6]
