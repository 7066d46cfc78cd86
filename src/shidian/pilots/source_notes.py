# ruff: noqa: E501  (a table of translation rules: one rule a line reads better than wrapped strings)
"""Registry source notes in Chinese.

The research notes in ``data/reference/pilots.csv`` were written in English shorthand ("src S1 S21; also coded
treated from 2014 in S22"). The stored note stays as imported (it is the record of where a row comes from);
pages show it through ``in_chinese``: each "; "-separated part is translated by the rules below, source ids
(S1…S22) and addresses are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _r(pattern: str, template: str | Callable[[re.Match[str]], str]) -> Rule:
    if isinstance(template, str):
        text = template
        return re.compile(rf"^{pattern}$"), lambda m: m.expand(text)
    return re.compile(rf"^{pattern}$"), template


def _sources(m: re.Match[str]) -> str:
    refs, rest = m.group(1), m.group(2) or ""
    text = "来源：" + "、".join(refs.split())
    if rest:
        text += "（" + _paren(rest) + "）"
    return text


def _paren(inner: str) -> str:
    known = {
        "scraped copy": "抓取的副本",
        "TOC excerpt ends here": "目录摘录至此",
        "the 25-count text is on a stored page without URL": "“25 个”一说见于一份无网址的存档页面",
    }
    if inner in known:
        return known[inner]
    m = re.match(r"^also (\S+)$", inner)
    if m:
        return f"另见 {m.group(1)}"
    m = re.match(r"^also code-corpus text calls it (.+)$", inner)
    if m:
        return f"代码语料中的文本亦称其为{m.group(1)}"
    return inner


def _batch(word: str) -> str:
    return {"1": "第一批", "2": "第二批", "3": "第三批"}.get(word, word)


RULES: list[Rule] = [
    _r(r"src ((?:\S+ ?)+?)(?: \((.+)\))?", _sources),
    _r(r"province-level pilot", "省级试点"),
    _r(r"TOC item (\d+)", r"目录第 \1 项"),
    _r(r"TOC item (\d+) listed as (\S+) in group (.+)", r"目录第 \1 项，列为\2（\3组）"),
    _r(r"TOC item (\d+) listed as (\S+) \(TOC excerpt ends here\)", r"目录第 \1 项，列为\2（目录摘录至此）"),
    _r(r"TOC item (\d+) listed as (\S+)", r"目录第 \1 项，列为\2"),
    _r(r"TOC item (\d+) listed in the (\S+) group", r"目录第 \1 项，列在\2组"),
    _r(r"also coded treated from (\d{4}) in (S\d+)", r"\2 亦记为 \1 年起试点"),
    _r(
        r"(?:RESEARCH-DATA|RESEARCH-DATA only): coded treated from (\d{4}) in (S\d+)",
        r"仅研究数据：\2 记为 \1 年起试点",
    ),
    _r(r"became (\S+) in (\d{4})", r"\2 年改为\1"),
    _r(r"also one of the (\d+) rural land-reform pilots", r"同时是 \1 个农村土地制度改革试点之一"),
    _r(
        r"one of the (\d+) rural land-reform pilots added to batch (\d)",
        lambda m: f"第二批增补的 {m.group(1)} 个农村土地制度改革试点之一" if m.group(2) == "2" else m.group(0),
    ),
    _r(r"land-reform pilot added to batch 2", "第二批增补的农村土地制度改革试点"),
    _r(r"land-reform pilot added to batch 2 \(later (\S+)\)", r"第二批增补的农村土地制度改革试点（后为\1）"),
    _r(
        r"land-reform pilot added to batch 2 \(notice writes (\S+)\)",
        r"第二批增补的农村土地制度改革试点（通知写作“\1”）",
    ),
    _r(r"also a land-reform pilot", "同时是农村土地制度改革试点"),
    _r(
        r"also a land-reform pilot already in NUCP before batch 2", "同时是农村土地制度改革试点，第二批之前已是综合试点"
    ),
    _r(r"one of the (\d+)", r"\1 个之一"),
    _r(r"first name of the (\d+) \((.+)\)", r"\1 个中的第一个（\2）"),
    _r(r"task:? (.+)", r"任务：\1"),
    _r(r"under (\S+)", r"隶属\1"),
    _r(r"town of (\S+) \(now (\S+)\)", r"\1的建制镇（今\2）"),
    _r(r"listed (\d{4})-(\d{2})-(\d{2})", lambda m: f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日列入"),
    _r(r"verify", "待核实"),
    _r(r"no primary source found", "未找到原始来源"),
    _r(r"batch not stated", "未写明批次"),
    _r(r"exact listed form unverified", "列入时的确切名称未核实"),
    _r(r"(S\d+) counts it as the one (\S+) entry", r"\1 将其计为唯一的\2条目"),
    _r(r"group of (\d+) central districts not a single district", r"为 \1 个中心城区的组合，而非单个区"),
    _r(r"(S\d+) panel has no county-level units", r"\1 面板数据不含县级单位"),
    _r(r"(\S+) is absent from the (S\d+) panel", r"\2 面板数据中没有\1"),
    _r(r"NOT coded in (S\d+) although in its panel \(dataset omission\)", r"\1 面板中有该地区但未标记（数据集遗漏）"),
    _r(r"Henan official news on batch-1 result", "河南官方新闻（第一批结果）"),
    _r(r"Hunan Daily: (\S+) were batch 1", r"《湖南日报》：\1为第一批"),
    _r(r"Baike-derived intros?: (.+)", r"百科类简介：\1"),
    _r(
        r"city intro: (\S+) is a 第一批 pilot \(page text garbled to 靠前批 by a synonym spinner\)",
        r"城市简介：\1为第一批试点（网页文本被同义词改写工具改为“靠前批”）",
    ),
    _r(r"city intro: (.+)", r"城市简介：\1"),
    _r(r"same news: (\S+) in the (\S+) group", r"同一新闻：\1在\2组"),
    _r(r"local news on the batch-1 list: (\S+) in the (\S+) group", r"关于第一批名单的地方新闻：\1在\2组"),
    _r(
        r"paper in (\S+) (\S+): (\S+) is a first-batch pilot city and (\S+) a second-batch one",
        r"《\1》\2 论文：\3为第一批试点城市，\4为第二批",
    ),
    _r(r"paper in (\S+) (\S+): (\S+) is a second-batch pilot city", r"《\1》\2 论文：\3为第二批试点城市"),
    _r(
        r"mirror of (\S+) city intro \((\d{4})-(\d{2})-(\d{2})\): (.+)",
        lambda m: (
            f"{m.group(1)}城市简介的镜像（{int(m.group(2))}年{int(m.group(3))}月{int(m.group(4))}日）：{m.group(5)}"
        ),
    ),
    _r(r"People's Daily interview Jan 2015 with 2014 data: (.+)", r"《人民日报》2015年1月采访（2014年数据）：\1"),
    _r(r"source says (\S+) \(only Linyi township in the list\)", r"来源写作“\1”（名单中唯一的临沂乡镇）"),
    _r(r"source writes (\S+)", r"来源写作“\1”"),
    _r(r"旗 = county-level unit under (\S+)", r"旗为\1下辖的县级单位"),
    _r(
        r"WEAK source \(travel text in a GitHub SQL seed says (.+)\)",
        r"来源薄弱（某代码仓库种子数据中的旅游介绍称“\1”）",
    ),
    _r(r"INFERRED: (.+)", lambda m: "推断：" + _inferred(m.group(1))),
    _r(r"UNRESOLVED with (\S+) row: (.+)", lambda m: f"与{m.group(1)}一行存在冲突：" + _unresolved(m.group(2))),
    _r(
        r"(\S+) local news (\d{4})-(\d{2})-(\d{2}): selected as one of Hubei's five batch-3 pilots",
        lambda m: (
            f"{m.group(1)}地方新闻（{int(m.group(2))}年{int(m.group(3))}月{int(m.group(4))}日）：入选湖北省 5 个第三批试点之一"
        ),
    ),
    _r(r"(\S+) municipal government (\S+) refers to (\S+)", r"\1市政府\2提到“\3”"),
    _r(r"city intro calls (\S+) a (\S+) without batch \((\S+)\)", r"城市简介称\1为\2，未写批次（\3）"),
    _r(
        r"consistent with the 省会 count rising from (\d+) to (\d+) after batch 2 \((.+)\)",
        r"与第二批后省会城市数由 \1 个增至 \2 个（\3）相符",
    ),
    _r(
        r"温岭 article says 台州 used the (\S+) as an opportunity \(no batch: (\S+)\)",
        r"温岭一文称台州以\1为契机（未写批次：\2）",
    ),
    _r(r"(\S+) report lists (\S+) among its national pilots \((\S+)\)", r"\1的报告将\2列为国家试点（\3）"),
    _r(r"(\S+) also says it was selected as a (\S+)", r"\1亦称其入选\2"),
    _r(
        r"Dec-2014 news: 东莞 passed the 11-ministry review and is on the national list \((\S+) to trial a new 设市 model\)",
        r"2014年12月新闻：东莞通过 11 个部门联合审核，列入国家名单（\1试点新型设市模式）",
    ),
    _r(
        r"青海新闻网 2019 \((\S+)\) also calls 格尔木 a (\S+) \(no batch\)",
        r"青海新闻网 2019 年（\1）亦称格尔木为\2（未写批次）",
    ),
    _r(
        r"S6 does not exclude a county-level 格尔木 pilot, so both may be batch 1 and the S5 total of 7 may be wrong",
        "S6 并不排除县级的格尔木试点，两者可能都属第一批，S5 的 7 个总数可能有误",
    ),
]


def _inferred(text: str) -> str:
    known = {
        "named in a 2017 evaluation text of the first 3 years of pilots (not an explicit list)": (
            "见于 2017 年对试点头三年的评估文本（并非明确名单）"
        ),
        "named in the same evaluation text (农村综合产权交易中心)": "见于同一评估文本（农村综合产权交易中心）",
        "summary of 介休's national pilot work plan using 2013 data with targets for 2017 and 2020 (batch-1 timetable)"
        " on ciudsrc.com (CCUD site)": "ciudsrc.com 上介休国家试点工作方案摘要，采用 2013 年数据及 2017、2020 年目标（第一批时间表）",
        "same series as 介休 (adjacent page id): 张北's national pilot work plan with 2013 data and 2017/2020 targets": (
            "与介休同一系列（相邻页面编号）：张北国家试点工作方案，采用 2013 年数据及 2017、2020 年目标"
        ),
        "intro text calls 延吉 Jilin's only county-level national urbanization pilot and one of 25 county-level (县市区)"
        " pilots nationwide = the batch-1 county group size": (
            "简介称延吉为吉林省唯一的县级国家城镇化试点、全国 25 个县级（县市区）试点之一，与第一批县级组数量相同"
        ),
        "三都's 14th-FYP urbanization plan cites 《第三批国家新型城镇化综合试点工作方案要点》 as a basis": (
            "三都“十四五”城镇化规划以《第三批国家新型城镇化综合试点工作方案要点》为依据"
        ),
    }
    return known.get(text, text)


def _unresolved(text: str) -> str:
    known = {
        "Qinghai Daily (S5) says 格尔木 was Qinghai's batch-1 pilot and gives a Qinghai total of 7 after batch 3"
        " (7 = 1 batch-1 + 2 batch-2 + 4 batch-3, so only one batch-1 name fits)": (
            "《青海日报》（S5）称格尔木为青海第一批试点，第三批后青海共 7 个（7 = 第一批 1 + 第二批 2 + 第三批 4，"
            "第一批只容得下一个名字）"
        ),
        "S6 (海东时报, written at the batch-1 announcement) says 海东 was among the 62 and Qinghai's only"
        " prefecture-level 'national' pilot": "S6（《海东时报》，写于第一批公布时）称海东在 62 个之中，是青海唯一的地级国家试点",
    }
    return known.get(text, text)


def translate_part(part: str) -> str:
    """One "; "-separated part of a note in Chinese, or the part unchanged when no rule knows it."""
    part = part.strip()
    for pattern, make in RULES:
        m = pattern.match(part)
        if m:
            return make(m)
    return part


def in_chinese(note: str) -> str:
    """A registry source note in Chinese (parts joined with "；")."""
    if not note:
        return ""
    return "；".join(translate_part(p) for p in note.split("; ") if p.strip())
