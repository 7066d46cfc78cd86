"""The year's evaluation scheme (评估方案): dimensions and weights, grade thresholds, methods, and its rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, formatting
from shidian.core.errors import Conflict, DomainError
from shidian.evaluation.models import (
    DEFAULT_DIMENSIONS,
    CompositeMethod,
    Dimension,
    IndicatorMethod,
    Scheme,
    SchemeStatus,
)
from shidian.evaluation.services._common import THRESHOLD_FIELDS, decimal, manage

# What a new year's scheme takes over from the year before (the dimensions are copied apart).
COPIED_FIELDS = (
    *THRESHOLD_FIELDS,
    "indicator_method",
    "composite_method",
    "attainment_cap",
    "max_expert_score",
    "warn_on_fail",
    "consecutive_fails_to_eliminate",
    "eliminate_on_failed_rectification",
    "eliminate_on_missing_year_end_report",
    "rectification_months",
)
RULE_FIELDS = (
    "warn_on_fail",
    "consecutive_fails_to_eliminate",
    "eliminate_on_failed_rectification",
    "eliminate_on_missing_year_end_report",
    "rectification_months",
)


@transaction.atomic
def create_scheme(*, year: int, by: User, copy_from: Scheme | None = None) -> Scheme:
    """A year's scheme with the default dimensions and weights (or a copy of an earlier year's)."""
    manage(by)
    if Scheme.objects.filter(year=year).exists():
        raise Conflict(_("%(year)d年度评估方案已存在。") % {"year": year})
    scheme = Scheme.objects.create(year=year)
    if copy_from is not None:
        for field in COPIED_FIELDS:
            setattr(scheme, field, getattr(copy_from, field))
        scheme.save()
        dims = [(d.code, d.weight, d.rule) for d in copy_from.dimensions.all()]
    else:
        dims = [(code, Decimal(weight), rule) for code, weight, rule in DEFAULT_DIMENSIONS]
    Dimension.objects.bulk_create(
        Dimension(scheme=scheme, code=code, weight=weight, rule=rule, position=i)
        for i, (code, weight, rule) in enumerate(dims)
    )
    audit.record(action=audit.AuditAction.SCHEME_CREATED, actor=by, obj=scheme, detail={"year": year})
    return scheme


def _locked_draft(scheme: Scheme) -> Scheme:
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if locked.status == SchemeStatus.FROZEN:
        raise Conflict(_("%(year)d年度评估方案已冻结：已有发布的评估结果，不能再修改。") % {"year": locked.year})
    return locked


def _weights(dims: Mapping[str, Dimension], weights: Mapping[str, Any]) -> dict[str, Decimal]:
    """Each dimension's weight, 0..100, summing to exactly 100."""
    parsed: dict[str, Decimal] = {}
    for code, dim in dims.items():
        label = _("“%(name)s”的权重") % {"name": dim.name}
        value = decimal(weights.get(code, dim.weight), label)
        if value < 0 or value > 100:
            raise DomainError(_("%(field)s应在 0 到 100 之间。") % {"field": label})
        parsed[code] = value
    total = sum(parsed.values(), Decimal(0))
    if total != 100:
        raise DomainError(_("各维度权重之和应为 100，现为 %(total)s。") % {"total": formatting.weight(total)})
    return parsed


def _thresholds(locked: Scheme, thresholds: Mapping[str, Any]) -> dict[str, Decimal]:
    """The grade thresholds, each in (0, 100], strictly decreasing from 优秀 to 合格."""
    labels = {
        "excellent_from": _("优秀分数线"),
        "good_from": _("良好分数线"),
        "pass_from": _("合格分数线"),
    }
    levels = {f: decimal(thresholds.get(f, getattr(locked, f)), str(labels[f])) for f in THRESHOLD_FIELDS}
    for field, value in levels.items():
        if value <= 0 or value > 100:
            raise DomainError(_("%(field)s应大于 0、不超过 100。") % {"field": labels[field]})
    if not levels["excellent_from"] > levels["good_from"] > levels["pass_from"]:
        raise DomainError(
            _("分数线应依次递减：优秀分数线 %(e)s 应高于良好分数线 %(g)s，良好分数线应高于合格分数线 %(p)s。")
            % {
                f[0]: formatting.weight(levels[f"{name}_from"])
                for f, name in (("e", "excellent"), ("g", "good"), ("p", "pass"))
            }
        )
    return levels


