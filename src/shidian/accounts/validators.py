"""Password rules beyond Django's own (等保 2.0: length and character classes)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    """How many of: lower case, upper case, digits, other characters the password uses."""
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、特殊字符中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、特殊字符中的至少 %(n)d 类。") % {"n": self.min_classes}


# Passwords printed in the documentation (README, docs/): anybody who has read them knows them.
DOCUMENTED_PASSWORDS = frozenset({"shidian#demo2026"})


class DocumentedPasswordValidator:
    """Refuse the published demo password (and its case variants) for every account that is not a demo account."""

    def validate(self, password: str, user: Any = None) -> None:
        if getattr(user, "is_demo", False):
            return
        if password.casefold() in DOCUMENTED_PASSWORDS:
            raise ValidationError(_("该密码已在文档中公开，不能使用。"), code="password_documented")

    def get_help_text(self) -> str:
        return _("不能使用文档中公开的演示密码。")
