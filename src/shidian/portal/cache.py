"""The portal's page cache: one entry per page, language and generation; a publication starts a new generation.

Every public page is the same for every reader (no session, no CSRF token, no user name), so a rendered page is
kept in the ``portal`` cache under its path and query, the active language and the current *generation*. Any
audit event that changes what the portal shows (a news item published, edited or withdrawn, a bulletin saved, a
run published, the registry changed, a plan version approved, a report accepted, an experience published) sets a
new generation once its transaction commits: every page is rendered anew on its next request, and the old
entries expire. What changes without such an event (a milestone's progress) shows after at most
``PORTAL_CACHE_SECONDS``.

A reader without a session cookie (every member of the public) is served by ``PortalPageMiddleware``
(portal/middleware.py) before sessions, CSRF, authentication and messages run: it keeps the whole response as
the inner middleware shaped it and answers a hit from it, at about the cost of the bare view (issue 16). A
signed-in reader's request goes the whole way, and ``cached_page`` keeps the rendered page for it.

Each process also keeps its own copy (``Local``): the generation, trusted for ``PORTAL_LOCAL_SECONDS`` before
the shared cache is asked again, and the last pages it served in that generation (``PORTAL_LOCAL_PAGES`` of
them at most). A hit then reads nothing from the shared cache, which is what brings a cached page to about
the cost of the bare view. A publication renews the publishing process's copy at once; every other process
sees it within ``PORTAL_LOCAL_SECONDS`` (1 s by default; 0 turns the local copy off, as the tests do).
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_save
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from shidian.core.audit_actions import AuditAction

GENERATION_KEY = "portal:generation"

# The audit actions after which the portal shows something else.
PUBLICATIONS = frozenset(
    {
        AuditAction.NEWS_PUBLISHED,
        AuditAction.NEWS_UPDATED,
        AuditAction.NEWS_WITHDRAWN,
        AuditAction.BULLETIN_SAVED,
        AuditAction.BULLETIN_ISSUED,
        AuditAction.RUN_PUBLISHED,
        AuditAction.WARNING_APPROVED,
        AuditAction.ELIMINATION_APPROVED,
        AuditAction.PILOT_CREATED,
        AuditAction.PILOT_UPDATED,
        AuditAction.PILOT_ACTIVE,
        AuditAction.PILOT_WARNED,
        AuditAction.PILOT_ELIMINATED,
        AuditAction.PILOT_COMPLETED,
        AuditAction.REGISTRY_IMPORTED,
        AuditAction.PLAN_VERSION_APPROVED,
        AuditAction.REPORT_ACCEPTED,
        AuditAction.ADMIN_CHANGED,
        AuditAction.ADMIN_CREATED,
        AuditAction.ADMIN_DELETED,
    }
)
# Actions of the typical experiences (named, not imported, so this module does not wait for that app).
PUBLICATION_PREFIXES = ("experiences.experience.published", "experiences.adoption.recorded", "experiences.batch.")


def store() -> BaseCache:
    return caches["portal"]


class Local:
    """This process's copy of the generation and of the pages it served in it (threads share it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.generation: str | None = None
        self.checked = 0.0
        self.pages: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def adopt(self, generation: str, now: float) -> None:
        with self.lock:
            if generation != self.generation:
                self.pages.clear()
            self.generation, self.checked = generation, now

    def get(self, key: str, now: float) -> Any:
        with self.lock:
            entry = self.pages.get(key)
            if entry is None or entry[0] <= now:
                return None
            self.pages.move_to_end(key)
            return entry[1]

    def put(self, key: str, value: Any, now: float) -> None:
        with self.lock:
            self.pages[key] = (now + settings.PORTAL_CACHE_SECONDS, value)
            self.pages.move_to_end(key)
            while len(self.pages) > settings.PORTAL_LOCAL_PAGES:
                self.pages.popitem(last=False)


local = Local()
_now = time.monotonic


