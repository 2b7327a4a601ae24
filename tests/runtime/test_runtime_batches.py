"""The batch runner: every item ends in exactly one bucket, in input coordinates and order.

The server here is `FakeVendor`, a model of Huawei's add written from 002's restrictions (unique
numbers per call, blacklist, numbers already pending), independent of the runner; it can name
the numbers at fault in its message or not.
"""

from __future__ import annotations

import asyncio
import enum
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from outbound_runtime_under_test import (
    ApiError,
    BatchHooks,
    BatchProgress,
    BatchReport,
    ResponseError,
    StopRequested,
    TransportError,
    ValidationError,
    Violation,
    run_batches,
    run_batches_async,
)


class Code(enum.Enum):
    SUCCESS = "0200000"
    CAMPAIGN_NOT_FOUND = "0200007"
    DUPLICATE = "0200018"
    BLACKLISTED = "0200024"
    TOO_MANY = "0200029"


class HuaweiError(ApiError):
    codes = Code
    data_codes = frozenset({"0200018", "0200024", "0200029"})
    item_codes = frozenset({"0200018", "0200024"})


DATA_ERROR = HuaweiError("0200029", "The maximum number of numbers is exceeded.")
FATAL_ERROR = HuaweiError("0200007", "The outbound campaign does not exist.")

ITEMS = [f"800{i:02d}" for i in range(45)]
UNIQUE = {"items_at": "/callDataList", "unique_by": lambda item: item, "unique_code": "0200018"}


class FakeVendor:
    """Huawei's add as 002 describes it: a call is refused whole when one of its numbers is
    blacklisted (0200024), repeated in the call or already pending (0200018); else every number
    is added. `names`: the message lists the numbers at fault (else the documented text only)."""

    def __init__(
        self,
        *,
        pending: tuple[str, ...] = (),
        blacklist: tuple[str, ...] = (),
        names: bool = True,
        fail: dict[int, Exception] | None = None,
    ) -> None:
        self.pending = list(pending)
        self.blacklist = set(blacklist)
        self.names = names
        self.fail = fail or {}  # call number (from 1) → exception raised instead of serving
        self.calls: list[list[str]] = []

    def refuse(self, code: str, text: str, numbers: list[str]) -> HuaweiError:
        detail = f" ({', '.join(numbers)})" if self.names else ""
        return HuaweiError(code, text + detail)

    def send(self, chunk: list[str]) -> int:
        self.calls.append(list(chunk))
        failure = self.fail.get(len(self.calls))
        if failure is not None:
            raise failure
        listed = [n for n in chunk if n in self.blacklist]
        if listed:
            raise self.refuse("0200024", "The number to be added is in the blacklist.", listed)
        counts = Counter(chunk)
        repeated = [n for n in chunk if counts[n] > 1 or n in self.pending]
        if repeated:
            raise self.refuse("0200018", "Duplicate numbers exist.", repeated)
        self.pending.extend(chunk)
        return len(self.pending)


def failing_on(
    chunk_number: int, error: Exception
) -> tuple[list[list[str]], Callable[[list[str]], int]]:
    vendor = FakeVendor(fail={chunk_number: error})
    return vendor.calls, vendor.send


def indexes(report: BatchReport[str, object] | BatchReport[str, int]) -> list[int]:
    found = [entry.index for entry in report.accepted]
    found += [entry.index for entry in report.rejected]
    found += [entry.index for entry in report.not_sent]
    found += [entry.index for entry in report.unknown]
    found += [entry.index for entry in report.unresolved]
    return found


def assert_each_item_once(
    report: BatchReport[str, object] | BatchReport[str, None] | BatchReport[str, int], total: int
) -> None:
    assert sorted(indexes(report)) == list(range(total))  # type: ignore[arg-type]
    assert report.total == total
    for bucket in (report.accepted, report.rejected, report.not_sent, report.unknown):
        assert [e.index for e in bucket] == sorted(e.index for e in bucket)  # input order
    assert [e.index for e in report.unresolved] == sorted(e.index for e in report.unresolved)


