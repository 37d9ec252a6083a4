"""Every web URL pattern × persona, with a row in and a row out of each persona's scope, GET and POST.

``PAGES`` has one entry per named URL pattern (the project's own; the admin's are generated from the
admin site in ``test_admin_matrix.py``, the API router's are ``test_api_matrix.py``'s): the row behind
its arguments (``model``, whose rows are whose in ``security.world.ROWS``), who opens it and who may
post to it. A pattern without an entry fails ``test_every_url_pattern_has_an_entry``.

What is checked, per persona and row:

- GET: a persona who may open the page gets 200 for a row in its scope, one who may not gets 403;
  a row out of its scope is not found (404); anonymous is sent to the log-in page (a public page
  answers it 200);
- POST (an empty form): a persona with the right gets an answer that is not a refusal or an error
  (200 with the form's errors, 302 after the step, or 400), undone after; anyone else is refused (403,
  404 or 405; anonymous: the log-in page) and nothing was written to the database (no INSERT,
  UPDATE or DELETE but the session's). A page that takes no POST answers it like a GET or with 405.

A method a page does not take is asked by the province and anonymous only (the answer is the same for
everyone), and on a page without rows a city or vendor whose rights there are its twin's is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from security.world import ADMINS, ALL, EVERYONE, INBOX, OPERATOR, PERSONAS, ROWS, VENDORS, Rows, published

from portal.api.urls import router

pytestmark = pytest.mark.django_db

NOBODY: frozenset[str] = frozenset()
PROVINCE = frozenset({"province"})
PLATFORM = frozenset({OPERATOR})
LOGIN = "/accounts/login/"
PDF = b"%PDF-1.4\n% a test file\n"
# Rows anyone may see, logged in or not (published criticism, accepted tariffs, published announcements).
PUBLISHED = Rows(admin=published(), vendor=published(), platform=published(), anonymous=published())
ACCEPTED = Rows(
    admin=published("accepted"),
    vendor=published("accepted"),
    platform=published("accepted"),
    anonymous=published("accepted"),
)


def by_pk(row) -> dict:
    return {"pk": row.pk}


def stored(field: str) -> Callable:
    """Store a small file in the row's ``field`` (the world's rows have none)."""

    def store(row) -> None:
        getattr(row, field).save("matrix.pdf", ContentFile(PDF))

    return store


@dataclass(frozen=True)
class Page:
    """One URL pattern: the row behind it and who may do what with it.

    ``read`` opens it with GET (None: it takes no GET), ``write`` posts to it (None: it takes no POST);
    both for a row of the persona's own scope. ``public``: anonymous opens it (and posts, with ``write``).
    """

    model: str | None = None  # "app_label.Model" of the row the URL names; None: no row
    read: frozenset[str] | None = EVERYONE
    write: frozenset[str] | None = None
    public: bool = False
    answers: frozenset[int] = frozenset({200})  # what GET answers who may open it (a redirect for some)
    anonymous: int | None = None  # what GET answers anonymous (default: 200 on a public page, else the log-in page)
    same_for_everyone: bool = False  # a public page the same whoever asks: asked by one persona and anonymous
    data: dict | None = None  # the POST's body (default: empty)
    rows: Rows | None = None  # whose rows are whose, where it is not the model's ``ROWS``
    kwargs: Callable[[object], dict] | None = None  # the URL's arguments from the row (default: its pk)
    prepare: Callable[[object], None] | None = None  # e.g. store the file a download answers
    fresh_client: bool = False  # the request ends the session (log out): not with the persona's client


def crud(app: str, name: str, model: str, *, add, change, read=EVERYONE) -> dict[str, Page]:
    """The four pages of a model (``portal.crud.ModelViews``): its list, new, detail and edit pages."""
    return {
        f"{app}:{name}_list": Page(read=read),
        f"{app}:{name}_add": Page(read=add, write=add),
        f"{app}:{name}_detail": Page(model=model, read=read),
        f"{app}:{name}_edit": Page(model=model, read=change, write=change),
    }


def step(model: str, who: frozenset[str], **extra) -> Page:
    """A workflow step: a POST on a row, answered with the row's page."""
    return Page(model=model, read=None, write=who, **extra)


