"""Template helpers for the generic pages."""

import datetime
import re

from django import template
from django.db.models import Manager, QuerySet
from django.db.models.fields.files import FieldFile
from django.urls import NoReverseMatch, Resolver404, reverse
from django.urls import resolve as resolve_path
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal import facts
from portal.downloads import download_name
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


# An address in a text: a web address, or a path of the portal's own pages ("/fees/filings/18/").
ADDRESS = re.compile(r"(https?://[^\s<>\"'（），。；]+|(?<![\w/])/[\w\-./]+/)")


def portal_page_name(path: str) -> str | None:
    """What a path of the portal shows: the name of the row of a detail page ("/fees/filings/18/" →
    "BJCA · 郑州市 · 2020-05-01"), the path itself for another page, None for no page of the portal."""
    try:
        match = resolve_path(path)
    except Resolver404:
        return None
    model = getattr(getattr(match.func, "view_class", None), "model", None)
    if model is not None and "pk" in match.kwargs:
        row = model._default_manager.filter(pk=match.kwargs["pk"]).first()
        if row is not None:
            return str(row)
    return path


@register.filter
def linked(text) -> SafeString:
    """A text with its addresses as links (a page of the portal named by what it shows, a web address as
    itself), line breaks kept; what is already HTML stays as it is."""
    if hasattr(text, "__html__"):
        return text
    if text is None or text == "":
        return mark_safe("")
    parts = []
    for n, part in enumerate(ADDRESS.split(str(text))):
        name = portal_page_name(part) if n % 2 == 1 and not part.startswith("http") else None
        if n % 2 == 1 and part.startswith("http"):
            parts.append(format_html('<a href="{}" rel="noopener noreferrer">{}</a>', part, part))
        elif name is not None:
            parts.append(format_html('<a href="{}">{}</a>', part, name))
        else:
            parts.append(conditional_escape(part))
    html = mark_safe("".join(parts))
    if "\n" in str(text):
        return format_html('<span class="text-pre-wrap">{}</span>', html)
    return html


@register.simple_tag
def cell(obj, column):
    """Render one column of ``obj``: booleans as yes/no, lists joined, links where asked."""
    value = resolve(obj, column.accessor)
    if isinstance(value, QuerySet):
        return format_html_join(
            "",
            '<span class="badge text-bg-light border me-1 text-wrap text-start lh-base">{}</span>',
            ((v,) for v in value),
        )
    if value is True:
        return format_html('<i class="bi bi-check-lg text-success" aria-label="{}"></i>', _("yes"))
    if value is False:
        return format_html('<span class="text-body-tertiary" aria-label="{}">—</span>', _("no"))
    if value is None or value == "":
        return mark_safe('<span class="text-body-tertiary">—</span>')
    if isinstance(value, FieldFile):  # an uploaded file: its name, through the scoped download
        if not value:
            return mark_safe('<span class="text-body-tertiary">—</span>')
        return format_html(
            '<a href="{}">{}</a>', scoped_download_url(value), download_name(value.instance, value.field.name)
        )
    if isinstance(value, datetime.datetime):
        return when(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):  # data: its facts under their labels, never a Python repr
        return facts.text(value)
    if column.link:
        target = value if hasattr(value, "get_absolute_url") else obj
        if hasattr(target, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', target.get_absolute_url(), value)
    if isinstance(value, str) and not isinstance(value, SafeString) and ("/" in value or "\n" in value):
        return linked(value)
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
