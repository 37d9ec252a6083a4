"""Searchable selects for filters by a related row (a CA vendor, a platform, an authority, a duty).

A filter by id (``AutocompleteFilter``) renders as a ``<select>`` that holds only its current
choice; Tom Select (``static/vendor/tom-select``, started by ``static/portal/autocomplete.js``)
offers the rest as the user types, from ``/autocomplete/<app_label.model>/?q=…``. That endpoint
answers rows of ``Model.objects.visible_to(user)`` whose ``Model.autocomplete_fields`` contain the
text, so nobody is offered a row they could not open, and a page never lists a whole table. Like
``portal.downloads``, a model takes part by declaring something: its ``autocomplete_fields``.

The API keeps the same filter: a number, the row's id.
"""

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LIMIT = 20  # rows per answer: the user types more to narrow them
MAX_ID = 2**63 - 1  # ids are 64-bit (BigAutoField): a larger number is no row's, and overflows the database


class IdField(forms.IntegerField):
    """A row's id: a whole number the database can compare (1 … ``MAX_ID``)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def searchable(model_label: str):
    """The model of ``app_label.model`` if it takes part (``visible_to`` and ``autocomplete_fields``)."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    if not getattr(model, "autocomplete_fields", ()) or not hasattr(model._default_manager, "visible_to"):
        raise Http404
    return model


class AutocompleteSelect(forms.Select):
    """A select of one row of ``model`` ("supervision.CAVendor"), filled as the user types.

    Only the chosen row is rendered, named as the user may see it (``user`` is set by the filter set,
    see ``portal.filters.SearchFilterSet``); an id the user may not see is shown as "#<id>".
    """

    class Media:
        css = {"all": ["vendor/tom-select/tom-select.bootstrap5.min.css", "portal/autocomplete.css"]}
        js = ["vendor/tom-select/tom-select.complete.min.js", "portal/autocomplete.js"]

    def __init__(self, model: str, attrs=None) -> None:
        super().__init__(attrs)
        self.model = model
        self.user = None

    def chosen(self, values: list[str]) -> list[tuple[str, str]]:
        ids = [value for value in values if str(value).isdigit() and int(value) <= MAX_ID]
        if not ids:
            return []
        rows = searchable(self.model)._default_manager.visible_to(self.user).in_bulk([int(pk) for pk in ids])
        return [(pk, str(rows.get(int(pk), f"#{pk}"))) for pk in ids]

    def get_context(self, name, value, attrs):
        values = self.format_value(value)
        self.choices = [("", "---------"), *self.chosen(values)]
        attrs = {
            **(attrs or {}),
            "data-autocomplete-url": reverse("autocomplete", args=[self.model.lower()]),
            "data-placeholder": _("Type to search"),
            "data-no-results": _("No match"),
            "data-clear": _("Clear"),
        }
        return super().get_context(name, value, attrs)


class IdFilter(django_filters.NumberFilter):
    """Rows whose ``field_name`` is the given id; anything but an id makes the filter invalid (the API: 400)."""

    field_class = IdField


class AutocompleteFilter(IdFilter):
    """Rows whose ``field_name`` (an id) is the chosen row of ``model``, picked in a searchable select."""

    def __init__(self, model: str, **kwargs) -> None:
        kwargs.setdefault("widget", AutocompleteSelect(model))
        super().__init__(**kwargs)


@login_required
def autocomplete(request, model: str) -> JsonResponse:
    """``{"results": [{"value": id, "text": name}, …], "more": bool}``: the visible rows matching ``q``."""
    model_class = searchable(model)
    rows = model_class._default_manager.visible_to(request.user)
    text = request.GET.get("q", "").strip()[:100]
    if text:
        condition = Q()
        for field in model_class.autocomplete_fields:
            condition |= Q(**{f"{field}__icontains": text})
        rows = rows.filter(condition)
    found = list(rows[: LIMIT + 1])
    results = [{"value": row.pk, "text": str(row)} for row in found[:LIMIT]]
    return JsonResponse({"results": results, "more": len(found) > LIMIT})
