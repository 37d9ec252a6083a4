"""Rounds, duties and the trial's own rules: the seeded facts of 发改办法规〔2023〕54号, the obligations a
round creates (once), dates that move, a new year's round, pilot-city coverage, failures not remedied
after the plan was due, agreements' renewal reminders."""

import datetime

import pytest
from django.urls import reverse
from trialtest import set_dates

from supervision.engine.sweep import run_sweep
from supervision.models import Authority, BusinessDomain, Directive, Finding, Obligation, Platform
from supervision.services import raise_finding
from trial import checks, rounds, workflow
from trial.models import Agreement, Coverage, DecryptionIncident, RemedyPlan, TrialParticipant, TrialRound
from trial.tasks import trial_checks

pytestmark = pytest.mark.django_db

D = datetime.date
PILOT_CITIES = {"北京市", "上海市", "重庆市", "深圳市", "杭州市", "广州市"}


def test_the_notice_and_its_participants_are_facts(round2023):
    directive = Directive.objects.get(number="发改办法规〔2023〕54号")
    assert (directive.issuer.name, directive.issued_on, directive.year) == (
        "国家发展改革委办公厅",
        D(2023, 1, 19),
        2023,
    )
    assert "网络共享数字证书" in directive.text and "國" not in directive.text and "(guó)" not in directive.text
    assert round2023.directive == directive
    assert [(p.due_date, p.starts_on, p.ends_on) for p in round2023.periods.order_by("due_date")] == [
        (D(2023, 2, 15), D(2023, 1, 19), D(2023, 2, 14)),
        (D(2023, 3, 31), D(2023, 2, 15), D(2023, 3, 30)),
    ]
    participants = TrialParticipant.objects.filter(round=round2023).select_related("platform__region")
    assert participants.count() == 12
    assert sorted(p.platform.kind for p in participants).count("enterprise") == 3
    assert {p.platform.region.name for p in participants if p.is_pilot_city} == PILOT_CITIES
    duties = Obligation.objects.filter(campaign="trial:2023", directive=directive)
    # Five duties each; coverage for the six pilot cities ("全部招标投标领域") and, with no date, for the
    # three other localities ("其他地方……尽快……全覆盖"); the twelve reporting bodies' two written reports.
    assert duties.count() == 12 * 5 + 6 + 3 + 12 * 2
    assert duties.filter(kind="coverage").count() == 9
    assert set(round2023.coverage_domains.all()) == set(BusinessDomain.objects.all())
    office = Authority.objects.get(name=rounds.NATIONAL_OFFICE)
    written = duties.filter(kind="written_report")
    assert written.count() == 24 and set(written.values_list("recipient", flat=True)) == {office.pk}
    henan = TrialParticipant.objects.get(round=round2023, platform__name="河南省公共资源交易中心交易平台")
    assert henan.reporter.kind == "lead_department"
    assert set(duties.filter(platform=henan.platform).values_list("recipient", flat=True)) == {henan.reporter_id}
    assert set(duties.filter(kind="usage_statistics").values_list("due_date", flat=True)) == {
        D(2023, 2, 15),
        D(2023, 3, 31),
    }
    assert not duties.filter(kind="announcement").exclude(due_date=None).exists()  # "即日起": as soon as possible
    assert rounds.sync_round(round2023) == 0  # a second sync creates nothing


def test_moving_a_date_moves_the_pending_obligations(round2023, travel):
    travel(D(2023, 1, 20))
    set_dates(round2023, announcement_due=D(2023, 2, 1))
    duties = Obligation.objects.filter(campaign="trial:2023", kind="announcement")
    assert set(duties.values_list("status", "due_date")) == {("open", D(2023, 2, 1))}
    travel(D(2023, 3, 1))
    run_sweep(deliver=False)
    assert set(duties.values_list("status", flat=True)) == {"overdue"}
    late = Finding.objects.filter(obligation__in=duties, kind="overdue")
    assert set(late.values_list("status", flat=True)) == {"open"}
    set_dates(round2023, announcement_due=D(2023, 4, 1))  # the office gives more time
    assert set(duties.values_list("status", "due_date")) == {("open", D(2023, 4, 1))}
    # No longer late: the findings raised on the old date are withdrawn, with the reason.
    assert set(late.values_list("status", flat=True)) == {"dismissed"}
    assert all("2023-04-01" in finding.evidence for finding in late)
    travel(D(2023, 4, 5))  # late again on the new date: the same findings stand again
    run_sweep(deliver=False)
    assert set(duties.values_list("status", flat=True)) == {"overdue"}
    assert set(late.values_list("status", flat=True)) == {"open"} and late.count() == duties.count()


