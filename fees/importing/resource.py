"""The django-import-export resource of filing lines: one sheet row = one line of a filing.

Rows are grouped into filings by (vendor, region, effective date). The check (a dry run) validates
every row with the rules a web form applies (amount to the fen and not negative, known product and fee
item, no line twice, sane effective date, a region and vendor the user may file for) and keeps the
lines it accepted (``checked``). Writing (``write_checked``) stores those lines as they were checked,
without parsing and validating every row again: what may have changed since the check is checked once
per filing (vendor and region still the user's to file for, the effective date still allowed, no filing
stored meanwhile), and the database's constraints refuse anything else (the same line twice, a negative
amount, a product or fee item gone). The filings and then the lines are written with their history in
one pass each, from the checked values without a model instance per row (``portal.bulk.insert_rows``:
COPY on PostgreSQL); the caller wraps it in one transaction (all or nothing).
"""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.results import RowResult

from fees.importing.columns import COLUMNS, label
from fees.importing.xlsx import CellError
from fees.models import FeeFiling, FeeFilingLine, FeeItem, ProductKind
from fees.models.filings import effective_date_error
from fees.money import parse_amount
from fees.regions import RegionTree
from portal.accounts.scope import Scope
from portal.bulk import insert_rows
from supervision.models import CAVendor

