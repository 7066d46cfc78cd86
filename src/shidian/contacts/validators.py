"""Chinese formats of the contact fields: office phones with area codes, 11-digit mobiles, e-mail.

Each ``normalise_*`` returns the value as stored (one canonical spelling) or raises ``CellRefused`` with a
Chinese message; the form, the upload and the services all call these, so one rule holds everywhere.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _


class CellRefused(Exception):
    """A value is refused; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Full-width and typographic forms people type (the notice itself writes "010" + em dash): dashes, brackets,
# the ideographic space, plus, at sign and full stop, each read as its ASCII form.
_WIDE = str.maketrans(
    {
        "\uff0d": "-",
        "\u2014": "-",
        "\u2013": "-",
        "\uff08": "(",
        "\uff09": ")",
        "\u3000": " ",
        "\uff0b": "+",
        "\uff20": "@",
        "\u3002": ".",
    }
)
# Area code 0 + 2-3 digits (010, 0772), number 7-8 digits not starting with 0 or 1, optional extension.
_LANDLINE = re.compile(r"^(?:\((0\d{2,3})\)\s*|(0\d{2,3})\s*-?\s*)([2-9]\d{6,7})(?:\s*(?:转|-|ext\.?|#)\s*(\d{1,6}))?$")
_MOBILE = re.compile(r"^(?:\+?86[\s-]?)?(1[3-9]\d{9})$")


def normalise_landline(raw: str, *, label: str) -> str:
    """An office phone or fax as ``0772-2801234`` (``转123`` appended for an extension)."""
    value = raw.translate(_WIDE).strip()
    if not value:
        return ""
    match = _LANDLINE.fullmatch(value)
    if match is None:
        raise CellRefused(
            _("%(label)s“%(value)s”格式不正确，应为区号加号码，如 0772-2801234、(0772)2801234 或 010-68502837转123。")
            % {"label": label, "value": raw}
        )
    area, number, extension = match.group(1) or match.group(2), match.group(3), match.group(4)
    return f"{area}-{number}" + (f"转{extension}" if extension else "")


def normalise_mobile(raw: str, *, label: str) -> str:
    """An 11-digit mainland mobile number (1[3-9] and nine digits), without spaces or the +86 prefix."""
    value = raw.translate(_WIDE).replace(" ", "").strip()
    if not value:
        return ""
    digits = value.replace("-", "") if not value.startswith("+") else "+" + value[1:].replace("-", "")
    match = _MOBILE.fullmatch(digits)
    if match is None:
        raise CellRefused(
            _("%(label)s“%(value)s”格式不正确，应为 11 位手机号码，以 13 至 19 开头，如 13907721234。")
            % {"label": label, "value": raw}
        )
    return match.group(1)


def normalise_email(raw: str, *, label: str) -> str:
    """An e-mail address with its domain lower-cased; full-width at signs and full stops are read as ASCII."""
    value = raw.translate(_WIDE).strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError as exc:
        raise CellRefused(
            _("%(label)s“%(value)s”格式不正确，应为电子邮箱地址，如 lzsdb@liuzhou.gov.cn。")
            % {"label": label, "value": raw}
        ) from exc
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"
