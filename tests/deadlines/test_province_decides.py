"""Province-wide directives, the duties they create and the findings of the province's rules are the
province's: a city proposes (reports a duty done, opens a rectification case), the province decides
(edits, waives, accepts, dismisses). A city acts on its own directives and what it recorded itself
(issue 11, point 8: a city administrator changed province-wide rules)."""

import re

import pytest

from supervision.models import Authority, CAVendor, Directive, Finding, Obligation, Platform
from supervision.services import ensure_obligation, raise_finding

PROVINCE_DIRECTIVE = "豫公管办〔2019〕23号"
PUYANG_DIRECTIVE = "濮公共交易〔2019〕3号"
CITIES = ["puyang", "zhengzhou"]


@pytest.fixture
def province_directive(registry):
    return Directive.objects.get(number=PROVINCE_DIRECTIVE)


@pytest.fixture
def puyang_directive(registry):
    return Directive.objects.get(number=PUYANG_DIRECTIVE)


@pytest.fixture
def szca(registry):
    return CAVendor.objects.get(short_name="SZCA")


@pytest.fixture
def province_duty(szca, province_directive):
    """An open undated duty of SZCA under 23号, entered by the province."""
    obligation, _ = ensure_obligation(
        party=szca,
        kind=Obligation.Kind.CUSTOM,
        title="报送降费落实情况",
        due_date=None,
        dedup_key="decides:szca",
        directive=province_directive,
    )
    return obligation


@pytest.fixture
def puyang_duty(szca, puyang_directive):
    """SZCA's cross-vendor duty of Puyang's 3号 (seeded)."""
    return Obligation.objects.get(directive=puyang_directive, vendor=szca)


@pytest.fixture
def platform_duty(registry, province_directive):
    """A 23号 duty of Puyang's own platform: in Puyang's region, still the province's."""
    platform = Platform.objects.get(name="濮阳市公共资源交易中心交易平台")
    obligation, _ = ensure_obligation(
        party=platform,
        kind=Obligation.Kind.SAME_VENDOR_RECOGNITION,
        title="同一机构数字证书互认",
        due_date=None,
        dedup_key="decides:platform",
        directive=province_directive,
    )
    return obligation


@pytest.fixture
def rule_finding(szca):
    """A finding the province's fee rules raised against SZCA (no person raised it)."""
    finding, _ = raise_finding(
        kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="decides:rule", summary="超标准收费（规则发现）"
    )
    return finding


def directive_choices(client) -> set[int]:
    """The directives offered by the obligation form's "directive" select."""
    html = client.get("/registry/obligations/new/").content.decode()
    select = re.search(r'<select name="directive".*?</select>', html, re.S).group(0)
    return {int(value) for value in re.findall(r'<option value="(\d+)"', select)}


