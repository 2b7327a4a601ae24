"""The batch runner: every item ends in exactly one bucket, input read lazily."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from outbound_runtime_under_test import (
    ApiError,
    BatchProgress,
    BatchReport,
    ResponseError,
    TransportError,
    ValidationError,
    Violation,
    run_batches,
    run_batches_async,
)


class HuaweiError(ApiError):
    data_codes = frozenset({"0200018", "0200024"})


DATA_ERROR = HuaweiError("0200018", "Duplicate numbers exist.")
FATAL_ERROR = HuaweiError("0200007", "The outbound campaign does not exist.")

ITEMS = [f"800{i:02d}" for i in range(45)]


def failing_on(
    chunk_number: int, error: Exception
) -> tuple[list[list[str]], Callable[[list[str]], int]]:
    sent: list[list[str]] = []

    def send(chunk: list[str]) -> int:
        sent.append(chunk)
        if len(sent) == chunk_number:
            raise error
        return len(chunk)

    return sent, send


def assert_each_item_once(
    report: BatchReport[str, object] | BatchReport[str, None] | BatchReport[str, int], total: int
) -> None:
    indexes = [entry.index for entry in report.accepted]
    indexes += [entry.index for entry in report.rejected]
    indexes += [entry.index for entry in report.not_sent]
    indexes += [entry.index for entry in report.unknown]
    assert sorted(indexes) == list(range(total))
    assert report.total == total


def test_data_error_rejects_chunk_and_goes_on() -> None:
    sent, send = failing_on(2, DATA_ERROR)
    report = run_batches(ITEMS, size=20, send=send)
    assert [len(chunk) for chunk in sent] == [20, 20, 5]
    assert [e.item for e in report.accepted] == ITEMS[:20] + ITEMS[40:]
    assert [e.item for e in report.rejected] == ITEMS[20:40]
    assert {(e.code, e.source, e.chunk) for e in report.rejected} == {("0200018", "server", 2)}
    assert report.not_sent == [] and report.unknown == []
    assert report.responses == [20, 5]
    assert report.stopped_by is None and not report.ok
    assert report.remaining() == []
    assert_each_item_once(report, 45)


def test_fatal_error_stops_and_drains_the_rest() -> None:
    sent, send = failing_on(2, FATAL_ERROR)
    report = run_batches(ITEMS, size=20, send=send)
    assert [len(chunk) for chunk in sent] == [20, 20]
    assert len(report.accepted) == 20
    assert [e.item for e in report.rejected] == ITEMS[20:40]
    assert [e.item for e in report.not_sent] == ITEMS[40:]
    assert report.remaining() == ITEMS[40:]
    assert report.stopped_by is FATAL_ERROR
    assert "0200007" in report.not_sent[0].reason
    assert report.summary() == (
        "45 items in 2 chunks: 20 accepted, 20 rejected (0 locally, 20 by the server), "
        "0 unknown, 5 not sent; stopped by HuaweiError: 0200007: The outbound campaign does not "
        "exist."
    )
    assert_each_item_once(report, 45)


def test_custom_is_data_error() -> None:
    _, send = failing_on(2, FATAL_ERROR)
    report = run_batches(ITEMS, size=20, send=send, is_data_error=lambda e: True)
    assert len(report.accepted) == 25 and len(report.rejected) == 20


def test_transport_errors_and_unreadable_responses() -> None:
    reached = TransportError("ReadTimeout", may_have_reached_server=True)
    never = TransportError("ConnectError", may_have_reached_server=False)
    unreadable = ResponseError("response body is not JSON", status_code=200, raw=b"<html>")

    _, send = failing_on(2, reached)
    report = run_batches(ITEMS, size=20, send=send)
    assert [e.item for e in report.unknown] == ITEMS[20:40]
    assert report.remaining() == ITEMS[40:]
    assert_each_item_once(report, 45)

    _, send = failing_on(2, never)
    report = run_batches(ITEMS, size=20, send=send)
    assert report.unknown == []
    assert report.remaining() == ITEMS[20:]  # the failed chunk first: it never left
    assert_each_item_once(report, 45)

    _, send = failing_on(3, unreadable)
    report = run_batches(ITEMS, size=20, send=send)
    assert [e.item for e in report.unknown] == ITEMS[40:]
    assert len(report.accepted) == 40
    assert_each_item_once(report, 45)


def test_prevalidation_rejects_locally_and_keeps_chunks_full() -> None:
    items = ["1", "bad", "2", "3", "bad", "4", "5"]

    def prevalidate(item: str) -> list[Violation]:
        if item == "bad":
            return [Violation("/called", "pattern", "02000002", "digits only")]
        return []

    sent: list[list[str]] = []

    def send(chunk: list[str]) -> None:
        sent.append(chunk)

    report = run_batches(items, size=2, send=send, prevalidate=prevalidate)
    assert sent == [["1", "2"], ["3", "4"], ["5"]]
    assert [(e.index, e.code, e.source, e.chunk) for e in report.rejected] == [
        (1, "02000002", "client", None),
        (4, "02000002", "client", None),
    ]
    assert report.rejected[0].violations[0].rule == "pattern"
    assert_each_item_once(report, 7)


def test_validation_error_from_send_rejects_chunk_locally() -> None:
    error = ValidationError([Violation("/callDataList/1/called", "unique", "0200018", "dup")])
    _, send = failing_on(1, error)
    report = run_batches(ITEMS[:30], size=20, send=send)
    assert [e.source for e in report.rejected] == ["client"] * 20
    assert report.rejected[0].code == "0200018"
    assert len(report.accepted) == 10


def test_lazy_generator_input_and_progress() -> None:
    pulled = 0

    def generate() -> Iterator[str]:
        nonlocal pulled
        for item in ITEMS:
            pulled += 1
            yield item

    pulled_at_send: list[int] = []
    events: list[BatchProgress] = []

    def send(chunk: list[str]) -> int:
        pulled_at_send.append(pulled)
        if len(pulled_at_send) == 2:
            raise FATAL_ERROR
        return len(chunk)

    report = run_batches(generate(), size=20, send=send, progress=events.append)
    assert pulled_at_send == [20, 40]  # one chunk at a time
    assert pulled == 45  # the rest drained into not_sent after the stop
    assert len(report.not_sent) == 5
    assert [(e.chunk, e.outcome, e.stopped) for e in events] == [
        (1, "accepted", False),
        (2, "rejected", True),
    ]
    assert events[-1].not_sent == 5 and events[-1].items_seen == 45


def test_empty_input_and_bad_size() -> None:
    report = run_batches([], size=20, send=lambda chunk: None)
    assert report.total == 0 and report.chunks == 0 and report.ok
    with pytest.raises(ValueError):
        run_batches(ITEMS, size=0, send=lambda chunk: None)


def test_other_exceptions_propagate() -> None:
    def send(chunk: list[str]) -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_batches(ITEMS, size=20, send=send)


# ---------------------------------------------------------------------------------------------
# async
# ---------------------------------------------------------------------------------------------


def test_async_batches_data_and_fatal_errors() -> None:
    async def run(error: Exception) -> BatchReport[str, int]:
        calls = 0

        async def send(chunk: list[str]) -> int:
            nonlocal calls
            calls += 1
            await asyncio.sleep(0)
            if calls == 2:
                raise error
            return len(chunk)

        return await run_batches_async(ITEMS, size=20, send=send)

    report = asyncio.run(run(DATA_ERROR))
    assert (len(report.accepted), len(report.rejected), len(report.not_sent)) == (25, 20, 0)
    report = asyncio.run(run(FATAL_ERROR))
    assert (len(report.accepted), len(report.rejected), len(report.not_sent)) == (20, 20, 5)
    assert report.remaining() == ITEMS[40:]


def test_async_batches_lazy_async_iterable() -> None:
    pulled = 0

    async def generate() -> AsyncIterator[str]:
        nonlocal pulled
        for item in ITEMS:
            pulled += 1
            yield item

    pulled_at_send: list[int] = []

    async def send(chunk: list[str]) -> int:
        pulled_at_send.append(pulled)
        if len(pulled_at_send) == 2:
            raise FATAL_ERROR
        return len(chunk)

    def prevalidate(item: str) -> list[Violation]:
        return [Violation("", "pattern", None, "x")] if item == ITEMS[0] else []

    report = asyncio.run(run_batches_async(generate(), size=20, send=send, prevalidate=prevalidate))
    assert pulled_at_send == [21, 41]
    assert pulled == 45
    assert [e.index for e in report.rejected if e.source == "client"] == [0]
    assert [e.item for e in report.not_sent] == ITEMS[41:]
    assert_each_item_once(report, 45)
