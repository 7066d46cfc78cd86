"""The routing table: which department leads and which co-handle each category of difficulty."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.exchange import permissions
from shidian.exchange.models import (
    Category,
    RoutingRule,
)

# The default routing table, by the names the departments bear today (国土资源部 became 自然资源部 in 2018,
# 农业部 农业农村部, 中国银监会 国家金融监督管理总局); a former name finds its organisation too.
DEFAULT_ROUTING: dict[str, tuple[str, tuple[str, ...]]] = {
    Category.HUKOU: ("公安部", ("人力资源社会保障部",)),
    Category.LAND: ("自然资源部", ("住房城乡建设部", "农业农村部")),
    Category.FISCAL: ("财政部", ("国家发展改革委",)),
    Category.FINANCE: ("中国人民银行", ("国家金融监督管理总局",)),
    Category.STAFFING: ("中央编办", ()),
    Category.SOCIAL_SECURITY: ("人力资源社会保障部", ("财政部", "民政部")),
    Category.HOUSING: ("住房城乡建设部", ()),
    Category.PLANNING: ("自然资源部", ("住房城乡建设部",)),
    Category.OTHER: ("国家发展改革委", ()),
}


HANDLING_KINDS = (OrganisationKind.MINISTRY, OrganisationKind.NATIONAL_COMMISSION)


def _organisation_named(name: str) -> Organisation | None:
    return (
        Organisation.objects.filter(kind__in=HANDLING_KINDS)
        .filter(Q(name=name) | Q(former_names__name=name))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def ensure_routing() -> list[RoutingRule]:
    """Create the default rule of every category that has none (existing rules are kept); idempotent."""
    created = []
    existing = set(RoutingRule.objects.values_list("category", flat=True))
    for category, (lead_name, co_names) in DEFAULT_ROUTING.items():
        if category in existing:
            continue
        lead = _organisation_named(lead_name)
        if lead is None:
            continue
        rule = RoutingRule.objects.create(category=category, lead=lead)
        rule.co_handlers.set([o for n in co_names if (o := _organisation_named(n)) is not None and o != lead])
        created.append(rule)
    return created


def _check_handlers(lead: Organisation, co_handlers: Iterable[Organisation]) -> list[Organisation]:
    if lead.kind not in HANDLING_KINDS:
        raise DomainError(_("牵头部门须为联合评审部门或国家发展改革委。"))
    co = [o for o in co_handlers if o.pk != lead.pk]
    if any(o.kind not in HANDLING_KINDS for o in co):
        raise DomainError(_("协办部门须为联合评审部门或国家发展改革委。"))
    return co


@transaction.atomic
def set_routing(
    *, category: str, lead: Organisation, co_handlers: Iterable[Organisation], by: User | SystemActor
) -> RoutingRule:
    """Route future difficulties of ``category`` to ``lead`` and ``co_handlers`` (items raised before keep theirs)."""
    if not permissions.can_manage_routing(by):
        raise NotFound
    if category not in Category.values:
        raise NotFound
    co = _check_handlers(lead, co_handlers)
    rule = RoutingRule.objects.select_for_update().filter(category=category).first()
    before = {"lead": rule.lead.name, "co_handlers": sorted(o.name for o in rule.co_handlers.all())} if rule else {}
    if rule is None:
        rule = RoutingRule.objects.create(category=category, lead=lead)
    else:
        rule.lead = lead
        rule.save(update_fields=["lead"])
    rule.co_handlers.set(co)
    after = {"lead": lead.name, "co_handlers": sorted(o.name for o in co)}
    changes = audit.diff(before, after)
    if changes:
        audit.record(action=AuditAction.ROUTING_CHANGED, actor=by, obj=rule, changes=changes)
    return rule