# ---------------------------------------------------------------------------------------------
# The rules as before: data codes, fatal codes, transport, validation, laziness
# ---------------------------------------------------------------------------------------------


def test_data_error_rejects_chunk_and_goes_on() -> None:
    sent, send = failing_on(2, DATA_ERROR)
    report = run_batches(ITEMS, size=20, send=send)
    assert [len(chunk) for chunk in sent] == [20, 20, 5]
    assert [e.item for e in report.accepted] == ITEMS[:20] + ITEMS[40:]
    assert [e.item for e in report.rejected] == ITEMS[20:40]
    assert {(e.code, e.source, e.chunk) for e in report.rejected} == {("0200029", "server", 2)}
    assert report.not_sent == [] and report.unknown == []
    assert report.responses == [20, 25]
    assert report.stopped_by is None and not report.ok
    assert report.remaining() == []
    assert_each_item_once(report, 45)


def test_fatal_error_stops_and_drains_the_rest() -> None:
    sent, send = failing_on(2, FATAL_ERROR)
    report = run_batches(ITEMS, size=20, send=send)
    assert [len(chunk) for chunk in sent] == [20, 20]
    assert len(report.accepted) == 20
    assert [e.item for e in report.rejected] == ITEMS[20:40]
    assert all(e.resend for e in report.rejected)
    assert [e.item for e in report.not_sent] == ITEMS[40:]
    assert report.remaining() == ITEMS[20:]
    assert report.stopped_by is FATAL_ERROR
    assert "0200007" in report.not_sent[0].reason
    assert report.summary() == (
        "45 items in 2 chunks: 20 accepted, 20 rejected (0 locally, 20 by the server), "
        "0 unknown, 5 not sent; stopped by HuaweiError: 0200007 CAMPAIGN_NOT_FOUND: The "
        "outbound campaign does not exist."
    )
    assert_each_item_once(report, 45)


def test_custom_is_data_error() -> None:
    _, send = failing_on(2, FATAL_ERROR)
    report = run_batches(ITEMS, size=20, send=send, is_data_error=lambda e: True)
    assert len(report.accepted) == 25 and len(report.rejected) == 20


def test_transport_errors_and_unreadable_responses() -> None:
    reached = TransportError("ReadTimeout", may_have_reached_server=True)
    never = TransportError("ConnectError", may_have_reached_server=False)
    unreadable = ResponseError("response body is not JSON", http_status=200, raw=b"<html>")

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


@pytest.mark.parametrize(
    ("error", "bucket"),
    [
        (HuaweiError("HTTP 502", "Bad Gateway", None, 502, "<html>"), "unknown"),
        (HuaweiError("HTTP 504", None, None, 504, ""), "unknown"),
        (HuaweiError("HTTP 400", "Bad Request", None, 400, "<html>"), "unknown"),
        (HuaweiError("0299999", "undocumented", None, 200), "unknown"),
        (HuaweiError("0299999", "undocumented", None, 500), "unknown"),
        (HuaweiError("HTTP 401", "Unauthorized", None, 401, "401"), "not_sent"),
        (HuaweiError("HTTP 403", "Forbidden", None, 403, "403"), "not_sent"),
    ],
)
def test_answers_without_a_documented_code(error: ApiError, bucket: str) -> None:
    """Only a documented code files items as rejected; a gateway page, an HTTP error without a
    code or an undocumented code leaves them unknown; 401/403 without a code were not processed."""
    _, send = failing_on(2, error)
    report = run_batches(ITEMS, size=20, send=send)
    assert report.rejected == []
    assert len(report.accepted) == 20 and report.stopped_by is error
    filed = report.unknown if bucket == "unknown" else report.not_sent
    assert [e.index for e in filed][:20] == list(range(20, 40))
    if bucket == "unknown":
        assert report.remaining() == ITEMS[40:]
        assert "may have reached the server" in report.unknown[0].reason
    else:
        assert report.remaining() == ITEMS[20:]
    assert_each_item_once(report, 45)


