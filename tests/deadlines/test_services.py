"""The interface other apps use: raise_finding, fulfil_obligations, ensure_obligation."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from supervision.models import CAVendor, Finding, Obligation, Platform
from supervision.services import ensure_obligation, fulfil_obligations, raise_finding, raise_findings

pytestmark = pytest.mark.django_db


@pytest.fixture
def szca(registry):
    return CAVendor.objects.get(short_name="SZCA")


@pytest.fixture
def puyang_platform(registry):
    return Platform.objects.get(name="濮阳市公共资源交易中心交易平台")


def test_raise_finding_once(szca):
    finding, created = raise_finding(
        kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="t:over:1", summary="收费高于基准", facts={"a": "1.00"}
    )
    assert created and finding.vendor == szca and finding.party == szca
    again, created_again = raise_finding(
        kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="t:over:1", summary="changed", facts={"a": "2"}
    )
    assert not created_again and again.pk == finding.pk
    again.refresh_from_db()
    assert again.summary == "收费高于基准" and again.facts == {"a": "1.00"}
    assert Finding.objects.filter(dedup_key="t:over:1").count() == 1


def test_raise_findings_at_once_records_what_raise_finding_records_once(szca, puyang_platform, personas):
    """The set-based ``raise_findings``: the same rows and history rows as ``raise_finding`` one at a time
    (in a request, the request's user; no reason), each key once, also when given twice or raised before."""
    from simple_history.models import HistoricalRecords

    one, _ = raise_finding(kind=Finding.Kind.OTHER, party=szca, dedup_key="t:many:0", summary="before", facts={"n": 0})
    request = type("Request", (), {"user": personas["province"]})()
    HistoricalRecords.context.request = request  # what the history middleware sets during a request
    try:
        results = raise_findings(
            [
                {
                    "kind": Finding.Kind.OVERCHARGE,
                    "party": szca,
                    "dedup_key": "t:many:1",
                    "summary": "一",
                    "facts": {"a": "1.00"},
                },
                {
                    "kind": Finding.Kind.OTHER,
                    "party": puyang_platform,
                    "dedup_key": "t:many:2",
                    "summary": "二",
                    "is_demo": True,
                },
                {"kind": Finding.Kind.OTHER, "party": szca, "dedup_key": "t:many:0", "summary": "changed"},
                {"kind": Finding.Kind.OVERCHARGE, "party": szca, "dedup_key": "t:many:1", "summary": "again"},
            ]
        )
        alone, _ = raise_finding(kind=Finding.Kind.OTHER, party=szca, dedup_key="t:many:3", summary="单独")
    finally:
        del HistoricalRecords.context.request
    assert [(finding.dedup_key, created) for finding, created in results] == [
        ("t:many:1", True),
        ("t:many:2", True),
        ("t:many:0", False),
        ("t:many:1", False),
    ]
    first, second = results[0][0], results[1][0]
    assert results[2][0].pk == one.pk and results[3][0].pk == first.pk
    stored = Finding.objects.get(dedup_key="t:many:1")
    assert (stored.pk, stored.vendor, stored.summary, stored.facts, stored.status) == (
        first.pk,
        szca,
        "一",
        {"a": "1.00"},
        "open",
    )
    assert Finding.objects.get(pk=second.pk).platform == puyang_platform and second.summary.startswith("（示例）")
    assert Finding.objects.get(pk=one.pk).summary == "before"  # raised before: unchanged
    # One "+" history row each, recorded as ``save()`` records the one raised alone.
    history = {row.id: row for row in Finding.history.filter(id__in=[first.pk, second.pk, alone.pk])}
    assert Finding.history.filter(id__in=[first.pk, second.pk]).count() == 2
    recorded = {pk: (row.history_type, row.history_user, row.history_change_reason) for pk, row in history.items()}
    assert set(recorded.values()) == {("+", personas["province"], None)} and len(recorded) == 3
    assert (history[first.pk].summary, history[first.pk].facts, history[second.pk].platform_id) == (
        "一",
        {"a": "1.00"},
        puyang_platform.pk,
    )
    assert raise_findings([]) == []
    again = raise_findings([{"kind": Finding.Kind.OVERCHARGE, "party": szca, "dedup_key": "t:many:1", "summary": "x"}])
    assert again == [(stored, False)] and Finding.history.filter(id=first.pk).count() == 1


def test_raise_finding_refuses_what_is_not_a_party(szca):
    with pytest.raises(TypeError):
        raise_finding(kind=Finding.Kind.OTHER, party=object(), dedup_key="x", summary="x")
    with pytest.raises(ValueError):
        raise_finding(kind="nonsense", party=szca, dedup_key="x", summary="x")
    assert not Finding.objects.filter(dedup_key="x").exists()


def test_ensure_obligation_once(puyang_platform):
    due = datetime.date(2030, 1, 31)
    obligation, created = ensure_obligation(
        party=puyang_platform, kind=Obligation.Kind.ANNOUNCEMENT, title="发布公告", due_date=due, dedup_key="t:ann:1"
    )
    assert created and obligation.platform == puyang_platform and obligation.status == Obligation.Status.OPEN
    again, created_again = ensure_obligation(
        party=puyang_platform, kind=Obligation.Kind.ANNOUNCEMENT, title="other", due_date=None, dedup_key="t:ann:1"
    )
    assert not created_again and again.pk == obligation.pk and again.due_date == due


def test_ensure_obligation_validates(szca, registry):
    from supervision.models import Directive

    directive = Directive.objects.get(number="豫公管办〔2019〕23号")
    with pytest.raises(ValidationError):
        ensure_obligation(
            party=szca,
            kind=Obligation.Kind.CUSTOM,
            title="x",
            due_date=datetime.date(2018, 12, 31),
            dedup_key="t:early",
            directive=directive,
        )
    assert not Obligation.objects.filter(dedup_key="t:early").exists()


def test_fulfil_obligations_by_kind_and_key(szca, personas):
    for key in ("p1", "p2"):
        ensure_obligation(
            party=szca,
            kind=Obligation.Kind.CROSS_VENDOR_RECOGNITION,
            title=f"互认 {key}",
            due_date=None,
            dedup_key=f"t:cross:{key}",
            key=key,
        )
    assert (
        fulfil_obligations(
            party=szca,
            kind=Obligation.Kind.CROSS_VENDOR_RECOGNITION,
            evidence="verified",
            key="p1",
            by=personas["szca"],
        )
        == 1
    )
    done = Obligation.objects.get(dedup_key="t:cross:p1")
    assert done.status == Obligation.Status.FULFILLED and done.evidence == "verified"
    assert done.fulfilled_by == personas["szca"] and done.fulfilled_at is not None
    assert Obligation.objects.get(dedup_key="t:cross:p2").status == Obligation.Status.OPEN
    # Idempotent: nothing left to change for p1.
    assert fulfil_obligations(party=szca, kind=Obligation.Kind.CROSS_VENDOR_RECOGNITION, evidence="x", key="p1") == 0
    # Without a key, every pending obligation of the kind (p2 and the seeded one).
    assert fulfil_obligations(party=szca, kind=Obligation.Kind.CROSS_VENDOR_RECOGNITION, evidence="all") >= 1
    assert not Obligation.objects.filter(
        vendor=szca, kind=Obligation.Kind.CROSS_VENDOR_RECOGNITION, status__in=Obligation.PENDING
    ).exists()


def test_other_party_untouched(szca):
    bjca = CAVendor.objects.get(short_name="BJCA")
    ensure_obligation(party=bjca, kind=Obligation.Kind.COVERAGE, title="x", due_date=None, dedup_key="t:cov:b")
    assert fulfil_obligations(party=szca, kind=Obligation.Kind.COVERAGE, evidence="x") == 0
    assert Obligation.objects.get(dedup_key="t:cov:b").status == Obligation.Status.OPEN


def test_party_constraint_in_database(szca, puyang_platform):
    from django.db import IntegrityError, transaction

    obligation = Obligation(title="x", kind=Obligation.Kind.CUSTOM, vendor=szca, platform=puyang_platform)
    with pytest.raises(ValidationError):
        obligation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        obligation.save()


def test_visible_to_per_persona(szca, puyang_platform, personas):
    on_platform, _ = ensure_obligation(
        party=puyang_platform, kind=Obligation.Kind.COVERAGE, title="x", due_date=None, dedup_key="t:vis:p"
    )
    on_vendor = Obligation.objects.get(dedup_key="2019-23:fee_reduction:SZCA")
    finding, _ = raise_finding(kind=Finding.Kind.OTHER, party=puyang_platform, dedup_key="t:vis:f", summary="x")
    expected = {
        "province": (True, True, True),
        "puyang": (True, True, True),
        "zhengzhou": (False, True, False),
        "szca": (False, True, False),
        "bjca": (False, False, False),
        "platform-puyang": (True, False, True),
    }
    for name, (sees_platform, sees_vendor, sees_finding) in expected.items():
        visible = Obligation.objects.visible_to(personas[name])
        assert visible.filter(pk=on_platform.pk).exists() == sees_platform, name
        assert visible.filter(pk=on_vendor.pk).exists() == sees_vendor, name
        assert Finding.objects.visible_to(personas[name]).filter(pk=finding.pk).exists() == sees_finding, name
    assert not Obligation.objects.visible_to(None).exists()
