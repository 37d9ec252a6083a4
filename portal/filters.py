"""The base of every FilterSet shared by a web list and its API endpoint."""

import django_filters
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.autocomplete import AutocompleteSelect, IdFilter

__all__ = ["IdFilter", "SearchFilterSet", "active_filters"]


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text ``q`` over ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            user = getattr(self.request, "user", None)
            for field in form.fields.values():
                if isinstance(field.widget, AutocompleteSelect):
                    field.widget.user = user  # it names the chosen row as this user may see it
        return super().form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


EMPTY_CHOICES = {"", "unknown", "---------"}  # "any": an empty choice, or the "unknown" of a yes/no select


def active_filters(filterset) -> list[tuple[str, str]]:
    """``(label, value as the user chose it)`` of every filter set, for a printout's or export's title."""
    form = filterset.form
    chosen = []
    for name, field in form.fields.items():
        value = form[name].value()
        raw = value if isinstance(value, list | tuple) else [value]
        values = [str(v).lower() if isinstance(v, bool) else str(v) for v in raw if v not in (None, "")]
        if not values or set(values) <= EMPTY_CHOICES:
            continue
        widget = field.widget
        if isinstance(widget, AutocompleteSelect):
            texts = [text for _value, text in widget.chosen(values)]
        elif getattr(widget, "choices", None):
            names = {str(key): str(text) for key, text in _flat_choices(widget.choices)}
            texts = [names.get(v, v) for v in values]
        else:
            texts = values
        chosen.append((str(capfirst(field.label)), "、".join(texts)))
    return chosen


def filters_text(filters) -> str:
    """ "status：overdue；CA vendor：SZCA", or "none": the filters as a printout's or an export's title states them."""
    return "；".join(f"{label}：{value}" for label, value in filters) or _("none")


def _flat_choices(choices):
    for key, text in choices:
        if isinstance(text, list | tuple):  # a group
            yield from _flat_choices(text)
        else:
            yield key, text
