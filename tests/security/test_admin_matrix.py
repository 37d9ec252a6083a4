"""Every URL pattern of the admin site × persona: the admin is the staff's (the administrators), scoped
like the portal. ``MODELS`` has one entry per registered model; a model registered without one fails
``test_every_admin_page_has_an_entry``, as does an admin URL pattern of a kind not checked here.

What is checked, for each model's pages (list, add, change, delete, history, a past version, and the
bare ``<id>/`` address):

- anonymous and the users who are not staff (vendors, the platform operator) are sent to the admin's
  log-in page, whatever the method, and nothing is written;
- an administrator opens the list of a model it may view (else 403), and the rows of its scope; a row
  out of its scope does not open (its change and delete pages send it back to the index, as for a row
  that does not exist; its history and past versions are not found) and a POST to it changes nothing;
- an administrator without the right to add, change or delete is refused (403) and nothing is written.

The pages of the rows of its own scope are rendered for the province (the cities open their rows'
history): rendering every admin page for three administrators costs more than it finds.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from security.test_web_matrix import url_patterns, writes_in
from security.world import ADMINS, ALL, PERSONAS, ROWS, Rows
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ScopedAdmin

pytestmark = pytest.mark.django_db

NOBODY: frozenset[str] = frozenset()
PROVINCE = frozenset({"province"})
STAFF = ("province", "puyang", "zhengzhou")
ADMIN_LOGIN = "/admin/login/"
INDEX = "/admin/"


@dataclass(frozen=True)
class AdminModel:
    """Which administrators open the model's pages, and which may add, change (a row of their scope) or
    delete through them."""

    view: frozenset[str] = ADMINS
    add: frozenset[str] = NOBODY
    change: frozenset[str] = NOBODY
    delete: frozenset[str] = NOBODY


OTHERS = AdminModel(view=NOBODY)  # a superuser's pages: no administrator has Django permissions on them
READ_ONLY = AdminModel()  # the trial's records change through their workflows, in the portal

MODELS: dict[str, AdminModel] = {
    # Django's, and the libraries': the superuser's
    "authtoken.TokenProxy": OTHERS,
    "axes.AccessAttempt": OTHERS,
    "axes.AccessLog": OTHERS,
    "axes.AccessFailureLog": OTHERS,
    "django_celery_beat.PeriodicTask": OTHERS,
    "django_celery_beat.ClockedSchedule": OTHERS,
    "django_celery_beat.CrontabSchedule": OTHERS,
    "django_celery_beat.SolarSchedule": OTHERS,
    "django_celery_beat.IntervalSchedule": OTHERS,
    "django_celery_results.TaskResult": OTHERS,
    "django_celery_results.GroupResult": OTHERS,
    "accounts.User": OTHERS,  # accounts are managed by superusers
    # the registry
    "supervision.Region": AdminModel(add=PROVINCE, change=PROVINCE),
    "supervision.Authority": AdminModel(add=ADMINS, change=ADMINS, delete=PROVINCE),
    "supervision.BusinessDomain": AdminModel(add=PROVINCE, change=PROVINCE),
    "supervision.Platform": AdminModel(add=ADMINS, change=ADMINS, delete=PROVINCE),
    "supervision.CAVendor": AdminModel(add=PROVINCE, change=PROVINCE),
    "supervision.Contact": AdminModel(add=ADMINS, change=ADMINS, delete=ADMINS),
    # the deadlines engine
    "supervision.Directive": AdminModel(add=ADMINS, change=ADMINS),
    "supervision.Obligation": AdminModel(add=ADMINS, change=ADMINS),
    "supervision.Finding": AdminModel(add=ADMINS, change=ADMINS),
    "supervision.RectificationCase": AdminModel(add=ADMINS, change=ADMINS),
    "supervision.Criticism": AdminModel(add=ADMINS, change=ADMINS),
    "supervision.ReminderPolicy": AdminModel(add=PROVINCE, change=PROVINCE),
    "supervision.Notification": AdminModel(),  # the send log, read-only
    "supervision.SupervisionLetter": READ_ONLY,  # issued from the duty's page
    "supervision.ProgressReport": READ_ONLY,  # generated on the reports page
    # certificates: uploaded and decided in the portal
    "certificates.CACertificate": AdminModel(change=PROVINCE, delete=PROVINCE),
    "certificates.CertificateClaim": AdminModel(change=PROVINCE),
    "certificates.Product": AdminModel(add=PROVINCE, change=PROVINCE, delete=PROVINCE),
    "certificates.SharedApp": AdminModel(add=PROVINCE, change=PROVINCE, delete=PROVINCE),
    "certificates.TrustListEntry": AdminModel(add=ADMINS, change=ADMINS, delete=ADMINS),
    "certificates.RecognitionRecord": AdminModel(add=ADMINS, change=ADMINS, delete=PROVINCE),
    # fees
    "fees.ProductKind": AdminModel(add=PROVINCE, change=PROVINCE),
    "fees.FeeItem": AdminModel(add=PROVINCE, change=PROVINCE),
    "fees.FeePolicy": AdminModel(change=PROVINCE),
    "fees.FeeFiling": AdminModel(add=ADMINS, change=ADMINS, delete=ADMINS),
    "fees.Benchmark": AdminModel(add=PROVINCE, change=PROVINCE, delete=PROVINCE),
    "fees.FeeComplaint": AdminModel(add=ADMINS, change=ADMINS),
    # the 2023 trial
    "trial.TrialRound": READ_ONLY,
    "trial.TrialParticipant": READ_ONLY,
    "trial.Announcement": READ_ONLY,
    "trial.Coverage": READ_ONLY,
    "trial.Agreement": READ_ONLY,
    "trial.RemedyPlan": READ_ONLY,
    "trial.DecryptionIncident": READ_ONLY,
    "trial.UsageReport": READ_ONLY,
    "trial.Feedback": READ_ONLY,
}
ANY_ROW = Rows(admin=ALL, vendor=ALL, platform=ALL)
# The pages of each model, by the suffix of their URL names (``admin:<app>_<model>_<suffix>``).
MODEL_PAGES = {"changelist", "add", "change", "delete", "history", "simple_history", "password_change"}
SITE_PAGES = {"index", "login", "logout", "password_change", "password_change_done", "autocomplete", "jsi18n"}
SITE_PAGES |= {"view_on_site", "app_list", "auth_user_password_change"}


def admin_names() -> set[str]:
    """The admin site's named URL patterns (its unnamed ones are the bare ``<id>/`` address of each
    model, checked with the model, and the catch-all, checked with the site's pages)."""
    return {
        name.removeprefix("admin:") for name, _pattern, namespace in url_patterns() if namespace == "admin" and name
    }


