"""Bulk loads from the command line: `--from FILE` for an operation with a batch declaration.

The whole input is read and checked before anything is sent: every row is converted, validated
on its own with the generated request validator (as the array's item) and compared by unique
key with the rows before it; every violation is reported with its row number. Nothing is sent
unless every row is valid, or `--skip-invalid` leaves the invalid ones out.

Then the rows are sent through the generated `<operation>_in_batches` method (so the batch
runner of `batches.py` decides everything: chunks, item codes, splitting, unknown outcomes),
with hooks that keep a journal (`journal.py`): rows committed as `sending` before each call,
their outcome after it. Running the same command again resumes from the journal.

Input (UTF-8, with or without a BOM):

* CSV: a header row naming the item's fields, by wire name (`customField`) or snake_case
  (`custom_field`); an empty cell leaves the field out. A field that is not text (a number, a
  Boolean `true`/`false`, JSON for objects and arrays) is converted from the cell's text.
  Empty lines are skipped.
* JSON Lines (`.jsonl`, `.ndjson`, or a file whose first character is `{`): one JSON object
  per line, members by wire name or snake_case, values as JSON. Blank lines are skipped.

A row's number is the line of the file where it starts (the CSV header is line 1), as an
editor or a spreadsheet shows it; the report and every message use it.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import io
import json
import math
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any, Self, TextIO

from .batches import (
    BatchHooks,
    BatchItem,
    BatchProgress,
    BatchReport,
    Filed,
    NotSentItem,
    RejectedItem,
    StopRequested,
    UnknownItem,
    UnresolvedItem,
)
from .errors import Violation
from .journal import Journal, JournalError, PlannedRow, RowState, State
from .pointer import escape
from .validation import unique_key

__all__ = [
    "InputError",
    "ItemSpec",
    "Load",
    "Progress",
    "Row",
    "check_rows",
    "filed_state",
    "items_problems",
    "plan_of",
    "read_rows",
    "report_lines",
    "write_report",
]

_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")  # JSON's grammar
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")


class InputError(Exception):
    """The input file cannot be read as rows at all (encoding, header): a usage error."""


@dataclass(frozen=True)
class ItemSpec:
    """What a row must hold: the item's fields (wire name, snake_case name, kind, required)."""

    fields: tuple[tuple[str, str, str, bool], ...]

    def names(self) -> dict[str, str]:
        """Every accepted column name → the wire name."""
        found: dict[str, str] = {}
        for wire, py, _, _ in self.fields:
            found[wire] = wire
            found.setdefault(py.rstrip("_"), wire)
            found.setdefault(py, wire)
        return found