def test_prevalidation_rejects_locally_in_input_coordinates() -> None:
    items = ["1", "bad", "2", "3", "bad", "4", "5"]

    def prevalidate(item: str) -> list[Violation]:
        if item == "bad":  # the item is checked alone, as item 0 of the array
            return [Violation("/callDataList/0/called", "pattern", "02000002", "digits only")]
        return []

    sent: list[list[str]] = []

    def send(chunk: list[str]) -> None:
        sent.append(chunk)

    report = run_batches(
        items, size=2, send=send, prevalidate=prevalidate, items_at="/callDataList"
    )
    assert sent == [["1", "2"], ["3", "4"], ["5"]]
    assert [(e.index, e.code, e.source, e.chunk) for e in report.rejected] == [
        (1, "02000002", "client", None),
        (4, "02000002", "client", None),
    ]
    assert [e.violations[0].path for e in report.rejected] == [
        "/callDataList/1/called",
        "/callDataList/4/called",
    ]
    assert report.rejected[1].message.startswith("/callDataList/4/called: digits only")
    assert_each_item_once(report, 7)


def test_validation_error_from_send_rejects_the_items_it_names() -> None:
    """A check failing while sending (nothing left) rejects the item it points at, in input
    coordinates; the chunk's other items are sent again."""
    error = ValidationError([Violation("/callDataList/1/called", "pattern", "02000002", "bad")])
    vendor = FakeVendor(fail={1: error})
    report = run_batches(ITEMS[:30], size=20, send=vendor.send, items_at="/callDataList")
    (rejected,) = report.rejected
    assert (rejected.index, rejected.source, rejected.code) == (1, "client", "02000002")
    assert rejected.violations[0].path == "/callDataList/1/called"
    assert [e.index for e in report.accepted] == [i for i in range(30) if i != 1]
    assert [len(c) for c in vendor.calls] == [20, 20, 9]
    assert_each_item_once(report, 30)


def test_validation_error_naming_no_item_stops_with_nothing_sent() -> None:
    error = ValidationError([Violation("path:/vdnId", "maximum", "02000007", "at most 9999")])
    _, send = failing_on(1, error)
    report = run_batches(ITEMS, size=20, send=send, items_at="/callDataList")
    assert report.rejected == [] and report.accepted == []
    assert report.remaining() == ITEMS
    assert report.stopped_by is error
    assert_each_item_once(report, 45)


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

    report = run_batches(generate(), size=20, send=send, progress=events.append, **UNIQUE)
    assert pulled_at_send == [20, 40]  # one chunk at a time
    assert pulled == 45  # the rest drained into not_sent after the stop
    assert len(report.not_sent) == 5
    assert [(e.chunk, e.outcome, e.stopped) for e in events] == [
        (1, "accepted", False),
        (2, "rejected", True),
    ]
    assert events[-1].not_sent == 5 and events[-1].items_seen == 45


def test_drained_items_are_still_checked() -> None:
    """After a stop the rest is read all the same: invalid and repeated items are rejected
    locally, so `remaining()` never offers an item that cannot be sent."""
    items = [*ITEMS[:42], "bad", ITEMS[3], *ITEMS[42:]]

    def prevalidate(item: str) -> list[Violation]:
        return [Violation("/x/0", "pattern", "02000002", "digits")] if item == "bad" else []

    _, send = failing_on(2, FATAL_ERROR)
    report = run_batches(items, size=20, send=send, prevalidate=prevalidate, **UNIQUE)
    assert [(e.index, e.code) for e in report.rejected if e.source == "client"] == [
        (42, "02000002"),
        (43, "0200018"),
    ]
    assert [e.index for e in report.not_sent] == [40, 41, 44, 45, 46]
    assert report.remaining() == ITEMS[20:]
    assert_each_item_once(report, 47)


