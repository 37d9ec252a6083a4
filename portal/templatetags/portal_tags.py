"""Template helpers for the generic pages."""

import datetime

from django import template
from django.db.models import Manager, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.downloads import download_url as scoped_download_url
from portal.forms import bootstrap_class

register = template.Library()


@register.filter
def download_url(field_file) -> str:
    """``{{ row.file|download_url }}``: the scoped address of an uploaded file (never ``/media/``)."""
    return scoped_download_url(field_file)


def resolve(obj, accessor: str):
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not isinstance(value, Manager | QuerySet):
            value = value()
    return value


@register.filter
def when(value) -> str:
    """A moment as the user reads it: in the user's time zone, to the minute ("2026-11-28 03:11")."""
    if not isinstance(value, datetime.datetime):
        return "" if value is None else str(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


def _flat(value) -> list:
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, item in value.items() if item not in (None, "", [], {})]
    return [str(item) for item in value]


@register.simple_tag
def cell(obj, column):
    """Render one column of ``obj``: booleans as yes/no, lists joined, links where asked."""
    value = resolve(obj, column.accessor)
    if isinstance(value, QuerySet):
        return format_html_join("", '<span class="badge text-bg-light border me-1">{}</span>', ((v,) for v in value))
    if value is True:
        return format_html('<i class="bi bi-check-lg text-success" aria-label="{}"></i>', _("yes"))
    if value is False:
        return format_html('<span class="text-body-tertiary" aria-label="{}">—</span>', _("no"))
    if value is None or value == "":
        return mark_safe('<span class="text-body-tertiary">—</span>')
    if isinstance(value, datetime.datetime):
        return when(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):  # facts kept as data: their values, never a Python repr
        return format_html_join(
            "", '<span class="badge text-bg-light border me-1">{}</span>', ((v,) for v in _flat(value))
        )
    if column.link:
        target = value if hasattr(value, "get_absolute_url") else obj
        if hasattr(target, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', target.get_absolute_url(), value)
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', value, value)
    return value


@register.simple_tag
def url_or_none(name: str, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def bootstrap(bound_field, size: str = ""):
    """Render a form field's widget with Bootstrap's class; ``{{ field|bootstrap:"sm" }}`` for small ones."""
    widget = bound_field.field.widget
    css = " ".join(filter(None, [widget.attrs.get("class", ""), bootstrap_class(widget, size)]))
    return bound_field.as_widget(attrs={"class": css})
