"""Builders for the contacts tests: a round over the demo pilot's batch, valid values, an annex-3 file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from shidian.accounts.models import User
from shidian.contacts import services
from shidian.contacts.fields import PERSON_COLUMNS, PILOT, PROVINCE
from shidian.contacts.models import ContactRound, ContactSubmission
from shidian.core import clock
from shidian.core.documents import xlsx
from shidian.pilots.demo import DEMO_PILOT
from shidian.pilots.models import PilotArea

GUANGXI = DEMO_PILOT[0]


def user(username: str) -> User:
    return User.objects.select_related("organisation").get(username=username)


def liuzhou() -> PilotArea:
    return PilotArea.objects.select_related("province", "batch").get(province__name=GUANGXI, name=DEMO_PILOT[1])


def values(**overrides: str) -> dict[str, str]:
    base = {
        "leader_name": "张三（演示）",
        "leader_post": "副市长",
        "leader_organisation": "柳州市人民政府",
        "contact_name": "李四（演示）",
        "contact_organisation_post": "柳州市发展改革委规划科科长",
        "office_phone": "0772-2801234",
        "mobile": "13907721234",
        "fax": "(0772)2801235",
        "email": "lzsdb@example.com",
    }
    return {**base, **overrides}


def make_round(*, changes_only: bool = False, due: dt.date = dt.date(2016, 12, 9)) -> ContactRound:
    with clock.travel_to(dt.date(2016, 11, 25)):
        return services.open_contact_round(
            title="测试轮次",
            batch_numbers=[liuzhou().batch.number],
            due_on=due,
            by=user("demo-national"),
            changes_only=changes_only,
        )


def guangxi_submission(contact_round: ContactRound) -> ContactSubmission:
    return contact_round.submissions.select_related("round", "province").get(province__name=GUANGXI)


def round_pilots(contact_round: ContactRound) -> list[PilotArea]:
    from shidian.contacts.selectors import round_pilots as select

    return list(select(contact_round=contact_round, province_id=liuzhou().province_id))


def annex3(rows: Iterable[Mapping[str, str]]) -> bytes:
    """An upload in the annex-3 layout: province, pilot and the nine person columns."""
    headers = [PROVINCE, PILOT, *(c.header for c in PERSON_COLUMNS)]
    book = xlsx.workbook()
    xlsx.add_sheet(book, "附件3", headers, [[row.get(h, "") for h in headers] for row in rows])
    return xlsx.to_bytes(book)


def row_for(pilot: PilotArea, **overrides: str) -> dict[str, str]:
    person = values(leader_organisation=f"{pilot.name}人民政府")
    cells = {PROVINCE: pilot.province.name, PILOT: pilot.name}
    cells.update({c.header: person[c.field] for c in PERSON_COLUMNS})
    cells.update(overrides)
    return cells
