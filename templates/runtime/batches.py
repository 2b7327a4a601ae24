"""Send many items in chunks and account for every one of them, in input coordinates.

Every input item ends in exactly one bucket of the `BatchReport`, and every entry carries the
item's position in the input (`index`, from 0). Violation paths are rewritten as if the whole
input were the one array (`/callDataList/25/called` is input item 25), and each list is in
input order.

* `accepted`: a call holding the item succeeded.
* `rejected`: refused for itself, by the client (`source="client"`: it breaks a documented
  rule, or its unique key repeats an earlier item's — the first occurrence is sent, later ones
  are refused with the documented `unique` code) or by the server (`source="server"`, see the
  rules below).
* `unknown`: sent, but the outcome could not be read: a timeout or a dropped connection after
  sending, an answer that is not the vendor's JSON (an HTML gateway page, HTTP 5xx without a
  result code), or a result code the documents do not list. Look on the server before sending
  such items again.
* `unresolved`: its call was refused with an item code whose message named no item, and the
  item was still not tested alone when the split budget (`max_split_calls`) ran out, or the
  batch stopped first. Not refused for itself: `remaining()` offers it again.
* `not_sent`: never sent, or waiting to be sent again when the batch stopped (its call was
  refused with an item code that named another item), or its call's connection was never
  established, or was answered HTTP 401/403 without a result code (the server refused the
  caller and processed nothing).

How a refused call is read (`ApiError`):

* an item code (`is_item_error`, the spec's `scope: item`, e.g. Huawei 0200018 duplicate,
  0200024 blacklisted): the items whose unique key appears as a whole token in the server's
  message are rejected with that code; the call's other items go back and are sent again in
  later calls. When the message names none of them, the call is split in halves and each half
  sent alone, again and again, until the culprits stand alone; each refused call may cost at
  most `max_split_calls` extra calls. The batch goes on.
* another data code (`is_data_error`, `scope: data`): the whole call's items are rejected for
  their data; the batch goes on.
* another documented code: the items are filed `rejected` with `resend=True` (the refusal was
  not about them, e.g. Huawei 0200007 campaign does not exist) and the batch stops.
* anything the client cannot read (see `unknown`) files the call's items as unknown and stops
  the batch: the server's state is uncertain, a server answering that way once usually does so
  again, and stopping keeps the uncertain part to one call while the rest stays resumable.

A `ValidationError` raised while sending (nothing left) rejects the items its violations point
at and sends the others again; one that points at no item (a path parameter) stops the batch
with the call's items not sent. A stopped batch still reads the rest of the input: each item
is checked (and rejected, or filed `not_sent`), so nothing is lost.

`BatchReport.remaining()` lists, in input order, exactly what to send again to resume once the
cause is fixed: every `not_sent` and `unresolved` item and every item rejected with
`resend=True`. Items rejected for themselves or for their call's data are left out (resending
them unchanged cannot help), and so are unknown items (resending could add them twice).

The input is read lazily, one call at a time. A repeat is found all the same before it could
be sent, since its first occurrence comes earlier in the input: the unique keys admitted so far
are kept (a dict of keys, not the items). Every resend goes through the same `send`, so the
client's pacing applies to it.
Exceptions other than these (programming errors, `KeyboardInterrupt`, exceptions raised by
`progress`) propagate.
"""

from __future__ import annotations

import heapq
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from dataclasses import dataclass, field, replace
from typing import Generic, Literal, TypeVar

from .errors import ApiError, ResponseError, TransportError, ValidationError, Violation
from .pointer import escape
from .validation import unique_key

__all__ = [
    "DEFAULT_MAX_SPLIT_CALLS",
    "BatchItem",
    "BatchProgress",
    "BatchReport",
    "NotSentItem",
    "RejectedItem",
    "UnknownItem",
    "UnresolvedItem",
    "run_batches",
    "run_batches_async",
]

T = TypeVar("T")
R = TypeVar("R")

Source = Literal["client", "server"]
Outcome = Literal["accepted", "rejected", "unknown", "not_sent"]

