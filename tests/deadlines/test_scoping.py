"""Every new page and endpoint, each persona: who sees what, who may act."""

import datetime

import pytest

from supervision.engine import cases as case_flow
from supervision.models import Criticism, Finding, Notification, Obligation, Platform, RectificationCase
from supervision.services import ensure_obligation, raise_finding

pytestmark = pytest.mark.django_db
NAMES = ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang"]


@pytest.fixture
def world(szca, puyang_platform, personas):
    zhengzhou = Platform.objects.get(name="郑州市公共资源交易中心交易平台")
    due = datetime.date(2031, 1, 15)
    objects = {}
    for name, party in (("vendor", szca), ("puyang", puyang_platform), ("zhengzhou", zhengzhou)):
        objects[f"obligation:{name}"] = ensure_obligation(
            party=party, kind=Obligation.Kind.CUSTOM, title=f"scope {name}", due_date=due, dedup_key=f"scope:{name}"
        )[0]
        objects[f"finding:{name}"] = raise_finding(
            kind=Finding.Kind.OTHER, party=party, dedup_key=f"scope:f:{name}", summary=f"scope finding {name}"
        )[0]
    objects["case:puyang"] = case_flow.open_case(findings=[objects["finding:puyang"]], by=personas["puyang"])
    objects["case:vendor"] = case_flow.open_case(findings=[objects["finding:vendor"]], by=personas["province"])
    objects["draft"] = Criticism.objects.create(title="scope draft", body="x", region_id="410000")
    objects["proposal"] = Criticism.objects.create(
        title="scope proposal", body="x", region_id="410900", status=Criticism.Status.PROPOSED
    )
    return objects


SEES = {
    # object → personas that see it
    "obligation:vendor": {"province", "puyang", "zhengzhou", "szca"},
    "obligation:puyang": {"province", "puyang", "platform-puyang"},
    "obligation:zhengzhou": {"province", "zhengzhou"},
    "finding:vendor": {"province", "puyang", "zhengzhou", "szca"},
    "finding:puyang": {"province", "puyang", "platform-puyang"},
    "finding:zhengzhou": {"province", "zhengzhou"},
    "case:puyang": {"province", "puyang", "platform-puyang"},
    "case:vendor": {"province", "puyang", "zhengzhou", "szca"},
    "draft": {"province"},
    "proposal": {"province", "puyang"},
}
PAGES = {
    "obligation": "obligations",
    "finding": "findings",
    "case": "cases",
    "draft": "criticism",
    "proposal": "criticism",
}
API = {
    "obligation": "obligations",
    "finding": "findings",
    "case": "cases",
    "draft": "criticisms",
    "proposal": "criticisms",
}


@pytest.mark.parametrize("name", NAMES)
def test_lists_and_details_web_and_api(world, client_for, api_for, name):
    client, api = client_for(name), api_for(name)
    for key, expected in SEES.items():
        obj, kind = world[key], key.split(":")[0]
        visible = name in expected
        detail = client.get(f"/registry/{PAGES[kind]}/{obj.pk}/")
        assert detail.status_code == (200 if visible else 404), (name, key)
        listing = client.get(f"/registry/{PAGES[kind]}/?q={getattr(obj, 'title', '') or obj.summary}")
        assert listing.status_code == 200
        assert (f"/{PAGES[kind]}/{obj.pk}/" in listing.content.decode()) == visible, (name, key)
        api_detail = api.get(f"/api/v1/{API[kind]}/{obj.pk}/")
        assert api_detail.status_code == (200 if visible else 404), (name, key)
        query = {"page_size": 500, "q": getattr(obj, "title", "") or obj.summary}
        ids = [row["id"] for row in api.get(f"/api/v1/{API[kind]}/", query).json()["results"]]
        assert (obj.pk in ids) == visible, (name, key)


@pytest.mark.parametrize(
    "path",
    [
        "/registry/tasks/",
        "/registry/calendar/",
        "/registry/calendar/?month=2031-01",
        "/registry/inbox/",
        "/registry/cases/board/",
        "/registry/reminder-policy/",
        "/registry/directives/",
        "/registry/obligations/",
        "/registry/findings/",
        "/registry/cases/",
        "/registry/criticism/",
    ],
)
def test_pages_for_every_persona(world, client_for, path):
    for name in NAMES:
        assert client_for(name).get(path).status_code == 200, (name, path)
    response = client_for("anonymous").get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_tasks_and_calendar_show_only_the_scope(world, client_for, travel):
    travel(datetime.date(2031, 1, 2))
    assert "scope vendor" in client_for("szca").get("/registry/tasks/").content.decode()
    assert "scope puyang" not in client_for("szca").get("/registry/tasks/").content.decode()
    calendar = client_for("platform-puyang").get("/registry/calendar/?month=2031-01").content.decode()
    assert "scope puyang" in calendar and "scope zhengzhou" not in calendar and "scope vendor" not in calendar
    tasks = client_for("szca").get("/registry/tasks/").content.decode()
    assert world["case:vendor"].number in tasks  # its case awaits its response


def test_admin_only_pages(world, client_for):
    for name in ("province", "puyang", "zhengzhou"):
        assert client_for(name).get("/registry/notifications/").status_code == 200
        assert client_for(name).get("/registry/obligations/campaign/").status_code == 200
        assert client_for(name).get("/registry/cases/new/").status_code == 200
        assert client_for(name).get("/registry/criticism/new/").status_code == 200
    for name in ("szca", "bjca", "platform-puyang"):
        assert client_for(name).get("/registry/notifications/").status_code == 403
        assert client_for(name).get("/registry/obligations/campaign/").status_code == 403
        assert client_for(name).get("/registry/cases/new/").status_code == 403
        assert client_for(name).get("/registry/criticism/new/").status_code == 403
        assert client_for(name).get("/registry/obligations/new/").status_code == 403


