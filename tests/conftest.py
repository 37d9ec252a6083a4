"""Shared fixtures: the seeded registry and one persona per role (the demo users plus anonymous)."""

import os

import pytest
from django.core.management import call_command
from django.test import override_settings

from portal.management.commands.seed import DEFAULT_DEMO_PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PERSONAS = ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang", "anonymous"]
DEMO_PASSWORD = DEFAULT_DEMO_PASSWORD
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed_demo() -> None:
    # pytest-django runs with DEBUG off, where the command refuses demo data. The demo passwords are
    # hashed with the tests' fast hasher, so logging in with them works and seeding takes no time.
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed", "--demo", "--password", DEMO_PASSWORD, verbosity=0)


@pytest.fixture(autouse=True)
def _fast_and_local(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the facts and the demo data once per test database."""
    with django_db_blocker.unblock():
        seed_demo()


@pytest.fixture
def registry(db):
    """The seeded registry; seeded again if a transactional test emptied the database."""
    from portal.accounts.models import User

    if not User.objects.filter(username="province").exists():
        seed_demo()


@pytest.fixture
def personas(registry) -> dict:
    """username → User for every demo persona, and "anonymous" → None."""
    from portal.accounts.models import User

    users = {user.username: user for user in User.objects.filter(username__in=PERSONAS)}
    users["anonymous"] = None
    return users


@pytest.fixture
def client_for(client, personas):
    """client_for("puyang") → a test client logged in as that persona (anonymous: logged out)."""
    from django.test import Client

    def make(name: str) -> Client:
        new = Client()
        if personas[name] is not None:
            new.force_login(personas[name])
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
