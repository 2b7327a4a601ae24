"""The journal of a bulk load: a SQLite file (standard library, WAL mode) that makes a load
resumable after a crash at any moment, SIGKILL included, without sending anything twice.

It holds the plan (every input row, in input order, with its unique key and its first state),
the digests of the input file and of the parameters the load was started with, and each row's
state with every transition. The CLI commits the rows of a call as `sending` *before* the call
is sent, and where each of them landed *after* its answer was read. So when a run dies:

* a row whose call was committed as `sending` but whose answer was never recorded may or may
  not have reached the server: the next run files it `unknown` and does not send it again
  (unless asked to: `rows_to_send(resend_unknown=True)`);
* `accepted` and `rejected` rows are final and never sent again;
* every other row (`pending`, `not_sent`, `unresolved`, and `rejected_resend`: refused for a
  reason that was not its own, e.g. the campaign did not exist) is sent by the next run.

The commit before a call runs with `synchronous=FULL` (the WAL is on disk before anything can
reach the server, so even a power loss cannot make the next run send it again); the commit
after the answer with `synchronous=NORMAL` (losing it to a power loss only turns rows into
`unknown`). A run holds an exclusive lock on the journal file (`flock`, where the platform has
it): a second process started on the same journal is refused instead of sending the same rows.

A journal refuses to be resumed against another input (sha256 of its bytes) or other
parameters (service, operation, path parameters, base URL, …): `JournalMismatch` names what
differs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple, Self, get_args

__all__ = [
    "FORMAT",
    "STATES",
    "Journal",
    "JournalError",
    "JournalMismatch",
    "PlannedRow",
    "RowState",
    "digest_of",
]

FORMAT = "outbound-bulk-journal/1"

State = Literal[
    "pending",
    "invalid",
    "sending",
    "accepted",
    "rejected",
    "rejected_resend",
    "unknown",
    "not_sent",
    "unresolved",
]
STATES: tuple[State, ...] = get_args(State)
_TO_SEND: tuple[State, ...] = ("pending", "not_sent", "unresolved", "rejected_resend")

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
    row INTEGER PRIMARY KEY,      -- the row's number in the input, as the user counts
    seq INTEGER,                  -- its place in the plan (NULL: invalid, never sent)
    key TEXT,                     -- its unique key (e.g. the called number), for people
    state TEXT NOT NULL,
    code TEXT,
    message TEXT NOT NULL DEFAULT '',
    chunk INTEGER,                -- the last call that carried it
    updated REAL NOT NULL
);
CREATE TABLE chunks (
    chunk INTEGER PRIMARY KEY,    -- numbered across runs
    run INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sent_at REAL NOT NULL,        -- committed before the call was sent
    answered_at REAL,             -- NULL: the answer was never recorded
    outcome TEXT
);
CREATE TABLE transitions (
    id INTEGER PRIMARY KEY,
    row INTEGER NOT NULL,
    run INTEGER NOT NULL,
    chunk INTEGER,
    state TEXT NOT NULL,
    code TEXT,
    at REAL NOT NULL
);
CREATE TABLE runs (
    run INTEGER PRIMARY KEY,
    started_at REAL NOT NULL,
    ended_at REAL,
    status TEXT NOT NULL,         -- running, finished, stopped, interrupted
    command TEXT NOT NULL
);
"""


class JournalError(Exception):
    """The journal cannot be used (locked by another run, not a journal, unreadable)."""


class JournalMismatch(JournalError):
    """The journal belongs to another input or to other parameters."""


class PlannedRow(NamedTuple):
    """A row of the input as the plan records it: `pending` (to send) or `invalid`."""

    row: int
    key: str | None
    state: Literal["pending", "invalid"]
    message: str = ""


@dataclass(frozen=True)
class RowState:
    row: int
    key: str | None
    state: State
    code: str | None
    message: str
    chunk: int | None


