"""The shared cleaner and the base form every form of the platform derives from."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from shidian.core import text
from shidian.core.forms import Form


@pytest.mark.parametrize(
    ("raw", "single", "multi"),
    [
        ("甲\x00乙", "甲乙", "甲乙"),
        ("甲\x07\x1b[31m乙", "甲[31m乙", "甲[31m乙"),
        ("第一行\r\n第二行", "第一行 第二行", "第一行\n第二行"),
        ("制表\t符", "制表 符", "制表\t符"),
        ("\ufeff名称\u202e反向\u200b", "名称反向", "名称反向"),
        ("C1\x85控制\x9f", "C1 控制", "C1\n控制"),
        ("普通文字，不变。", "普通文字，不变。", "普通文字，不变。"),
    ],
)
def test_clean_drops_control_and_invisible_characters(raw: str, single: str, multi: str) -> None:
    assert text.clean(raw) == single
    assert text.clean(raw, multiline=True) == multi


def test_the_printable_shortcut_skips_only_what_the_cleaner_would_leave_alone() -> None:
    # clean() returns a printable value as it is; the regular expressions must agree on every such character
    # of the planes in use (the ones they remove are all in the Basic Multilingual Plane).
    printable = "".join(c for c in map(chr, range(0x30000)) if c.isprintable())
    for multiline in (False, True):
        scrubbed = text._scrub(printable, multiline=multiline)
        assert scrubbed == printable, sorted(set(printable) - set(scrubbed))[:10]


class _Sample(Form):
    name = forms.CharField(max_length=5)
    body = forms.CharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, strip=False, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)


def test_the_base_form_cleans_text_before_the_length_check() -> None:
    form = _Sample(data={"name": "\x00甲乙丙丁戊\x07", "body": "一\r\n二\x00", "secret": " a\x07b "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "甲乙丙丁戊"  # five characters once the controls are gone
    assert form.cleaned_data["body"] == "一\n二"
    assert form.cleaned_data["secret"] == " a\x07b "  # a password is taken as typed


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_boxes_render_iso_in_every_language(language: str) -> None:
    with translation.override(language):
        html = str(_Sample(initial={"day": dt.date(2020, 6, 30)})["day"])
    assert 'type="date"' in html and 'value="2020-06-30"' in html


def test_dates_out_of_any_sane_range_are_a_field_error() -> None:
    with translation.override("zh-hans"):
        form = _Sample(data={"name": "甲", "day": "9999-12-31"})
        assert not form.is_valid()
        assert "日期须在" in str(form.errors["day"])


class _Choices(Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 <乙>"), ("b", "丙")], required=False)
    grouped = forms.ChoiceField(
        choices=[("东部", [("1", "北京"), ("2", "天津")]), ("西部", [("3", "重庆")])],
        widget=forms.Select(attrs={"data-autosubmit": True, "data-x": "1 & 2", "hidden": False}),
    )
    number = forms.TypedChoiceField(choices=[(1, "第一批"), (2, "第二批")], coerce=int)


@pytest.mark.parametrize("data", [None, {"plain": "a", "grouped": "3", "number": "2"}, {"grouped": "9"}])
def test_selects_render_exactly_as_djangos_templates(data: dict[str, str] | None) -> None:
    form = _Choices(data)
    form.is_valid() if data else None
    for bound in form:
        assert type(bound.field.widget) is not forms.Select  # rendered directly, not through the templates
        fast = str(bound)
        widget = bound.field.widget
        widget.__class__ = forms.Select
        assert fast == str(bound), bound.name
        widget.__class__ = type(_Choices().fields["plain"].widget)


def test_labels_end_without_an_ascii_colon_on_every_form() -> None:
    from shidian.api.views import TokenForm
    from shidian.contacts.forms import ContactForm

    class Named(Form):
        name = forms.CharField(label="名称")

    assert Named()["name"].label_tag() == '<label for="id_name">名称</label>'
    for form in (TokenForm(), ContactForm()):
        assert all(not bound.label_tag().endswith(":</label>") for bound in form), type(form).__name__
