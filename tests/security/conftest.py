"""The world of the access matrices, built once per module inside a transaction that is rolled back
when the module ends (each test runs in a savepoint of it, as usual)."""

import pytest
from django.db import transaction
from security import world as world_module

from portal.accounts.models import User


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not User.objects.filter(username="province").exists():
            django_db_setup.restore()  # a transactional test emptied the database
        outer = transaction.atomic()
        outer.__enter__()
        try:
            rows = world_module.build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield rows
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
