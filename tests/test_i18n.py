"""Chinese first, English one click away: the catalogs are complete and compiled, and pages follow the choice."""

import ast
import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "var", "node_modules", ".git"}


def catalogs() -> list[Path]:
    """Every .po file of the project (locale/) and of its apps (<app>/locale/, <pkg>/<app>/locale/)."""
    found = []
    for pattern in ("locale/*/LC_MESSAGES/*.po", "*/locale/*/LC_MESSAGES/*.po", "*/*/locale/*/LC_MESSAGES/*.po"):
        found += [p for p in ROOT.glob(pattern) if not SKIPPED_DIRS & set(p.relative_to(ROOT).parts)]
    return sorted(found)


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file as written by gettext's tools: {"flags", "msgctxt", "msgid", "msgstr", ...}."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, field = {"flags": set()}, None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line:
                continue
            elif line.startswith("msg"):
                field, _, value = line.partition(" ")
                entry[field] = ast.literal_eval(value)
            else:
                entry[field] += ast.literal_eval(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def label(entry: dict) -> str:
    return f"{entry['msgctxt']} | {entry['msgid']}" if "msgctxt" in entry else entry["msgid"]


CATALOGS = catalogs()
CATALOG_IDS = [str(p.relative_to(ROOT)) for p in CATALOGS]


def test_the_project_and_supervision_have_chinese_catalogs():
    assert "locale/zh_Hans/LC_MESSAGES/django.po" in CATALOG_IDS
    assert "supervision/locale/zh_Hans/LC_MESSAGES/django.po" in CATALOG_IDS


@pytest.mark.parametrize("po", CATALOGS, ids=CATALOG_IDS)
def test_every_message_is_translated(po):
    entries = po_entries(po)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"], "the header is still marked fuzzy"
    assert messages, "the catalog is empty"
    fuzzy = [label(e) for e in messages if "fuzzy" in e["flags"]]
    empty = [label(e) for e in messages if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    assert not fuzzy, f"fuzzy (check and translate, then remove the flag): {fuzzy}"
    assert not empty, f"untranslated (run scripts/messages.sh after translating): {empty}"


@pytest.mark.parametrize("po", CATALOGS, ids=CATALOG_IDS)
def test_compiled_catalog_is_up_to_date(po, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed")
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run scripts/messages.sh"
    fresh = tmp_path / "fresh.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(po)], check=True, capture_output=True)
    with fresh.open("rb") as f:
        expected = gettext.GNUTranslations(f)._catalog
    with mo.open("rb") as f:
        committed = gettext.GNUTranslations(f)._catalog
    assert committed == expected, f"{mo.relative_to(ROOT)} is stale: run scripts/messages.sh"


@pytest.mark.parametrize("po", CATALOGS, ids=CATALOG_IDS)
def test_no_translation_is_shadowed(po):
    """Django takes a message from the first catalog that has it (the project's locale/, then the apps
    in INSTALLED_APPS order, Django's own last): a translation hidden behind another one is never shown."""
    language = translation.to_language(po.parent.parent.name)
    shadowed = []
    with translation.override(language):
        for entry in po_entries(po)[1:]:
            if "msgid_plural" in entry or not entry["msgstr"] or "fuzzy" in entry["flags"]:
                continue
            shown = (
                translation.pgettext(entry["msgctxt"], entry["msgid"])
                if "msgctxt" in entry
                else translation.gettext(entry["msgid"])
            )
            if shown != entry["msgstr"]:
                shadowed.append(f"{label(entry)}: {entry['msgstr']!r}, but {shown!r} is shown")
    assert not shadowed, f"translated differently by a catalog that comes first (or the .mo is stale): {shadowed}"


# --- Pages follow the language: Chinese by default, English after the switch ----------------------

LOGIN_ZH, LOGIN_EN = ["登录", "用户名", "密码"], ["Log in", "Username", "Password"]
DASHBOARD_ZH = ["工作台", "电子认证服务机构", "主管/实施单位", "联系人", "省级管理员"]
DASHBOARD_EN = ["Dashboard", "CA vendors", "Authorities", "Contacts", "Provincial administrator"]


def switch_language(client, language: str, next_url: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url


def assert_texts(response, present: list[str], absent: list[str]) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert [t for t in present if t not in html] == []
    assert [t for t in absent if t in html] == []


@pytest.mark.django_db
def test_login_page_is_chinese_first_even_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert_texts(response, LOGIN_ZH + ['lang="zh-hans"', "English"], ["Username", "Password"])


@pytest.mark.django_db
def test_login_page_in_english_after_switching(client):
    switch_language(client, "en", "/accounts/login/")
    assert_texts(client.get("/accounts/login/"), LOGIN_EN + ['lang="en"', "简体中文"], ["用户名"])
    switch_language(client, "zh-hans", "/accounts/login/")
    assert_texts(client.get("/accounts/login/"), LOGIN_ZH, ["Username"])


def test_dashboard_in_chinese_then_english(client_for):
    client = client_for("province")
    assert_texts(client.get("/dashboard/"), DASHBOARD_ZH, ["Dashboard", "CA vendors"])
    switch_language(client, "en", "/dashboard/")
    assert_texts(client.get("/dashboard/"), DASHBOARD_EN, ["工作台", "省级管理员"])


def wrong_credit_code() -> str:
    from supervision.validators import CREDIT_CODE_CHARSET, credit_code_check_character

    first17 = "91410100MA4012345"
    right = credit_code_check_character(first17)
    return first17 + next(ch for ch in CREDIT_CODE_CHARSET if ch != right)


def post_vendor_with_wrong_credit_code(client):
    from supervision.models import CAVendor

    response = client.post(
        "/registry/vendors/new/",
        {"name": "校验测试电子认证有限公司", "short_name": "CHECKCA", "credit_code": wrong_credit_code()},
    )
    assert response.status_code == 200
    assert not CAVendor.objects.filter(short_name="CHECKCA").exists()
    return response.content.decode()


def test_wrong_credit_code_error_is_chinese(client_for):
    html = post_vendor_with_wrong_credit_code(client_for("province"))
    assert "统一社会信用代码的校验码（最后一位）与前17位不符" in html
    assert "请更正以下错误，本次未保存任何内容。" in html
    assert "密码管理局备案状态" in html  # a required field left empty: Django's own message, in Chinese
    assert "该字段是必填项。" in html


def test_wrong_credit_code_error_is_english_after_switching(client_for):
    client = client_for("province")
    switch_language(client, "en", "/registry/vendors/new/")
    html = post_vendor_with_wrong_credit_code(client)
    assert "The check character (the last one) of this unified social credit code does not match" in html
    assert "This field is required." in html


def test_api_keeps_accept_language(api_for):
    """The API follows the client's Accept-Language (Chinese when it sends none)."""
    api = api_for("province")
    payload = {"name": "接口测试电子认证有限公司", "short_name": "APICA", "credit_code": wrong_credit_code()}
    chinese = api.post("/api/v1/vendors/", payload, format="json")
    english = api.post("/api/v1/vendors/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 400
    assert "校验码" in chinese.json()["credit_code"][0]
    assert "check character" in english.json()["credit_code"][0]


def test_filter_labels_stay_translated_after_the_api_schema_is_built(client_for):
    """drf-spectacular builds the filters' form fields before they know their model; the web list
    must still show the model's translated field names."""
    client = client_for("province")
    assert client.get("/api/schema/").status_code == 200
    html = client.get("/registry/vendors/").content.decode()
    assert ">密码管理局备案状态</label>" in html
    assert "Crypto filing status" not in html
