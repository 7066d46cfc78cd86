"""The evaluation's workbench sections and the bulletin composed from a published run."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import docx
import pytest
from django.test import Client
from django.urls import reverse

from shidian.core import clock
from shidian.core.documents.numbers import number_of, subject_of
from shidian.core.models import AuditEvent, DocumentNumber
from shidian.evaluation import selectors, services
from shidian.evaluation.models import Bulletin, Result
from shidian.evaluation.tests import factories as f
from shidian.workbench import selectors as workbench

pytestmark = pytest.mark.django_db


def _keys(username: str) -> dict[str, int]:
    from shidian.accounts.models import User

    bench = workbench.workbench_for(user=User.objects.get(username=username))
    return {s.key: s.count for s in bench.sections}


def test_draft_runs_objections_and_province_results_appear_on_the_workbenches() -> None:
    pilots = f.some_pilots(2)
    f.only_pilots(pilots)
    run = f.computed_run(f.scheme())
    assert _keys("demo-national")["evaluation_drafts"] == 1
    assert _keys("demo-province")["evaluation_results"] == 1
    services.file_objection(
        result=Result.objects.get(run=run, pilot=f.liuzhou()), reasons="有误", by=f.province_officer()
    )
    assert _keys("demo-national")["objections"] == 1


def test_lists_of_runs_and_objections_leave_the_inputs_snapshot_and_breakdowns_unread() -> None:
    """A run's inputs snapshot is ~1 MB of JSON at the demo's size: the workbench and the lists never parse it."""
    from shidian.accounts.models import User

    pilots = f.some_pilots(2)
    f.only_pilots(pilots)
    run = f.computed_run(f.scheme())
    services.file_objection(
        result=Result.objects.get(run=run, pilot=f.liuzhou()), reasons="有误", by=f.province_officer()
    )
    national = User.objects.get(username="demo-national")
    (draft,) = selectors.draft_runs(user=national)
    assert "inputs" in draft.get_deferred_fields()
    assert all("inputs" in r.get_deferred_fields() for r in selectors.visible_runs(user=national))
    (objection,) = selectors.unanswered_objections(user=national)
    assert "breakdown" in objection.result.get_deferred_fields()
    assert "inputs" in objection.result.run.get_deferred_fields()
    assert "breakdown" in selectors.objections_of(user=national, run=run)[0].result.get_deferred_fields()
    # The one run a page is about still comes whole.
    assert selectors.get_run_for(user=national, run_id=run.pk).get_deferred_fields() == set()


def test_the_expert_sees_open_assignments_with_their_deadline() -> None:
    from shidian.accounts.models import User

    s = f.scheme(scoring_opens_on=dt.date(2019, 7, 1), scoring_closes_on=dt.date(2019, 7, 31))
    expert = f.expert("expert-bench", province="北京市")
    services.assign_expert(expert=expert, pilot=f.liuzhou(), scheme=s, by=f.national())
    with clock.travel_to(dt.date(2019, 7, 8)):
        bench = workbench.workbench_for(user=User.objects.get(username="expert-bench"))
    (section,) = bench.sections
    assert section.count == 1 and "柳州市" in section.items[0].title and "2019年7月31日" in section.items[0].note


def test_a_published_runs_bulletin_downloads_as_docx_with_the_grades(client_as: Callable[[str], Client]) -> None:
    pilots = f.some_pilots(2)
    f.only_pilots(pilots)
    run = services.publish_run(run=f.computed_run(f.scheme()), by=f.national())
    national = client_as("demo-national")
    national.post(
        reverse("evaluation:bulletin_save", kwargs={"run_id": run.pk}),
        {
            "title": "关于2018年度国家新型城镇化综合试点评估情况的通报",
            "experiences": "",
            "problems": "报告质量参差不齐",
        },
    )
    assert AuditEvent.objects.filter(action="evaluation.bulletin.saved").exists()
    draft = national.get(reverse("evaluation:bulletin", kwargs={"run_id": run.pk}))
    draft_text = "\n".join(p.text for p in docx.Document(io.BytesIO(draft.content)).paragraphs)
    assert "（印发时编号）" in draft_text
    national.post(reverse("evaluation:bulletin_issue", kwargs={"run_id": run.pk}))
    bulletin = Bulletin.objects.get(run=run)
    assert bulletin.status == "issued" and bulletin.number == number_of(subject_of(bulletin))
    response = national.get(reverse("evaluation:bulletin", kwargs={"run_id": run.pk}))
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    tables = "\n".join(
        c.text for t in docx.Document(io.BytesIO(response.content)).tables for row in t.rows for c in row.cells
    )
    assert bulletin.number in text and "柳州市" in text + tables
    assert AuditEvent.objects.filter(action="evaluation.bulletin.downloaded").exists()


def test_issued_bulletins_are_public_only_once_published_and_issued() -> None:
    from shidian.evaluation import selectors

    pilots = f.some_pilots(2)
    f.only_pilots(pilots)
    s = f.scheme()
    draft = f.computed_run(s)
    assert selectors.issued_bulletins() == []
    with pytest.raises(Exception, match="发布后"):
        services.save_bulletin(run=draft, title="y", experiences="", problems="", by=f.national())
    run = services.publish_run(run=draft, by=f.national())
    bulletin = services.save_bulletin(run=run, title="关于2018年度的通报", experiences="", problems="", by=f.national())
    assert bulletin.number == "" and selectors.issued_bulletins() == []  # a draft is not public
    bulletin = services.issue_bulletin(run=run, by=f.national())
    assert selectors.issued_bulletins() == [bulletin]
    before = AuditEvent.objects.count()
    data, name = selectors.bulletin_document(bulletin=bulletin, fmt="docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert bulletin.number in text and name == "2018年度评估通报.docx"
    assert AuditEvent.objects.count() == before  # public reading: no user, nothing recorded


def test_the_bulletin_is_numbered_at_issue_by_the_numbering_service_and_frozen_after() -> None:
    """发文字号 from core.documents.numbers: the commission's next serial of the year; issued once, never reused."""
    from shidian.core.errors import Conflict, DomainError

    f.only_pilots(f.some_pilots(2))
    national = f.national()
    run = services.publish_run(run=f.computed_run(f.scheme()), by=national)
    with pytest.raises(Conflict, match="草稿"):
        services.issue_bulletin(run=run, by=national)  # nothing saved yet
    with pytest.raises(DomainError, match="标题"):
        services.save_bulletin(run=run, title=" ", experiences="", problems="", by=national)
    services.save_bulletin(run=run, title="通报", experiences="", problems="", by=national)
    with clock.travel_to(dt.date(2019, 4, 6)):
        issued = services.issue_bulletin(run=run, by=national)
    record = DocumentNumber.objects.get(subject=subject_of(issued))
    assert issued.number == record.text == f"发改规划〔2019〕{record.serial}号"
    assert issued.issued_on == dt.date(2019, 4, 6)
    assert AuditEvent.objects.filter(action="evaluation.bulletin.issued", object_id=str(issued.pk)).exists()
    changes = AuditEvent.objects.exclude(action="core.move.refused")  # a refused move is itself recorded
    before = (changes.count(), DocumentNumber.objects.count())
    with pytest.raises(Conflict, match="已印发"):
        services.issue_bulletin(run=run, by=national)
    with pytest.raises(Conflict, match="已印发"):
        services.save_bulletin(run=run, title="改标题", experiences="", problems="", by=national)
    issued.refresh_from_db()
    assert issued.title == "通报" and issued.number == record.text
    assert (changes.count(), DocumentNumber.objects.count()) == before
    assert AuditEvent.objects.filter(action="core.move.refused").exists()
    # The next document of the commission that year takes the next serial: the same sequence, no reuse.
    from shidian.core.documents.numbers import issue_document_number

    following = issue_document_number(organisation=record.sequence.organisation, year=2019, subject="test:next")
    assert record.sequence.organisation.kind == "national_commission"  # the commission's sequence (发改规划)
    assert following.serial == record.serial + 1