def model_url(model, suffix: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{suffix}", args=args)


def test_every_admin_page_has_an_entry():
    registered = {model._meta.label for model in admin.site._registry}
    assert sorted(registered - set(MODELS)) == [], "admin models without an entry in MODELS"
    assert sorted(set(MODELS) - registered) == [], "entries of MODELS not registered"
    prefixes = {f"{m._meta.app_label}_{m._meta.model_name}_" for m in admin.site._registry}
    unknown = sorted(
        name
        for name in admin_names()
        if name not in SITE_PAGES
        and not any(name.startswith(prefix) and name.removeprefix(prefix) in MODEL_PAGES for prefix in prefixes)
    )
    assert unknown == [], "admin URL patterns of a kind the matrix does not check"


class Probe:
    def __init__(self, model, entry: AdminModel, client_for):
        self.model, self.entry, self.client_for = model, entry, client_for
        self.model_admin = admin.site._registry[model]
        self.problems: list[str] = []

    def note(self, persona, method, url, response, expected, location: str | None = None) -> None:
        status = response.status_code
        where = response.get("Location", "")
        if status not in expected or (location is not None and status == 302 and not where.startswith(location)):
            self.problems.append(
                f"{persona}: {method} {url} → {status} {where}, expected {sorted(expected)} {location or ''}"
            )

    def post(self, persona, client, url, expected, location=None) -> None:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                response = client.post(url, {})
            transaction.set_rollback(True)
        self.note(persona, "POST", url, response, expected, location)
        written = writes_in(queries.captured_queries)
        if written:
            self.problems.append(f"{persona}: POST {url} wrote to the database: {written}")

    def samples(self, persona: str):
        rows = ROWS.get(self.model._meta.label, ANY_ROW)
        inside, outside = rows.samples(self.model, persona if persona in STAFF else "province")
        return inside, outside

    def object_urls(self, row) -> dict[str, str]:
        pk = row.pk if row is not None else 0
        urls = {
            "change": model_url(self.model, "change", pk),
            "delete": model_url(self.model, "delete", pk),
            "history": model_url(self.model, "history", pk),
            "bare": model_url(self.model, "changelist") + f"{pk}/",
        }
        if isinstance(self.model_admin, SimpleHistoryAdmin) and row is not None:
            version = row.history.order_by("-history_id").first()
            if version is not None:
                urls["version"] = model_url(self.model, "simple_history", pk, version.history_id)
        return urls

    def outsider(self, persona: str) -> None:
        """Anonymous and users who are not staff: every page sends them to the admin's log-in page."""
        client = self.client_for(persona)
        inside, _outside = self.samples("province")
        urls = [model_url(self.model, "changelist"), model_url(self.model, "add"), *self.object_urls(inside).values()]
        for url in urls:
            self.note(persona, "GET", url, client.get(url), {302}, ADMIN_LOGIN)
            self.post(persona, client, url, {302}, ADMIN_LOGIN)

    def staff(self, persona: str) -> None:
        client, entry = self.client_for(persona), self.entry
        views = persona in entry.view
        self.note(
            persona,
            "GET",
            model_url(self.model, "changelist"),
            client.get(model_url(self.model, "changelist")),
            {200} if views else {403},
        )
        add = model_url(self.model, "add")
        if persona in entry.add:
            if persona == "province":
                self.note(persona, "GET", add, client.get(add), {200})
        else:
            self.note(persona, "GET", add, client.get(add), {403})
            self.post(persona, client, add, {403})
        inside, outside = self.samples(persona)
        if not views:
            for url in self.object_urls(inside or outside).values():
                # a page the administrator may not view, or a row that does not exist: the index
                self.note(persona, "GET", url, client.get(url), {302, 403, 404})
                self.post(persona, client, url, {302, 403, 404, 405})
            return
        if inside is None and outside is None:
            self.problems.append(f"{persona}: no sample row at all")
        if inside is not None:
            self.own_row(persona, client, inside)
        if outside is not None:
            for kind, url in self.object_urls(outside).items():
                # As for a row that does not exist: the change page sends it back to the index (a POST to it
                # may be refused first: the right to change is asked of no row), so does the delete page
                # or it refuses, the history is not found.
                expected = {"change": {302}, "delete": {302, 403}, "history": {404}, "version": {404}, "bare": {302}}[
                    kind
                ]
                if kind == "history" and not isinstance(self.model_admin, ScopedAdmin):
                    expected = {302}  # Django's own history page: as the change page
                location = None if kind == "bare" else INDEX
                self.note(persona, "GET", url, client.get(url), expected, location)
                if kind in ("change", "delete"):
                    self.post(persona, client, url, {302, 403}, INDEX)

    def own_row(self, persona: str, client, row) -> None:
        urls, entry = self.object_urls(row), self.entry
        self.note(persona, "GET", urls["history"], client.get(urls["history"]), {200})
        if persona == "province":
            for kind in ("change", "version"):
                if kind in urls:
                    self.note(persona, "GET", urls[kind], client.get(urls[kind]), {200})
            self.note(persona, "GET", urls["bare"], client.get(urls["bare"]), {301, 302}, urls["change"])
            if persona in entry.delete:
                self.note(persona, "GET", urls["delete"], client.get(urls["delete"]), {200})
        if persona not in entry.change:
            self.post(persona, client, urls["change"], {403})
        if persona not in entry.delete:
            self.note(persona, "GET", urls["delete"], client.get(urls["delete"]), {403})
            self.post(persona, client, urls["delete"], {403})


@pytest.mark.parametrize("label", sorted(MODELS))
def test_admin_model_matrix(label, world, client_for):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    probe = Probe(model, MODELS[label], client_for)
    for persona in PERSONAS:
        if persona in STAFF:
            probe.staff(persona)
        else:
            probe.outsider(persona)
    assert not probe.problems, "\n".join(probe.problems)


def view_on_site() -> str:
    """The admin's "view on site" address of a Zhengzhou platform (it redirects to the platform's page)."""
    from django.contrib.contenttypes.models import ContentType

    from supervision.models import Platform

    platform = Platform.objects.get(name="郑州市公共资源交易中心交易平台")
    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Platform).pk, platform.pk])


