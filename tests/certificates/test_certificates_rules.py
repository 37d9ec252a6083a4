"""Rules reported to supervision: discrepancies, unfiled vendors, expiry obligations and notices."""

import datetime

import pytest

from certificates import expiry, findings, workflow
from certificates.models import CACertificate, RecognitionRecord, TrustListEntry
from certificates.tasks import sweep_recognition
from supervision.models import Finding, Notification, Obligation
from supervision.services import raise_finding

pytestmark = pytest.mark.django_db
PUYANG = "濮阳市公共资源交易中心交易平台"


def test_removing_a_root_from_a_trust_list_raises_one_discrepancy(api_for, personas, vendors):
    platform = personas["platform-puyang"].platform
    entry = TrustListEntry.objects.get(platform=platform, certificate__vendor=vendors["BJCA"])
    assert not Finding.objects.filter(kind="trust_list_discrepancy", platform=platform).exists()
    assert api_for("platform-puyang").delete(f"/api/v1/trust-list-entries/{entry.pk}/").status_code == 204
    finding = Finding.objects.get(kind="trust_list_discrepancy", platform=platform)
    assert finding.facts["vendor"] == vendors["BJCA"].pk and "BJCA" in finding.summary
    sweep_recognition()
    sweep_recognition()
    assert Finding.objects.filter(kind="trust_list_discrepancy", platform=platform).count() == 1


def test_an_intermediate_on_the_trust_list_counts_when_its_chain_is_valid(personas, vendors):
    platform = personas["platform-puyang"].platform
    TrustListEntry.objects.filter(platform=platform, certificate__vendor=vendors["BJCA"]).delete()
    intermediate = CACertificate.objects.get(vendor=vendors["BJCA"], role="intermediate", is_demo=True)
    TrustListEntry.objects.create(platform=platform, certificate=intermediate)
    pairs = findings.discrepant_pairs(RecognitionRecord.objects.filter(platform=platform))
    assert {"vendor_id": vendors["BJCA"].pk, "platform_id": platform.pk} not in pairs


def test_claiming_done_without_trust_raises_at_once(personas, vendors):
    record = RecognitionRecord.objects.get(vendor=vendors["SZCA"], platform__name=PUYANG, scope="same_vendor")
    TrustListEntry.objects.filter(platform=record.platform, certificate__vendor=vendors["SZCA"]).delete()
    workflow.transition(record, "done", user=personas["szca"], note="测试通过")
    assert Finding.objects.filter(kind="trust_list_discrepancy", platform=record.platform).count() == 1


def test_a_trust_list_or_roots_never_uploaded_accuse_nobody(personas, vendors):
    """A claim on a platform whose trust list is not on record, or of a vendor whose roots are not stored,
    shows nothing missing: no discrepancy. Once both are on record and do not chain, it is one."""
    record = RecognitionRecord.objects.get(vendor=vendors["SZCA"], platform__name=PUYANG, scope="same_vendor")
    entries = TrustListEntry.objects.filter(platform=record.platform)
    kept = list(entries.exclude(certificate__vendor=vendors["SZCA"]).values_list("certificate", flat=True))
    entries.delete()  # no trust list on record at all
    workflow.transition(record, "done", user=personas["szca"], note="测试通过")
    assert not Finding.objects.filter(kind="trust_list_discrepancy", platform=record.platform).exists()
    roots = CACertificate.objects.filter(vendor=vendors["SZCA"], role="root")
    assert roots.exists()
    for certificate in kept:  # the trust list uploaded, without SZCA's roots: the discrepancy is on record
        TrustListEntry.objects.create(platform=record.platform, certificate_id=certificate)
    findings.after_trust_list_change(record.platform)
    assert Finding.objects.filter(kind="trust_list_discrepancy", platform=record.platform).count() == 1
    pairs = findings.discrepant_pairs(RecognitionRecord.objects.filter(pk=record.pk))
    roots.update(chain_status="expired")  # no valid root of the vendor on record: nothing to compare with
    assert findings.discrepant_pairs(RecognitionRecord.objects.filter(pk=record.pk)) == [] != pairs


def test_a_discrepancy_raised_with_nothing_to_compare_is_dismissed(personas, vendors):
    """An earlier reading raised it when the platform had no trust list on record: the next check of that
    platform dismisses it with the reason, never deletes it."""
    platform = personas["platform-puyang"].platform
    wrong, _new = raise_finding(
        kind="trust_list_discrepancy",
        party=platform,
        dedup_key=findings.discrepancy_key(vendors["SZCA"].pk, platform.pk),
        summary="无信任列表",
        facts={"vendor": vendors["SZCA"].pk, "trusted_certificates": [], "vendor_roots": ["ab" * 32]},
    )
    findings.after_trust_list_change(platform)
    wrong.refresh_from_db()
    assert wrong.status == "dismissed" and "未登记信任列表" in wrong.evidence
    assert wrong.history.first().history_change_reason == "wrong basis: dismissed with its reason"


