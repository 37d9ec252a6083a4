"""The home page (public), the dashboard (per role): first what awaits the user, then the counts, then
the charts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.navigation import WorkItem, dashboard_cards, worklist

WORKLIST_LENGTH = 12


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "portal/home.html")


def days_badge(item: WorkItem, today) -> tuple[str, str]:
    """(text, Bootstrap colour) of the days an item has left, is late or has waited."""
    days = item.days(today)
    if days is None:
        return item.note, "secondary"
    kind, n = days
    if kind == "late":
        return ngettext("%(days)d day late", "%(days)d days late", n) % {"days": n}, "danger"
    if kind == "left":
        if n == 0:
            return _("due today"), "danger"
        return ngettext("%(days)d day left", "%(days)d days left", n) % {"days": n}, "warning" if n <= 7 else "light"
    if n == 0:
        return _("new today"), "info"
    return ngettext("waiting %(days)d day", "waiting %(days)d days", n) % {"days": n}, "info"


@login_required
def dashboard(request):
    today = timezone.localdate()
    items, found = worklist(request.user, WORKLIST_LENGTH)
    cards = dashboard_cards(request.user)
    context = {
        "work": [(item, *days_badge(item, today)) for item in items],
        "work_more": found > len(items),
        "cards": cards,
        "counts": [card for card in cards if not card.template],
        "panels": [card for card in cards if card.template],
    }
    return render(request, "portal/dashboard.html", context)