def user_password() -> str:
    from portal.accounts.models import User

    return reverse("admin:auth_user_password_change", args=[User.objects.get(username="szca").pk])


SITE = {
    # name: (URL, status for staff, status for the others: the log-in page)
    "view_on_site": (view_on_site, 302, 302),  # to the platform's page, which is the portal's to refuse
    "auth_user_password_change": (user_password, 403, 302),  # accounts are the superusers'
    "index": (INDEX, 200, 302),
    # The administrators hold no Django permissions of their own (the rules give them each model's
    # pages): the admin lists no application for them.
    "app_list": ("/admin/supervision/", 404, 302),
    "password_change": ("/admin/password_change/", 200, 302),
    "password_change_done": ("/admin/password_change/done/", 200, 302),
    "jsi18n": ("/admin/jsi18n/", 200, 302),
    "autocomplete": ("/admin/autocomplete/", 403, 302),  # without the field it completes
    "catch-all": ("/admin/no-such-page/", 404, 302),
}


@pytest.mark.parametrize("name", sorted(SITE))
def test_admin_site_pages(name, world, client_for):
    url, staff, others = SITE[name]
    url = url() if callable(url) else url
    problems = []
    for persona in PERSONAS:
        response = client_for(persona).get(url)
        expected = staff if persona in STAFF else others
        to_login = persona not in STAFF and expected == 302
        if response.status_code != expected or (to_login and not response["Location"].startswith(ADMIN_LOGIN)):
            problems.append(f"{persona}: GET {url} → {response.status_code} {response.get('Location', '')}")
    assert not problems, "\n".join(problems)


def test_admin_log_in_and_out(world, client_for):
    """The log-in page opens for anyone (staff already logged in are sent to the index); logging out is a
    POST (the others are sent to the log-in page first)."""
    for persona in PERSONAS:
        staff = persona in STAFF
        assert client_for(persona).get(ADMIN_LOGIN).status_code == (302 if staff else 200), persona
        assert client_for(persona).get("/admin/logout/").status_code == (405 if staff else 302), persona
        assert client_for(persona).post("/admin/logout/").status_code in (200, 302), persona