def determine_not_filed(vendor) -> None:
    vendor.crypto_filing_status = "not_filed"
    vendor.crypto_determination_number = "豫密认〔2019〕5号"
    vendor.crypto_determination_date = datetime.date(2019, 9, 1)
    vendor.crypto_determination_evidence = "省密码管理局认定书（扫描件）"
    vendor.full_clean()
    vendor.save()


def test_unknown_filing_is_not_unfiled(vendors):
    """Issue 9, point 3: "unfiled" was the default, so real companies were accused without a determination."""
    szca = vendors["SZCA"]
    assert szca.crypto_filing_status == "unknown"  # serving platforms in the demo, filing never recorded
    findings.sweep()
    assert not Finding.objects.filter(kind="unfiled_vendor", vendor=szca).exists()


def test_not_filed_needs_a_recorded_determination(vendors):
    from django.core.exceptions import ValidationError

    szca = vendors["SZCA"]
    szca.crypto_filing_status = "not_filed"
    with pytest.raises(ValidationError) as error:
        szca.full_clean()
    assert {"crypto_determination_number", "crypto_determination_date"} <= set(error.value.message_dict)


def test_unfiled_vendor_only_from_a_determination_with_its_basis(vendors):
    szca = vendors["SZCA"]
    determine_not_filed(szca)
    findings.sweep()
    findings.sweep()
    finding = Finding.objects.get(kind="unfiled_vendor", vendor=szca)
    assert finding.facts["determination"]["document_number"] == "豫密认〔2019〕5号"
    assert finding.facts["basis"]["directive"] == "豫公管办〔2019〕23号" and finding.facts["basis"]["clause"] == "四"
    assert "省密码管理局认定未备案的违规行为" in finding.summary and "豫公管办〔2019〕23号" in finding.summary


def hand_filing_duty(vendor):
    """A filing duty an administrator entered by hand (no vendor is given one by the rules)."""
    from supervision.services import ensure_obligation

    return ensure_obligation(
        party=vendor, kind="crypto_filing", title="补报密码管理局备案", due_date=None, dedup_key=f"hand:{vendor.pk}"
    )[0]


