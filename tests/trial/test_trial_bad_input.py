"""Bad input to the trial's pages and endpoints: a clear message, nothing written, never a 500."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from supervision.models import BusinessDomain, Platform
from trial.models import (
    Agreement,
    Announcement,
    Coverage,
    DecryptionIncident,
    Feedback,
    RemedyPlan,
    TrialRound,
    UsageLine,
    UsageReport,
)

pytestmark = pytest.mark.django_db

HENAN = "河南省公共资源交易中心交易平台"
FIELDS = ("registered_entities", "bids", "cross_region_bids", "decryption_failures", "remedies_used")


@pytest.fixture
def henan(registry):
    return Platform.objects.get(name=HENAN)


@pytest.fixture
def period(round2023):
    return round2023.periods.order_by("due_date").first()


@pytest.fixture
def operator(operator_of, henan):
    client = Client()
    client.force_login(operator_of(henan))
    client.cookies["django_language"] = "en"
    return client


def form_data(platform, period, lines, **extra) -> dict:
    data = {
        "platform": platform.pk,
        "period": period.pk,
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "100",
        **extra,
    }
    for i, (vendor, values) in enumerate(lines):
        data[f"lines-{i}-vendor"] = vendor.pk
        for name, value in zip(FIELDS, values):
            data[f"lines-{i}-{name}"] = value
    return data


def page_text(response) -> str:
    return response.content.decode()


def nothing_written():
    return not UsageReport.objects.exists() and not UsageLine.objects.exists()


# --- usage statistics: web form ------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, message",
    [
        ((-1, 2, 1, 0, 0), "greater than or equal to 0"),
        (("1.5", 2, 1, 0, 0), "whole number"),
        (("abc", 2, 1, 0, 0), "whole number"),
        ((3, 2, 5, 0, 0), "Cross-region bids cannot exceed all bids"),
        ((3, 2, 1, 1, 2), "Remedies used cannot exceed"),
    ],
)
def test_form_refuses_bad_counts(operator, henan, period, vendors, values, message):
    response = operator.post(reverse("trial:usage_submit"), form_data(henan, period, [(vendors["SZCA"], values)]))
    assert response.status_code == 200
    assert message in page_text(response)
    assert nothing_written()


def test_form_refuses_a_platform_the_operator_does_not_run(operator_of, period, vendors, round2023, registry):
    """Beijing's operator (a participant) reporting for Henan's platform."""
    client = Client()
    client.force_login(operator_of(Platform.objects.get(name="北京市公共资源交易中心交易平台")))
    client.cookies["django_language"] = "en"
    henan = Platform.objects.get(name=HENAN)
    response = client.post(
        reverse("trial:usage_submit"), form_data(henan, period, [(vendors["SZCA"], (1, 1, 0, 0, 0))])
    )
    assert response.status_code == 200
    assert "You may only report usage statistics for the platform you operate." in page_text(response)
    assert nothing_written()


def test_a_platform_outside_the_trial_is_told_why_it_has_nothing_to_report(personas, period, vendors, round2023):
    """Puyang's platform takes part in no round: no trial menu, no report button, and the report pages
    (reached by their address) say why instead of offering a form whose required platform list is empty;
    a forged post writes nothing."""
    client = Client()
    client.force_login(personas["platform-puyang"])
    client.cookies["django_language"] = "en"
    home = client.get(reverse("dashboard")).content.decode()
    assert reverse("trial:usagereport_list") not in home and reverse("trial:overview") not in home
    assert 'data-testid="report-usage"' not in client.get(reverse("trial:usagereport_list")).content.decode()
    for name in ("trial:usage_submit", "trial:usage_import"):
        response = client.get(reverse(name))
        text = page_text(response)
        assert response.status_code == 200 and "takes part in a trial round" in text, name
        assert 'type="submit"' not in response.content.decode().split("</nav>", 1)[1], name
    henan = Platform.objects.get(name=HENAN)
    client.post(reverse("trial:usage_submit"), form_data(henan, period, [(vendors["SZCA"], (1, 1, 0, 0, 0))]))
    assert nothing_written()


def test_the_report_buttons_are_on_the_reports_list_for_a_participant(operator_of, round2023):
    client = Client()
    client.force_login(operator_of(Platform.objects.get(name=HENAN)))
    html = client.get(reverse("trial:usagereport_list")).content.decode()
    assert 'data-testid="report-usage"' in html and reverse("trial:usage_import") in html


def test_form_refuses_an_administrator_outside_the_region(client_for, henan, period, vendors):
    client = client_for("zhengzhou")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("trial:usage_submit"), form_data(henan, period, [(vendors["SZCA"], (1, 1, 0, 0, 0))])
    )
    assert "This platform is not in your region." in page_text(response)
    assert nothing_written()


def test_overlapping_and_repeated_periods_are_refused(operator, henan, round2023, vendors):
    first, second = round2023.periods.order_by("due_date")
    line = [(vendors["SZCA"], (1, 1, 0, 0, 0))]
    assert operator.post(reverse("trial:usage_submit"), form_data(henan, first, line)).status_code == 302
    again = operator.post(reverse("trial:usage_submit"), form_data(henan, first, line))
    assert "already been submitted" in page_text(again)
    overlap = operator.post(
        reverse("trial:usage_submit"), form_data(henan, second, line, starts_on="2023-02-10", ends_on="2023-03-30")
    )
    assert "2023-02-10 – 2023-03-30 overlaps the report already submitted for 2023-01-19 – 2023-02-14" in page_text(
        overlap
    )
    backwards = operator.post(
        reverse("trial:usage_submit"), form_data(henan, second, line, starts_on="2023-03-30", ends_on="2023-03-01")
    )
    assert "ends before it starts" in page_text(backwards)
    assert UsageReport.objects.count() == 1 and UsageLine.objects.count() == 1


def test_no_lines_twice_the_same_vendor_and_a_platform_outside_the_trial(client_for, henan, period, vendors):
    client = client_for("puyang")
    client.cookies["django_language"] = "en"
    puyang = Platform.objects.get(name="濮阳市公共资源交易中心交易平台")
    outside = client.post(
        reverse("trial:usage_submit"), form_data(puyang, period, [(vendors["SZCA"], (1, 1, 0, 0, 0))])
    )
    assert "does not take part in this round" in page_text(outside)
    province = client_for("province")
    province.cookies["django_language"] = "en"
    twice = province.post(
        reverse("trial:usage_submit"),
        form_data(henan, period, [(vendors["SZCA"], (1, 1, 0, 0, 0)), (vendors["SZCA"], (2, 2, 0, 0, 0))]),
    )
    assert "appears twice" in page_text(twice)
    empty = province.post(reverse("trial:usage_submit"), form_data(henan, period, []))
    assert empty.status_code == 200 and "form-errors" in page_text(empty)
    assert nothing_written()


# --- usage statistics: API -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, field",
    [(-3, "registered_entities"), (1.5, "bids"), ("7.25", "bids"), ("x", "decryption_failures"), (None, "bids")],
)
def test_api_refuses_bad_counts(api_for, operator_of, henan, period, vendors, value, field):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(operator_of(henan))
    line = {
        "vendor": vendors["SZCA"].pk,
        "registered_entities": 1,
        "bids": 2,
        "cross_region_bids": 0,
        "decryption_failures": 0,
        "remedies_used": 0,
    }
    line[field] = value
    response = api.post(
        "/api/v1/trial-usage-reports/", {"platform": henan.pk, "period": period.pk, "lines": [line]}, format="json"
    )
    assert response.status_code == 400
    assert field in response.data["lines"][0]
    assert nothing_written()


def test_api_refuses_another_platform_and_an_overlap(api_for, henan, period, vendors, round2023, operator_of):
    line = {
        "vendor": vendors["SZCA"].pk,
        "registered_entities": 1,
        "bids": 2,
        "cross_region_bids": 3,
        "decryption_failures": 0,
        "remedies_used": 0,
    }
    other = api_for("platform-puyang").post(
        "/api/v1/trial-usage-reports/", {"platform": henan.pk, "period": period.pk, "lines": [line]}, format="json"
    )
    assert other.status_code == 400 and "platform" in other.data
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(operator_of(henan))
    too_many = api.post(
        "/api/v1/trial-usage-reports/", {"platform": henan.pk, "period": period.pk, "lines": [line]}, format="json"
    )
    assert too_many.status_code == 400 and "lines" in too_many.data
    line["cross_region_bids"] = 1
    assert (
        api.post(
            "/api/v1/trial-usage-reports/", {"platform": henan.pk, "period": period.pk, "lines": [line]}, format="json"
        ).status_code
        == 201
    )
    second = round2023.periods.order_by("due_date").last()
    overlap = api.post(
        "/api/v1/trial-usage-reports/",
        {"platform": henan.pk, "period": second.pk, "starts_on": "2023-02-01", "lines": [line]},
        format="json",
    )
    assert overlap.status_code == 400 and "starts_on" in overlap.data
    no_lines = api.post(
        "/api/v1/trial-usage-reports/", {"platform": henan.pk, "period": second.pk, "lines": []}, format="json"
    )
    assert no_lines.status_code == 400
    vendor_user = api_for("szca").post(
        "/api/v1/trial-usage-reports/", {"platform": henan.pk, "period": second.pk, "lines": [line]}, format="json"
    )
    assert vendor_user.status_code == 403
    assert UsageReport.objects.count() == 1


# --- feedback ------------------------------------------------------------------------------------


def feedback_post(client, platform, **extra):
    data = {"category": "refusal", "platform": platform.pk, "description": "拒绝使用网络共享数字证书", **extra}
    return client.post(reverse("trial:feedback_new"), data, REMOTE_ADDR=extra.pop("ip", "203.0.113.5"))


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ\x90\x00", "are not accepted"),
        ("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 10, "not a valid pdf"),
        ("big.pdf", b"%PDF-1.4 " + b"0" * 3000, "the limit is"),
    ],
)
def test_feedback_attachment_too_big_or_forbidden(client, henan, settings, name, content, message):
    settings.TRIAL_FEEDBACK_ATTACHMENT_MAX_BYTES = 2048
    client.cookies["django_language"] = "en"
    response = feedback_post(client, henan, attachment=SimpleUploadedFile(name, content))
    assert response.status_code == 200 and message in page_text(response)
    assert not Feedback.objects.exists()


def test_feedback_flood_from_one_address_is_refused(client, henan, settings):
    settings.TRIAL_FEEDBACK_RATE = (3, 3600)
    client.cookies["django_language"] = "en"
    for _ in range(3):
        assert feedback_post(client, henan).status_code == 302
    refused = feedback_post(client, henan)
    assert refused.status_code == 429 and "Too many submissions" in page_text(refused)
    assert "拒绝使用网络共享数字证书" in page_text(refused)  # the text is kept for a later try
    assert Feedback.objects.count() == 3
    # Another address is not affected.
    other = client.post(
        reverse("trial:feedback_new"),
        {"category": "other", "platform": henan.pk, "description": "其他"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 302 and Feedback.objects.count() == 4


def test_a_prohibited_fee_names_its_vendor(client, henan):
    """The fee is the vendor's (23号 三): without the vendor nobody could be held to it, so the form asks."""
    client.cookies["django_language"] = "en"
    response = feedback_post(client, henan, category="prohibited_fee")
    assert response.status_code == 200 and "Name the CA vendor" in page_text(response)
    assert not Feedback.objects.exists()