DEFAULT_MAX_SPLIT_CALLS = 20
"""Extra calls one refused call may cost to isolate its culprits by splitting: enough for two
culprits in a call of 20 (at most 18 calls), bounded so that a refusal that concerns every item
cannot multiply a load's calls without end."""


@dataclass(frozen=True)
class BatchItem(Generic[T]):
    """An accepted item: `index` is its position in the input (from 0), `chunk` the call that
    carried it (from 1; every call counts, resends and split halves included)."""

    index: int
    item: T
    chunk: int


@dataclass(frozen=True)
class RejectedItem(Generic[T]):
    """A refused item. `resend` is True when the refusal was not about this item (a documented,
    non-data vendor code on its whole call): `BatchReport.remaining()` then includes it."""

    index: int
    item: T
    code: str | None
    message: str
    source: Source
    chunk: int | None = None
    violations: tuple[Violation, ...] = ()
    error: Exception | None = field(default=None, compare=False, repr=False)
    resend: bool = False


@dataclass(frozen=True)
class NotSentItem(Generic[T]):
    index: int
    item: T
    reason: str


@dataclass(frozen=True)
class UnknownItem(Generic[T]):
    """Sent, outcome unknown: look on the server before sending it again."""

    index: int
    item: T
    chunk: int
    reason: str
    error: Exception | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class UnresolvedItem(Generic[T]):
    """Sent in a call refused with an item code (`code`, `message`) that named no item; the
    item could not be tested alone (`reason` says why). `remaining()` includes it."""

    index: int
    item: T
    code: str | None
    message: str
    chunk: int
    reason: str
    error: Exception | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class BatchProgress:
    """Reported after each call (`chunk` from 1, `chunk_size` items sent in it). `waiting`
    counts the items refused with others and queued to be sent again."""

    chunk: int
    chunk_size: int
    outcome: Outcome
    items_seen: int
    accepted: int
    rejected: int
    unknown: int
    not_sent: int
    stopped: bool
    unresolved: int = 0
    waiting: int = 0


@dataclass(frozen=True)
class BatchReport(Generic[T, R]):
    accepted: list[BatchItem[T]] = field(default_factory=list)
    rejected: list[RejectedItem[T]] = field(default_factory=list)
    not_sent: list[NotSentItem[T]] = field(default_factory=list)
    unknown: list[UnknownItem[T]] = field(default_factory=list)
    responses: list[R] = field(default_factory=list)
    chunks: int = 0
    stopped_by: Exception | None = field(default=None, compare=False)
    unresolved: list[UnresolvedItem[T]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.accepted)
            + len(self.rejected)
            + len(self.not_sent)
            + len(self.unknown)
            + len(self.unresolved)
        )

    @property
    def ok(self) -> bool:
        """True when every item was accepted."""
        return len(self.accepted) == self.total

    def remaining(self) -> list[T]:
        """The items to send again to resume, in input order: every `not_sent` and `unresolved`
        item and every rejected item marked `resend` (refused for a reason that is not its own
        nor its call's data)."""
        entries: list[NotSentItem[T] | UnresolvedItem[T] | RejectedItem[T]] = [*self.not_sent]
        entries.extend(self.unresolved)
        entries.extend(r for r in self.rejected if r.resend)
        return [entry.item for entry in sorted(entries, key=lambda e: e.index)]

    def summary(self) -> str:
        client = sum(1 for r in self.rejected if r.source == "client")
        text = (
            f"{self.total} items in {self.chunks} chunks: {len(self.accepted)} accepted, "
            f"{len(self.rejected)} rejected ({client} locally, {len(self.rejected) - client} "
            f"by the server), {len(self.unknown)} unknown, {len(self.not_sent)} not sent"
        )
        if self.unresolved:
            text += f", {len(self.unresolved)} unresolved"
        if self.stopped_by is not None:
            text += f"; stopped by {_describe(self.stopped_by)}"
        return text


def _describe(error: BaseException) -> str:
    first_line = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__


def _default_is_data_error(error: ApiError) -> bool:
    return error.is_data_error


def _default_is_item_error(error: ApiError) -> bool:
    return error.is_item_error


