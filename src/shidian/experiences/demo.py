"""Demo experiences (marked 演示): a dozen in every state across the focus areas, two promoted batches, adoptions.

Every experience moves through the real services (as the platform's demo job), each move on the business date
it is dated to, so the history and the audit trail read like the programme's. Deterministic; run under the
demo's business date (bootstrap.data.load_demo). The demo pilot (柳州市) has a draft, a returned and a published
experience; its province (广西) has one waiting for recommendation; the commission has recommended ones waiting
for selection and a selected one waiting for publication.
"""

from __future__ import annotations

import datetime as dt
import decimal
import zlib
from dataclasses import dataclass

from django.db import transaction

from shidian.core import audit, clock
from shidian.core.actors import system
from shidian.core.audit_actions import AuditAction
from shidian.experiences import services
from shidian.experiences.models import Experience, ExperienceStatus, PromotionBatch
from shidian.experiences.services import ResultRow
from shidian.pilots.models import PilotArea
from shidian.plans.models import FocusArea

DEMO = "（演示）"
BATCH_1 = "国家新型城镇化综合试点经验（第一批）"
BATCH_2 = "国家新型城镇化综合试点经验（第二批）"
BATCH_3 = "国家新型城镇化综合试点经验（第三批）"  # being prepared: its experiences are selected, not yet published
BATCH_DATES = {BATCH_1: dt.date(2017, 9, 15), BATCH_2: dt.date(2018, 12, 20)}


@dataclass(frozen=True)
class DemoExperience:
    province: str
    pilot: str
    focus: str  # focus area code
    title: str
    summary: str
    body: str
    results: tuple[tuple[str, str, str], ...]
    status: str
    submitted: dt.date
    batch: str = ""
    comment: str = ""


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


