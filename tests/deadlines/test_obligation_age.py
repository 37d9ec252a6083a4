import datetime

import pytest

from supervision.models import Obligation

pytestmark = pytest.mark.django_db


def test_an_as_soon_as_possible_duty_is_open_since_its_directive(registry):
    """The 2019 cross-vendor duty has no date; its age counts from 豫公管办〔2019〕23号, not from seeding."""
    duty = (
        Obligation.objects.select_related("directive")
        .filter(kind=Obligation.Kind.CROSS_VENDOR_RECOGNITION, due_date__isnull=True, directive__isnull=False)
        .first()
    )
    assert duty is not None
    today = datetime.date(2026, 11, 23)
    assert duty.age_days(today) == (today - duty.directive.earliest_date).days
    assert duty.age_days(today) > 365 * 7


def test_a_duty_without_a_directive_is_open_since_it_was_recorded(registry, personas):
    from supervision.services import ensure_obligation

    vendor = personas["szca"].vendor
    duty, _ = ensure_obligation(party=vendor, kind=Obligation.Kind.CUSTOM, title="t", due_date=None, dedup_key="age-t")
    assert duty.age_days() == 0


def test_a_directive_without_a_date_says_so_instead_of_inventing_one(registry, client_for):
    from supervision.models import Directive

    notice = Directive.objects.get(number="濮公共交易〔2019〕3号")
    assert notice.issued_on is None  # the document as seeded bears no date
    html = client_for("province").get(notice.get_absolute_url()).content.decode()
    assert "文件未载明（期限天数自 2019-01-01 起算）" in html
    duty = Obligation.objects.get(dedup_key="2019-3:cross_vendor_recognition:SZCA")
    html = client_for("szca").get(duty.get_absolute_url()).content.decode()
    assert "濮公共交易〔2019〕3号 未载明印发日期：已持续天数自该年第一天 2019-01-01 起算。" in html
