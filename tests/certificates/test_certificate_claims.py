"""A vendor's upload of a CA certificate is a claim (issue 11, point 11: certificates belonged to
whoever uploaded first). It is accepted when the subject names the vendor (organisation name or
unified social credit code) or the provincial office confirms it; two vendors' claims of one
certificate are a conflict the province decides; no vendor learns another vendor's records from an
answer; a file of many certificates is processed in Celery with progress."""

import datetime
import re
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from certificates import uploading
from certificates.models import CACertificate, CertificateClaim, CertificateUpload
from certificates.models.claims import ClaimBasis
from certificates.x509 import load_certificates, subject_identity, verify
from portal.jobs import Progress
from supervision.models import CAVendor, Obligation
from supervision.validators import credit_code_check_character

pytestmark = pytest.mark.django_db

BJCA_NAME = "北京数字认证股份有限公司"
BJCA_CODE_BASE = "91110108722619411"  # 17 characters; the 18th is computed
START = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def root_pem(organisation: str, *, cn: str = "", extra: tuple = ()) -> bytes:
    """A self-signed CA certificate (EC P-256: fast) whose subject names ``organisation``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            *extra,
            x509.NameAttribute(NameOID.COMMON_NAME, cn or f"{organisation} Root CA"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(START)
        .not_valid_after(START + datetime.timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def pem_file(data: bytes, name: str = "roots.pem") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def bjca_code(registry) -> str:
    code = BJCA_CODE_BASE + credit_code_check_character(BJCA_CODE_BASE)
    CAVendor.objects.filter(short_name="BJCA").update(credit_code=code)
    return code


@pytest.fixture
def vendor_ids(personas) -> dict:
    return {name: personas[name].vendor_id for name in ("szca", "bjca")}


def upload_api(api, data: bytes, **extra):
    return api.post("/api/v1/ca-certificates/", {"file": pem_file(data), **extra}, format="multipart")


# --- matching ----------------------------------------------------------------------------------


def test_names_are_compared_without_width_case_or_spaces():
    identity = subject_identity(load_certificates(root_pem("Example（China）Trust  Co."))[0].der)
    assert identity.match(name="example (china) trust co.") == "name"
    assert identity.match(name="Example Trust Co.") == ""


def test_a_claim_is_accepted_when_the_subject_organisation_is_the_vendors_name(api_for, client_for, vendor_ids):
    response = upload_api(api_for("bjca"), root_pem(BJCA_NAME))
    assert response.status_code == 201
    (claim,) = response.data["claims"]
    assert (claim["vendor"], claim["status"], claim["basis"]) == (vendor_ids["bjca"], "accepted", "name")
    cert = CACertificate.objects.get(pk=claim["certificate"]["id"])
    assert cert.vendor_id == vendor_ids["bjca"]
    assert client_for("bjca").get(cert.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "attribute",
    [
        lambda code: x509.NameAttribute(NameOID.SERIAL_NUMBER, code),
        lambda code: x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"统一社会信用代码:{code}"),
        lambda code: x509.NameAttribute(x509.ObjectIdentifier("2.5.4.97"), f"NTRCN-{code}"),
    ],
    ids=["serialNumber", "OU", "organizationIdentifier"],
)
def test_a_claim_is_accepted_when_the_subject_carries_the_vendors_credit_code(
    api_for, bjca_code, vendor_ids, attribute
):
    data = root_pem("BEIJING CERTIFICATE AUTHORITY", extra=(attribute(bjca_code),))
    (claim,) = upload_api(api_for("bjca"), data).data["claims"]
    assert (claim["status"], claim["basis"]) == ("accepted", "credit_code")
    # The same code does not make the certificate SZCA's.
    (other,) = upload_api(api_for("szca"), data).data["claims"]
    assert (other["vendor"], other["status"]) == (vendor_ids["szca"], "pending")


def test_a_claim_the_subject_does_not_support_waits_for_the_province(api_for, client_for, vendor_ids):
    response = upload_api(api_for("szca"), root_pem("China Financial Certification Authority", cn="CFCA EV ROOT"))
    (claim,) = response.data["claims"]
    assert claim["status"] == "pending" and claim["basis"] == ""
    cert = CACertificate.objects.get(pk=claim["certificate"]["id"])
    assert cert.vendor is None  # nobody's until the province decides
    assert client_for("szca").get(cert.get_absolute_url()).status_code == 404
    page = client_for("szca").get(f"/ca/claims/{claim['id']}/").content.decode()
    assert 'data-testid="claim-pending"' in page and "CFCA EV ROOT" in page


# --- two vendors, one certificate ----------------------------------------------------------------


def test_two_vendors_claim_one_root_and_the_province_decides(api_for, client_for, personas, vendor_ids):
    """The issue's story: szca uploads BJCA's root first; bjca then registers its own root."""
    data = root_pem(BJCA_NAME, cn="BJCA Root CA")
    (szca_claim,) = upload_api(api_for("szca"), data).data["claims"]
    assert szca_claim["status"] == "pending"
    response = upload_api(api_for("bjca"), data)
    assert response.status_code == 201
    (bjca_claim,) = response.data["claims"]
    assert (bjca_claim["vendor"], bjca_claim["status"]) == (vendor_ids["bjca"], "accepted")
    cert = CACertificate.objects.get(pk=bjca_claim["certificate"]["id"])
    assert cert.vendor_id == vendor_ids["bjca"]
    assert client_for("bjca").get(f"/ca/certificates/{cert.pk}/").status_code == 200

    # The conflict is listed for the province, with its decide buttons; a city reads it; vendors do not.
    page = client_for("province").get("/ca/claims/conflicts/").content.decode()
    assert page.count('data-testid="conflict"') == 1 and page.count('data-testid="decide-conflict"') == 2
    city = client_for("puyang").get("/ca/claims/conflicts/").content.decode()
    assert 'data-testid="conflict"' in city and 'data-testid="decide-conflict"' not in city
    for vendor in ("szca", "bjca", "platform-puyang"):
        assert client_for(vendor).get("/ca/claims/conflicts/").status_code == 403
    ids = {row["id"] for row in api_for("province").get("/api/v1/certificate-claims/?conflict=true").json()["results"]}
    assert ids == {szca_claim["id"], bjca_claim["id"]}

    # The province confirms BJCA's claim from the conflict list: SZCA's is rejected with the reason.
    response = client_for("province").post(
        f"/ca/claims/{bjca_claim['id']}/confirm/", {"reason": "根证书主题为北京数字认证", "next": "conflicts"}
    )
    assert response.status_code == 302 and response["Location"] == "/ca/claims/conflicts/"
    rejected = CertificateClaim.objects.get(pk=szca_claim["id"])
    assert (rejected.status, rejected.reason, rejected.decided_by) == (
        "rejected",
        "根证书主题为北京数字认证",
        personas["province"],
    )
    assert 'data-testid="no-conflicts"' in client_for("province").get("/ca/claims/conflicts/").content.decode()
    accepted = CertificateClaim.objects.get(pk=bjca_claim["id"])
    assert (accepted.status, accepted.basis) == ("accepted", "administrator")
    assert accepted.history.first().history_user == personas["province"]
    szca_page = client_for("szca").get(f"/ca/claims/{szca_claim['id']}/").content.decode()
    assert "根证书主题为北京数字认证" in szca_page
    # Its list says the province rejected it, not that it is still undecided.
    with translation.override("zh-hans"):
        rejected_text, undecided = gettext("Rejected by the provincial office"), str(ClaimBasis.NONE.label)
    szca_list = client_for("szca").get("/ca/claims/").content.decode()
    assert rejected_text in szca_list and undecided not in szca_list


def test_the_province_gives_a_certificate_to_another_vendor_and_its_renewal_duty_follows(api_for, personas, vendor_ids):
    near = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=100)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, BJCA_NAME)])
    data = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(START)
        .not_valid_after(near)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.PEM)
    )
    (bjca_claim,) = upload_api(api_for("bjca"), data).data["claims"]
    (szca_claim,) = upload_api(api_for("szca"), data).data["claims"]
    cert = CACertificate.objects.get(pk=bjca_claim["certificate"]["id"])
    duty = Obligation.objects.get(dedup_key=f"cert-expiry:{cert.sha256_fingerprint}")
    assert duty.vendor_id == vendor_ids["bjca"]
    response = api_for("province").post(
        f"/api/v1/certificate-claims/{szca_claim['id']}/confirm/", {"reason": "SZCA 代为托管"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    cert.refresh_from_db()
    duty.refresh_from_db()
    assert cert.vendor_id == duty.vendor_id == vendor_ids["szca"]
    assert cert.history.first().history_user == personas["province"]
    assert CertificateClaim.objects.get(pk=bjca_claim["id"]).status == "rejected"
    # Rejecting the accepted claim leaves the certificate nobody's and waives the duty.
    response = api_for("province").post(
        f"/api/v1/certificate-claims/{szca_claim['id']}/reject/", {"reason": "托管协议已终止"}, format="json"
    )
    assert response.status_code == 200
    cert.refresh_from_db()
    duty.refresh_from_db()
    assert cert.vendor is None and duty.status == "waived"


def test_no_vendor_learns_another_vendors_records_from_an_answer(api_for, client_for, personas, vendor_ids):
    # BJCA's real root names it in English; the province confirmed BJCA's claim.
    data = root_pem("BEIJING CERTIFICATE AUTHORITY", cn="Beijing Global Root CA")
    (bjca_claim,) = upload_api(api_for("bjca"), data).data["claims"]
    api_for("province").post(f"/api/v1/certificate-claims/{bjca_claim['id']}/confirm/", {"reason": "核实"})
    cert_id = bjca_claim["certificate"]["id"]
    # SZCA uploads it: its answer holds its own pending claim, never BJCA's record or name.
    response = upload_api(api_for("szca"), data)
    assert response.status_code == 201
    body = response.content.decode()
    assert {(c["vendor"], c["status"]) for c in response.data["claims"]} == {(vendor_ids["szca"], "pending")}
    assert bjca_claim["id"] not in {c["id"] for c in response.data["claims"]}
    assert response.data["upload"]["vendor"] == vendor_ids["szca"]
    for secret in ("BJCA", BJCA_NAME, "北京数字认证"):
        assert secret not in body
    upload_page = client_for("szca").get(f"/ca/uploads/{response.data['upload']['id']}/").content.decode()
    claim_page = client_for("szca").get(f"/ca/claims/{response.data['claims'][0]['id']}/").content.decode()
    for page in (upload_page, claim_page):
        assert "BJCA 用户" not in page and BJCA_NAME not in page and "北京数字认证" not in page
        assert f"/ca/certificates/{cert_id}/" not in page and 'data-testid="other-claims"' not in page
    # Nor from the certificate's address, the claims list or its filters.
    assert api_for("szca").get(f"/api/v1/ca-certificates/{cert_id}/").status_code == 404
    assert api_for("szca").get(f"/api/v1/certificate-claims/{bjca_claim['id']}/").status_code == 404
    own = {row["id"] for row in api_for("szca").get("/api/v1/certificate-claims/").json()["results"]}
    contested = api_for("szca").get("/api/v1/certificate-claims/?conflict=true").json()["results"]
    assert {row["id"] for row in contested} == own  # the filter tells a vendor nothing
    assert api_for("szca").get("/api/v1/certificate-claims/?conflict=false").json()["count"] == len(own)


# --- who may do what -----------------------------------------------------------------------------


@pytest.fixture
def pending_claims(api_for):
    """SZCA's and BJCA's pending claims of a root whose subject names neither."""
    data = root_pem("Example Trust Co.", cn="Example Shared Root")
    return {vendor: upload_api(api_for(vendor), data).data["claims"][0]["id"] for vendor in ("szca", "bjca")}


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("province", {"szca", "bjca"}),
        ("puyang", {"szca", "bjca"}),
        ("zhengzhou", {"szca", "bjca"}),
        ("szca", {"szca"}),
        ("bjca", {"bjca"}),
        ("platform-puyang", set()),
    ],
)
def test_who_reads_which_claims(api_for, client_for, pending_claims, persona, sees):
    listed = {row["id"] for row in api_for(persona).get("/api/v1/certificate-claims/").json()["results"]}
    assert {vendor for vendor, pk in pending_claims.items() if pk in listed} == sees
    page = client_for(persona).get("/ca/claims/").content.decode()
    for vendor, pk in pending_claims.items():
        assert (f'href="/ca/claims/{pk}/"' in page) is (vendor in sees)
        assert client_for(persona).get(f"/ca/claims/{pk}/").status_code == (200 if vendor in sees else 404)


@pytest.mark.parametrize("persona", ["puyang", "zhengzhou", "szca", "bjca", "platform-puyang", "anonymous"])
def test_only_the_province_confirms_or_rejects(api_for, client_for, pending_claims, persona):
    pk = pending_claims["szca"]
    for step in ("confirm", "reject"):
        response = api_for(persona).post(f"/api/v1/certificate-claims/{pk}/{step}/", {"reason": "试图决定"})
        assert response.status_code in (401, 403, 404)
        response = client_for(persona).post(f"/ca/claims/{pk}/{step}/", {"reason": "试图决定"})
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert "/login" in response["Location"]
    assert CertificateClaim.objects.get(pk=pk).status == "pending"
    if persona != "anonymous" and client_for(persona).get(f"/ca/claims/{pk}/").status_code == 200:
        page = client_for(persona).get(f"/ca/claims/{pk}/").content.decode()
        assert 'data-testid="claim-decision"' not in page


def test_the_province_decides_on_the_claims_page(client_for, pending_claims, vendor_ids):
    pk = pending_claims["szca"]
    page = client_for("province").get(f"/ca/claims/{pk}/").content.decode()
    assert 'data-testid="claim-decision"' in page and 'data-testid="other-claims"' in page
    assert 'data-testid="confirm-claim"' in page and 'data-testid="reject-claim"' in page
    # Without a reason nothing changes, and the page says why.
    response = client_for("province").post(f"/ca/claims/{pk}/reject/", {"reason": "  "}, follow=True)
    assert "决定理由" in response.content.decode()
    assert CertificateClaim.objects.get(pk=pk).status == "pending"
    response = client_for("province").post(f"/ca/claims/{pk}/reject/", {"reason": "证书主题与 SZCA 无关"})
    assert response.status_code == 302
    assert CertificateClaim.objects.get(pk=pk).status == "rejected"
    assert CertificateClaim.objects.get(pk=pending_claims["bjca"]).status == "pending"


def test_decisions_through_the_api_need_a_reason_and_a_live_claim(api_for, pending_claims):
    pk = pending_claims["bjca"]
    url = f"/api/v1/certificate-claims/{pk}/"
    response = api_for("province").post(f"{url}confirm/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert api_for("province").post(f"{url}confirm/", {"reason": "核实"}, format="json").status_code == 200
    again = api_for("province").post(f"{url}confirm/", {"reason": "核实"}, format="json")
    assert again.status_code == 400 and "已通过" in str(again.json())
    assert CertificateClaim.objects.get(pk=pending_claims["szca"]).status == "rejected"
    # Claims are read-only otherwise.
    assert api_for("province").patch(url, {"status": "pending"}, format="json").status_code == 405
    assert api_for("province").delete(url).status_code == 405


def test_each_role_sees_its_pages(client_for, pending_claims):
    upload_form = client_for("szca").get("/ca/certificates/upload/").content.decode()
    assert 'type="file"' in upload_form and 'name="file"' in upload_form
    own = client_for("szca").get("/ca/claims/").content.decode()
    assert "Example Shared Root" in own and f"/ca/claims/{pending_claims['bjca']}/" not in own
    assert client_for("platform-puyang").get("/ca/certificates/upload/").status_code == 403
    nav = client_for("province").get("/ca/claims/").content.decode()
    assert "/ca/claims/conflicts/" in nav
    assert "/ca/claims/conflicts/" not in client_for("szca").get("/ca/claims/").content.decode()


# --- many certificates: Celery with progress ---------------------------------------------------


def bundle(count: int) -> bytes:
    return b"".join(root_pem(BJCA_NAME, cn=f"BJCA 测试根 {n}") for n in range(count))


def test_a_file_of_many_certificates_is_processed_in_celery_with_progress(
    client_for, api_for, vendor_ids, monkeypatch, django_capture_on_commit_callbacks
):
    count = uploading.SYNC_MAX_CERTIFICATES + 10
    data = bundle(count)
    reports, queued = [], []

    class Recorded(Progress):
        def report(self, job_id, phase, done, total):
            reports.append((phase, done, total))
            super().report(job_id, phase, done, total)

    monkeypatch.setattr(uploading, "PROGRESS", Recorded(uploading.PROGRESS.prefix, uploading.PROGRESS.phases))
    delay = uploading.process_upload.delay
    monkeypatch.setattr(uploading.process_upload, "delay", lambda pk: (queued.append(pk), delay(pk))[1])
    client = client_for("bjca")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/ca/certificates/upload/", {"file": pem_file(data, "many.pem")})
    upload = CertificateUpload.objects.get(original_name="many.pem")
    assert response.status_code == 302 and response["Location"] == f"/ca/uploads/{upload.pk}/"
    # Nothing is stored in the request: the page polls the progress while the worker runs.
    assert upload.status == "queued" and upload.total == count and len(callbacks) == 1 and queued == []
    page = client.get(f"/ca/uploads/{upload.pk}/").content.decode()
    assert f'hx-get="/ca/uploads/{upload.pk}/progress/?running=1"' in page
    assert not CertificateClaim.objects.filter(upload=upload).exists()
    callbacks[0]()  # the transaction committed: the task is sent (eager in the tests)
    assert queued == [upload.pk]
    upload.refresh_from_db()
    assert upload.status == "done" and upload.summary["accepted"] == count
    assert [done for phase, done, _total in reports if phase == "storing"] == [50, count]
    assert (
        CertificateClaim.objects.filter(upload=upload, status="accepted", vendor_id=vendor_ids["bjca"]).count() == count
    )
    progress = client.get(f"/ca/uploads/{upload.pk}/progress/?running=1")
    assert progress["HX-Refresh"] == "true" and "100%" in progress.content.decode()
    page = client.get(f"/ca/uploads/{upload.pk}/").content.decode()
    assert 'data-testid="upload-summary"' in page and page.count('data-testid="claim-accepted"') == count
    # The API answers 202 with the upload to follow; the uploader (only) reads its progress.
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_for("bjca").post(
            "/api/v1/ca-certificates/", {"file": pem_file(bundle(count))}, format="multipart"
        )
    assert response.status_code == 202 and response.data["upload"]["status"] == "queued"
    assert response.data["claims"] == [] and len(callbacks) == 1
    followed = f"/api/v1/certificate-uploads/{response.data['upload']['id']}/"
    assert api_for("bjca").get(followed).json()["status"] == "queued"
    assert api_for("szca").get(followed).status_code == 404
    assert client_for("szca").get(f"/ca/uploads/{upload.pk}/").status_code == 404


def test_a_file_of_up_to_fifty_certificates_is_processed_in_the_request(api_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload_api(api_for("bjca"), bundle(uploading.SYNC_MAX_CERTIFICATES))
    assert response.status_code == 201 and callbacks == []
    assert len(response.data["claims"]) == uploading.SYNC_MAX_CERTIFICATES
    assert {c["status"] for c in response.data["claims"]} == {"accepted"}


def test_a_failing_background_upload_stores_nothing_and_says_why(client_for, monkeypatch):
    upload = CertificateUpload.objects.create(
        file=pem_file(b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n", "broken.pem"),
        original_name="broken.pem",
        vendor=CAVendor.objects.get(short_name="BJCA"),
        created_by=client_for("bjca").get("/").wsgi_request.user,
        total=60,
    )
    assert uploading.run(upload.pk) == "failed"
    upload.refresh_from_db()
    assert "broken.pem" in upload.error and "base64" in upload.error
    assert uploading.run(upload.pk) == "failed"  # a second delivery of the task does nothing
    page = client_for("bjca").get(f"/ca/uploads/{upload.pk}/").content.decode()
    assert 'data-testid="upload-error"' in page
    assert not re.search(r'data-testid="claim-', page)


# --- an upload's batch: set-based ------------------------------------------------------------------


def run_upload(user, data: bytes, name: str) -> tuple[CertificateUpload, int]:
    """Process an uploaded file as the worker does; returns the upload and the queries it took."""
    upload = CertificateUpload.objects.create(
        file=pem_file(data, name), original_name=name, vendor=user.vendor, created_by=user, total=1
    )
    with CaptureQueriesContext(connection) as queries:
        assert uploading.run(upload.pk) == "done"
    upload.refresh_from_db()
    return upload, len(queries)


def test_the_queries_of_an_upload_batch_do_not_grow_with_its_certificates(personas):
    user = personas["bjca"]
    few, few_queries = run_upload(user, bundle(2), "few.pem")
    data = bundle(20)  # (SQLite splits an INSERT at 999 parameters: about 28 certificates)
    many, many_queries = run_upload(user, data, "many.pem")
    assert few.summary["accepted"] == 2 and many.summary["accepted"] == 20
    assert many_queries == few_queries
    # Every certificate stored with its history, claimed and owned, the change of owner in its history.
    certs = CACertificate.objects.filter(claims__upload=many)
    assert certs.count() == 20 and set(certs.values_list("vendor_id", flat=True)) == {user.vendor_id}
    history = CACertificate.history.filter(id__in=certs.values("pk"), history_user=user)
    assert history.filter(history_type="+").count() == 20 and history.filter(history_type="~").count() == 20
    assert CertificateClaim.history.filter(upload=many, history_type="+", history_user=user).count() == 20
    # The same file again stores and claims nothing more, and says so.
    again, _queries = run_upload(user, data, "again.pem")
    assert again.summary["already_claimed"] == 20 and again.summary["claimed"] == 0
    assert CertificateClaim.objects.filter(certificate__in=certs).count() == 20


def test_each_signature_is_verified_once_per_upload(personas, monkeypatch):
    """An SM2 root and a certificate it issued, stored one per batch: the root's self-signature is
    verified once, not again for the certificate below it."""
    calls = []
    original = verify.sm2_verify
    monkeypatch.setattr(verify, "sm2_verify", lambda *args: calls.append(args) or original(*args))
    monkeypatch.setattr(uploading, "BATCH", 1)
    fixtures = Path(__file__).parent / "fixtures"
    data = (fixtures / "sm2_root.pem").read_bytes() + (fixtures / "sm2_intermediate.pem").read_bytes()
    upload, _queries = run_upload(personas["bjca"], data, "sm2.pem")
    certs = CACertificate.objects.filter(claims__upload=upload)
    assert sorted(certs.values_list("chain_status", flat=True)) == ["valid", "valid"]
    assert len(calls) == 2
