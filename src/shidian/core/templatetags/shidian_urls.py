"""``{% load shidian_urls %}``: links to many objects of one kind, reversed once per render.

A list's every row links to its object, and ``{% url %}`` resolves the whole pattern for each (about 30 µs a
row; 200 rows of a ranking were a sixth of its page, issue 16). ``{% id_url "indicators:pilot" r.pilot_id %}``
reverses the URL once per template render with a placeholder id and puts each row's id in its place.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()

_PLACEHOLDER = 2147483647  # no object has this id: its digits appear in a reversed URL only where the id goes


def id_url_for(render_context: Any, name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a URL whose one argument is an integer id, the pattern cached per render."""
    key = ("shidian_id_url", name)
    pattern: str | None = render_context.get(key)
    if pattern is None:
        pattern = render_context[key] = reverse(name, args=[_PLACEHOLDER])
    return pattern.replace(str(_PLACEHOLDER), str(int(pk)))


@register.simple_tag(takes_context=True)
def id_url(context: Any, name: str, pk: int) -> str:
    return id_url_for(context.render_context, name, pk)
