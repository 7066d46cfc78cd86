"""Demo news items (宣传) with pictures drawn here by Pillow: deterministic, marked as demo, no outside files.

Five items of the commission and of 广西 published at dates in the programme, and one 广西 draft (which the
portal never shows). Every picture goes through the same re-encoding as an upload.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from PIL import Image, ImageDraw

from shidian.accounts.models import User
from shidian.core import audit, clock
from shidian.core.audit_actions import AuditAction
from shidian.portal import services
from shidian.portal.models import NewsItem

# (author, date published or None for a draft, title, summary, body, picture seed, alt text)
NEWS = [
    (
        "demo-national",
        dt.date(2016, 12, 28),
        "第三批国家新型城镇化综合试点地区名单公布（演示）",
        "国家发展改革委等 11 个部门联合公布第三批 111 个国家新型城镇化综合试点地区。",
        "经各地申报、联合评审，国家发展改革委会同中央编办、公安部等部门确定北京市顺义区等 111 个城市（镇）"
        "为第三批国家新型城镇化综合试点地区。\n\n试点地区要在 2016 年底前全面启动试点，到 2018 年取得阶段性成果，"
        "形成可复制、可推广的经验；2020 年在全国范围内推广试点成功经验。\n\n（本文为演示数据。）",
        11,
        "示意图：城市天际线与绿地",
    ),
    (
        "demo-province",
        dt.date(2017, 6, 15),
        "广西推进农业转移人口市民化（演示）",
        "广西壮族自治区发展改革委召开试点工作推进会，部署农民工融入城镇重点任务。",
        "会议要求各试点地区围绕户籍制度改革、基本公共服务均等化等任务，倒排时间节点，压实责任到人。"
        "\n\n柳州市介绍了以居住证为载体推进基本公共服务覆盖常住人口的做法。\n\n（本文为演示数据。）",
        23,
        "示意图：住宅小区与道路",
    ),
    (
        "demo-national",
        dt.date(2018, 3, 20),
        "新型城镇化综合试点阶段性成果交流会召开（演示）",
        "第一、二批试点地区交流阶段性成果，国家发展改革委总结推广典型经验。",
        "交流会上，部分试点地区介绍了农村宅基地制度改革、城镇化投融资机制创新等方面的做法。"
        "\n\n会议强调，要及时总结可复制、可推广的经验，做好宣传引导，凝聚社会共识。\n\n（本文为演示数据。）",
        37,
        "示意图：会议场馆外景",
    ),
    (
        "demo-province",
        dt.date(2018, 11, 2),
        "柳州市产城融合发展取得新进展（演示）",
        "柳州市推进产业园区与城区融合发展，新增就业岗位和配套公共服务设施。",
        "柳州市以产城融合为抓手，推动园区配套学校、医院和保障性住房建设。\n\n（本文为演示数据。）",
        41,
        "示意图：工业园区与新城区",
    ),
    (
        "demo-national",
        dt.date(2019, 4, 10),
        "2018 年度国家新型城镇化综合试点评估工作完成（演示）",
        "国家发展改革委完成 2018 年度试点评估，印发评估通报。",
        "评估按照综合评价指标体系，结合专家评分和省级评价，对试点地区进行了年度评估。"
        "\n\n评估通报可在本门户“评估通报”栏目下载。\n\n（本文为演示数据。）",
        53,
        "示意图：数据图表",
    ),
    (
        "demo-province",
        None,
        "广西试点经验汇编（草稿，演示）",
        "尚未发布的草稿：公众门户不显示。",
        "草稿正文。（本文为演示数据。）",
        67,
        "示意图：草稿",
    ),
]


def demo_picture(seed: int, *, size: tuple[int, int] = (960, 540)) -> bytes:
    """A skyline drawn from ``seed``: the same picture every time, as PNG bytes."""
    rng = random.Random(seed)  # noqa: S311  (a picture, not a secret)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = (rng.randint(90, 140), rng.randint(150, 200), 235), (250, 240, 220)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    x = 0
    while x < width:
        w, h = rng.randint(40, 110), rng.randint(80, 330)
        shade = rng.randint(60, 140)
        draw.rectangle([x, height - 90 - h, x + w, height - 90], fill=(shade, shade + 10, shade + 25))
        for wy in range(height - 80 - h, height - 100, 24):
            for wx in range(x + 8, x + w - 10, 18):
                if rng.random() < 0.55:
                    draw.rectangle([wx, wy, wx + 8, wy + 12], fill=(250, 225, 140))
        x += w + rng.randint(2, 12)
    draw.rectangle([0, height - 90, width, height], fill=(90, 150, 80))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def load_demo_news() -> dict[str, int]:
    """The demo's news items (once: a second run finds them and adds nothing)."""
    if NewsItem.objects.filter(is_demo=True).exists():
        return {"news": NewsItem.objects.filter(is_demo=True).count()}
    for username, day, title, summary, body, seed, alt in NEWS:
        author = User.objects.get(username=username)
        with clock.travel_to(day or clock.today()):
            item = services.create_news(
                title=title, summary=summary, body=body, image=demo_picture(seed), image_alt=alt, by=author
            )
            NewsItem.objects.filter(pk=item.pk).update(is_demo=True)
            if day is not None:
                services.publish_news(item=item, by=author)
    count = NewsItem.objects.filter(is_demo=True).count()
    audit.record(action=AuditAction.PORTAL_DEMO_LOADED, detail={"news": count})
    return {"news": count}
