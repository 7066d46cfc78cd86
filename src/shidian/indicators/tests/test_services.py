from __future__ import annotations

from decimal import Decimal

import pytest

from shidian.accounts.models import User
from shidian.core.errors import DomainError, NotFound
from shidian.core.models import AuditEvent
from shidian.core.periods import Period
from shidian.indicators import services
from shidian.indicators.models import (
    Comparator,
    Indicator,
    IndicatorCategory,
    IndicatorPeriod,
    IndicatorValue,
    NationalTarget,
    ValueSource,
    ValueStatus,
)
from shidian.indicators.services.reviews import _transition
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "value", "comparator"),
    [
        ("60左右", Decimal(60), Comparator.ABOUT),
        ("≥99", Decimal(99), Comparator.AT_LEAST),
        ("≤100", Decimal(100), Comparator.AT_MOST),
        ("38.9", Decimal("38.9"), Comparator.EXACT),
    ],
)
def test_parse_target(text: str, value: Decimal, comparator: str) -> None:
    assert services.parse_target(text) == (value, comparator)


def test_catalogue_has_the_national_plan_and_is_idempotent() -> None:
    assert NationalTarget.objects.count() == 18
    before = (Indicator.objects.count(), IndicatorCategory.objects.count(), NationalTarget.objects.count())
    services.load_catalogue()
    assert (Indicator.objects.count(), IndicatorCategory.objects.count(), NationalTarget.objects.count()) == before
    land = NationalTarget.objects.get(indicator__code="urban_land_per_capita")
    assert (land.target_value, land.comparator, land.base_value) == (Decimal(100), Comparator.AT_MOST, None)
    assert "pixnet" in land.source_note
    urban = NationalTarget.objects.get(indicator__code="urban_rate_resident")
    assert (urban.base_value, urban.target_value, urban.comparator) == (Decimal("52.6"), Decimal(60), Comparator.ABOUT)
    for code in ["urban_rate_hukou", "migrant_settled", "new_urban_jobs", "urban_land_per_capita",
                 "stock_land_revitalised", "farmland_area", "basic_farmland_area", "green_building_share",
                 "sewage_treatment_rate", "public_service_coverage"]:  # fmt: skip
        assert Indicator.objects.filter(code=code).exists(), code
    assert Indicator.objects.get(code="urban_rate_hukou").is_computed


def save(pilot: PilotArea, period: Period, by: User, submit: bool = False, **values: str) -> list[IndicatorValue]:
    return services.save_values(pilot=pilot, period=period, values=values, submit=submit, by=by)


def current(pilot: PilotArea, code: str, period: Period) -> IndicatorValue:
    return IndicatorValue.objects.get(pilot=pilot, indicator__code=code, period=period.code, is_current=True)


def test_pilot_saves_draft_and_the_computed_indicator_follows(
    liuzhou: PilotArea, period: Period, pilot_user: User
) -> None:
    save(liuzhou, period, pilot_user, hukou_population="400", hukou_urban_population="180", urban_rate_resident="65")
    assert current(liuzhou, "hukou_population", period).status == ValueStatus.DRAFT
    computed = current(liuzhou, "urban_rate_hukou", period)
    assert computed.value == Decimal("45.00")
    assert computed.source == ValueSource.COMPUTED
    # Changing an input changes the stored computed value.
    save(liuzhou, period, pilot_user, hukou_urban_population="200")
    assert current(liuzhou, "urban_rate_hukou", period).value == Decimal("50.00")
    assert AuditEvent.objects.filter(action__startswith="indicators.value.").exists()


def test_an_invalid_value_saves_nothing_and_names_the_field(
    liuzhou: PilotArea, period: Period, pilot_user: User
) -> None:
    with pytest.raises(services.ValuesRejected) as exc:
        save(liuzhou, period, pilot_user, resident_population="300", urban_rate_resident="120", gdp_per_capita="abc")
    assert set(exc.value.errors) == {"urban_rate_resident", "gdp_per_capita"}
    assert "超出有效范围" in exc.value.errors["urban_rate_resident"]
    assert "不是数字" in exc.value.errors["gdp_per_capita"]
    assert not IndicatorValue.objects.filter(pilot=liuzhou).exists()


def test_computed_indicator_cannot_be_entered(liuzhou: PilotArea, period: Period, pilot_user: User) -> None:
    with pytest.raises(services.ValuesRejected):
        save(liuzhou, period, pilot_user, urban_rate_hukou="40")


def test_closed_period_refused(liuzhou: PilotArea, pilot_user: User) -> None:
    IndicatorPeriod.objects.filter(code="2018").update(is_open=False)
    with pytest.raises(DomainError, match="未开放"):
        save(liuzhou, Period(2018), pilot_user, resident_population="300")