def test_a_date_set_after_it_passed_is_to_be_confirmed_not_overdue(round2023, travel):
    """Rule 6: a date the parties never had before it passed (set on 1 March for 15 February) makes the
    duties "to be confirmed"; the sweep does not count them overdue; a later date opens them again."""
    travel(D(2023, 3, 1))
    set_dates(round2023, remedy_plan_due=D(2023, 2, 15))
    duties = Obligation.objects.filter(campaign="trial:2023", kind="remedy_plan")
    assert set(duties.values_list("status", "due_date")) == {("to_confirm", D(2023, 2, 15))}
    run_sweep(deliver=False)
    assert set(duties.values_list("status", flat=True)) == {"to_confirm"}
    assert not Finding.objects.filter(obligation__in=duties).exists()
    set_dates(round2023, remedy_plan_due=D(2023, 3, 31))
    assert set(duties.values_list("status", "due_date")) == {("open", D(2023, 3, 31))}


def test_a_new_years_round_is_a_campaign_of_the_administrator(client_for, round2023):
    client = client_for("province")
    response = client.post(
        reverse("trial:round_add"),
        {"code": "2024", "name": "2024年试运行", "starts_on": "2024-01-15", "announcement_due": "2024-02-01"},
    )
    assert response.status_code == 302
    new = TrialRound.objects.get(code="2024")
    assert TrialRound.objects.current() == new
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    assert client.post(reverse("trial:participant_add"), {"round": new.pk, "platform": henan.pk}).status_code == 302
    beijing = Platform.objects.get(name="北京市公共资源交易中心交易平台")
    outside = client.post(reverse("trial:participant_add"), {"round": new.pk, "platform": beijing.pk})
    assert outside.status_code == 200  # not a platform of Henan
    for due in ("2024-02-15", "2024-03-31"):
        response = client.post(
            reverse("trial:period_add"),
            {
                "round": new.pk,
                "label": f"统计 {due}",
                "starts_on": "2024-01-15",
                "ends_on": "2024-01-31",
                "due_date": due,
            },
        )
        assert response.status_code == 302
    duties = Obligation.objects.filter(campaign="trial:2024")
    assert sorted(duties.values_list("kind", "due_date")) == sorted(
        [
            ("announcement", D(2024, 2, 1)),
            ("component_agreement", None),
            ("coverage", None),
            ("remedy_plan", None),
            ("usage_statistics", D(2024, 2, 15)),
            ("usage_statistics", D(2024, 3, 31)),
        ]
    )
    assert set(duties.values_list("platform", flat=True)) == {henan.pk}
    assert client_for("puyang").get(reverse("trial:round_add")).status_code == 403


def test_evidence_recorded_earlier_fulfils_a_new_rounds_duties(round2023):
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    RemedyPlan.objects.create(platform=henan, kind="own", description="方案", effective_from=D(2023, 1, 19))
    new = TrialRound.objects.create(code="2025", name="2025", starts_on=D(2025, 1, 1))
    TrialParticipant.objects.create(round=new, platform=henan)
    rounds.sync_round(new)
    assert Obligation.objects.get(campaign="trial:2025", kind="remedy_plan").status == "fulfilled"
    assert Obligation.objects.get(campaign="trial:2025", kind="announcement").status == "open"