PAGES: dict[str, Page] = {
    # --- the portal ---
    "home": Page(public=True, answers=frozenset({302})),  # logged in, home is the dashboard
    "dashboard": Page(),
    "login": Page(public=True, write=EVERYONE | {"anonymous"}),
    "logout": Page(read=None, write=EVERYONE | {"anonymous"}, public=True, fresh_client=True),
    "download": Page(
        model="trial.Agreement",
        kwargs=lambda row: {"model": "trial.agreement", "pk": row.pk, "field": "scan"},
        prepare=stored("scan"),
    ),
    "autocomplete": Page(kwargs=lambda row: {"model": "supervision.platform"}),
    "export_detail": Page(model="portal.ExportJob"),
    "export_progress": Page(model="portal.ExportJob"),
    # Django's: a GET goes back where it came from, a POST sets the language first.
    "set_language": Page(write=EVERYONE | {"anonymous"}, public=True, answers=frozenset({302}), anonymous=302),
    "javascript-catalog": Page(public=True, same_for_everyone=True),
    # --- the registry ---
    **crud("supervision", "region", "supervision.Region", add=PROVINCE, change=PROVINCE),
    **crud("supervision", "authority", "supervision.Authority", add=ADMINS, change=ADMINS),
    **crud("supervision", "platform", "supervision.Platform", add=ADMINS, change=ADMINS | PLATFORM),
    **crud("supervision", "vendor", "supervision.CAVendor", add=PROVINCE, change=PROVINCE | VENDORS),
    **crud("supervision", "contact", "supervision.Contact", add=EVERYONE, change=EVERYONE),
    # --- the deadlines engine ---
    **crud("supervision", "directive", "supervision.Directive", add=ADMINS, change=ADMINS),
    **crud("supervision", "obligation", "supervision.Obligation", add=ADMINS, change=ADMINS),
    "supervision:obligation_campaign": Page(read=ADMINS, write=ADMINS),
    "supervision:obligation_fulfil": step("supervision.Obligation", EVERYONE),
    "supervision:obligation_waive": step("supervision.Obligation", ADMINS),
    "supervision:obligation_accept": step("supervision.Obligation", ADMINS),
    "supervision:obligation_return_report": step("supervision.Obligation", ADMINS),
    "supervision:obligation_confirm_unmet": step("supervision.Obligation", PROVINCE),
    "supervision:obligation_letter": step("supervision.Obligation", ADMINS),
    "supervision:report_list": Page(read=ADMINS, write=ADMINS),
    "supervision:report_detail": Page(model="supervision.ProgressReport", read=ADMINS),
    "supervision:report_progress": Page(model="supervision.ProgressReport", read=ADMINS),
    **crud("supervision", "finding", "supervision.Finding", add=ADMINS, change=ADMINS),
    "supervision:finding_dismiss": step("supervision.Finding", ADMINS),
    "supervision:rule_register": Page(),
    "supervision:case_list": Page(),
    "supervision:case_board": Page(),
    "supervision:case_add": Page(read=ADMINS, write=ADMINS),
    "supervision:case_detail": Page(model="supervision.RectificationCase"),
    "supervision:case_notice": Page(model="supervision.RectificationCase", prepare=stored("notice_pdf")),
    "supervision:case_respond": step("supervision.RectificationCase", VENDORS | PLATFORM),
    "supervision:case_close": step("supervision.RectificationCase", ADMINS),
    "supervision:case_return": step("supervision.RectificationCase", ADMINS),
    "supervision:case_response_file": Page(model="supervision.ResponseFile", prepare=stored("file")),
    "supervision:criticism_list": Page(),
    "supervision:criticism_add": Page(read=ADMINS, write=ADMINS),
    "supervision:criticism_detail": Page(model="supervision.Criticism"),
    "supervision:criticism_edit": Page(model="supervision.Criticism", read=ADMINS, write=ADMINS),
    "supervision:criticism_approve": step("supervision.Criticism", PROVINCE),
    "supervision:criticism_publish": step("supervision.Criticism", PROVINCE),
    "supervision:public_criticism_list": Page(public=True),
    "supervision:public_criticism": Page(model="supervision.Criticism", rows=PUBLISHED, public=True),
    "supervision:public_criticism_pdf": Page(
        model="supervision.Criticism", rows=PUBLISHED, public=True, prepare=stored("pdf")
    ),
    "supervision:my_tasks": Page(),
    "supervision:calendar": Page(),
    "supervision:inbox": Page(),
    "supervision:inbox_message": Page(model="supervision.Notification", rows=INBOX),
    "supervision:inbox_read_all": Page(read=None, write=EVERYONE),
    "supervision:inbox_badge": Page(),
    "supervision:notification_list": Page(read=ADMINS),
    "supervision:reminder_policy": Page(write=PROVINCE),
    # --- fees ---
    **crud("fees", "feeitem", "fees.FeeItem", add=PROVINCE, change=PROVINCE),
    **crud("fees", "productkind", "fees.ProductKind", add=PROVINCE, change=PROVINCE),
    "fees:feefiling_export": Page(),
    **crud("fees", "feefiling", "fees.FeeFiling", add=ADMINS | VENDORS, change=ADMINS | VENDORS),
    "fees:feefiling_submit": step("fees.FeeFiling", ADMINS | VENDORS),
    # The samples are drafts, which nobody reviews before they are submitted.
    "fees:feefiling_accept": step("fees.FeeFiling", NOBODY),
    "fees:feefiling_return": step("fees.FeeFiling", NOBODY),
    "fees:feefiling_delete": step("fees.FeeFiling", ADMINS | VENDORS),
    # Blocks of the filing's page for HTMX; a plain GET goes to the filing's page.
    "fees:feefiling_lines": Page(model="fees.FeeFiling", answers=frozenset({302})),
    "fees:feefilingline_add": step("fees.FeeFiling", ADMINS | VENDORS),
    "fees:feefilingline_edit": Page(
        model="fees.FeeFilingLine",
        read=ADMINS | VENDORS,
        write=ADMINS | VENDORS,
        answers=frozenset({302}),
        kwargs=lambda line: {"pk": line.filing_id, "line_pk": line.pk},
    ),
    "fees:feefilingline_delete": step(
        "fees.FeeFilingLine", ADMINS | VENDORS, kwargs=lambda line: {"pk": line.filing_id, "line_pk": line.pk}
    ),
    # Whoever sees a vendor's accepted tariffs opens its filing history (drafts stay its own).
    "fees:vendor_history": Page(
        model="supervision.CAVendor",
        kwargs=lambda vendor: {"vendor_pk": vendor.pk},
        rows=Rows(admin=ALL, vendor=ALL, platform=ALL),
    ),
    "fees:feeimport_add": Page(read=ADMINS | VENDORS, write=ADMINS | VENDORS),
    "fees:feeimport_template": Page(read=ADMINS | VENDORS),
    "fees:feeimport_detail": Page(model="fees.FeeImport"),
    "fees:feeimport_progress": Page(model="fees.FeeImport"),
    "fees:feeimport_confirm": step("fees.FeeImport", EVERYONE),
    "fees:tariffs": Page(public=True),
    "fees:tariffs_export": Page(public=True),
    "fees:public_filing": Page(model="fees.FeeFiling", rows=ACCEPTED, public=True),
    "fees:benchmark": Page(),
    "fees:benchmark_freeze": Page(read=None, write=PROVINCE, data={"province": "410000"}),
    "fees:compare": Page(),
    "fees:overcharges": Page(read=ADMINS | VENDORS),
    "fees:complaint_new": Page(public=True, write=EVERYONE | {"anonymous"}),
    # With no complaint just sent, it is the form.
    "fees:complaint_sent": Page(public=True, answers=frozenset({302}), anonymous=302),
    "fees:complaint_track": Page(public=True),
    "fees:feecomplaint_list": Page(),
    "fees:feecomplaint_detail": Page(model="fees.FeeComplaint"),
    "fees:feecomplaint_review": step("fees.FeeComplaint", ADMINS),
    # --- certificates and recognition ---
    "certificates:certificate_list": Page(),
    "certificates:certificate_add": Page(read=ADMINS | VENDORS, write=ADMINS | VENDORS),
    "certificates:certificate_detail": Page(model="certificates.CACertificate"),
    "certificates:upload_detail": Page(model="certificates.CertificateUpload"),
    "certificates:upload_progress": Page(model="certificates.CertificateUpload"),
    "certificates:claim_list": Page(),
    "certificates:claim_add": Page(read=ADMINS | VENDORS, write=ADMINS | VENDORS),
    "certificates:claim_conflicts": Page(read=ADMINS),
    "certificates:claim_detail": Page(model="certificates.CertificateClaim"),
    "certificates:claim_confirm": step("certificates.CertificateClaim", PROVINCE),
    "certificates:claim_reject": step("certificates.CertificateClaim", PROVINCE),
    **crud("certificates", "product", "certificates.Product", add=PROVINCE | VENDORS, change=PROVINCE | VENDORS),
    **crud("certificates", "sharedapp", "certificates.SharedApp", add=PROVINCE | VENDORS, change=PROVINCE | VENDORS),
    **crud(
        "certificates", "trustlistentry", "certificates.TrustListEntry", add=ADMINS | PLATFORM, change=ADMINS | PLATFORM
    ),
    "certificates:trustlistentry_delete": step("certificates.TrustListEntry", ADMINS | PLATFORM),
    "certificates:recognitionrecord_list": Page(),
    "certificates:recognitionrecord_add": Page(read=ADMINS | VENDORS, write=ADMINS | VENDORS),
    "certificates:recognitionrecord_detail": Page(model="certificates.RecognitionRecord"),
    # A step is the workflow's to refuse, with its reason, to whoever sees the record.
    "certificates:recognitionrecord_step": step("certificates.RecognitionRecord", EVERYONE),
    "certificates:matrix_province": Page(),
    "certificates:matrix_national": Page(),
    "certificates:import": Page(
        read=ADMINS | PLATFORM, write=ADMINS | PLATFORM, kwargs=lambda row: {"kind": "trust-list"}
    ),
    "certificates:import_template": Page(read=ADMINS | PLATFORM, kwargs=lambda row: {"kind": "trust-list"}),
    "certificates:export": Page(kwargs=lambda row: {"kind": "trust-list"}),
    # --- the 2023 trial ---
    "trial:overview": Page(),
    **crud("trial", "round", "trial.TrialRound", add=PROVINCE, change=PROVINCE),
    "trial:round_sync": step("trial.TrialRound", PROVINCE),
    **crud("trial", "period", "trial.ReportingPeriod", add=PROVINCE, change=PROVINCE),
    **crud("trial", "participant", "trial.TrialParticipant", add=PROVINCE, change=PROVINCE),
    **crud("trial", "announcement", "trial.Announcement", add=ADMINS | PLATFORM, change=ADMINS | PLATFORM),
    "trial:announcement_approve": step("trial.Announcement", ADMINS),
    "trial:announcement_publish": step("trial.Announcement", ADMINS | PLATFORM),
    "trial:announcement_return": step("trial.Announcement", ADMINS),
    "trial:announcement_display_add": step("trial.Announcement", ADMINS | PLATFORM),
    "trial:round_publish": step("trial.TrialRound", NOBODY),  # 法规司 publishes (no persona of the matrix)
    "trial:writtenreport_list": Page(),
    "trial:writtenreport_detail": Page(model="trial.WrittenReport"),
    "trial:writtenreport_new": Page(read=NOBODY, write=NOBODY),
    "trial:writtenreport_pdf": Page(model="trial.WrittenReport"),
    "trial:coverage_overview": Page(),
    **crud("trial", "coverage", "trial.Coverage", add=ADMINS | PLATFORM, change=ADMINS | PLATFORM),
    **crud("trial", "agreement", "trial.Agreement", add=ADMINS | PLATFORM, change=ADMINS | PLATFORM),
    "trial:agreement_party_add": step("trial.Agreement", ADMINS | PLATFORM),
    "trial:agreement_party_delete": step("trial.AgreementParty", ADMINS),
    "trial:agreement_scan": Page(model="trial.Agreement", prepare=stored("scan")),
    **crud("trial", "remedyplan", "trial.RemedyPlan", add=ADMINS | PLATFORM, change=ADMINS | PLATFORM),
    "trial:remedyplan_document": Page(model="trial.RemedyPlan", prepare=stored("document")),
    **crud("trial", "incident", "trial.DecryptionIncident", add=ADMINS | PLATFORM, change=ADMINS | PLATFORM),
    "trial:usagereport_list": Page(),
    "trial:usagereport_detail": Page(model="trial.UsageReport"),
    "trial:usagereport_delete": step("trial.UsageReport", ADMINS),
    "trial:usage_submit": Page(read=ADMINS | PLATFORM, write=ADMINS | PLATFORM),
    "trial:usage_import": Page(read=ADMINS | PLATFORM, write=ADMINS | PLATFORM),
    "trial:usage_template": Page(),
    "trial:national_table": Page(),
    "trial:national_table_xlsx": Page(),
    "trial:feedback_new": Page(public=True, write=EVERYONE | {"anonymous"}),
    "trial:feedback_status": Page(public=True),
    "trial:feedback_list": Page(read=ADMINS),
    "trial:feedback_national": Page(read=ADMINS),
    "trial:feedback_detail": Page(model="trial.Feedback"),
    "trial:feedback_answer": step("trial.Feedback", ADMINS),
    "trial:feedback_finding": step("trial.Feedback", ADMINS),
    "trial:feedback_mark_national": step("trial.Feedback", ADMINS),
    "trial:feedback_close": step("trial.Feedback", ADMINS),
    "trial:feedback_attachment": Page(model="trial.Feedback", prepare=stored("attachment")),
    "public_directory": Page(public=True),
    "public_announcement": Page(model="trial.Announcement", rows=PUBLISHED, public=True),
    "announcement_preview": Page(model="trial.Announcement"),
    # --- the API's own pages (the router's endpoints are test_api_matrix.py's) ---
    "api-token": Page(read=None, write=EVERYONE | {"anonymous"}, public=True),
    "api-root": Page(anonymous=403),
    "schema": Page(public=True, same_for_everyone=True),
    "swagger-ui": Page(public=True, same_for_everyone=True),
}