def test_feedback_text_too_long_empty_or_a_robot(client, henan):
    client.cookies["django_language"] = "en"
    long = feedback_post(client, henan, description="字" * 4001)
    assert long.status_code == 200 and "form-errors" in page_text(long)
    empty = feedback_post(client, henan, description="   ")
    assert empty.status_code == 200
    robot = feedback_post(client, henan, website="http://spam.example")
    assert robot.status_code == 200 and "form-errors" in page_text(robot)
    unknown_platform = client.post(
        reverse("trial:feedback_new"), {"category": "other", "platform": 999999, "description": "x"}
    )
    assert unknown_platform.status_code == 200
    assert not Feedback.objects.exists()


def test_feedback_status_with_unknown_or_odd_numbers(client):
    client.cookies["django_language"] = "en"
    for number in ("FB-XXXX-XXXX-XXXX-XXXX", "'; DROP TABLE x; --", "<script>", "x" * 40):
        response = client.get(reverse("trial:feedback_status"), {"number": number})
        assert response.status_code == 200
        assert response.context["feedback"] is None
        assert "<script>" not in page_text(response).split("<main")[1].split("</main>")[0].replace("&lt;script&gt;", "")


def test_triage_with_bad_input(client_for, henan, vendors):
    feedback = Feedback.objects.create(category="prohibited_fee", platform=henan, description="收取异地开通费")
    province = client_for("province")
    province.cookies["django_language"] = "en"
    response = province.post(reverse("trial:feedback_finding", args=[feedback.pk]), {"party": "vendor"}, follow=True)
    assert "names no CA vendor" in page_text(response)
    # A prohibited fee is the vendor's: the clause (23号 三) binds no platform.
    response = province.post(reverse("trial:feedback_finding", args=[feedback.pk]), {"party": "platform"}, follow=True)
    assert "its clause binds only them" in page_text(response)
    response = province.post(reverse("trial:feedback_answer", args=[feedback.pk]), {"answer": ""}, follow=True)
    assert response.status_code == 200
    response = province.post(reverse("trial:feedback_mark_national", args=[feedback.pk]), {"note": " "}, follow=True)
    assert response.status_code == 200
    feedback.refresh_from_db()
    assert (feedback.status, feedback.finding, feedback.national_attention, feedback.answer) == (
        "received",
        None,
        False,
        "",
    )


