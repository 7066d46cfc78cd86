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
