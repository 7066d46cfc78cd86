"""Every endpoint over the demo: same scope as the pages (another province's object is 404), pinned queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shidian.evaluation.models import Result, RunStatus
from shidian.pilots.models import PilotArea
from shidian.plans.models import Milestone, PlanVersion
from shidian.reporting.models import PilotReport, PilotReportVersion, ProvinceReport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]


def _own_and_other(model: Any, pilot_path: str) -> tuple[int, int]:
    own = model.objects.filter(**{f"{pilot_path}__name": "柳州市"}).values_list("pk", flat=True).first()
    other = (
        model.objects.exclude(**{f"{pilot_path}__province__name": "广西壮族自治区"})
        .values_list("pk", flat=True)
        .first()
    )
    assert own is not None and other is not None, model
    return own, other


def _province_pair() -> tuple[int, int]:
    own = ProvinceReport.objects.filter(province__name="广西壮族自治区").values_list("pk", flat=True).first()
    other = ProvinceReport.objects.exclude(province__name="广西壮族自治区").values_list("pk", flat=True).first()
    assert own is not None and other is not None
    return own, other


def _pairs(username: str) -> dict[str, tuple[int, int]]:
    liuzhou = PilotArea.objects.get(name="柳州市").pk
    shunyi = PilotArea.objects.get(province__name="北京市", name="顺义区").pk
    pairs = {
        "/api/v1/registry/pilots/{}": (liuzhou, shunyi),
        "/api/v1/plans/pilots/{}/versions": (liuzhou, shunyi),
        "/api/v1/plans/versions/{}": _own_and_other(PlanVersion, "plan__pilot"),
        "/api/v1/plans/milestones/{}": _own_and_other(Milestone, "task__version__plan__pilot"),
        "/api/v1/reporting/pilot-reports/{}": _own_and_other(PilotReport, "pilot"),
        "/api/v1/reporting/pilot-reports/{}/versions": _own_and_other(PilotReport, "pilot"),
        "/api/v1/reporting/pilot-report-versions/{}": _own_and_other(PilotReportVersion, "report__pilot"),
    }
    if username == "demo-province":  # a pilot office does not read its province's reports
        pairs["/api/v1/reporting/province-reports/{}"] = _province_pair()
        pairs["/api/v1/reporting/province-reports/{}/versions"] = _province_pair()
    return pairs


@pytest.mark.parametrize("username", ["demo-province", "demo-pilot"])
def test_every_detail_endpoint_finds_its_own_and_hides_another_provinces(
    token_client: Callable[..., Any], username: str
) -> None:
    client = token_client(username, access="read")
    for template, (own, other) in _pairs(username).items():
        assert client.get(template.format(own)).status_code == 200, template
        hidden = client.get(template.format(other))
        missing = client.get(template.format(2**31 - 1))
        assert hidden.status_code == 404, template
        assert hidden.json() == missing.json(), template


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def test_published_results_are_read_by_every_province_and_a_draft_reads_like_a_missing_one(
    token_client: Callable[..., Any],
) -> None:
    client = token_client("demo-province", access="read")
    published = Result.objects.filter(run__status=RunStatus.PUBLISHED).exclude(pilot__province__name="广西壮族自治区")
    result = published.select_related("run").first()
    assert result is not None
    body = client.get(f"/api/v1/evaluation/results/{result.pk}").json()
    assert body["score"] == str(result.score) and body["breakdown"].keys() == result.breakdown.keys()
    assert "float" not in str({type(v).__name__ for v in _leaves(body["breakdown"])})  # fractions as text
    runs = client.get("/api/v1/evaluation/runs").json()["results"]
    assert result.run_id in {r["id"] for r in runs} and {r["status"] for r in runs} == {"published"}
    listed = client.get(f"/api/v1/evaluation/runs/{result.run_id}/results?page_size=1000").json()["results"]
    assert result.pk in {r["id"] for r in listed}
    draft = Result.objects.filter(run__status=RunStatus.DRAFT, pilot__name="柳州市").first()
    if draft is not None:  # the demo keeps the superseded draft of the corrected run
        missing = client.get(f"/api/v1/evaluation/results/{2**31 - 1}")
        hidden = client.get(f"/api/v1/evaluation/results/{draft.pk}")
        assert hidden.status_code == 404 and hidden.json() == missing.json()
        assert client.get(f"/api/v1/evaluation/runs/{draft.run_id}").status_code == 404


def test_published_results_filter_by_any_province_and_a_missing_province_is_404(
    token_client: Callable[..., Any],
) -> None:
    client = token_client("demo-province", access="read")
    run = Result.objects.filter(run__status=RunStatus.PUBLISHED).values_list("run_id", flat=True).first()
    url = f"/api/v1/evaluation/runs/{run}/results?page_size=1000&province="
    beijing = client.get(url + "11")  # a published run is read nationwide: another province is in reach
    assert beijing.status_code == 200 and beijing.json()["results"]
    assert {r["pilot_id"] for r in beijing.json()["results"]} <= set(
        PilotArea.objects.filter(province__code="11").values_list("pk", flat=True)
    )
    missing = client.get(url + "99")
    assert missing.status_code == 404
    assert missing.json() == client.get(f"/api/v1/evaluation/results/{2**31 - 1}").json()


def test_the_completeness_matrix_is_the_pages_in_the_callers_scope(token_client: Callable[..., Any]) -> None:
    body = token_client("demo-province", access="read").get("/api/v1/reporting/completeness").json()
    assert body["rounds"] and body["pilot_rows"]
    assert {row["province"] for row in body["pilot_rows"]} == {"广西壮族自治区"}
    assert all(len(row["cells"]) == len(body["rounds"]) for row in body["pilot_rows"])
    rate = body["total"]["submitted_rate"]
    assert rate is None or isinstance(rate, str)


def _ids() -> dict[str, int]:
    liuzhou = PilotArea.objects.get(name="柳州市")
    report = PilotReport.objects.filter(pilot=liuzhou, versions__isnull=False).values_list("pk", flat=True).first()
    province_report = ProvinceReport.objects.filter(versions__isnull=False).values_list("pk", flat=True).first()
    run = Result.objects.filter(run__status=RunStatus.PUBLISHED).values_list("run_id", flat=True).first()
    assert report and province_report and run
    return {"pilot": liuzhou.pk, "report": report, "province_report": province_report, "run": run}


# url, who calls, the most queries: measured on SQLite and PostgreSQL alike, except where noted. 2 of them come
# before the page: the token (1) and the rate-limit counter (1: one upsert that returns the count).
LISTS = [
    ("/api/v1/registry/batches", "demo-national", 3),
    ("/api/v1/registry/pilots?page_size=500", "demo-national", 3),
    ("/api/v1/regions/provinces", "demo-national", 3),
    ("/api/v1/regions/divisions?page_size=500", "demo-national", 3),
    ("/api/v1/indicators/catalogue", "demo-national", 4),
    ("/api/v1/indicators/values?page_size=500", "demo-national", 3),
    ("/api/v1/plans/pilots/{pilot}/versions", "demo-national", 5),
    ("/api/v1/plans/milestones/mine?page_size=500", "demo-department", 6),
    ("/api/v1/reporting/rounds", "demo-national", 3),
    ("/api/v1/reporting/pilot-reports?page_size=500", "demo-national", 3),
    ("/api/v1/reporting/pilot-reports/{report}/versions", "demo-national", 6),
    ("/api/v1/reporting/province-reports?page_size=500", "demo-national", 3),
    ("/api/v1/reporting/province-reports/{province_report}/versions", "demo-national", 5),
    ("/api/v1/evaluation/runs", "demo-national", 3),
    ("/api/v1/evaluation/runs/{run}/results?page_size=500", "demo-national", 4),
    ("/api/v1/audit/events?page_size=500", "demo-auditor", 8),  # SQLite 7
]


@pytest.mark.parametrize(("url", "username", "queries"), LISTS)
def test_list_endpoints_run_a_fixed_number_of_queries(
    token_client: Callable[..., Any], django_assert_max_num_queries: Any, url: str, username: str, queries: int
) -> None:
    client = token_client(username, access="read")
    url = url.format(**_ids())
    client.get(url)  # the token's last-used stamp is written on the first call of the minute
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["results"], url


def test_a_plan_version_lists_its_tasks_and_milestones(token_client: Callable[..., Any]) -> None:
    own, _other = _own_and_other(PlanVersion, "plan__pilot")
    body = token_client("demo-pilot", access="read").get(f"/api/v1/plans/versions/{own}").json()
    assert body["tasks"] and all("milestones" in task for task in body["tasks"])


def _department_milestone() -> Milestone:
    from shidian.accounts.models import User

    department = User.objects.get(username="demo-department")
    milestone = (
        Milestone.objects.filter(task__lead_department_id=department.organisation_id)
        .exclude(status="done")
        .select_related("task__version")
        .exclude(task__version__status="submitted")
        .first()
    )
    assert milestone is not None
    return milestone


def test_a_department_updates_its_milestones_progress_through_the_service(token_client: Callable[..., Any]) -> None:
    milestone = _department_milestone()
    url = f"/api/v1/plans/milestones/{milestone.pk}/progress"
    body = {"progress_percent": 40, "status": "in_progress", "note": "已完成招标"}
    response = token_client("demo-department").put(url, data=body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["progress_percent"], response.json()["note"]) == (40, "已完成招标")
    milestone.refresh_from_db()
    assert (milestone.progress_percent, milestone.status) == (40, "in_progress")
    from shidian.core.models import AuditEvent

    event = AuditEvent.objects.filter(action="plans.milestone.progress", object_id=str(milestone.pk)).get()
    assert event.detail["api_token"].endswith("省级系统")


@pytest.mark.parametrize(
    ("username", "body", "status", "field"),
    [
        ("demo-pilot", {"progress_percent": 40, "status": "in_progress"}, 400, None),  # not the lead department
        ("demo-department", {"progress_percent": 140, "status": "in_progress"}, 400, "body.progress_percent"),
        ("demo-department", {"progress_percent": 40, "status": "finished"}, 400, "body.status"),
        ("demo-department", {"progress_percent": 40, "status": "in_progress", "x": 1}, 400, "body.x"),
        ("demo-department", {"progress_percent": 100, "status": "in_progress"}, 400, None),
    ],
)
def test_a_refused_progress_update_says_why_and_writes_nothing(
    token_client: Callable[..., Any], username: str, body: dict[str, Any], status: int, field: str | None
) -> None:
    milestone = _department_milestone()
    before = (milestone.progress_percent, milestone.status, milestone.note)
    response = token_client(username).put(
        f"/api/v1/plans/milestones/{milestone.pk}/progress", data=body, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert response.json()["message"]
    if field:
        assert field in {e["field"] for e in response.json()["errors"]}
    milestone.refresh_from_db()
    assert (milestone.progress_percent, milestone.status, milestone.note) == before


def test_another_provinces_milestone_cannot_be_updated(token_client: Callable[..., Any]) -> None:
    other = Milestone.objects.exclude(task__version__plan__pilot__province__name="广西壮族自治区").first()
    assert other is not None
    response = token_client("demo-department").put(
        f"/api/v1/plans/milestones/{other.pk}/progress",
        data={"progress_percent": 10, "status": "in_progress"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_only_the_security_auditor_reads_the_audit_trail_with_the_pages_filters(
    token_client: Callable[..., Any],
) -> None:
    auditor = token_client("demo-auditor", access="read")
    body = auditor.get("/api/v1/audit/events", {"action": "api.token", "page_size": 5}).json()
    assert body["results"] and {e["action"] for e in body["results"]} == {"api.token.created"}
    ids = [e["id"] for e in body["results"]]
    assert ids == sorted(ids, reverse=True)  # newest first
    for username in ("demo-national", "demo-province"):
        assert token_client(username, access="read").get("/api/v1/audit/events").status_code == 404
    # The auditor has no business reach: the data endpoints refuse the auditor's token.
    assert auditor.get("/api/v1/registry/pilots").status_code == 403
    bad = auditor.get("/api/v1/audit/events", {"since": "2019-02-01", "until": "2019-01-01"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "query.until"
    assert "早于" in bad.json()["errors"][0]["message"]
    from shidian.core.models import AuditEvent

    searched = AuditEvent.objects.filter(action="core.audit.searched", actor_username="demo-auditor").first()
    assert searched is not None and searched.detail["via"] == "api"


def test_every_list_pages_with_a_cursor_and_a_made_up_cursor_is_bad_input(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-national", access="read")
    seen: list[int] = []
    url: str | None = "/api/v1/regions/provinces?page_size=10"
    while url:
        page = client.get(url).json()
        seen += [p["id"] if "id" in p else p["code"] for p in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == len(client.get("/api/v1/regions/provinces?page_size=1000").json()["results"])
    for cursor in ("not-base64!", "cD1hYmM=", "bz14"):  # garbage, p=abc, o=x
        response = client.get("/api/v1/registry/pilots", {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert response.json()["errors"][0]["field"] == "query.cursor"
