"""What the contact rounds' events mean to whom (registered with the notification centre in ``ready``)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.contacts.models import ContactSubmission
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.notifications import recipients
from shidian.notifications.registry import Kind, Notice, on_event


@on_event(AuditAction.CONTACT_SUBMISSION_SUBMITTED)
def contacts_submitted(event: AuditEvent) -> Iterator[Notice]:
    """The commission learns that a province sent its pilots' leaders and contact persons (附件3)."""
    submission = ContactSubmission.objects.select_related("round", "province").filter(pk=event.object_id).first()
    if submission is None:
        return
    yield Notice(
        kind=Kind.REVIEW,
        recipients=recipients.national_officers(),
        title=_("%(province)s报送了负责人与联系人：%(round)s")
        % {"province": submission.province, "round": submission.round.title},
        url=reverse("contacts:round", kwargs={"contact_round_id": submission.round_id}),
    )