def _refused_credentials(error: ApiError) -> bool:
    """An HTTP 401/403 without a result code: the server refused the caller, processed nothing."""
    status = error.status_code
    return status in (401, 403) and error.raw_code == f"HTTP {status}"


_KEY_JOINERS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ*#")


def _names(message: str, key: str) -> bool:
    """True when `key` occurs in `message` as a whole token: not inside a longer number (the
    characters around it are not ASCII letters, digits, `*` or `#`)."""
    start = message.find(key)
    while start >= 0:
        end = start + len(key)
        if (start == 0 or message[start - 1] not in _KEY_JOINERS) and (
            end == len(message) or message[end] not in _KEY_JOINERS
        ):
            return True
        start = message.find(key, start + 1)
    return False


@dataclass
class _Budget:
    """Extra calls left to isolate the culprits of one refused call."""

    left: int
    code: str | None
    message: str
    chunk: int
    error: ApiError


@dataclass
class _Chunk(Generic[T]):
    members: list[tuple[int, T]]
    budget: _Budget | None = None  # set for a half being isolated


class _Run(Generic[T, R]):
    """The state of one batch: the buckets, the queue of items to send again, the split halves
    waiting, the unique keys seen. The sync and async loops only move items through it."""

    def __init__(
        self,
        *,
        size: int,
        is_data_error: Callable[[ApiError], bool],
        is_item_error: Callable[[ApiError], bool],
        prevalidate: Callable[[T], list[Violation]] | None,
        items_at: str,
        unique_by: Callable[[T], object] | None,
        unique_field: str | None,
        unique_code: str | None,
        max_split_calls: int,
    ) -> None:
        if size < 1:
            raise ValueError("size must be >= 1")
        if max_split_calls < 0:
            raise ValueError("max_split_calls must be >= 0")
        self.size = size
        self.is_data_error = is_data_error
        self.is_item_error = is_item_error
        self.prevalidate = prevalidate
        self.items_at = items_at
        self.unique_by = unique_by
        self.unique_field = unique_field
        self.unique_code = unique_code
        self.max_split_calls = max_split_calls
        self.accepted: list[BatchItem[T]] = []
        self.rejected: list[RejectedItem[T]] = []
        self.not_sent: list[NotSentItem[T]] = []
        self.unknown: list[UnknownItem[T]] = []
        self.unresolved: list[UnresolvedItem[T]] = []
        self.responses: list[R] = []
        self.chunks = 0
        self.seen = 0
        self.first_of: dict[object, int] = {}  # unique key → input index of its first occurrence
        self.queue: list[tuple[int, T]] = []  # heap by index: refused with others, to send again
        self.halves: list[_Chunk[T]] = []  # stack: split halves to send alone, next on top
        self.stopped_by: Exception | None = None
        self.stop_reason = ""

    # -- reading the input ----------------------------------------------------------------------

    def admit(self, index: int, item: T) -> bool:
        """Count and check a fresh input item; True when it is to be sent.

        Checked first, then compared by unique key with the items admitted before it (an item
        refused by the check never hides a later item with the same key). After a stop the item
        is checked all the same, then filed `not_sent`.
        """
        self.seen += 1
        if self.prevalidate is not None:
            violations = self.prevalidate(item)
            if violations:
                moved = tuple(self._relocate(v, lambda _: index) for v in violations)
                first = moved[0]
                self.rejected.append(
                    RejectedItem(index, item, first.code, str(first), "client", None, moved)
                )
                return False
        if self.unique_by is not None:
            value = self.unique_by(item)
            if value is not None:
                key = unique_key(value)
                first_index = self.first_of.setdefault(key, index)
                if first_index != index:
                    self._reject_duplicate(index, item, value, first_index)
                    return False
        if self.stopped_by is not None:
            self.not_sent.append(NotSentItem(index, item, self.stop_reason))
            return False
        return True

    def _reject_duplicate(self, index: int, item: T, value: object, first_index: int) -> None:
        name = self.unique_field
        shown = value if isinstance(value, str) else repr(value)
        what = f"{name} {shown}" if name else f"item {shown}"
        message = f"{what} repeats input item {first_index}, which is sent in its place"
        path = f"{self.items_at}/{index}" + (f"/{escape(name)}" if name else "")
        violation = Violation(path, "unique", self.unique_code, message)
        self.rejected.append(
            RejectedItem(
                index, item, self.unique_code, str(violation), "client", None, (violation,)
            )
        )

    def next_half(self) -> _Chunk[T] | None:
        """The next split half to send alone, or None; halves whose budget ran out are filed
        unresolved on the way."""
        while self.halves:
            half = self.halves.pop()
            budget = half.budget
            assert budget is not None
            if budget.left > 0:
                budget.left -= 1
                return half
            reason = (
                f"the split budget (max_split_calls={self.max_split_calls}) of chunk "
                f"{budget.chunk} ran out before this item was sent alone"
            )
            self._unresolve(half.members, budget, reason)
        return None

    def take_queued(self) -> list[tuple[int, T]]:
        """Up to `size` items waiting to be sent again, in input order."""
        taken: list[tuple[int, T]] = []
        while self.queue and len(taken) < self.size:
            taken.append(heapq.heappop(self.queue))
        return taken

    @property
    def waiting(self) -> int:
        return len(self.queue) + sum(len(h.members) for h in self.halves)

    # -- reading an outcome ---------------------------------------------------------------------

    def record(self, chunk: _Chunk[T], outcome: R | Exception) -> Outcome:
        """File the call's items under its outcome; sets `stopped_by` when the batch must stop."""
        number = self.chunks
        members = chunk.members
        if not isinstance(outcome, Exception):
            self.accepted.extend(BatchItem(i, item, number) for i, item in members)
            self.responses.append(outcome)
            return "accepted"
        error = outcome
        if isinstance(error, ValidationError):
            return self._invalid(members, error)
        if isinstance(error, ApiError):
            return self._refused(chunk, error, number)
        if isinstance(error, TransportError) and not error.may_have_reached_server:
            self._stop(error)
            reason = f"chunk {number} was not sent: {_describe(error)}"
            self.not_sent.extend(NotSentItem(i, item, reason) for i, item in members)
            return "not_sent"
        self._unknown(members, error, number)
        return "unknown"

    def _invalid(self, members: list[tuple[int, T]], error: ValidationError) -> Outcome:
        """Refused by the client's own check while sending: nothing left."""
        by_position: dict[int, list[Violation]] = {}
        for violation in error.violations:
            position = self._position(violation.path)
            if position is not None and position < len(members):
                by_position.setdefault(position, []).append(
                    self._relocate(violation, lambda p: members[p][0])
                )
        if not by_position:
            self._stop(error)
            reason = f"not sent: {_describe(error)}"
            self.not_sent.extend(NotSentItem(i, item, reason) for i, item in members)
            return "not_sent"
        for position, (index, item) in enumerate(members):
            found = by_position.get(position)
            if found is None:
                heapq.heappush(self.queue, (index, item))
            else:
                first = found[0]
                self.rejected.append(
                    RejectedItem(
                        index, item, first.code, str(first), "client", None, tuple(found), error
                    )
                )
        return "rejected"

    def _refused(self, chunk: _Chunk[T], error: ApiError, number: int) -> Outcome:
        members = chunk.members
        message = error.message or str(error)
        if self.is_item_error(error):
            named = self._named(members, error.message or "")
            if named or len(members) == 1:
                for position, (index, item) in enumerate(members):
                    if named and position not in named:
                        heapq.heappush(self.queue, (index, item))
                    else:
                        self.rejected.append(
                            RejectedItem(
                                index, item, error.raw_code, message, "server", number, (), error
                            )
                        )
                return "rejected"
            budget = chunk.budget or _Budget(
                self.max_split_calls, error.raw_code, message, number, error
            )
            middle = len(members) // 2
            self.halves.append(_Chunk(members[middle:], budget))
            self.halves.append(_Chunk(members[:middle], budget))
            return "rejected"
        data_error = self.is_data_error(error)
        resend = not data_error and error.documented
        if data_error or resend:
            self.rejected.extend(
                RejectedItem(i, item, error.raw_code, message, "server", number, (), error, resend)
                for i, item in members
            )
            if resend:
                self._stop(error)
            return "rejected"
        if _refused_credentials(error):
            self._stop(error)
            reason = f"chunk {number} was refused before processing: {_describe(error)}"
            self.not_sent.extend(NotSentItem(i, item, reason) for i, item in members)
            return "not_sent"
        self._unknown(members, error, number)
        return "unknown"

    def _named(self, members: list[tuple[int, T]], message: str) -> set[int]:
        """Positions of the items whose unique key the server's message names."""
        if self.unique_by is None or not message:
            return set()
        named = set()
        for position, (_, item) in enumerate(members):
            value = self.unique_by(item)
            if isinstance(value, bool) or not isinstance(value, str | int):
                continue
            text = str(value)
            if text and _names(message, text):
                named.add(position)
        return named

    def _unknown(self, members: list[tuple[int, T]], error: Exception, number: int) -> None:
        self._stop(error)
        reason = f"chunk {number} may have reached the server: {_describe(error)}"
        self.unknown.extend(UnknownItem(i, item, number, reason, error) for i, item in members)

    def _unresolve(self, members: list[tuple[int, T]], budget: _Budget, reason: str) -> None:
        self.unresolved.extend(
            UnresolvedItem(
                index, item, budget.code, budget.message, budget.chunk, reason, budget.error
            )
            for index, item in members
        )

    def _stop(self, error: Exception) -> None:
        self.stopped_by = error
        self.stop_reason = f"the batch stopped at chunk {self.chunks}: {_describe(error)}"

    def settle(self) -> None:
        """After a stop: the items waiting to be sent again are not sent, halves unresolved."""
        while self.queue:
            index, item = heapq.heappop(self.queue)
            self.not_sent.append(NotSentItem(index, item, self.stop_reason))
        while self.halves:
            half = self.halves.pop()
            assert half.budget is not None
            self._unresolve(half.members, half.budget, self.stop_reason)

    # -- coordinates ----------------------------------------------------------------------------

    def _position(self, path: str) -> int | None:
        """The array position a violation path points into (`/callDataList/3/called` → 3)."""
        prefix = self.items_at + "/"
        if not path.startswith(prefix):
            return None
        token = path[len(prefix) :].split("/", 1)[0]
        return int(token) if token.isascii() and token.isdigit() else None

    def _relocate(self, violation: Violation, index_of: Callable[[int], int]) -> Violation:
        """The violation with its array position replaced by the item's input index."""
        position = self._position(violation.path)
        if position is None:
            return violation
        prefix = self.items_at + "/"
        rest = violation.path[len(prefix) :].partition("/")
        path = f"{prefix}{index_of(position)}" + (rest[1] + rest[2])
        return replace(violation, path=path)

    # -- results --------------------------------------------------------------------------------

    def progress(self, chunk_size: int, outcome: Outcome) -> BatchProgress:
        return BatchProgress(
            chunk=self.chunks,
            chunk_size=chunk_size,
            outcome=outcome,
            items_seen=self.seen,
            accepted=len(self.accepted),
            rejected=len(self.rejected),
            unknown=len(self.unknown),
            not_sent=len(self.not_sent),
            stopped=self.stopped_by is not None,
            unresolved=len(self.unresolved),
            waiting=self.waiting,
        )

    def report(self) -> BatchReport[T, R]:
        return BatchReport(
            accepted=sorted(self.accepted, key=lambda e: e.index),
            rejected=sorted(self.rejected, key=lambda e: e.index),
            not_sent=sorted(self.not_sent, key=lambda e: e.index),
            unknown=sorted(self.unknown, key=lambda e: e.index),
            responses=self.responses,
            chunks=self.chunks,
            stopped_by=self.stopped_by,
            unresolved=sorted(self.unresolved, key=lambda e: e.index),
        )


