"""``id_url``: a URL reversed once per render gives what ``reverse`` gives for every id."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from shidian.core.templatetags.shidian_urls import id_url_for


@pytest.mark.parametrize("name", ["indicators:pilot", "reporting:report", "pilots:detail"])
@pytest.mark.parametrize("pk", [1, 7, 21, 214, 2147, 99999])
def test_each_id_gets_the_url_reverse_gives(name: str, pk: int) -> None:
    render_context: dict[object, object] = {}
    id_url_for(render_context, name, 3)  # the pattern is cached by the first row
    assert id_url_for(render_context, name, pk) == reverse(name, args=[pk])


def test_the_tag_reverses_once_per_render() -> None:
    html = Template('{% load shidian_urls %}{% for i in ids %}{% id_url "pilots:detail" i %} {% endfor %}').render(
        Context({"ids": [1, 2, 30]})
    )
    assert html.split() == [reverse("pilots:detail", args=[i]) for i in (1, 2, 30)]