def test_a_pilot_city_incomplete_on_the_check_date_gets_a_finding(round2023, travel, vendors):
    beijing = Platform.objects.get(name="北京市公共资源交易中心交易平台")
    shanghai = Platform.objects.get(name="上海市公共资源交易中心交易平台")
    domains = list(round2023.coverage_domains.all())  # every field: "全部招标投标领域"
    assert len(domains) > 1
    travel(D(2023, 3, 1))
    set_dates(round2023, coverage_due=D(2023, 3, 1))
    for domain in domains:
        Coverage.objects.create(platform=beijing, domain=domain, level="city", accepted=True, since=D(2023, 1, 20))
    for domain in domains:
        for level in ("city", "county"):
            coverage = Coverage.objects.create(
                platform=shanghai, domain=domain, level=level, accepted=True, since=D(2023, 2, 1)
            )
            if domain != domains[-1] or level != "county":  # one gap left: not yet fulfilled
                workflow.coverage_saved(coverage)
                assert Obligation.objects.get(platform=shanghai, kind="coverage", campaign="trial:2023").is_pending
    workflow.coverage_saved(coverage)
    assert Obligation.objects.get(platform=shanghai, kind="coverage", campaign="trial:2023").status == "fulfilled"

    assert trial_checks.delay("2023-03-01").get()["coverage_findings"] == 0  # the day itself is the cities'
    result = trial_checks.delay("2023-03-02").get()
    assert result["coverage_findings"] == 5  # Beijing (county missing) and the four pilot cities with nothing
    finding = Finding.objects.get(kind=Finding.Kind.COVERAGE_INCOMPLETE, platform=beijing)
    assert finding.facts["missing"] == [f"{domain.name}·区县级" for domain in domains]
    assert finding.obligation == Obligation.objects.get(platform=beijing, kind="coverage", campaign="trial:2023")
    assert not Finding.objects.filter(kind=Finding.Kind.COVERAGE_INCOMPLETE, platform=shanghai).exists()
    assert checks.run_checks(D(2023, 3, 3))["coverage_findings"] == 0  # once per platform
    travel(D(2023, 3, 10))
    for domain in domains:  # Beijing's counties follow: the finding resolves itself
        workflow.coverage_saved(
            Coverage.objects.create(platform=beijing, domain=domain, level="county", accepted=True, since=D(2023, 3, 9))
        )
    finding.refresh_from_db()
    assert finding.status == "resolved" and "均已应用" in finding.evidence
    # Non-pilot participants have no dated coverage duty and no finding (theirs is "尽快", by age).
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    assert not Finding.objects.filter(kind=Finding.Kind.COVERAGE_INCOMPLETE, platform=henan).exists()


def test_no_coverage_finding_before_the_date_or_without_one(round2023):
    assert checks.run_checks(D(2023, 12, 31))["coverage_findings"] == 0  # no date set
    round2023.coverage_due = D(2023, 6, 1)
    round2023.save()
    assert checks.run_checks(D(2023, 5, 31))["coverage_findings"] == 0


def incident(platform, vendors, day, remedy=""):
    record = DecryptionIncident.objects.create(
        platform=platform,
        occurred_on=day,
        project_code=f"P{day:%m%d}",
        project_name="项目",
        bidder="某公司",
        vendor=vendors["HNCA"],
        cause="platform",
        remedy_applied=remedy,
        outcome="recovered" if remedy else "withdrawn",
        responsible="platform",
    )
    workflow.incident_saved(record)
    return record


def test_an_unremedied_failure_after_the_plans_date_is_found_once(round2023, vendors, travel):
    """54号 二: the plan is owed by its date; a failure on or before it, or one remedied (the record names
    the remedy), accuses nobody; one not remedied afterwards is the finding, once, tied to the duty."""
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    travel(D(2023, 1, 20))
    set_dates(round2023, remedy_plan_due=D(2023, 2, 1))
    travel(D(2023, 2, 5))
    duty = Obligation.objects.get(platform=henan, kind="remedy_plan", campaign="trial:2023")
    incident(henan, vendors, D(2023, 2, 1))  # the due day itself
    incident(henan, vendors, D(2023, 2, 2), remedy="按方案重新解密")
    assert not Finding.objects.filter(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN).exists()
    incident(henan, vendors, D(2023, 2, 3))
    incident(henan, vendors, D(2023, 2, 4))
    finding = Finding.objects.get(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN)
    assert (finding.platform, finding.obligation, finding.facts["incidents"]) == (henan, duty, 1)
    assert finding.facts["overdue_from"] == "2023-02-02" and finding.facts["basis"]["clause"] == "二"
    assert "应2023-02-01前部署" in finding.summary and "均未采取救济措施" in finding.summary
    assert checks.run_checks(D(2023, 3, 1))["incident_findings"] == 0  # once per platform
    assert Finding.objects.get(pk=finding.pk).status == "open"


