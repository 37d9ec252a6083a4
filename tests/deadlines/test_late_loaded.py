"""Rule 6: a duty whose due date had already passed when it was loaded is to be confirmed (待核实),
not overdue; only the province's confirmation makes it an overdue finding (issue 9)."""

import pytest

from supervision.engine.sweep import run_sweep
from supervision.models import Finding, Obligation

pytestmark = pytest.mark.django_db


def test_2019_duties_loaded_in_a_later_year_are_to_be_confirmed_and_the_sweep_accuses_nobody(registry):
    late = Obligation.objects.filter(dedup_key__startswith="2019-23:", due_date__isnull=False)
    assert late.exists() and set(late.values_list("status", flat=True)) <= {"to_confirm", "fulfilled"}
    Finding.objects.filter(kind="overdue").delete()
    run_sweep(deliver=False)
    run_sweep(deliver=False)
    assert not Finding.objects.filter(kind="overdue", obligation__in=late).exists()


def test_only_a_provincial_admin_sees_and_uses_confirm_unmet(registry, client_for, api_for):
    obligation = Obligation.objects.get(dedup_key="2019-23:fee_reduction:SZCA")
    assert obligation.status == "to_confirm"
    url = f"/registry/obligations/{obligation.pk}/"
    page = client_for("province").get(url).content.decode()
    assert 'data-testid="confirm-unmet"' in page and 'data-testid="to-confirm"' in page
    for persona in ("puyang", "szca"):
        assert 'data-testid="confirm-unmet"' not in client_for(persona).get(url).content.decode()
        response = api_for(persona).post(
            f"/api/v1/obligations/{obligation.pk}/confirm-unmet/", {"reason": "x"}, format="json"
        )
        assert response.status_code in (403, 404)
    response = client_for("province").post(f"{url}confirm-unmet/", {"reason": "2019年9月抽查：仍收取异地开通费"})
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.status == "overdue"
    finding = Finding.objects.get(kind="overdue", obligation=obligation)
    assert finding.facts["confirmed_unmet_reason"] == "2019年9月抽查：仍收取异地开通费"
    again = api_for("province").post(
        f"/api/v1/obligations/{obligation.pk}/confirm-unmet/", {"reason": "again"}, format="json"
    )
    assert again.status_code == 400
    assert Finding.objects.filter(kind="overdue", obligation=obligation).count() == 1


def test_cross_vendor_duty_only_for_szca_citing_the_puyang_notice(registry):
    from supervision import seed_deadlines

    duties = Obligation.objects.filter(kind="cross_vendor_recognition").exclude(status="waived")
    assert [(o.vendor.short_name, o.directive.number) for o in duties] == [("SZCA", "濮公共交易〔2019〕3号")]
    assert "尽快实现与不同电子认证服务机构发放的数字证书" in duties.get().basis.quote
    # A database seeded by the old reading converges: the wrong rows are waived with the reason, once.
    wrong = Obligation.objects.create(
        vendor=duties.get().vendor.__class__.objects.get(short_name="BJCA"),
        kind="cross_vendor_recognition",
        title="old",
        dedup_key="2019-23:cross_vendor_recognition:BJCA",
        directive=duties.get().directive.forwards,
    )
    seed_deadlines.load_obligations()
    seed_deadlines.load_obligations()
    wrong.refresh_from_db()
    assert wrong.status == "waived" and "23号没有不同机构之间互认的条款" in wrong.waived_reason
    assert wrong.history.count() == 2  # created, then waived: nothing deleted
