"""The catalogues: products and fee items (administrators add items; the list is open)."""

from django.utils.translation import gettext_lazy as _

from fees import filters, forms
from fees.models import FeeItem, ProductKind
from portal.crud import Column, ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView


class ProductKindViews:
    model = ProductKind
    form_class = forms.ProductKindForm
    filterset_class = filters.ProductKindFilterSet


class ProductKindList(ProductKindViews, ObjectListView):
    columns = [Column("name", _("name"), link=True), Column("code", _("code")), Column("order", _("order"))]


class ProductKindDetail(ProductKindViews, ObjectDetailView):
    fields = [Column("name", _("name")), Column("code", _("code")), Column("order", _("order"))]


class ProductKindCreate(ProductKindViews, ObjectCreateView):
    pass


class ProductKindUpdate(ProductKindViews, ObjectUpdateView):
    pass


class FeeItemViews:
    model = FeeItem
    form_class = forms.FeeItemForm
    filterset_class = filters.FeeItemFilterSet


class FeeItemList(FeeItemViews, ObjectListView):
    columns = [
        Column("name", _("name"), link=True),
        Column("code", _("code")),
        Column("prohibited", _("prohibited")),
        Column("forbidden_by", _("forbidden by"), link=True),
        Column("one_off", _("paid once in the province")),
    ]


class FeeItemDetail(FeeItemViews, ObjectDetailView):
    fields = [
        Column("name", _("name")),
        Column("code", _("code")),
        Column("prohibited", _("prohibited")),
        Column("forbidden_by", _("forbidden by"), link=True),
        Column("one_off", _("paid once in the province")),
        Column("description", _("description")),
    ]


class FeeItemCreate(FeeItemViews, ObjectCreateView):
    pass


class FeeItemUpdate(FeeItemViews, ObjectUpdateView):
    pass