EXPERIENCES: tuple[DemoExperience, ...] = (
    DemoExperience(
        "浙江省",
        "宁波市",
        "migrant_integration",
        "以居住证为载体推进农业转移人口市民化",
        "全面放开落户限制，居住证持有人同等享受基本公共服务，户籍制度改革与积分入学联动。",
        "宁波市深化户籍制度改革，取消落户的参保年限要求，建立以居住证为载体的基本公共服务提供机制。"
        "随迁子女按积分入学，户籍人口与常住人口享受同等的就业、医疗、养老服务。",
        (("新增落户人口", "12.6", "万人"), ("随迁子女公办学校就读比例", "85", "%")),
        ExperienceStatus.PUBLISHED,
        _d("2017-05-10"),
        BATCH_1,
    ),
    DemoExperience(
        "广西壮族自治区",
        "柳州市",
        "industry_city",
        "汽车产业园区与新城同步规划建设",
        "以汽车产业带动新城建设，产城融合，职住平衡。",
        "柳州市围绕汽车产业集群规划建设柳东新区，产业园区与居住、教育、医疗配套同步规划、同步建设，"
        "引导产业工人就近落户，形成产城融合发展格局。",
        (("新区常住人口", "32", "万人"), ("园区就业人员本地落户", "4.1", "万人")),
        ExperienceStatus.PUBLISHED,
        _d("2017-04-20"),
        BATCH_1,
    ),
    DemoExperience(
        "河南省",
        "兰考县",
        "urban_rural",
        "城乡建设用地增减挂钩助推县城建设",
        "开展城乡建设用地增减挂钩，节余指标收益反哺农村。",
        "兰考县统筹城乡建设用地，实施增减挂钩项目，拆旧复垦耕地，节余指标在省内调剂使用，"
        "收益全部用于农村基础设施和易地搬迁安置，土地节约集约利用水平明显提高。",
        (("复垦耕地", "3200", "亩"), ("节余指标收益", "6.4", "亿元")),
        ExperienceStatus.PUBLISHED,
        _d("2018-06-01"),
        BATCH_2,
    ),
    DemoExperience(
        "四川省",
        "成都市",
        "homestead_reform",
        "农村宅基地制度改革与土地综合整治",
        "探索宅基地有偿退出和农村土地综合整治，盘活农村存量建设用地。",
        "成都市在农村土地制度改革中探索宅基地有偿使用和自愿有偿退出，结合土地综合整治，"
        "将盘活的存量建设用地优先用于乡村产业，农民财产性收入增加。",
        (("退出宅基地", "1.8", "万亩"), ("农民财产性收入增长", "11.5", "%")),
        ExperienceStatus.PUBLISHED,
        _d("2018-05-15"),
        BATCH_2,
    ),
    DemoExperience(
        "浙江省",
        "嘉兴市",
        "multi_plan",
        "市县“多规合一”一张蓝图管到底",
        "统一规划底图，划定城镇开发边界和永久基本农田。",
        "嘉兴市整合国民经济和社会发展规划、城乡规划、土地利用规划，形成“多规合一”的一张蓝图，"
        "划定城镇开发边界和永久基本农田保护红线，项目审批时间缩短一半。",
        (("项目审批时间缩短", "50", "%"),),
        ExperienceStatus.SELECTED,
        _d("2019-03-01"),
        BATCH_3,
    ),
    DemoExperience(
        "河南省",
        "洛阳市",
        "financing",
        "多元化城镇化投融资机制",
        "设立城镇化发展基金，推广政府和社会资本合作。",
        "洛阳市设立新型城镇化发展基金，推广政府和社会资本合作模式，拓宽城镇基础设施融资渠道。",
        (("撬动社会资本", "210", "亿元"),),
        ExperienceStatus.RECOMMENDED,
        _d("2019-04-10"),
    ),
    DemoExperience(
        "四川省",
        "绵阳市",
        "green_smart",
        "智慧城市与海绵城市建设",
        "建设城市运行管理平台，推进海绵城市建设。",
        "绵阳市建设城市大数据中心和运行管理平台，推进海绵城市试点片区建设，城市内涝明显减少。",
        (("海绵城市建成面积", "26", "平方公里"),),
        ExperienceStatus.RECOMMENDED,
        _d("2019-05-20"),
    ),
    DemoExperience(
        "甘肃省",
        "陇西县",
        "local_culture",
        "李氏文化与古城保护传承",
        "保护历史文化街区，发展文化旅游。",
        "陇西县保护修缮古城历史文化街区，挖掘地方文化，发展文化旅游产业。",
        (("修缮历史建筑", "46", "处"),),
        ExperienceStatus.DECLINED,
        _d("2018-04-01"),
        comment="做法尚处起步阶段，成效数据不足，暂不入选。",
    ),
    DemoExperience(
        "广西壮族自治区",
        "北流市",
        "new_small_cities",
        "扩权强镇培育新生中小城市",
        "赋予特大镇县级经济社会管理权限。",
        "北流市向特大镇下放县级经济社会管理权限，推进大镇设市的前期探索，镇区人口快速集聚。",
        (("下放管理事项", "156", "项"),),
        ExperienceStatus.SUBMITTED,
        _d("2019-06-20"),
    ),
    DemoExperience(
        "广西壮族自治区",
        "柳州市",
        "citizenisation_costs",
        "农业转移人口市民化成本分担机制",
        "政府、企业、个人共同分担市民化成本。",
        "柳州市测算农业转移人口市民化成本，明确政府、企业、个人分担比例，财政转移支付与市民化挂钩。",
        (("测算人均市民化成本", "13.2", "万元"),),
        ExperienceStatus.RETURNED,
        _d("2019-05-30"),
        comment="请补充成本分担比例的测算依据和近两年的实际支出数据。",
    ),
    DemoExperience(
        "广西壮族自治区",
        "柳州市",
        "stock_land",
        "老工业区低效用地再开发",
        "盘活老工业区存量建设用地。",
        "",
        (),
        ExperienceStatus.DRAFT,
        _d("2019-07-01"),
    ),
    DemoExperience(
        "重庆市",
        "大足区",
        "institutional_reform",
        "综合推进行政管理体制改革",
        "精简审批事项，推行一窗受理。",
        "大足区推行“一窗受理、集成服务”，精简行政审批事项，降低行政成本。",
        (("精简审批事项", "38", "%"),),
        ExperienceStatus.SUBMITTED,
        _d("2019-06-28"),
    ),
)

# (experience title, adopting province, adopting pilot, what, when, result)
ADOPTIONS = (
    (
        "以居住证为载体推进农业转移人口市民化",
        "浙江省",
        "德清县",
        "居住证积分入学办法",
        _d("2018-03-01"),
        "随迁子女入学办理时间由两周缩短到三天。",
    ),
    (
        "以居住证为载体推进农业转移人口市民化",
        "四川省",
        "眉山市",
        "取消落户参保年限要求",
        _d("2018-06-15"),
        "一年新增落户 2.3 万人。",
    ),
    (
        "城乡建设用地增减挂钩助推县城建设",
        "河南省",
        "长垣县",
        "增减挂钩节余指标收益反哺农村",
        _d("2019-03-20"),
        "首批复垦耕地 800 亩。",
    ),
    ("汽车产业园区与新城同步规划建设", "广西壮族自治区", "来宾市", "产业园区配套同步规划", _d("2018-09-01"), ""),
)


