"""My tasks, the deadline calendar, the portal inbox, the send log and the reminder policy."""

import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.crud import Column, ObjectListView
from portal.pagination import LOG_CAP, capped_paginator
from supervision import filters, forms
from supervision.models import Finding, Notification, Obligation, RectificationCase, ReminderPolicy

PARTY = ("vendor", "platform", "authority")
SHOWN = 20  # rows of each list on the page; its badge counts them all (to 1000)
PER_DAY = 6  # duties and cases shown on a day of the calendar; "+ n more" links to the rest
COUNTED = 1000  # a list's badge counts this far ("1000+"): an exact national count costs more than the page


def task_lists(user, today=None) -> dict:
    """What the user should act on: the party's own duties and cases, or the region's for administrators."""
    today = today or timezone.localdate()
    obligations = Obligation.objects.visible_to(user).select_related(*PARTY, "directive")
    cases = RectificationCase.objects.visible_to(user).select_related(*PARTY)
    week = today + datetime.timedelta(days=7)
    lists = {
        "overdue": obligations.filter(status=Obligation.Status.OVERDUE).order_by("due_date", "pk"),
        "due_soon": obligations.filter(status=Obligation.Status.OPEN, due_date__lte=today + datetime.timedelta(days=30))
        .exclude(due_date__isnull=True)
        .order_by("due_date", "pk"),
        "no_date": obligations.filter(status=Obligation.Status.OPEN, due_date__isnull=True).order_by("created", "pk"),
        "week": week,
    }
    if user.is_administrator:
        lists["cases"] = cases.filter(status=RectificationCase.Status.RESPONDED).order_by("due_date", "pk")
        lists["cases_title"] = _("Responses awaiting your verification")
        lists["findings"] = Finding.objects.visible_to(user).filter(status=Finding.Status.OPEN).select_related(*PARTY)
    else:
        lists["cases"] = cases.filter(status__in=RectificationCase.ANSWERABLE).order_by("due_date", "pk")
        lists["cases_title"] = _("Rectification cases awaiting your response")
        lists["findings"] = Finding.objects.none()
    return lists


@login_required
def my_tasks(request):
    lists = task_lists(request.user)
    counts = {name: capped_count(value) for name, value in lists.items() if isinstance(value, QuerySet)}
    shown = {name: list(value[:SHOWN]) if isinstance(value, QuerySet) else value for name, value in lists.items()}
    return render(request, "supervision/my_tasks.html", {**shown, "counts": counts, "today": timezone.localdate()})


def capped_count(rows: QuerySet) -> str:
    """How many rows, up to ``COUNTED`` ("1000+" past it)."""
    found = rows.order_by()[: COUNTED + 1].count()
    return f"{COUNTED}+" if found > COUNTED else str(found)


def _month(value: str | None) -> datetime.date:
    """The first day of ``YYYY-MM``; this month when the value is missing or malformed. A year at the
    very edge of the calendar (0001, 9999) has no previous or next month to link to: 400."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first = datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)
    if not datetime.MINYEAR < year < datetime.MAXYEAR:
        raise BadRequest("month out of range")
    return first


@login_required
def deadline_calendar(request):
    """A month grid of obligations and cases due."""
    first = _month(request.GET.get("month"))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    obligations = (
        Obligation.objects.visible_to(request.user)
        .filter(due_date__range=(first, last))
        .exclude(status=Obligation.Status.WAIVED)
        .select_related(*PARTY)
        .order_by("due_date", "pk")
    )
    cases = (
        RectificationCase.objects.visible_to(request.user)
        .filter(due_date__range=(first, last))
        .select_related(*PARTY)
        .order_by("due_date", "pk")
    )
    # Each day shows its first few duties and cases and how many more there are (a national month has
    # thousands): the page stays small, the list filtered by that day holds the rest.
    totals: dict[datetime.date, int] = {}
    for rows in (obligations, cases):
        for day, count in rows.order_by().values_list("due_date").annotate(n=Count("pk")):
            totals[day] = totals.get(day, 0) + count
    by_day: dict[datetime.date, list] = {}
    for rows in (obligations, cases):
        rank = Window(RowNumber(), partition_by=F("due_date"), order_by=[F("due_date").asc(), F("pk").asc()])
        for item in rows.annotate(rank=rank).filter(rank__lte=PER_DAY):
            shown = by_day.setdefault(item.due_date, [])
            if len(shown) < PER_DAY:
                shown.append(item)
    list_url = reverse("supervision:obligation_list")
    weeks = [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "items": by_day.get(day, []),
                "more": totals.get(day, 0) - len(by_day.get(day, [])),
                "more_url": f"{list_url}?due_after={day:%Y-%m-%d}&due_before={day:%Y-%m-%d}",
            }
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    return render(
        request,
        "supervision/calendar.html",
        {
            "month": first,
            "weeks": weeks,
            "previous": f"{previous:%Y-%m}",
            "next": f"{following:%Y-%m}",
            "today": timezone.localdate(),
        },
    )


@login_required
def inbox(request):
    rows = Notification.objects.inbox(request.user).select_related("obligation", "case").order_by("-created", "-pk")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return render(request, "supervision/inbox.html", {"rows": rows[:200], "unread_only": unread_only})


@login_required
def inbox_message(request, pk):
    message = get_object_or_404(Notification.objects.inbox(request.user), pk=pk)
    if message.read_at is None:
        Notification.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        message.read_at = timezone.now()
    return render(request, "supervision/inbox_message.html", {"message": message})


@login_required
@require_POST
def inbox_read_all(request):
    Notification.objects.inbox(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("supervision:inbox")


def unread_count(user) -> int:
    return Notification.objects.inbox(user).filter(read_at__isnull=True).count()


@login_required
def inbox_badge(request):
    """HTMX: the unread count in the navigation bar."""
    return render(request, "supervision/inbox_badge.html", {"unread": unread_count(request.user)})


class NotificationList(ObjectListView):
    """The send log: every reminder and notice, with its result (administrators)."""

    model = Notification
    filterset_class = filters.NotificationFilterSet
    paginator_class = capped_paginator(LOG_CAP)
    columns = [
        Column("created", _("created")),
        Column("subject", _("subject")),
        Column("recipient_name", _("recipient")),
        Column("address", _("address")),
        Column("get_channel_display", _("channel")),
        Column("stage_label", _("stage")),
        Column("get_status_display", _("status")),
        Column("attempts", _("attempts")),
        Column("last_error", _("last error")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_administrator:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # An inbox row's address is its user's name: read with the row, not once per row.
        rows = super().get_queryset().filter(Q(obligation__isnull=False) | Q(case__isnull=False))
        return rows.select_related("user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = False
        return context


@login_required
def reminder_policy(request):
    policy = ReminderPolicy.objects.order_by("pk").first() or ReminderPolicy(stages=[14, 7, 1, 0])
    may_change = request.user.has_perm(ReminderPolicy.get_perm("change"), policy)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = forms.ReminderPolicyForm(request.POST, instance=policy, user=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Reminder policy saved."))
            return redirect("supervision:reminder_policy")
    else:
        form = forms.ReminderPolicyForm(instance=policy, user=request.user)
    if not may_change:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "supervision/reminder_policy.html", {"form": form, "may_change": may_change})
