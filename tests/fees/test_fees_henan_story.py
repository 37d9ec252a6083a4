"""The Henan 2019 story, end to end: four vendors file for several cities before 2019-08-15, the
benchmark is computed from them and frozen; a later filing above it and one with a remote-activation
fee each become a finding, raised once, that goes to a rectification case; complaints that match and
that do not."""

import datetime
from decimal import Decimal

import pytest
from feetest import HENAN, JIYUAN, KAIFENG, LUOYANG, PUYANG, XINXIANG, ZHENGZHOU

from fees import benchmarks as bm
from fees import complaints, workflow
from fees.models import FeeComplaint, FeeFiling, FeeFilingLine
from fees.sweep import sweep

pytestmark = pytest.mark.django_db
D = datetime.date
BEFORE = D(2019, 6, 1)
ORG = "organisation-certificate"

# vendor → city → new issuance price (示例)
PRICES = {
    "华测CA": {ZHENGZHOU: 300, LUOYANG: 280},
    "BJCA": {ZHENGZHOU: 290, KAIFENG: 260},
    "SZCA": {PUYANG: 250, XINXIANG: 270},
    "HNCA": {LUOYANG: 265, JIYUAN: 255},
}


def file_through_workflow(cat, vendor, region, date, lines, filer, reviewer=None):
    """What a vendor does on the pages: a draft, its lines, submit; the region's administrator accepts."""
    filing = FeeFiling.objects.create(
        vendor=cat.vendors[vendor], region_id=region, effective_date=date, created_by=filer
    )
    for item, amount in lines.items():
        FeeFilingLine.objects.create(
            filing=filing, product=cat.product(ORG), item=cat.item(item), amount=Decimal(amount)
        )
    breaches = workflow.submit(filing, filer)
    if reviewer is not None:
        workflow.accept(filing, reviewer)
    return filing, breaches


@pytest.fixture
def story(blank, cat, personas):
    province = personas["province"]
    for vendor, cities in PRICES.items():
        for city, price in cities.items():
            file_through_workflow(cat, vendor, city, BEFORE, {"new-issuance": str(price)}, province, province)
    return cat


def test_the_henan_2019_story(story, personas):
    from supervision.engine.cases import open_case
    from supervision.models import Finding, Obligation

    cat, province, szca_user, bjca_user = story, personas["province"], personas["szca"], personas["bjca"]
    key = (cat.product(ORG).pk, cat.item("new-issuance").pk)

    # The benchmark: the lowest standard in force on a city platform on 2019-08-15, with its provenance.
    value = bm.compute_benchmarks(HENAN)[key]
    assert value.amount == Decimal("250.00")
    assert (value.vendor_id, value.region) == (cat.vendors["SZCA"].pk, PUYANG)
    assert bm.freeze(HENAN, province) >= 1

    # Every vendor lowers its standard from 2019-08-15, at the benchmark (equal is allowed).
    for vendor in PRICES:
        user = szca_user if vendor == "SZCA" else bjca_user if vendor == "BJCA" else province
        _, breaches = file_through_workflow(
            cat, vendor, HENAN, D(2019, 8, 15), {"new-issuance": "250.00"}, user, province
        )
        assert breaches == []

    # SZCA's later filing for Puyang is above the benchmark: an over-charge finding.
    over, breaches = file_through_workflow(cat, "SZCA", PUYANG, D(2020, 3, 1), {"new-issuance": "290.00"}, szca_user)
    assert [b.kind for b in breaches] == ["overcharge"]
    finding = Finding.objects.get(dedup_key=f"overcharge:{over.lines.get().pk}")
    assert finding.vendor == cat.vendors["SZCA"] and finding.kind == "overcharge"
    assert finding.facts["amount"] == "290.00" and finding.facts["benchmark"] == "250.00"
    assert finding.facts["excess"] == "40.00" and finding.facts["filing_id"] == over.pk

    # BJCA's filing with a remote-activation fee: a prohibited-fee finding.
    remote, breaches = file_through_workflow(
        cat, "BJCA", ZHENGZHOU, D(2020, 5, 1), {"new-issuance": "250.00", "remote-activation": "50.00"}, bjca_user
    )
    assert [b.kind for b in breaches] == ["prohibited_fee"]
    assert Finding.objects.filter(kind="prohibited_fee", vendor=cat.vendors["BJCA"]).count() == 1

    # Accepting them puts the breaches in force; the daily sweep finds them again but raises nothing new.
    workflow.accept(over, province)
    workflow.accept(remote, province)
    fee_findings = Finding.objects.filter(kind__in=["overcharge", "prohibited_fee"])
    before = set(fee_findings.values_list("pk", flat=True))
    first = sweep(D(2020, 6, 1))
    second = sweep(D(2020, 6, 1))
    assert len(first.breaches) == 2 and first.new_findings == 0 and second.new_findings == 0
    assert set(fee_findings.values_list("pk", flat=True)) == before

    # Vendors whose tariffs are all compliant have their fee-reduction duty fulfilled; the others not.
    def fee_duty(vendor):
        return Obligation.objects.get(vendor=cat.vendors[vendor], kind="fee_reduction")

    assert fee_duty("HNCA").status == "fulfilled"
    assert fee_duty("SZCA").status != "fulfilled" and fee_duty("BJCA").status != "fulfilled"

    # The over-charge goes to a rectification case; while it is open SZCA's next filing needs an override.
    case = open_case(findings=[finding], by=province, today=D(2020, 6, 1), due_date=D(2030, 1, 1))
    nxt, _ = file_through_workflow(cat, "SZCA", PUYANG, D(2020, 7, 1), {"new-issuance": "250.00"}, szca_user)
    with pytest.raises(workflow.Blocked):
        workflow.accept(nxt, province)
    workflow.accept(nxt, province, override_reason="本备案即为整改措施（降至全省最低收费标准）")
    nxt.refresh_from_db()
    assert nxt.status == "accepted" and nxt.override_reason.startswith("本备案")
    assert case in list(case.__class__.objects.filter(findings=finding))

    # Complaints: one matches a breach (a finding with the complaint as evidence), one does not.
    puyang_platform = _platform(PUYANG)
    upheld = complaints.receive(
        FeeComplaint(
            vendor=cat.vendors["HNCA"],
            platform=puyang_platform,
            product=cat.product(ORG),
            item=cat.item("new-issuance"),
            charged_on=D(2020, 6, 10),
            amount=Decimal("300.00"),
            description="办理单位证书收费300元",
        )
    )
    # The comparison finds a breach on the bidder's own figures: that accuses nobody until an
    # administrator has checked them (a receipt) and upholds the complaint.
    assert upheld.status == FeeComplaint.Status.RECEIVED and len(upheld.tracking_number) == 12
    assert [b["rule"] for b in upheld.breaches] == [
        "overcharge",
        "above_filed_tariff",
    ] and "管理员核实" in upheld.outcome
    assert not Finding.objects.filter(dedup_key=f"complaint:{upheld.tracking_number}").exists()
    complaints.review(upheld, province, FeeComplaint.Status.UPHELD, "已核对收费票据，收费300元属实。")
    complaint_finding = Finding.objects.get(dedup_key=f"complaint:{upheld.tracking_number}")
    assert complaint_finding.kind == "complaint_upheld" and upheld.tracking_number in complaint_finding.evidence
    assert complaint_finding.raised_by == province
    # Reversed on a second look: the finding no longer stands.
    complaints.review(upheld, province, FeeComplaint.Status.NOT_UPHELD, "票据为其他机构开具。")
    complaint_finding.refresh_from_db()
    assert complaint_finding.status == "dismissed" and "票据为其他机构开具" in complaint_finding.evidence
    assert complaint_finding.history.first().history_change_reason == "complaint not upheld on review"
    complaints.review(upheld, province, FeeComplaint.Status.UPHELD, "复核确认票据属实。")  # and back again
    complaint_finding.refresh_from_db()
    assert complaint_finding.status == "open"
    assert Finding.objects.filter(dedup_key=f"complaint:{upheld.tracking_number}").count() == 1
    fine = complaints.receive(
        FeeComplaint(
            vendor=cat.vendors["HNCA"],
            platform=puyang_platform,
            product=cat.product(ORG),
            item=cat.item("new-issuance"),
            charged_on=D(2020, 6, 10),
            amount=Decimal("250.00"),
        )
    )
    assert fine.status == FeeComplaint.Status.NOT_UPHELD
    assert not Finding.objects.filter(dedup_key=f"complaint:{fine.tracking_number}").exists()