def test_recording_a_filing_fulfils_the_filing_duty(vendors, client_for):
    from supervision.models import CAVendor

    szca = vendors["SZCA"]
    duty = hand_filing_duty(szca)
    assert duty.status == "open"
    data = {
        "name": szca.name,
        "short_name": szca.short_name,
        "credit_code": szca.credit_code,
        "licence_number": szca.licence_number,
        "crypto_filing_status": "filed",
        "crypto_filing_number": "豫密备〔2019〕009号",
        "crypto_filing_date": "2019-06-01",
    }
    response = client_for("province").post(f"/registry/vendors/{szca.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CAVendor.objects.get(pk=szca.pk).crypto_filing_status == "filed"
    duty.refresh_from_db()
    assert duty.status == "fulfilled" and "豫密备〔2019〕009号" in duty.evidence


def test_the_sweep_fulfils_the_duty_of_a_vendor_filed_in_the_demo(vendors):
    duty = hand_filing_duty(vendors["BJCA"])
    findings.sweep()
    duty.refresh_from_db()
    assert duty.status == "fulfilled"


def test_no_vendor_is_given_a_filing_duty_and_unknown_accuses_nobody(vendors, client_for):
    """23号 四: "对省密码管理局认定未备案的违规行为，应督促其及时整改". SZCA's filing is unknown in the demo:
    it has no duty, no finding, no reminder; the dashboard counts it as to be confirmed, not as unfiled."""
    szca = vendors["SZCA"]
    findings.sweep()
    assert szca.crypto_filing_status == "unknown"
    assert not Obligation.objects.filter(kind="crypto_filing").exists()
    assert not Finding.objects.filter(kind="unfiled_vendor", vendor=szca).exists()
    assert not Notification.objects.filter(obligation__kind="crypto_filing").exists()
    cards = {card.title: card for card in client_for("province").get("/dashboard/").context["cards"]}
    assert cards["已知无有效密码管理局备案的机构"].value == 0
    assert cards["已知无有效密码管理局备案的机构"].url == "/registry/vendors/?filing=unfiled"
    assert cards["密码管理局备案情况待核实的机构"].value == 1
    listed = client_for("province").get("/registry/vendors/?crypto_filing_status=unknown").context["object_list"]
    assert [v.short_name for v in listed] == ["SZCA"]
    # A determination makes it known: counted, listed and raised as a finding with its basis.
    determine_not_filed(szca)
    findings.sweep()
    cards = {card.title: card for card in client_for("province").get("/dashboard/").context["cards"]}
    assert cards["已知无有效密码管理局备案的机构"].value == 1
    listed = client_for("province").get("/registry/vendors/?filing=unfiled").context["object_list"]
    assert [v.short_name for v in listed] == ["SZCA"]
    assert Finding.objects.filter(kind="unfiled_vendor", vendor=szca).exists()


def test_unfiled_vendor_is_raised_once_per_filing_state(vendors):
    determine_not_filed(vendors["SZCA"])
    findings.sweep()
    findings.sweep()
    assert Finding.objects.filter(kind="unfiled_vendor", vendor=vendors["SZCA"]).count() == 1
    bjca = vendors["BJCA"]
    bjca.crypto_filing_status = "revoked"  # the administration revoked it: a second state, a second finding
    bjca.save()
    findings.sweep(datetime.date(2026, 1, 1))
    assert Finding.objects.filter(kind="unfiled_vendor", vendor=bjca).count() == 1


def test_a_filing_that_only_expired_is_to_be_confirmed_not_a_finding(vendors, client_for):
    """23号 四 acts on the administration's determination: a recorded expiry date that passed, with no
    determination or revocation, is listed as known without a valid filing but accuses nobody; a finding
    an earlier reading raised on it is dismissed with the reason."""
    bjca = vendors["BJCA"]
    bjca.crypto_filing_expiry = datetime.date(2020, 1, 1)
    bjca.save()
    wrong, _new = raise_finding(
        kind="unfiled_vendor", party=bjca, dedup_key=findings.unfiled_key(bjca), summary="未备案（已过期）"
    )
    findings.sweep(datetime.date(2026, 1, 1))
    wrong.refresh_from_db()
    assert wrong.status == "dismissed" and findings.UNFILED_QUOTE in wrong.evidence
    assert Finding.objects.filter(kind="unfiled_vendor", vendor=bjca).count() == 1
    listed = client_for("province").get("/registry/vendors/?filing=unfiled").context["object_list"]
    assert "BJCA" in [v.short_name for v in listed]  # the registry still says so


def test_a_vendor_serving_only_outside_the_province_is_not_flagged(vendors):
    """The unfiled-vendor finding applies Henan's rule: a vendor determined unfiled but in use only on
    platforms of other provinces is not flagged by it."""
    szca = vendors["SZCA"]
    determine_not_filed(szca)
    RecognitionRecord.objects.filter(vendor=szca, platform__region__code__startswith="41").delete()
    TrustListEntry.objects.filter(certificate__vendor=szca, platform__region__code__startswith="41").delete()
    findings.sweep()
    assert not Finding.objects.filter(kind="unfiled_vendor", vendor=szca).exists()


def test_expiry_obligation_and_notices_once_per_threshold(vendors, upload, api_for, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # keep the notices pending: we only count them here
    hnca = CACertificate.objects.get(vendor=vendors["HNCA"], role="intermediate", is_demo=True)
    due = expiry.expiry_date(hnca)
    obligation = Obligation.objects.get(dedup_key=f"cert-expiry:{hnca.sha256_fingerprint}")
    assert obligation.due_date == due and obligation.vendor == vendors["HNCA"]
    assert obligation.kind == "certificate_expiry"
    for days_before in (300, 170, 170, 60, 20):  # past 365, 180 (twice), 90 and 30 days before
        expiry.sweep(due - datetime.timedelta(days=days_before))
    sent = Notification.objects.filter(obligation=obligation)
    assert sorted(set(sent.values_list("stage", flat=True))) == ["d180", "d30", "d365", "d90"]
    recipients = set(sent.values_list("channel", "recipient"))
    assert recipients and sent.count() == 4 * len(recipients)  # each threshold once per recipient
    assert "河南省信息化发展有限公司" in sent.first().body
    assert Obligation.objects.filter(dedup_key__startswith="cert-expiry:").filter(vendor=vendors["HNCA"]).count() == 1


def test_far_away_expiry_creates_no_obligation(vendors):
    root = CACertificate.objects.get(vendor=vendors["HNCA"], role="root", is_demo=True)
    assert not Obligation.objects.filter(dedup_key=f"cert-expiry:{root.sha256_fingerprint}").exists()


def test_uploading_a_renewed_certificate_fulfils_the_expiry_obligation(vendors, store):
    from cryptography import x509

    from certificates import seed

    old = CACertificate.objects.get(vendor=vendors["HNCA"], role="intermediate", is_demo=True)
    obligation = Obligation.objects.get(dedup_key=f"cert-expiry:{old.sha256_fingerprint}")
    assert obligation.status == "open"
    # A renewed certificate with the same subject, valid ten years longer.
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.load_der_x509_certificate(bytes(old.der)).subject
    der = seed._certificate(name, name, key, key, not_before=seed.at("2026-01-01"), not_after=seed.at("2036-01-01"))
    from certificates import claims
    from certificates.chains import store_certificates
    from certificates.x509 import load_certificates

    (renewed,) = store_certificates(load_certificates(der, "renewed.cer"), filename="renewed.cer").created
    # Its subject names HNCA (O=河南省信息化发展有限公司): HNCA's claim is accepted at once.
    claim, _ = claims.claim(renewed, vendors["HNCA"], by=None)
    assert claim.status == "accepted" and claim.basis == "name"
    obligation.refresh_from_db()
    assert obligation.status == "fulfilled" and "renewed" not in obligation.evidence


# --- findings clear themselves when their condition is gone (issue 9, point 7) ----------------------
def test_a_discrepancy_resolves_itself_when_the_trust_list_is_fixed(api_for, personas, vendors):
    platform = personas["platform-puyang"].platform
    entry = TrustListEntry.objects.get(platform=platform, certificate__vendor=vendors["BJCA"])
    root = entry.certificate
    client = api_for("platform-puyang")
    assert client.delete(f"/api/v1/trust-list-entries/{entry.pk}/").status_code == 204
    finding = Finding.objects.get(kind="trust_list_discrepancy", platform=platform)
    assert finding.status == "open"
    answer = client.post("/api/v1/trust-list-entries/", {"platform": platform.pk, "certificate": root.pk})
    assert answer.status_code == 201, answer.content
    finding.refresh_from_db()
    assert finding.status == "resolved" and "复查" in finding.evidence
    assert finding.history.first().history_change_reason == "condition cleared on re-check"
    assert finding.history.first().history_user == personas["platform-puyang"]
    sweep_recognition()  # the sweep neither reopens nor raises it again
    assert list(Finding.objects.filter(kind="trust_list_discrepancy", platform=platform).values_list("status")) == [
        ("resolved",)
    ]


def test_the_sweep_resolves_a_discrepancy_fixed_behind_its_back(personas, vendors):
    platform = personas["platform-puyang"].platform
    entries = TrustListEntry.objects.filter(platform=platform, certificate__vendor=vendors["BJCA"])
    saved = list(entries.values_list("certificate_id", flat=True))
    entries.delete()
    sweep_recognition()
    finding = Finding.objects.get(kind="trust_list_discrepancy", platform=platform)
    TrustListEntry.objects.bulk_create([TrustListEntry(platform=platform, certificate_id=pk) for pk in saved])
    assert sweep_recognition()["findings_cleared"] == 1
    finding.refresh_from_db()
    assert finding.status == "resolved"


def test_an_unfiled_finding_resolves_when_a_filing_is_recorded(vendors):
    szca = vendors["SZCA"]
    determine_not_filed(szca)
    findings.sweep()
    finding = Finding.objects.get(kind="unfiled_vendor", vendor=szca)
    szca.crypto_filing_status = "filed"
    szca.crypto_filing_number = "豫密备〔2019〕011号"
    szca.crypto_filing_date = datetime.date(2019, 10, 8)
    szca.full_clean()
    szca.save()
    findings.sweep()
    finding.refresh_from_db()
    assert finding.status == "resolved" and "备案" in finding.evidence


def test_a_finding_in_rectification_stays_with_its_case(vendors):
    szca = vendors["SZCA"]
    determine_not_filed(szca)
    findings.sweep()
    Finding.objects.filter(kind="unfiled_vendor", vendor=szca).update(status="in_rectification")
    szca.crypto_filing_status = "filed"
    szca.crypto_filing_number = "豫密备〔2019〕011号"
    szca.crypto_filing_date = datetime.date(2019, 10, 8)
    szca.save()
    findings.sweep()
    assert Finding.objects.get(kind="unfiled_vendor", vendor=szca).status == "in_rectification"


def test_deleting_a_root_rebuilds_the_chains_that_went_through_it(api_for, store, vendors):
    root, intermediate = store("rsa_root.pem", vendors["HNCA"])[0], store("rsa_intermediate.pem", vendors["HNCA"])[0]
    intermediate.refresh_from_db()
    assert intermediate.chain_status == "valid" and intermediate.root_id == root.pk
    assert api_for("province").delete(f"/api/v1/ca-certificates/{root.pk}/").status_code == 204
    intermediate.refresh_from_db()
    assert intermediate.chain_status == "issuer_missing" and intermediate.root_id is None
    assert root.pk not in intermediate.chain_ids
