"""The navigation bar and the dashboard, gathered from the apps.

Each app may have a ``navigation`` module with ``items(user) -> list[NavItem]`` and a ``dashboard``
module with ``cards(user) -> list[Card]`` (the counts, each linking to its filtered list, and the
charts) and ``work(user, limit) -> list[WorkItem]`` (what awaits the user: at most ``limit`` of each
kind, most urgent first, in a fixed number of queries); an app adds its pages without editing the portal.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from portal.seeding import app_modules


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    icon: str = ""
    children: list["NavItem"] = field(default_factory=list)


@dataclass(frozen=True)
class Card:
    title: str
    value: object
    url: str = ""
    icon: str = ""
    style: str = "primary"
    note: str = ""
    # A card with a template is a full-width panel (a chart, a table) rendered with that template;
    # ``data`` is what the template shows.
    template: str = ""
    data: object = None


@dataclass(frozen=True)
class WorkItem:
    """One thing awaiting the user's action, for the worklist at the top of the dashboard."""

    task: str  # what to do: "Review the fee filing"
    title: str  # the item
    url: str
    party: str = ""  # whose it is: the vendor, platform or authority
    due: datetime.date | None = None  # to be done by: the days left or late are shown
    since: datetime.date | None = None  # waiting since, for a decision with no date of its own
    note: str = ""  # shown instead of the days, for an item they would mislead about (a duty to confirm)
    icon: str = ""

    def urgency(self, today: datetime.date) -> tuple:
        """Late first (the latest first), then due within the week, then decisions by how long they have
        waited, then later dates, then the rest; an item with a note (a duty to confirm) last."""
        if self.note:
            return (4, self.due or datetime.date.max)
        if self.due is not None and self.due < today:
            return (0, self.due)
        if self.due is not None and self.due <= today + datetime.timedelta(days=7):
            return (1, self.due)
        if self.since is not None:
            return (2, self.since)
        if self.due is not None:
            return (3, self.due)
        return (5, datetime.date.max)

    def days(self, today: datetime.date) -> tuple[str, int] | None:
        """("late" | "left" | "waiting", days), or None."""
        if self.note:
            return None
        if self.due is not None:
            left = (self.due - today).days
            return ("late", -left) if left < 0 else ("left", left)
        if self.since is not None:
            return ("waiting", (today - self.since).days)
        return None


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    """The day of a stored moment in the portal's time zone (Asia/Shanghai)."""
    return timezone.localtime(moment).date() if moment else None


@functools.lru_cache(maxsize=1024)
def _reverse(name: str, args: tuple, urlconf, prefix: str) -> str:
    return reverse(name, args=args, urlconf=urlconf)


def link(name: str, *args) -> str:
    """``reverse(name, args=args)``, remembered: the navigation bar asks for the same few dozen addresses
    on every page, and each ``reverse`` walks the URL patterns again."""
    return _reverse(name, args, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def nav_items(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for module in app_modules("navigation") for item in module.items(user)]


def dashboard_cards(user) -> list[Card]:
    return [card for module in app_modules("dashboard") for card in module.cards(user)]


def worklist(user, limit: int = 12) -> tuple[list[WorkItem], int]:
    """The ``limit`` most urgent things awaiting the user, from every app, and how many were found
    (each app reports at most ``limit`` of each kind, so past ``limit`` the count is a lower bound)."""
    today = timezone.localdate()
    items = [
        item for module in app_modules("dashboard") if hasattr(module, "work") for item in module.work(user, limit)
    ]
    items.sort(key=lambda item: item.urgency(today))
    return items[:limit], len(items)