# --- announcements, coverage, agreements, plans, incidents, rounds -------------------------------


def test_announcement_steps_out_of_order(client_for, henan, round2023, api_for):
    announcement = Announcement.objects.create(
        round=round2023, platform=henan, title="公告", scope="范围", procedure="流程"
    )
    province = client_for("province")
    province.cookies["django_language"] = "en"
    response = province.post(reverse("trial:announcement_publish", args=[announcement.pk]), follow=True)
    assert "not possible now" in page_text(response)
    assert province.post(reverse("trial:announcement_approve", args=[announcement.pk])).status_code == 302
    assert province.get(reverse("trial:announcement_edit", args=[announcement.pk])).status_code == 403
    patch = api_for("province").patch(f"/api/v1/trial-announcements/{announcement.pk}/", {"title": "改"}, format="json")
    assert patch.status_code == 400
    twice = province.post(reverse("trial:announcement_approve", args=[announcement.pk]), follow=True)
    assert "not possible now" in page_text(twice)
    announcement.refresh_from_db()
    assert (announcement.status, announcement.title) == ("approved", "公告")
    duplicate = province.post(
        reverse("trial:announcement_add"),
        {
            "round": round2023.pk,
            "platform": henan.pk,
            "title": "再一个",
            "business_types": [BusinessDomain.objects.first().pk],
            "scope": "s",
            "procedure": "p",
        },
    )
    assert duplicate.status_code == 200 and "already has an announcement" in page_text(duplicate)
    assert Announcement.objects.count() == 1


