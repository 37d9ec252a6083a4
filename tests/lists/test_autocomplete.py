"""Filters by a CA vendor, a platform, an authority, a duty or a case are searchable selects: the page
holds only the chosen row, named as the user may see it, and the options come as the user types from
``/autocomplete/<model>/``, which offers only rows the user may open."""

import re

import pytest

from supervision.models import Authority, CAVendor, Obligation, Platform, RectificationCase

pytestmark = pytest.mark.django_db

# The three lists the issue names, and the send log, with their searchable filters.
PAGES = {
    "/registry/obligations/": ("vendor", "platform", "authority"),
    "/registry/findings/": ("vendor", "platform", "authority"),
    "/registry/contacts/": ("vendor", "platform", "authority"),
    "/registry/notifications/": ("obligation", "case"),
}
MODELS = {
    "vendor": "supervision.cavendor",
    "platform": "supervision.platform",
    "authority": "supervision.authority",
    "obligation": "supervision.obligation",
    "case": "supervision.rectificationcase",
}


def answer(client, model: str, q: str = "") -> dict:
    response = client.get(f"/autocomplete/{model}/", {"q": q})
    assert response.status_code == 200, response.status_code
    return {row["value"]: row["text"] for row in response.json()["results"]}


def select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(0)


@pytest.mark.parametrize("url", PAGES)
def test_the_filters_are_searchable_selects_not_number_inputs(client_for, filled, url):
    html = client_for("province").get(url).content.decode()
    for name in PAGES[url]:
        assert not re.search(rf'<input[^>]*name="{name}"', html), f"{name} is still a text or number input"
        widget = select(html, name)
        assert f'data-autocomplete-url="/autocomplete/{MODELS[name]}/"' in widget
        assert re.findall(r"<option", widget) == ["<option"]  # only the empty choice: nothing is listed
    # Served from the portal itself, started by a static script (no inline code, no CDN).
    assert "/static/vendor/tom-select/tom-select.complete.min.js" in html
    assert "/static/portal/autocomplete.js" in html
    assert "/static/vendor/tom-select/tom-select.bootstrap5.min.css" in html
    assert not re.search(r'src="https?://', html)


def test_the_chosen_row_is_named_as_the_user_may_see_it(client_for, ids):
    szca, bjca = CAVendor.objects.get(pk=ids["SZCA"]), CAVendor.objects.get(pk=ids["BJCA"])
    html = client_for("province").get(f"/registry/obligations/?vendor={szca.pk}").content.decode()
    assert f'<option value="{szca.pk}" selected>{szca.name}</option>' in select(html, "vendor")
    # SZCA's user asking for BJCA's duties learns neither BJCA's name nor any of its duties.
    html = client_for("szca").get(f"/registry/obligations/?vendor={bjca.pk}").content.decode()
    assert f'<option value="{bjca.pk}" selected>#{bjca.pk}</option>' in select(html, "vendor")
    assert bjca.name not in html
    assert 'data-testid="total">0<' in html


def test_the_filters_name_the_chosen_rows_in_the_printout(client_for, ids):
    html = client_for("province").get(f"/registry/contacts/?platform={ids['PUYANG']}").content.decode()
    printed = re.search(r'data-testid="print-filters">(.*?)</p>', html, re.S).group(1)
    assert "交易平台：濮阳市公共资源交易中心交易平台" in printed


@pytest.mark.parametrize(
    ("persona", "model", "visible"),
    [
        ("province", "supervision.cavendor", lambda: CAVendor.objects.all()),
        ("szca", "supervision.cavendor", lambda: CAVendor.objects.filter(short_name="SZCA")),
        ("platform-puyang", "supervision.platform", lambda: Platform.objects.filter(name__startswith="濮阳市公共资源")),
        ("puyang", "supervision.authority", lambda: Authority.objects.filter(region__code__startswith="4109")),
        ("szca", "supervision.obligation", lambda: Obligation.objects.filter(vendor__short_name="SZCA")),
        ("puyang", "supervision.rectificationcase", lambda: RectificationCase.objects.all()),
        ("szca", "supervision.rectificationcase", lambda: RectificationCase.objects.filter(vendor__short_name="SZCA")),
    ],
)
def test_the_options_are_only_rows_the_user_may_see(client_for, filled, persona, model, visible):
    rows = list(visible()[:20])
    assert rows, "the example has rows to offer"
    assert answer(client_for(persona), model) == {row.pk: str(row) for row in rows}


def test_the_options_follow_what_the_user_types(client_for, filled):
    client = client_for("province")
    assert set(answer(client, "supervision.cavendor", "深圳").values()) == {"深圳市电子商务安全证书管理有限公司"}
    assert set(answer(client, "supervision.cavendor", "BJCA").values()) == {"北京数字认证股份有限公司"}
    assert answer(client, "supervision.cavendor", "没有这家机构") == {}
    cases = answer(client, "supervision.rectificationcase", "ZG")
    assert cases and all(text.startswith("ZG") for text in cases.values())


def test_the_endpoint_serves_only_models_that_take_part(client_for):
    client = client_for("province")
    assert client.get("/autocomplete/supervision.region/").status_code == 404  # no autocomplete_fields
    assert client.get("/autocomplete/accounts.user/").status_code == 404
    assert client.get("/autocomplete/nothing.here/").status_code == 404
    assert client.get("/autocomplete/garbage/").status_code == 404
    assert client_for("anonymous").get("/autocomplete/supervision.cavendor/").status_code == 302