_HANDLED = (ApiError, TransportError, ResponseError, ValidationError)


def run_batches(
    items: Iterable[T],
    *,
    size: int,
    send: Callable[[list[T]], R],
    is_data_error: Callable[[ApiError], bool] = _default_is_data_error,
    is_item_error: Callable[[ApiError], bool] = _default_is_item_error,
    progress: Callable[[BatchProgress], None] | None = None,
    prevalidate: Callable[[T], list[Violation]] | None = None,
    items_at: str = "",
    unique_by: Callable[[T], object] | None = None,
    unique_field: str | None = None,
    unique_code: str | None = None,
    max_split_calls: int = DEFAULT_MAX_SPLIT_CALLS,
) -> BatchReport[T, R]:
    """Send `items` in calls of at most `size` and report every item (see the module).

    `prevalidate(item)` checks one item alone, as the array's item 0 at `items_at` (the JSON
    Pointer of the array in the request body; violation paths are rewritten to input indexes).
    `unique_by(item)` gives the item's unique key (the wire value; None: no key), named
    `unique_field` and refused with `unique_code` when repeated. `max_split_calls` bounds the
    extra calls one call refused with an item code may cost (0: never split).
    """
    run: _Run[T, R] = _Run(
        size=size,
        is_data_error=is_data_error,
        is_item_error=is_item_error,
        prevalidate=prevalidate,
        items_at=items_at,
        unique_by=unique_by,
        unique_field=unique_field,
        unique_code=unique_code,
        max_split_calls=max_split_calls,
    )
    iterator: Iterator[tuple[int, T]] = enumerate(items)
    while run.stopped_by is None:
        chunk = run.next_half()
        if chunk is None:
            members = run.take_queued()
            if len(members) < size:
                for index, item in iterator:
                    if run.admit(index, item):
                        members.append((index, item))
                        if len(members) == size:
                            break
            if not members:
                break
            chunk = _Chunk(members)
        run.chunks += 1
        outcome: R | Exception
        try:
            outcome = send([item for _, item in chunk.members])
        except _HANDLED as error:
            outcome = error
        result = run.record(chunk, outcome)
        if run.stopped_by is not None:
            for index, item in iterator:
                run.admit(index, item)
            run.settle()
        if progress is not None:
            progress(run.progress(len(chunk.members), result))
    return run.report()