# --- the URL patterns, from the resolver -----------------------------------------------------------


def url_patterns(patterns=None, namespace: str | None = None):
    """(name, pattern, namespace) of every URL pattern, its name namespaced like ``reverse`` takes it."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, pattern, namespace


def project_patterns() -> dict[str, URLPattern]:
    """The named patterns of the project's pages: not the admin's, not the API router's."""
    viewsets = {viewset for _prefix, viewset, _basename in router.registry}
    found = {}
    for name, pattern, namespace in url_patterns():
        if name is None or namespace == "admin" or getattr(pattern.callback, "cls", None) in viewsets:
            continue
        found[name] = pattern
    return found


def test_every_url_pattern_has_an_entry():
    patterns = project_patterns()
    unnamed = [str(p.pattern) for name, p, namespace in url_patterns() if name is None and namespace != "admin"]
    assert unnamed == [], "URL patterns without a name cannot be in the matrix"
    assert sorted(set(patterns) - set(PAGES)) == [], "URL patterns without an entry in PAGES"
    assert sorted(set(PAGES) - set(patterns)) == [], "entries of PAGES without a URL pattern"


# --- the matrix ----------------------------------------------------------------------------------

SESSION_TABLES = ("django_session", "axes_")


def writes_in(queries) -> list[str]:
    """The SQL of the queries that wrote to the database, but for the session's."""
    found = []
    for query in queries:
        sql = query["sql"].lstrip().upper()
        if sql.startswith(("INSERT", "UPDATE", "DELETE")) and not any(t.upper() in sql for t in SESSION_TABLES):
            found.append(query["sql"][:160])
    return found


