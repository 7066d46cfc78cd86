"""A ministry's workbench: unread copies and the difficulties tagged with it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.reporting import selectors as report_selectors
from shidian.workbench.selectors.items import SHOWN, Item, Section, waiting_item


def ministry_bench(user: User, today: dt.date) -> list[Section]:
    unread = Section(
        "unread",
        _("未读的抄送"),
        link=reverse("reporting:home") + "#copies",
        link_label=_("抄送"),
        empty=_("抄送的省级报告都已阅读。新的抄送会出现在这里。"),
    )
    copies = report_selectors.unread_copies(user=user)
    unread.total = copies.count()
    for copy in copies[:SHOWN]:  # the oldest: a ministry may have a report of every province unread
        report = copy.version.report
        unread.items.append(
            waiting_item(
                f"{report.province.name} · {report.round}",
                reverse("reporting:copy", kwargs={"copy_id": copy.pk}),
                since=copy.version.submitted_at.date(),
                today=today,
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
    tagged = report_selectors.ministry_tags(user=user)
    tags.total = len(tagged)
    for tag in tagged[:SHOWN]:
        tags.items.append(
            Item(
                tag.text,
                reverse("reporting:copy", kwargs={"copy_id": tag.copy_id}),
                note=tag.report,
                testid=f"tag-{tag.copy_id}",
            )
        )
    return [unread, tags]
