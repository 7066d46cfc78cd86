"""Demo contacts: invented leaders and contact persons (marked 演示) for every pilot, commission and ministry,
with their history, a batch-3 contact round (due 2016-12-09) with one late province, and a "changes only"
round for batches 1-2. Deterministic; run under the demo's business date (bootstrap.data.load_demo).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.contacts import services
from shidian.contacts.area_codes import area_code, capital_code
from shidian.contacts.models import PERSON_FIELDS, ContactEntry, ContactRound, ContactSubmission
from shidian.contacts.selectors import IN_PROGRAMME
from shidian.contacts.services import write_version
from shidian.core import audit, clock
from shidian.core.actors import system
from shidian.core.audit_actions import AuditAction
from shidian.pilots.demo import DEMO_PILOT
from shidian.pilots.models import PilotArea

SEED = 20161209
DEMO = "（演示）"
BATCH3_ROUND = "第三批试点工作负责人和联系人"
CHANGES_ROUND = "第一、二批试点负责人和联系人变动"
BATCH3_DUE = dt.date(2016, 12, 9)
OPENED = dt.date(2016, 11, 25)
# When each batch first sent its contacts (their notices' dates, roughly).
FIRST_SENT = {1: dt.date(2015, 3, 1), 2: dt.date(2016, 1, 20), 3: dt.date(2016, 12, 5)}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蒙莫"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玲斌宁海峰"
_POSTS = ("市委副书记、市长", "副市长", "县委书记", "常务副县长", "区长", "镇党委书记")
_CONTACT_POSTS = ("发展改革委规划科科长", "发展改革局副局长", "试点办副主任", "发展改革局综合股股长")


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2)))) + DEMO


def _phone(rng: random.Random, area: str) -> str:
    return f"{area}-{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}"


def _values(rng: random.Random, *, holder: str, area: str, key: str) -> dict[str, str]:
    return {
        "leader_name": _person(rng),
        "leader_post": rng.choice(_POSTS),
        "leader_organisation": f"{holder}人民政府",
        "contact_name": _person(rng),
        "contact_organisation_post": f"{holder}{rng.choice(_CONTACT_POSTS)}",
        "office_phone": _phone(rng, area),
        "mobile": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        "fax": _phone(rng, area) if rng.random() < 0.7 else "",
        "email": f"{key}@example.com",
    }


def _area(pilot: PilotArea) -> str:
    """The area code of the pilot's place: its prefecture's, or its capital's where the table has none."""
    division = pilot.division.code if pilot.division is not None else None
    return area_code(province_code=pilot.province.code, division_code=division)


@transaction.atomic
def load_demo_contacts() -> dict[str, int]:
    """Write the demo contacts once (a second run finds them and does nothing)."""
    if ContactRound.objects.filter(is_demo=True).exists():
        return {"entries": 0}
    rng = random.Random(SEED)  # noqa: S311  (demo data, not security)
    actor = system("load_demo")
    today = clock.today()
    pilots = list(
        PilotArea.objects.select_related("province", "batch", "division").order_by(
            "batch__number", "province__code", "name"
        )
    )
    # Batches 1 and 2 sent theirs before the platform: their first versions are history, written in bulk.
    ContactEntry.objects.bulk_create(
        [
            ContactEntry(
                pilot=p,
                province=p.province,
                valid_from=FIRST_SENT[p.batch.number],
                is_demo=True,
                **_values(rng, holder=p.name, area=_area(p), key=f"pilot{p.pk}"),
            )
            for p in pilots
            if p.batch.number in (1, 2)
        ]
    )
    units = Organisation.objects.filter(
        kind__in=[OrganisationKind.PROVINCIAL_COMMISSION, OrganisationKind.MINISTRY]
    ).select_related("province")
    ContactEntry.objects.bulk_create(
        [
            ContactEntry(
                organisation=o,
                province=o.province,
                valid_from=FIRST_SENT[1],
                is_demo=True,
                **{
                    **_values(
                        rng,
                        holder=o.name,
                        area="010" if o.province is None else capital_code(o.province.code),  # 部委 in 北京
                        key=f"unit{o.pk}",
                    ),
                    "leader_organisation": o.name,
                    "leader_post": "副主任" if o.province else "司长",
                    "contact_organisation_post": f"{o.name}处长",
                },
            )
            for o in units
        ]
    )
    batch3 = [p for p in pilots if p.batch.number == 3 and p.status in IN_PROGRAMME]
    provinces3 = sorted({p.province for p in batch3}, key=lambda pr: pr.code)
    late = next(pr for pr in reversed(provinces3) if pr.name != DEMO_PILOT[0])
    with clock.travel_to(OPENED):
        full = services.open_contact_round(
            title=BATCH3_ROUND, batch_numbers=[3], due_on=BATCH3_DUE, by=actor, is_demo=True
        )
        changes = services.open_contact_round(
            title=CHANGES_ROUND, batch_numbers=[1, 2], due_on=BATCH3_DUE, by=actor, changes_only=True, is_demo=True
        )
    for number, province in enumerate(provinces3):
        sent = FIRST_SENT[3] + dt.timedelta(days=number % 4)  # on time, 5-8 December
        mine = [p for p in batch3 if p.province_id == province.pk]
        with clock.travel_to(sent if province != late else dt.date(2016, 12, 12)):
            # The late province has filled in only its first pilot and not submitted.
            for pilot in mine if province != late else mine[:1]:
                write_version(
                    pilot=pilot,
                    organisation=None,
                    values=_values(rng, holder=pilot.name, area=_area(pilot), key=f"pilot{pilot.pk}"),
                    by=actor,
                    contact_round=full,
                    is_demo=True,
                )
            if province != late:
                services.submit_contacts(submission=full.submissions.get(province=province), by=actor)
    # Batches 1-2: every province confirms; one pilot in four names a new contact person.
    for number, submission in enumerate(ContactSubmission.objects.filter(round=changes).select_related("province")):
        with clock.travel_to(FIRST_SENT[3] + dt.timedelta(days=number % 4)):
            for pilot in [p for p in pilots if p.province_id == submission.province_id and p.batch.number in (1, 2)]:
                if rng.random() < 0.25:
                    current = ContactEntry.objects.current().get(pilot=pilot)
                    values = {f: getattr(current, f) for f in PERSON_FIELDS}
                    values.update(contact_name=_person(rng), mobile=f"139{rng.randint(0, 99999999):08d}")
                    write_version(
                        pilot=pilot, organisation=None, values=values, by=actor, contact_round=changes, is_demo=True
                    )
            services.submit_contacts(submission=submission, by=actor)
    # 柳州市 changed its contact person in 2018: the list as of 2017 and as of today differ.
    liuzhou = next((p for p in pilots if (p.province.name, p.name) == DEMO_PILOT), None)
    if liuzhou is not None and today >= dt.date(2018, 3, 1):
        with clock.travel_to(dt.date(2018, 3, 1)):
            current = ContactEntry.objects.current().get(pilot=liuzhou)
            values = {f: getattr(current, f) for f in PERSON_FIELDS}
            values.update(
                contact_name="覃丽华" + DEMO,
                contact_organisation_post="柳州市发展改革委规划科科长",
                office_phone="0772-2801234转123",
                mobile="13907721234",
                email="lzsdb@example.com",
            )
            write_version(pilot=liuzhou, organisation=None, values=values, by=actor, contact_round=None, is_demo=True)
    count = ContactEntry.objects.filter(is_demo=True).count()
    audit.record(action=AuditAction.CONTACTS_DEMO_LOADED, detail={"entries": count, "late_province": late.name})
    return {"entries": count}
