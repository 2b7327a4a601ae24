"""PageWalk: when a generated `iter_<op>` asks for the next page and when it stops.

Each case drives a walk with a scripted server (a function of the page number asked for) and
checks the pages asked for and the items yielded, as a user of `iter_<op>` would see them. The
expected pages are written out by hand from the rules in the module's docstring, and a
Hypothesis test compares the walk with a plain loop over a listing that honours page numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from outbound_runtime_under_test.paging import PageWalk

Page = tuple[list[int], int | None, int | None]  # items, total pages, total items


def walk(
    server: Callable[[int], Page], *, first: int = 1, size: int | None = 10, limit: int = 50
) -> tuple[list[int], list[int]]:
    """(pages asked for, items yielded); `limit` stops a runaway walk (a failed test)."""
    w = PageWalk("op", first_page=first, page_size=size)
    asked: list[int] = []
    items: list[int] = []
    while w.page is not None:
        assert len(asked) < limit, f"runaway walk: {asked[:10]}…"
        asked.append(w.page)
        items += w.read(*server(w.page))
    return asked, items


def listing(n: int, size: int, *, pages: bool = True, count: bool = True) -> Callable[[int], Page]:
    """A server holding items 0..n-1 that honours page numbers (from 1) and states totals."""

    def server(page: int) -> Page:
        chunk = list(range((page - 1) * size, min(page * size, n)))
        return chunk, ((n + size - 1) // size if pages else None), (n if count else None)

    return server


def test_stops_after_the_stated_number_of_pages() -> None:
    assert walk(listing(25, 10)) == ([1, 2, 3], list(range(25)))
    assert walk(listing(30, 10)) == ([1, 2, 3], list(range(30)))  # no extra empty page


def test_an_empty_listing_is_one_request() -> None:
    assert walk(listing(0, 10)) == ([1], [])


def test_the_item_count_alone_is_enough() -> None:
    assert walk(listing(25, 10, pages=False)) == ([1, 2, 3], list(range(25)))
    assert walk(listing(30, 10, pages=False)) == ([1, 2, 3], list(range(30)))


def test_the_page_count_alone_is_enough() -> None:
    assert walk(listing(30, 10, count=False)) == ([1, 2, 3], list(range(30)))


def test_without_totals_a_short_page_is_the_last() -> None:
    assert walk(listing(25, 10, pages=False, count=False)) == ([1, 2, 3], list(range(25)))
    # a full last page: one more request, which comes back empty
    assert walk(listing(30, 10, pages=False, count=False)) == ([1, 2, 3, 4], list(range(30)))


def test_without_totals_or_page_size_only_an_empty_page_ends_the_walk() -> None:
    server = listing(25, 10, pages=False, count=False)
    assert walk(server, size=None) == ([1, 2, 3, 4], list(range(25)))


def test_an_empty_page_ends_the_walk_whatever_the_totals_say() -> None:
    def server(page: int) -> Page:
        return ([1, 2] if page == 1 else []), 9, 99

    assert walk(server) == ([1, 2], [1, 2])


def test_totals_are_read_from_the_last_page() -> None:
    """A listing may grow while it is read: each decision uses the totals of the page just read."""

    def server(page: int) -> Page:
        return [page], (1 if page == 1 else 3), None

    # page 1 states 1 page: the walk ends there, whatever later pages would say
    assert walk(server) == ([1], [1])

    def growing(page: int) -> Page:
        return [page], page + 1 if page < 3 else 3, None

    assert walk(growing) == ([1, 2, 3], [1, 2, 3])


def test_a_first_page_other_than_one() -> None:
    def server(page: int) -> Page:
        chunk = [page * 10 + i for i in range(2)] if page <= 2 else []
        return chunk, 3, None  # pages 0, 1, 2

    assert walk(server, first=0, size=2) == ([0, 1, 2], [0, 1, 10, 11, 20, 21])


def test_a_server_that_ignores_the_page_argument_is_stopped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without this, a server answering page 1 to every page would be read total_pages times,
    or forever without totals."""

    def server(page: int) -> Page:
        return [1, 2, 3], None, None

    with caplog.at_level(logging.WARNING, logger="outbound"):
        assert walk(server, size=3) == ([1, 2], [1, 2, 3])
    (record,) = caplog.records
    assert record.getMessage() == (
        "op: page 2 repeats page 1 (3 items); the server seems to ignore the page argument: "
        "the walk stops here"
    )
    assert walk(lambda page: ([1, 2, 3], 5, None), size=3) == ([1, 2], [1, 2, 3])


def test_a_done_walk_asks_for_nothing() -> None:
    w = PageWalk("op", first_page=1, page_size=None)
    assert w.read([], None, None) == [] and w.page is None
    with pytest.raises(RuntimeError, match="the walk is done"):
        w.read([1], None, None)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(0, 60),
    size=st.integers(1, 12),
    pages=st.booleans(),
    count=st.booleans(),
    tell_size=st.booleans(),
)
def test_every_item_once_in_order(
    n: int, size: int, pages: bool, count: bool, tell_size: bool
) -> None:
    """Against a listing that honours page numbers, the walk yields every item once, in order,
    asks for consecutive pages from 1, and at most one page past the last full one."""
    server = listing(n, size, pages=pages, count=count)
    asked, items = walk(server, size=size if tell_size else None, limit=100)
    assert items == list(range(n))
    assert asked == list(range(1, len(asked) + 1))
    filled = (n + size - 1) // size  # pages holding items
    # a stated total, or a short last page of a known size, ends the walk on the last page;
    # else one more page is asked for, and comes back empty
    exact = pages or count or (tell_size and n % size != 0)
    assert len(asked) == (max(1, filled) if exact else filled + 1)
