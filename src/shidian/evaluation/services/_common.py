"""What the evaluation's services share: the manage check and the parsing of numbers typed into forms."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import scoping
from shidian.core.errors import DomainError, NotFound
from shidian.core.roles import Capability
from shidian.pilots.models import PilotStatus

# Runs with more pilots than this go to the task worker; smaller ones (and tests) compute at once.
BACKGROUND_PILOTS = 60
EVALUATED_STATUSES = (PilotStatus.ACTIVE, PilotStatus.WARNED)
THRESHOLD_FIELDS = ("excellent_from", "good_from", "pass_from")


def manage(by: User) -> None:
    """Only the national admin changes the evaluation; anyone else is told "not found"."""
    if not scoping.can(by, Capability.MANAGE_EVALUATION):
        raise NotFound


def issuing_organisation(what: str) -> Organisation:
    """The organisation whose 发文字号 the evaluation's documents take: the commission (国家发展改革委, 发改规划).

    Decisions and bulletins are the commission's acts whichever division the national admin sits in, so they
    share its yearly sequence in core.documents.numbers. Without the commission nothing can be numbered.
    """
    organisation = Organisation.objects.filter(kind=OrganisationKind.NATIONAL_COMMISSION).order_by("pk").first()
    if organisation is None:
        raise DomainError(_("%(field)s：平台没有国家发展改革委机构，无法编发文字号，什么也没有改。") % {"field": what})
    return organisation


def decimal(value: object, label: str) -> Decimal:
    """A number typed into a form, or a refusal naming the field."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("%(field)s：请填写数字。") % {"field": label}) from exc
    if not number.is_finite():
        raise DomainError(_("%(field)s：请填写数字。") % {"field": label})
    return number
