"""``{% load pilot_tags %}``: the pilot list's rows, rendered in one pass."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from shidian.core import formatting
from shidian.core.templatetags.shidian_urls import id_url_for
from shidian.pilots.models import PilotArea

register = template.Library()


def _division(pilot: PilotArea) -> SafeString:
    if pilot.division is None:
        return format_html("<small>{}</small>", _("未关联"))
    if pilot.was_renamed and pilot.listed_division is not None:
        return format_html("{} <small>（{}{}）</small>", pilot.division.name, _("原"), pilot.listed_division.name)
    return format_html("{}", pilot.division.name)


@register.simple_tag(takes_context=True)
def pilot_rows(context: Any, pilots: Iterable[PilotArea]) -> SafeString:
    """The rows of a page of pilots: eight cells each, which through the template engine (a ``{% url %}``, four
    choice labels and the division's branches per row) were most of the list's rendering (issue 16)."""
    rows = [
        (
            id_url_for(context.render_context, "pilots:detail", p.pk),
            p.name,
            str(p.batch),
            p.province.name,
            formatting.choice_label(p.province, "region"),
            formatting.choice_label(p, "kind"),
            _division(p),
            p.verification,
            formatting.choice_label(p, "verification"),
            p.status,
            formatting.choice_label(p, "status"),
        )
        for p in pilots
    ]
    if not rows:
        return format_html('<tr><td colspan="8">{}</td></tr>', _("没有符合条件的试点。"))
    return format_html_join(
        "\n",
        '<tr data-testid="pilot-row"><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        '<td>{}</td><td><span class="badge v-{}">{}</span></td><td><span class="badge s-{}">{}</span></td></tr>',
        rows,
    )
