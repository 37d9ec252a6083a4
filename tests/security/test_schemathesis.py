"""Schemathesis over the OpenAPI schema (/api/schema/): every operation, with parameters and bodies
generated from the schema (valid ones, then ones that break it), sent through the WSGI application with
a token, as the provincial administrator and as a vendor. No answer may be a server error.

Bounded: a few examples per operation and mode (``SCHEMATHESIS_MAX_EXAMPLES``, 5 by default), no
shrinking, derandomized so a run is repeatable. It takes minutes, so it is not in the default run
(marker ``schemathesis``): ``make schemathesis`` runs it, and CI does (``.ci/run``).

The operations are walked here rather than through ``schema.parametrize()``: its lazy form (a schema
from a fixture, which needs the database) does not run under this pytest.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from portal.accounts.models import User
from portal.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def server_errors(schema, persona: str) -> list[str]:
    """Each operation × generation mode, ``MAX_EXAMPLES`` cases: the requests answered with a 5xx."""
    token = Token.objects.get_or_create(user=User.objects.get(username=persona))[0].key
    headers = {"Authorization": f"Token {token}"}
    found: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    sent = {"query": case.query, "body": case.body}
                    found.append(
                        f"{persona}: {case.method} {case.formatted_path} → {response.status_code} {sent!r:.300}"
                    )

            try:
                run()
            except Unsatisfiable:
                continue  # nothing of the operation can be made invalid (no parameters, no body)
    return found


@pytest.fixture
def connection_kept_open():
    """The WSGI handler closes the database connection at the end of each request (Django's test client
    disconnects that, this one does not): inside the test's transaction, on PostgreSQL, the next request
    would find it closed. Keep it open, as the test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["province", "szca"])
def test_no_server_error(api_schema, registry, connection_kept_open, persona):
    errors = server_errors(api_schema, persona)
    assert errors == [], "\n".join(sorted(set(errors)))
