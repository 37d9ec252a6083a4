"""Chains among the stored certificates: recomputed set-based when certificates are added."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.chains import CHAIN_FIELDS, recompute_chains, refresh_time_statuses, store_certificates
from certificates.models import CACertificate
from certificates.x509 import load_certificates
from portal.bulk import update_rows

pytestmark = pytest.mark.django_db


def test_an_intermediate_without_its_root_waits_for_it(store, vendors):
    (intermediate,) = store("sm2_intermediate.pem", vendors["华测CA"])
    assert intermediate.chain_status == "issuer_missing" and intermediate.issuer is None
    (root,) = store("sm2_root.pem", vendors["华测CA"])
    intermediate.refresh_from_db()
    assert intermediate.chain_status == "valid"
    assert intermediate.issuer == root and intermediate.root == root
    assert intermediate.chain_ids == [intermediate.pk, root.pk]
    assert [c.pk for c in intermediate.chain()] == [intermediate.pk, root.pk]
    assert root.chain_status == "valid" and root.root == root


def test_what_is_wrong_with_a_chain_is_said_in_the_readers_language(store, vendors, api_for, client_for):
    (intermediate,) = store("sm2_intermediate.pem", vendors["华测CA"])
    assert intermediate.chain_reason == "no_issuer"  # a code; the sentence is made when it is shown
    url = f"/api/v1/ca-certificates/{intermediate.pk}/"
    chinese = api_for("province").get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    english = api_for("province").get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert chinese["chain_reason"] == english["chain_reason"] == "no_issuer"
    assert f"{intermediate} 的签发者（{intermediate.issuer_name}）尚未登记" in chinese["chain_detail"]
    assert english["chain_detail"].startswith(f"The issuer of {intermediate} ({intermediate.issuer_name})")
    page = client_for("province").get(intermediate.get_absolute_url()).content.decode()
    assert "尚未登记，请上传其证书" in page
    store("sm2_root.pem", vendors["华测CA"])
    intermediate.refresh_from_db()
    assert (intermediate.chain_reason, intermediate.chain_detail) == ("", "")


def test_rsa_and_ec_chains(store, vendors):
    certs = store("chain.p7b", vendors["BJCA"])
    assert {c.chain_status for c in certs} == {"valid"}
    (ec,) = store("ec_root.pem", vendors["BJCA"])
    assert ec.chain_status == "valid" and ec.key_description.startswith("EC secp256r1")


def test_sm2_keys_whose_coordinate_starts_with_0_or_4(store, vendors):
    for name in ("sm2_x00_root.pem", "sm2_x04_root.pem"):
        (root,) = store(name, vendors["HNCA"])
        assert root.chain_status == "valid", name


def test_an_expired_root_makes_its_chain_expired(store, vendors):
    (root,) = store("expired_root.pem", vendors["SZCA"])
    assert root.chain_status == "expired"


def test_a_broken_signature_is_found(store, vendors, read_fixture, sm2_resign, sm2_root_key):
    """An intermediate re-signed with another key under the same issuer name and key identifier."""
    from certificates.x509 import load_certificates as parse

    (root,) = store("sm2_root.pem", vendors["华测CA"])
    intermediate = parse(read_fixture("sm2_intermediate.pem"))[0]
    x04 = parse(read_fixture("sm2_x04_root.pem"))[0]
    from certificates.x509._sm2 import sm2_public_point

    forged = sm2_resign(intermediate.der, sm2_root_key + 1, sm2_public_point(x04.spki_der))
    result = store_certificates(load_certificates(forged, "forged.cer"), vendor=vendors["华测CA"])
    (cert,) = result.created
    assert cert.chain_status == "broken_signature" and cert.issuer is None


def test_recompute_uses_few_queries_and_verifies_each_signature_once(store, vendors, monkeypatch):
    store("sm2_root.pem", vendors["华测CA"])
    store("rsa_root.pem", vendors["BJCA"])
    calls = []
    from certificates import chains

    real = chains.check_signature

    def counting(c, i):
        calls.append((c.subject, i.subject))
        return real(c, i)

    monkeypatch.setattr(chains, "check_signature", counting)
    certs = store("bundle.pem", vendors["BJCA"])  # two intermediates join their roots
    assert len(calls) == len(set(calls))
    with CaptureQueriesContext(connection) as context:
        recompute_chains(certs)
    assert len(context.captured_queries) <= 8


def test_stored_rows_and_their_history_hold_the_certificate_as_uploaded(read_fixture, vendors, personas):
    """The new certificates are written in bulk (COPY on PostgreSQL): DER, JSON and text as parsed."""
    (parsed,) = load_certificates(read_fixture("sm2_root.pem"), "sm2_root.pem")
    result = store_certificates([parsed], user=personas["province"], filename="根.pem", notes="tab\there")
    (cert,) = result.created
    stored = CACertificate.objects.get(pk=cert.pk)
    assert bytes(stored.der) == parsed.der and stored.sha256_fingerprint == parsed.sha256_fingerprint
    assert (stored.original_filename, stored.notes, stored.chain_ids) == ("根.pem", "tab\there", [stored.pk])
    (added,) = CACertificate.history.filter(id=cert.pk, history_type="+")
    assert bytes(added.der) == parsed.der and added.subject == parsed.subject and added.chain_ids == []
    assert added.history_user == personas["province"]


def chain_of(cert: CACertificate) -> dict:
    return {name: getattr(cert, name) for name in CHAIN_FIELDS}


def test_the_chains_are_stored_as_computed_by_one_update_without_history(store, vendors):
    """``update_rows`` (one UPDATE … FROM (VALUES …) on PostgreSQL) stores every chain field as computed,
    nulls, JSON and times included, and writes no history row (as ``bulk_update`` before it)."""
    (root,) = store("sm2_root.pem", vendors["华测CA"])
    (intermediate,) = store("sm2_intermediate.pem", vendors["华测CA"])
    history = CACertificate.history.count()
    later = intermediate.not_after + datetime.timedelta(days=1)
    assert recompute_chains([root, intermediate], at=later) == 2
    for cert in (root, intermediate):
        computed = chain_of(cert)
        cert.refresh_from_db()
        assert chain_of(cert) == computed and cert.chain_status == "expired"
    assert intermediate.chain_ids == [intermediate.pk, root.pk] and intermediate.issuer == root
    intermediate.issuer = intermediate.root = None
    intermediate.chain_ids, intermediate.chain_status, intermediate.chain_problem_index = [], "broken_signature", 0
    intermediate.chain_not_before = intermediate.chain_not_after = None
    assert update_rows([intermediate], CHAIN_FIELDS) == 1
    computed = chain_of(intermediate)
    intermediate.refresh_from_db()
    assert chain_of(intermediate) == computed and intermediate.issuer_id is None
    root.refresh_from_db()
    assert root.chain_status == "expired"  # the other rows are untouched
    assert CACertificate.history.count() == history


def test_time_statuses_are_refreshed_set_based(store, vendors):
    (root,) = store("rsa_root.pem", vendors["BJCA"])
    later = root.not_after + datetime.timedelta(days=1)
    assert refresh_time_statuses(later) >= 1
    root.refresh_from_db()
    assert root.chain_status == "expired"


def test_demo_certificates_are_marked(registry):
    demo = CACertificate.objects.filter(is_demo=True)
    assert demo.count() >= 4 and all("示例" in c.subject_cn for c in demo)


def test_one_sm2_verify_per_uploaded_certificate(store, vendors, read_fixture, sm2_resign, sm2_root_key, monkeypatch):
    """Intermediates uploaded one file at a time under a stored SM2 root: each costs one SM2 verify, its
    own; the root's self-signature, verified when the root was stored, is not verified again."""
    from certificates.x509 import _sm2, verify
    from certificates.x509 import load_certificates as parse

    (root,) = store("sm2_root.pem", vendors["华测CA"])
    template = parse(read_fixture("sm2_intermediate.pem"))[0].der
    point = _sm2.sm2_public_point(root.to_parsed().spki_der)
    copies = [sm2_resign(template, sm2_root_key, point) for _ in range(3)]  # SM2 signs with a random k
    calls = []
    real = verify.sm2_verify
    monkeypatch.setattr(verify, "sm2_verify", lambda *args: calls.append(args) or real(*args))
    for number, der in enumerate(copies):
        (cert,) = store_certificates(parse(der, f"copy{number}.cer"), vendor=vendors["华测CA"]).created
        assert cert.chain_status == "valid" and cert.root == root
    assert len(calls) == len(copies)