@pytest.mark.parametrize(
    "url, data, message, model",
    [
        ("trial:coverage_add", {"domain": 1, "level": "city", "accepted": "on"}, "since when", Coverage),
        ("trial:coverage_add", {"domain": 1, "level": "town", "since": "2023-01-01"}, "valid choice", Coverage),
        (
            "trial:agreement_add",
            {"kind": "component", "title": "协议", "term_start": "2023-05-01", "term_end": "2023-01-01"},
            "ends before it starts",
            Agreement,
        ),
        (
            "trial:agreement_add",
            {"kind": "component", "title": "协议", "signed_on": "2999-01-01"},
            "in the future",
            Agreement,
        ),
        (
            "trial:remedyplan_add",
            {"kind": "national", "description": "方案", "effective_from": "2023-01-19"},
            "Name the agreement",
            RemedyPlan,
        ),
        (
            "trial:incident_add",
            {
                "occurred_on": "2999-01-01",
                "project_code": "x",
                "project_name": "x",
                "bidder": "x",
                "cause": "bidder",
                "outcome": "recovered",
                "responsible": "bidder",
            },
            "in the future",
            DecryptionIncident,
        ),
        (
            "trial:incident_add",
            {
                "occurred_on": "2023-02-30",
                "project_code": "x",
                "project_name": "x",
                "bidder": "x",
                "cause": "weather",
                "outcome": "recovered",
                "responsible": "bidder",
            },
            "valid",
            DecryptionIncident,
        ),
    ],
)
def test_records_with_bad_values(operator, henan, url, data, message, model):
    if "domain" in data:
        data["domain"] = BusinessDomain.objects.get(code="construction").pk
    response = operator.post(reverse(url), {"platform": henan.pk, **data})
    assert response.status_code == 200
    assert message in page_text(response)
    assert not model.objects.exists()


