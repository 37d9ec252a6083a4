"""Every page reads as a person expects, for each role: moments in the user's time zone to the minute,
dates with their year, no Python repr, no English sentence on a Chinese page, no raw id in a change
history, no form field drawn without Bootstrap's class (a bare browser control among styled ones). The
national roles (法规司, a lead department) walk their pages too.

The pages are found, not listed: every page of the URL resolver that takes no argument (lists, boards,
forms, tables), and every detail page (a generic detail view, or a page of ``DETAIL_PAGES``) for one
object of its model that the persona may see, the one with the longest history. Before the walk every
moment stored in the portal's tables is set to ``MOMENT``, a time whose date in Asia/Shanghai is not its
date in UTC, so a moment shown in UTC, or with seconds and microseconds, is recognisable on any page.
"""

import datetime
import html
import re
from dataclasses import dataclass

import pytest
from conftest import log_in
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.crud import ObjectDetailView

pytestmark = pytest.mark.django_db

PERSONAS = ["province", "puyang", "szca", "platform-puyang", "fagui", "lead-henan"]
PROJECT_APPS = {"portal", "accounts", "supervision", "certificates", "fees", "trial"}

# Yesterday 19:11:53.010741 UTC is today 03:11 in Asia/Shanghai.
MOMENT = datetime.datetime.combine(
    datetime.date.today() - datetime.timedelta(days=1), datetime.time(19, 11, 53, 10741), tzinfo=datetime.UTC
)

# Pages that take an argument but are not generic detail views: url name → the rows one may be shown for.
DETAIL_PAGES = {
    "supervision:inbox_message": lambda user: apps.get_model("supervision.Notification").objects.inbox(user),
    "supervision:public_criticism": lambda user: apps.get_model("supervision.Criticism").objects.filter(
        status="published"
    ),
    "fees:public_filing": lambda user: apps.get_model("fees.FeeFiling").objects.filter(status="accepted"),
    "fees:feeimport_detail": lambda user: apps.get_model("fees.FeeImport").objects.visible_to(user),
    "certificates:upload_detail": lambda user: apps.get_model("certificates.CertificateUpload").objects.visible_to(
        user
    ),
    "public_announcement": lambda user: apps.get_model("trial.Announcement").objects.filter(status="published"),
    "export_detail": lambda user: apps.get_model("portal.ExportJob").objects.visible_to(user),
}
# Pages without an argument that are no page to read: machinery, downloads, redirects.
NOT_PAGES = {"logout", "set_language", "javascript-catalog", "schema", "swagger-ui", "api-root"}


# --- what a page must not show ---------------------------------------------------------------------

# An English word: a capital only at its start (abbreviations and product names such as CA, PDF, SM2,
# USB Key count as no word), not part of a code ("sha256WithRSAEncryption").
WORD = r"\b[A-Za-z][a-z]+(?:['’-][a-z]+)*\b"
ENGLISH_RUN = re.compile(rf"{WORD}(?:[ ,;:()/&]+{WORD}){{2,}}")
# Words that are names, not English: file types in an upload's hint ("pdf, jpg, jpeg, png").
NOT_ENGLISH = {"pdf", "jpg", "jpeg", "png", "docx", "xlsx", "zip", "cer", "crt", "pem", "der", "ofd"}
ALLOWED_ENGLISH: set[str] = set()  # whole runs a Chinese page may show; keep it short
REPR = re.compile(r"\{'|\[<|<QuerySet|<bound method|object at 0x|\bNone\b|\bTrue\b|\bFalse\b")
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")
NO_YEAR = re.compile(r"(?<![\d\-:./])(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\d\-:])")  # "11-28"
INVISIBLE = re.compile(r"(?is)<(script|style|code|pre|head)\b.*?</\1>|<!--.*?-->")
ADDRESSES = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w/])/[\w\-./?=&%]+")
# A form's field drawn without Bootstrap's class: a bare browser control among styled ones.
FORM_CONTROL = re.compile(r"(?is)<(input|select|textarea)\b([^>]*)>")
STYLED = re.compile(r'class="[^"]*\b(form-control|form-select|form-check-input|btn-check|form-range)\b')
UNSTYLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
HISTORY_CHANGE = re.compile(
    r'<div data-field="(?P<field>\w+)">.*?</strong>: <del[^>]*>(?P<old>.*?)</del> → (?P<new>.*?)</div>'
)


INLINE_TAG = re.compile(r"(?i)</?(a|span|strong|em|b|i|small|abbr|del|ins|mark|time|bdi)\b[^>]*>")


