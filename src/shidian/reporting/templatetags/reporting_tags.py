from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from shidian.reporting import richtext
from shidian.reporting.selectors.completeness import Cell

register = template.Library()


@register.filter
def rich(value: str) -> SafeString:
    """A report section as safe HTML (cleaned again on output, whatever is stored)."""
    return mark_safe(richtext.clean(value or ""))  # noqa: S308 - rebuilt from a tag whitelist without attributes


_REPORT_ID = 2147483647  # a placeholder id, reversed once per page and replaced by each cell's report


@register.simple_tag(takes_context=True)
def matrix_cells(context: Any, cells: Iterable[Cell], *, links: bool = False) -> SafeString:
    """A completeness-matrix row's cells, rendered in one pass.

    The pilot matrix has a cell per pilot and round (about 2,000 in the demo); through the template engine,
    with a ``{% url %}`` each, they were most of the page's time. The report URL is reversed once per render.
    """
    pattern = context.render_context.get("matrix_report_url")
    if pattern is None:
        pattern = context.render_context["matrix_report_url"] = reverse("reporting:report", args=[_REPORT_ID])
    rows = []
    for cell in cells:
        classes = f"c-{cell.state} c-was-late" if cell.late else f"c-{cell.state}"
        if links and cell.report_id:
            url = pattern.replace(str(_REPORT_ID), str(cell.report_id))
            rows.append((classes, format_html('<a href="{}">{}</a>', url, cell.label)))
        else:
            rows.append((classes, format_html("{}", cell.label)))
    return format_html_join("", '<td class="{}">{}</td>', rows)