@dataclass(slots=True)
class Row:
    """One input row: its number, its item in wire form (None when it could not be read as
    one), and every problem found with it (paths relative to the item: `/called`)."""

    row: int
    wire: dict[str, Any] | None
    problems: list[Violation] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.wire is not None and not self.problems


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def read_rows(data: bytes, name: str, spec: ItemSpec) -> list[Row]:
    """The rows of an input file's bytes (`name` decides CSV or JSON Lines, see the module)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}:{line}: not UTF-8 (byte {exc.start}: {exc.reason}); save the file as UTF-8"
        ) from None
    if _is_jsonl(name, text):
        return _jsonl_rows(text, spec)
    return _csv_rows(text, name, spec)


def _is_jsonl(name: str, text: str) -> bool:
    lowered = name.lower()
    if lowered.endswith(_JSONL_SUFFIXES):
        return True
    if lowered.endswith(_CSV_SUFFIXES):
        return False
    return text.lstrip()[:1] == "{"


def _csv_rows(text: str, name: str, spec: ItemSpec) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    names = spec.names()
    kinds = {wire: kind for wire, _, kind, _ in spec.fields}
    columns: list[str] | None = None
    converted: list[tuple[str, str | None]] = []  # (wire, kind; None: text as it is)
    all_text = True
    rows: list[Row] = []
    last_line = 0
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            if not record:  # an empty line
                continue
            if columns is None:
                columns = _header(record, start, name, names, spec)
                converted = [(w, None if kinds[w] == "text" else kinds[w]) for w in columns]
                all_text = all(kind is None for _, kind in converted)
                continue
            if all_text and len(record) <= len(columns):  # the usual case, kept fast
                if "" in record:
                    rows.append(
                        Row(start, {w: c for w, c in zip(columns, record, strict=False) if c})
                    )
                else:
                    rows.append(Row(start, dict(zip(columns, record, strict=False))))
                continue
            item: dict[str, Any] = {}
            row = Row(start, item)
            if len(record) > len(columns):
                row.problems.append(
                    Violation(
                        "",
                        "type",
                        None,
                        f"{len(record)} cells, but the header names {len(columns)} columns",
                    )
                )
            for (wire, kind), cell in zip(converted, record, strict=False):
                if not cell:
                    continue
                if kind is None:
                    item[wire] = cell
                    continue
                value, problem = _from_text(cell, kind)
                if problem:
                    row.problems.append(Violation("/" + escape(wire), "type", None, problem))
                else:
                    item[wire] = value
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"{name}:{reader.line_num}: not readable as CSV: {exc}") from None
    if columns is None:
        raise InputError(f"{name}: empty: no header row naming the fields ({_known(spec)})")
    return rows


def _header(
    record: list[str], line: int, name: str, names: dict[str, str], spec: ItemSpec
) -> list[str]:
    columns: list[str] = []
    for position, cell in enumerate(record, start=1):
        label = cell.strip()
        wire = names.get(label)
        if wire is None:
            what = f"column {position} has no name" if not label else f"unknown column {label!r}"
            raise InputError(f"{name}:{line}: {what}; the columns are {_known(spec)}")
        if wire in columns:
            raise InputError(f"{name}:{line}: column {label!r} names {wire} a second time")
        columns.append(wire)
    missing = [wire for wire, _, _, required in spec.fields if required and wire not in columns]
    if missing:
        raise InputError(
            f"{name}:{line}: no column for the required field{'s' if len(missing) > 1 else ''} "
            + ", ".join(missing)
        )
    return columns


def _known(spec: ItemSpec) -> str:
    shown = []
    for wire, py, _, required in spec.fields:
        label = wire if py.rstrip("_") == wire else f"{wire} or {py.rstrip('_')}"
        shown.append(label + (" (required)" if required else ""))
    return ", ".join(shown)


def _from_text(cell: str, kind: str) -> tuple[Any, str | None]:
    """A cell's value for a field of `kind`, or a problem saying why it cannot be one."""
    if kind == "text":
        return cell, None
    if kind == "int":
        if _INTEGER.fullmatch(cell):
            return int(cell), None
        return None, f"{cell!r} is not an integer"
    if kind == "number":
        if _NUMBER.fullmatch(cell) and math.isfinite(float(cell)):
            return json.loads(cell), None
        return None, f"{cell!r} is not a number"
    if kind == "bool":
        if cell in ("true", "false"):
            return cell == "true", None
        return None, f"{cell!r} is not true or false"
    try:
        return json.loads(cell), None
    except (ValueError, RecursionError) as exc:
        return None, f"not JSON: {exc}"


def _jsonl_rows(text: str, spec: ItemSpec) -> list[Row]:
    names = spec.names()
    rows: list[Row] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            rows.append(Row(number, None, [Violation("", "type", None, f"not JSON: {exc}")]))
            continue
        if type(value) is not dict:
            problem = Violation("", "type", None, "expected a JSON object")
            rows.append(Row(number, None, [problem]))
            continue
        item: dict[str, Any] = {}
        row = Row(number, item)
        for key, member in value.items():
            wire = names.get(key) or str(key)  # an unknown member stays: the validator reports it
            if wire in item:
                row.problems.append(
                    Violation("/" + escape(wire), "type", None, f"{key!r} names {wire} again")
                )
            item[wire] = member
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------


_BLOCK = 1000  # rows per validator call: the call's own cost is paid once per block


