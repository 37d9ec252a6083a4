"""Shared fixtures: the seeded registry and one persona per role (the demo users plus anonymous).

Each test database (one per xdist worker) is built from the models, not by running the migrations
(``--nomigrations`` in pyproject.toml; ``makemigrations --check`` guards against drift), seeded once,
and copied into snapshot tables. A transactional or live-server test ends by putting the tables back
from the snapshot (instead of Django emptying the database), in a fraction of a second, so every test
starts from the seeded registry without seeding again.
"""

import copy
import fcntl
import hashlib
import itertools
import os
import pickle
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings
from django.utils import translation

from portal.management.commands.seed import DEFAULT_DEMO_PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PERSONAS = ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang", "anonymous"]
DEMO_PASSWORD = DEFAULT_DEMO_PASSWORD
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_THROTTLE_RATES = {"anon": "10000/minute", "user": "10000/minute", "failed_auth": "10000/minute"}


# Run first: the tests that take long on their own (a migration walk in a subprocess, the browser stories).
# Spread over the run they would end it, both xdist workers on them at once; first, one worker takes
# them while the other runs the short tests, and the end of the run balances the short ones.
LONG_FIRST = ("tests/architecture/test_trial_upgrade.py", "tests/e2e/")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (which puts transactional tests last, because Django's flush empties
    the database after them; here each puts the registry back, so the order is free): long ones first."""

    def rank(item) -> int:
        return next((n for n, prefix in enumerate(LONG_FIRST) if item.nodeid.startswith(prefix)), len(LONG_FIRST))

    items.sort(key=rank)


def seed_demo() -> None:
    # pytest-django runs with DEBUG off, where the command refuses demo data. The demo passwords are
    # hashed with the tests' fast hasher, so logging in with them works and seeding takes no time.
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed", "--demo", "--password", DEMO_PASSWORD, verbosity=0)


@pytest.fixture(scope="session")
def _media_roots(tmp_path_factory):
    """A fresh media folder per test, made only when a test stores a file (most store none)."""
    base = tmp_path_factory.mktemp("media")
    return (base / str(n) for n in itertools.count())


@pytest.fixture(scope="session", autouse=True)
def _schema_built_once(tmp_path_factory):
    """drf-spectacular builds the OpenAPI schema again on every request, seconds each time; the tests
    ask for it a dozen times, in each xdist worker. Build it once per run for each role and language,
    keep it in a file the workers share (the first one to need it builds it while the other waits),
    and hand out copies: the code does not change during a run."""
    from drf_spectacular.generators import SchemaGenerator

    build = SchemaGenerator.get_schema
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "openapi-schemas"
    shared.mkdir(exist_ok=True)
    built = {}

    def get_schema(self, request=None, public=False):
        if self.patterns is not None:
            return build(self, request=request, public=public)
        # The schema differs by role (a vendor may not write what administrators attest), not by user.
        user = getattr(request, "user", None)
        role = (getattr(user, "role", ""), getattr(user, "is_superuser", False))
        key = repr((type(self).__qualname__, self.urlconf, self.api_version, public, translation.get_language(), role))
        if key not in built:
            path = shared / hashlib.sha256(key.encode()).hexdigest()
            with open(path.with_suffix(".lock"), "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if path.exists():
                    built[key] = pickle.loads(path.read_bytes())
                else:
                    built[key] = build(self, request=request, public=public)
                    path.with_suffix(".part").write_bytes(pickle.dumps(built[key]))
                    path.with_suffix(".part").rename(path)
        return copy.deepcopy(built[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SchemaGenerator, "get_schema", get_schema)
        yield


@pytest.fixture(autouse=True)
def _fast_and_local(settings, _media_roots):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = next(_media_roots)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    # The limits per address and per user (public forms, API throttles) count in the cache: a fresh
    # local-memory cache per test, so no count carries over from another test or, through a Redis
    # shared by the xdist workers, from another worker.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    cache.clear()
    # The API's throttles run on every request, at rates no test reaches unless it sets its own
    # (tests/production/test_rate_limits.py).
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": TEST_THROTTLE_RATES}


class Snapshot:
    """A copy of every table of the database in the same database (``snapshot__<table>``), made with
    plain SQL (``CREATE TABLE … AS SELECT``, ``INSERT … SELECT``), so it works alike on SQLite and
    PostgreSQL and never goes through the ORM."""

    PREFIX = "snapshot__"

    def __init__(self) -> None:
        self.tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))

    def copy(self, table: str) -> str:
        return connection.ops.quote_name(f"{self.PREFIX}{table}")

    def take(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {self.copy(table)}")
                cursor.execute(f"CREATE TABLE {self.copy(table)} AS SELECT * FROM {connection.ops.quote_name(table)}")

    def restore(self) -> None:
        """Put every table back as it was when the snapshot was taken, in one transaction.

        ``DELETE`` rather than the ``TRUNCATE`` of ``flush``: on PostgreSQL a truncation gives each of
        the ~150 tables new files, about a second, where deleting the few rows of the demo takes a
        fraction of it. The foreign keys are deferred, so the order of the tables does not matter."""
        from django.contrib.contenttypes.models import ContentType

        with transaction.atomic():
            with connection.cursor() as cursor:
                for table in self.tables:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
                for table in self.tables:
                    cursor.execute(f"INSERT INTO {connection.ops.quote_name(table)} SELECT * FROM {self.copy(table)}")
                models = apps.get_models(include_auto_created=True)
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
        ContentType.objects.clear_cache()  # a test may have made content types with other ids


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL the tests' connections do not wait for each commit to reach the disk
    (``synchronous_commit=off``: 1.5–2 ms a commit here, and the live-server tests commit every write).
    Nothing is lost but the last moments of a crash, of a database thrown away after the run."""
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    if connections["default"].vendor == "postgresql":
        options = settings_dict.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the facts and the demo data once per test database and snapshot them."""
    with django_db_blocker.unblock():
        seed_demo()
        snapshot = Snapshot()
        snapshot.take()
    # A transactional or live-server test ends by putting the registry back instead of emptying the
    # database (Django's flush): the next test finds what every test starts from, without a flush and
    # a restore, a couple of seconds each on PostgreSQL.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", lambda test_case: snapshot.restore())
        yield snapshot


@pytest.fixture
def registry(db, django_db_setup):
    """The seeded registry; restored from the snapshot if a test emptied the database itself (flush)."""
    from portal.accounts.models import User

    if not User.objects.filter(username="province").exists():
        django_db_setup.restore()


@pytest.fixture
def personas(registry) -> dict:
    """username → User for every demo persona, and "anonymous" → None."""
    from portal.accounts.models import User

    users = {user.username: user for user in User.objects.filter(username__in=PERSONAS)}
    users["anonymous"] = None
    return users


def log_in(client, user) -> None:
    """What ``client.force_login(user)`` leaves behind, a saved session of the user and its cookie,
    without ``login()``'s signals (last_login and its history row, django-axes' access log), which
    cost more than the request that follows. Logging in itself is tested through the log-in form."""
    session = import_module(django_settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = next(
        path for path in django_settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    name = django_settings.SESSION_COOKIE_NAME
    client.cookies[name] = session.session_key
    client.cookies[name].update(
        {
            "max-age": None,
            "path": "/",
            "domain": django_settings.SESSION_COOKIE_DOMAIN,
            "secure": django_settings.SESSION_COOKIE_SECURE or None,
            "expires": None,
        }
    )


@pytest.fixture
def client_for(client, personas):
    """client_for("puyang") → a test client logged in as that persona (anonymous: logged out)."""
    from django.test import Client

    def make(name: str) -> Client:
        new = Client()
        if personas[name] is not None:
            log_in(new, personas[name])
        return new

    return make


@pytest.fixture
def api_for(personas):
    """api_for("szca") → a DRF APIClient authenticated as that persona."""
    from rest_framework.test import APIClient

    def make(name: str) -> APIClient:
        new = APIClient()
        if personas[name] is not None:
            new.force_authenticate(personas[name])
        return new

    return make
