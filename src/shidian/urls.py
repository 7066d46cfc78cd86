from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views import defaults
from django.views.decorators.http import require_safe
from django.views.i18n import set_language

from shidian.api.urls import api_urls
from shidian.core.admin import admin_site
from shidian.portal import views as portal_views


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The public reads a missing portal page inside the portal's layout; everybody else gets the platform's 404."""
    if portal_views.serves(request.path):
        return portal_views.not_found(request, exception)
    return defaults.page_not_found(request, exception)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Pages link their icon; a client that asks for /favicon.ico anyway (the admin, the API docs) is sent to it."""
    return HttpResponsePermanentRedirect(static("shidian/favicon.png"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("shidian.accounts.urls")),
    path("system/", include("shidian.core.urls")),
    path("regions/", include("shidian.regions.urls")),
    path("admin/", admin_site.urls),
    path("api/", api_urls),
    path("accounts/api/", include("shidian.api.urls")),
    path("indicators/", include("shidian.indicators.urls")),
    path("reporting/", include("shidian.reporting.urls")),
    path("plans/", include("shidian.plans.urls")),
    path("evaluation/", include("shidian.evaluation.urls")),
    path("contacts/", include("shidian.contacts.urls")),
    path("notifications/", include("shidian.notifications.urls")),
    path("exchange/", include("shidian.exchange.urls")),
    path("experiences/", include("shidian.experiences.urls")),
    path("search/", include("shidian.experiences.search_urls")),
    path("portal/manage/news/", include("shidian.portal.manage_urls")),
    path("portal/", include("shidian.portal.urls")),
    path("", include("shidian.workbench.urls")),
    path("", include("shidian.pilots.urls")),
]