def check_rows(
    rows: Sequence[Row],
    *,
    validate_items: Callable[[list[dict[str, Any]]], list[list[Violation]]],
    unique_field: str | None,
    unique_code: Callable[[], str | None],
) -> None:
    """Add to each row its violations: the item's own (`validate_items` checks a block of items
    and gives each item's violations, paths relative to the item), then a unique key repeating
    a valid row above it (the first occurrence is kept)."""
    readable = [row for row in rows if row.wire is not None]
    for start in range(0, len(readable), _BLOCK):
        block = readable[start : start + _BLOCK]
        found = validate_items([row.wire for row in block if row.wire is not None])
        for row, problems in zip(block, found, strict=True):
            row.problems.extend(problems)
    if unique_field is None:
        return
    first_of: dict[object, int] = {}
    for row in readable:
        if row.problems or row.wire is None:
            continue
        value = row.wire.get(unique_field)
        if value is None:
            continue
        first = first_of.setdefault(value if type(value) is str else unique_key(value), row.row)
        if first != row.row:
            shown = value if isinstance(value, str) else json.dumps(value)
            row.problems.append(
                Violation(
                    "/" + escape(unique_field),
                    "unique",
                    unique_code(),
                    f"{unique_field} {shown} repeats row {first}",
                )
            )


def items_problems(
    violations: list[Violation], items_at: str, count: int, unique_field: str | None
) -> list[list[Violation]]:
    """The violations of a request holding `count` items at `items_at`, per item, with paths
    relative to the item. Violations of the request as a whole (its item count) and the
    request's own repeat check (`check_rows` compares the whole input) are left out."""
    per_item: list[list[Violation]] = [[] for _ in range(count)]
    prefix = items_at + "/"
    repeat = "/" + escape(unique_field) if unique_field is not None else None
    for v in violations:
        if not v.path.startswith(prefix):
            continue
        head, slash, rest = v.path[len(prefix) :].partition("/")
        if not head.isdigit() or int(head) >= count:
            continue
        if v.rule == "unique" and slash + rest == repeat:
            continue
        per_item[int(head)].append(replace(v, path=slash + rest))
    return per_item


def plan_of(rows: Sequence[Row], unique_field: str | None) -> list[PlannedRow]:
    plan = []
    for row in rows:
        key = None
        if row.wire is not None and unique_field is not None:
            value = row.wire.get(unique_field)
            key = None if value is None else value if isinstance(value, str) else json.dumps(value)
        if row.valid:
            plan.append(PlannedRow(row.row, key, "pending"))
        else:
            plan.append(PlannedRow(row.row, key, "invalid", "; ".join(map(str, row.problems))))
    return plan


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
# Outcomes and the report
# ---------------------------------------------------------------------------------------------


def filed_state(entry: Filed[Any] | None) -> tuple[State, str | None, str]:
    """(journal state, code, message) of a report entry; None: waiting to be sent again."""
    if entry is None:
        return "pending", None, "refused together with other rows; to be sent again"
    if isinstance(entry, BatchItem):
        return "accepted", None, ""
    if isinstance(entry, RejectedItem):
        if entry.resend:
            return "rejected_resend", entry.code, entry.message
        return "rejected", entry.code, entry.message
    if isinstance(entry, UnknownItem):
        return "unknown", None, entry.reason
    if isinstance(entry, UnresolvedItem):
        return "unresolved", entry.code, f"{entry.reason} (refused with: {entry.message})"
    assert isinstance(entry, NotSentItem)
    return "not_sent", None, entry.reason


OUTCOMES: Mapping[str, str] = {
    "accepted": "accepted",
    "rejected": "rejected",
    "rejected_resend": "rejected",
    "unknown": "unknown",
    "invalid": "invalid",
    "pending": "not sent",
    "not_sent": "not sent",
    "unresolved": "not sent",
    "sending": "unknown",
}
"""Journal state → the report's outcome (accepted / rejected / not sent / unknown / invalid)."""