BATCH = 5000  # rows the check validates per step
DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
]
FILING_COLUMNS = ("vendor", "region", "effective_date")
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
        use_bulk = True  # no savepoint per row (nothing is saved)
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
        self.created_filings: list[int] = []  # the ids of the filings written
        self.group_cells: dict[tuple, list] = {}  # the filing columns' cells of each new filing's first row
        self.lines: list[list] = []  # the accepted lines: sheet row, filing, product, item, amount, …

    # --- export --------------------------------------------------------------------------------

    def get_export_headers(self, selected_fields=None):
        return [self.EXPORT_HEADERS[field.column_name] for field in self.get_export_fields(selected_fields)]

    def dehydrate_status(self, line):
        return line.filing.get_status_display()

    # --- the filing columns --------------------------------------------------------------------

    def _load_context(self) -> None:

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

    def _parsed(self, key: str, value):
        """Parse a filing column once per distinct value (a sheet repeats them on every line)."""
        memo = self._memo.setdefault(key, {})
        cache_key = (type(value), value)
        if cache_key not in memo:
            parse = {
                "vendor": self.parse_vendor,
                "region": self.parse_region,
                "effective_date": self.parse_effective_date,
            }
            try:
                memo[cache_key] = (parse[key](value), None)
            except ValueError as exc:
                memo[cache_key] = (None, str(exc))
        return memo[cache_key]

    def group_key(self, row: dict, errors: dict) -> tuple | None:
        parts = []
        for key in ("vendor", "region", "effective_date"):
            value, error = self._parsed(key, row.get(key, ""))
            if error is not None:
                errors[key] = [error]
            parts.append(value)
        return None if len(errors.keys() & {"vendor", "region", "effective_date"}) else tuple(parts)

    # --- import hooks --------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=True, **kwargs):
        """The check: every row validated, nothing written (``write_checked`` writes what it accepted)."""
        if not dry_run:
            raise ValueError("the filing line resource only checks; write its lines with write_checked")
        return super().import_data(dataset, dry_run=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        self._load_context()
        self._memo = {}
        keys: dict[tuple, int] = {}
        self.row_keys = []
        cells: dict[tuple, list] = {}
        for number, values in enumerate(dataset.dict, 1):
            errors = {}
            key = self.group_key(values, errors) if any(values.values()) else None
            self.row_keys.append((key, errors))
            if key is not None and key not in keys:
                keys[key] = number
                cells[key] = [values.get(column, "") for column in FILING_COLUMNS]
        self.existing = self._existing(keys)
        for key, first_row in keys.items():
            if key in self.existing:
                continue
            self.groups[key] = self._new_filing(key)
            self.group_rows[key] = first_row
            self.group_cells[key] = cells[key]
        self._group_index = {key: index for index, key in enumerate(self.groups)}
        self._line_fields = [
            field for field in self.get_import_fields() if not field.readonly and field.column_name in dataset.headers
        ]

    def _existing(self, keys) -> set[tuple[int, str, datetime.date]]:
        """The (vendor, region, effective date) of ``keys`` that already have a filing."""
        if not keys:
            return set()
        vendors = {k[0] for k in keys}
        regions = {k[1] for k in keys}
        dates = {k[2] for k in keys}
        return {
            key
            for key in FeeFiling.objects.filter(
                Q(vendor_id__in=vendors), Q(region_id__in=regions), Q(effective_date__in=dates)
            )
            .order_by()
            .values_list("vendor_id", "region_id", "effective_date")
            if key in keys
        }

    def _note(self) -> str:
        return _("Imported from %(file)s") % {"file": self.source_name} if self.source_name else ""

    def _new_filing(self, key: tuple[int, str, datetime.date]) -> FeeFiling:
        return FeeFiling(
            vendor_id=key[0], region_id=key[1], effective_date=key[2], created_by=self.user, note=self._note()
        )

    def import_row(self, row, instance_loader, **kwargs):
        """One sheet row → one line, validated and, when valid, kept (``lines``); the lean form of
        import-export's ``import_row`` (no diff, no instance lookup: every row is a new line of a new
        filing, and nothing is saved)."""
        row_result = self.get_row_result_class()()
        number = kwargs.get("row_number", 0)
        if not any(row.values()):  # a blank row in the middle of the sheet
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        instance = FeeFilingLine()
        errors = {}
        for field in self._line_fields:
            try:
                setattr(instance, field.attribute, field.widget.clean(row[field.column_name], row=row))
            except ValueError as exc:
                errors[field.attribute] = [str(exc)]
        key, key_errors = self.row_keys[number - 1]
        errors.update(key_errors)
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
                    if first is not None:
                        errors["item"] = [
                            _(
                                "the same line as row %(row)d (same vendor, region, effective date, product and fee item)"
                            )
                            % {"row": first}
                        ]
                    else:
                        self.seen[line_key] = number + 1
        if errors:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(errors)
        else:
            row_result.import_type = RowResult.IMPORT_TYPE_NEW
            self.lines.append(
                [
                    number + 1,
                    self._group_index[key],
                    instance.product_id,
                    instance.item_id,
                    str(instance.amount),
                    instance.per_platform,
                    instance.note,
                ]
            )
        self.after_import_row(row, row_result, **kwargs)
        return row_result

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number", 0)
        if self.progress is not None and number % 1000 == 0:
            self.progress(number)

    # --- writing the checked lines -------------------------------------------------------------

    def checked(self) -> dict:
        """What the check accepted, as JSON data for ``write_checked``: each new filing's first sheet row
        and its cells there (vendor, region, effective date), and each line (sheet row, filing, product,
        fee item, amount, per platform, note)."""
        return {
            "filings": [[self.group_rows[key] + 1, *cells] for key, cells in self.group_cells.items()],
            "lines": self.lines,
        }

    def write_checked(self, checked: dict) -> list[dict]:
        """Store the lines ``checked`` accepted, with their filings and history; returns the errors
        found per filing (then nothing is written). A row the database refuses raises its
        ``IntegrityError``: the caller's transaction rolls everything back."""
        self._load_context()
        self._memo = {}
        keys = []
        errors = []
        for first_row, *cells in checked["filings"]:
            found: dict[str, list[str]] = {}
            keys.append(self.group_key(dict(zip(FILING_COLUMNS, cells, strict=True)), found))
            for column, messages in found.items():
                errors += [{"row": first_row, "column": label(column), "message": message} for message in messages]
            self.group_rows[keys[-1]] = first_row
        existing = self._existing({key for key in keys if key is not None})
        for key in keys:
            if key in existing:
                message = _("this vendor already has a filing for this region with this effective date")
                errors.append({"row": self.group_rows[key], "column": label("effective_date"), "message": message})
        if errors:
            return sorted(errors, key=lambda error: error["row"])
        self.created_filings = self.write_filings(keys)
        self.write_lines(checked["lines"], self.created_filings)
        return []

    def write_filings(self, keys: list[tuple[int, str, datetime.date]]) -> list[int]:
        """The new filings (drafts) with their history; their ids in the order of ``keys``."""
        user, note = getattr(self.user, "pk", None), self._note()
        rows = [(vendor, region, date, user, note) for vendor, region, date in keys]
        fields = ("vendor_id", "region_id", "effective_date", "created_by_id", "note")
        return insert_rows(FeeFiling, fields, rows, user=self.user)

    def write_lines(self, lines: list[list], filing_ids: list[int]) -> None:
        """The checked lines (sheet row, filing's index, product, fee item, amount, per platform, note)
        with their history, in one pass (COPY on PostgreSQL), reporting progress as they are written."""
        rows = [
            (filing_ids[filing], product, item, Decimal(amount), per_platform, note)
            for _row, filing, product, item, amount, per_platform, note in lines
        ]
        fields = ("filing_id", "product_id", "item_id", "amount", "per_platform", "note")
        insert_rows(FeeFilingLine, fields, rows, user=self.user, progress=self.progress)
