"""The 2023 trial as the province lives it, through the pages and the API, with the clock moving.

Henan's provincial platform (A) and Puyang's (B) publish their announcements, Zhengzhou's (C) never
does and gets the engine's overdue finding; A reports by form, B by the API, C by Excel one day late;
the national table adds the three up to the figures computed here by hand; C, its remedy plan overdue,
logs a decryption failure it did not remedy (finding), A remedies one with its plan (no finding); a bidder's complaint that A refused
a network-shared certificate becomes a finding against A.
"""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from supervision.engine.sweep import run_sweep
from supervision.models import BusinessDomain, Finding, Obligation
from trial.models import Announcement, DecryptionIncident, Feedback, TrialParticipant, UsageReport

pytestmark = pytest.mark.django_db

D = datetime.date
FIGURES = {  # platform → vendor → (registered, bids, cross-region, failures, remedies)
    "A": {"SZCA": (12, 30, 7, 1, 1), "BJCA": (5, 8, 2, 0, 0)},
    "B": {"SZCA": (20, 15, 9, 2, 2), "HNCA": (3, 4, 1, 1, 0)},
    "C": {"BJCA": (7, 11, 6, 0, 0), "HNCA": (4, 6, 3, 2, 1)},
}
FIELDS = ("registered_entities", "bids", "cross_region_bids", "decryption_failures", "remedies_used")
# By hand: the sums of the figures above.
TOTAL = {"registered_entities": 51, "bids": 74, "cross_region_bids": 28, "decryption_failures": 6, "remedies_used": 4}
BY_VENDOR = {
    "深圳市电子商务安全证书管理有限公司": (32, 45, 16, 3, 3),
    "北京数字认证股份有限公司": (12, 19, 8, 0, 0),
    "河南省信息化发展有限公司": (7, 10, 4, 3, 1),
}


def line_post(prefix: str, lines: dict, vendors) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": "3",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": "100",
    }
    for i, (short, values) in enumerate(lines.items()):
        data[f"{prefix}-{i}-vendor"] = vendors[short].pk
        for name, value in zip(FIELDS, values):
            data[f"{prefix}-{i}-{name}"] = value
    return data


