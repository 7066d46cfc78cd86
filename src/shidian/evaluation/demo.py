"""The demo evaluation history: 2017 and 2018 evaluated, objections answered, warnings, one elimination, a bulletin.

Runs and decisions go through the real services at dated business days (clock.travel_to), so the trail, the
pilots' status history and the runs' snapshots are what the platform would have produced. The many expert
scores and provincial assessments behind them are written in bulk (deterministic, seeded) and recorded as one
demo-load event.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from shidian.accounts import services as account_services
from shidian.accounts.demo import DEMO_PASSWORD
from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit, clock
from shidian.core.actors import system
from shidian.core.models import DocumentNumberSequence
from shidian.core.roles import Role
from shidian.evaluation import rules
from shidian.evaluation.models import (
    DecisionStatus,
    EliminationProposal,
    Expert,
    ExpertAssignment,
    ExpertScore,
    ProvinceAssessment,
    Result,
    Run,
    Scheme,
    ScoreItem,
    Warning,
)
from shidian.evaluation.services import bulletins, decisions, inputs, objections, runs, schemes
from shidian.evaluation.services import experts as expert_services
from shidian.regions.models import Province

SEED = 20190708
DEMO_PILOT = ("广西壮族自治区", "柳州市")
# (username, full name, province of the expert's unit): demo-expert exists already (the demo accounts).
EXPERTS = [
    ("demo-expert", "评估专家（演示）", "北京市"),
    ("demo-expert-2", "评估专家二（演示）", "上海市"),
    ("demo-expert-3", "评估专家三（演示）", "湖北省"),
    ("demo-expert-4", "评估专家四（演示）", "四川省"),
    ("demo-expert-5", "评估专家五（演示）", "辽宁省"),
]
# The commission's next 发文字号 serial when the platform's evaluation decisions begin (its earlier documents of
# the year were issued outside the platform): the 2017 decisions (2018-03-30) are numbered from
# 发改规划〔2018〕10号; in 2019 the elimination takes 87 and the bulletin 发改规划〔2019〕88号.
NUMBERS_FROM = {2018: 10, 2019: 87}
# The 2017 warnings' rectification is checked after its six months (decided 2018-03-30, due 2018-09-30).
RECTIFICATION_CHECK = dt.date(2018, 10, 15)
# The 2019 experts' scoring window, open at the demo date (2019-07-08).
SCORING_2019 = (dt.date(2019, 7, 1), dt.date(2019, 7, 31))
# The business days of each year's cycle: scoring window, first run, publication, decisions.
CYCLES = {
    2017: {
        "opens": dt.date(2018, 1, 15),
        "closes": dt.date(2018, 2, 10),
        "run": dt.date(2018, 3, 1),
        "publish": dt.date(2018, 3, 20),
    },
    2018: {
        "opens": dt.date(2019, 1, 15),
        "closes": dt.date(2019, 2, 10),
        "run": dt.date(2019, 3, 1),
        "publish": dt.date(2019, 3, 22),
    },
}


def _experts() -> list[User]:
    panel = Organisation.objects.get(kind=OrganisationKind.EXPERT_PANEL)
    users = []
    for username, full_name, province in EXPERTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=Role.EXPERT,
                organisation=panel,
                full_name=full_name,
                by=system("load_demo"),
                password_is_temporary=False,
                is_demo=True,
            )
        Expert.objects.get_or_create(
            user=user, defaults={"province": Province.objects.get(name=province), "affiliation": "评估专家组（演示）"}
        )
        users.append(user)
    return users


def _scores_and_assessments(
    scheme: Scheme, window: tuple[dt.date, dt.date], experts: list[User], national: User, rng: random.Random
) -> None:
    """Three experts per pilot (five for 柳州市, to show the trimmed mean) and every province's assessment."""
    province_of = {e.pk: e.expert_profile.province_id for e in experts}
    pilots = list(inputs.evaluated_pilots(scheme.year))
    officers = {
        u.organisation.province_id: u
        for u in User.objects.filter(role=Role.PROVINCIAL_OFFICER, organisation__province__isnull=False)
        .select_related("organisation")
        .order_by("-username")
        if u.organisation is not None
    }
    assignments = []
    quality: dict[int, float] = {}
    for pilot in pilots:
        quality[pilot.pk] = rng.uniform(55, 95)
        eligible = [e for e in experts if province_of[e.pk] != pilot.province_id]
        count = 5 if (pilot.province.name, pilot.name) == DEMO_PILOT else 3
        for expert in rng.sample(eligible, min(count, len(eligible))):
            assignments.append(
                ExpertAssignment(
                    expert=expert,
                    pilot=pilot,
                    year=scheme.year,
                    opens_on=window[0],
                    closes_on=window[1],
                    assigned_by=national,
                    comment="（演示）",
                    scored_at=dt.datetime.combine(window[1], dt.time(17), tzinfo=dt.UTC),
                )
            )
    ExpertAssignment.objects.bulk_create(assignments)
    saved = ExpertAssignment.objects.filter(year=scheme.year).select_related("pilot")
    scores = []
    for a in saved:
        for item in ScoreItem.values:
            value = max(0.0, min(100.0, rng.gauss(quality[a.pilot_id], 8)))
            scores.append(ExpertScore(assignment=a, item=item, score=Decimal(f"{value:.1f}"), comment=""))
    ExpertScore.objects.bulk_create(scores)
    assessments = []
    for pilot in pilots:
        officer = officers.get(pilot.province_id)
        if officer is None:
            continue
        value = max(0.0, min(100.0, quality[pilot.pk] + rng.uniform(-10, 10)))
        assessments.append(
            ProvinceAssessment(
                pilot=pilot, year=scheme.year, score=Decimal(f"{value:.1f}"), comment="（演示）", entered_by=officer
            )
        )
    ProvinceAssessment.objects.bulk_create(assessments)


