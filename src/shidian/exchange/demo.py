"""Demo difficulties in every state (one escalated) and notices with partial read receipts, written through the
services at their dates of 2019 (deterministic; run under the demo's business date by bootstrap.data.load_demo).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shidian.accounts.models import User
from shidian.core import audit, clock
from shidian.core.actors import system
from shidian.core.audit_actions import AuditAction
from shidian.exchange import services
from shidian.exchange.models import Audience, Category, Difficulty, Notice, NoticeReceipt
from shidian.pilots.demo import DEMO_PILOT
from shidian.pilots.models import PilotArea

D = dt.date
DEMO = "（演示）"

# (category, title, description, raised on, then the moves: (day, move, text))
PILOT_ITEMS: list[tuple[str, str, str, dt.date, list[tuple[dt.date, str, str]]]] = [
    (
        Category.LAND,
        "城镇建设用地指标紧张",
        "试点新增建设用地计划指标不足，产业园区和保障性住房项目无法按期落地，请求在城乡建设用地增减挂钩节余指标"
        "跨区域调剂上给予支持。",
        D(2019, 3, 4),
        [
            (D(2019, 3, 6), "accept", ""),
            (
                D(2019, 3, 20),
                "answer",
                "已商自治区自然资源厅，在年度计划中对试点单列安排；增减挂钩节余指标可在区内调剂，具体按有关规定办理。",
            ),
            (D(2019, 3, 25), "close:4", "答复明确，已按要求申报。"),
        ],
    ),
    (
        Category.FINANCE,
        "新型城镇化建设融资渠道有限",
        "地方政府债务约束下，棚户区改造和地下管网项目融资困难，请求支持发行城镇化建设专项债券。",
        D(2019, 5, 6),
        [
            (D(2019, 5, 8), "accept", ""),
            (D(2019, 5, 24), "answer", "支持符合条件的项目申报专项债券，请按程序经自治区发展改革委汇总报送。"),
        ],
    ),
    (
        Category.HUKOU,
        "农业转移人口落户配套政策不明确",
        "放开落户限制后，随迁子女入学和住房保障配套政策缺乏依据，请求明确居住证持有人享受基本公共服务的范围。",
        D(2019, 5, 27),
        [(D(2019, 5, 29), "accept", "")],
    ),
    (
        Category.HOUSING,
        "保障性租赁住房建设资金缺口",
        "新市民和青年人住房需求集中，保障性租赁住房项目资本金不足，请求中央预算内投资给予倾斜。",
        D(2019, 6, 17),
        [(D(2019, 6, 19), "accept", "")],
    ),
    (
        Category.HOUSING,
        "老旧小区改造居民出资机制",
        "老旧小区改造中居民出资比例难以落实，请求明确居民出资和维修资金使用的政策口径。",
        D(2019, 6, 24),
        [],
    ),
    (
        Category.PLANNING,
        "多规合一与城镇开发边界划定衔接",
        "城镇开发边界划定与现行土地利用总体规划、城市总体规划存在冲突，请求明确过渡期规划许可的依据。",
        D(2019, 7, 1),
        [],
    ),
]
# Raised by the province for another of its pilots, answered, then reopened.
PROVINCE_ITEM = (
    "来宾市",
    Category.STAFFING,
    "试点镇行政管理体制改革编制不足",
    "经济发达镇扩权强镇后承接事项增多，现有编制难以满足需要，请求在编制总量内调剂。",
    D(2019, 6, 3),
    [
        (D(2019, 6, 5), "accept", ""),
        (D(2019, 6, 14), "answer", "请在自治区编制总量内统筹调剂，我办予以指导。"),
        (D(2019, 7, 1), "reopen", "答复未明确调剂的具体渠道，请进一步明确。"),
    ],
)
ESCALATION_DAY = D(2019, 6, 20)


def _demo_title(text: str) -> str:
    return f"{text}{DEMO}"


def _walk(item: Difficulty, moves: list[tuple[dt.date, str, str]], raiser: User) -> None:
    platform = system("load_demo")
    for day, step, text in moves:
        with clock.travel_to(day):
            if step == "accept":
                services.accept_difficulty(difficulty=item, by=platform)
            elif step == "answer":
                services.answer_difficulty(difficulty=item, body=text, by=platform)
            elif step.startswith("close:"):
                services.close_difficulty(difficulty=item, rating=int(step.split(":")[1]), comment=text, by=raiser)
            elif step == "reopen":
                services.reopen_difficulty(difficulty=item, reason=text, by=raiser)


def _read(notice: Notice, pilot: PilotArea, when: dt.datetime) -> None:
    """A recipient without a usable demo account reads the notice: its office's (inactive) demo writer."""
    reader = User.objects.filter(organisation__pilot=pilot).order_by("pk").first()
    if reader is None:
        return
    NoticeReceipt.objects.filter(notice=notice, pilot=pilot, read_at__isnull=True).update(read_at=when, read_by=reader)


