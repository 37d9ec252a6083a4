"""The national story (发改办法规〔2023〕54号 at the national level), with the clock moving.

法规司 publishes the 2024 round; Henan's lead department collects the statistics of two platforms
(Henan's provincial platform and Puyang's) and submits its written report (书面报送) by 15 February;
Beijing's lead department does not, is reminded (with a copy to 法规司) and flagged overdue; a feedback
item marked for national attention reaches 法规司's list, inbox and weekly digest. Then the pages and
the API of what this adds, role by role.
"""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.accounts.models import Role, User
from supervision.engine.digest import digest_context
from supervision.engine.sweep import run_sweep
from supervision.models import Authority, Finding, Notification, Obligation, Platform, Region
from tests.conftest import log_in
from trial import feedback as feedback_flow
from trial.models import (
    Announcement,
    AnnouncementDisplay,
    Feedback,
    ReportingPeriod,
    TrialParticipant,
    TrialRound,
    WrittenReport,
)
from trial.rounds import NATIONAL_OFFICE

pytestmark = pytest.mark.django_db

D = datetime.date
HENAN_LEAD = "河南省公共资源交易平台整合工作牵头部门"
BEIJING_LEAD = "北京市公共资源交易平台整合工作牵头部门"
FIELDS = ("registered_entities", "bids", "cross_region_bids", "decryption_failures", "remedies_used")


def logged_in(user) -> Client:
    client = Client()
    log_in(client, user)
    return client


@pytest.fixture
def people(personas, operator_of):
    office = Authority.objects.get(name=NATIONAL_OFFICE)
    beijing_lead = Authority.objects.get(name=BEIJING_LEAD)
    lead_beijing, _ = User.objects.get_or_create(
        username="lead-beijing",
        defaults={"role": Role.LEAD_DEPARTMENT, "authority": beijing_lead, "name": "北京联络员"},
    )
    return {
        "fagui": User.objects.get(username="fagui"),
        "lead-henan": User.objects.get(username="lead-henan"),
        "lead-beijing": lead_beijing,
        "office": office,
    }


