"""Builders for the experiences tests: users, pilots, a filled-in experience, images, an experience walked on."""

from __future__ import annotations

import decimal
import io
from typing import Any

from shidian.accounts.models import User
from shidian.core.actors import system
from shidian.experiences import services
from shidian.experiences.models import Experience, ExperienceFile, ExperienceStatus, FileKind, PromotionBatch
from shidian.experiences.services import ResultRow
from shidian.pilots.demo import DEMO_PILOT
from shidian.pilots.models import PilotArea
from shidian.plans.models import FocusArea

GUANGXI = DEMO_PILOT[0]


def user(username: str) -> User:
    return User.objects.select_related("organisation").get(username=username)


def liuzhou() -> PilotArea:
    return PilotArea.objects.select_related("province").get(province__name=GUANGXI, name=DEMO_PILOT[1])


def pilot(province: str, name: str) -> PilotArea:
    return PilotArea.objects.select_related("province").get(province__name=province, name=name)


def pilot_officer_of(area: PilotArea) -> User:
    """The pilot office's account of ``area`` (created for pilots other than the demo's)."""
    from shidian.accounts import services as account_services
    from shidian.core.roles import Role

    existing = User.objects.filter(organisation__pilot=area, role=Role.PILOT_OFFICER).order_by("pk").first()
    if existing is not None:
        return existing
    office = account_services.ensure_pilot_organisations(pilot=area)
    return User.objects.create_user(
        username=f"pilot-{area.pk}", password="x-Unused-123", role=Role.PILOT_OFFICER, organisation=office
    )


def values(**overrides: Any) -> dict[str, Any]:
    base = {
        "title": "深化户籍制度改革的做法",
        "focus_area": FocusArea.objects.get(code="migrant_integration"),
        "summary": "放开落户限制。",
        "body": "以居住证为载体，推进基本公共服务均等化。",
    }
    return {**base, **overrides}


def draft(area: PilotArea | None = None, **overrides: Any) -> Experience:
    area = area or liuzhou()
    return services.create_experience(
        pilot=area,
        by=pilot_officer_of(area) if area != liuzhou() else user("demo-pilot"),
        values=values(**overrides),
        results=[ResultRow("新增落户人口", decimal.Decimal("1.25"), "万人")],
    )


def batch(name: str = "国家新型城镇化综合试点经验（测试批）") -> PromotionBatch:
    return PromotionBatch.objects.get_or_create(name=name)[0]


def walked(to: str, area: PilotArea | None = None, **overrides: Any) -> Experience:
    """An experience moved by the platform's job to ``to`` through the real services."""
    by = system("test")
    experience = draft(area, **overrides)
    steps = {
        ExperienceStatus.SUBMITTED: lambda e: services.submit_experience(experience=e, by=by),
        ExperienceStatus.RETURNED: lambda e: services.return_experience(experience=e, by=by, comment="补充"),
        ExperienceStatus.RECOMMENDED: lambda e: services.recommend_experience(experience=e, by=by),
        ExperienceStatus.DECLINED: lambda e: services.decline_experience(experience=e, by=by, comment="不足"),
        ExperienceStatus.SELECTED: lambda e: services.select_experience(experience=e, by=by, batch=batch()),
        ExperienceStatus.PUBLISHED: lambda e: services.publish_experience(experience=e, by=by),
    }
    path = {
        ExperienceStatus.DRAFT: [],
        ExperienceStatus.SUBMITTED: [ExperienceStatus.SUBMITTED],
        ExperienceStatus.RETURNED: [ExperienceStatus.SUBMITTED, ExperienceStatus.RETURNED],
        ExperienceStatus.RECOMMENDED: [ExperienceStatus.SUBMITTED, ExperienceStatus.RECOMMENDED],
        ExperienceStatus.DECLINED: [
            ExperienceStatus.SUBMITTED,
            ExperienceStatus.RECOMMENDED,
            ExperienceStatus.DECLINED,
        ],
        ExperienceStatus.SELECTED: [
            ExperienceStatus.SUBMITTED,
            ExperienceStatus.RECOMMENDED,
            ExperienceStatus.SELECTED,
        ],
        ExperienceStatus.PUBLISHED: [
            ExperienceStatus.SUBMITTED,
            ExperienceStatus.RECOMMENDED,
            ExperienceStatus.SELECTED,
            ExperienceStatus.PUBLISHED,
        ],
    }[ExperienceStatus(to)]
    for status in path:
        experience = steps[status](experience)
    return experience


def hidden_objects(area: PilotArea) -> dict[str, int]:
    """A submitted (unpublished) experience of ``area`` and a file of it: ids for the URL walks."""
    experience = Experience.objects.create(
        pilot=area,
        title="未公开的经验",
        focus_area=FocusArea.objects.order_by("pk").first(),  # type: ignore[misc]
        summary="x",
        body="x",
        status=ExperienceStatus.SUBMITTED,
    )
    stored = ExperienceFile.objects.create(
        experience=experience,
        kind=FileKind.ATTACHMENT,
        file_name="a.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        content=b"%PDF-1.4\n",
    )
    return {"experience_id": experience.pk, "experience_file_id": stored.pk}


def jpeg_with_exif(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG carrying EXIF (camera model and GPS), as phones write them."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "ShidianCam"  # Model
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(size: tuple[int, int] = (32, 32)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()


def png_bomb(side: int = 100_000) -> bytes:
    """A tiny PNG whose header claims side by side pixels (a decompression bomb: it would inflate to gigabytes)."""
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = zlib.compress(b"\x00" * 1024)
    idat = b"IDAT" + data
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", len(data)) + idat + struct.pack(">I", zlib.crc32(idat))
        + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    )  # fmt: skip