@transaction.atomic
def load_demo_exchange() -> int:
    """Write the demo's difficulties and notices once (a second run adds nothing)."""
    if Difficulty.objects.filter(is_demo=True).exists():
        return 0
    services.ensure_routing()
    liuzhou = PilotArea.objects.get(province__name=DEMO_PILOT[0], name=DEMO_PILOT[1])
    officer = User.objects.get(username="demo-pilot")
    province_officer = User.objects.get(username="demo-province")
    national = User.objects.get(username="demo-national")
    count = 0
    for category, title, description, raised_on, moves in PILOT_ITEMS:
        with clock.travel_to(raised_on):
            item = services.raise_difficulty(
                pilot=liuzhou,
                category=category,
                title=_demo_title(title),
                description=description,
                by=officer,
                is_demo=True,
            )
        _walk(item, moves, officer)
        count += 1
    name, category, title, description, raised_on, moves = PROVINCE_ITEM
    neighbour = PilotArea.objects.get(province=liuzhou.province, name=name)
    with clock.travel_to(raised_on):
        item = services.raise_difficulty(
            pilot=neighbour,
            category=category,
            title=_demo_title(title),
            description=description,
            by=province_officer,
            is_demo=True,
        )
    _walk(item, moves, province_officer)
    count += 1
    with clock.travel_to(ESCALATION_DAY):  # the daily job on the day after the 户籍 item's deadline
        services.escalate_overdue(by=system("load_demo"))

    # Notices: the commission's, issued as a document to 柳州's batch; the province's to its pilots.
    with clock.travel_to(D(2019, 3, 1)):
        national_notice = services.send_notice(
            title=_demo_title("关于做好2019年国家新型城镇化综合试点工作的通知"),
            body="为深入推进国家新型城镇化综合试点，现就2019年试点工作通知如下。\n"
            "一、加快农业转移人口市民化，全面落实居住证制度。\n二、年中进展报告请于7月15日前报送省级发展改革部门。",
            audience=Audience.BATCH,
            batch=liuzhou.batch,
            as_document=True,
            by=national,
            is_demo=True,
        )
    with clock.travel_to(D(2019, 3, 4)):
        services.open_notice(notice=national_notice, by=officer)
    with clock.travel_to(D(2019, 6, 10)):
        province_notice = services.send_notice(
            title=_demo_title("关于报送2019年上半年试点进展情况的通知"),
            body="区内各国家新型城镇化综合试点：\n请于7月10日前报送上半年工作进展、主要做法和存在困难。",
            audience=Audience.PROVINCE,
            province=liuzhou.province,
            by=province_officer,
            is_demo=True,
        )
    tz = timezone.get_current_timezone()
    others = PilotArea.objects.filter(notice_receipts__notice=national_notice).exclude(pk=liuzhou.pk)
    for index, pilot in enumerate(others.order_by("province__code", "name")[:40]):
        if index % 3 == 0:  # about a third of the batch has opened it
            _read(national_notice, pilot, dt.datetime(2019, 3, 5 + index % 10, 9, tzinfo=tz))
    guangxi = PilotArea.objects.filter(notice_receipts__notice=province_notice).exclude(pk=liuzhou.pk)
    for index, pilot in enumerate(guangxi.order_by("name")):
        if index % 2 == 0:
            _read(province_notice, pilot, dt.datetime(2019, 6, 11 + index % 5, 15, tzinfo=tz))
    audit.record(
        action=AuditAction.EXCHANGE_DEMO_LOADED,
        username="load_demo",
        detail={"difficulties": count, "notices": 2},
    )
    return count
