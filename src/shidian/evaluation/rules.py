"""The warning and elimination rules of the annual evaluation (预警与动态退出), as pure functions.

The programme (issue #12, "Warnings and elimination"; defaults editable per year in a :class:`RuleSet`):

- a 不合格 grade gives a warning (预警) with a rectification deadline: the decision date plus
  ``rectification_months``;
- a second consecutive 不合格, a failed rectification, or no year-end report (年度报告) for a year gives an
  elimination proposal (退出建议). A proposal is only a proposal: the national admin decides it (eval-core).

Edge cases, decided here and documented in docs/evaluation.md ("预警与退出规则"):

- **Consecutive means consecutive calendar years.** The 不合格 grades are counted back from the evaluated year
  one calendar year at a time; a year that was not evaluated (``grade=None``) or is absent from the history
  breaks the chain. An elimination must hold up against an objection, so a gap counts in the pilot's favour.
- **At most one proposal per pilot and year, never a warning and an elimination together.** When an
  elimination is proposed, the warning the same 不合格 would have earned is not: the elimination supersedes it.
- **Several grounds in one year** (e.g. no year-end report and a second 不合格): one elimination proposal.
  Its ``reason_code`` is the strongest ground, in the order consecutive_fail, failed_rectification,
  no_year_end_report (the evaluation's own results before a procedural failure); ``grounds`` lists every
  ground that holds, strongest first, and the ``reason`` sentence names them all, so the decision sees
  everything an objection could raise.
- **Which rectification counts**: the rectification of the warning given for the previous year (its deadline
  falls in the evaluated year) or for the evaluated year itself (a check made after its deadline). Older
  failed rectifications were the business of earlier years' proposals and are not proposed again.
- **No entry for the evaluated year**: nothing is known about it, nothing is proposed. Years after the
  evaluated year are ignored, so a re-run for a past year proposes what it proposed then.
- ``consecutive_fails_to_eliminate = 0`` switches that rule off; 1 eliminates on a single 不合格 (then no
  warning is given, as an elimination supersedes it).

Reasons are composed in Chinese (the language of the programme's decisions), whatever the interface language.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shidian.core import formatting

EXCELLENT, GOOD, PASS, FAIL = "excellent", "good", "pass", "fail"
GRADE_LABELS = {
    EXCELLENT: gettext_lazy("优秀"),
    GOOD: gettext_lazy("良好"),
    PASS: gettext_lazy("合格"),
    FAIL: gettext_lazy("不合格"),
}
RECTIFICATION_STATES = ("none", "pending", "passed", "failed")

WARNING, ELIMINATION = "warning", "elimination"
FAIL_GRADE = "fail_grade"
CONSECUTIVE_FAIL = "consecutive_fail"
FAILED_RECTIFICATION = "failed_rectification"
NO_YEAR_END_REPORT = "no_year_end_report"
# The strength of an elimination's grounds, strongest first (module docstring).
ELIMINATION_GROUNDS = (CONSECUTIVE_FAIL, FAILED_RECTIFICATION, NO_YEAR_END_REPORT)


@dataclass(frozen=True)
class PilotYear:
    """What one pilot's year brings to the rules."""

    year: int
    grade: str | None  # a grade code, None = not evaluated that year
    has_year_end_report: bool  # the pilot's 年度报告 for that year was submitted
    rectification: str = "none"  # "none" | "pending" | "passed" | "failed" (of a warning given for that year)

    def __post_init__(self) -> None:
        if self.grade is not None and self.grade not in GRADE_LABELS:
            raise ValueError(f"unknown grade code {self.grade!r}")
        if self.rectification not in RECTIFICATION_STATES:
            raise ValueError(f"unknown rectification state {self.rectification!r}")


@dataclass(frozen=True)
class RuleSet:
    """The editable rules of one year (the issue's defaults)."""

    warn_on_fail: bool = True
    consecutive_fails_to_eliminate: int = 2  # 0 = rule off
    eliminate_on_failed_rectification: bool = True
    eliminate_on_missing_year_end_report: bool = True
    rectification_months: int = 6

    def __post_init__(self) -> None:
        if self.consecutive_fails_to_eliminate < 0:
            raise ValueError("consecutive_fails_to_eliminate must be 0 (off) or more")
        if self.rectification_months < 1:
            raise ValueError("rectification_months must be at least 1")


