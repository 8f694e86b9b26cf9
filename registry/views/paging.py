"""Pages of a long list: which rows a page shows, and whether another page follows.

Stage: registry (views). A registry of a whole organisation holds tens of thousands of leaks;
the dashboard shows `PAGE_SIZE` rows at a time. A view asked for a `Window` reads one row more
than the page shows, so whether a next page exists costs no COUNT query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

PAGE_SIZE = 100
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Window:
    number: int = 1  # the first page is 1
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def limit(self) -> int:
        """Rows to read: one past the page, to tell whether another page follows."""
        return self.size + 1


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    items: list[T]
    number: int
    has_next: bool


def paged(rows: Sequence[T], window: Window) -> Paged[T]:
    """The page of `rows`, which a view read with `window.limit` and `window.offset`."""
    return Paged(list(rows[: window.size]), window.number, len(rows) > window.size)


def page_number(text: str | None) -> int:
    """The page a `?page=` query asks for; ValueError naming what is allowed."""
    if text is None or text == "":
        return 1
    if not text.isdigit() or int(text) < 1:
        raise ValueError("page must be a whole number from 1")
    return int(text)