def test_empty_input_and_bad_arguments() -> None:
    report = run_batches([], size=20, send=lambda chunk: None)
    assert report.total == 0 and report.chunks == 0 and report.ok
    with pytest.raises(ValueError):
        run_batches(ITEMS, size=0, send=lambda chunk: None)
    with pytest.raises(ValueError):
        run_batches(ITEMS, size=20, send=lambda chunk: None, max_split_calls=-1)


def test_other_exceptions_propagate() -> None:
    def send(chunk: list[str]) -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_batches(ITEMS, size=20, send=send)


# ---------------------------------------------------------------------------------------------
# Duplicates in the input
# ---------------------------------------------------------------------------------------------


def test_the_issue_case_item_26_repeats_item_25() -> None:
    """45 numbers, input item 26 equal to item 25: 44 accepted, one rejected locally."""
    items = [*ITEMS[:26], ITEMS[25], *ITEMS[27:]]
    vendor = FakeVendor()
    report = run_batches(items, size=20, send=vendor.send, **UNIQUE, unique_field="called")
    (dup,) = report.rejected
    assert (dup.index, dup.source, dup.code, dup.chunk) == (26, "client", "0200018", None)
    assert "called 80025 repeats input item 25" in dup.message
    assert dup.violations == (
        Violation(
            "/callDataList/26/called",
            "unique",
            "0200018",
            "called 80025 repeats input item 25, which is sent in its place",
        ),
    )
    assert [e.index for e in report.accepted] == [i for i in range(45) if i != 26]
    assert [len(c) for c in vendor.calls] == [20, 20, 4]  # chunks stay full
    assert report.remaining() == []
    assert Counter(vendor.pending) == Counter(set(items))
    assert_each_item_once(report, 45)


def test_duplicates_inside_and_across_chunks_and_repeated_thrice() -> None:
    items = [*ITEMS[:20], ITEMS[2], ITEMS[2], *ITEMS[20:30], ITEMS[29], ITEMS[0]]
    vendor = FakeVendor()
    report = run_batches(items, size=20, send=vendor.send, **UNIQUE)
    assert [(e.index, e.message.split(": ", 1)[1]) for e in report.rejected] == [
        (20, "item 80002 repeats input item 2, which is sent in its place [unique, 0200018]"),
        (21, "item 80002 repeats input item 2, which is sent in its place [unique, 0200018]"),
        (32, "item 80029 repeats input item 31, which is sent in its place [unique, 0200018]"),
        (33, "item 80000 repeats input item 0, which is sent in its place [unique, 0200018]"),
    ]
    assert [e.violations[0].path for e in report.rejected] == [
        "/callDataList/20",
        "/callDataList/21",
        "/callDataList/32",
        "/callDataList/33",
    ]
    assert sorted(vendor.pending) == ITEMS[:30]
    assert_each_item_once(report, 34)


def test_an_invalid_first_occurrence_does_not_hide_a_valid_repeat() -> None:
    """The key of an item refused by the check is not kept: a later valid item with the same
    number is the one sent."""
    items = ["bad-1", "1", "2"]

    def prevalidate(item: str) -> list[Violation]:
        return [Violation("/x/0", "pattern", None, "digits")] if item.startswith("bad") else []

    vendor = FakeVendor()
    report = run_batches(
        items,
        size=20,
        send=vendor.send,
        prevalidate=prevalidate,
        unique_by=lambda item: item.removeprefix("bad-"),
    )
    assert [e.index for e in report.rejected] == [0]
    assert vendor.pending == ["1", "2"]


def test_keys_compare_as_json_values() -> None:
    report = run_batches(
        [1, 1.0, True, 2, None, None], size=20, send=len, unique_by=lambda item: item
    )
    # 1.0 equals 1 in JSON; true does not; items without a key are never duplicates
    assert [e.index for e in report.rejected] == [1]


# ---------------------------------------------------------------------------------------------
# A chunk refused with an item code
# ---------------------------------------------------------------------------------------------