def _local_on() -> bool:
    return settings.PORTAL_LOCAL_SECONDS > 0


def generation() -> str:
    """The current generation (a new one is started when none is kept); this process's copy while it is fresh."""
    now = _now()
    if _local_on() and local.generation is not None and now - local.checked < settings.PORTAL_LOCAL_SECONDS:
        return local.generation
    current = store().get(GENERATION_KEY)
    if current is None:
        current = uuid.uuid4().hex
        store().add(GENERATION_KEY, current, timeout=None)
        current = store().get(GENERATION_KEY, current)
    if _local_on():
        local.adopt(str(current), now)
    return str(current)


def invalidate() -> None:
    """Start a new generation: every page is rendered anew on its next request (in other processes, within
    ``PORTAL_LOCAL_SECONDS``)."""
    current = uuid.uuid4().hex
    store().set(GENERATION_KEY, current, timeout=None)
    if _local_on():
        local.adopt(current, _now())


def kept(key: str) -> Any:
    """What was kept under ``key``: from this process's copy, else from the shared cache (then copied)."""
    now = _now()
    if _local_on() and (value := local.get(key, now)) is not None:
        return value
    value = store().get(key)
    if value is not None and _local_on():
        local.put(key, value, now)
    return value


def keep(key: str, value: Any) -> None:
    store().set(key, value, settings.PORTAL_CACHE_SECONDS)
    if _local_on():
        local.put(key, value, _now())


def _on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting == "CACHES" or setting.startswith("PORTAL_"):
        local.clear()


setting_changed.connect(_on_setting_changed, dispatch_uid="portal-cache-local-copy")


def is_publication(action: str) -> bool:
    return action in PUBLICATIONS or action.startswith(PUBLICATION_PREFIXES)


def _on_audit_event(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and instance.success and is_publication(instance.action):
        transaction.on_commit(invalidate)


def connect() -> None:
    """Follow the audit trail (from PortalConfig.ready): the one place every publication passes."""
    from shidian.core.models import AuditEvent

    post_save.connect(_on_audit_event, sender=AuditEvent, dispatch_uid="portal-cache-invalidation")


def page_key(request: HttpRequest, *, gen: str, language: str | None = None, whole: bool = False) -> str:
    """The key of a page: its path and query, its language (the active one unless given) and the generation."""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    kind = "response" if whole else "page"
    return f"portal:{kind}:{gen}:{language or translation.get_language()}:{path}"


# Request attributes between the middleware and ``cached_page``: the middleware keeps this request's whole
# response (so the view need not keep the page), and the view says that its response is a portal page.
EARLY = "_portal_early"
KEEP = "_portal_keep"


# Headers set per response (or by the middleware around the view) are not kept with the page.
NOT_KEPT = {"content-type", "content-length", "set-cookie", "cache-control", "vary", "expires", "x-portal-cache"}

View = Callable[..., HttpResponse]


def cached_page(view: View) -> View:
    """Serve the page from the cache when it was rendered in this generation; keep a rendered 200 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return view(request, *args, **kwargs)
        if getattr(request, EARLY, False):
            response = view(request, *args, **kwargs)
            setattr(request, KEEP, True)
            response["X-Portal-Cache"] = "miss"
            return response
        key = page_key(request, gen=generation())
        page = kept(key)
        if page is not None:
            content, content_type, headers = page
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers.items():
                response[name] = value
            response["X-Portal-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            headers = {k: v for k, v in response.items() if k.lower() not in NOT_KEPT}
            keep(key, (response.content, response["Content-Type"], headers))
        response["X-Portal-Cache"] = "miss"
        return response

    return public_page(wrapper)


def public_page(view: View) -> View:
    """Mark a 200 page as public (the same for every reader), varying by the language cookie only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=60)
            patch_vary_headers(response, ["Cookie"])  # the language choice lives in a cookie
        return response

    return wrapper