@dataclass(frozen=True)
class Proposal:
    """A warning or an elimination proposed for one pilot and year, with the reason it rests on."""

    kind: str  # "warning" | "elimination"
    reason_code: str  # "fail_grade" | "consecutive_fail" | "failed_rectification" | "no_year_end_report"
    reason: str  # Chinese sentence naming the years and grades it rests on
    rectify_by: dt.date | None  # warnings only
    grounds: tuple[str, ...] = field(default=())  # every ground that holds, strongest (reason_code) first


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` plus ``months`` calendar months, clamped to the month's end (8月31日 + 6 -> 2月28日)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def grade_label(code: str | None) -> str:
    """Return the Chinese label of a grade code (未评估 for None)."""
    return str(GRADE_LABELS[code]) if code else _("未评估")


def _year(year: int) -> str:
    return _("%(year)s年度") % {"year": year}


def _by_year(history: Sequence[PilotYear]) -> dict[int, PilotYear]:
    years: dict[int, PilotYear] = {}
    for entry in history:
        if entry.year in years:
            raise ValueError(f"the history holds {entry.year} twice")
        years[entry.year] = entry
    return years


def _fail_run(years: dict[int, PilotYear], year: int) -> list[int]:
    """The consecutive calendar years of 不合格 ending at ``year`` (empty when ``year`` is not 不合格)."""
    run: list[int] = []
    while (entry := years.get(year)) is not None and entry.grade == FAIL:
        run.append(year)
        year -= 1
    return sorted(run)


def propose(history: Sequence[PilotYear], *, year: int, rules: RuleSet, decided_on: dt.date) -> list[Proposal]:
    """Return what the rules propose for one pilot's ``year``: nothing, one warning or one elimination."""
    with translation.override("zh-hans"):
        return _propose(_by_year(history), year=year, rules=rules, decided_on=decided_on)


def _propose(years: dict[int, PilotYear], *, year: int, rules: RuleSet, decided_on: dt.date) -> list[Proposal]:
    current = years.get(year)
    if current is None:
        return []
    reasons: dict[str, str] = {}

    needed = rules.consecutive_fails_to_eliminate
    fails = _fail_run(years, year)
    if needed and len(fails) >= needed:
        counted = fails[-needed:]
        named = "，".join(
            _("%(year)s评估等次为%(grade)s") % {"year": _year(y), "grade": grade_label(FAIL)} for y in counted
        )
        if needed == 1:
            reasons[CONSECUTIVE_FAIL] = _("%(named)s。") % {"named": named}
        else:
            reasons[CONSECUTIVE_FAIL] = _("%(named)s，连续%(n)s年不合格。") % {"named": named, "n": needed}

    if rules.eliminate_on_failed_rectification:
        for warned_year in (year - 1, year):
            entry = years.get(warned_year)
            if entry is not None and entry.rectification == "failed":
                reasons[FAILED_RECTIFICATION] = _("%(year)s评估等次为%(grade)s，预警后整改未通过验收。") % {
                    "year": _year(warned_year),
                    "grade": grade_label(entry.grade),
                }

    if rules.eliminate_on_missing_year_end_report and not current.has_year_end_report:
        if current.grade is None:
            reasons[NO_YEAR_END_REPORT] = _("未提交%(year)s报告。") % {"year": _year(year)}
        else:
            reasons[NO_YEAR_END_REPORT] = _("未提交%(year)s报告（%(year)s评估等次为%(grade)s）。") % {
                "year": _year(year),
                "grade": grade_label(current.grade),
            }

    if reasons:
        grounds = tuple(code for code in ELIMINATION_GROUNDS if code in reasons)
        reason = "".join(reasons[code] for code in grounds)
        return [Proposal(ELIMINATION, grounds[0], reason, None, grounds)]

    if rules.warn_on_fail and current.grade == FAIL:
        rectify_by = add_months(decided_on, rules.rectification_months)
        reason = _("%(year)s评估等次为%(grade)s，予以预警，限%(deadline)s前完成整改。") % {
            "year": _year(year),
            "grade": grade_label(FAIL),
            "deadline": formatting.date(rectify_by),
        }
        return [Proposal(WARNING, FAIL_GRADE, reason, rectify_by, (FAIL_GRADE,))]
    return []
