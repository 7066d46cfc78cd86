"""Build small evaluation worlds by hand, through the real services where a status is involved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shidian.accounts import services as account_services
from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core.actors import system
from shidian.core.roles import Role
from shidian.evaluation import services
from shidian.evaluation.models import Expert, Run, Scheme
from shidian.indicators.models import Indicator, IndicatorValue, PilotTarget
from shidian.pilots.models import PilotArea, PilotStatus
from shidian.plans.models import Milestone
from shidian.plans.tests import factories as plan_factories
from shidian.regions.models import Province


def national() -> User:
    return User.objects.get(username="demo-national")


def province_officer() -> User:
    return User.objects.select_related("organisation").get(username="demo-province")  # 广西


def liuzhou() -> PilotArea:
    return PilotArea.objects.select_related("province", "batch").get(name="柳州市")


def only_pilots(pilots: list[PilotArea]) -> None:
    """Leave only ``pilots`` in the programme (the rest completed), so a run covers exactly them."""
    PilotArea.objects.exclude(pk__in=[p.pk for p in pilots]).update(status=PilotStatus.COMPLETED)


def some_pilots(n: int, *, year: int = 2018) -> list[PilotArea]:
    """``n`` pilots in the programme in ``year``, 柳州市 among them."""
    first = liuzhou()
    rest = list(services.evaluated_pilots(year).exclude(pk=first.pk)[: n - 1])
    return [first, *rest]


def scheme(year: int = 2018, **fields: object) -> Scheme:
    s = services.create_scheme(year=year, by=national())
    if fields:
        Scheme.objects.filter(pk=s.pk).update(**fields)
        s.refresh_from_db()
    return s


def expert(username: str = "expert-a", province: str | None = None) -> User:
    panel = Organisation.objects.get(kind=OrganisationKind.EXPERT_PANEL)
    user = account_services.create_user(
        username=username,
        password="Shidian#Test2026x",
        role=Role.EXPERT,
        organisation=panel,
        full_name=f"专家{username}",
        by=system("tests"),
        password_is_temporary=False,
    )
    Expert.objects.create(user=user, province=Province.objects.get(name=province) if province else None)
    return user


def indicator_with_value(pilot: PilotArea, *, value: str, target: str, year: int = 2018) -> Indicator:
    indicator = Indicator.objects.filter(formula="", period_type="year", direction="positive").order_by("pk")[0]
    PilotTarget.objects.update_or_create(
        pilot=pilot,
        indicator=indicator,
        target_year=pilot.batch.programme_end_year,
        defaults={"target_value": Decimal(target)},
    )
    IndicatorValue.objects.create(
        pilot=pilot, indicator=indicator, period=str(year), year=year, value=Decimal(value), status="submitted"
    )
    return indicator


def milestones_due(pilot: PilotArea, *, done: int, total: int, year: int = 2018) -> list[Milestone]:
    """``total`` milestones due in ``year``, the first ``done`` of them done on time."""
    _plan, _version, _tasks, ms = plan_factories.make_plan(pilot, milestones=total)
    for i, m in enumerate(ms):
        due = dt.date(year, 3 + i, 1)
        Milestone.objects.filter(pk=m.pk).update(
            planned_start=due - dt.timedelta(days=20),
            planned_finish=due,
            status="done" if i < done else "in_progress",
            finished_on=due if i < done else None,
            progress_percent=100 if i < done else 50,
        )
    return ms


def computed_run(s: Scheme) -> Run:
    return services.start_run(scheme=s, by=national(), background=False)
