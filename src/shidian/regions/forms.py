"""Forms of the map pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shidian.core.forms import Form


class MapUploadForm(Form):
    review_number = forms.CharField(label=_("审图号"), max_length=60)
    geojson = forms.FileField(label=_("省级边界 GeoJSON 文件"))
