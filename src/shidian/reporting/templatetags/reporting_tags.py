from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from shidian.core.templatetags.shidian_urls import id_url_for
from shidian.reporting import richtext
from shidian.reporting.selectors.completeness import Cell

register = template.Library()


@register.filter
def rich(value: str) -> SafeString:
    """A report section as safe HTML (cleaned again on output, whatever is stored)."""
    return mark_safe(richtext.clean(value or ""))  # noqa: S308 - rebuilt from a tag whitelist without attributes


@register.simple_tag(takes_context=True)
def matrix_cells(context: Any, cells: Iterable[Cell], *, links: bool = False) -> SafeString:
    """A completeness-matrix row's cells, rendered in one pass.

    The pilot matrix has a cell per pilot and round (about 2,000 in the demo); through the template engine,
    with a ``{% url %}`` each, they were most of the page's time. The report URL is reversed once per render.
    """
    rows = []
    for cell in cells:
        classes = f"c-{cell.state} c-was-late" if cell.late else f"c-{cell.state}"
        if links and cell.report_id:
            url = id_url_for(context.render_context, "reporting:report", cell.report_id)
            rows.append((classes, format_html('<a href="{}">{}</a>', url, cell.label)))
        else:
            rows.append((classes, format_html("{}", cell.label)))
    return format_html_join("", '<td class="{}">{}</td>', rows)
