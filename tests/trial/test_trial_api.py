"""The trial's API runs the same workflow and hooks as the pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient
from trialtest import set_dates

from supervision.models import BusinessDomain, Finding, Obligation, Platform
from trial.feedback import to_finding
from trial.models import Feedback

pytestmark = pytest.mark.django_db

HENAN = "河南省公共资源交易中心交易平台"


@pytest.fixture
def henan(registry):
    return Platform.objects.get(name=HENAN)


@pytest.fixture
def operator_api(operator_of, henan):
    api = APIClient()
    api.force_authenticate(operator_of(henan))
    return api


def test_announcement_draft_approve_publish(operator_api, api_for, henan, round2023):
    created = operator_api.post(
        "/api/v1/trial-announcements/",
        {
            "round": round2023.pk,
            "platform": henan.pk,
            "title": "公告",
            "business_types": [BusinessDomain.objects.get(code="construction").pk],
            "scope": "范围",
            "procedure": "流程",
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert created.data["status"] == "draft" and created.data["public_url"] == ""
    assert operator_api.post(f"/api/v1/trial-announcements/{pk}/approve/").status_code == 403
    assert api_for("zhengzhou").post(f"/api/v1/trial-announcements/{pk}/approve/").status_code == 404
    assert api_for("szca").post(f"/api/v1/trial-announcements/{pk}/publish/").status_code == 404
    assert operator_api.post(f"/api/v1/trial-announcements/{pk}/publish/").status_code == 400  # not approved yet
    assert api_for("province").post(f"/api/v1/trial-announcements/{pk}/approve/").status_code == 200
    published = operator_api.post(f"/api/v1/trial-announcements/{pk}/publish/")
    assert published.status_code == 200 and published.data["public_url"]
    assert Obligation.objects.get(platform=henan, kind="announcement", campaign="trial:2023").status == "fulfilled"
    back = api_for("province").post(f"/api/v1/trial-announcements/{pk}/return/")
    assert back.status_code == 200 and back.data["status"] == "draft"


def test_records_through_the_api_call_the_hooks(operator_api, henan, vendors, round2023, travel):
    travel(datetime.date(2023, 1, 20))
    set_dates(round2023, remedy_plan_due=datetime.date(2023, 1, 31))
    travel(datetime.date(2023, 2, 2))
    incident = operator_api.post(
        "/api/v1/trial-incidents/",
        {
            "platform": henan.pk,
            "occurred_on": "2023-02-01",
            "project_code": "ZB-1",
            "project_name": "项目",
            "bidder": "某公司",
            "vendor": vendors["SZCA"].pk,
            "cause": "bidder",
            "outcome": "revoked",
            "responsible": "bidder",
        },
        format="json",
    )
    assert incident.status_code == 201, incident.data
    no_plan = Finding.objects.get(kind="incident_without_plan", platform=henan)  # not remedied, plan overdue
    agreement = operator_api.post(
        "/api/v1/trial-agreements/",
        {
            "kind": "component",
            "platform": henan.pk,
            "title": "互认组件协议",
            "signed_on": "2023-01-30",
            "term_end": "2024-01-29",
        },
        format="json",
    )
    assert agreement.status_code == 201, agreement.data
    assert (
        Obligation.objects.get(platform=henan, kind="component_agreement", campaign="trial:2023").status == "fulfilled"
    )
    assert Obligation.objects.filter(platform=henan, kind="agreement_renewal", status="open").exists()
    party = operator_api.post(
        "/api/v1/trial-agreement-parties/",
        {"agreement": agreement.data["id"], "role": "ca_vendor", "vendor": vendors["BJCA"].pk},
        format="json",
    )
    assert party.status_code == 201, party.data
    plan = operator_api.post(
        "/api/v1/trial-remedy-plans/",
        {
            "platform": henan.pk,
            "kind": "national",
            "agreement": agreement.data["id"],
            "description": "应用国家平台方案",
            "effective_from": "2023-02-01",
        },
        format="json",
    )
    assert plan.status_code == 201, plan.data
    assert Obligation.objects.get(platform=henan, kind="remedy_plan", campaign="trial:2023").status == "fulfilled"
    no_plan.refresh_from_db()
    assert no_plan.status == "resolved" and "2023-02-01起施行" in no_plan.evidence
    other = Platform.objects.get(name="北京市公共资源交易中心交易平台")
    refused = operator_api.post(
        "/api/v1/trial-coverage/",
        {"platform": other.pk, "domain": BusinessDomain.objects.first().pk, "level": "city", "accepted": False},
        format="json",
    )
    assert refused.status_code == 400  # not a platform the operator may pick


def test_feedback_triage_through_the_api(api_for, henan, vendors):
    feedback = Feedback.objects.create(
        category="prohibited_fee", platform=henan, vendor=vendors["HNCA"], description="异地开通费"
    )
    api = api_for("province")
    assert api.post("/api/v1/trial-feedback/", {"category": "other"}, format="json").status_code == 405
    assert (
        api_for("puyang")
        .post(f"/api/v1/trial-feedback/{feedback.pk}/answer/", {"answer": "x"}, format="json")
        .status_code
        == 404
    )
    answered = api.post(f"/api/v1/trial-feedback/{feedback.pk}/answer/", {"answer": "已核实"}, format="json")
    assert answered.status_code == 200 and answered.data["status"] == "answered"
    found = api.post(f"/api/v1/trial-feedback/{feedback.pk}/finding/", {"party": "vendor"}, format="json")
    assert found.status_code == 200 and found.data["status"] == "finding"
    finding = Finding.objects.get(pk=found.data["finding"])
    assert (finding.kind, finding.vendor.short_name) == ("prohibited_fee", "HNCA")
    national = api.post(f"/api/v1/trial-feedback/{feedback.pk}/national/", {"note": "需统一收费政策"}, format="json")
    assert national.status_code == 200 and national.data["national_attention"] is True
    assert api.post(f"/api/v1/trial-feedback/{feedback.pk}/national/", {"note": ""}, format="json").status_code == 400


def test_a_feedback_finding_goes_to_the_party_its_clause_binds(api_for, client_for, henan, vendors):
    """54号 二 binds the platforms (no refusal, no technical barrier); 23号 三 the vendors (no prohibited
    fee), and only in Henan: elsewhere such a fee is a complaint upheld under the feedback channel."""
    api = api_for("province")
    refusal = Feedback.objects.create(category="refusal", platform=henan, vendor=vendors["SZCA"], description="拒用")
    refused = api.post(f"/api/v1/trial-feedback/{refusal.pk}/finding/", {"party": "vendor"}, format="json")
    assert refused.status_code == 400 and not Finding.objects.filter(dedup_key=f"trial:feedback:{refusal.pk}")
    page = client_for("province").get(f"/trial/feedback/{refusal.pk}/").content.decode()
    assert 'value="platform"' in page and 'value="vendor"' not in page  # the only choice offered
    found = api.post(f"/api/v1/trial-feedback/{refusal.pk}/finding/", {"party": "platform"}, format="json")
    assert found.status_code == 200 and Finding.objects.get(pk=found.data["finding"]).platform == henan
    beijing = Platform.objects.get(name="北京市公共资源交易中心交易平台")
    fee = Feedback.objects.create(category="prohibited_fee", platform=beijing, vendor=vendors["BJCA"], description="费")
    with pytest.raises(ValidationError):
        to_finding(fee, by=None, party="vendor")  # 54号 四 binds the platforms, Henan's 23号 三 is not Beijing's
    finding = to_finding(fee, by=None, party="platform")
    assert (finding.kind, finding.platform, finding.facts["basis"]["clause"]) == ("complaint_upheld", beijing, "四")


def test_a_withdrawn_report_is_owed_again(operator_api, api_for, client_for, henan, vendors, round2023):
    from django.urls import reverse

    period = round2023.periods.order_by("due_date").first()
    line = {
        "vendor": vendors["SZCA"].pk,
        "registered_entities": 1,
        "bids": 1,
        "cross_region_bids": 0,
        "decryption_failures": 0,
        "remedies_used": 0,
    }
    duty = Obligation.objects.get(platform=henan, kind="usage_statistics", due_date=period.due_date)
    for withdraw in ("api", "web"):
        created = operator_api.post(
            "/api/v1/trial-usage-reports/", {"platform": henan.pk, "period": period.pk, "lines": [line]}, format="json"
        )
        assert created.status_code == 201
        duty.refresh_from_db()
        assert duty.status == "fulfilled" and created.data["is_late"] is True  # 2023's dates have passed
        assert operator_api.delete(f"/api/v1/trial-usage-reports/{created.data['id']}/").status_code == 403
        if withdraw == "api":
            assert api_for("province").delete(f"/api/v1/trial-usage-reports/{created.data['id']}/").status_code == 204
        else:
            assert (
                client_for("province").post(reverse("trial:usagereport_delete", args=[created.data["id"]])).status_code
                == 302
            )
        duty.refresh_from_db()
        assert (duty.status, duty.fulfilled_at, duty.evidence) == ("overdue", None, ""), withdraw
