"""Deterministic demo work plans for every pilot (marked 演示). Only for SHIDIAN_DEMO environments.

柳州市 goes through the real services in early 2017 (drafted by demo-pilot, submitted, returned once,
approved by demo-province); the other pilots are written in bulk with the same backward scheduling, for
speed. Progress is as of the business date: past milestones mostly done, some overdue, later ones
running or not started; one of 柳州市's tasks led by the demo department comes due within weeks.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import zlib

from django.db import transaction

from shidian.accounts import services as account_services
from shidian.accounts.demo import DEMO_DEPARTMENT
from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit, clock, db
from shidian.pilots.demo import DEMO_PILOT
from shidian.pilots.models import PilotArea
from shidian.plans import scheduling, services
from shidian.plans.focus_areas import ensure_focus_areas
from shidian.plans.models import (
    FocusArea,
    Goal,
    LeadingGroup,
    LeadingGroupMember,
    MemberRole,
    Milestone,
    MilestoneStatus,
    PlanStatus,
    PlanVersion,
    Task,
    WorkPlan,
)

SEED = 20161129
DEPARTMENTS = [
    "发展和改革委员会",
    "住房和城乡建设局",
    "自然资源和规划局",
    "财政局",
    "人力资源和社会保障局",
    "农业农村局",
]
# Task templates per focus area: title and its milestones (name, share of the task's span, deliverable).
TEMPLATES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "migrant_integration": (
        "推进农业转移人口落户城镇",
        [
            ("摸底调查", "调查报告"),
            ("出台落户实施意见", "政策文件"),
            ("开展居住证扩面", "工作台账"),
            ("评估落户成效", "评估报告"),
        ],
    ),
    "new_small_cities": (
        "培育新生中小城市",
        [
            ("编制扩权强镇方案", "实施方案"),
            ("下放审批权限", "权责清单"),
            ("完善公共服务设施", "项目清单"),
            ("总结评估", "总结报告"),
        ],
    ),
    "central_cities": (
        "提升中心城市功能",
        [("编制功能提升规划", "规划文本"), ("推进重大设施建设", "项目进度表"), ("开展城市更新", "更新单元清单")],
    ),
    "green_smart": (
        "推进城市绿色智能发展",
        [
            ("制定海绵城市方案", "实施方案"),
            ("建设智慧城市平台", "平台上线报告"),
            ("推广绿色建筑", "统计报表"),
            ("开展效果评估", "评估报告"),
        ],
    ),
    "industry_city": (
        "推动产城融合发展",
        [("编制产业园区转型方案", "实施方案"), ("完善园区配套", "配套项目清单"), ("引进就业项目", "招商台账")],
    ),
    "local_culture": (
        "保护传承地方文化",
        [("开展历史文化资源普查", "普查名录"), ("划定保护范围", "保护规划"), ("实施修缮工程", "验收报告")],
    ),
    "urban_rural": (
        "推进城乡统筹发展",
        [
            ("编制城乡一体化规划", "规划文本"),
            ("推进基础设施向农村延伸", "项目清单"),
            ("统一城乡公共服务标准", "政策文件"),
        ],
    ),
    "citizenisation_costs": (
        "建立农业转移人口市民化成本分担机制",
        [
            ("测算市民化成本", "测算报告"),
            ("明确政府企业个人分担责任", "政策文件"),
            ("建立财政转移支付挂钩机制", "制度文件"),
            ("评估机制运行", "评估报告"),
        ],
    ),
    "financing": (
        "建立多元化可持续的城镇化投融资机制",
        [("清理融资平台债务", "债务清单"), ("推广政府和社会资本合作", "项目库"), ("发行城市建设债券", "发行公告")],
    ),
    "homestead_reform": (
        "推进农村宅基地制度改革",
        [("开展宅基地确权登记", "登记台账"), ("制定有偿退出办法", "政策文件"), ("开展退出试点", "试点总结")],
    ),
    "city_setup": (
        "创新设市设区模式",
        [("研究行政区划调整方案", "研究报告"), ("精简机构和人员", "机构改革方案"), ("推行大部门制", "实施方案")],
    ),
    "institutional_reform": (
        "综合推进体制机制改革",
        [("梳理改革事项", "任务清单"), ("推进户籍土地财政联动改革", "制度文件"), ("总结可复制经验", "经验材料")],
    ),
    "farmland": ("落实耕地保护责任", [("分解耕地保护目标", "责任书"), ("开展占补平衡核查", "核查报告")]),
    "permanent_farmland": ("划定永久基本农田", [("开展划定工作", "划定成果"), ("上图入库", "数据库")]),
    "development_boundary": (
        "划定城镇开发边界",
        [("开展资源环境承载力评价", "评价报告"), ("划定开发边界", "划定成果")],
    ),
    "stock_land": (
        "盘活存量建设用地",
        [("开展存量用地调查", "调查报告"), ("制定盘活方案", "实施方案"), ("完成盘活任务", "验收报告")],
    ),
    "inefficient_land": ("推进低效用地再开发", [("认定低效用地", "认定清单"), ("实施再开发项目", "项目台账")]),
    "multi_plan": (
        "推进多规合一",
        [("建立空间规划底图", "底图数据"), ("编制一张蓝图", "规划成果"), ("建设信息平台", "平台上线报告")],
    ),
}
PERSONS = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]


def _key(pilot: PilotArea) -> str:
    """A pilot's name in the demo's random draws: never its id, which differs after a database is flushed."""
    return f"{pilot.province.code}-{pilot.name}"


def _departments(pilot: PilotArea) -> list[Organisation]:
    office = account_services.ensure_pilot_organisations(pilot=pilot)
    result = []
    for name in DEPARTMENTS:
        full = (
            DEMO_DEPARTMENT
            if (pilot.name == DEMO_PILOT[1] and name == "住房和城乡建设局")
            else f"{pilot.name}{name}（演示）"
        )
        org, _created = Organisation.objects.get_or_create(
            kind=OrganisationKind.PILOT_DEPARTMENT,
            name=full,
            defaults={"pilot": pilot, "province": pilot.province, "parent": office.parent, "is_demo": True},
        )
        result.append(org)
    return result


def _focus_codes(pilot: PilotArea, rng: random.Random, areas: dict[str, FocusArea]) -> list[str]:
    """Focus areas named in the pilot's source note first, then some of its batch's areas, and one land rule."""
    named = [code for code, fa in areas.items() if re.search(fa.name[:4], pilot.source_note)]
    group = "notice_2016" if pilot.batch.number == 3 else "overall_plan_2014"
    pool = [c for c, fa in areas.items() if fa.group == group and c in TEMPLATES and c not in named]
    land = [c for c, fa in areas.items() if fa.group == "land" and c in TEMPLATES]
    chosen = named + rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))
    return [*dict.fromkeys(chosen), rng.choice(land)]


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _plan_start(pilot: PilotArea) -> dt.date:
    return pilot.batch.notice_date or dt.date(2016, 1, 1)


def _deadlines(pilot: PilotArea, rng: random.Random) -> dt.date:
    stage = services.stage_year(pilot)
    return rng.choice([dt.date(stage, 12, 31), dt.date(stage + 1, 6, 30), dt.date(2019, 12, 31), dt.date(2020, 12, 31)])


def _steps(
    template: list[tuple[str, str]], start: dt.date, deadline: dt.date, rng: random.Random
) -> list[scheduling.Step]:
    span = (deadline - start).days
    each = max(5, int(span * rng.uniform(0.5, 0.85)) // len(template))
    return [
        scheduling.Step(
            key=str(i),
            name=name,
            duration=max(5, int(each * rng.uniform(0.6, 1.0))),
            depends_on=(str(i - 1),) if i else (),
        )
        for i, (name, _deliverable) in enumerate(template)
    ]


def _progress(m: Milestone, rng: random.Random, today: dt.date) -> None:
    """Most past milestones are done; some are late (overdue), some still running."""
    if m.planned_finish is None:
        return
    roll = rng.random()
    if (m.planned_finish < today - dt.timedelta(days=10) and roll < 0.8) or (m.planned_finish < today and roll < 0.25):
        m.status, m.progress_percent = MilestoneStatus.DONE, 100
        m.finished_on = min(m.planned_finish + dt.timedelta(days=rng.randint(-20, 25)), today)
        m.note = "已按期完成（演示）"
    elif roll < 0.6:
        m.status, m.progress_percent = MilestoneStatus.IN_PROGRESS, rng.choice([20, 40, 60, 80])
        m.note = "正在推进（演示）"
    else:
        m.status, m.progress_percent = MilestoneStatus.NOT_STARTED, 0
    m.progress_updated_at = _moment(today)


def _bulk_plan(
    pilot: PilotArea, rng: random.Random, areas: dict[str, FocusArea], today: dt.date, *, awaiting: bool = False
) -> WorkPlan:
    departments = _departments(pilot)
    start = _plan_start(pilot)
    plan = WorkPlan.objects.create(pilot=pilot, start_date=start, is_demo=True)
    status = rng.choices(
        [PlanStatus.APPROVED, PlanStatus.SUBMITTED, PlanStatus.RETURNED, PlanStatus.DRAFT], weights=[70, 12, 10, 8]
    )[0]
    if awaiting:
        status = PlanStatus.SUBMITTED
    approved = _moment(start + dt.timedelta(days=75))
    submitted = (
        _moment(today - dt.timedelta(days=3 + zlib.crc32(_key(pilot).encode()) % 20))
        if status == PlanStatus.SUBMITTED
        else approved
    )
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        status=status,
        implementation_plan=f"{pilot.name}新型城镇化综合试点实施方案（演示）",
        action_plan=f"{pilot.name}试点三年行动计划（演示）",
        submitted_at=submitted if status != PlanStatus.DRAFT else None,
        decided_at=approved if status in (PlanStatus.APPROVED, PlanStatus.RETURNED) else None,
        review_comment="请细化时间节点（演示）" if status == PlanStatus.RETURNED else "",
    )
    stage = services.stage_year(pilot)
    Goal.objects.bulk_create(
        [
            Goal(version=version, position=1, text="完成试点阶段性任务，形成可复制经验（演示）", target_year=stage),
            Goal(
                version=version, position=2, text="试点任务全面完成，常住人口城镇化率明显提高（演示）", target_year=2020
            ),
        ]
    )
    _tasks_and_milestones(version, pilot, departments, rng, areas, start, today, progress=status == PlanStatus.APPROVED)
    return plan


def _tasks_and_milestones(
    version: PlanVersion,
    pilot: PilotArea,
    departments: list[Organisation],
    rng: random.Random,
    areas: dict[str, FocusArea],
    start: dt.date,
    today: dt.date,
    *,
    progress: bool,
    lead_first: Organisation | None = None,
) -> None:
    for position, code in enumerate(_focus_codes(pilot, rng, areas), start=1):
        title, template = TEMPLATES[code]
        deadline = _deadlines(pilot, rng)
        lead = lead_first if (lead_first is not None and position % 2 == 1) else rng.choice(departments)
        task = Task.objects.create(
            version=version,
            position=position,
            title=title,
            focus_area=areas[code],
            lead_department=lead,
            responsible_name=f"{rng.choice(PERSONS)}某某（演示）",
            responsible_contact="0772-0000000",
            deadline=deadline,
            weight=rng.randint(1, 3),
        )
        task.supporting_departments.set(rng.sample([d for d in departments if d != lead], k=2))
        steps = _steps(template, start, deadline, rng)
        schedule = scheduling.schedule_backward(steps, deadline=deadline, not_before=start)
        milestones = []
        for i, (name, deliverable) in enumerate(template):
            slot = schedule.slots[str(i)]
            m = Milestone(
                task=task,
                position=i + 1,
                name=name,
                deliverable=deliverable,
                duration_days=steps[i].duration,
                planned_start=slot.latest_start,
                planned_finish=slot.latest_finish,
                slack_days=slot.slack_days,
            )
            if progress:
                _progress(m, rng, today)
            else:
                # A plan not (yet) approved today was still carried out in the years before (the annual
                # evaluation reads those milestones); its own generator keeps the rest of the demo unchanged.
                _progress(m, random.Random(f"{_key(pilot)}-{position}-{i}"), today)  # noqa: S311  (demo data)
            milestones.append(m)
        Milestone.objects.bulk_create(milestones)
        for previous, current in itertools.pairwise(milestones):
            current.depends_on.add(previous)


def _leading_group(pilot: PilotArea, departments: list[Organisation], rng: random.Random) -> None:
    start = _plan_start(pilot)
    group = LeadingGroup.objects.create(
        pilot=pilot,
        name=f"{pilot.name}新型城镇化综合试点工作领导小组（演示）",
        office_name="领导小组办公室（设在发展改革部门）",
        established_on=start,
        is_demo=True,
    )
    seats: list[tuple[str, str, str, Organisation | None, dt.date, dt.date | None]] = [
        (MemberRole.LEADER, f"{rng.choice(PERSONS)}某（演示）", "市（县、区）长", None, start, dt.date(2018, 3, 31)),
        (MemberRole.LEADER, f"{rng.choice(PERSONS)}某（演示）", "市（县、区）长", None, dt.date(2018, 4, 1), None),
        (MemberRole.DEPUTY, f"{rng.choice(PERSONS)}某（演示）", "常务副市（县、区）长", None, start, None),
        (MemberRole.OFFICE_HEAD, f"{rng.choice(PERSONS)}某（演示）", "发展改革部门主要负责人", None, start, None),
    ]
    seats += [(MemberRole.MEMBER_DEPARTMENT, "", "", d, start, None) for d in departments]
    LeadingGroupMember.objects.bulk_create(
        LeadingGroupMember(
            group=group, role=role, person_name=name, title=title, organisation=org, valid_from=since, valid_until=until
        )
        for role, name, title, org, since, until in seats
    )


def _liuzhou(pilot: PilotArea, rng: random.Random, areas: dict[str, FocusArea], today: dt.date) -> None:
    """柳州市 through the real services: drafted, submitted, returned with a comment, resubmitted, approved."""
    officer = User.objects.get(username="demo-pilot")
    province = User.objects.get(username="demo-province")
    department_user = User.objects.get(username="demo-department")
    departments = _departments(pilot)
    demo_department = next(d for d in departments if d.name == DEMO_DEPARTMENT)
    plan = services.ensure_work_plan(pilot=pilot, by=officer, start_date=_plan_start(pilot), is_demo=True)
    version = plan.versions.get(number=1)
    services.update_plan_texts(
        version=version,
        implementation_plan="柳州市国家新型城镇化综合试点实施方案（演示）：以产城融合和农业转移人口市民化为重点。",
        action_plan="柳州市试点三年行动计划（演示）：分年度推进任务，倒排时间节点，责任落实到部门和个人。",
        by=officer,
    )
    services.add_goal(version=version, text="2017 年底前形成阶段性成果（演示）", target_year=2017, by=officer)
    services.add_goal(version=version, text="2020 年常住人口城镇化率达到 70%（演示）", target_year=2020, by=officer)
    for position, code in enumerate(_focus_codes(pilot, rng, areas), start=1):
        title, template = TEMPLATES[code]
        lead = demo_department if position % 2 == 1 else rng.choice(departments)
        deadline = _deadlines(pilot, rng)
        if position == 1:
            deadline = today + dt.timedelta(days=21)  # the demo department's work coming due
        task = services.add_task(
            version=version,
            title=title,
            focus_area=areas[code],
            lead_department=lead,
            supporting_departments=rng.sample([d for d in departments if d != lead], k=2),
            responsible_user=department_user if lead == demo_department else None,
            responsible_name="" if lead == demo_department else f"{rng.choice(PERSONS)}某某（演示）",
            deadline=deadline,
            weight=rng.randint(1, 3),
            by=officer,
        )
        steps = _steps(template, plan.start_date, task.deadline, rng)
        previous: list[Milestone] = []
        for step, (_name, deliverable) in zip(steps, template, strict=True):
            previous = [
                services.add_milestone(
                    task=task,
                    name=step.name,
                    duration_days=step.duration,
                    depends_on=previous,
                    deliverable=deliverable,
                    by=officer,
                )
            ]
    start = plan.start_date
    with clock.travel_to(start + dt.timedelta(days=45)):
        services.submit_plan(version=version, by=officer)
    with clock.travel_to(start + dt.timedelta(days=55)):
        services.return_plan(version=version, comment="请补充存量建设用地盘活任务的时间节点（演示）。", by=province)
    with clock.travel_to(start + dt.timedelta(days=65)):
        services.submit_plan(version=version, by=officer)
    with clock.travel_to(start + dt.timedelta(days=75)):
        services.approve_plan(version=version, by=province)
    for milestone in (
        Milestone.objects.filter(task__version=version).select_related("task").order_by("task__position", "position")
    ):
        _progress(milestone, rng, today)
        if milestone.task.lead_department_id == demo_department.pk:
            services.update_milestone_progress(
                milestone=milestone,
                progress_percent=milestone.progress_percent,
                status=milestone.status,
                note=milestone.note,
                finished_on=milestone.finished_on,
                by=department_user,
            )
        else:
            milestone.save(update_fields=["progress_percent", "status", "note", "finished_on", "progress_updated_at"])
    _leading_group(pilot, departments, rng)


@transaction.atomic
def load_demo_plans() -> dict[str, int]:
    """Give every pilot without a plan a plausible demo plan; pilots that have one are left alone."""
    rng = random.Random(SEED)  # noqa: S311  (demo data, not security)
    ensure_focus_areas()
    db.analyze("plans")  # statistics of what is there now (after a delete, say), before services query it
    today = clock.today()  # progress as of the business date (load_demo travels there)
    areas = {fa.code: fa for fa in FocusArea.objects.filter(is_active=True)}
    created = 0
    waiting_in_demo_province = False  # demo-province finds one plan in its review queue
    for pilot in PilotArea.objects.with_facts().order_by("batch__number", "province__code", "name"):
        if WorkPlan.objects.filter(pilot=pilot).exists():
            continue
        if (pilot.province.name, pilot.name) == DEMO_PILOT:
            _liuzhou(pilot, rng, areas, today)
        else:
            awaiting = pilot.province.name == DEMO_PILOT[0] and not waiting_in_demo_province
            waiting_in_demo_province = waiting_in_demo_province or awaiting
            _bulk_plan(pilot, rng, areas, today, awaiting=awaiting)
            _leading_group(pilot, _departments(pilot), rng)
        created += 1
    if created:
        audit.record(action=audit.AuditAction.PLANS_DEMO_LOADED, detail={"plans": created})
        db.analyze("plans")
    return {"plans": created}