def test_a_complaint_an_earlier_version_upheld_by_itself_waits_for_review(story, personas):
    """Upheld on the complainant's figures with nobody reviewing it: seeding again returns it to review and
    dismisses its finding with the reason; one a person decided keeps its decision."""
    from django.core.management import call_command

    cat = story
    made = [
        FeeComplaint.objects.create(
            vendor=cat.vendors["HNCA"],
            platform=_platform(PUYANG),
            product=cat.product(ORG),
            item=cat.item("new-issuance"),
            charged_on=D(2020, 6, 10),
            amount=Decimal("300.00"),
            status=FeeComplaint.Status.UPHELD,
            reviewed_by=reviewer,
        )
        for reviewer in (None, personas["province"])
    ]
    found = [complaints.raise_complaint_finding(complaint) for complaint in made]
    call_command("seed", verbosity=0)
    for complaint in made:
        complaint.refresh_from_db()
    for finding in found:
        finding.refresh_from_db()
    assert [c.status for c in made] == [FeeComplaint.Status.RECEIVED, FeeComplaint.Status.UPHELD]
    assert [f.status for f in found] == ["dismissed", "open"] and "投诉人" in found[0].evidence


def _platform(region):
    from supervision.models import Platform

    return Platform.objects.filter(region_id=region).first()


def test_a_repeated_charge_complaint_and_an_early_one(story, personas):
    cat = story
    platform = _platform(PUYANG)
    repeated = complaints.receive(
        FeeComplaint(
            vendor=cat.vendors["SZCA"],
            platform=platform,
            product=cat.product(ORG),
            item=cat.item("new-issuance"),
            charged_on=D(2019, 9, 10),
            amount=Decimal("250.00"),
            held_elsewhere=True,
        )
    )
    assert repeated.status == FeeComplaint.Status.RECEIVED  # the administrator checks it first
    assert [b["rule"] for b in repeated.breaches] == ["repeated_charge"]
    early = complaints.receive(
        FeeComplaint(
            vendor=cat.vendors["SZCA"],
            platform=platform,
            product=cat.product(ORG),
            item=cat.item("new-issuance"),
            charged_on=D(2019, 1, 10),
            amount=Decimal("999.00"),
        )
    )
    assert early.status == FeeComplaint.Status.RECEIVED  # before the rules: an administrator decides
    complaints.review(
        early, personas["puyang"], FeeComplaint.Status.NOT_UPHELD, "2019年8月15日前的收费不适用降费规定。"
    )
    early.refresh_from_db()
    assert early.status == FeeComplaint.Status.NOT_UPHELD and early.reviewed_by == personas["puyang"]
