"""Pagination whose count stops at a cap: counting a national table exactly costs more than the page.

``CappedPaginator`` counts at most ``CAP`` + 1 rows (``capped_paginator(1000)`` for a log) (``SELECT count(*) FROM (… LIMIT 10001)``); past
the cap it says "10,000 or more" (``capped``) and still pages on: a page beyond the cap is read with
one row more than it shows, which tells whether another follows. Every list page (``portal.crud``)
and every API list (``CappedPageNumberPagination``, the REST framework's default here) uses it; a
list of fewer rows than the cap is counted exactly, as before.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

CAP = 10_000
LOG_CAP = 1_000  # a log (the send log) is read newest first: counted this far
CARD_CAP = 1_000  # a dashboard card counts this far ("1000+"); its list counts on


def count_to(rows, cap: int = CARD_CAP) -> int | str:
    """How many rows, counted to ``cap`` at most (``SELECT count(*) FROM (… LIMIT cap + 1)``): the
    number, or "1000+" past the cap. An index that finds the rows stops the count at the cap."""
    found = rows.order_by()[: cap + 1].count()
    return f"{cap}+" if found > cap else found


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return 0 if not self.object_list else self.start_index() + len(self.object_list) - 1


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def _found(self) -> int:
        """The rows counted, at most ``cap`` + 1 (one query; the order does not matter to a count)."""
        rows = self.object_list
        if not hasattr(rows, "order_by"):
            return len(rows)
        return rows.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        """The number of rows, or ``cap`` when there are more (then ``capped`` is true)."""
        return min(self._found, self.cap)

    @cached_property
    def capped(self) -> bool:
        return self._found > self.cap

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        number = super().validate_number(1) if number in (None, "") else number
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            raise EmptyPage(self.error_messages["less_than_one"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class CappedPageNumberPagination(PageNumberPagination):
    """The API's pages: ``count`` stops at 10,000 (``next`` still leads on past it)."""

    django_paginator_class = CappedPaginator


def capped_paginator(cap: int) -> type[CappedPaginator]:
    """A ``CappedPaginator`` that counts to ``cap``: for a log, where nobody pages far and a page's rows are
    found long before ten thousand of them are."""
    return type(f"CappedPaginator{cap}", (CappedPaginator,), {"cap": cap})


def capped_pagination(cap: int) -> type[CappedPageNumberPagination]:
    """The API's pagination with the count stopping at ``cap``."""
    return type(
        f"CappedPageNumberPagination{cap}",
        (CappedPageNumberPagination,),
        {"django_paginator_class": capped_paginator(cap)},
    )