def test_server_duplicate_named_in_the_message() -> None:
    vendor = FakeVendor(pending=(ITEMS[25],))
    events: list[BatchProgress] = []
    report = run_batches(ITEMS, size=20, send=vendor.send, progress=events.append, **UNIQUE)
    (culprit,) = report.rejected
    assert (culprit.index, culprit.source, culprit.code, culprit.chunk) == (
        25,
        "server",
        "0200018",
        2,
    )
    assert culprit.message == "Duplicate numbers exist. (80025)"
    assert not culprit.resend
    # the 19 innocent numbers of chunk 2 go first in chunk 3, filled up with the 5 last ones
    assert vendor.calls[2] == [n for n in ITEMS[20:40] if n != ITEMS[25]] + ITEMS[40:41]
    assert [len(c) for c in vendor.calls] == [20, 20, 20, 4]
    assert [e.index for e in report.accepted] == [i for i in range(45) if i != 25]
    assert [e.chunk for e in report.accepted if e.index in (24, 26, 44)] == [3, 3, 4]
    assert report.remaining() == [] and report.stopped_by is None
    assert [(e.chunk, e.outcome, e.waiting) for e in events] == [
        (1, "accepted", 0),
        (2, "rejected", 19),
        (3, "accepted", 0),
        (4, "accepted", 0),
    ]
    assert sorted(vendor.pending) == ITEMS
    assert_each_item_once(report, 45)


def test_a_number_is_matched_as_a_whole_token() -> None:
    """ "800251" in a message does not name 80025; "号码80025已存在" does."""
    items = ["80025", "800251", "1", "2"]
    vendor = FakeVendor(pending=("800251",), names=False)

    def send(chunk: list[str]) -> int:
        if "800251" in chunk:
            raise HuaweiError("0200018", "号码800251已存在")
        return vendor.send(chunk)

    report = run_batches(items, size=20, send=send, **UNIQUE)
    assert [e.index for e in report.rejected] == [1]
    assert sorted(e.index for e in report.accepted) == [0, 2, 3]


def test_blacklist_named_rejects_only_the_listed_numbers() -> None:
    vendor = FakeVendor(blacklist=(ITEMS[3], ITEMS[22], ITEMS[23]))
    report = run_batches(ITEMS, size=20, send=vendor.send, **UNIQUE)
    assert [(e.index, e.code) for e in report.rejected] == [
        (3, "0200024"),
        (22, "0200024"),
        (23, "0200024"),
    ]
    assert len(report.accepted) == 42 and report.remaining() == []
    assert_each_item_once(report, 45)


def split_run(
    culprits: tuple[str, ...], max_split_calls: int = 20, size: int = 20, count: int = 20
) -> tuple[FakeVendor, BatchReport[str, int]]:
    vendor = FakeVendor(pending=culprits, names=False)
    items = ITEMS[:count]
    report = run_batches(
        items, size=size, send=vendor.send, max_split_calls=max_split_calls, **UNIQUE
    )
    return vendor, report


def test_unnamed_culprit_is_isolated_by_splitting() -> None:
    vendor, report = split_run((ITEMS[13],))
    (culprit,) = report.rejected
    assert (culprit.index, culprit.code, culprit.source) == (13, "0200018", "server")
    assert culprit.message == "Duplicate numbers exist."
    assert vendor.calls[0] == ITEMS[:20]
    # halves, each sent alone: [0-9] ok, [10-19] refused, [10-14] refused, [15-19] ok, ...
    assert [(c[0], len(c)) for c in vendor.calls[1:]] == [
        ("80000", 10),
        ("80010", 10),
        ("80010", 5),
        ("80010", 2),
        ("80012", 3),
        ("80012", 1),
        ("80013", 2),
        ("80013", 1),
        ("80014", 1),
        ("80015", 5),
    ]
    assert len(vendor.calls) - 1 <= 10  # one culprit in 20: at most 10 extra calls
    assert [e.index for e in report.accepted] == [i for i in range(20) if i != 13]
    assert sorted(vendor.pending) == ITEMS[:20]
    assert_each_item_once(report, 20)


