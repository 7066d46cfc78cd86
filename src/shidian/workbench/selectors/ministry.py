"""A ministry's workbench: unread copies and the difficulties tagged with it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.reporting import selectors as report_selectors
from shidian.workbench.selectors.items import WAITING, Item, Section, waiting_note


def ministry_bench(user: Any, today: dt.date) -> list[Section]:
    unread = Section(
        "unread",
        _("未读的抄送"),
        link=reverse("reporting:home") + "#copies",
        link_label=_("抄送"),
        empty=_("抄送的省级报告都已阅读。新的抄送会出现在这里。"),
    )
    for copy in report_selectors.unread_copies(user=user):
        report = copy.version.report
        unread.items.append(
            Item(
                f"{report.province.name} · {report.round}",
                reverse("reporting:copy", kwargs={"copy_id": copy.pk}),
                note=waiting_note(copy.version.submitted_at.date(), today),
                tone=WAITING,
                testid=f"copy-{copy.pk}",
            )
        )
    tags = Section(
        "tags",
        _("涉及本部门的困难与建议"),
        link=reverse("reporting:home") + "#copies",
        link_label=_("抄送"),
        empty=_("省级报告中还没有标注本部门的困难或建议。"),
    )
    for tag in report_selectors.ministry_tags(user=user):
        report = tag.copy.version.report
        tags.items.append(
            Item(
                tag.text,
                reverse("reporting:copy", kwargs={"copy_id": tag.copy.pk}),
                note=f"{report.province.name} · {report.round}",
                testid=f"tag-{tag.copy.pk}",
            )
        )
    return [unread, tags]
