"""The hash chain: each event links to the one before; verify_audit finds the first change or gap."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from shidian.core import audit
from shidian.core.audit import AuditAction
from shidian.core.audit_hash import GENESIS
from shidian.core.models import AuditEvent


@pytest.fixture
def unguarded(db: None) -> Iterator[None]:
    """Switch the database's own refusal off inside the test's transaction, as an intruder with the owner's
    rights would; the test's rollback switches it back on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
    yield


def three_events() -> list[AuditEvent]:
    return [audit.record(action=AuditAction.AUDIT_VERIFIED, detail={"n": n}) for n in range(3)]


@pytest.mark.django_db
def test_each_event_links_to_the_one_before() -> None:
    first, second, third = three_events()
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    chain = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert chain[0][0] == GENESIS
    assert all(prev == chain[i][1] for i, (prev, _own) in enumerate(chain[1:]))
    report = audit.verify_chain()
    assert report.ok
    assert report.last_hash == third.hash


@pytest.mark.django_db
def test_verify_audit_passes_on_an_untouched_trail(capsys: pytest.CaptureFixture[str]) -> None:
    three_events()
    call_command("verify_audit")
    assert "审计链完好" in capsys.readouterr().out


def test_a_changed_event_is_reported(unguarded: None) -> None:
    _first, second, _third = three_events()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_username = 'someone-else' WHERE id = %s", [second.pk])
    report = audit.verify_chain()
    assert (report.broken_at, report.problem.startswith("content changed")) == (second.pk, True)
    with pytest.raises(CommandError, match=f"#{second.pk}"):
        call_command("verify_audit")


def test_a_changed_event_with_a_recomputed_hash_breaks_the_next_link(unguarded: None) -> None:
    _first, second, third = three_events()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["f" * 64, second.pk])
    report = audit.verify_chain()
    assert report.broken_at == second.pk  # its own content no longer gives that hash
    # Even a forger who recomputes the hash of the changed event leaves the next link broken.
    from shidian.core.audit_hash import HASHED_FIELDS, event_hash

    row = AuditEvent.objects.values(*HASHED_FIELDS).get(pk=second.pk)
    row["actor_username"] = "forger"
    forged = event_hash(prev_hash=second.prev_hash, fields=row)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET actor_username = 'forger', hash = %s WHERE id = %s", [forged, second.pk]
        )
    report = audit.verify_chain()
    assert report.broken_at == third.pk
    assert report.problem.startswith("link broken")


def test_a_deleted_event_is_reported_as_a_missing_link(unguarded: None) -> None:
    first, second, third = three_events()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [second.pk])
    report = audit.verify_chain()
    assert report.broken_at == third.pk
    assert f"#{first.pk}" in report.problem
    with pytest.raises(CommandError, match=f"#{third.pk}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_record_refuses_a_name_outside_the_registry() -> None:
    with pytest.raises(ValueError, match="unregistered"):
        audit.record(action="plans.version.forgiven")  # type: ignore[arg-type]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db
def test_concurrent_writers_make_one_chain() -> None:
    """Four threads (four connections) append at once; the advisory lock keeps them in one line."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(15):
                audit.record(action=AuditAction.AUDIT_VERIFIED, detail={"thread": n, "i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))  # no fork: no two events follow the same one
    assert audit.verify_chain().ok
