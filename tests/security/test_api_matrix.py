"""Every API endpoint × method × persona, with a row in and a row out of each persona's scope.

``ENDPOINTS`` says, for every route of the API router, whose rows are whose (``Rows``) and who may
do each write; the cases are generated from it and from the viewsets themselves (their routes, actions
and ``http_method_names``). A route without an entry, or an action without a line, fails
``test_every_endpoint_and_action_has_an_entry``.

What is checked, per persona:

- reads: the list answers 200 and holds the row in scope and not the row out of it (all pages); the
  row in scope opens (200), the row out of it is not found (404); anonymous is refused (401/403);
- writes (POST, PUT, PATCH, DELETE on the list and on both rows, and every extra action): a persona
  without the right is refused (403, 404 or 405, never 2xx, never 5xx) and nothing changed in the
  database (the table's count, its newest ``updated``, its history and both rows' values); a persona
  with the right gets 2xx or a clean 400 for its empty body (undone after, so the next case starts
  from the same rows); a method the route does not have answers 405.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from rest_framework.parsers import JSONParser
from security.world import ADMINS, EVERYONE, INBOX, OPERATOR, PERSONAS, ROWS, VENDORS, Rows

from portal.api.urls import router

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
NOBODY: frozenset[str] = frozenset()
PROVINCE = frozenset({"province"})
PLATFORM = frozenset({OPERATOR})


@dataclass(frozen=True)
class Endpoint:
    """One router registration: who may take each write action on a row of its own scope (``create`` on
    the list). Reads follow the rows of the model (``ROWS``): a persona reads the rows of its scope."""

    writes: dict[str, frozenset[str]] = field(default_factory=dict)
    list_status: dict[str, int] = field(default_factory=dict)  # persona → status of GET on the list
    rows: Rows | None = None  # whose rows are whose, where it is not the model's ``ROWS``


ENDPOINTS: dict[str, Endpoint] = {
    # --- the registry ---
    "region": Endpoint({"create": PROVINCE, "update": PROVINCE, "destroy": NOBODY}),
    "authority": Endpoint({"create": ADMINS, "update": ADMINS, "destroy": PROVINCE}),
    "businessdomain": Endpoint({"create": PROVINCE, "update": PROVINCE, "destroy": NOBODY}),
    "platform": Endpoint({"create": ADMINS, "update": ADMINS | PLATFORM, "destroy": PROVINCE}),
    "cavendor": Endpoint({"create": PROVINCE, "update": PROVINCE | VENDORS, "destroy": NOBODY}),
    "contact": Endpoint({"create": EVERYONE, "update": EVERYONE, "destroy": EVERYONE}),
    # --- the deadlines engine ---
    "directive": Endpoint({"create": ADMINS, "update": ADMINS, "destroy": NOBODY}),
    "obligation": Endpoint(
        {
            "create": ADMINS,
            "update": ADMINS,
            "destroy": NOBODY,
            "fulfil": EVERYONE,  # a party reports it done (with evidence); an administrator accepts it
            "accept": ADMINS,
            "return_report": ADMINS,
            "waive": ADMINS,
            "campaign": ADMINS,
            "confirm_unmet": PROVINCE,
            "letter": ADMINS,  # a 督办函: the province, a city for duties of its own directives
        }
    ),
    "finding": Endpoint({"create": ADMINS, "update": ADMINS, "destroy": NOBODY, "dismiss": ADMINS}),
    "rectificationcase": Endpoint(
        {"create": ADMINS, "respond": VENDORS | PLATFORM, "close": ADMINS, "return_for_more": ADMINS}
    ),
    "criticism": Endpoint({"create": ADMINS, "partial_update": ADMINS, "approve": PROVINCE, "publish": PROVINCE}),
    "inbox": Endpoint({"read": EVERYONE}, rows=INBOX),
    "notification": Endpoint(),
    "reminderpolicy": Endpoint({"update": PROVINCE}),
    "supervisionletter": Endpoint(),
    "progressreport": Endpoint({"create": ADMINS}),
    # --- certificates and recognition ---
    "cacertificate": Endpoint({"create": ADMINS | VENDORS, "destroy": PROVINCE}),
    "certificateclaim": Endpoint({"confirm": PROVINCE, "reject": PROVINCE}),
    "certificateupload": Endpoint(),
    "product": Endpoint({"create": PROVINCE | VENDORS, "update": PROVINCE | VENDORS, "destroy": PROVINCE | VENDORS}),
    "sharedapp": Endpoint({"create": PROVINCE | VENDORS, "update": PROVINCE | VENDORS, "destroy": PROVINCE | VENDORS}),
    "trustlistentry": Endpoint(
        {"create": ADMINS | PLATFORM, "partial_update": ADMINS | PLATFORM, "destroy": ADMINS | PLATFORM}
    ),
    # Transitions and confirmations are the workflow's to refuse (400 with the reason), to whoever sees the row.
    "recognitionrecord": Endpoint(
        {"create": ADMINS | VENDORS, "partial_update": ADMINS | VENDORS, "transition": EVERYONE, "confirm": EVERYONE}
    ),
    "recognition-matrix": Endpoint(),
    # --- fees ---
    "productkind": Endpoint({"create": PROVINCE, "update": PROVINCE, "destroy": NOBODY}),
    "feeitem": Endpoint({"create": PROVINCE, "update": PROVINCE, "destroy": NOBODY}),
    # The samples are drafts, which nobody reviews before they are submitted.
    "feefiling": Endpoint(
        {
            "create": ADMINS | VENDORS,
            "update": ADMINS | VENDORS,
            "destroy": ADMINS | VENDORS,
            "submit": ADMINS | VENDORS,
            "accept": NOBODY,
            "return_": NOBODY,
        }
    ),
    "feefilingline": Endpoint({"create": ADMINS | VENDORS, "update": ADMINS | VENDORS, "destroy": ADMINS | VENDORS}),
    "fee-tariff": Endpoint(list_status=dict.fromkeys(EVERYONE, 400)),  # its query parameters are required
    "fee-benchmark": Endpoint(),
    "feecomplaint": Endpoint(),
    # --- the 2023 trial ---
    "trialround": Endpoint(
        {"create": PROVINCE, "update": PROVINCE, "destroy": NOBODY, "publish": NOBODY}
    ),  # 法规司 publishes
    "reportingperiod": Endpoint({"create": PROVINCE, "update": PROVINCE, "destroy": NOBODY}),
    "trialparticipant": Endpoint({"create": PROVINCE, "update": PROVINCE, "destroy": PROVINCE}),
    "announcement": Endpoint(
        {
            "create": ADMINS | PLATFORM,
            "update": ADMINS | PLATFORM,
            "destroy": ADMINS,
            "approve": ADMINS,
            "publish": ADMINS | PLATFORM,
            "return_to_draft": ADMINS,
        }
    ),
    "coverage": Endpoint({"create": ADMINS | PLATFORM, "update": ADMINS | PLATFORM, "destroy": ADMINS}),
    "agreement": Endpoint({"create": ADMINS | PLATFORM, "update": ADMINS | PLATFORM, "destroy": ADMINS}),
    "agreementparty": Endpoint({"create": ADMINS | PLATFORM, "update": ADMINS | PLATFORM, "destroy": ADMINS}),
    "remedyplan": Endpoint({"create": ADMINS | PLATFORM, "update": ADMINS | PLATFORM, "destroy": ADMINS}),
    "decryptionincident": Endpoint({"create": ADMINS | PLATFORM, "update": ADMINS | PLATFORM, "destroy": ADMINS}),
    "usagereport": Endpoint({"create": ADMINS | PLATFORM, "destroy": ADMINS}),
    "usageline": Endpoint(),
    "announcementdisplay": Endpoint({"create": ADMINS | PLATFORM, "update": ADMINS | PLATFORM, "destroy": ADMINS}),
    "writtenreport": Endpoint({"create": NOBODY}),  # a lead department's (no persona of the matrix)
    "feedback": Endpoint({"create": NOBODY, "answer": ADMINS, "finding": ADMINS, "national": ADMINS, "close": ADMINS}),
}


# --- the routes, from the router ---------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # the URL name
    detail: bool
    mapping: dict[str, str]  # method → action, for the methods the viewset answers


def routes_of(viewset, basename: str) -> list[Route]:
    allowed = set(viewset.http_method_names)
    found = []
    for route in router.get_routes(viewset):
        answered = router.get_method_map(viewset, route.mapping)  # the actions the viewset has
        mapping = {method: action for method, action in answered.items() if method in allowed}
        name = route.name.format(basename=basename)
        found.append(Route(name=name, detail=route.detail, mapping=mapping))
    return found


def registrations() -> dict[str, type]:
    return {basename: viewset for _prefix, viewset, basename in router.registry}


def write_actions(viewset, basename: str) -> set[str]:
    """The viewset's actions that write (PUT and PATCH are one right, ``update``, where there is a PUT)."""
    actions = {
        action for route in routes_of(viewset, basename) for method, action in route.mapping.items() if method != "get"
    }
    return actions - {"partial_update"} if "update" in actions else actions


