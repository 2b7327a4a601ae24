"""Send many items in chunks and account for every one of them.

Every input item ends in exactly one bucket of the `BatchReport`:

* `accepted`: its chunk succeeded;
* `rejected`: refused, either locally (`source="client"`: it failed prevalidation, or its chunk
  raised `ValidationError` before sending) or by the server (`source="server"`: its chunk got an
  `ApiError`);
* `unknown`: its chunk may have reached the server but the outcome could not be read (a
  timeout after sending, an unreadable response): check on the server before resending;
* `not_sent`: never sent because the batch stopped earlier, or because its chunk's connection
  failed before anything was sent.

`BatchReport.remaining()` lists, in input order, what to send again to resume once the cause
is fixed: every `not_sent` item, plus the items of a chunk the server refused as a whole with a
documented code that does not blame their data (`RejectedItem.resend`, e.g. Huawei 0200007
"campaign does not exist": the call had no effect, the items themselves are fine). Items
rejected for their own data, and items whose chunk was refused with an undocumented code or a
bare HTTP error (meaning unknown), are left out: resending them unchanged cannot help, or could
duplicate an effect.

A data error (`is_data_error(error)`: the vendor blames this chunk's own data) rejects that
chunk and the batch goes on. Any other `ApiError`, a `TransportError` or a `ResponseError`
stops the batch; the rest of the input is still consumed, into `not_sent`, so that nothing is
lost. The input is read lazily, one chunk at a time. Exceptions other than these (programming
errors, `KeyboardInterrupt`, exceptions raised by `progress`) propagate.
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from .errors import ApiError, ResponseError, TransportError, ValidationError, Violation

__all__ = [
    "BatchItem",
    "BatchProgress",
    "BatchReport",
    "NotSentItem",
    "RejectedItem",
    "UnknownItem",
    "run_batches",
    "run_batches_async",
]

T = TypeVar("T")
R = TypeVar("R")

Source = Literal["client", "server"]


@dataclass(frozen=True)
class BatchItem(Generic[T]):
    """An accepted item: `index` is its position in the input (from 0), `chunk` from 1."""

    index: int
    item: T
    chunk: int


@dataclass(frozen=True)
class RejectedItem(Generic[T]):
    """A refused item. `resend` is True when the refusal was not about this item (a documented,
    non-data vendor code on its whole chunk): `BatchReport.remaining()` then includes it."""

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
class BatchProgress:
    """Reported after each chunk (`chunk` from 1, `chunk_size` items sent in it)."""

    chunk: int
    chunk_size: int
    outcome: Literal["accepted", "rejected", "unknown", "not_sent"]
    items_seen: int
    accepted: int
    rejected: int
    unknown: int
    not_sent: int
    stopped: bool


@dataclass(frozen=True)
class BatchReport(Generic[T, R]):
    accepted: list[BatchItem[T]] = field(default_factory=list)
    rejected: list[RejectedItem[T]] = field(default_factory=list)
    not_sent: list[NotSentItem[T]] = field(default_factory=list)
    unknown: list[UnknownItem[T]] = field(default_factory=list)
    responses: list[R] = field(default_factory=list)
    chunks: int = 0
    stopped_by: Exception | None = field(default=None, compare=False)

    @property
    def total(self) -> int:
        return len(self.accepted) + len(self.rejected) + len(self.not_sent) + len(self.unknown)

    @property
    def ok(self) -> bool:
        """True when every item was accepted."""
        return len(self.accepted) == self.total

    def remaining(self) -> list[T]:
        """The items to send again to resume, in input order: every `not_sent` item and every
        rejected item marked `resend` (its chunk was refused for a reason that is not its data)."""
        entries: list[NotSentItem[T] | RejectedItem[T]] = [*self.not_sent]
        entries.extend(r for r in self.rejected if r.resend)
        return [entry.item for entry in sorted(entries, key=lambda e: e.index)]

    def summary(self) -> str:
        client = sum(1 for r in self.rejected if r.source == "client")
        text = (
            f"{self.total} items in {self.chunks} chunks: {len(self.accepted)} accepted, "
            f"{len(self.rejected)} rejected ({client} locally, {len(self.rejected) - client} "
            f"by the server), {len(self.unknown)} unknown, {len(self.not_sent)} not sent"
        )
        if self.stopped_by is not None:
            text += f"; stopped by {_describe(self.stopped_by)}"
        return text


def _describe(error: BaseException) -> str:
    first_line = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__


def _default_is_data_error(error: ApiError) -> bool:
    return error.is_data_error


class _Builder(Generic[T, R]):
    def __init__(self) -> None:
        self.accepted: list[BatchItem[T]] = []
        self.rejected: list[RejectedItem[T]] = []
        self.not_sent: list[NotSentItem[T]] = []
        self.unknown: list[UnknownItem[T]] = []
        self.responses: list[R] = []
        self.chunks = 0
        self.seen = 0
        self.stopped_by: Exception | None = None
        self.stop_reason = ""

    def prevalidate(
        self, index: int, item: T, prevalidate: Callable[[T], list[Violation]] | None
    ) -> bool:
        """Count the item; False (and rejected locally) when it fails prevalidation."""
        self.seen += 1
        if self.stopped_by is not None:
            self.not_sent.append(NotSentItem(index, item, self.stop_reason))
            return False
        if prevalidate is None:
            return True
        violations = prevalidate(item)
        if not violations:
            return True
        first = violations[0]
        self.rejected.append(
            RejectedItem(index, item, first.code, str(first), "client", None, tuple(violations))
        )
        return False

    def record(
        self,
        chunk: list[tuple[int, T]],
        outcome: R | Exception,
        is_data_error: Callable[[ApiError], bool],
    ) -> Literal["accepted", "rejected", "unknown", "not_sent"]:
        """File the chunk under its outcome; sets `stopped_by` when the batch must stop."""
        number = self.chunks
        if not isinstance(outcome, Exception):
            self.accepted.extend(BatchItem(i, item, number) for i, item in chunk)
            self.responses.append(outcome)
            return "accepted"
        error = outcome
        if isinstance(error, ValidationError):
            violations = tuple(error.violations)
            code = violations[0].code if violations else None
            message = str(violations[0]) if violations else str(error)
            self.rejected.extend(
                RejectedItem(i, item, code, message, "client", number, violations, error)
                for i, item in chunk
            )
            return "rejected"
        if isinstance(error, ApiError):
            message = error.message or str(error)
            data_error = is_data_error(error)
            resend = not data_error and error.documented
            self.rejected.extend(
                RejectedItem(i, item, error.raw_code, message, "server", number, (), error, resend)
                for i, item in chunk
            )
            if not data_error:
                self._stop(error)
            return "rejected"
        self._stop(error)
        if isinstance(error, TransportError) and not error.may_have_reached_server:
            reason = f"chunk {number} was not sent: {_describe(error)}"
            self.not_sent.extend(NotSentItem(i, item, reason) for i, item in chunk)
            return "not_sent"
        reason = f"chunk {number} may have reached the server: {_describe(error)}"
        self.unknown.extend(UnknownItem(i, item, number, reason, error) for i, item in chunk)
        return "unknown"

    def _stop(self, error: Exception) -> None:
        self.stopped_by = error
        self.stop_reason = f"the batch stopped at chunk {self.chunks}: {_describe(error)}"

    def progress(
        self, chunk_size: int, outcome: Literal["accepted", "rejected", "unknown", "not_sent"]
    ) -> BatchProgress:
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
        )

    def report(self) -> BatchReport[T, R]:
        return BatchReport(
            accepted=self.accepted,
            rejected=self.rejected,
            not_sent=self.not_sent,
            unknown=self.unknown,
            responses=self.responses,
            chunks=self.chunks,
            stopped_by=self.stopped_by,
        )


_HANDLED = (ApiError, TransportError, ResponseError, ValidationError)


def _check_size(size: int) -> None:
    if size < 1:
        raise ValueError("size must be >= 1")


def run_batches(
    items: Iterable[T],
    *,
    size: int,
    send: Callable[[list[T]], R],
    is_data_error: Callable[[ApiError], bool] = _default_is_data_error,
    progress: Callable[[BatchProgress], None] | None = None,
    prevalidate: Callable[[T], list[Violation]] | None = None,
) -> BatchReport[T, R]:
    """Send `items` in chunks of at most `size` (after prevalidation) and report every item."""
    _check_size(size)
    builder: _Builder[T, R] = _Builder()
    iterator: Iterator[tuple[int, T]] = enumerate(items)
    while builder.stopped_by is None:
        chunk: list[tuple[int, T]] = []
        for index, item in iterator:
            if builder.prevalidate(index, item, prevalidate):
                chunk.append((index, item))
                if len(chunk) == size:
                    break
        if not chunk:
            break
        builder.chunks += 1
        outcome: R | Exception
        try:
            outcome = send([item for _, item in chunk])
        except _HANDLED as error:
            outcome = error
        result = builder.record(chunk, outcome, is_data_error)
        if builder.stopped_by is not None:
            for index, item in iterator:
                builder.prevalidate(index, item, None)
        if progress is not None:
            progress(builder.progress(len(chunk), result))
    return builder.report()


async def run_batches_async(
    items: Iterable[T] | AsyncIterable[T],
    *,
    size: int,
    send: Callable[[list[T]], Awaitable[R]],
    is_data_error: Callable[[ApiError], bool] = _default_is_data_error,
    progress: Callable[[BatchProgress], None] | None = None,
    prevalidate: Callable[[T], list[Violation]] | None = None,
) -> BatchReport[T, R]:
    """`run_batches` for an async `send`; `items` may be an iterable or an async iterable."""
    _check_size(size)
    builder: _Builder[T, R] = _Builder()
    iterator = _aenumerate(items)
    while builder.stopped_by is None:
        chunk: list[tuple[int, T]] = []
        async for index, item in iterator:
            if builder.prevalidate(index, item, prevalidate):
                chunk.append((index, item))
                if len(chunk) == size:
                    break
        if not chunk:
            break
        builder.chunks += 1
        outcome: R | Exception
        try:
            outcome = await send([item for _, item in chunk])
        except _HANDLED as error:
            outcome = error
        result = builder.record(chunk, outcome, is_data_error)
        if builder.stopped_by is not None:
            async for index, item in iterator:
                builder.prevalidate(index, item, None)
        if progress is not None:
            progress(builder.progress(len(chunk), result))
    return builder.report()


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
