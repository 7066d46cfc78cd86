"""Forms of the map pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.forms import Form, max_length_of
from shidian.regions.models import MapBoundary


class MapUploadForm(Form):
    review_number = forms.CharField(label=_("审图号"), max_length=max_length_of(MapBoundary, "review_number"))
    geojson = forms.FileField(label=_("省级边界 GeoJSON 文件"))
