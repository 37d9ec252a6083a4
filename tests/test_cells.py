"""Table cells speak the user's language and time: a moment in Asia/Shanghai to the minute, a date as
a date, data as its values (never a UTC timestamp with microseconds or a Python repr)."""

import datetime
import zoneinfo

from django.utils import translation

from portal.crud import Column
from portal.templatetags.portal_tags import cell, linked, when


class Row:
    created = datetime.datetime(2026, 11, 27, 19, 11, 53, 10741, tzinfo=datetime.UTC)
    due = datetime.date(2026, 12, 13)
    facts = {"rule": "prohibited_fee", "amount": "50.00", "empty": ""}


def test_a_moment_is_shown_in_the_portals_time_zone_to_the_minute(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert str(cell(Row(), Column("created", "created"))) == "2026-11-28 03:11"
    assert when(Row.created.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))) == "2026-11-28 03:11"
    assert str(cell(Row(), Column("due", "due"))) == "2026-12-13"


def test_data_shows_its_values_not_a_python_repr():
    with translation.override("zh-hans"):
        html = str(cell(Row(), Column("facts", "facts")))
    assert "{'" not in html and "empty" not in html
    assert "<dt" in html and "金额" in html and "50.00 元" in html  # a known fact under its label, in yuan


def test_a_text_links_the_portals_pages_and_web_addresses(registry):
    from fees.models import FeeFiling

    filing = FeeFiling.objects.order_by("pk").first()
    text = f"{filing.get_absolute_url()}\n复查：见 https://example.com/notice 与 /no/such/page/"
    html = str(linked(text))
    assert f'<a href="{filing.get_absolute_url()}">{filing}</a>' in html
    assert '<a href="https://example.com/notice" rel="noopener noreferrer">' in html
    assert "/no/such/page/" in html and 'href="/no/such/page/"' not in html
    assert 'class="text-pre-wrap"' in html


def test_an_uploaded_file_is_its_name_linked_through_the_scoped_download(registry):
    from django.core.files.base import ContentFile

    from supervision.models import Obligation, ObligationFile

    row = ObligationFile(obligation=Obligation.objects.order_by("pk").first(), original_name="备案回执.pdf")
    row.file.save("upload.pdf", ContentFile(b"%PDF-1.4 receipt"))
    html = str(cell(row, Column("file", "file")))
    assert html == f'<a href="/files/supervision.obligationfile/{row.pk}/file/">备案回执.pdf</a>'