def demo_photo(seed: int, *, size: tuple[int, int] = (800, 450)) -> bytes:
    """A street scene drawn from ``seed`` (the same every time), as JPEG bytes: the published demo's photos."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311  (a picture, not a secret)
    width, height = size
    image = Image.new("RGB", size, (200, 222, 240))
    draw = ImageDraw.Draw(image)
    horizon = height * 3 // 5
    x = 0
    while x < width:
        w, h = rng.randint(50, 120), rng.randint(60, horizon - 40)
        tone = rng.randint(150, 220)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=(tone, tone - 20, tone - 50))
        x += w + rng.randint(4, 16)
    draw.rectangle([0, horizon, width, height], fill=(110, 160, 90))
    draw.polygon(
        [(width // 2 - 30, height), (width // 2 + 30, height), (width // 2 + 4, horizon), (width // 2 - 4, horizon)],
        fill=(120, 120, 120),
    )
    for _tree in range(12):
        tx, ty = rng.randint(0, width), rng.randint(horizon + 10, height - 10)
        draw.ellipse([tx - 14, ty - 14, tx + 14, ty + 14], fill=(40, rng.randint(100, 140), 50))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _pilot(province: str, name: str) -> PilotArea:
    return PilotArea.objects.get(province__name=province, name=name)


def _walk(spec: DemoExperience, batches: dict[str, PromotionBatch]) -> Experience:
    """Create one experience and move it, on its dates, to the state it has in the demo."""
    by = system("load_demo")
    pilot = _pilot(spec.province, spec.pilot)
    created = spec.submitted - dt.timedelta(days=14)
    with clock.travel_to(created):
        experience = services.create_experience(
            pilot=pilot,
            by=by,
            values={
                "title": spec.title,
                "focus_area": FocusArea.objects.get(code=spec.focus),
                "summary": spec.summary + DEMO,
                "body": spec.body,
            },
            results=[ResultRow(w, decimal.Decimal(v), u) for w, v, u in spec.results],
            is_demo=True,
        )
        if spec.status == ExperienceStatus.PUBLISHED:
            services.add_file(
                experience=experience,
                by=by,
                content=demo_photo(zlib.crc32(spec.title.encode())),  # keyed by name, not id
                file_name="现场照片.jpg",
                caption=f"{spec.pilot}{spec.title}现场（演示示意图）",
            )
    if spec.status == ExperienceStatus.DRAFT:
        return experience
    with clock.travel_to(spec.submitted):
        experience = services.submit_experience(experience=experience, by=by)
    if spec.status == ExperienceStatus.SUBMITTED:
        return experience
    with clock.travel_to(spec.submitted + dt.timedelta(days=10)):
        if spec.status == ExperienceStatus.RETURNED:
            return services.return_experience(experience=experience, by=by, comment=spec.comment)
        experience = services.recommend_experience(experience=experience, by=by, comment="同意推荐。")
    if spec.status == ExperienceStatus.RECOMMENDED:
        return experience
    batch = batches.get(spec.batch)
    decided = min(BATCH_DATES.get(spec.batch, spec.submitted + dt.timedelta(days=40)), clock.today())
    decided = max(decided, spec.submitted + dt.timedelta(days=20))
    with clock.travel_to(decided):
        if spec.status == ExperienceStatus.DECLINED:
            return services.decline_experience(experience=experience, by=by, comment=spec.comment)
        experience = services.select_experience(experience=experience, by=by, batch=batch)
        if spec.status == ExperienceStatus.PUBLISHED:
            experience = services.publish_experience(experience=experience, by=by)
    return experience


@transaction.atomic
def load_demo_experiences() -> int:
    """The demo experiences, batches and adoptions (once: a second run finds them and does nothing)."""
    if Experience.objects.filter(is_demo=True).exists():
        return 0
    by = system("load_demo")
    batches = {}
    for name, issued in BATCH_DATES.items():
        with clock.travel_to(issued):
            batches[name] = services.create_batch(name=name, issued_on=issued, by=by, is_demo=True)
    batches[BATCH_3] = services.create_batch(name=BATCH_3, by=by, is_demo=True)
    walked = {spec.title: _walk(spec, batches) for spec in EXPERIENCES}
    for title, province, pilot, what, adopted_on, result in ADOPTIONS:
        with clock.travel_to(adopted_on):
            services.record_adoption(
                experience=walked[title],
                pilot=_pilot(province, pilot),
                by=by,
                what=what,
                adopted_on=adopted_on,
                result=result,
                is_demo=True,
            )
    audit.record(
        action=AuditAction.EXPERIENCES_DEMO_LOADED,
        actor=by,
        detail={"experiences": len(walked), "adoptions": len(ADOPTIONS)},
    )
    return len(walked)