# --- directives ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", CITIES)
def test_a_city_cannot_change_or_delete_a_province_directive(api_for, client_for, province_directive, persona):
    api = api_for(persona)
    url = f"/api/v1/directives/{province_directive.pk}/"
    assert api.get(url).status_code == 200
    assert api.patch(url, {"title": "城市改写的标题"}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    client = client_for(persona)
    assert client.get(f"/registry/directives/{province_directive.pk}/edit/").status_code == 403
    response = client.post(f"/registry/directives/{province_directive.pk}/edit/", {"title": "城市改写的标题"})
    assert response.status_code == 403
    page = client.get(f"/registry/directives/{province_directive.pk}/").content.decode()
    assert f"/registry/directives/{province_directive.pk}/edit/" not in page
    province_directive.refresh_from_db()
    assert province_directive.title != "城市改写的标题"
    assert Directive.objects.filter(pk=province_directive.pk).exists()


def test_the_province_changes_its_directive_and_puyang_its_own(
    api_for, client_for, province_directive, puyang_directive
):
    response = api_for("province").patch(
        f"/api/v1/directives/{province_directive.pk}/", {"text": "全文（省公管办校对）"}, format="json"
    )
    assert response.status_code == 200
    page = client_for("province").get(f"/registry/directives/{province_directive.pk}/").content.decode()
    assert f"/registry/directives/{province_directive.pk}/edit/" in page
    url = f"/api/v1/directives/{puyang_directive.pk}/"
    assert api_for("puyang").patch(url, {"text": "全文（濮阳校对）"}, format="json").status_code == 200
    assert api_for("zhengzhou").patch(url, {"text": "郑州改写"}, format="json").status_code == 403
    puyang_directive.refresh_from_db()
    assert puyang_directive.text == "全文（濮阳校对）"


def test_a_city_cannot_issue_a_directive_in_the_provinces_name(api_for, registry):
    province_office = Authority.objects.get(region_id="410000", name="河南省公共资源交易管理委员会办公室")
    own_center = Authority.objects.get(region_id="410900")
    data = {"number": "豫公管办〔2026〕99号", "title": "冒名文件", "issuer": province_office.pk, "year": 2026}
    # The province's office is not among the issuers a city may name.
    response = api_for("puyang").post("/api/v1/directives/", data, format="json")
    assert response.status_code == 400 and "issuer" in response.json()
    assert not Directive.objects.filter(number="豫公管办〔2026〕99号").exists()
    data = {"number": "濮公共交易〔2026〕1号", "title": "转发文件", "issuer": own_center.pk, "year": 2026}
    assert api_for("puyang").post("/api/v1/directives/", data, format="json").status_code == 201


# --- duties --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", CITIES)
def test_a_city_cannot_change_or_waive_a_province_duty(api_for, client_for, province_duty, persona):
    api = api_for(persona)
    url = f"/api/v1/obligations/{province_duty.pk}/"
    assert api.get(url).status_code == 200
    assert api.patch(url, {"due_date": "2030-12-31"}, format="json").status_code == 403
    assert api.post(f"{url}waive/", {"reason": "城市豁免"}).status_code == 403
    client = client_for(persona)
    assert client.post(f"/registry/obligations/{province_duty.pk}/waive/", {"reason": "城市豁免"}).status_code == 403
    assert client.get(f"/registry/obligations/{province_duty.pk}/edit/").status_code == 403
    page = client.get(f"/registry/obligations/{province_duty.pk}/").content.decode()
    assert 'data-testid="waive"' not in page
    assert f"/registry/obligations/{province_duty.pk}/edit/" not in page
    province_duty.refresh_from_db()
    assert province_duty.status == Obligation.Status.OPEN and province_duty.due_date is None


def test_the_province_waives_its_duty(api_for, client_for, province_duty):
    page = client_for("province").get(f"/registry/obligations/{province_duty.pk}/").content.decode()
    assert 'data-testid="waive"' in page
    response = api_for("province").post(f"/api/v1/obligations/{province_duty.pk}/waive/", {"reason": "已核实"})
    assert response.status_code == 200 and response.json()["status"] == "waived"


def test_puyang_acts_on_the_duties_of_its_own_directive(api_for, client_for, puyang_duty):
    assert (
        'data-testid="waive"' in client_for("puyang").get(f"/registry/obligations/{puyang_duty.pk}/").content.decode()
    )
    zhengzhou = api_for("zhengzhou")
    assert zhengzhou.post(f"/api/v1/obligations/{puyang_duty.pk}/waive/", {"reason": "郑州豁免"}).status_code == 403
    url = f"/api/v1/obligations/{puyang_duty.pk}/"
    assert api_for("puyang").patch(url, {"description": "濮阳补充说明"}, format="json").status_code == 200
    response = api_for("puyang").post(f"{url}waive/", {"reason": "濮阳核实"})
    assert response.status_code == 200 and response.json()["status"] == "waived"


def test_a_city_reports_a_province_duty_done_and_the_province_accepts(api_for, client_for, platform_duty):
    response = api_for("puyang").post(f"/api/v1/obligations/{platform_duty.pk}/fulfil/", {"evidence": "已完成互认"})
    assert response.status_code == 200 and response.json()["status"] == "reported"
    assert api_for("puyang").post(f"/api/v1/obligations/{platform_duty.pk}/accept/").status_code == 403
    assert client_for("puyang").post(f"/registry/obligations/{platform_duty.pk}/accept/").status_code == 403
    city_page = client_for("puyang").get(f"/registry/obligations/{platform_duty.pk}/").content.decode()
    assert 'data-testid="accept-fulfilment"' not in city_page
    province_page = client_for("province").get(f"/registry/obligations/{platform_duty.pk}/").content.decode()
    assert 'data-testid="accept-fulfilment"' in province_page
    # The worklists agree: the province is asked to accept it, the city (which may not) is not.
    link = f'href="{platform_duty.get_absolute_url()}"'
    assert link in client_for("province").get("/dashboard/").content.decode()
    assert link not in client_for("puyang").get("/dashboard/").content.decode()
    response = api_for("province").post(f"/api/v1/obligations/{platform_duty.pk}/accept/")
    assert response.status_code == 200 and response.json()["status"] == "fulfilled"


def test_a_city_cannot_create_duties_under_a_province_directive(
    api_for, client_for, szca, province_directive, puyang_directive
):
    data = {"vendor": szca.pk, "kind": "custom", "title": "城市加的任务", "directive": province_directive.pk}
    response = api_for("puyang").post("/api/v1/obligations/", data, format="json")
    assert response.status_code == 400
    assert "本级" in response.json()["directive"][0]
    campaign = {"target": "vendors", "kind": "custom", "title": "城市批量任务", "directive": province_directive.pk}
    assert api_for("puyang").post("/api/v1/obligations/campaign/", campaign, format="json").status_code == 400
    assert client_for("puyang").post("/registry/obligations/campaign/", campaign).status_code == 200  # form again
    assert not Obligation.objects.filter(title__in=["城市加的任务", "城市批量任务"]).exists()
    # The forms offer only the city's own directives.
    assert directive_choices(client_for("puyang")) == {puyang_directive.pk}
    assert {province_directive.pk, puyang_directive.pk} <= directive_choices(client_for("province"))
    # Under its own directive (or none) a city records duties.
    data["directive"] = puyang_directive.pk
    assert api_for("puyang").post("/api/v1/obligations/", data, format="json").status_code == 201
    assert (
        api_for("province").post("/api/v1/obligations/", data | {"directive": province_directive.pk}).status_code == 201
    )


# --- findings ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", CITIES)
def test_a_city_cannot_edit_or_dismiss_a_finding_of_the_provinces_rules(api_for, client_for, rule_finding, persona):
    api = api_for(persona)
    url = f"/api/v1/findings/{rule_finding.pk}/"
    assert api.get(url).status_code == 200
    assert api.patch(url, {"summary": "城市改写"}, format="json").status_code == 403
    assert api.post(f"{url}dismiss/").status_code == 403
    assert client_for(persona).post(f"/registry/findings/{rule_finding.pk}/dismiss/").status_code == 403
    page = client_for(persona).get(f"/registry/findings/{rule_finding.pk}/").content.decode()
    assert 'data-testid="dismiss-finding"' not in page
    # Acting on it is the city's: it opens a rectification case to urge the vendor.
    assert 'data-testid="open-case"' in page
    rule_finding.refresh_from_db()
    assert rule_finding.status == Finding.Status.OPEN and rule_finding.summary == "超标准收费（规则发现）"


def test_a_city_opens_a_case_on_a_finding_of_the_provinces_rules(api_for, rule_finding):
    data = {"findings": [rule_finding.pk], "title": "整改超标准收费", "due_date": "2030-01-31"}
    response = api_for("puyang").post("/api/v1/cases/", data, format="json")
    assert response.status_code == 201, response.content
    rule_finding.refresh_from_db()
    assert rule_finding.status == Finding.Status.IN_RECTIFICATION


def test_the_province_dismisses_a_finding_of_its_rules(api_for, client_for, rule_finding):
    page = client_for("province").get(f"/registry/findings/{rule_finding.pk}/").content.decode()
    assert 'data-testid="dismiss-finding"' in page
    assert api_for("province").post(f"/api/v1/findings/{rule_finding.pk}/dismiss/").status_code == 200


def test_a_city_decides_the_findings_it_raised_and_those_of_its_directives(api_for, szca, puyang_duty):
    data = {"vendor": szca.pk, "kind": "other", "summary": "濮阳发现的问题"}
    response = api_for("puyang").post("/api/v1/findings/", data, format="json")
    assert response.status_code == 201
    own = response.json()["id"]
    assert api_for("zhengzhou").post(f"/api/v1/findings/{own}/dismiss/").status_code == 403
    assert api_for("puyang").post(f"/api/v1/findings/{own}/dismiss/").status_code == 200
    overdue, _ = raise_finding(
        kind=Finding.Kind.OVERDUE, party=szca, dedup_key="decides:3", summary="逾期", obligation=puyang_duty
    )
    assert api_for("zhengzhou").post(f"/api/v1/findings/{overdue.pk}/dismiss/").status_code == 403
    assert api_for("puyang").post(f"/api/v1/findings/{overdue.pk}/dismiss/").status_code == 200