def test_an_undated_plan_is_overdue_only_after_the_policys_age(round2023, vendors):
    """With no date (尽快) the duty counts as overdue once the portal has watched it for the reminder
    policy's age (180 days), as the sweep does: a failure before that accuses nobody."""
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    duty = Obligation.objects.get(platform=henan, kind="remedy_plan", campaign="trial:2023")
    assert duty.due_date is None
    incident(henan, vendors, D(2023, 2, 1))
    assert checks.run_checks(D(2023, 3, 1))["incident_findings"] == 0
    watched = datetime.datetime(2023, 1, 20, 9, tzinfo=datetime.UTC)
    Obligation.objects.filter(pk=duty.pk).update(created=watched)
    incident(henan, vendors, D(2023, 7, 18))  # day 179 of watching
    assert not Finding.objects.filter(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN).exists()
    incident(henan, vendors, D(2023, 7, 19))  # day 180: overdue
    finding = Finding.objects.get(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN)
    assert finding.facts["overdue_from"] == "2023-07-19" and "应尽快部署" in finding.summary


def test_a_plan_recorded_clears_the_finding(round2023, vendors, personas, travel):
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    travel(D(2023, 1, 20))
    set_dates(round2023, remedy_plan_due=D(2023, 2, 1))
    travel(D(2023, 3, 10))
    incident(henan, vendors, D(2023, 2, 3))
    finding = Finding.objects.get(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN)
    plan = RemedyPlan.objects.create(platform=henan, kind="own", description="方案", effective_from=D(2023, 3, 1))
    workflow.plan_saved(plan, by=personas["province"])
    finding.refresh_from_db()
    assert finding.status == "resolved" and "2023-03-01起施行" in finding.evidence
    assert finding.history.first().history_change_reason == "condition cleared on re-check"
    incident(henan, vendors, D(2023, 3, 5))
    assert Finding.objects.filter(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN).count() == 1


def test_a_finding_raised_by_the_earlier_reading_is_dismissed_with_its_reason(round2023, vendors):
    """An earlier version raised the finding on any failure with no plan on record (the 2023 round's plan
    has no date, so none was overdue): the daily check dismisses it with the reason, never deletes it."""
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    record = incident(henan, vendors, D(2023, 2, 1), remedy="按方案重新解密")
    assert not Finding.objects.filter(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN).exists()
    wrong, _ = raise_finding(
        kind=Finding.Kind.INCIDENT_WITHOUT_PLAN,
        party=henan,
        dedup_key=f"trial:incident-without-plan:{henan.pk}",
        summary=f"{henan.name}：发生解密失败但未部署解密失败的防范和救济保障方案",
        facts={"incidents": 1, "first_incident": record.occurred_on.isoformat()},
    )
    result = checks.run_checks(D(2023, 3, 1))
    assert (result["incident_findings_dismissed"], result["incident_findings"]) == (1, 0)
    wrong.refresh_from_db()
    assert wrong.status == "dismissed" and checks.NO_BASIS in wrong.evidence
    assert wrong.history.first().history_change_reason == "wrong basis: dismissed with its reason"
    assert checks.run_checks(D(2023, 3, 2))["incident_findings_dismissed"] == 0
    # Later the plan's duty does fall overdue and a failure goes unremedied: a finding of its own.
    duty = Obligation.objects.get(platform=henan, kind="remedy_plan", campaign="trial:2023")
    Obligation.objects.filter(pk=duty.pk).update(created=datetime.datetime(2023, 1, 20, tzinfo=datetime.UTC))
    incident(henan, vendors, D(2023, 8, 1))
    found = Finding.objects.get(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN, status="open")
    assert found.pk != wrong.pk and found.obligation == duty


def test_agreements_get_renewal_reminders_through_the_engine(round2023):
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    agreement = Agreement.objects.create(
        kind="component",
        platform=henan,
        title="互认组件技术运行服务协议",
        signed_on=D(2023, 1, 20),
        term_end=D(2024, 1, 19),
    )
    workflow.agreement_saved(agreement)
    assert (
        Obligation.objects.get(platform=henan, kind="component_agreement", campaign="trial:2023").status == "fulfilled"
    )
    renewal = Obligation.objects.get(kind="agreement_renewal", key=f"agreement:{agreement.pk}")
    assert (renewal.due_date, renewal.status) == (D(2024, 1, 19), "open")
    agreement.term_end = D(2024, 6, 30)
    agreement.save()
    workflow.agreement_saved(agreement)
    renewals = Obligation.objects.filter(kind="agreement_renewal", key=f"agreement:{agreement.pk}")
    assert sorted(renewals.values_list("due_date", "status")) == [(D(2024, 1, 19), "waived"), (D(2024, 6, 30), "open")]
    follow_up = Agreement.objects.create(
        kind="component",
        platform=henan,
        title="续签协议",
        signed_on=D(2024, 6, 1),
        term_end=D(2025, 6, 30),
        renews=agreement,
    )
    workflow.agreement_saved(follow_up)
    assert renewals.get(due_date=D(2024, 6, 30)).status == "fulfilled"
    assert Obligation.objects.get(kind="agreement_renewal", key=f"agreement:{follow_up.pk}").status == "open"


