from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from shidian.core import clock, formatting, scoping
from shidian.core.roles import NEWS_WRITERS, Capability, Role

# Who reads the account-change queue (accounts.permissions decides what each may see and approve).
ACCOUNT_CHANGE_READERS = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCIAL_OFFICER, Role.AUDITOR})


def platform(request: HttpRequest) -> dict[str, object]:
    """The demo flag and business date (every demo page shows both) and the navigation the user may follow."""
    user = getattr(request, "user", None)
    return {
        "SHIDIAN_DEMO": settings.DEMO,
        "BUSINESS_DATE": formatting.local_date(clock.today()) if settings.DEMO else "",
        "LOCKOUT": {"failures": settings.AXES_FAILURE_LIMIT, "minutes": settings.LOCKOUT_MINUTES},
        "perms_nav": {
            "pilots": scoping.can(user, Capability.VIEW_PILOTS),
            "import": scoping.can(user, Capability.IMPORT_REGISTRY),
            "audit": scoping.can(user, Capability.READ_AUDIT),
            "admin": scoping.can(user, Capability.MANAGE_REFERENCE) or scoping.can(user, Capability.MANAGE_ACCOUNTS),
            "map": scoping.can(user, Capability.MANAGE_REFERENCE),
            "plans": scoping.can(user, Capability.VIEW_PLANS),
            "contacts": scoping.can(user, Capability.VIEW_CONTACTS),
            "exchange": scoping.can(user, Capability.VIEW_DIFFICULTIES),
            "raise_difficulties": scoping.can(user, Capability.RAISE_DIFFICULTIES),
            "notices": scoping.can(user, Capability.SEND_NOTICES) or scoping.can(user, Capability.READ_NOTICES),
            "experiences": scoping.can(user, Capability.VIEW_EXPERIENCES),
            "reporting": scoping.can(user, Capability.VIEW_REPORTS) or scoping.can(user, Capability.READ_REPORT_COPIES),
            "indicators": scoping.can(user, Capability.VIEW_PILOTS),
            "evaluation": scoping.can(user, Capability.VIEW_EVALUATION),
            "evaluation_manage": scoping.can(user, Capability.MANAGE_EVALUATION),
            "indicators_review": scoping.can(user, Capability.ACCEPT_INDICATORS),
            "indicators_import": scoping.can(user, Capability.IMPORT_INDICATORS),
            "news": bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") in NEWS_WRITERS,
            "account_changes": bool(getattr(user, "is_authenticated", False))
            and getattr(user, "role", "") in ACCOUNT_CHANGE_READERS,
        },
    }
