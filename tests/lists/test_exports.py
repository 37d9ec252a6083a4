"""Every list page offers its rows as an xlsx workbook and as a printout, and the workbook holds exactly
the rows the page shows: the same filters, the same scope, the same columns.

For each list a filter and two personas are written out below. The page's rows are read from its
HTML table (every page of it), the workbook's from the file the page's own "Export to Excel" link
returns, and the two must be equal, for each persona; so must the print view's rows. A new list page
(a URL named ``*_list`` or a generic list view) that is not in ``LISTS`` fails
``test_every_list_page_is_covered``.
"""

import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from portal.crud import ObjectListView
from portal.exports import HEADER_ROW, XLSX

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class ListCase:
    query: str  # a filter; "{SZCA}" and the like are replaced by ids (see ``ids``)
    personas: tuple[str, str]
    table: str = "list-table"  # the data-testid of the page's table
    filter_narrows: bool = True  # the filter leaves out some of the rows the first persona may see
    scoped: bool = True  # the two personas see different rows without a filter


LISTS = {
    "supervision:region_list": ListCase("level=city", ("province", "szca"), scoped=False),
    "supervision:authority_list": ListCase("kind=management_office", ("province", "puyang")),
    "supervision:platform_list": ListCase("kind=public", ("province", "szca")),
    "supervision:vendor_list": ListCase("q=认证", ("province", "bjca")),
    "supervision:contact_list": ListCase("is_shared_mailbox=false", ("province", "puyang")),
    "supervision:directive_list": ListCase("year=2019", ("province", "szca"), scoped=False),
    "supervision:obligation_list": ListCase("status=open&vendor={SZCA}", ("province", "szca")),
    "supervision:finding_list": ListCase("party_type=vendor", ("province", "szca")),
    "supervision:case_list": ListCase("party_type=vendor", ("province", "szca")),
    "supervision:criticism_list": ListCase("status=published", ("province", "zhengzhou")),
    "supervision:notification_list": ListCase("channel=email", ("province", "zhengzhou")),
    "fees:feeitem_list": ListCase("prohibited=false", ("province", "szca"), scoped=False),
    "fees:productkind_list": ListCase("q=单位", ("province", "szca"), scoped=False),
    "fees:feefiling_list": ListCase("status=accepted", ("province", "platform-puyang")),
    "fees:feecomplaint_list": ListCase("vendor={SZCA}", ("province", "puyang")),
    "certificates:certificate_list": ListCase("role=root", ("province", "bjca")),
    "certificates:claim_list": ListCase("vendor={BJCA}", ("province", "szca")),
    "certificates:product_list": ListCase("kind=organisation", ("province", "szca")),
    "certificates:sharedapp_list": ListCase("vendor={BJCA}", ("province", "bjca")),
    "certificates:trustlistentry_list": ListCase("vendor={SZCA}", ("province", "puyang")),
    "certificates:recognitionrecord_list": ListCase("scope=cross_vendor", ("province", "szca")),
    "trial:round_list": ListCase("q=2023", ("province", "szca"), filter_narrows=False, scoped=False),
    "trial:period_list": ListCase("q=第一次", ("province", "szca"), scoped=False),
    "trial:participant_list": ListCase("is_pilot_city=true", ("province", "szca"), scoped=False),
    "trial:announcement_list": ListCase("status=published", ("province", "szca")),
    "trial:coverage_list": ListCase("accepted=true", ("province", "zhengzhou")),
    "trial:agreement_list": ListCase("platform={PUYANG}", ("province", "puyang")),
    "trial:remedyplan_list": ListCase("kind=own&platform={ZHENGZHOU}", ("province", "zhengzhou")),
    "trial:incident_list": ListCase("outcome=recovered", ("province", "puyang")),
    "trial:usagereport_list": ListCase("platform={ZHENGZHOU}", ("province", "zhengzhou")),
    "trial:feedback_list": ListCase("category=suggestion", ("province", "puyang")),
    "trial:writtenreport_list": ListCase("is_late=true", ("province", "szca")),
    # Lists built by a function rather than the generic list view.
    "fees:overcharges": ListCase("kind=overcharge", ("province", "szca"), table="breaches"),
    "fees:compare": ListCase("region=410900", ("province", "szca"), table="compare", scoped=False),
}
# Pages named like lists that are something else, and why.
NOT_LISTS = {
    "supervision:public_criticism_list": "the public notice board: links to published notices, each with its PDF",
    "supervision:report_list": "a region's dated progress reports, each with its own PDF and ledger workbook",
}


def url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def list_pages() -> set[str]:
    found = set()
    for name, view in url_names(get_resolver().url_patterns):
        view_class = getattr(view, "view_class", None)
        generic = view_class is not None and issubclass(view_class, ObjectListView)
        if generic or (name.endswith("_list") and not name.startswith(("admin:", "api"))):
            found.add(name)
    return found


def test_every_list_page_is_covered():
    pages = list_pages()
    missing = pages - set(LISTS) - set(NOT_LISTS)
    assert not missing, f"list pages without an export test (add them to LISTS): {sorted(missing)}"
    gone = {name for name in LISTS if ":" in name and name not in pages} - {"fees:overcharges", "fees:compare"}
    assert not gone, f"LISTS names pages that no longer exist: {sorted(gone)}"


# --- reading the page and the workbook -----------------------------------------------------------


