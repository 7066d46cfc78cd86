"""On PostgreSQL the application's role cannot change or remove audit events, nor switch the guard off.

The test suite itself runs as the owner (it creates and flushes its database); this test connects to the
same test database as the application's role (scripts/with_postgres.sh creates both) and tries each
way an intruder holding the application's credentials would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database roles are a PostgreSQL matter"),
    pytest.mark.django_db,
]


@pytest.fixture
def as_app_role() -> Iterator[Any]:
    import psycopg

    role = settings.DATABASE_APP_ROLE
    if not role:
        pytest.fail("SHIDIAN_DATABASE_APP_ROLE is not set: run PostgreSQL tests through scripts/with_postgres.sh")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params.pop("server_side_binding", None)
    params.update(user=role, password="", autocommit=True)
    with psycopg.connect(**params) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (role,)
        yield conn


REFUSED = [
    "UPDATE core_auditevent SET action = 'x' WHERE id = (SELECT min(id) FROM core_auditevent)",
    "DELETE FROM core_auditevent WHERE id = (SELECT min(id) FROM core_auditevent)",
    "TRUNCATE core_auditevent",
    "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only",
    "ALTER TABLE core_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER core_auditevent_append_only ON core_auditevent",
    "DROP TABLE core_auditevent",
    "CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$"
    " LANGUAGE plpgsql",
    "ALTER TABLE core_auditevent OWNER TO CURRENT_USER",
]


@pytest.mark.parametrize("sql", REFUSED, ids=[s.split(" core_")[0].split(" ON ")[0][:40] for s in REFUSED])
def test_the_app_role_is_refused(as_app_role: Any, sql: str) -> None:
    import psycopg

    before = as_app_role.execute("SELECT count(*) FROM core_auditevent").fetchone()
    assert before[0] > 0  # the shared set-up wrote events, committed
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_app_role.execute(sql)
    assert as_app_role.execute("SELECT count(*) FROM core_auditevent").fetchone() == before


def test_the_app_role_reads_and_appends_and_keeps_the_other_tables(as_app_role: Any) -> None:
    with as_app_role.transaction(force_rollback=True):
        assert as_app_role.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] > 0
        as_app_role.execute(
            "INSERT INTO core_auditevent (occurred_at, actor_username, organisation_name, action, object_type,"
            " object_id, object_repr, success, changes, detail, prev_hash, hash)"
            " VALUES (now(), '', '', 'core.audit.verified', '', '', '', true, '{}', '{}', '', '')"
        )
        updated = as_app_role.execute("UPDATE accounts_user SET last_login = last_login")
        assert updated.rowcount > 0
    owner = as_app_role.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'core_auditevent'").fetchone()[0]
    assert owner != settings.DATABASE_APP_ROLE
