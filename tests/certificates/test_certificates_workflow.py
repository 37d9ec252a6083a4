"""The recognition workflow: one step at a time, by the right persona, with evidence; refusals change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates import workflow
from certificates.models import RecognitionEvent, RecognitionRecord

pytestmark = pytest.mark.django_db

PUYANG = "濮阳市公共资源交易中心交易平台"
PDF = b"%PDF-1.4\n% test report\n"


@pytest.fixture
def record(vendors):
    """SZCA's same-vendor record on the Puyang platform: "testing" in the demo story."""
    found = RecognitionRecord.objects.select_related("vendor", "platform", "platform__region").get(
        vendor=vendors["SZCA"], platform__name=PUYANG, scope="same_vendor"
    )
    assert found.status == "testing"
    return found


def refused(record, to, user, **kwargs) -> str:
    before = (record.status, record.confirmed_by_platform, record.events.count())
    with pytest.raises(workflow.TransitionRefused) as info:
        if to == "confirm":
            workflow.confirm(record, user=user, **kwargs)
        else:
            workflow.transition(record, to, user=user, **kwargs)
    record.refresh_from_db()
    assert (record.status, record.confirmed_by_platform, record.events.count()) == before
    return " ".join(info.value.messages)


def report(name="report.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_whole_way_to_verified_with_every_refusal_on_the_way(record, personas):
    assert "深圳市电子商务安全证书管理有限公司" in refused(record, "done", personas["bjca"], note="x")
    assert "只有" in refused(record, "done", personas["platform-puyang"], note="x")
    assert "证明材料" in refused(record, "done", personas["szca"])
    assert "不能跳过步骤" in refused(record, "verified", personas["szca"])

    record = workflow.transition(
        record,
        "done",
        user=personas["szca"],
        evidence=[("test_report", report())],
        note="在濮阳平台完成登录、投标、签章测试",
    )
    assert record.status == "done" and record.done_at is not None
    assert record.evidence.get().original_name == "report.pdf"

    assert "须先由" in refused(record, "verified", personas["puyang"])
    assert "只有" in refused(record, "confirm", personas["szca"])
    assert "只有" in refused(record, "confirm", personas["puyang"])
    record = workflow.confirm(record, user=personas["platform-puyang"])
    assert record.confirmed_by_platform and record.confirmed_by == personas["platform-puyang"]
    assert "已确认" in refused(record, "confirm", personas["platform-puyang"])

    assert "管理员" in refused(record, "verified", personas["zhengzhou"])
    assert "管理员" in refused(record, "verified", personas["szca"])
    record = workflow.transition(record, "verified", user=personas["puyang"])
    assert record.status == "verified" and record.verified_by == personas["puyang"]

    actions = list(record.events.values_list("action", "from_status", "to_status", "by__username"))
    assert actions[-3:] == [
        ("advance", "testing", "done", "szca"),
        ("confirm", "done", "done", "platform-puyang"),
        ("verify", "done", "verified", "puyang"),
    ]
    assert record.history.count() >= 4  # every change also in the change history


def test_returning_needs_a_reason_and_the_right_persona(record, personas):
    record = workflow.transition(record, "done", user=personas["szca"], note="测试通过")
    assert "说明退回" in refused(record, "testing", personas["platform-puyang"])
    record = workflow.transition(record, "testing", user=personas["platform-puyang"], note="签章无法验证")
    assert record.status == "testing" and not record.confirmed_by_platform
    record = workflow.transition(record, "done", user=personas["szca"], note="已修复")
    record = workflow.confirm(record, user=personas["platform-puyang"])
    record = workflow.transition(record, "verified", user=personas["province"])
    assert "只有" in refused(record, "testing", personas["platform-puyang"], note="x")
    record = workflow.transition(record, "testing", user=personas["province"], note="复查发现问题")
    assert record.status == "testing" and record.verified_at is None
    assert "退回“未开始”" in refused(record, "not_started", personas["szca"])


def test_bad_evidence_is_refused_and_nothing_changes(record, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        workflow.transition(record, "done", user=personas["szca"], evidence=[("test_report", report("x.exe", b"MZ"))])
    assert "不接受" in " ".join(info.value.messages)
    record.refresh_from_db()
    assert record.status == "testing" and not record.evidence.exists()
    with pytest.raises(ValidationError):
        workflow.transition(
            record, "done", user=personas["szca"], evidence=[("test_report", report("r.pdf", b"not a pdf"))]
        )
    record.refresh_from_db()
    assert record.status == "testing"


def test_the_api_moves_records_and_refuses_with_the_reason(record, api_for):
    url = f"/api/v1/recognition-records/{record.pk}/transition/"
    response = api_for("szca").post(url, {"to": "verified"}, format="json")
    assert response.status_code == 400 and "不能跳过步骤" in response.data["detail"][0]
    response = api_for("bjca").post(url, {"to": "done", "note": "x"}, format="json")
    assert response.status_code == 404  # not even visible to another vendor
    response = api_for("szca").post(url, {"to": "done", "test_report": report()}, format="multipart")
    assert response.status_code == 200 and response.data["status"] == "done"
    confirm = f"/api/v1/recognition-records/{record.pk}/confirm/"
    response = api_for("szca").post(confirm, {}, format="json")
    assert response.status_code == 400 and "只有" in response.data["detail"][0]
    response = api_for("platform-puyang").post(confirm, {}, format="json")
    assert response.status_code == 200 and response.data["confirmed_by_platform"] is True
    response = api_for("puyang").post(url, {"to": "verified"}, format="json")
    assert response.status_code == 200 and response.data["status"] == "verified"
    events = api_for("szca").get(f"/api/v1/recognition-records/{record.pk}/events/")
    assert [e["action"] for e in events.data][-3:] == ["advance", "confirm", "verify"]


def test_the_status_cannot_be_written_directly_through_the_api(record, api_for):
    response = api_for("province").patch(
        f"/api/v1/recognition-records/{record.pk}/", {"status": "verified"}, format="json"
    )
    record.refresh_from_db()
    assert record.status == "testing"
    assert response.status_code in (200, 400)


def test_web_steps_show_only_what_the_persona_may_do(record, client_for):
    page = client_for("szca").get(record.get_absolute_url()).content.decode()
    assert 'data-testid="step-advance"' in page
    assert (
        'data-testid="step-advance"'
        not in client_for("platform-puyang").get(record.get_absolute_url()).content.decode()
    )
    response = client_for("szca").post(f"/ca/recognition/{record.pk}/step/", {"to_status": "verified"}, follow=True)
    assert "不能跳过步骤" in response.content.decode()
    response = client_for("szca").post(
        f"/ca/recognition/{record.pk}/step/",
        {"to_status": "done", "note": "测试通过", "test_report": report()},
        follow=True,
    )
    record.refresh_from_db()
    assert record.status == "done"
    page = client_for("platform-puyang").get(record.get_absolute_url()).content.decode()
    assert 'data-testid="step-confirm"' in page
    client_for("platform-puyang").post(f"/ca/recognition/{record.pk}/step/", {"to_status": "confirm"})
    client_for("puyang").post(f"/ca/recognition/{record.pk}/step/", {"to_status": "verified"})
    record.refresh_from_db()
    assert record.status == "verified"
    assert RecognitionEvent.objects.filter(record=record, via="web").count() == 3


def test_records_are_unique_per_vendor_platform_scope_and_other_vendor(record, vendors, personas, api_for):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        workflow.create_record(
            user=None, vendor=record.vendor, platform=record.platform, scope="same_vendor", seals_included=True
        )
    response = api_for("szca").post(
        "/api/v1/recognition-records/",
        {
            "vendor": vendors["SZCA"].pk,
            "platform": record.platform_id,
            "scope": "cross_vendor",
            "other_vendor": vendors["SZCA"].pk,
        },
        format="json",
    )
    assert response.status_code == 400
    response = api_for("szca").post(
        "/api/v1/recognition-records/",
        {
            "vendor": vendors["SZCA"].pk,
            "platform": record.platform_id,
            "scope": "cross_vendor",
            "other_vendor": vendors["HNCA"].pk,
        },
        format="json",
    )
    assert response.status_code == 201 and response.data["status"] == "not_started"
    again = api_for("szca").post(
        "/api/v1/recognition-records/",
        {
            "vendor": vendors["SZCA"].pk,
            "platform": record.platform_id,
            "scope": "cross_vendor",
            "other_vendor": vendors["HNCA"].pk,
        },
        format="json",
    )
    assert again.status_code == 400
    other = api_for("szca").post(
        "/api/v1/recognition-records/",
        {"vendor": vendors["BJCA"].pk, "platform": record.platform_id, "scope": "same_vendor", "seals_included": False},
        format="json",
    )
    assert other.status_code == 400  # another vendor is not a choice for SZCA's users