class TableReader(HTMLParser):
    """The header and body rows of ``<table data-testid=…>``: each cell as its text tokens, an element
    with an ``aria-label`` (the yes/no icons) as that label, without the 示例 badge of a demo row."""

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid = testid
        self.inside = self.in_head = False
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.labelled: list[str] = []  # open elements whose text is their aria-label

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("data-testid") == self.testid:
            self.inside = True
        if not self.inside:
            return
        if tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = [] if "colspan" not in attrs else None  # "nothing here" spans the whole row
        elif self.cell is not None and "demo-badge" in (attrs.get("class") or "").split():
            self.labelled.append(tag)  # the 示例 mark of a demonstration row: a mark, not a value of the row
        elif self.cell is not None and attrs.get("aria-label"):
            if not self.labelled:
                self.cell.append(attrs["aria-label"])
            self.labelled.append(tag)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if self.labelled and tag == self.labelled[-1]:
            self.labelled.pop()
        elif tag in ("td", "th") and self.row is not None:
            if self.cell is not None:
                self.row.append(text(" ".join(self.cell)) if self.in_head else cell_text(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.in_head:
                self.headers = self.row
            elif self.row:
                self.rows.append(self.row)
            self.row = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.cell is not None and not self.labelled and data.strip():
            self.cell.append(data.strip())


def text(value: str) -> str:
    return " ".join(value.split())


def cell_text(tokens: list[str]) -> str:
    """A page cell as the workbook writes it: badges joined by "、", "—" for nothing."""
    joined = "、".join(text(token) for token in tokens)
    return "" if joined == "—" else joined


def comparable(value):
    """A cell of either side, so that 231.00 (page) equals 231 (workbook) and a date equals its text."""
    if isinstance(value, datetime.datetime):
        raise AssertionError("convert workbook moments with workbook_text first")
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    value = text(str(value))
    if re.fullmatch(r"-?\d+(\.\d+)?", value):
        try:
            return Decimal(value).normalize()
        except InvalidOperation:
            pass
    return value


def workbook_text(cell) -> object:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M" if "h" in cell.number_format else "%Y-%m-%d")
    return value


@dataclass
class Sheet:
    title: str
    filters: str
    summary: str
    headers: list[str]
    rows: list[list]


def read_workbook(content: bytes) -> Sheet:
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows())
    headers = [str(cell.value) for cell in rows[HEADER_ROW - 1] if cell.value is not None]
    body = [[workbook_text(cell) for cell in row[: len(headers)]] for row in rows[HEADER_ROW:]]
    return Sheet(rows[0][0].value, rows[1][0].value, rows[2][0].value, headers, body)


def page_rows(client, url: str, testid: str) -> tuple[list[str], list[list[str]], str]:
    """The table's headers and rows over every page of the list, and the first page's HTML."""
    first = None
    headers, rows, page = [], [], 1
    while True:
        response = client.get(url + f"&page={page}")
        assert response.status_code == 200, (url, page, response.status_code)
        html = response.content.decode()
        first = first or html
        reader = TableReader(testid)
        reader.feed(html)
        headers, rows = reader.headers, rows + reader.rows
        if 'rel="next"' not in html and f"page={page + 1}" not in html:
            return headers, rows, first
        page += 1


def link(html: str, testid: str) -> str:
    match = re.search(rf'href="([^"]*)"[^>]*data-testid="{testid}"', html)
    assert match, f"no {testid} link"
    return match.group(1).replace("&amp;", "&")


def canonical(rows) -> list:
    return sorted([comparable(value) for value in row] for row in rows)


@pytest.mark.parametrize("name", LISTS)
def test_the_export_holds_the_rows_the_page_shows(client_for, ids, name):
    case = LISTS[name]
    base = reverse(name)
    query = case.query.format(**ids)
    unfiltered, filtered = {}, {}
    for persona in case.personas:
        client = client_for(persona)
        url = f"{base}?{query}"
        headers, rows, html = page_rows(client, url, case.table)
        assert headers, f"{name}: no table {case.table!r} on the page"

        # The page's own buttons: the workbook and the print view of this very query.
        export_url, print_url = link(html, "export-xlsx"), link(html, "print")
        assert dict(parse_qsl(urlsplit(export_url).query)) == dict(parse_qsl(query)) | {"format": "xlsx"}
        assert dict(parse_qsl(urlsplit(print_url).query)) == dict(parse_qsl(query)) | {"print": "1"}

        response = client.get(base + export_url)
        assert response.status_code == 200 and response["Content-Type"] == XLSX, (name, persona)
        sheet = read_workbook(response.content)
        assert sheet.headers == headers, (name, persona)
        assert canonical(sheet.rows) == canonical(rows), (name, persona)
        page_title = re.search(r"<title>(.*?) · ", html).group(1)
        assert sheet.title == page_title
        assert str(len(rows)) in sheet.summary
        # The workbook states the filters as the printout does, and they are not "none".
        printed_filters = re.search(r'data-testid="print-filters">(.*?)</p>', html, re.S).group(1)
        assert sheet.filters == text(printed_filters).replace("&amp;", "&")
        assert sheet.filters != read_workbook(client.get(f"{base}?format=xlsx").content).filters

        # The print view: every row on one page, under the title and the filters.
        printed = client.get(base + print_url)
        assert printed.status_code == 200
        printed_html = printed.content.decode()
        assert 'data-autoprint="1"' in printed_html and 'data-testid="print-header"' in printed_html
        reader = TableReader(case.table)
        reader.feed(printed_html)
        assert canonical(reader.rows) == canonical(rows), (name, persona, "print view")

        filtered[persona] = rows
        unfiltered[persona] = len(page_rows(client, f"{base}?", case.table)[1])

    assert any(filtered.values()), f"{name}: the filter leaves no row for either persona; pick another"
    if case.filter_narrows:
        assert any(len(filtered[p]) < unfiltered[p] for p in case.personas), f"{name}: the filter changes nothing"
    if case.scoped:
        first, second = case.personas
        assert unfiltered[first] != unfiltered[second], f"{name}: both personas see the same rows"
