"""The map: the approved boundary file (if any) and its upload by the system admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shidian.core import scoping
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.regions import selectors, services
from shidian.regions.forms import MapUploadForm


@login_required
def map_upload(request: AuthedHttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.MANAGE_REFERENCE)
    form = MapUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_map_boundary(
                upload=form.cleaned_data["geojson"], review_number=form.cleaned_data["review_number"], by=request.user
            )
        except DomainError as exc:
            form.add_error("geojson", exc.message)
        else:
            messages.success(request, _("地图边界已启用。"))
            return redirect("regions:map_upload")
    return render(request, "regions/map_upload.html", {"form": form, "boundary": selectors.active_map_boundary()})


@login_required
def map_geojson(request: HttpRequest) -> FileResponse:
    scoping.require(request.user, Capability.VIEW_PILOTS)
    boundary = selectors.active_map_boundary()
    if boundary is None:
        raise Http404
    return FileResponse(boundary.geojson.open("rb"), content_type="application/geo+json")