class Probe:
    def __init__(self, name: str, page: Page, client_for):
        self.name, self.page, self.client_for = name, page, client_for
        self.model = None
        if page.model is not None:
            from django.apps import apps

            self.model = apps.get_model(page.model)
        self.problems: list[str] = []

    def rows(self) -> Rows:
        return self.page.rows or ROWS[self.page.model]

    def samples(self, persona: str):
        if self.model is None:
            return None, None
        return self.rows().samples(self.model, persona)

    def targets(self, persona: str):
        """(label, row, URL) of each address of the page for the persona."""
        kwargs = self.page.kwargs or (by_pk if self.model is not None else lambda row: {})
        if self.model is None:
            yield "page", None, reverse(self.name, kwargs=kwargs(None))
            return
        inside, outside = self.samples(persona)
        for label, row in (("in scope", inside), ("out of scope", outside)):
            if row is not None:
                yield label, row, reverse(self.name, kwargs=kwargs(row))

    def note(self, persona, method, url, response, expected) -> None:
        status = response.status_code
        if status not in expected:
            where = (
                response.get("Location", "")
                if status in (301, 302)
                else response.content[:150].decode(errors="replace")
            )
            self.problems.append(f"{persona}: {method} {url} → {status} {where}, expected {sorted(expected)}")

    def run(self, persona: str) -> None:
        client = self.client_for(persona)
        targets = list(self.targets(persona))
        if persona != "anonymous" and self.model is not None and not targets:
            self.problems.append(f"{persona}: no sample row at all")
        for where, row, url in targets:
            if self.page.prepare is not None and row is not None:
                self.page.prepare(row)
            asks_once = persona in ("province", "anonymous")
            if self.page.read is None and not asks_once:
                get = None  # a step takes no GET, whoever asks (405): asked by two personas
            else:
                get = client.get(url)
                self.note(persona, "GET", url, get, self.get_answers(persona, where))
                self.login_page(persona, "GET", url, get)
            if self.page.write is None and not asks_once:
                continue  # a page that takes no POST answers it alike for everyone: asked by two personas
            if self.page.write is not None and persona in self.page.write and where != "out of scope":
                self.allowed_post(persona, client, url)
            else:
                self.refused_post(persona, client, url, get)

    def get_answers(self, persona: str, where: str) -> set[int]:
        page, anonymous = self.page, persona == "anonymous"
        refused = page.anonymous or 302  # the log-in page
        if page.read is None:
            return {405} if not anonymous or page.public else {refused, 405}
        if where == "out of scope":
            return {404} if not anonymous or page.public else {refused}
        if anonymous:
            return {page.anonymous or 200} if page.public else {refused}
        return set(page.answers) if persona in page.read else {403}

    def allowed_post(self, persona: str, client: Client, url: str) -> None:
        response = self.undone(lambda: self.post(persona, client, url))
        self.note(persona, "POST", url, response, {200, 302, 400})
        if response.status_code == 302 and response["Location"].startswith(LOGIN):
            self.problems.append(f"{persona}: POST {url} → the log-in page")

    def refused_post(self, persona: str, client: Client, url: str, get) -> None:
        if self.page.write is None:  # no POST: refused, or answered like the GET (a page without a form)
            refused = {405, get.status_code} if self.page.read is not None else {405}
        elif persona == "anonymous":
            refused = {self.page.anonymous or 302, 403, 405}
        else:
            refused = {403, 404, 405}
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                response = self.post(persona, client, url)
            transaction.set_rollback(True)
        self.note(persona, "POST", url, response, refused)
        self.login_page(persona, "POST", url, response)
        written = writes_in(queries.captured_queries)
        if written:
            self.problems.append(f"{persona}: POST {url} wrote to the database: {written}")

    def login_page(self, persona: str, method: str, url: str, response) -> None:
        """Anonymous is sent to the log-in page, not elsewhere (a public page may redirect as it likes)."""
        if persona == "anonymous" and response.status_code == 302 and not self.page.public:
            if not response["Location"].startswith(LOGIN):
                self.problems.append(f"anonymous: {method} {url} → {response['Location']}, not the log-in page")

    def post(self, persona: str, client: Client, url: str):
        if self.page.fresh_client:
            client = self.client_for(persona)
        return client.post(url, self.page.data or {})

    @staticmethod
    def undone(call):
        with transaction.atomic():
            response = call()
            transaction.set_rollback(True)
        return response


TWINS = {"zhengzhou": "puyang", "bjca": "szca"}  # personas of the same role, in different scopes


def personas_of(page: Page) -> list[str]:
    """The personas a page is asked by. On a page without rows, a city or a vendor that the table gives the
    same rights as its twin would ask the same questions again: it is left out."""
    if page.same_for_everyone:
        return ["province", "anonymous"]
    if page.model is not None:
        return PERSONAS

    def rights(persona: str) -> tuple[bool, bool]:
        return persona in (page.read or ()), persona in (page.write or ())

    return [p for p in PERSONAS if p not in TWINS or rights(p) != rights(TWINS[p])]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_matrix(name, world, client_for):
    page = PAGES[name]
    probe = Probe(name, page, client_for)
    for persona in personas_of(page):
        probe.run(persona)
    assert not probe.problems, "\n".join(probe.problems)