def digest_of(value: Any) -> str:
    """sha256 of a JSON value's canonical text (sorted keys, no spaces)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _lock(path: Path) -> int | None:
    """An exclusive `flock` on the journal file (None where there is no flock)."""
    if sys.platform == "win32":  # no flock: a second run is not detected there
        return None
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise JournalError(
            f"{path} is in use by another run of this load: wait for it to end (two runs of "
            "one journal would send the same rows)"
        ) from None
    return fd


class Journal:
    """One open journal (see the module). Use `Journal.open`, then `close()`."""

    def __init__(self, path: Path, db: sqlite3.Connection, lock: int | None) -> None:
        self.path = path
        self._db = db
        self._lock = lock
        self.created = False
        self.run = 0
        self._meta = dict(db.execute("SELECT key, value FROM meta").fetchall())

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        input_path: Path,
        input_digest: str,
        params: Mapping[str, Any],
        plan: Sequence[PlannedRow],
        version: str,
    ) -> Journal:
        """Open `path`, creating it with `plan` when it holds no journal yet; else check that it
        belongs to this input and these parameters (`JournalMismatch` says what differs)."""
        lock = _lock(path)
        try:
            try:
                db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            except sqlite3.DatabaseError as exc:
                raise JournalError(f"{path} is not a journal of a bulk load ({exc})") from None
            if not tables:
                cls._create(db, input_path, input_digest, params, plan, version)
                journal = cls(path, db, lock)
                journal.created = True
                return journal
            if "meta" not in tables:
                db.close()
                raise JournalError(
                    f"{path} is an SQLite database, but not a journal of a bulk load: "
                    "choose another --journal"
                )
            journal = cls(path, db, lock)
            journal._check(input_path, input_digest, params, plan)
            return journal
        except BaseException:
            if lock is not None:
                os.close(lock)
            raise

    @staticmethod
    def _create(
        db: sqlite3.Connection,
        input_path: Path,
        input_digest: str,
        params: Mapping[str, Any],
        plan: Sequence[PlannedRow],
        version: str,
    ) -> None:
        """Tables, meta and plan in one transaction: a run killed meanwhile leaves no journal."""
        now = time.time()
        meta = {
            "format": FORMAT,
            "created_at": repr(now),
            "outbound_version": version,
            "input_path": str(input_path.resolve()),
            "input_sha256": input_digest,
            "rows": str(len(plan)),
            "params": json.dumps(params, sort_keys=True, ensure_ascii=False),
            "params_sha256": digest_of(params),
        }
        with _transaction(db):
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            db.executemany(
                "INSERT INTO items (row, seq, key, state, message, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                _plan_rows(plan, now),
            )

    def _check(
        self,
        input_path: Path,
        input_digest: str,
        params: Mapping[str, Any],
        plan: Sequence[PlannedRow],
    ) -> None:
        meta = self._meta
        if meta.get("format") != FORMAT:
            raise JournalError(
                f"{self.path} is a journal of another format ({meta.get('format')!r}; this "
                f"outbound reads {FORMAT!r})"
            )
        if meta["input_sha256"] != input_digest:
            raise JournalMismatch(
                f"{self.path} belongs to another input: it was written for "
                f"{meta['input_path']} (sha256 {meta['input_sha256'][:16]}…, "
                f"{meta['rows']} rows), and {input_path} now has sha256 {input_digest[:16]}…. "
                "Resume with the input it was written for, or start a new load with another "
                "--journal (the rows it records as accepted were sent already)"
            )
        if meta["params_sha256"] != digest_of(params):
            before = json.loads(meta["params"])
            differ = sorted(
                k for k in before.keys() | params.keys() if before.get(k) != params.get(k)
            )
            shown = "; ".join(
                f"{k}: {_show(before.get(k))} then, {_show(params.get(k))} now" for k in differ
            )
            raise JournalMismatch(
                f"{self.path} was written for other parameters ({shown}). Resume with the "
                "parameters it was written for, or start a new load with another --journal"
            )
        planned = [(p.row, p.state == "invalid") for p in plan]
        stored = [
            (row, seq is None)
            for row, seq in self._db.execute("SELECT row, seq FROM items ORDER BY row")
        ]
        if planned != stored:
            raise JournalMismatch(
                f"{self.path}: the input reads differently now (its rows, or which of them are "
                f"valid, changed since outbound {meta.get('outbound_version')} wrote the "
                "journal); start a new load with another --journal"
            )

    # -- a run -----------------------------------------------------------------------------------

    def begin_run(self, command: str) -> list[RowState]:
        """Start a run; rows left `sending` by a run that died become `unknown` (returned)."""
        now = time.time()
        with _transaction(self._db):
            cursor = self._db.execute(
                "INSERT INTO runs (started_at, status, command) VALUES (?, 'running', ?)",
                (now, command),
            )
            assert cursor.lastrowid is not None
            self.run = cursor.lastrowid
            lost = [
                (row, chunk)
                for row, chunk in self._db.execute(
                    "SELECT row, chunk FROM items WHERE state = 'sending' ORDER BY row"
                )
            ]
            why = (
                "chunk {} was being sent when an earlier run ended, and its answer was never "
                "recorded: it may have reached the server"
            )
            updates = [("unknown", None, why.format(chunk), chunk, row) for row, chunk in lost]
            self._update(updates, now)
            self._db.execute(
                "UPDATE runs SET status = 'died', ended_at = ? WHERE status = 'running' "
                "AND run != ?",
                (now, self.run),
            )
        return self._states(row for row, _ in lost)

    def rows_to_send(self, *, resend_unknown: bool = False) -> list[int]:
        """The rows this run sends, in input order."""
        states = _TO_SEND + (("unknown",) if resend_unknown else ())
        marks = ", ".join("?" * len(states))
        query = f"SELECT row FROM items WHERE state IN ({marks}) ORDER BY row"
        return [row for (row,) in self._db.execute(query, states)]

    def sending(self, rows: Sequence[int]) -> int:
        """Commit `rows` as `sending` in a new chunk, durably, before the call is sent."""
        now = time.time()
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            with _transaction(self._db):
                cursor = self._db.execute(
                    "INSERT INTO chunks (run, size, sent_at) VALUES (?, ?, ?)",
                    (self.run, len(rows), now),
                )
                assert cursor.lastrowid is not None
                chunk = cursor.lastrowid
                self._update([("sending", None, "", chunk, row) for row in rows], now)
        finally:
            self._db.execute("PRAGMA synchronous=NORMAL")
        return chunk

    def answered(
        self, chunk: int, outcome: str, rows: Iterable[tuple[int, State, str | None, str]]
    ) -> None:
        """Commit where each row of `chunk` landed: (row, state, code, message)."""
        now = time.time()
        with _transaction(self._db):
            self._db.execute(
                "UPDATE chunks SET answered_at = ?, outcome = ? WHERE chunk = ?",
                (now, outcome, chunk),
            )
            self._update(
                [(state, code, message, chunk, row) for row, state, code, message in rows], now
            )

    def file(self, rows: Iterable[tuple[int, State, str | None, str]]) -> None:
        """Commit states found outside a call (rows left waiting when a run stops)."""
        now = time.time()
        with _transaction(self._db):
            self._update(
                [(state, code, message, None, row) for row, state, code, message in rows], now
            )

    def end_run(self, status: str) -> None:
        with _transaction(self._db):
            self._db.execute(
                "UPDATE runs SET status = ?, ended_at = ? WHERE run = ?",
                (status, time.time(), self.run),
            )

    # -- reading -------------------------------------------------------------------------------

    def states(self) -> list[RowState]:
        """Every row of the plan, in input order."""
        return self._states(None)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = dict.fromkeys(STATES, 0)
        for state, count in self._db.execute("SELECT state, COUNT(*) FROM items GROUP BY state"):
            found[state] = count
        return found

    def meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def close(self) -> None:
        """Close the database first: closing the lock's file descriptor first would drop the
        POSIX locks SQLite holds on the same file (they belong to the process)."""
        try:
            self._db.close()
        finally:
            if self._lock is not None:
                os.close(self._lock)
                self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- helpers -------------------------------------------------------------------------------

    def _update(
        self, updates: Sequence[tuple[str, str | None, str, int | None, int]], now: float
    ) -> None:
        """(state, code, message, chunk, row) for each row; each change is also logged."""
        self._db.executemany(
            "UPDATE items SET state = ?, code = ?, message = ?, "
            "chunk = COALESCE(?, chunk), updated = ? WHERE row = ?",
            [
                (state, code, message, chunk, now, row)
                for state, code, message, chunk, row in updates
            ],
        )
        self._db.executemany(
            "INSERT INTO transitions (row, run, chunk, state, code, at) VALUES (?, ?, ?, ?, ?, ?)",
            [(row, self.run, chunk, state, code, now) for state, code, _, chunk, row in updates],
        )

    def _states(self, rows: Iterable[int] | None) -> list[RowState]:
        query = "SELECT row, key, state, code, message, chunk FROM items"
        if rows is None:
            found = self._db.execute(query + " ORDER BY row").fetchall()
        else:
            wanted = list(rows)
            found = []
            for start in range(0, len(wanted), 500):  # SQLite caps the number of parameters
                part = wanted[start : start + 500]
                marks = ", ".join("?" * len(part))
                found += self._db.execute(
                    f"{query} WHERE row IN ({marks}) ORDER BY row", part
                ).fetchall()
        return [RowState(*r) for r in found]


def _plan_rows(
    plan: Sequence[PlannedRow], now: float
) -> Iterator[tuple[int, int | None, str | None, str, str, float]]:
    seq = 0
    for p in plan:
        if p.state == "invalid":
            yield p.row, None, p.key, p.state, p.message, now
        else:
            yield p.row, seq, p.key, p.state, p.message, now
            seq += 1


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else "(none)"


class _transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK when the block raises (KeyboardInterrupt too)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
