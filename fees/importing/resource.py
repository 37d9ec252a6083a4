"""The django-import-export resource of filing lines: one sheet row = one line of a filing.

Rows are grouped into filings by (vendor, region, effective date). The resource validates every
row with the rules a web form applies (amount to the fen and not negative, known product and fee
item, no line twice, sane effective date, a region and vendor the user may file for), and writes
the lines in bulk with their history; the caller wraps it in one transaction (all or nothing).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from simple_history.utils import bulk_create_with_history

from fees.importing.columns import COLUMNS
from fees.importing.xlsx import CellError
from fees.models import FeeFiling, FeeFilingLine, FeeItem, ProductKind
from fees.models.filings import effective_date_error
from fees.money import parse_amount
from fees.regions import RegionTree
from portal.accounts.scope import Scope

BATCH = 2000
DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
]
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"", "否", "n", "no", "false", "0"}


def _refuse_formula_error(value) -> None:
    if isinstance(value, CellError):
        raise ValueError(_("the cell holds a formula error (%(error)s)") % {"error": str(value)})


def parse_date(value) -> datetime.date:
    _refuse_formula_error(value)
    text = str(value or "").strip()
    if not text:
        raise ValueError(_("an effective date is required"))
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ValueError(_("“%(value)s” is not a date (write it as 2019-08-15)") % {"value": text})


class MoneyWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        _refuse_formula_error(value)
        return parse_amount(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}"


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        _refuse_formula_error(value)
        text = str(value or "").strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("write 是 or 否 (“%(value)s” is neither)") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class CatalogueWidget(widgets.Widget):
    """A product or fee item by its name or code, from a dictionary loaded once per import."""

    def __init__(self, model, missing_message):
        super().__init__()
        self.model = model
        self.missing_message = missing_message
        self._lookup = None

    def lookup(self) -> dict:
        if self._lookup is None:
            self._lookup = {}
            for obj in self.model.objects.all():
                self._lookup[obj.name] = obj
                self._lookup[obj.code.lower()] = obj
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        _refuse_formula_error(value)
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("this column is required"))
        found = self.lookup().get(text) or self.lookup().get(text.lower())
        if found is None:
            raise ValueError(self.missing_message % {"value": text})
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.name


class NoteWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        _refuse_formula_error(value)
        text = str(value or "").strip()
        if len(text) > 200:
            raise ValueError(_("at most 200 characters"))
        return text


class FilingLineResource(resources.ModelResource):
    vendor = fields.Field(attribute="filing__vendor__short_name", column_name="vendor", readonly=True)
    region = fields.Field(attribute="filing__region_id", column_name="region", readonly=True)
    region_name = fields.Field(attribute="filing__region__name", column_name="region_name", readonly=True)
    effective_date = fields.Field(
        attribute="filing__effective_date",
        column_name="effective_date",
        readonly=True,
        widget=widgets.DateWidget("%Y-%m-%d"),
    )
    product = fields.Field(
        attribute="product",
        column_name="product",
        widget=CatalogueWidget(ProductKind, _("unknown product “%(value)s” (see the sheet 可选值 of the template)")),
    )
    item = fields.Field(
        attribute="item",
        column_name="item",
        widget=CatalogueWidget(FeeItem, _("unknown fee item “%(value)s” (see the sheet 可选值 of the template)")),
    )
    amount = fields.Field(attribute="amount", column_name="amount", widget=MoneyWidget())
    per_platform = fields.Field(attribute="per_platform", column_name="per_platform", widget=YesNoWidget())
    note = fields.Field(attribute="note", column_name="note", widget=NoteWidget())
    status = fields.Field(attribute="filing__status", column_name="status", readonly=True)
    filing = fields.Field(attribute="filing_id", column_name="filing", readonly=True)

    EXPORT_HEADERS = {
        **{key: header for key, (header, _aliases) in COLUMNS.items()},
        "region_name": "地区名称",
        "status": "状态",
        "filing": "备案编号",
    }

    class Meta:
        model = FeeFilingLine
        fields = (
            "vendor",
            "region",
            "region_name",
            "effective_date",
            "product",
            "item",
            "amount",
            "per_platform",
            "note",
            "status",
            "filing",
        )
        use_bulk = True
        batch_size = BATCH
        skip_diff = True
        force_init_instance = True
        clean_model_instances = False
        report_skipped = False

    def __init__(self, user=None, source_name: str = "", progress=None):
        super().__init__()
        self.user = user
        self.source_name = source_name
        self.progress = progress
        self.groups: dict[tuple[int, str, datetime.date], FeeFiling] = {}
        self.group_rows: dict[tuple[int, str, datetime.date], int] = {}
        self.seen: dict[tuple, int] = {}
        self.existing: set[tuple[int, str, datetime.date]] = set()
        self.failed = False
        self.created_filings: list[FeeFiling] = []

    # --- export --------------------------------------------------------------------------------

    def get_export_headers(self, selected_fields=None):
        return [self.EXPORT_HEADERS[field.column_name] for field in self.get_export_fields(selected_fields)]

    def dehydrate_status(self, line):
        return line.filing.get_status_display()

    # --- the filing columns --------------------------------------------------------------------

    def _load_context(self) -> None:
        from supervision.models import CAVendor

        self.tree = RegionTree()
        self.scope = Scope.of(self.user) if self.user and not self.user.is_superuser else None
        vendors = CAVendor.objects.visible_to(self.user) if self.user else CAVendor.objects.all()
        self.vendors = {}
        for pk, name, short in vendors.values_list("pk", "name", "short_name"):
            self.vendors[name] = pk
            self.vendors[short] = pk
            self.vendors[short.lower()] = pk

    def parse_vendor(self, value) -> int:
        _refuse_formula_error(value)
        text = str(value or "").strip()
        if self.scope is not None and self.scope.vendor_id:
            if (
                not text
                or self.vendors.get(text) == self.scope.vendor_id
                or self.vendors.get(text.lower()) == self.scope.vendor_id
            ):
                return self.scope.vendor_id
            raise ValueError(_("you may only file for your own vendor (“%(value)s”)") % {"value": text})
        if not text:
            raise ValueError(_("name the CA vendor (its short name, e.g. BJCA)"))
        found = self.vendors.get(text) or self.vendors.get(text.lower())
        if found is None:
            raise ValueError(_("unknown CA vendor “%(value)s”") % {"value": text})
        return found

    def parse_region(self, value) -> str:
        _refuse_formula_error(value)
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("a region code is required"))
        code = text.split()[0]
        if code not in self.tree.nodes:
            raise ValueError(_("unknown region code “%(value)s” (six digits, e.g. 410900)") % {"value": text})
        if self.scope is not None and self.scope.is_admin and not self._covers(code):
            raise ValueError(_("the region %(value)s is outside your supervision") % {"value": text})
        return code

    def _covers(self, code: str) -> bool:
        node = self.tree[code]
        if node.code == self.scope.region_code:
            return True
        if self.scope.region_level == "province":
            return self.tree.province_of(code) == self.scope.region_code
        return node.parent == self.scope.region_code and not node.province_governed

    def parse_effective_date(self, value) -> datetime.date:
        date = parse_date(value)
        problem = effective_date_error(date)
        if problem:
            raise ValueError(problem)
        return date

    def group_key(self, row: dict, errors: dict) -> tuple | None:
        parts = {}
        for key, parse in (
            ("vendor", self.parse_vendor),
            ("region", self.parse_region),
            ("effective_date", self.parse_effective_date),
        ):
            try:
                parts[key] = parse(row.get(key, ""))
            except ValueError as exc:
                errors[key] = [str(exc)]
        if errors.keys() & {"vendor", "region", "effective_date"}:
            return None
        return (parts["vendor"], parts["region"], parts["effective_date"])

    # --- import hooks --------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self._load_context()
        dry_run = kwargs.get("dry_run", False)
        keys: dict[tuple, int] = {}
        for number, values in enumerate(dataset.dict, 1):
            if not any(values.values()):
                continue
            key = self.group_key(values, {})
            if key is not None and key not in keys:
                keys[key] = number
        if keys:
            vendors = {k[0] for k in keys}
            regions = {k[1] for k in keys}
            dates = {k[2] for k in keys}
            self.existing = {
                key
                for key in FeeFiling.objects.filter(
                    Q(vendor_id__in=vendors), Q(region_id__in=regions), Q(effective_date__in=dates)
                ).values_list("vendor_id", "region_id", "effective_date")
                if key in keys
            }
        new = []
        for key, first_row in keys.items():
            if key in self.existing:
                continue
            filing = FeeFiling(
                vendor_id=key[0],
                region_id=key[1],
                effective_date=key[2],
                created_by=self.user,
                note=_("Imported from %(file)s") % {"file": self.source_name} if self.source_name else "",
            )
            self.groups[key] = filing
            self.group_rows[key] = first_row
            new.append(filing)
        if new and not dry_run:
            self.created_filings = bulk_create_with_history(new, FeeFiling, batch_size=BATCH, default_user=self.user)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        key = self.group_key(row, errors)
        if key is not None:
            if key in self.existing:
                errors["effective_date"] = [
                    _("this vendor already has a filing for this region with this effective date")
                ]
            else:
                instance.filing = self.groups[key]
                if "product" not in errors and "item" not in errors:
                    line_key = (key, instance.product.pk, instance.item.pk)
                    first = self.seen.get(line_key)
                    number = kwargs.get("row_number", 0) + 1
                    if first is not None:
                        errors["item"] = [
                            _(
                                "the same line as row %(row)d (same vendor, region, effective date, product and fee item)"
                            )
                            % {"row": first}
                        ]
                    else:
                        self.seen[line_key] = number
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not any(row.values())  # a blank row in the middle of the sheet

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            self.failed = True
            raise ValidationError(import_validation_errors)

    def after_import_row(self, row, row_result, **kwargs):
        if row_result.validation_error is not None or row_result.errors:
            self.failed = True
        number = kwargs.get("row_number", 0)
        if self.progress is not None and number % 1000 == 0:
            self.progress(number)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        try:
            if not dry_run and not self.failed and self.create_instances:
                bulk_create_with_history(
                    self.create_instances, FeeFilingLine, batch_size=batch_size or BATCH, default_user=self.user
                )
        except Exception as exc:
            self.failed = True
            self.handle_import_error(result, exc, raise_errors)
        finally:
            self.create_instances.clear()
