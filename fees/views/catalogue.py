"""The catalogues: products and fee items (administrators add items; the list is open). Their codes
are for imports and the API: the lists show names, a detail page the code last."""

from django.utils.translation import gettext_lazy as _

from fees import filters, forms
from fees.models import FeeItem, ProductKind
from portal.crud import Column, ModelViews


class ProductKindViews(ModelViews):
    model = ProductKind
    form_class = forms.ProductKindForm
    filterset_class = filters.ProductKindFilterSet
    columns = [Column("name", _("name"), link=True), Column("order", _("order"))]
    fields = [Column("name", _("name")), Column("order", _("order")), Column("code", _("code used in imports"))]


class FeeItemViews(ModelViews):
    model = FeeItem
    form_class = forms.FeeItemForm
    filterset_class = filters.FeeItemFilterSet
    columns = [
        Column("name", _("name"), link=True),
        Column("prohibited", _("prohibited")),
        Column("forbidden_by", _("forbidden by"), link=True),
        Column("one_off", _("paid once in the province")),
    ]
    fields = [
        Column("name", _("name")),
        Column("prohibited", _("prohibited")),
        Column("forbidden_by", _("forbidden by"), link=True),
        Column("one_off", _("paid once in the province")),
        Column("description", _("description")),
        Column("code", _("code used in imports")),
    ]