def test_two_unnamed_culprits_fit_the_default_budget() -> None:
    vendor, report = split_run((ITEMS[0], ITEMS[19]))
    assert [e.index for e in report.rejected] == [0, 19]
    assert report.unresolved == [] and len(report.accepted) == 18
    assert len(vendor.calls) - 1 <= 20


def test_split_budget_leaves_the_rest_unresolved_and_resendable() -> None:
    vendor, report = split_run((ITEMS[4], ITEMS[5], ITEMS[16]), max_split_calls=3)
    assert len(vendor.calls) == 1 + 3
    # depth first: [0-9] refused, [0-4] refused, [0-1] accepted; the budget is spent
    assert [c[0] for c in vendor.calls[1:]] == [ITEMS[0]] * 3
    assert report.rejected == [] and [e.index for e in report.accepted] == [0, 1]
    unresolved = report.unresolved
    assert [e.index for e in unresolved] == list(range(2, 20))
    assert {(e.code, e.chunk) for e in unresolved} == {("0200018", 1)}
    assert "max_split_calls=3" in unresolved[0].reason
    assert report.remaining() == ITEMS[2:20]
    assert "18 unresolved" in report.summary()
    assert_each_item_once(report, 20)

    # resending what remains with a budget that suffices completes the load
    again = run_batches(report.remaining(), size=20, send=vendor.send, **UNIQUE)
    assert sorted(e.item for e in again.rejected) == [ITEMS[4], ITEMS[5], ITEMS[16]]
    assert again.remaining() == []
    assert Counter(vendor.pending) == Counter(ITEMS[:20])


def test_no_split_at_all_with_a_zero_budget() -> None:
    vendor, report = split_run((ITEMS[7],), max_split_calls=0, count=45)
    assert [e.index for e in report.unresolved] == list(range(20))
    assert len(vendor.calls) == 3  # the refused chunk, then the two others
    assert len(report.accepted) == 25


def test_a_single_item_refused_alone_is_rejected_without_splitting() -> None:
    vendor, report = split_run((ITEMS[0],), count=1)
    assert [e.index for e in report.rejected] == [0]
    assert len(vendor.calls) == 1


def test_a_split_half_failing_otherwise_stops_the_batch() -> None:
    timeout = TransportError("ReadTimeout", may_have_reached_server=True)
    vendor = FakeVendor(pending=(ITEMS[13],), names=False, fail={3: timeout})
    report = run_batches(ITEMS, size=20, send=vendor.send, **UNIQUE)
    # call 2 ([0-9]) accepted, call 3 ([10-19]) timed out
    assert [e.index for e in report.accepted] == list(range(10))
    assert [e.index for e in report.unknown] == list(range(10, 20))
    assert [e.index for e in report.not_sent] == list(range(20, 45))
    assert report.remaining() == ITEMS[20:]
    assert_each_item_once(report, 45)


def test_items_waiting_when_the_batch_stops_are_not_sent() -> None:
    vendor = FakeVendor(pending=(ITEMS[5],), fail={2: FATAL_ERROR})
    report = run_batches(ITEMS, size=20, send=vendor.send, **UNIQUE)
    # call 1 named 80005; its 19 others waited and were refused with chunk 2 (campaign gone)
    assert [e.index for e in report.rejected if not e.resend] == [5]
    assert [e.index for e in report.rejected if e.resend] == [
        *[i for i in range(20) if i != 5],
        20,
    ]
    assert report.remaining() == [n for n in ITEMS if n != ITEMS[5]]
    assert_each_item_once(report, 45)


# ---------------------------------------------------------------------------------------------
# The properties, over random loads
# ---------------------------------------------------------------------------------------------