def announce(client, round_, platform, title):
    response = client.post(
        reverse("trial:announcement_add"),
        {
            "round": round_.pk,
            "platform": platform.pk,
            "title": title,
            "business_types": [BusinessDomain.objects.get(code="construction").pk],
            "scope": "本平台全部工程建设项目招标投标",
            "procedure": "在任一参与互认平台注册后，使用网络共享数字证书登录投标。",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return Announcement.objects.get(round=round_, platform=platform)


def test_the_2023_trial(
    travel, client_for, api_for, personas, platforms, vendors, round2023, operator_of, client, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    a, b, c = platforms["henan"], platforms["puyang"], platforms["zhengzhou"]
    op = {"A": client_for("province"), "B": client_for("platform-puyang")}
    from django.test import Client

    for key, platform in (("A", a), ("C", c)):
        op[key] = Client()
        op[key].force_login(operator_of(platform))
    province = client_for("province")

    # --- 20 January: the province sets the announcement date and adds Puyang and Zhengzhou ----
    travel(D(2023, 1, 20))
    response = province.post(
        reverse("trial:round_edit", args=[round2023.pk]),
        {
            "code": "2023",
            "name": round2023.name,
            "directive": round2023.directive_id,
            "starts_on": "2023-01-19",
            "announcement_due": "2023-02-01",
            "remedy_plan_due": "2023-02-10",
            "coverage_domains": [d.pk for d in round2023.coverage_domains.all()],
        },
    )
    assert response.status_code == 302
    for platform in (b, c):
        assert (
            province.post(
                reverse("trial:participant_add"), {"round": round2023.pk, "platform": platform.pk}
            ).status_code
            == 302
        )
    assert TrialParticipant.objects.filter(round=round2023).count() == 14
    for platform in (a, b, c):
        duties = Obligation.objects.filter(platform=platform, campaign="trial:2023")
        # Not pilot cities: "其他地方……尽快实现……全覆盖" is their coverage duty, with no date.
        assert sorted(duties.values_list("kind", flat=True)) == sorted(
            ["announcement", "remedy_plan", "component_agreement", "coverage", "usage_statistics", "usage_statistics"]
        )
        assert duties.get(kind="coverage").due_date is None
        assert duties.get(kind="announcement").due_date == D(2023, 2, 1)
        assert sorted(d.due_date for d in duties.filter(kind="usage_statistics")) == [D(2023, 2, 15), D(2023, 3, 31)]

    # --- A and B draft, get approved, publish; C never does ------------------------------------
    first = announce(op["A"], round2023, a, "河南省网络共享数字证书应用公告")
    second = announce(op["B"], round2023, b, "濮阳市网络共享数字证书应用公告")
    assert client.get(reverse("public_announcement", args=[first.pk])).status_code == 404  # a draft is not public
    # An operator cannot approve its own announcement; the office of its region can.
    assert op["B"].post(reverse("trial:announcement_approve", args=[second.pk])).status_code == 403
    assert province.post(reverse("trial:announcement_approve", args=[first.pk])).status_code == 302
    assert client_for("puyang").post(reverse("trial:announcement_approve", args=[second.pk])).status_code == 302
    for key, announcement in (("A", first), ("B", second)):
        assert op[key].post(reverse("trial:announcement_publish", args=[announcement.pk])).status_code == 302
        announcement.refresh_from_db()
        assert announcement.status == "published"
        assert client.get(reverse("public_announcement", args=[announcement.pk])).status_code == 200
        duty = Obligation.objects.get(platform=announcement.platform, kind="announcement", campaign="trial:2023")
        assert duty.status == "fulfilled" and announcement.title in duty.evidence
    directory = client.get(reverse("public_directory"))
    links = {row["participant"].platform_id: row["announcement"] for row in directory.context["rows"]}
    assert links[a.pk] == first and links[b.pk] == second and links[c.pk] is None

    travel(D(2023, 2, 2))
    run_sweep(deliver=False)
    late_duty = Obligation.objects.get(platform=c, kind="announcement", campaign="trial:2023")
    assert late_duty.status == "overdue"
    assert Finding.objects.filter(obligation=late_duty, kind=Finding.Kind.OVERDUE, platform=c).count() == 1
    assert not Finding.objects.filter(obligation__platform__in=[a, b], obligation__kind="announcement").exists()

    # --- statistics: A by form, B by API, C by Excel one day late ------------------------------
    period = round2023.periods.get(due_date=D(2023, 2, 15))
    travel(D(2023, 2, 10))
    response = op["A"].post(
        reverse("trial:usage_submit"),
        {"platform": a.pk, "period": period.pk, **line_post("lines", FIGURES["A"], vendors)},
    )
    assert response.status_code == 302, response.context["form"].errors
    travel(D(2023, 2, 14))
    api = api_for("platform-puyang")
    response = api.post(
        "/api/v1/trial-usage-reports/",
        {
            "platform": b.pk,
            "period": period.pk,
            "lines": [{"vendor": vendors[s].pk, **dict(zip(FIELDS, v))} for s, v in FIGURES["B"].items()],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    travel(D(2023, 2, 16))
    run_sweep(deliver=False)
    c_stats = Obligation.objects.get(platform=c, kind="usage_statistics", due_date=D(2023, 2, 15))
    assert c_stats.status == "overdue"
    template = load_workbook(io.BytesIO(op["C"].get(reverse("trial:usage_template")).content))
    sheet = template.active
    for short, values in FIGURES["C"].items():
        sheet.append([vendors[short].name, *values])
    upload = io.BytesIO()
    template.save(upload)
    upload.name = "zhengzhou.xlsx"
    upload.seek(0)
    response = op["C"].post(reverse("trial:usage_import"), {"platform": c.pk, "period": period.pk, "file": upload})
    assert response.status_code == 302, (response.context["form"].errors, response.context["row_errors"])

    reports = {r.platform_id: r for r in UsageReport.objects.filter(period=period)}
    assert (reports[a.pk].via, reports[b.pk].via, reports[c.pk].via) == ("form", "api", "xlsx")
    assert [reports[p.pk].is_late for p in (a, b, c)] == [False, False, True]
    c_stats.refresh_from_db()
    assert c_stats.status == "fulfilled" and "逾期" in c_stats.evidence
    for platform in (a, b):
        assert (
            Obligation.objects.get(platform=platform, kind="usage_statistics", due_date=D(2023, 2, 15)).status
            == "fulfilled"
        )

    page = province.get(reverse("trial:national_table"), {"round": "2023", "period": period.pk})
    table = page.context["table"]
    assert table["total"] == TOTAL
    assert {g.label: tuple(g.totals[f] for f in FIELDS) for g in table["vendors"]} == BY_VENDOR
    assert [(g.label, g.extra["platform_count"]) for g in table["provinces"]] == [("河南省", 3)]
    assert tuple(table["provinces"][0].totals.values()) == tuple(TOTAL.values())
    by_platform = {g.key: tuple(g.totals[f] for f in FIELDS) for g in table["platforms"]}
    assert by_platform[a.pk] == (17, 38, 9, 1, 1)
    assert by_platform[b.pk] == (23, 19, 10, 3, 2)
    assert by_platform[c.pk] == (11, 17, 9, 2, 1)
    states = {row["participant"].platform_id: row["cells"][0].state for row in page.context["matrix"]["rows"]}
    assert (states[a.pk], states[b.pk], states[c.pk]) == ("on_time", "on_time", "late")
    # The API adds up the same figures.
    national = api_for("province").get("/api/v1/trial-usage-lines/national/", {"period": period.pk}).data
    assert national["total"] == TOTAL

    # --- decryption failures: C has no remedy plan, A has one -----------------------------------
    travel(D(2023, 2, 20))
    response = op["A"].post(
        reverse("trial:remedyplan_add"),
        {
            "platform": a.pk,
            "kind": "own",
            "description": "自行研发部署解密失败救济方案",
            "effective_from": "2023-01-19",
        },
    )
    assert response.status_code == 302
    assert Obligation.objects.get(platform=a, kind="remedy_plan", campaign="trial:2023").status == "fulfilled"
    # A's failure was remedied with its plan; C's, after its plan's date of 2023-02-10 had passed with no
    # plan recorded, was not remedied (the bid withdrawn): that is the finding, on C's own records.
    remedies = {"A": ("使用救济方案恢复解密", "recovered"), "C": ("", "withdrawn")}
    for key, platform in (("A", a), ("C", c)):
        remedy, outcome = remedies[key]
        response = op[key].post(
            reverse("trial:incident_add"),
            {
                "platform": platform.pk,
                "occurred_on": "2023-02-18",
                "project_code": f"ZB-2023-{key}",
                "project_name": "某道路工程施工",
                "bidder": "某建设有限公司",
                "vendor": vendors["BJCA"].pk,
                "cause": "ca",
                "remedy_applied": remedy,
                "outcome": outcome,
                "responsible": "ca",
            },
        )
        assert response.status_code == 302
    assert DecryptionIncident.objects.filter(platform__in=[a, c]).count() == 2
    no_plan = Finding.objects.get(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN)
    duty = Obligation.objects.get(platform=c, kind="remedy_plan", campaign="trial:2023")
    assert (no_plan.platform, no_plan.obligation, no_plan.facts["overdue_from"]) == (c, duty, "2023-02-11")
    page = op["C"].get(no_plan.get_absolute_url()).content.decode()
    assert "应2023-02-10前部署" in page and "解密失败的防范和救济保障方案" in page  # the clause quoted

    # --- a bidder complains that A refused a network-shared certificate -------------------------
    response = client.post(
        reverse("trial:feedback_new"),
        {
            "category": "refusal",
            "platform": a.pk,
            "vendor": vendors["SZCA"].pk,
            "description": "投标时平台拒绝使用其他地区办理的网络共享数字证书。",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.tracking_number in response["Location"]
    assert (
        province.post(reverse("trial:feedback_finding", args=[feedback.pk]), {"party": "platform"}).status_code == 302
    )
    feedback.refresh_from_db()
    assert feedback.status == "finding"
    assert (feedback.finding.kind, feedback.finding.platform) == (Finding.Kind.REFUSAL, a)
    status = client.get(reverse("trial:feedback_status"), {"number": feedback.tracking_number})
    assert status.context["feedback"] == feedback
    assert "已立为问题" in status.content.decode() or feedback.get_status_display() in status.content.decode()
