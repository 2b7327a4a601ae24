"""Walking the pages of a listing operation (a spec's `paging`): which page to ask for next.

A generated `iter_<op>` asks for the first page, yields its items, and asks `PageWalk` for the
number of the next page, until it says the listing is done. Done is decided from what the last
page said, since a listing may grow while it is read:

* a page without items ends the walk (nothing more to read, whatever a total says);
* after `total_pages` pages, or once `total_items` items were read, the walk ends (either
  total, when the page states it; an answer without one is read on by the other);
* when a page states neither total, a page with fewer items than the page size asked for is the
  last one; without a page size, only an empty page ends the walk;
* a page equal to the one before it ends the walk with a warning on the `outbound` logger: a
  server that ignores the page argument would otherwise repeat its first page until a total is
  reached (or forever, without one).

The totals arrive already read by the model (a digit string such as Yantong's `"3"` reads as
the int 3), so a number and a string of digits mean the same here.
"""

from __future__ import annotations

import logging
from typing import TypeVar

__all__ = ["PageWalk"]

logger = logging.getLogger("outbound")

_Item = TypeVar("_Item")


class PageWalk:
    """One walk through the pages of a listing: `page` is the page to ask for next, None once
    the walk is done (`name`, the operation, is for the log)."""

    __slots__ = ("_last", "items_read", "name", "page", "page_size", "pages_read")

    def __init__(self, name: str, *, first_page: int, page_size: int | None) -> None:
        self.name = name
        self.page: int | None = first_page
        self.page_size: int | None = page_size
        self.pages_read: int = 0
        self.items_read: int = 0
        self._last: list[object] = []

    def read(
        self, items: list[_Item], total_pages: int | None, total_items: int | None
    ) -> list[_Item]:
        """Take the page just asked for (`page`): its items and the totals it stated (None: not
        stated, or not readable). Returns the items to yield (none when the page repeats the
        one before) and sets `page` to the next page, or None when the walk is done."""
        asked = self.page
        if asked is None:
            raise RuntimeError("the walk is done; no page was asked for")
        self.pages_read += 1
        self.items_read += len(items)
        self.page = None
        if not items:
            return items
        if self.pages_read > 1 and items == self._last:
            logger.warning(
                "%s: page %d repeats page %d (%d items); the server seems to ignore the page "
                "argument: the walk stops here",
                self.name,
                asked,
                asked - 1,
                len(items),
            )
            return []
        self._last = list(items)
        if total_pages is not None and self.pages_read >= total_pages:
            return items
        if total_items is not None and self.items_read >= total_items:
            return items
        no_total = total_pages is None and total_items is None
        if no_total and self.page_size is not None and len(items) < self.page_size:
            return items
        self.page = asked + 1
        return items
