"""发文字号: per organisation and year (桂发改规划〔2019〕15号), assigned at issue, never reused.

The year's sequence row is locked (``select_for_update``) while the next serial is taken, so two documents
issued at the same moment never share a number; a document asks once and keeps its number.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from shidian.core.models import DocumentNumber, DocumentNumberPrefix, DocumentNumberSequence

# The one-character abbreviations (简称) that provincial document numbers start with, by division code.
PROVINCE_ABBREVIATIONS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "内", "21": "辽", "22": "吉", "23": "黑", "31": "沪",
    "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘",
    "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "黔", "53": "云", "54": "藏", "61": "陕",
    "62": "甘", "63": "青", "64": "宁", "65": "新", "66": "兵",
}  # fmt: skip
NATIONAL_PREFIX = "发改规划"


def subject_of(obj: Any) -> str:
    """Return the key a document's number is kept under: ``app_label.model:pk``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def prefix_for(organisation: Any) -> str:
    """Return the organisation's configured prefix, else one derived from its province (桂发改规划) or name."""
    configured = DocumentNumberPrefix.objects.filter(organisation=organisation).values_list("prefix", flat=True)
    for prefix in configured:
        return prefix
    province = getattr(organisation, "province", None)
    if province is None:
        return NATIONAL_PREFIX if getattr(organisation, "kind", "") == "national_commission" else str(organisation.name)
    abbreviation = PROVINCE_ABBREVIATIONS.get(str(province.code), str(province.short_name))
    return f"{abbreviation}{NATIONAL_PREFIX}"


def format_number(prefix: str, year: int, serial: int) -> str:
    """Return 桂发改规划〔2019〕15号 (GB/T 9704 7.2.4: 六角括号, no leading zeros)."""
    return f"{prefix}〔{year}〕{serial}号"


def number_of(subject: str) -> str:
    """Return the number issued to ``subject``, or "" when it has none yet."""
    return DocumentNumber.objects.filter(subject=subject).values_list("text", flat=True).first() or ""


def issue_document_number(*, organisation: Any, year: int, subject: str) -> DocumentNumber:
    """Issue the next number of ``organisation`` in ``year`` to ``subject`` (or return the one it has)."""
    existing = DocumentNumber.objects.filter(subject=subject).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        try:
            with transaction.atomic():
                DocumentNumberSequence.objects.get_or_create(organisation=organisation, year=year)
        except IntegrityError:
            pass  # another issuer created the year's sequence at the same moment
        sequence = DocumentNumberSequence.objects.select_for_update().get(organisation=organisation, year=year)
        existing = DocumentNumber.objects.filter(subject=subject).first()
        if existing is not None:
            return existing
        sequence.last_serial += 1
        sequence.save(update_fields=["last_serial"])
        return DocumentNumber.objects.create(
            sequence=sequence,
            serial=sequence.last_serial,
            text=format_number(prefix_for(organisation), year, sequence.last_serial),
            subject=subject,
        )
