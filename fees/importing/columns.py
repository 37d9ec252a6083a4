"""The columns of a filing sheet (the template, the import and the export use the same names)."""

from django.utils.translation import gettext_lazy as _

# key → (header in the sheet, accepted aliases, label in messages)
COLUMNS = {
    "vendor": ("机构", ("vendor", "CA vendor", "机构名称", "机构简称")),
    "region": ("地区代码", ("region", "region code", "地区")),
    "effective_date": ("生效日期", ("effective date", "effective_date")),
    "product": ("产品", ("product",)),
    "item": ("收费项目", ("fee item", "item")),
    "amount": ("金额（元）", ("amount", "金额", "金额(元)")),
    "per_platform": ("按平台重复收取", ("per platform", "per_platform")),
    "note": ("备注", ("note",)),
}
REQUIRED = ("region", "effective_date", "product", "item", "amount")
LABELS = {
    "vendor": _("CA vendor"),
    "region": _("region code"),
    "effective_date": _("effective date"),
    "product": _("product"),
    "item": _("fee item"),
    "amount": _("amount (yuan)"),
    "per_platform": _("charged again for each platform"),
    "note": _("note"),
}
HEADERS = [header for header, _aliases in COLUMNS.values()]


def header_key(text: str) -> str | None:
    """The column key of a header cell, or None for a column we do not read."""
    clean = str(text or "").strip().lower()
    for key, (header, aliases) in COLUMNS.items():
        if clean == header.lower() or clean in (a.lower() for a in aliases):
            return key
    return None


def label(key: str) -> str:
    """The column as users see it in messages: its header in the sheet."""
    return COLUMNS[key][0] if key in COLUMNS else str(key)
