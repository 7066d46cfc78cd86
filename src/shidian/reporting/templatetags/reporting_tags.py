from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from shidian.reporting import richtext

register = template.Library()


@register.filter
def rich(value: str) -> SafeString:
    """A report section as safe HTML (cleaned again on output, whatever is stored)."""
    return mark_safe(richtext.clean(value or ""))  # noqa: S308 - rebuilt from a tag whitelist without attributes