def test_the_expert_sees_todays_work_first_and_past_years_folded(client_as: Callable[[str], Client]) -> None:
    """Many past assignments do not bury the open ones: the workbench lists only what is to do now."""
    from shidian.accounts.models import User

    expert = f.expert("expert-desk", province="北京市")
    pilots = [p for p in f.some_pilots(6, year=2017) if p.province.name != "北京市"][:4]
    past_2017 = f.scheme(2017, scoring_opens_on=dt.date(2018, 1, 15), scoring_closes_on=dt.date(2018, 2, 10))
    past_2018 = f.scheme(2018, scoring_opens_on=dt.date(2019, 1, 15), scoring_closes_on=dt.date(2019, 2, 10))
    open_2019 = f.scheme(2019, scoring_opens_on=dt.date(2019, 7, 1), scoring_closes_on=dt.date(2019, 7, 31))
    for s in (past_2017, past_2018):
        for pilot in pilots:
            services.assign_expert(expert=expert, pilot=pilot, scheme=s, by=f.national())
    now = services.assign_expert(expert=expert, pilot=f.liuzhou(), scheme=open_2019, by=f.national())
    with clock.travel_to(dt.date(2019, 7, 8)):
        bench = workbench.workbench_for(user=User.objects.get(username="expert-desk"))
        desk = selectors.expert_desk(user=expert, today=clock.today())
        bench_desk = selectors.expert_desk(user=expert, today=clock.today(), with_past=False)
        page = client_as("expert-desk").get(reverse("evaluation:home")).content.decode()
    (section,) = bench.sections
    assert [i.testid for i in section.items] == [f"assignment-{now.pk}"]  # the past years are not "to do"
    assert [a.pk for a in desk.now] == [now.pk] and desk.to_score == 1 and desk.past_count == 2 * len(pilots)
    assert [year for year, _rows in desk.past] == [2018, 2017]
    # The workbench's desk reads the open window only and counts the past (the note "往年的 8 项").
    assert [a.pk for a in bench_desk.now] == [now.pk] and bench_desk.past == [] and bench_desk.past_count == 8
    assert "往年的 8 项" in section.empty
    # On the evaluation home the open assignment comes first; each past year is folded (<details>, closed).
    assert page.index('data-testid="assignments-now"') < page.index('data-testid="assignments-past"')
    assert f'data-testid="assignment-now-{now.pk}"' in page
    assert '<details data-testid="assignments-past-2018">' in page  # no "open" attribute: collapsed


def test_a_closed_window_shows_the_scores_read_only_and_refuses_a_post(client_as: Callable[[str], Client]) -> None:
    from shidian.evaluation.models import ExpertScore

    expert = f.expert("expert-closed", province="北京市")
    s = f.scheme(2018, scoring_opens_on=dt.date(2019, 1, 15), scoring_closes_on=dt.date(2019, 2, 10))
    past = services.assign_expert(expert=expert, pilot=f.liuzhou(), scheme=s, by=f.national())
    url = reverse("evaluation:score", kwargs={"assignment_id": past.pk})
    with clock.travel_to(dt.date(2019, 7, 8)):
        page = client_as("expert-closed").get(url).content.decode()
        posted = client_as("expert-closed").post(
            url, {"score_reform": "80", "score_results": "80", "score_replicable": "80"}, follow=True
        )
    assert 'data-testid="window-closed"' in page and 'data-testid="score-form"' not in page
    assert "评分期已结束" in page
    assert "评分期为 2019年1月15日 至 2019年2月10日，现在不能评分。" in posted.content.decode()
    assert not ExpertScore.objects.filter(assignment=past).exists()