def test_the_national_story(travel, people, platforms, vendors, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    fagui = logged_in(people["fagui"])
    lead_henan = logged_in(people["lead-henan"])
    henan_lead = Authority.objects.get(name=HENAN_LEAD)
    beijing_lead = Authority.objects.get(name=BEIJING_LEAD)
    henan, puyang, beijing = platforms["henan"], platforms["puyang"], platforms["beijing"]

    # --- 5 January 2024: 法规司 creates and publishes the 2024 round ---------------------------------
    travel(D(2024, 1, 5))
    response = fagui.post(
        reverse("trial:round_add"),
        {
            "code": "2024",
            "name": "2024年招标投标领域数字证书跨区域兼容互认功能试运行",
            "starts_on": "2024-01-05",
            "usage_columns": ["bids", "cross_region_bids"],
            "cumulative": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    round2024 = TrialRound.objects.get(code="2024")
    assert not round2024.is_published and round2024.columns() == ["bids", "cross_region_bids"]
    for label, starts, ends, due in (
        ("第一次统计", "2024-01-05", "2024-02-14", "2024-02-15"),
        ("第二次统计", "2024-02-15", "2024-03-30", "2024-03-31"),
    ):
        response = fagui.post(
            reverse("trial:period_add"),
            {"round": round2024.pk, "label": label, "starts_on": starts, "ends_on": ends, "due_date": due},
        )
        assert response.status_code == 302
    for platform, reporter in ((henan, henan_lead), (puyang, henan_lead), (beijing, beijing_lead)):
        response = fagui.post(
            reverse("trial:participant_add"),
            {"round": round2024.pk, "platform": platform.pk, "reporter": reporter.pk, "is_pilot_city": ""},
        )
        assert response.status_code == 302, response.context["form"].errors
    # A provincial administrator cannot publish; 法规司 can.
    assert Client().post(reverse("trial:round_publish", args=[round2024.pk])).status_code == 302  # log-in page
    assert (
        logged_in(User.objects.get(username="province"))
        .post(reverse("trial:round_publish", args=[round2024.pk]))
        .status_code
        == 403
    )
    assert fagui.post(reverse("trial:round_publish", args=[round2024.pk])).status_code == 302
    round2024.refresh_from_db()
    assert round2024.is_published
    written = Obligation.objects.filter(campaign="trial:2024", kind="written_report")
    assert sorted(written.values_list("authority__name", "due_date")) == [
        (BEIJING_LEAD, D(2024, 2, 15)),
        (BEIJING_LEAD, D(2024, 3, 31)),
        (HENAN_LEAD, D(2024, 2, 15)),
        (HENAN_LEAD, D(2024, 3, 31)),
    ]
    assert set(written.values_list("recipient", flat=True)) == {people["office"].pk}
    usage = Obligation.objects.get(
        campaign="trial:2024", kind="usage_statistics", platform=puyang, due_date=D(2024, 2, 15)
    )
    assert usage.recipient == henan_lead  # each duty names its recipient

    # --- February: the lead department collects its two platforms' statistics ------------------------
    period = ReportingPeriod.objects.get(round=round2024, due_date=D(2024, 2, 15))
    travel(D(2024, 2, 10))
    figures = {henan: (10, 20, 5, 1, 1), puyang: (4, 7, 3, 0, 0)}
    for platform, values in figures.items():
        api = __import__("rest_framework.test", fromlist=["APIClient"]).APIClient()
        api.force_authenticate(people["lead-henan"])
        response = api.post(
            "/api/v1/trial-usage-reports/",
            {
                "platform": platform.pk,
                "period": period.pk,
                "lines": [{"vendor": vendors["SZCA"].pk, **dict(zip(FIELDS, values))}],
            },
            format="json",
        )
        assert response.status_code == 201, response.data
    page = lead_henan.get(reverse("trial:writtenreport_new"), {"period": period.pk})
    assert page.status_code == 200
    collected = page.context["collected"]
    assert [(r["platform"], r["values"]) for r in collected.rows] == sorted(
        [(henan.name, [20, 5]), (puyang.name, [7, 3])]
    )
    assert collected.totals == {"bids": 27, "cross_region_bids": 8}
    html = page.content.decode()
    assert 'data-testid="written-report-form"' in html and 'data-testid="layout-note"' in html
    # The form sends the period whose statistics the page shows; its letter is a styled text area.
    assert f'<input type="hidden" name="period" value="{period.pk}"' in html
    assert re.search(r'<textarea name="letter"[^>]*class="form-control"', html)
    # The Beijing platform is not Henan's: the lead department cannot report for it.
    api.force_authenticate(people["lead-henan"])
    refused = api.post(
        "/api/v1/trial-usage-reports/",
        {
            "platform": beijing.pk,
            "period": period.pk,
            "lines": [{"vendor": vendors["SZCA"].pk, **dict(zip(FIELDS, (1, 1, 1, 0, 0)))}],
        },
        format="json",
    )
    assert refused.status_code == 400

    travel(D(2024, 2, 14))
    response = lead_henan.post(reverse("trial:writtenreport_new"), {"period": period.pk, "letter": ""})
    assert response.status_code == 302
    report = WrittenReport.objects.get(reporter=henan_lead, period=period)
    assert report.number == f"{HENAN_LEAD}〔2024〕1号" and not report.is_late
    assert report.table["total_values"] == [27, 8] and report.table["columns"][0][0] == "bids"
    duty = written.get(authority=henan_lead, due_date=D(2024, 2, 15))
    assert duty.status == "fulfilled" and report.number in duty.evidence
    pdf = lead_henan.get(reverse("trial:writtenreport_pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # 法规司 hears of it in its inbox, and sees it in its list.
    assert Notification.objects.filter(
        topic=f"trial:written:{report.pk}", channel="inbox", user=people["fagui"]
    ).exists()
    listing = fagui.get(reverse("trial:writtenreport_list"))
    assert report in list(listing.context["object_list"])
    # A second report of the same period is refused.
    again = lead_henan.post(reverse("trial:writtenreport_new"), {"period": period.pk})
    assert again.status_code == 200 and WrittenReport.objects.filter(reporter=henan_lead).count() == 1

    # --- 16 February: Beijing's lead department has not reported: reminded, copied, flagged ---------
    travel(D(2024, 2, 12))
    run_sweep(deliver=False)
    late_duty = written.get(authority=beijing_lead, due_date=D(2024, 2, 15))
    reminders = Notification.objects.filter(obligation=late_duty)
    assert reminders.filter(channel="inbox", user=people["lead-beijing"], is_copy=False).exists()
    assert reminders.filter(channel="inbox", user=people["fagui"], is_copy=True).exists()  # 法规司 copied
    travel(D(2024, 2, 16))
    run_sweep(deliver=False)
    late_duty.refresh_from_db()
    assert late_duty.status == "overdue"
    flagged = Finding.objects.get(obligation=late_duty, kind=Finding.Kind.OVERDUE)
    assert flagged.authority == beijing_lead
    # 法规司 sees the flag; the Henan lead department does not see Beijing's duty.
    assert Finding.objects.visible_to(people["fagui"]).filter(pk=flagged.pk).exists()
    assert not Obligation.objects.visible_to(people["lead-henan"]).filter(pk=late_duty.pk).exists()

    # --- a feedback item marked for national attention reaches 法规司 -----------------------------------
    item = Feedback.objects.create(category="suggestion", platform=puyang, description="跨省投标时需重复注册。")
    hidden = Feedback.objects.create(category="other", platform=puyang, description="本地问题")
    assert not Feedback.objects.visible_to(people["fagui"]).exists()
    assert (
        logged_in(User.objects.get(username="puyang"))
        .post(reverse("trial:feedback_mark_national", args=[item.pk]), {"note": "需统一各省注册规则"})
        .status_code
        == 302
    )
    page = fagui.get(reverse("trial:feedback_national"))
    assert list(page.context["rows"]) == [item]
    assert fagui.get(reverse("trial:feedback_detail", args=[hidden.pk])).status_code == 404
    assert Notification.objects.filter(topic=f"trial:feedback:national:{item.pk}", user=people["fagui"]).exists()
    digest = digest_context(people["office"], D(2024, 2, 16))
    assert [(s.count, s.lines[0].split()[0]) for s in digest["sections"]] == [(1, item.tracking_number)]
    assert mail.outbox == []  # nothing sent without delivery


def test_an_upheld_technical_barrier_is_a_finding_against_the_platform(personas, platforms, client):
    response = client.post(
        reverse("trial:feedback_new"),
        {"category": "technical_barrier", "platform": platforms["henan"].pk, "description": "平台要求安装自有控件。"},
    )
    assert response.status_code == 302, response.context["form"].errors
    item = Feedback.objects.get(category="technical_barrier")
    finding = feedback_flow.to_finding(item, by=personas["province"])
    assert (finding.kind, finding.platform) == (Finding.Kind.TECHNICAL_BARRIER, platforms["henan"])
    assert "不得通过自行修改标准或设置技术障碍" in finding.facts["basis"]["quote"]


def test_the_other_localities_coverage_is_a_duty_with_no_date_that_ages(round2023, travel):
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    duty = Obligation.objects.get(platform=henan, kind="coverage", campaign="trial:2023")
    assert duty.due_date is None and "全覆盖" in duty.title
    assert not Obligation.objects.filter(platform__kind="enterprise", kind="coverage", campaign="trial:2023").exists()
    travel(D.today() + datetime.timedelta(days=400))
    result = run_sweep(deliver=False)
    assert result.obligations > 0
    duty.refresh_from_db()
    assert duty.status == "overdue"
    assert Finding.objects.get(obligation=duty).facts["as_soon_as_possible"] is True


# --- pages and API per role ------------------------------------------------------------------------------


def test_pages_show_the_national_forms_and_buttons_to_the_allowed_roles_only(people, personas, round2023, world):
    fagui, lead, province = people["fagui"], people["lead-henan"], personas["province"]
    round_page = reverse("trial:round_detail", args=[round2023.pk])
    assert 'data-testid="publish-round"' in logged_in(fagui).get(round_page).content.decode()
    for user in (province, lead, personas["puyang"], personas["szca"]):
        html = logged_in(user).get(round_page).content.decode()
        assert 'data-testid="publish-round"' not in html, user
        assert 'data-testid="layout-note"' in html
    assert logged_in(lead).get(reverse("trial:writtenreport_new")).status_code == 200
    for user in (fagui, province, personas["platform-puyang"], personas["szca"]):
        assert logged_in(user).get(reverse("trial:writtenreport_new")).status_code == 403, user
    announcement = world["henan"]["announcement"]
    page = reverse("trial:announcement_detail", args=[announcement.pk])
    assert 'data-testid="display-form"' in logged_in(province).get(page).content.decode()
    html = logged_in(fagui).get(page).content.decode()  # 法规司 reads the participants', writes none
    assert 'data-testid="displays"' in html and 'data-testid="display-form"' not in html
    # 法规司 may not change a province's records.
    assert (
        logged_in(fagui).post(reverse("trial:announcement_display_add", args=[announcement.pk]), {}).status_code == 403
    )


def test_api_reads_and_writes_per_role(people, personas, api_for, round2023, world, travel):
    from rest_framework.test import APIClient

    def api(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    fagui, lead = people["fagui"], people["lead-henan"]
    announcement = world["henan"]["announcement"]
    display = {
        "announcement": announcement.pk,
        "place": "website",
        "location": "https://ggzy.example.com/notice/1",
        "shown_from": "2023-02-01",
        "evidence_url": "https://ggzy.example.com/notice/1",
    }
    assert api(fagui).post("/api/v1/trial-announcement-displays/", display, format="json").status_code == 403
    assert api(personas["szca"]).post("/api/v1/trial-announcement-displays/", display, format="json").status_code in (
        400,
        403,
    )
    created = api(personas["province"]).post("/api/v1/trial-announcement-displays/", display, format="json")
    assert created.status_code == 201, created.data
    assert AnnouncementDisplay.objects.get().recorded_by == personas["province"]
    no_evidence = {**display, "evidence_url": ""}
    assert (
        api(personas["province"]).post("/api/v1/trial-announcement-displays/", no_evidence, format="json").status_code
        == 400
    )
    ids = [row["id"] for row in api(fagui).get("/api/v1/trial-announcement-displays/").data["results"]]
    assert ids == [created.data["id"]]  # Henan takes part: 法规司 reads it
    assert api(personas["puyang"]).get("/api/v1/trial-announcement-displays/").data["count"] == 0

    # Publishing a round: 法规司 only.
    assert api(personas["province"]).post(f"/api/v1/trial-rounds/{round2023.pk}/publish/").status_code == 403
    assert api(lead).post(f"/api/v1/trial-rounds/{round2023.pk}/publish/").status_code == 403
    assert api(fagui).post(f"/api/v1/trial-rounds/{round2023.pk}/publish/").status_code == 200

    # Written reports: the lead department writes, 法规司 and the body read, others see nothing.
    period = round2023.periods.order_by("due_date").first()
    henan_participant = TrialParticipant.objects.get(round=round2023, platform=world["henan"]["report"].platform)
    assert henan_participant.reporter.name == HENAN_LEAD
    assert api(fagui).post("/api/v1/trial-written-reports/", {"period": period.pk}).status_code == 403
    assert api(personas["province"]).post("/api/v1/trial-written-reports/", {"period": period.pk}).status_code == 403
    sent = api(lead).post("/api/v1/trial-written-reports/", {"period": period.pk}, format="json")
    assert sent.status_code == 201, sent.data
    assert sent.data["is_late"] is True and sent.data["number"].endswith("号")
    for user, count in (
        (fagui, 1),
        (lead, 1),
        (people["lead-beijing"], 0),
        (personas["szca"], 0),
        (personas["province"], 1),
    ):
        assert api(user).get("/api/v1/trial-written-reports/").data["count"] == count, user
    assert api(lead).post("/api/v1/trial-written-reports/", {"period": period.pk}).status_code == 400


def test_the_national_office_reads_only_what_a_province_shares(people, personas, round2023):
    fagui = people["fagui"]
    zhengzhou = Platform.objects.get(name="郑州市公共资源交易中心交易平台")  # not a 2023 participant
    duties = Obligation.objects.visible_to(fagui)
    henan = Region.objects.get(code="410000")
    assert henan.shares_with_national  # the demo's choice
    assert duties.filter(platform=zhengzhou).exists() == Obligation.objects.filter(platform=zhengzhou).exists()
    henan.shares_with_national = False
    henan.save()
    assert not Obligation.objects.visible_to(fagui).filter(platform=zhengzhou).exists()
    # Participants stay visible whatever the provinces share.
    assert Obligation.objects.visible_to(fagui).filter(platform__trial_participations__round=round2023).exists()
    # Reading is not changing: no write permission on a province's duty.
    duty = Obligation.objects.filter(platform__name="河南省公共资源交易中心交易平台").first()
    assert not fagui.has_perm(Obligation.get_perm("change"), duty)
    assert not fagui.has_perm(Obligation.get_perm("fulfil"), duty)
    assert not fagui.has_perm(Announcement.get_perm("approve"), Announcement(platform=duty.platform))


def test_a_lead_department_reads_its_platforms_records_and_changes_none(people, round2023, world):
    """A reporting body collects its platforms' statistics and reports them; the platforms' own records
    (announcements, coverage, agreements, remedy plans, incidents, displays) are their operators' and
    their administrators' to change, not the lead department's."""
    from rest_framework.test import APIClient

    lead = people["lead-henan"]
    api = APIClient()
    api.force_authenticate(lead)
    web = logged_in(lead)
    henan = world["henan"]
    assert TrialParticipant.objects.get(round=round2023, platform=henan["announcement"].platform).reporter == (
        lead.authority
    )
    type(henan["announcement"]).objects.filter(pk=henan["announcement"].pk).update(status="draft", published_at=None)
    records = {
        "trial-announcements": (henan["announcement"], {"title": "改了"}),
        "trial-coverage": (henan["coverage"], {"notes": "改了"}),
        "trial-agreements": (henan["agreement"], {"title": "改了"}),
        "trial-remedy-plans": (henan["plan"], {"description": "改了"}),
        "trial-incidents": (henan["incident"], {"bidder": "改了"}),
    }
    for route, (row, change) in records.items():
        url = f"/api/v1/{route}/{row.pk}/"
        assert api.get(url).status_code == 200, route  # it reads them
        before = type(row).objects.filter(pk=row.pk).values().get()
        assert api.patch(url, change, format="json").status_code == 403, route
        assert type(row).objects.filter(pk=row.pk).values().get() == before, route
    announcement = world["puyang"]["announcement"]  # a draft of a platform it does not report for
    henan_draft = henan["announcement"]
    type(henan_draft).objects.filter(pk=henan_draft.pk).update(status="approved", published_at=None)
    assert web.post(reverse("trial:announcement_publish", args=[henan_draft.pk])).status_code in (403, 404)
    henan_draft.refresh_from_db()
    assert henan_draft.status == "approved"
    display = {"place": "website", "location": "https://ggzy.example.com/1", "shown_from": "2023-02-01"}
    display["evidence_url"] = display["location"]
    before = AnnouncementDisplay.objects.count()
    assert web.post(reverse("trial:announcement_display_add", args=[henan_draft.pk]), display).status_code == 403
    assert api.post(
        "/api/v1/trial-announcement-displays/", {**display, "announcement": henan_draft.pk}, format="json"
    ).status_code in (400, 403)
    assert AnnouncementDisplay.objects.count() == before
    assert api.patch(f"/api/v1/trial-announcements/{announcement.pk}/", {"title": "x"}).status_code == 404
