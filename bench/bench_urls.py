"""The product's URLs plus ``/bench/baseline/``: a minimal view returning a small JSON.

It passes through the same middleware stack as every page and is the yardstick of the HTTP benchmarks.
It is not in the product's URLconf, so the URL walk and the cross-scope sweep never see it.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from shidian.urls import urlpatterns as product_urlpatterns


def baseline(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"service": "shidian", "ok": True})


urlpatterns = [path("bench/baseline/", baseline), *product_urlpatterns]
