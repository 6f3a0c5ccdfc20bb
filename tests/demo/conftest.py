"""The demo is loaded once for the whole package, inside a transaction rolled back at the end.

Each test still runs in its own savepoint (the `db` fixture), so a test that
changes something (a second load, a login) leaves the next test the same demo.
"""

import pytest
from django.db import transaction

from caravan.demo.loader import load_demo


@pytest.fixture(scope="package")
def demo_load(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = load_demo()
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_load, db):
    """The loaded demo (its LoadResult), for a test that uses the database."""
    return demo_load