def test_inbox_is_personal(world, client_for, api_for, personas, travel, mailbox):
    from supervision.engine.sweep import run_sweep

    travel(datetime.date(2031, 1, 14))
    run_sweep()
    mine = Notification.objects.inbox(personas["szca"]).first()
    assert mine is not None
    assert client_for("szca").get(f"/registry/inbox/{mine.pk}/").status_code == 200
    assert client_for("bjca").get(f"/registry/inbox/{mine.pk}/").status_code == 404
    assert client_for("province").get(f"/registry/inbox/{mine.pk}/").status_code == 404
    assert api_for("bjca").get(f"/api/v1/inbox/{mine.pk}/").status_code == 404
    unread = api_for("szca").get("/api/v1/inbox/unread/").json()["unread"]
    assert unread >= 1
    other = Notification.objects.inbox(personas["szca"]).filter(read_at__isnull=True).first()
    assert api_for("szca").post(f"/api/v1/inbox/{other.pk}/read/").status_code == 200
    assert api_for("szca").get("/api/v1/inbox/unread/").json()["unread"] == unread - 1
    nav = client_for("platform-puyang").get("/dashboard/").content.decode()
    assert "/registry/inbox/" in nav
    # The send log is scoped like the obligations.
    log = [
        r["obligation"]
        for r in api_for("zhengzhou").get("/api/v1/notifications/", {"page_size": 500}).json()["results"]
    ]
    assert world["obligation:puyang"].pk not in log
    assert api_for("szca").get("/api/v1/notifications/").json()["results"] == []


def test_who_may_act(world, api_for, personas):
    vendor_obligation = world["obligation:vendor"]
    assert (
        api_for("platform-puyang")
        .post(f"/api/v1/obligations/{vendor_obligation.pk}/fulfil/", {"evidence": "x"})
        .status_code
        == 404
    )
    assert (
        api_for("szca").post(f"/api/v1/obligations/{vendor_obligation.pk}/waive/", {"reason": "x"}).status_code == 403
    )
    assert (
        api_for("szca").post(f"/api/v1/obligations/{vendor_obligation.pk}/fulfil/", {"evidence": "已完成"}).status_code
        == 200
    )
    puyang_case = world["case:puyang"]
    RectificationCase.objects.filter(pk=puyang_case.pk).update(status=RectificationCase.Status.NOTIFIED)
    assert api_for("puyang").post(f"/api/v1/cases/{puyang_case.pk}/respond/", {"text": "x"}).status_code == 403
    assert api_for("zhengzhou").post(f"/api/v1/cases/{puyang_case.pk}/close/", {}).status_code == 404
    assert (
        api_for("platform-puyang").post(f"/api/v1/cases/{puyang_case.pk}/respond/", {"text": "已整改"}).status_code
        == 200
    )
    assert api_for("platform-puyang").post(f"/api/v1/cases/{puyang_case.pk}/close/", {}).status_code == 403
    assert api_for("puyang").post(f"/api/v1/cases/{puyang_case.pk}/close/", {"note": "ok"}).status_code == 200
    proposal = world["proposal"]
    assert api_for("puyang").post(f"/api/v1/criticisms/{proposal.pk}/approve/").status_code == 403
    assert api_for("province").post(f"/api/v1/criticisms/{proposal.pk}/approve/").status_code == 200
    assert api_for("province").post(f"/api/v1/criticisms/{proposal.pk}/publish/").status_code == 200
    # Published: everyone sees it, in the portal and on the public page.
    for name in NAMES:
        assert api_for(name).get(f"/api/v1/criticisms/{proposal.pk}/").status_code == 200
    assert (
        api_for("szca")
        .post("/api/v1/obligations/", {"vendor": world["obligation:vendor"].vendor_id, "title": "x"})
        .status_code
        == 403
    )
    assert api_for("szca").put("/api/v1/reminder-policy/1/", {"stages": [3]}, format="json").status_code in (403, 404)


def test_public_criticism_pages_need_no_login(world, client):
    assert client.get("/registry/public/criticism/").status_code == 200
    assert client.get(f"/registry/public/criticism/{world['draft'].pk}/").status_code == 404
    assert client.get(f"/registry/public/criticism/{world['draft'].pk}/pdf/").status_code == 404


def test_campaign_for_every_vendor_and_a_regions_platforms(world, client_for, api_for):
    response = client_for("province").post(
        "/registry/obligations/campaign/",
        {"target": "vendors", "kind": "coverage", "title": "报送覆盖情况", "due_date": "2031-02-01"},
    )
    assert response.status_code == 302
    assert Obligation.objects.filter(title__endswith="报送覆盖情况", vendor__isnull=False).count() == 4
    created = api_for("puyang").post(
        "/api/v1/obligations/campaign/",
        {"target": "platforms", "region": "410900", "kind": "announcement", "title": "发布公告"},
        format="json",
    )
    assert created.status_code == 201
    platforms = {row["platform"] for row in created.json()}
    assert platforms == set(
        Platform.objects.filter(region__code__startswith="4109", active=True).values_list("pk", flat=True)
    )
    # A city administrator cannot run a campaign for another city.
    other = api_for("puyang").post(
        "/api/v1/obligations/campaign/",
        {"target": "platforms", "region": "410100", "kind": "announcement", "title": "越权"},
        format="json",
    )
    assert other.status_code == 400