def test_round_with_dates_before_its_start(client_for):
    client = client_for("province")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("trial:round_add"),
        {"code": "2024", "name": "2024年", "starts_on": "2024-01-10", "announcement_due": "2023-12-01"},
    )
    assert response.status_code == 200 and "before the round starts" in page_text(response)
    assert not TrialRound.objects.filter(code="2024").exists()
    bad_date = client.post(reverse("trial:round_add"), {"code": "2024", "name": "2024年", "starts_on": "2024-02-31"})
    assert bad_date.status_code == 200 and not TrialRound.objects.filter(code="2024").exists()
    api = client_for("province")
    assert api.get(reverse("trial:overview"), {"round": "no-such-round"}).status_code == 200
    assert api.get(reverse("trial:national_table"), {"round": "nope", "period": "abc"}).status_code == 200
    assert api.get(reverse("trial:national_table_xlsx"), {"period": "999999"}).status_code == 200


def test_periods_that_end_before_they_start(api_for, round2023):
    response = api_for("province").post(
        "/api/v1/trial-periods/",
        {
            "round": round2023.pk,
            "label": "x",
            "starts_on": "2023-05-01",
            "ends_on": "2023-04-01",
            "due_date": "2023-06-01",
        },
        format="json",
    )
    assert response.status_code == 400
    same_day = api_for("province").post(
        "/api/v1/trial-periods/",
        {
            "round": round2023.pk,
            "label": "x",
            "starts_on": "2023-01-01",
            "ends_on": "2023-01-10",
            "due_date": "2023-02-15",
        },
        format="json",
    )
    assert same_day.status_code == 400
    assert round2023.periods.count() == 2
    assert datetime.date(2023, 2, 15) in set(round2023.periods.values_list("due_date", flat=True))


@pytest.mark.parametrize("period", ["abc", "-1", "99999999999999999999", "1.5"])
def test_the_written_report_page_takes_a_period_that_is_no_id_as_none_given(period, round2023):
    """The collecting page of a lead department with ``?period=`` that is no period's id: the latest
    period, as with none; a POST with it is refused by the form and sends nothing."""
    from portal.accounts.models import User
    from trial.models import WrittenReport

    client = Client()
    client.force_login(User.objects.get(username="lead-henan"))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("trial:writtenreport_new"), {"period": period})
    assert page.status_code == 200
    assert page.context["period"] == round2023.periods.order_by("due_date").last()
    sent = client.post(reverse("trial:writtenreport_new"), {"period": period, "letter": ""})
    assert sent.status_code == 200
    assert "Select a valid choice" in str(sent.context["form"].errors["period"])
    assert not WrittenReport.objects.exists()
