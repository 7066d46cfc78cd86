"""The replica router on a real hot standby (scripts/with_postgres.sh with PG_STANDBY=1, as `make test` runs it).

The standby streams the whole cluster, so it holds this worker's test database too; the ``replica`` alias
mirrors the default test database's name on the standby's port. It sees only committed rows: these tests
run in autocommit (transaction=True) and wait until the standby has replayed the primary's WAL position.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shidian.accounts import demo
from shidian.accounts.demo import DEMO_PASSWORD
from shidian.accounts.models import User
from shidian.bootstrap import data
from shidian.core import db_router
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.skipif(
    "replica" not in settings.DATABASES, reason="no hot standby (SHIDIAN_REPLICA_DATABASE_URL)"
)
committed = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def reference() -> None:
    """The reference data and demo accounts, committed (a flushing test before this one took them)."""
    if not User.objects.filter(username="demo-national").exists():
        data.load_reference()
        demo.load_demo_accounts()


def wait_for_replica() -> None:
    """Block until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + 30
    with connections["replica"].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, f"the standby did not reach {lsn} within 30 s"
            time.sleep(0.02)


def tables(queries: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db(databases=["default", "replica"])
def test_the_replica_is_a_hot_standby_of_the_same_test_database() -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, name = cursor.fetchone()
    assert in_recovery is True
    assert name == connections["default"].settings_dict["NAME"]
    assert connections["replica"].settings_dict["PORT"] != connections["default"].settings_dict["PORT"]


@committed
@override_settings(REPLICA_READS=True)
def test_analytics_reads_go_to_the_replica_and_other_reads_to_the_primary(reference: None) -> None:
    client = Client()
    client.force_login(User.objects.get(username="demo-national"))
    wait_for_replica()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(reverse("pilots:completeness"))
    assert response.status_code == 200
    assert "pilots_pilotarea" in tables(on_replica)
    assert "pilots_pilotarea" not in tables(on_primary)  # the primary only loads the session and the user
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        assert client.get(reverse("pilots:list")).status_code == 200  # not an analytics view
    assert on_replica.captured_queries == []
    assert "pilots_pilotarea" in tables(on_primary)


@committed
@override_settings(REPLICA_READS=True)
def test_a_writer_reads_the_primary_until_the_pin_expires(reference: None) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "demo-national", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert db_router.PIN_COOKIE in response.cookies  # signing in wrote: the session, the last login, the audit
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get(reverse("pilots:completeness")).status_code == 200
    assert on_replica.captured_queries == []  # pinned: what was just written is read from the primary
    wait_for_replica()
    client.cookies[db_router.PIN_COOKIE] = f"{time.time() - 1:.3f}"  # the pin's time is over
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get(reverse("pilots:completeness")).status_code == 200
    assert "pilots_pilotarea" in tables(on_replica)
    assert db_router.PIN_COOKIE not in client.get(reverse("pilots:completeness")).cookies  # reading pins nothing


@pytest.mark.django_db(databases=["default", "replica"])
@override_settings(REPLICA_READS=True)
def test_a_read_inside_a_transaction_stays_on_the_primary() -> None:
    # pytest-django holds a transaction open on the primary around a non-flushing test: reads stay there.
    with db_router.replica_reads():
        assert PilotArea.objects.db == "default"
    connections["default"].in_atomic_block = False  # as outside that transaction (restored below)
    try:
        with db_router.replica_reads():
            assert PilotArea.objects.db == "replica"
        assert PilotArea.objects.db == "default"
    finally:
        connections["default"].in_atomic_block = True


@pytest.mark.django_db
def test_without_the_switch_every_read_stays_on_the_primary() -> None:
    with db_router.replica_reads():
        assert PilotArea.objects.db == "default"
