"""Generic list, detail, create and update views for scoped models.

Each model gets its pages by subclassing these with a few attributes (``model``,
``filterset_class``, ``columns``, ``form_class``), the same way its API viewset names its
queryset, serializer and filterset. Every view starts from ``Model.objects.visible_to(user)``
and every write is checked against the model's rules permissions.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from portal import exports
from portal.filters import active_filters
from portal.history import history_entries
from portal.pagination import CappedPaginator
from portal.templatetags.portal_tags import resolve


@dataclass(frozen=True)
class Column:
    accessor: str  # dotted path; "get_kind_display" style methods are called
    label: str
    link: bool = False


@dataclass(frozen=True)
class Related:
    """A table of related rows on a detail page, e.g. a vendor's contacts.

    The rows are ``model.objects.visible_to(user).filter(<field>=object)``: a detail page never
    shows related rows the user could not open themselves.
    """

    label: str
    model: type
    field: str
    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = ()
    limit: int = 50

    def rows(self, user, obj):
        queryset = self.model.objects.visible_to(user).filter(**{self.field: obj})
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return list(queryset[: self.limit])


class ScopedMixin(LoginRequiredMixin):
    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opts = self.model._meta
        context["opts"] = opts
        context["url_prefix"] = f"{opts.app_label}:{self.url_name}"
        context["can_add"] = self.request.user.has_perm(self.model.get_perm("add"))
        return context

    @property
    def url_name(self) -> str:
        return self.model._meta.model_name


class ObjectListView(ScopedMixin, FilterView):
    """A filtered list of the rows the user may see, 25 a page (counted up to 10,000); with ``?format=xlsx`` the same rows
    and columns as a workbook (``portal.exports``), with ``?print=1`` all of them on one page to print
    (up to ``print_max_rows``)."""

    columns: list[Column] = []
    paginate_by = 25
    paginator_class = CappedPaginator  # a national table is counted up to 10,000 rows, not to its end
    print_max_rows = 2000
    template_name = "crud/object_list.html"

    def get_template_names(self):
        opts = self.model._meta
        return [f"{opts.app_label}/{opts.model_name}_list.html", self.template_name]

    def get(self, request, *args, **kwargs):
        if exports.wanted(request):
            return exports.respond(request, self.export_table())
        return super().get(request, *args, **kwargs)

    @property
    def printing(self) -> bool:
        return self.request.GET.get("print") == "1"

    def get_paginate_by(self, queryset):
        return self.print_max_rows if self.printing else self.paginate_by

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for filter_ in filterset.filters.values():
            # drf-spectacular's schema generation builds (and caches) the form field of the shared
            # base filters before they know their model, so its label would be the bare field name.
            filter_.__dict__.pop("_field", None)
        for field in filterset.form.fields.values():
            if isinstance(field.widget, forms.NullBooleanSelect):
                # In a filter the empty choice means "any", not "unknown".
                field.widget.choices = [("unknown", "---------"), *field.widget.choices[1:]]
        return filterset

    def filtered(self):
        """The filter set and the rows it lets through, as ``FilterView.get`` finds them."""
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_bound or filterset.is_valid() or not self.get_strict():
            return filterset, filterset.qs
        return filterset, filterset.queryset.none()

    def title(self) -> str:
        return str(capfirst(self.model._meta.verbose_name_plural))

    def export_table(self) -> exports.Table:
        filterset, rows = self.filtered()
        columns = self.columns
        return exports.Table(
            title=self.title(),
            headers=[str(capfirst(column.label)) for column in columns],
            rows=([resolve(obj, column.accessor) for column in columns] for obj in rows.iterator(chunk_size=500)),
            count=rows.count(),
            filters=active_filters(filterset),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = self.columns
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        context["list_title"] = self.title()
        context["active_filters"] = active_filters(context["filter"])
        context["printing"] = self.printing
        return context


class ObjectDetailView(ScopedMixin, DetailView):
    fields: list[Column] = []
    related: list[Related] = []
    template_name = "crud/object_detail.html"

    def get_template_names(self):
        # The page's own template is named after its model or after its URL name ("case" for
        # RectificationCase); the generic one serves the models without one.
        opts = self.model._meta
        return [
            f"{opts.app_label}/{opts.model_name}_detail.html",
            f"{opts.app_label}/{self.url_name}_detail.html",
            self.template_name,
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fields"] = self.fields
        context["can_change"] = self.request.user.has_perm(self.model.get_perm("change"), self.object)
        context["history"] = history_entries(self.object)
        user = self.request.user
        context["related_tables"] = [(rel, rel.rows(user, self.object)) for rel in self.related]
        return context


class ObjectEditMixin(ScopedMixin):
    """Create and update: the form sees only what the user may pick, and the saved object must
    still be one the user may change (so nobody moves an object out of their own scope).

    ``after_save(obj)`` runs in the same transaction as the save: what must happen with it (a
    record's obligations) happens or the save is undone; its ``ValidationError`` is shown on the form.
    """

    template_name = "crud/object_form.html"

    def get_form_class(self):
        # ``fields`` of a model's views are the detail page's rows, not a ModelForm's fields.
        return self.form_class

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        if not self.request.user.has_perm(self.model.get_perm("change"), form.instance):
            form.add_error(None, _("You may only record this for an organisation or region in your own scope."))
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                response = super().form_valid(form)
                self.after_save(self.object)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: %(object)s") % {"object": self.object})
        return response

    def after_save(self, obj) -> None:
        """What must happen with a create or update (inside its transaction); nothing by default."""


class ObjectCreateView(ObjectEditMixin, CreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.model.get_perm("add")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ObjectUpdateView(ObjectEditMixin, UpdateView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.request.user.has_perm(self.model.get_perm("change"), obj):
            raise PermissionDenied
        return obj


def crud_urls(prefix: str, name: str, list_view, detail_view, create_view, update_view) -> list:
    """The four URLs of a model: ``<name>_list``, ``<name>_add``, ``<name>_detail``, ``<name>_edit``."""
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", create_view.as_view(), name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", update_view.as_view(), name=f"{name}_edit"),
    ]


class ModelViews:
    """The list, detail, create and update pages of one model, declared once.

    A subclass names what the four pages share (``model``, ``form_class``, ``filterset_class``,
    ``select_related``, ``prefetch_related``) and what they show (``columns`` of the list, ``fields``
    and ``related`` of the detail page). It is also the mixin of its views: a method defined on it
    (``after_save``, ``get_initial``, ``url_name``) applies to all four. ``urls(prefix, name)`` builds
    the views that add nothing of their own with ``type()`` and takes those that do by keyword
    (``detail=DirectiveDetail``), like NetBox's ``get_model_urls``.
    """

    KINDS = {"list": ObjectListView, "detail": ObjectDetailView, "create": ObjectCreateView, "update": ObjectUpdateView}
    SUFFIXES = {"list": "List", "detail": "Detail", "create": "Create", "update": "Update"}

    model = None
    form_class = None
    filterset_class = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    columns: list[Column] = []
    fields: list[Column] = []
    related: list[Related] = []

    @classmethod
    def view(cls, kind: str) -> type:
        """The generic view of ``kind`` ("list", "detail", "create", "update") for this model."""
        built = cls.__dict__.get("_built")
        if built is None:
            built = {}
            cls._built = built
        if kind not in built:
            name = f"{cls.__name__.removesuffix('Views')}{cls.SUFFIXES[kind]}"
            built[kind] = type(name, (cls, cls.KINDS[kind]), {"__module__": cls.__module__, "__qualname__": name})
        return built[kind]

    @classmethod
    def urls(cls, prefix: str, name: str, **views: type) -> list:
        """``<name>_list``, ``<name>_add``, ``<name>_detail`` and ``<name>_edit`` under ``prefix``;
        ``list=``, ``detail=``, ``create=``, ``update=`` name views that add behaviour of their own."""
        unknown = set(views) - set(cls.KINDS)
        if unknown:
            raise TypeError(f"unknown views: {', '.join(sorted(unknown))}")
        chosen = {kind: views.get(kind) or cls.view(kind) for kind in cls.KINDS}
        return crud_urls(prefix, name, chosen["list"], chosen["detail"], chosen["create"], chosen["update"])