def right_for(endpoint: Endpoint, action: str) -> frozenset[str]:
    """Who may take ``action``; PATCH is the same right as PUT unless the table names it apart."""
    if action == "partial_update" and action not in endpoint.writes:
        action = "update"
    return endpoint.writes[action]


def test_every_endpoint_and_action_has_an_entry():
    basenames = registrations()
    assert sorted(set(basenames) - set(ENDPOINTS)) == [], "API routes without an entry in ENDPOINTS"
    assert sorted(set(ENDPOINTS) - set(basenames)) == [], "entries of ENDPOINTS without a route"
    missing = {
        basename: sorted(write_actions(viewset, basename) - set(ENDPOINTS[basename].writes))
        for basename, viewset in basenames.items()
    }
    assert {name: actions for name, actions in missing.items() if actions} == {}, "write actions without a line"
    extra = {
        basename: sorted(set(ENDPOINTS[basename].writes) - write_actions(viewset, basename))
        for basename, viewset in basenames.items()
    }
    assert {name: actions for name, actions in extra.items() if actions} == {}, "lines for actions that do not exist"


# --- the state a refused write must leave alone -----------------------------------------------


def fingerprint(model, *rows) -> tuple:
    """The table's row count, newest ``updated`` and history size, and the values of ``rows``."""
    if model is None:
        return ()
    names = {f.name for f in model._meta.concrete_fields}
    table = model._default_manager.all()
    state = [table.count()]
    if "updated" in names:
        state.append(table.aggregate(newest=Max("updated"))["newest"])
    history = getattr(model, "history", None)
    if history is not None:
        state.append(history.count())
    for row in rows:
        if row is not None:
            state.append(model._default_manager.filter(pk=row.pk).values().first())
    return tuple(state)