def _cycle(year: int, experts: list[User], national: User, province: User | None, rng: random.Random) -> Run:
    days = CYCLES[year]
    previous = Scheme.objects.filter(year=year - 1).first()
    with clock.travel_to(days["opens"]):
        scheme = schemes.create_scheme(year=year, by=national, copy_from=previous)
        Scheme.objects.filter(pk=scheme.pk).update(scoring_opens_on=days["opens"], scoring_closes_on=days["closes"])
        scheme.refresh_from_db()
        _scores_and_assessments(scheme, (days["opens"], days["closes"]), experts, national, rng)
    with clock.travel_to(days["run"]):
        run = runs.start_run(scheme=scheme, by=national, background=False, note="（演示）")
    liuzhou = Result.objects.filter(run=run, pilot__province__name=DEMO_PILOT[0], pilot__name=DEMO_PILOT[1]).first()
    if year == 2018 and province is not None and liuzhou is not None:
        # 广西 objects to 柳州市's draft; the answer leads to a corrected second run, which is published.
        with clock.travel_to(days["run"] + dt.timedelta(days=5)):
            objection = objections.file_objection(
                result=liuzhou,
                reasons="柳州市的省级评价录入有误（应为 92 分），请更正后重新计算。",
                by=province,
            )
            expert_services.set_province_assessment(
                pilot=liuzhou.pilot, year=year, score="92", comment="更正录入错误（演示）", by=province
            )
        with clock.travel_to(days["run"] + dt.timedelta(days=12)):
            objections.answer_objection(
                objection=objection,
                answer="经核实，省级评价已由广西更正；已按更正后的数据重新计算（第 2 次计算）。",
                by=national,
            )
            run = runs.start_run(
                scheme=scheme, by=national, background=False, note="根据广西异议更正后重新计算（演示）"
            )
    with clock.travel_to(days["publish"]):
        run = runs.publish_run(run=run, by=national)
        decisions.create_proposals(run=run, by=national)
    return run


def _number_from() -> None:
    """The commission's 2018 and 2019 numbering starts where its documents issued outside the platform end."""
    commission = Organisation.objects.get(kind=OrganisationKind.NATIONAL_COMMISSION)
    for year, next_serial in NUMBERS_FROM.items():
        sequence, _created = DocumentNumberSequence.objects.get_or_create(organisation=commission, year=year)
        if sequence.last_serial < next_serial - 1:
            sequence.last_serial = next_serial - 1
            sequence.save(update_fields=["last_serial"])