def _save_changes(locked: Scheme, plain: Mapping[str, Any], changes: dict[str, list[Any]], by: User) -> Scheme:
    for field, value in plain.items():
        if getattr(locked, field) != value:
            changes[field] = [getattr(locked, field), value]
            setattr(locked, field, value)
    if changes:
        locked.save()
        audit.record(action=audit.AuditAction.SCHEME_CHANGED, actor=by, obj=locked, changes=changes)
    return locked


@transaction.atomic
def update_scheme(
    *,
    scheme: Scheme,
    weights: Mapping[str, Any],
    thresholds: Mapping[str, Any],
    indicator_method: str,
    composite_method: str,
    by: User,
    rules: Mapping[str, str] | None = None,
    scoring_opens_on: dt.date | None = None,
    scoring_closes_on: dt.date | None = None,
    objection_days: int | None = None,
) -> Scheme:
    """Change a draft scheme; refuse (naming the field, changing nothing) bad weights, thresholds or a frozen one."""
    manage(by)
    locked = _locked_draft(scheme)
    dims = {d.code: d for d in locked.dimensions.all()}
    parsed = _weights(dims, weights)
    levels = _thresholds(locked, thresholds)
    if indicator_method not in IndicatorMethod.values:
        raise DomainError(_("指标计分方法：请选择列表中的方法。"))
    if composite_method not in CompositeMethod.values:
        raise DomainError(_("综合排序方法：请选择列表中的方法。"))
    if scoring_opens_on and scoring_closes_on and scoring_closes_on < scoring_opens_on:
        raise DomainError(_("专家评分截止：不能早于评分开始日期。"))
    changes: dict[str, list[Any]] = {}
    for code, value in parsed.items():
        dim = dims[code]
        rule = (rules or {}).get(code, dim.rule).strip() or dim.rule
        if dim.weight != value or dim.rule != rule:
            changes[f"weight.{code}"] = [dim.weight, value]
            dim.weight, dim.rule = value, rule
            dim.save(update_fields=["weight", "rule"])
    plain: dict[str, Any] = {
        **levels,
        "indicator_method": indicator_method,
        "composite_method": composite_method,
        "scoring_opens_on": scoring_opens_on,
        "scoring_closes_on": scoring_closes_on,
        "objection_days": objection_days if objection_days is not None else locked.objection_days,
    }
    return _save_changes(locked, plain, changes, by)


@transaction.atomic
def update_rules(
    *,
    scheme: Scheme,
    warn_on_fail: bool,
    consecutive_fails_to_eliminate: Any,
    eliminate_on_failed_rectification: bool,
    eliminate_on_missing_year_end_report: bool,
    rectification_months: Any,
    by: User,
) -> Scheme:
    """Change a draft scheme's warning and elimination rules (预警与退出规则); refused once the scheme is frozen.

    The rules' numbers must hold together: 0..5 consecutive 不合格 years (0: the rule is off), a rectification
    period of 1..24 months; and an elimination for consecutive failures needs at least 2 years while warnings
    are given, or the warning for the same 不合格 would never be seen (rules.py: an elimination supersedes it).
    """
    manage(by)
    locked = _locked_draft(scheme)
    years = decimal(consecutive_fails_to_eliminate, str(_("连续不合格几年建议退出")))
    months = decimal(rectification_months, str(_("整改期限（月）")))
    if years != years.to_integral_value() or not 0 <= years <= 5:
        raise DomainError(_("连续不合格几年建议退出：应为 0 到 5 的整数（0 表示不按此规则建议退出）。"))
    if months != months.to_integral_value() or not 1 <= months <= 24:
        raise DomainError(_("整改期限（月）：应为 1 到 24 的整数。"))
    if warn_on_fail and int(years) == 1:
        raise DomainError(
            _(
                "连续不合格几年建议退出：不合格予以预警时应至少为 2 年"
                "（为 1 年时一次不合格即建议退出，预警不会发出）；或取消“不合格予以预警”。"
            )
        )
    plain: dict[str, Any] = {
        "warn_on_fail": bool(warn_on_fail),
        "consecutive_fails_to_eliminate": int(years),
        "eliminate_on_failed_rectification": bool(eliminate_on_failed_rectification),
        "eliminate_on_missing_year_end_report": bool(eliminate_on_missing_year_end_report),
        "rectification_months": int(months),
    }
    changes: dict[str, list[Any]] = {}
    for field, value in plain.items():
        if getattr(locked, field) != value:
            changes[field] = [getattr(locked, field), value]
            setattr(locked, field, value)
    if changes:
        locked.save()
        audit.record(action=audit.AuditAction.SCHEME_RULES_CHANGED, actor=by, obj=locked, changes=changes)
    return locked