def visible_text(page: str) -> str:
    """What a reader sees: the text between the tags (a line per block), without scripts, styles and
    code, plus the title."""
    title = re.search(r"(?is)<title>(.*?)</title>", page)
    body = re.sub(r"(?s)<[^>]+>", "\n", INLINE_TAG.sub(" ", INVISIBLE.sub(" ", page)))
    lines = html.unescape(f"{title.group(1) if title else ''}\n{body}").splitlines()
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def english_runs(text: str) -> list[str]:
    runs = []
    for run in ENGLISH_RUN.findall(ADDRESSES.sub(" ", text)):
        words = [w for w in re.findall(WORD, run) if w.lower() not in NOT_ENGLISH]
        if len(words) >= 3 and run not in ALLOWED_ENGLISH:
            runs.append(run)
    return runs


def moment_texts() -> list[str]:
    """How ``MOMENT`` reads when it is not shown in the user's time zone."""
    return [f"{MOMENT:%Y-%m-%d %H:%M}", f"{MOMENT:%H:%M}", "+00:00", "UTC"]


def raw_ids_in_history(page: str, model) -> list[str]:
    """Changes of a relation in the history card whose old or new value is a bare number (an id)."""
    found = []
    history = page[page.find('id="history"') :] if 'id="history"' in page else ""
    for change in HISTORY_CHANGE.finditer(history):
        try:
            field = model._meta.get_field(change["field"])
        except FieldDoesNotExist:
            continue
        values = [html.unescape(change[side]).strip() for side in ("old", "new")]
        if field.is_relation and any(value.isdigit() for value in values):
            found.append(f"{change['field']}: {' → '.join(values)}")
    return found


def unstyled_fields(page: str) -> list[str]:
    """The form fields of the page (inputs, selects, text areas) drawn without Bootstrap's class."""
    found = []
    for tag, attributes in FORM_CONTROL.findall(INVISIBLE.sub(" ", page)):
        kind = re.search(r'type="(\w+)"', attributes)
        if tag.lower() == "input" and kind and kind.group(1).lower() in UNSTYLED_TYPES:
            continue
        if not STYLED.search(attributes):
            name = re.search(r'name="([^"]*)"', attributes)
            found.append(f"<{tag} name={name.group(1) if name else '?'}>")
    return found


def problems(page: str, model=None) -> list[str]:
    text = visible_text(page)
    found = [f"Python repr {m!r}" for m in REPR.findall(text)]
    found += [f"microseconds {m!r}" for m in MICROSECONDS.findall(text)]
    found += [f"a date without its year {m!r}" for m in NO_YEAR.findall(text)]
    found += [f"not in the user's time zone: {t!r}" for t in moment_texts() if t in text]
    if 'lang="zh-hans"' in page:
        found += [f"English on a Chinese page: {run!r}" for run in english_runs(text)]
    found += [f"a form field without Bootstrap's class: {field}" for field in unstyled_fields(page)]
    if model is not None:
        found += [f"raw id in the history: {change}" for change in raw_ids_in_history(page, model)]
    return found


# --- which pages ------------------------------------------------------------------------------------