def _decide(year: int, national: User) -> None:
    """2017: the first warning rejected, the rest approved, every elimination rejected; 2018: one elimination."""
    day = CYCLES[year]["publish"] + dt.timedelta(days=10)
    with clock.travel_to(day):
        if year == 2017:
            warnings = Warning.objects.filter(year=year, status=DecisionStatus.PROPOSED).order_by("pk")
            for i, warning in enumerate(warnings):
                decisions.decide_warning(
                    warning=warning,
                    approve=i != 0,
                    reason="评估等次为不合格，予以警示并限期整改（演示）。"
                    if i
                    else "数据报送有误，经复核不予警示（演示）。",
                    by=national,
                )
            for rejected in EliminationProposal.objects.filter(year=year).order_by("pk"):
                decisions.decide_elimination(
                    proposal=rejected,
                    approve=False,
                    reason="年度报告已补报，给予整改机会，不予退出（演示）。",
                    by=national,
                )
            return
        # 2018: the elimination on the strongest ground is approved; the rest wait for the national admin.
        proposals = EliminationProposal.objects.filter(year=year, status=DecisionStatus.PROPOSED)
        proposal = next(
            (p for code in rules.ELIMINATION_GROUNDS for p in proposals.order_by("pk") if p.reason_code == code),
            None,
        )
        if proposal is not None:
            decisions.decide_elimination(
                proposal=proposal,
                approve=True,
                reason="预警后整改未通过验收，按动态退出机制退出试点（演示）。",
                by=national,
            )


def _rectifications(national: User) -> None:
    """The 2017 warnings' rectifications are checked after their deadline: not passed (grounds for 2018)."""
    with clock.travel_to(RECTIFICATION_CHECK):
        for warning in Warning.objects.filter(year=2017, status=DecisionStatus.APPROVED).order_by("pk"):
            decisions.record_rectification(
                warning=warning,
                passed=False,
                note="整改期满复查：主要问题未整改到位（演示）。",
                by=national,
            )


def _scheme_2019(previous: Scheme, experts: list[User], national: User, today: dt.date) -> Scheme:
    """The 2019 draft scheme, its scoring window open at the demo date, demo-expert assigned three pilots."""
    with clock.travel_to(today):
        scheme = schemes.create_scheme(year=2019, by=national, copy_from=previous)
        schemes.update_scheme(
            scheme=scheme,
            weights={d.code: d.weight for d in scheme.dimensions.all()},
            thresholds={f: getattr(scheme, f) for f in ("excellent_from", "good_from", "pass_from")},
            indicator_method=scheme.indicator_method,
            composite_method=scheme.composite_method,
            scoring_opens_on=SCORING_2019[0],
            scoring_closes_on=SCORING_2019[1],
            by=national,
        )
        scheme.refresh_from_db()
        expert = experts[0]
        own = expert.expert_profile.province_id
        pilots = [p for p in inputs.evaluated_pilots(2019) if p.province_id != own]
        chosen = [p for p in pilots if (p.province.name, p.name) == DEMO_PILOT] + [
            p for p in pilots if p.province.name in {"浙江省", "四川省"}
        ][:2]
        for pilot in chosen:
            expert_services.assign_expert(expert=expert, pilot=pilot, scheme=scheme, by=national)
    return scheme


@transaction.atomic
def load_demo_evaluation(*, today: dt.date | None = None) -> dict[str, int]:
    """Create the evaluation history once (a second call changes nothing)."""
    today = today or clock.today()
    if Scheme.objects.exists() or today < CYCLES[2018]["publish"] + dt.timedelta(days=10):
        return {"runs": Run.objects.count()}
    rng = random.Random(SEED)  # noqa: S311  (demo data, not security)
    national = User.objects.get(username="demo-national")
    province = User.objects.filter(username="demo-province").first()
    experts = _experts()
    _number_from()
    for year in (2017, 2018):
        run = _cycle(year, experts, national, province, rng)
        _decide(year, national)
        if year == 2017:
            _rectifications(national)
    with clock.travel_to(CYCLES[2018]["publish"] + dt.timedelta(days=15)):
        bulletins.save_bulletin(
            run=run,
            title="关于2018年度国家新型城镇化综合试点评估情况的通报",
            experiences="",
            problems="部分试点年度报告报送不及时、退回修改较多。\n部分试点指标数据缺报，目标达成度偏低。\n"
            "个别试点任务节点逾期未完成，倒排工期落实不到位。",
            by=national,
        )
        bulletins.issue_bulletin(run=run, by=national)  # 发改规划〔2019〕88号 (NUMBERS_FROM)
    _scheme_2019(run.scheme, experts, national, today)
    counts = {
        "runs": Run.objects.count(),
        "results": Result.objects.count(),
        "warnings": Warning.objects.count(),
        "eliminations": EliminationProposal.objects.count(),
    }
    audit.record(action=audit.AuditAction.EVALUATION_DEMO_LOADED, username="load_demo", detail=counts)
    return counts