@st.composite
def loads(draw: st.DrawFn) -> tuple[list[str], set[str], set[str], bool, int, int]:
    pool = [f"13{i:03d}" for i in range(30)]
    items = draw(st.lists(st.sampled_from(pool), max_size=60))
    pending = set(draw(st.lists(st.sampled_from(pool), max_size=4)))
    blacklist = set(draw(st.lists(st.sampled_from(pool), max_size=3)))
    names = draw(st.booleans())
    budget = draw(st.integers(0, 24))
    size = draw(st.integers(1, 20))
    return items, pending, blacklist, names, budget, size


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loads())
def test_every_item_once_no_innocent_rejected_and_resume_completes(
    load: tuple[list[str], set[str], set[str], bool, int, int],
) -> None:
    items, pending, blacklist, names, budget, size = load
    vendor = FakeVendor(pending=tuple(sorted(pending)), blacklist=tuple(blacklist), names=names)
    report = run_batches(items, size=size, send=vendor.send, max_split_calls=budget, **UNIQUE)
    assert_each_item_once(report, len(items))
    first = {n: items.index(n) for n in items}
    for entry in report.rejected:
        if entry.source == "client":  # a repeat, pointing at the first occurrence
            assert entry.index != first[entry.item] and str(first[entry.item]) in entry.message
        else:  # refused for itself: the server holds it already or blacklists it
            assert entry.item in pending | blacklist and entry.index == first[entry.item]
    assert report.unknown == [] and report.not_sent == []
    assert all(len(c) <= size for c in vendor.calls)
    # resending what remains (with an ample budget) completes the load
    rest = report.remaining()
    while rest:
        rest = run_batches(rest, size=size, send=vendor.send, **UNIQUE).remaining()
    sendable = {n for n in items if n not in blacklist}
    assert Counter(vendor.pending) == Counter(sendable | pending)


# ---------------------------------------------------------------------------------------------
# Hooks: what a journal sees of each call, and stopping between calls
# ---------------------------------------------------------------------------------------------


class Recorder:
    """Keeps what the hooks were told, and checks it against the calls the vendor received."""

    def __init__(self, items: list[str], stop_after: int | None = None) -> None:
        self.items = items
        self.stop_after = stop_after
        self.sent: list[tuple[int, list[int]]] = []
        self.answered: list[tuple[int, list[tuple[int, object]]]] = []
        self.asked = 0

    def before_send(self, chunk: int, indexes: list[int]) -> None:
        assert len(self.sent) == len(self.answered)  # one call at a time, each answered
        self.sent.append((chunk, list(indexes)))

    def after_answer(self, chunk: int, filed: list[tuple[int, object]]) -> None:
        assert self.sent[-1][0] == chunk
        assert [index for index, _ in filed] == self.sent[-1][1]
        self.answered.append((chunk, list(filed)))

    def stop(self) -> str | None:
        self.asked += 1
        if self.stop_after is not None and len(self.sent) >= self.stop_after:
            return "asked to stop"
        return None

    def hooks(self) -> BatchHooks[str]:
        return BatchHooks(self.before_send, self.after_answer, self.stop)  # type: ignore[arg-type]


