"""发文字号: per organisation and year, assigned once, never reused, safe when two issue at once."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.core.documents import numbers
from shidian.core.models import DocumentNumber, DocumentNumberPrefix

pytestmark = pytest.mark.django_db


def guangxi() -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.PROVINCIAL_COMMISSION, province__code="45")


def test_numbers_count_up_per_organisation_and_year_and_stay_with_their_document() -> None:
    org = guangxi()
    first = numbers.issue_document_number(organisation=org, year=2019, subject="x:1")
    second = numbers.issue_document_number(organisation=org, year=2019, subject="x:2")
    again = numbers.issue_document_number(organisation=org, year=2019, subject="x:1")
    next_year = numbers.issue_document_number(organisation=org, year=2020, subject="x:3")
    assert (first.text, second.text) == ("桂发改规划〔2019〕1号", "桂发改规划〔2019〕2号")
    assert again.pk == first.pk and numbers.number_of("x:1") == "桂发改规划〔2019〕1号"
    assert next_year.text == "桂发改规划〔2020〕1号"
    assert numbers.number_of("x:404") == ""


def test_a_configured_prefix_is_used() -> None:
    org = guangxi()
    DocumentNumberPrefix.objects.create(organisation=org, prefix="桂发改城镇")
    assert numbers.issue_document_number(organisation=org, year=2019, subject="x:1").text == "桂发改城镇〔2019〕1号"


def test_the_year_row_is_locked_and_the_database_refuses_a_reused_serial() -> None:
    org = guangxi()
    with CaptureQueriesContext(connection) as queries:
        issued = numbers.issue_document_number(organisation=org, year=2019, subject="x:1")
    if connection.vendor == "postgresql":  # SQLite has no row locks; it serialises writers instead
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNumber.objects.create(sequence=issued.sequence, serial=1, text="copy", subject="x:2")


@pytest.mark.django_db(transaction=True)
def test_documents_issued_at_the_same_moment_get_consecutive_distinct_numbers() -> None:
    """Real concurrency: threads, each on its own connection, take numbers of one year at the same moment."""
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the row lock is what PostgreSQL needs proven")
    org = guangxi()
    issuers, rounds = 6, 5
    start = threading.Barrier(issuers)
    issued: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def issue(worker: int) -> None:
        try:
            start.wait()
            for n in range(rounds):
                number = numbers.issue_document_number(organisation=org, year=2019, subject=f"x:{worker}-{n}")
                issued.append((number.serial, number.text))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(w,)) for w in range(issuers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    serials = sorted(serial for serial, _text in issued)
    assert serials == list(range(1, issuers * rounds + 1))  # no duplicate, no gap
    assert len({text for _serial, text in issued}) == issuers * rounds
    assert DocumentNumber.objects.filter(sequence__organisation=org, sequence__year=2019).count() == issuers * rounds
