"""What each persona sees and may change of the trial, on every new page and every new endpoint.

The expected rows are written out from the rules in words (independently of ``platform_scope_q``):
administrators see their regions' platforms (the province: every "41" code; Puyang: 410900;
Zhengzhou: 410100; nobody here sees Beijing), the Puyang operator its own platform, vendors what is
said per kind; everybody logged in sees published announcements, rounds, periods and participants.
"""

import pytest
from django.urls import reverse

from trial.models import (
    Agreement,
    Announcement,
    Coverage,
    DecryptionIncident,
    Feedback,
    RemedyPlan,
    ReportingPeriod,
    TrialParticipant,
    TrialRound,
    UsageLine,
    UsageReport,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang", "anonymous"]
ADMINS = {"province", "puyang", "zhengzhou"}
VENDOR_OF = {"szca": "SZCA", "bjca": "BJCA"}
PUYANG_PLATFORM = "濮阳市公共资源交易中心交易平台"


def admin_covers(persona: str, code: str | None) -> bool:
    return (
        bool(code)
        and {
            "province": code.startswith("41"),
            "puyang": code == "410900",
            "zhengzhou": code == "410100",
        }[persona]
    )


def own_platform(persona: str, platform) -> bool:
    """Administrators: their regions; the Puyang operator: its platform; vendors: no platform."""
    if persona in ADMINS:
        return admin_covers(persona, platform.region_id)
    return persona == "platform-puyang" and platform.name == PUYANG_PLATFORM


def vendor_is(persona: str, vendor) -> bool:
    return persona in VENDOR_OF and vendor is not None and vendor.short_name == VENDOR_OF[persona]


# kind → (model, url name, API basename, who sees a row)
KINDS = {
    "announcement": (
        Announcement,
        "trial:announcement",
        "trial-announcements",
        lambda persona, o: o.status == "published" or own_platform(persona, o.platform),
    ),
    "coverage": (
        Coverage,
        "trial:coverage",
        "trial-coverage",
        lambda persona, o: persona in VENDOR_OF or own_platform(persona, o.platform),
    ),
    "agreement": (
        Agreement,
        "trial:agreement",
        "trial-agreements",
        lambda persona, o: (
            own_platform(persona, o.platform) or any(vendor_is(persona, p.vendor) for p in o.parties.all())
        ),
    ),
    "plan": (
        RemedyPlan,
        "trial:remedyplan",
        "trial-remedy-plans",
        lambda persona, o: own_platform(persona, o.platform),
    ),
    "incident": (
        DecryptionIncident,
        "trial:incident",
        "trial-incidents",
        lambda persona, o: own_platform(persona, o.platform) or vendor_is(persona, o.vendor),
    ),
    "report": (
        UsageReport,
        "trial:usagereport",
        "trial-usage-reports",
        lambda persona, o: own_platform(persona, o.platform),
    ),
    "feedback": (
        Feedback,
        "trial:feedback",
        "trial-feedback",
        lambda persona, o: persona in ADMINS and admin_covers(persona, o.platform.region_id),
    ),
    "round": (TrialRound, "trial:round", "trial-rounds", lambda persona, o: True),
    "period": (ReportingPeriod, "trial:period", "trial-periods", lambda persona, o: True),
    "participant": (TrialParticipant, "trial:participant", "trial-participants", lambda persona, o: True),
}


def expected(kind: str, persona: str) -> set[int]:
    if persona == "anonymous":
        return set()
    model, _url, _api, sees = KINDS[kind]
    return {o.pk for o in model.objects.all() if sees(persona, o)}


def assert_login_redirect(response) -> None:
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("kind", KINDS)
def test_web_lists_and_details_show_exactly_what_is_in_scope(world, client_for, kind):
    model, url, _api, _sees = KINDS[kind]
    every = list(model.objects.values_list("pk", flat=True))
    assert every, kind
    for persona in PERSONAS:
        client = client_for(persona)
        response = client.get(reverse(f"{url}_list"))
        if persona == "anonymous":
            assert_login_redirect(response)
            continue
        if kind == "feedback" and persona not in ADMINS:
            assert response.status_code == 403, persona  # triage is the administrators'
        else:
            assert response.status_code == 200, (kind, persona)
            shown = {o.pk for o in response.context["paginator"].object_list}
            assert shown == expected(kind, persona), (kind, persona)
        for pk in every:
            status = client.get(reverse(f"{url}_detail", args=[pk])).status_code
            assert status == (200 if pk in expected(kind, persona) else 404), (kind, persona, pk)


@pytest.mark.parametrize("kind", KINDS)
def test_api_lists_and_retrieves_show_exactly_what_is_in_scope(world, api_for, kind):
    model, _url, basename, _sees = KINDS[kind]
    every = list(model.objects.values_list("pk", flat=True))
    for persona in PERSONAS:
        api = api_for(persona)
        response = api.get(f"/api/v1/{basename}/", {"page_size": 500})
        if persona == "anonymous":
            assert response.status_code in (401, 403)
            continue
        if kind == "feedback" and persona not in ADMINS:
            assert response.status_code in (200, 403), persona
            assert response.status_code == 403 or response.data["count"] == 0
            continue
        assert response.status_code == 200, (kind, persona, response.data)
        rows = response.data["results"]
        assert response.data["count"] == len(rows)
        assert {row["id"] for row in rows} == expected(kind, persona), (kind, persona)
        for pk in every:
            status = api.get(f"/api/v1/{basename}/{pk}/").status_code
            assert status == (200 if pk in expected(kind, persona) else 404), (kind, persona, pk)


def test_api_usage_lines_show_each_vendor_its_own_figures(world, api_for):
    for persona in PERSONAS[:-1]:
        rows = api_for(persona).get("/api/v1/trial-usage-lines/", {"page_size": 500}).data["results"]
        lines = UsageLine.objects.select_related("report__platform", "vendor")
        wanted = {
            line.pk for line in lines if own_platform(persona, line.report.platform) or vendor_is(persona, line.vendor)
        }
        assert {row["id"] for row in rows} == wanted, persona
        national = api_for(persona).get("/api/v1/trial-usage-lines/national/").data
        assert national["total"]["bids"] == 5 * len(wanted), persona


EDIT_KINDS = ["announcement", "coverage", "agreement", "plan", "incident"]


@pytest.mark.parametrize("kind", EDIT_KINDS)
def test_edit_pages_open_for_the_platforms_writers_only(world, client_for, kind):
    """Writers are the administrators of the platform's region and its operator; vendors never.
    Announcements are edited only as drafts (Puyang's and Beijing's are)."""
    model, url, _api, sees = KINDS[kind]
    for persona in PERSONAS[:-1]:
        client = client_for(persona)
        for key, objects in world.items():
            obj = objects[kind]
            visible = obj.pk in expected(kind, persona)
            writer = own_platform(persona, obj.platform) and (kind != "announcement" or obj.status == "draft")
            status = client.get(reverse(f"{url}_edit", args=[obj.pk])).status_code
            assert status == (200 if writer else 403 if visible else 404), (kind, persona, key)


def test_add_pages_and_report_pages_per_role(world, client_for):
    can_write = {"province", "puyang", "zhengzhou", "platform-puyang"}
    for persona in PERSONAS[:-1]:
        client = client_for(persona)
        for name in (
            "trial:announcement_add",
            "trial:coverage_add",
            "trial:agreement_add",
            "trial:incident_add",
            "trial:usage_submit",
            "trial:usage_import",
        ):
            assert client.get(reverse(name)).status_code == (200 if persona in can_write else 403), (name, persona)
        assert client.get(reverse("trial:round_add")).status_code == (200 if persona == "province" else 403), persona
    for name in ("trial:overview", "trial:usage_submit", "trial:national_table", "trial:coverage_overview"):
        assert_login_redirect(client_for("anonymous").get(reverse(name)))


def test_overview_shows_duty_cells_only_in_scope(world, client_for, platforms):
    from trial.rounds import sync_round

    sync_round(TrialRound.objects.get(code="2023"))
    for persona in PERSONAS[:-1]:
        response = client_for(persona).get(reverse("trial:overview"))
        assert response.status_code == 200
        for row in response.context["rows"]:
            has_cells = any(cell is not None for cell in row["duties"])
            assert has_cells == own_platform(persona, row["participant"].platform), (persona, row["participant"])


def test_national_table_and_matrix_add_up_only_what_the_persona_may_see(world, client_for):
    for persona in PERSONAS[:-1]:
        response = client_for(persona).get(reverse("trial:national_table"), {"round": "2023"})
        assert response.status_code == 200
        table = response.context["table"]
        lines = [
            line
            for line in UsageLine.objects.select_related("report__platform", "vendor")
            if own_platform(persona, line.report.platform) or vendor_is(persona, line.vendor)
        ]
        assert table["total"]["registered_entities"] == 10 * len(lines), persona
        shown = {row["participant"].platform.name for row in response.context["matrix"]["rows"]}
        wanted = {
            p.platform.name
            for p in TrialParticipant.objects.filter(round__code="2023")
            if own_platform(persona, p.platform)
        }
        assert shown == wanted, persona


def test_feedback_pages_for_administrators_only(world, client_for):
    for persona in PERSONAS[:-1]:
        client = client_for(persona)
        national = client.get(reverse("trial:feedback_national"))
        assert national.status_code == (200 if persona in {"province", "puyang", "zhengzhou"} else 403), persona
        assert client.get(reverse("trial:feedback_list")).status_code == national.status_code, persona
        fb = world["puyang"]["feedback"]
        status = client.post(reverse("trial:feedback_answer", args=[fb.pk]), {"answer": "已处理"}).status_code
        assert status == (302 if persona in {"province", "puyang"} else 404), persona


def test_attachments_download_only_in_scope(world, client_for):
    from django.core.files.base import ContentFile

    agreement = world["puyang"]["agreement"]
    agreement.scan.save("scan.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    for persona in PERSONAS[:-1]:
        status = client_for(persona).get(reverse("trial:agreement_scan", args=[agreement.pk])).status_code
        visible = agreement.pk in expected("agreement", persona)
        assert status == (200 if visible else 404), persona


ADMIN_PAGES = {
    "announcement": "announcement",
    "coverage": "coverage",
    "agreement": "agreement",
    "plan": "remedyplan",
    "incident": "decryptionincident",
    "report": "usagereport",
    "feedback": "feedback",
    "round": "trialround",
    "participant": "trialparticipant",
}


@pytest.mark.parametrize("kind", ADMIN_PAGES)
def test_admin_changelists_are_scoped_and_read_only(world, client_for, kind):
    for persona in ("province", "puyang", "zhengzhou"):
        response = client_for(persona).get(f"/admin/trial/{ADMIN_PAGES[kind]}/")
        assert response.status_code == 200, (kind, persona)
        shown = {o.pk for o in response.context["cl"].result_list}
        assert shown == expected(kind, persona), (kind, persona)
        assert not response.context["has_add_permission"]
    assert client_for("szca").get(f"/admin/trial/{ADMIN_PAGES[kind]}/").status_code == 302