def entries_by_index(report: BatchReport[str, int]) -> dict[int, object]:
    found: dict[int, object] = {}
    for bucket in (
        report.accepted,
        report.rejected,
        report.not_sent,
        report.unknown,
        report.unresolved,
    ):
        for entry in bucket:
            found[entry.index] = entry
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loads(), st.one_of(st.none(), st.integers(0, 6)))
def test_hooks_see_every_call_and_where_each_item_landed(
    load: tuple[list[str], set[str], set[str], bool, int, int], stop_after: int | None
) -> None:
    """Hooks change nothing (the same report as without them); before_send names exactly the
    items the vendor then receives; after_answer's entries are the report's, and an item it
    leaves waiting is sent again later or filed when the batch ends."""
    items, pending, blacklist, names, budget, size = load

    def vendor() -> FakeVendor:
        return FakeVendor(pending=tuple(sorted(pending)), blacklist=tuple(blacklist), names=names)

    plain = vendor()
    expected = run_batches(items, size=size, send=plain.send, max_split_calls=budget, **UNIQUE)
    hooked = vendor()
    recorder = Recorder(items, stop_after)
    report = run_batches(
        items,
        size=size,
        send=hooked.send,
        max_split_calls=budget,
        hooks=recorder.hooks(),
        **UNIQUE,
    )
    assert [[items[i] for i in indexes] for _, indexes in recorder.sent] == hooked.calls
    assert [chunk for chunk, _ in recorder.sent] == list(range(1, len(hooked.calls) + 1))
    assert len(recorder.answered) == len(recorder.sent)
    final = entries_by_index(report)
    last: dict[int, object] = {}
    for _, filed in recorder.answered:
        for index, entry in filed:
            last[index] = entry
            if entry is not None:
                assert final[index] == entry
    for index, entry in last.items():
        if entry is None:  # waiting at the end: filed when the batch ended
            assert final[index] in report.not_sent + report.unresolved  # type: ignore[operator]
    assert_each_item_once(report, len(items))
    if stop_after is None or len(plain.calls) <= stop_after:  # nothing left to stop
        assert hooked.calls == plain.calls
        assert report == expected
        return
    assert len(hooked.calls) == stop_after
    assert isinstance(report.stopped_by, StopRequested)
    assert all("asked to stop" in e.reason for e in report.not_sent if e.index not in last)
    # what remains, sent again without hooks, completes the load
    rest = report.remaining()
    while rest:
        rest = run_batches(rest, size=size, send=hooked.send, **UNIQUE).remaining()
    sendable = {n for n in items if n not in blacklist}
    assert Counter(hooked.pending) == Counter(sendable | pending)


def test_stop_before_the_first_call_sends_nothing_and_files_everything() -> None:
    vendor = FakeVendor()
    report = run_batches(
        ITEMS, size=20, send=vendor.send, hooks=BatchHooks(stop=lambda: "Ctrl-C"), **UNIQUE
    )
    assert vendor.calls == []
    assert [e.index for e in report.not_sent] == list(range(45))
    assert "StopRequested: Ctrl-C" in report.not_sent[0].reason
    assert report.remaining() == ITEMS


def test_a_failing_before_send_sends_nothing_more() -> None:
    vendor = FakeVendor()

    def before_send(chunk: int, indexes: list[int]) -> None:
        if chunk == 2:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        run_batches(
            ITEMS, size=20, send=vendor.send, hooks=BatchHooks(before_send=before_send)
        )
    assert vendor.calls == [ITEMS[:20]]


def test_async_hooks() -> None:
    vendor = FakeVendor(pending=(ITEMS[3],), names=True)
    recorder = Recorder(ITEMS, stop_after=2)

    async def send(chunk: list[str]) -> int:
        await asyncio.sleep(0)
        return vendor.send(chunk)

    report = asyncio.run(
        run_batches_async(ITEMS, size=20, send=send, hooks=recorder.hooks(), **UNIQUE)
    )
    # call 1 refused 80003 by name; its 19 others lead call 2, in input order
    assert [indexes for _, indexes in recorder.sent] == [
        list(range(20)),
        [0, 1, 2, *range(4, 21)],
    ]
    first = dict(recorder.answered[0][1])
    assert first[3] == report.rejected[0] and all(first[i] is None for i in range(20) if i != 3)
    assert isinstance(report.stopped_by, StopRequested)
    assert_each_item_once(report, 45)


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
    assert report.remaining() == ITEMS[20:]


def test_async_split_and_duplicates() -> None:
    vendor = FakeVendor(pending=(ITEMS[13],), names=False)

    async def send(chunk: list[str]) -> int:
        await asyncio.sleep(0)
        return vendor.send(chunk)

    items = [*ITEMS, ITEMS[0]]
    report = asyncio.run(run_batches_async(items, size=20, send=send, **UNIQUE))
    assert [(e.index, e.source) for e in report.rejected] == [(13, "server"), (45, "client")]
    assert len(report.accepted) == 44
    assert_each_item_once(report, 46)


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