def undone(call):
    """The response of ``call``, with whatever it wrote rolled back (the next case starts from the same rows)."""
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response


def ids_listed(api, url: str) -> set:
    """The primary keys on every page of a list (its rows are dicts with an ``id``, or a ``code``)."""
    ids, pages = set(), 0
    while url and pages < 20:
        body = api.get(url).json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        for row in rows if isinstance(rows, list) else []:
            ids.add(row.get("id", row.get("code")))
        url = body.get("next") if isinstance(body, dict) else None
        pages += 1
    return ids


# --- the matrix --------------------------------------------------------------------------------


def body_of(response) -> str:
    return response.content.decode(errors="replace")[:200]


class Probe:
    """The requests of one endpoint, and what was wrong with their answers."""

    def __init__(self, basename: str, api_for):
        self.endpoint, self.viewset = ENDPOINTS[basename], registrations()[basename]
        self.routes = routes_of(self.viewset, basename)
        self.model = getattr(getattr(self.viewset, "queryset", None), "model", None)
        parsers = getattr(self.viewset, "parser_classes", [JSONParser])
        self.format = "json" if any(issubclass(parser, JSONParser) for parser in parsers) else "multipart"
        self.api_for = api_for
        self.problems: list[str] = []

    def samples(self, persona: str):
        if self.model is None:  # figures computed for the user: no rows
            return None, None
        rows = self.endpoint.rows or ROWS[self.model._meta.label]
        return rows.samples(self.model, persona)

    def targets(self, route: Route, inside, outside):
        """(label, URL) of each address of the route: the list, or each sample row."""
        if not route.detail:
            yield "list", reverse(route.name)
            return
        for label, row in (("in scope", inside), ("out of scope", outside)):
            if row is not None:
                yield label, reverse(route.name, args=[row.pk])

    def send(self, api, method: str, url: str):
        return getattr(api, method)(url, {}, format=self.format)

    def expect(self, persona, method, url, response, allowed) -> None:
        if response.status_code not in allowed:
            self.problems.append(
                f"{persona}: {method.upper()} {url} → {response.status_code}, expected {sorted(allowed)}: "
                f"{body_of(response)}"
            )

    def persona(self, persona: str) -> None:
        api = self.api_for(persona)
        inside, outside = self.samples(persona)
        if persona != "anonymous" and self.model is not None and inside is None and outside is None:
            self.problems.append(f"{persona}: no sample row at all")
        for route in self.routes:
            for where, url in self.targets(route, inside, outside):
                for method, action in route.mapping.items():
                    if persona == "anonymous":
                        self.expect(persona, method, url, self.send(api, method, url), {401, 403})
                    elif method == "get":
                        self.read(persona, api, route, action, where, url, inside, outside)
                    elif persona in right_for(self.endpoint, action) and where != "out of scope":
                        self.allowed_write(persona, api, method, action, url)
                    else:
                        self.refused_write(persona, api, method, action, url, inside, outside)

    def read(self, persona, api, route, action, where, url, inside, outside) -> None:
        if where == "out of scope":
            self.expect(persona, "get", url, self.send(api, "get", url), {404})
            return
        status = self.endpoint.list_status.get(persona, 200) if not route.detail else 200
        self.expect(persona, "get", url, self.send(api, "get", url), {status})
        if action == "list" and status == 200 and self.model is not None:
            listed = ids_listed(api, url)
            if inside is not None and inside.pk not in listed:
                self.problems.append(f"{persona}: {url} does not list row {inside.pk} of its scope")
            if outside is not None and outside.pk in listed:
                self.problems.append(f"{persona}: {url} lists row {outside.pk}, out of its scope")

    def allowed_write(self, persona, api, method, action, url) -> None:
        response = undone(lambda: self.send(api, method, url))
        if not (200 <= response.status_code < 300 or response.status_code == 400):
            self.problems.append(
                f"{persona} may {action}: {method.upper()} {url} → {response.status_code}: {body_of(response)}"
            )

    def refused_write(self, persona, api, method, action, url, inside, outside) -> None:
        with transaction.atomic():
            before = fingerprint(self.model, inside, outside)
            response = self.send(api, method, url)
            changed = fingerprint(self.model, inside, outside) != before
            transaction.set_rollback(True)
        self.expect(persona, method, url, response, {403, 404, 405})
        if changed:
            self.problems.append(f"{persona}: {method.upper()} {url} ({action}) changed the database")

    def unanswered_methods(self) -> None:
        """A method a route does not answer is refused with 405, whoever asks (asked by one persona)."""
        api = self.api_for("province")
        inside, outside = self.samples("province")
        row = inside or outside or (self.model._default_manager.first() if self.model else None)
        for route in self.routes:
            for _where, url in self.targets(route, row, None):
                for method in sorted(set(METHODS) - set(route.mapping)):
                    self.expect("province", method, url, self.send(api, method, url), {405})


@pytest.mark.parametrize("basename", sorted(ENDPOINTS))
def test_endpoint_matrix(basename, world, api_for):
    probe = Probe(basename, api_for)
    for persona in PERSONAS:
        probe.persona(persona)
    probe.unanswered_methods()
    assert not probe.problems, "\n".join(probe.problems)