async def run_batches_async(
    items: Iterable[T] | AsyncIterable[T],
    *,
    size: int,
    send: Callable[[list[T]], Awaitable[R]],
    is_data_error: Callable[[ApiError], bool] = _default_is_data_error,
    is_item_error: Callable[[ApiError], bool] = _default_is_item_error,
    progress: Callable[[BatchProgress], None] | None = None,
    prevalidate: Callable[[T], list[Violation]] | None = None,
    items_at: str = "",
    unique_by: Callable[[T], object] | None = None,
    unique_field: str | None = None,
    unique_code: str | None = None,
    max_split_calls: int = DEFAULT_MAX_SPLIT_CALLS,
) -> BatchReport[T, R]:
    """`run_batches` for an async `send`; `items` may be an iterable or an async iterable."""
    run: _Run[T, R] = _Run(
        size=size,
        is_data_error=is_data_error,
        is_item_error=is_item_error,
        prevalidate=prevalidate,
        items_at=items_at,
        unique_by=unique_by,
        unique_field=unique_field,
        unique_code=unique_code,
        max_split_calls=max_split_calls,
    )
    iterator = _aenumerate(items)
    while run.stopped_by is None:
        chunk = run.next_half()
        if chunk is None:
            members = run.take_queued()
            if len(members) < size:
                async for index, item in iterator:
                    if run.admit(index, item):
                        members.append((index, item))
                        if len(members) == size:
                            break
            if not members:
                break
            chunk = _Chunk(members)
        run.chunks += 1
        outcome: R | Exception
        try:
            outcome = await send([item for _, item in chunk.members])
        except _HANDLED as error:
            outcome = error
        result = run.record(chunk, outcome)
        if run.stopped_by is not None:
            async for index, item in iterator:
                run.admit(index, item)
            run.settle()
        if progress is not None:
            progress(run.progress(len(chunk.members), result))
    return run.report()


async def _aenumerate(items: Iterable[T] | AsyncIterable[T]) -> AsyncIterator[tuple[int, T]]:
    index = 0
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield index, item
            index += 1
    else:
        for item in items:
            yield index, item
            index += 1