_NEXT_RUN = {
    "rejected_resend": "the same command sends it again",
    "pending": "the same command sends it",
    "not_sent": "the same command sends it",
    "unresolved": "the same command sends it again",
    "unknown": "look in the campaign; --resend-unknown sends it again",
    "sending": "look in the campaign; --resend-unknown sends it again",
}


def report_lines(states: Sequence[RowState], unique_field: str | None) -> Iterator[list[str]]:
    """The report's lines: a header, then one line per input row, in input order."""
    yield ["row", *([unique_field] if unique_field else []), "outcome", "code", "message"]
    for s in states:
        message = s.message
        hint = _NEXT_RUN.get(s.state)
        if hint:
            message = f"{message}; {hint}" if message else hint
        key = [s.key or ""] if unique_field else []
        yield [str(s.row), *key, OUTCOMES[s.state], s.code or "", message]


def write_report(path: Path, lines: Iterator[list[str]]) -> None:
    """Write the CSV report atomically (a temporary file renamed over `path`)."""
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerows(lines)
    temporary.replace(path)


# ---------------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------------


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """done/total, rate and ETA on stderr after each call.

    The ETA counts the calls left at the documented pace (`min_interval` between calls of
    `size` rows), or at the pace measured so far when that is slower. On a terminal the `rich`
    library draws a bar when it is installed (`pip install 'outbound[cli]'`); otherwise a plain
    line is written every `every` seconds and at the end.
    """

    def __init__(
        self,
        *,
        label: str,
        total: int,
        done: int,
        to_send: int,
        size: int,
        min_interval: float | None,
        stream: TextIO | None = None,
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.done_before = done
        self.to_send = to_send
        self.size = size
        self.min_interval = min_interval or 0.0
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self.clock = clock
        self.started = clock()
        self.last_line = self.started
        self.answered = 0  # rows answered in this run (accepted, rejected, unknown)
        self.last: BatchProgress | None = None
        self._bar: Any = None
        self._task: Any = None
        if self.stream.isatty():
            self._bar = _rich_bar(self.stream)
        if self._bar is not None:
            self._task = self._bar.add_task(label, total=total, completed=done, eta="", rate="")
            self._bar.start()
        else:
            self._line(final=False)

    # -- numbers -------------------------------------------------------------------------------

    @property
    def done(self) -> int:
        return self.done_before + self.answered

    def rate(self) -> float | None:
        elapsed = self.clock() - self.started
        return self.answered / elapsed if self.answered and elapsed > 0 else None

    def eta(self) -> float:
        """Seconds left: the calls left at the documented pace, or the measured one if slower."""
        left = max(0, self.to_send - self.answered)
        calls = math.ceil(left / self.size) if self.size else 0
        per_call = self.min_interval
        if self.last is not None and self.last.chunk:
            per_call = max(per_call, (self.clock() - self.started) / self.last.chunk)
        return calls * per_call

    # -- events --------------------------------------------------------------------------------

    def update(self, progress: BatchProgress) -> None:
        self.last = progress
        self.answered = progress.accepted + progress.rejected + progress.unknown
        if self._bar is not None:
            rate = self.rate()
            self._bar.update(
                self._task,
                completed=self.done,
                rate=f"{rate:.1f} rows/s" if rate else "",
                eta=f"ETA {_duration(self.eta())}",
            )
            return
        if self.clock() - self.last_line >= self.every:
            self._line(final=False)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
            return
        self._line(final=True)

    def _line(self, *, final: bool) -> None:
        self.last_line = self.clock()
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        rate = self.rate()
        parts = [f"{self.label}: {self.done:,}/{self.total:,} rows answered{share}"]
        if rate is not None:
            parts.append(f"{rate:.1f} rows/s")
        if not final:
            parts.append(f"ETA {_duration(self.eta())}")
        last = self.last
        if last is not None:
            parts.append(
                f"this run: {last.accepted:,} accepted, {last.rejected:,} rejected, "
                f"{last.unknown:,} unknown, {last.chunk:,} calls"
            )
        print(", ".join(parts), file=self.stream, flush=True)


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while the input's rows are built: hundreds of
    thousands of new dicts, none in a cycle, would trigger it again and again (a fifth of
    the CPU of reading and checking 200,000 rows). Reference counting still frees memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rich_bar(stream: TextIO) -> Any:
    """A rich progress bar on `stream`, or None without rich (an optional extra)."""
    import importlib

    try:
        progress = importlib.import_module("rich.progress")
        console = importlib.import_module("rich.console")
    except ImportError:
        return None
    return progress.Progress(
        progress.TextColumn("{task.description}"),
        progress.BarColumn(),
        progress.MofNCompleteColumn(),
        progress.TextColumn("{task.fields[rate]}"),
        progress.TextColumn("{task.fields[eta]}"),
        console=console.Console(file=stream),
        transient=False,
    )


# ---------------------------------------------------------------------------------------------
# A load
# ---------------------------------------------------------------------------------------------

SendAll = Callable[
    [Iterable[Any], Callable[[BatchProgress], None], BatchHooks[Any]], BatchReport[Any, Any]
]


class UsageProblem(Exception):
    """The command cannot run as given (input unreadable, journal refused): exit status 2."""


class _Interrupts:
    """SIGINT and SIGTERM ask the load to stop after the call in flight; a second SIGINT
    stops at once (KeyboardInterrupt: the rows of that call become unknown)."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.reason: str | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, sig: int, frame: FrameType | None) -> None:
        if self.reason is not None and sig == signal.SIGINT:
            raise KeyboardInterrupt
        if self.reason is None:
            self.reason = "Ctrl-C" if sig == signal.SIGINT else "SIGTERM"
            print(
                f"\n{self.reason}: stopping after the call in flight (Ctrl-C again stops at "
                "once; the rows of that call would then be unknown)",
                file=self.err,
                flush=True,
            )


@dataclass
class Load:
    """One bulk load of the command line (see the module): read, check, plan, send, report."""

    label: str  # "huawei_isales add_call_data"
    input_path: Path
    journal_path: Path
    report_path: Path | None
    spec: ItemSpec
    size: int
    min_interval: float | None  # seconds between calls (the documented pace; 0/None: none)
    unique_field: str | None
    unique_code: Callable[[], str | None]
    validate_items: Callable[[list[dict[str, Any]]], list[list[Violation]]]
    make_item: Callable[[dict[str, Any]], Any]
    send_all: SendAll
    params: dict[str, Any]
    skip_invalid: bool
    resend_unknown: bool
    command_line: str
    version: str
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    progress_every: float = 10.0

    def run(self) -> int:
        """0 when every row was accepted, 1 otherwise; UsageProblem for exit status 2."""
        try:
            data = self.input_path.read_bytes()
        except OSError as exc:
            raise UsageProblem(f"--from {self.input_path}: {exc.strerror}") from None
        with _without_cyclic_gc():
            try:
                rows = read_rows(data, str(self.input_path), self.spec)
            except InputError as exc:
                raise UsageProblem(str(exc)) from None
            check_rows(
                rows,
                validate_items=self.validate_items,
                unique_field=self.unique_field,
                unique_code=self.unique_code,
            )
        invalid = [row for row in rows if not row.valid]
        for row in invalid:
            for problem in row.problems:
                print(f"{self.input_path}:{row.row}: {problem}", file=self.err)
        if not rows:
            print(f"{self.label}: {self.input_path} holds no rows: nothing to send", file=self.err)
            self._summary({}, 0)
            return 0
        if invalid and not self.skip_invalid:
            print(
                f"{self.label}: {len(invalid):,} of {len(rows):,} rows are invalid, nothing was "
                "sent: correct them, or give --skip-invalid to leave them out",
                file=self.err,
            )
            if self.report_path is not None:
                write_report(self.report_path, self._unsent_report(rows))
            counts = {"invalid": len(invalid), "not_sent": len(rows) - len(invalid)}
            self._summary(counts, len(rows))
            return 1
        with _without_cyclic_gc():
            plan = plan_of(rows, self.unique_field)
        try:
            journal = Journal.open(
                self.journal_path,
                input_path=self.input_path,
                input_digest=file_digest(data),
                params=self.params,
                plan=plan,
                version=self.version,
            )
        except JournalError as exc:
            raise UsageProblem(str(exc)) from None
        with journal:
            return self._send(journal, {row.row: row for row in rows if row.valid}, len(rows))

    # -- sending -------------------------------------------------------------------------------

    def _send(self, journal: Journal, valid: dict[int, Row], total: int) -> int:
        if not journal.created:
            print(f"{self.label}: resuming from {self.journal_path}", file=self.err)
        lost = journal.begin_run(self.command_line)
        if lost:
            chunks = sorted({s.chunk for s in lost if s.chunk is not None})
            print(
                f"{self.label}: {len(lost):,} rows were being sent when an earlier run ended "
                f"(call{'s' if len(chunks) > 1 else ''} {', '.join(map(str, chunks))}) and "
                "their answer was never recorded: they are unknown",
                file=self.err,
            )
        send_rows = journal.rows_to_send(resend_unknown=self.resend_unknown)
        status, report = "finished", None
        if send_rows:
            planned = total - journal.counts()["invalid"]
            status, report = self._deliver(journal, valid, send_rows, planned)
        else:
            print(
                f"{self.label}: every row has its outcome already: nothing to send", file=self.err
            )
        journal.end_run(status)
        counts = journal.counts()
        if self.report_path is not None:
            write_report(self.report_path, report_lines(journal.states(), self.unique_field))
        self._closing_words(status, report, counts, total)
        self._summary(counts, total, status)
        return 0 if counts["accepted"] == total else 1

    def _deliver(
        self, journal: Journal, valid: dict[int, Row], send_rows: list[int], planned: int
    ) -> tuple[str, BatchReport[Any, Any] | None]:
        """Send `send_rows` through the batch runner, journaling each call; (status, report)."""
        progress = Progress(
            label=self.label,
            total=planned,
            done=planned - len(send_rows),
            to_send=len(send_rows),
            size=self.size,
            min_interval=self.min_interval,
            stream=self.err,
            every=self.progress_every,
        )
        sent: set[int] = set()  # the runner's input indexes sent in this run
        last: dict[int, Filed[Any] | None] = {}  # … and where the hooks saw each land
        chunk_ids: dict[int, int] = {}  # the runner's call number → the journal's chunk
        answered_at: list[float] = []  # when the previous call's answer was recorded

        def before_send(chunk: int, indexes: Sequence[int]) -> None:
            sent.update(indexes)
            chunk_ids[chunk] = journal.sending([send_rows[i] for i in indexes])

        def after_answer(chunk: int, filed: Sequence[tuple[int, Filed[Any] | None]]) -> None:
            outcomes = []
            for index, entry in filed:
                last[index] = entry
                outcomes.append((send_rows[index], *filed_state(entry)))
            states = sorted({state for _, state, _, _ in outcomes})
            journal.answered(chunk_ids[chunk], ", ".join(states), outcomes)
            answered_at[:] = [time.monotonic()]

        def stop() -> str | None:
            """Wait out the pace here, before the next call is committed as sending: the
            client would wait the same inside the call, where a crash would leave its rows
            unknown though nothing was sent. A Ctrl-C during the wait stops at once."""
            if answered_at and self.min_interval:
                until = answered_at[0] + self.min_interval
                while interrupts.reason is None and (left := until - time.monotonic()) > 0:
                    time.sleep(min(left, 0.1))
            return interrupts.reason

        report: BatchReport[Any, Any] | None = None
        with _Interrupts(self.err) as interrupts:
            hooks: BatchHooks[Any] = BatchHooks(before_send, after_answer, stop)
            items = (self.make_item(valid[row].wire or {}) for row in send_rows)
            try:
                report = self.send_all(items, progress.update, hooks)
            except KeyboardInterrupt:  # a second Ctrl-C: the journal is consistent as it is
                return "interrupted", None
            finally:
                progress.finish()
            self._file_the_rest(journal, report, send_rows, sent, last)
        if isinstance(report.stopped_by, StopRequested):  # Ctrl-C or SIGTERM
            return "interrupted", report
        return ("stopped" if report.stopped_by is not None else "finished"), report

    def _file_the_rest(
        self,
        journal: Journal,
        report: BatchReport[Any, Any],
        send_rows: Sequence[int],
        sent: set[int],
        last: dict[int, Filed[Any] | None],
    ) -> None:
        """Record what the runner filed outside a call: rows sent in this run and left waiting
        when it ended (not sent, unresolved). A row not sent in this run keeps its state (an
        unknown row stays unknown)."""
        rest = []
        buckets: tuple[Sequence[Filed[Any]], ...] = (
            report.accepted,
            report.rejected,
            report.unknown,
            report.not_sent,
            report.unresolved,
        )
        for bucket in buckets:
            for entry in bucket:
                if entry.index in sent and last.get(entry.index) is None:
                    rest.append((send_rows[entry.index], *filed_state(entry)))
        if rest:
            journal.file(rest)

    # -- words ---------------------------------------------------------------------------------

    def _closing_words(
        self,
        status: str,
        report: BatchReport[Any, Any] | None,
        counts: Mapping[str, int],
        total: int,
    ) -> None:
        err = self.err
        not_sent = counts["pending"] + counts["not_sent"] + counts["unresolved"]
        rejected = counts["rejected"] + counts["rejected_resend"]
        unknown = counts["unknown"] + counts["sending"]
        print(
            f"{self.label}: {total:,} rows: {counts['accepted']:,} accepted, {rejected:,} "
            f"rejected, {unknown:,} unknown, {not_sent:,} not sent, {counts['invalid']:,} "
            f"invalid (journal {self.journal_path}"
            + (f", report {self.report_path})" if self.report_path else ")"),
            file=err,
        )
        resume = f"  {self.command_line}"
        if status == "interrupted":
            print(f"Interrupted. To resume, run the same command again:\n{resume}", file=err)
        elif status == "stopped" and report is not None and report.stopped_by is not None:
            print(
                f"The load stopped: {_describe(report.stopped_by)}\nFix the cause, then run the "
                f"same command again to resume:\n{resume}",
                file=err,
            )
        if unknown:
            print(
                f"{unknown:,} rows are unknown: their call may have reached the server. Look for "
                "them in the campaign (the report lists them); --resend-unknown sends them again",
                file=err,
            )
        if counts["rejected_resend"] and status != "stopped":
            print(
                f"{counts['rejected_resend']:,} rows were refused for a reason that was not "
                "their own: the same command sends them again",
                file=err,
            )

    def _summary(self, counts: Mapping[str, int], total: int, status: str = "checked") -> None:
        summary = {
            "rows": total,
            "accepted": counts.get("accepted", 0),
            "rejected": counts.get("rejected", 0) + counts.get("rejected_resend", 0),
            "unknown": counts.get("unknown", 0) + counts.get("sending", 0),
            "not_sent": counts.get("pending", 0)
            + counts.get("not_sent", 0)
            + counts.get("unresolved", 0),
            "invalid": counts.get("invalid", 0),
            "status": status,
            "journal": str(self.journal_path) if status != "checked" else None,
            "report": str(self.report_path) if self.report_path else None,
        }
        print(json.dumps(summary, indent=2), file=self.out)

    def _unsent_report(self, rows: Sequence[Row]) -> Iterator[list[str]]:
        invalid = sum(1 for row in rows if not row.valid)
        states = []
        for p in plan_of(rows, self.unique_field):
            if p.state == "invalid":
                states.append(RowState(p.row, p.key, "invalid", None, p.message, None))
            else:
                reason = f"not sent: {invalid:,} rows are invalid"
                states.append(RowState(p.row, p.key, "pending", None, reason, None))
        return report_lines(states, self.unique_field)


def _describe(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