def test_submit_accept_and_correction_is_a_new_version(
    liuzhou: PilotArea, period: Period, pilot_user: User, province_user: User
) -> None:
    save(liuzhou, period, pilot_user, submit=True, resident_population="300")
    value = current(liuzhou, "resident_population", period)
    assert value.status == ValueStatus.SUBMITTED
    services.accept_values(pilot=liuzhou, period=period, by=province_user)
    value.refresh_from_db()
    assert (value.status, value.accepted_by) == (ValueStatus.ACCEPTED, province_user)
    save(liuzhou, period, pilot_user, resident_population="310")
    versions = list(
        IndicatorValue.objects.filter(pilot=liuzhou, indicator__code="resident_population").order_by("version")
    )
    assert [(v.version, v.value, v.status, v.is_current) for v in versions] == [
        (1, Decimal("300.000000"), ValueStatus.ACCEPTED, False),
        (2, Decimal("310.000000"), ValueStatus.DRAFT, True),
    ]


def test_refused_moves(liuzhou: PilotArea, period: Period, pilot_user: User, province_user: User) -> None:
    with pytest.raises(DomainError):
        services.submit_values(pilot=liuzhou, period=period, by=pilot_user)  # nothing to submit
    save(liuzhou, period, pilot_user, resident_population="300")
    with pytest.raises(DomainError):
        services.accept_values(pilot=liuzhou, period=period, by=province_user)  # a draft is not submitted
    services.submit_values(pilot=liuzhou, period=period, by=pilot_user)
    with pytest.raises(DomainError):
        services.return_values(pilot=liuzhou, period=period, reason=" ", by=province_user)
    services.return_values(pilot=liuzhou, period=period, reason="请核实", by=province_user)
    assert current(liuzhou, "resident_population", period).status == ValueStatus.DRAFT
    services.submit_values(pilot=liuzhou, period=period, by=pilot_user)
    services.accept_values(pilot=liuzhou, period=period, by=province_user)
    value = current(liuzhou, "resident_population", period)
    with pytest.raises(DomainError):
        _transition(value, ValueStatus.DRAFT, by=province_user)
    with pytest.raises(DomainError):
        _transition(value, ValueStatus.SUBMITTED, by=province_user)


def test_scoping(
    liuzhou: PilotArea, shunyi: PilotArea, period: Period, pilot_user: User, province_user: User, user: object
) -> None:
    with pytest.raises(NotFound):
        save(shunyi, period, pilot_user, resident_population="300")  # another pilot
    with pytest.raises(NotFound):
        save(liuzhou, period, province_user, resident_population="300")  # provinces accept, not enter
    save(liuzhou, period, pilot_user, submit=True, resident_population="300")
    with pytest.raises(NotFound):
        services.accept_values(pilot=liuzhou, period=period, by=pilot_user)  # a pilot cannot accept
    national = user("demo-national")  # type: ignore[operator]
    services.accept_values(pilot=liuzhou, period=period, by=national)


def test_save_indicator_refuses_cycles(user: object) -> None:
    by = user("demo-sysadmin")  # type: ignore[operator]
    resident = Indicator.objects.get(code="hukou_urban_population")
    resident.formula = "urban_rate_hukou * hukou_population / 100"
    with pytest.raises(DomainError, match="循环"):
        services.save_indicator(indicator=resident, by=by)
    new = Indicator(code="x_ratio", name="测试", category=IndicatorCategory.objects.first(), formula="missing_code + 1")
    with pytest.raises(DomainError, match="missing_code"):
        services.save_indicator(indicator=new, by=by)
    new.formula = "resident_population * 2"
    assert services.save_indicator(indicator=new, by=by).pk


def test_an_accepted_computed_value_is_never_changed_in_place(
    liuzhou: PilotArea, period: Period, pilot_user: User, province_user: User
) -> None:
    save(liuzhou, period, pilot_user, submit=True, hukou_population="400", hukou_urban_population="180")
    services.accept_values(pilot=liuzhou, period=period, by=province_user)
    accepted = current(liuzhou, "urban_rate_hukou", period)
    assert accepted.status == ValueStatus.ACCEPTED
    # Both inputs corrected in proportion: the computed value is the same and stays accepted, untouched.
    save(liuzhou, period, pilot_user, hukou_population="500", hukou_urban_population="225")
    assert current(liuzhou, "urban_rate_hukou", period) == accepted
    assert current(liuzhou, "urban_rate_hukou", period).status == ValueStatus.ACCEPTED
    # A correction that changes it adds a version.
    save(liuzhou, period, pilot_user, hukou_urban_population="250")
    latest = current(liuzhou, "urban_rate_hukou", period)
    assert (latest.version, latest.value, latest.status) == (2, Decimal("50.00"), ValueStatus.DRAFT)
