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
from shidian.core.models import AuditEvent
from shidian.evaluation import services
from shidian.evaluation.models import Result
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
            "number": "发改规划〔2019〕88号",
            "title": "关于2018年度国家新型城镇化综合试点评估情况的通报",
            "experiences": "",
            "problems": "报告质量参差不齐",
        },
    )
    assert AuditEvent.objects.filter(action="evaluation.bulletin.saved").exists()
    response = national.get(reverse("evaluation:bulletin", kwargs={"run_id": run.pk}))
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    tables = "\n".join(
        c.text for t in docx.Document(io.BytesIO(response.content)).tables for row in t.rows for c in row.cells
    )
    assert "发改规划〔2019〕88号" in text and "柳州市" in text + tables
    assert AuditEvent.objects.filter(action="evaluation.bulletin.downloaded").exists()


def test_issued_bulletins_are_public_only_once_published_and_numbered() -> None:
    from shidian.evaluation import selectors

    pilots = f.some_pilots(2)
    f.only_pilots(pilots)
    s = f.scheme()
    draft = f.computed_run(s)
    assert selectors.issued_bulletins() == []
    with pytest.raises(Exception, match="发布后"):
        services.save_bulletin(run=draft, number="x", title="y", experiences="", problems="", by=f.national())
    run = services.publish_run(run=draft, by=f.national())
    bulletin = services.save_bulletin(
        run=run, number="发改规划〔2019〕88号", title="关于2018年度的通报", experiences="", problems="", by=f.national()
    )
    assert selectors.issued_bulletins() == [bulletin]
    before = AuditEvent.objects.count()
    data, name = selectors.bulletin_document(bulletin=bulletin, fmt="docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "发改规划〔2019〕88号" in text and name == "2018年度评估通报.docx"
    assert AuditEvent.objects.count() == before  # public reading: no user, nothing recorded
