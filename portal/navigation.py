"""The navigation bar and the dashboard cards, gathered from the apps.

Each app may have a ``navigation`` module with ``items(user) -> list[NavItem]`` and a
``dashboard`` module with ``cards(user) -> list[Card]``; an app adds its pages without
editing the portal.
"""

from dataclasses import dataclass, field
from importlib import import_module

from portal.seeding import SEED_APPS


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


def _collect(module_name: str, function: str, user) -> list:
    collected = []
    for app in SEED_APPS:
        try:
            module = import_module(f"{app}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.{module_name}":
                raise
            continue
        collected.extend(getattr(module, function)(user))
    return collected


def nav_items(user) -> list[NavItem]:
    return _collect("navigation", "items", user) if user.is_authenticated else []


def dashboard_cards(user) -> list[Card]:
    return _collect("dashboard", "cards", user)
