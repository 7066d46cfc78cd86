"""The data generation (core/generation.py): which statements move it, and when the shared token changes."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction

from shidian.accounts.models import Organisation, User
from shidian.core import generation
from shidian.core.models import DataGeneration
from shidian.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "accounts_user"."id" FROM "accounts_user"', False),
        ("  select 1", False),
        ('SAVEPOINT "s1"', False),
        ('RELEASE SAVEPOINT "s1"', False),
        ('INSERT INTO "accounts_user" ("username") VALUES (%s)', True),
        ('UPDATE "reporting_pilotreport" SET "status" = %s', True),
        ('DELETE FROM "plans_milestone" WHERE id = 1', True),
        ("insert into indicators_indicatorvalue select * from stage", True),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('INSERT INTO "core_auditevent" ("action") VALUES (%s)', False),
        ('INSERT INTO "core_datageneration" ("id", "token") VALUES (1, %s)', False),
        ("WITH moved AS (UPDATE x SET y = 1 RETURNING id) SELECT * FROM moved", True),
        ('TRUNCATE "pilots_pilotarea"', True),
        ('ALTER TABLE "pilots_pilotarea" ADD COLUMN "x" int', True),
        ("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", True),
    ],
)
def test_what_counts_as_a_write(sql: str, writes: bool) -> None:
    assert generation.is_write(sql) is writes


def test_every_connection_carries_the_watch() -> None:
    connection.ensure_connection()
    assert generation.watch in connection.execute_wrappers


def _token() -> str | None:
    return DataGeneration.objects.values_list("token", flat=True).first()


def test_every_kind_of_orm_write_moves_the_process_counter_at_once() -> None:
    organisation = Organisation.objects.order_by("pk").first()
    assert organisation is not None
    for write in (
        lambda: Organisation.objects.filter(pk=organisation.pk).update(name=organisation.name),
        lambda: User.objects.bulk_create(
            [User(username="generation-a", role=Role.EXPERT), User(username="generation-b", role=Role.EXPERT)]
        ),
        lambda: User.objects.filter(username__startswith="generation-").delete(),
        lambda: organisation.save(update_fields=["name"]),
        lambda: connection.cursor().execute(
            "UPDATE accounts_organisation SET name = name WHERE id = %s", [organisation.pk]
        ),
    ):
        before = generation.current()
        write()
        assert generation.current() != before


def test_reads_and_session_saves_leave_it_alone() -> None:
    before = generation.current()
    list(User.objects.all()[:5])
    session = SessionStore()
    session["x"] = 1
    session.save()
    assert generation.current() == before


@pytest.mark.django_db(transaction=True)
def test_the_shared_token_changes_when_the_write_commits_and_not_before() -> None:
    organisation = Organisation.objects.order_by("pk").first()
    assert organisation is not None
    start = _token()
    with transaction.atomic():
        local = generation.local()
        Organisation.objects.filter(pk=organisation.pk).update(name=organisation.name)
        assert generation.local() != local  # this process knows at once
        assert _token() == start  # the others only once it commits
    committed = _token()
    assert committed not in {None, start}

    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(name=organisation.name)
        User.objects.bulk_create([User(username="generation-c", role=Role.EXPERT)])
        transaction.set_rollback(True)
    assert _token() == committed  # nothing committed, nothing renewed

    User.objects.bulk_create([User(username="generation-d", role=Role.EXPERT)])  # autocommit: renewed at once
    assert _token() != committed


def test_a_rolled_back_savepoint_moves_the_counter() -> None:
    before = generation.local()
    sid = transaction.savepoint_create()
    transaction.savepoint_rollback(sid)
    assert generation.local() != before
