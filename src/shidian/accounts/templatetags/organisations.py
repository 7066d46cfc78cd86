"""Template filters for organisations: the name in force at a record's date."""

from __future__ import annotations

import datetime as dt

from django import template

from shidian.accounts.models import Organisation

register = template.Library()


@register.filter
def name_on(organisation: Organisation | None, day: dt.date | dt.datetime | None) -> str:
    """``{{ copy.ministry|name_on:version.submitted_at }}``: 国土资源部 on a 2017 copy, 自然资源部 today."""
    if organisation is None:
        return ""
    return organisation.name_on(day)