def test_a_standard_agreement_is_encouraged_and_owes_no_renewal(round2023):
    """54号 二 only encourages the standard service agreement ("鼓励……签订"): its term end is no duty. One
    an earlier version created is waived with the reason, and the finding its lateness raised dismissed."""
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    agreement = Agreement.objects.create(
        kind="standard", platform=henan, title="标准服务协议", signed_on=D(2023, 1, 20), term_end=D(2024, 1, 19)
    )
    workflow.agreement_saved(agreement)
    assert not Obligation.objects.filter(kind="agreement_renewal").exists()
    earlier = Obligation.objects.create(
        platform=henan,
        kind="agreement_renewal",
        title="标准服务协议到期续签",
        due_date=D(2024, 1, 19),
        status="overdue",
        dedup_key=f"trial:agreement:{agreement.pk}:renewal:2024-01-19",
        key=f"agreement:{agreement.pk}",
    )
    late, _new = raise_finding(
        kind="overdue", party=henan, dedup_key=f"overdue:obligation:{earlier.pk}", summary="逾期", obligation=earlier
    )
    assert workflow.waive_standard_renewals() == 2
    earlier.refresh_from_db()
    late.refresh_from_db()
    assert earlier.status == "waived" and earlier.waived_reason == workflow.NO_STANDARD_RENEWAL
    assert late.status == "dismissed" and workflow.NO_STANDARD_RENEWAL in late.evidence
    assert workflow.waive_standard_renewals() == 0


def test_dashboard_cards_and_menu(client_for, round2023):
    for persona, sees in (("province", True), ("puyang", True), ("szca", False)):
        response = client_for(persona).get(reverse("dashboard"))
        titles = [str(card.title) for card in response.context["cards"]]
        assert any("Trial" in t or "试运行" in t for t in titles) == sees, persona
        labels = [str(item.label) for item in response.context["nav_items"]]
        assert any(label in ("Trial", "试运行") for label in labels)


@pytest.mark.parametrize(
    "name, api",
    [
        ("trial:writtenreport_list", "/api/v1/trial-written-reports/"),
        ("trial:usagereport_list", "/api/v1/trial-usage-reports/"),
        ("trial:participant_list", "/api/v1/trial-participants/"),
    ],
)
def test_the_round_is_chosen_from_the_rounds_by_name(client_for, api_for, round2023, name, api):
    """The lists' round filter is a select of the rounds (their names shown, their codes sent), not a code
    typed by hand; an unknown code shows no rows on the page and a translated 400 in the API."""
    page = client_for("province").get(reverse(name), {"round": "2023"})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<select name="round"' in html and f'<option value="2023" selected>{round2023}</option>' in html
    unknown = client_for("province").get(reverse(name), {"round": "1999"})
    assert unknown.status_code == 200 and not unknown.context["object_list"]
    assert api_for("province").get(api, {"round": "2023"}).status_code == 200
    refused = api_for("province").get(api, {"round": "1999"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400 and "选择一个有效的选项" in str(refused.data["round"])


def test_each_coverage_duty_cites_its_own_sentence(round2023):
    """Two rules create coverage duties from 54号 三: the pilot cities' ("首批6个……两级全部") and the other
    localities' ("其他地方……尽快……全覆盖"); each duty, its reminders and its overdue finding cite its own."""
    duties = Obligation.objects.filter(campaign="trial:2023", kind="coverage")
    pilot = duties.get(platform__name="北京市公共资源交易中心交易平台")
    other = duties.get(platform__name="河南省公共资源交易中心交易平台")
    assert "首批6个营商环境创新试点城市" in pilot.basis.quote
    assert other.basis.quote.startswith("其他地方也要加快工作节奏") and other.due_date is None
    Obligation.objects.filter(pk=other.pk).update(created=datetime.datetime(2023, 1, 20, tzinfo=datetime.UTC))
    run_sweep(D(2023, 9, 1), deliver=False)
    finding = Finding.objects.get(obligation=other, kind="overdue")
    assert finding.facts["basis"]["quote"] == other.basis.quote
