"""Chinese formats: area-code phones with extensions, 11-digit mobiles, e-mail; refusals name the field."""

from __future__ import annotations

import pytest

from shidian.contacts.validators import CellRefused, normalise_email, normalise_landline, normalise_mobile


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0772-2801234", "0772-2801234"),
        ("(0772)2801234", "0772-2801234"),
        ("（0772）2801234", "0772-2801234"),
        ("010—68502837", "010-68502837"),  # as the notice itself writes it
        ("010-68502837转123", "010-68502837转123"),
        ("0772 2801234-8", "0772-2801234转8"),
        # Real codes, checked against libphonenumber's table (area_codes.py): 北京, 上海, 南宁, 柳州, 开封, 格尔木.
        ("010-66085000", "010-66085000"),
        ("021 23111111", "021-23111111"),
        ("(0771)5511234", "0771-5511234"),
        ("0772-2825678", "0772-2825678"),
        ("0378-2345678", "0378-2345678"),
        ("0979-8412345", "0979-8412345"),
        ("", ""),
    ],
)
def test_office_phones_in_chinese_formats_are_accepted_and_stored_one_way(raw: str, stored: str) -> None:
    assert normalise_landline(raw, label="办公电话") == stored


@pytest.mark.parametrize("raw", ["2801234", "772-2801234", "0772-0801234", "0772-28012", "电话0772", "13907721234"])
def test_malformed_office_phones_are_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(CellRefused) as refused:
        normalise_landline(raw, label="传真")
    assert refused.value.message.startswith("传真“")
    assert "0772-2801234" in refused.value.message  # shows the expected format


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("13907721234", "13907721234"), ("139 0772 1234", "13907721234"), ("+86 13907721234", "13907721234")],
)
def test_mobiles_are_eleven_digits_starting_13_to_19(raw: str, stored: str) -> None:
    assert normalise_mobile(raw, label="手机") == stored


@pytest.mark.parametrize("raw", ["1390772123", "139077212345", "12907721234", "0772-2801234", "1390772123x"])
def test_malformed_mobiles_are_refused(raw: str) -> None:
    with pytest.raises(CellRefused, match="手机"):
        normalise_mobile(raw, label="手机")


def test_email_accepts_full_width_at_and_lowercases_the_domain() -> None:
    assert normalise_email("LZSDB\uff20Example.COM", label="电子邮箱") == "LZSDB@example.com"


@pytest.mark.parametrize("raw", ["lzsdb", "lzsdb@", "@example.com", "lz sdb@example.com"])
def test_malformed_email_is_refused(raw: str) -> None:
    with pytest.raises(CellRefused, match="电子邮箱"):
        normalise_email(raw, label="电子邮箱")