def url_patterns(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def with_longest_history(queryset):
    """The row of ``queryset`` with the most history records (the newest among equals)."""
    model = queryset.model
    if not hasattr(model, "history"):
        return queryset.order_by("-pk").first()
    pk = model._meta.pk.attname
    busiest = (
        model.history.filter(**{f"{pk}__in": queryset.values("pk")})
        .values(pk)
        .annotate(records=Count("history_id"))
        .order_by("-records", f"-{pk}")
        .first()
    )
    return queryset.filter(pk=busiest[pk]).first() if busiest else queryset.order_by("-pk").first()


@dataclass(frozen=True)
class Page:
    url: str
    model: type | None = None


def pages_for(user) -> list[Page]:
    found = []
    for name, pattern in url_patterns():
        route = str(pattern.pattern)
        if name.startswith(("admin:", "api")) or name in NOT_PAGES or route.startswith("^"):
            continue
        converters = list(pattern.pattern.converters)
        view = getattr(pattern.callback, "view_class", None)
        if not converters:
            if not route.endswith((".xlsx", ".pdf")):
                found.append(Page(reverse(name)))
        elif converters == ["pk"] and view is not None and issubclass(view, ObjectDetailView):
            row = with_longest_history(view.model.objects.visible_to(user))
            if row is not None:
                found.append(Page(reverse(name, args=[row.pk]), view.model))
        elif converters == ["pk"] and name in DETAIL_PAGES:
            row = with_longest_history(DETAIL_PAGES[name](user))
            if row is not None:
                found.append(Page(reverse(name, args=[row.pk]), type(row)))
    return found


# --- the data: every list filled, some history with people in it, every moment at MOMENT -----------


def stamp_every_moment(at: datetime.datetime) -> None:
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                model._base_manager.filter(**{f"{field.name}__isnull": False}).update(**{field.name: at})


@pytest.fixture
def lived_in(filled):
    """The lists' rows (``filled``), changes made by people (a duty reported done with its evidence, a
    fee filing submitted), the daily sweeps' reminders and findings, then every moment set to ``MOMENT``."""
    from certificates.tasks import sweep_recognition
    from fees import workflow
    from fees.models import FeeFiling
    from fees.tasks import sweep_fee_rules
    from supervision.engine import obligations
    from supervision.models import Obligation
    from supervision.tasks import daily_sweep

    szca, puyang = filled["szca"], filled["puyang"]
    duty = (
        Obligation.objects.visible_to(szca)
        .filter(status__in=[Obligation.Status.OPEN, Obligation.Status.OVERDUE])
        .order_by("pk")
        .first()
    )
    obligations.fulfil(duty, evidence="已按要求完成，详见 /fees/filings/ 与回执。", by=szca)
    draft = FeeFiling.objects.visible_to(szca).filter(status=FeeFiling.Status.DRAFT).first()
    if draft is None:
        draft = FeeFiling.objects.visible_to(szca).order_by("-pk").first()
        FeeFiling.objects.filter(pk=draft.pk).update(status=FeeFiling.Status.DRAFT)
        draft.refresh_from_db()
    workflow.submit(draft, szca)
    platform_duty = (
        Obligation.objects.visible_to(puyang)
        .filter(status__in=[Obligation.Status.OPEN, Obligation.Status.OVERDUE])
        .last()
    )
    if platform_duty is not None:
        obligations.fulfil(platform_duty, evidence="已完成。", by=puyang)
    daily_sweep()
    sweep_fee_rules()
    sweep_recognition()
    stamp_every_moment(MOMENT)
    return filled


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_reads_well_in_chinese(lived_in, persona):
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.LANGUAGE_CODE == "zh-hans"
    local = f"{timezone.localtime(MOMENT):%Y-%m-%d %H:%M}"
    user = User.objects.get(username=persona)  # the national roles are no persona of the matrices
    client = Client()
    log_in(client, user)
    read, shown_locally, details, found = 0, 0, 0, []
    for page in pages_for(user):
        response = client.get(page.url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue  # a page this persona may not open, a download or a redirect
        text = response.content.decode()
        read += 1
        details += page.model is not None
        shown_locally += local in text
        found += [f"{page.url}: {problem}" for problem in problems(text, page.model)]
    assert found == []
    assert read > 60 and details > 20, (read, details)  # the walk found the portal's pages
    assert shown_locally > 10  # the stamped moments are on the pages, in Asia/Shanghai


# --- the checks themselves --------------------------------------------------------------------------


def test_each_problem_is_recognised():
    utc = f"{MOMENT:%Y-%m-%d %H:%M}"
    page = f"""<html lang="zh-hans"><head><title>问题</title><script>var x = {{'a': None}};</script></head>
    <body><p>{{'rule': 'overcharge'}}</p><p>&lt;QuerySet []&gt;</p><p>发现人 None</p>
    <p>2026-11-27 19:11:53.010741+00:00</p><p>{utc}</p><p>逾期 11-28</p>
    <p>condition cleared on re-check</p><code>python manage.py seed --demo</code>
    <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x"><select name="period">
    <option>1</option></select><textarea name="letter" class="form-control"></textarea></form>
    <p>pdf, jpg, jpeg, png</p><p>签名算法 sha256WithRSAEncryption，USB Key，见 https://example.com/a/b/c/</p>
    <div id="history"><div data-field="submitted_by"><strong>提交人</strong>: <del class="x">—</del> → 4</div>
    <div data-field="notes"><strong>备注</strong>: <del class="x">—</del> → 4</div></div></body></html>"""
    from fees.models import FeeFiling

    found = problems(page, FeeFiling)
    assert found == [
        'Python repr "{\'"',
        "Python repr '<QuerySet'",
        "Python repr 'None'",
        "microseconds '19:11:53.010741'",
        "a date without its year '11-28'",
        f"not in the user's time zone: {utc!r}",
        f"not in the user's time zone: '{MOMENT:%H:%M}'",
        "not in the user's time zone: '+00:00'",
        "English on a Chinese page: 'condition cleared on re-check'",
        "a form field without Bootstrap's class: <select name=period>",
        "raw id in the history: submitted_by: — → 4",
    ]


def test_a_page_that_reads_well_has_no_problem():
    local = f"{timezone.localtime(MOMENT):%Y-%m-%d %H:%M}"
    page = f"""<html lang="zh-hans"><head><title>问题</title></head><body>
    <dl><dt>发现时间</dt><dd>{local}</dd><dt>发现人</dt><dd>系统规则：超标准收费</dd></dl>
    <p>CA 证书 · SM2 · USB Key · 导出 Excel · PDF</p><form><input type="radio" class="form-check-input" name="d">
    <input type="submit" value="发送"><select class="form-select" name="p"></select></form><p>ggglb-410000@example.com</p>
    <div id="history"><div data-field="submitted_by"><strong>提交人</strong>: <del>—</del> → SZCA 用户（示例）</div></div>
    </body></html>"""
    from fees.models import FeeFiling

    assert problems(page, FeeFiling) == []
