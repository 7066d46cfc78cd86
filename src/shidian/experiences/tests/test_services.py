"""The experience workflow through the services: every move, its refusals, its audit events, adoptions, files."""

from __future__ import annotations

import datetime as dt
import decimal
import io

import pytest

from shidian.core import audit, clock, search
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.core.models import AuditEvent, SearchEntry
from shidian.core.transitions import MoveRefused
from shidian.experiences import services
from shidian.experiences.models import Experience, ExperienceFile, ExperienceStatus, FileKind
from shidian.experiences.services import ResultRow
from shidian.experiences.tests import factories as f

pytestmark = pytest.mark.django_db


def _events(action: AuditAction, experience: Experience) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(experience.pk)).count()


def test_the_whole_way_from_draft_to_published_each_move_audited_and_dated() -> None:
    with clock.travel_to(dt.date(2019, 3, 1)):
        experience = f.draft()
        assert experience.status == ExperienceStatus.DRAFT
        assert _events(AuditAction.EXPERIENCE_CREATED, experience) == 1
        experience = services.submit_experience(experience=experience, by=f.user("demo-pilot"))
    assert experience.submitted_on == dt.date(2019, 3, 1)
    with clock.travel_to(dt.date(2019, 3, 10)):
        experience = services.recommend_experience(
            experience=experience, by=f.user("demo-province"), comment="经验做法成熟，同意推荐。"
        )
    assert experience.recommended_on == dt.date(2019, 3, 10)
    batch = services.create_batch(name="国家新型城镇化综合试点经验（第一批）", by=f.user("demo-national"))
    assert AuditEvent.objects.filter(action=AuditAction.PROMOTION_BATCH_CREATED, object_id=str(batch.pk)).exists()
    experience = services.select_experience(experience=experience, by=f.user("demo-national"), batch=batch)
    assert experience.batch == batch
    assert not SearchEntry.objects.filter(kind="experience", object_id=experience.pk).exists()
    experience = services.publish_experience(experience=experience, by=f.user("demo-national"))
    assert experience.status == ExperienceStatus.PUBLISHED and experience.published_on == clock.today()
    for action in (
        AuditAction.EXPERIENCE_SUBMITTED,
        AuditAction.EXPERIENCE_RECOMMENDED,
        AuditAction.EXPERIENCE_SELECTED,
        AuditAction.EXPERIENCE_PUBLISHED,
    ):
        assert _events(action, experience) == 1, action
    # Published, it is found by search, publicly.
    assert [h.entry.object_id for h in search.search(query="户籍", public=True).hits] == [experience.pk]


def test_publishing_what_was_not_selected_is_refused_audited_and_writes_nothing() -> None:
    for status in (ExperienceStatus.DRAFT, ExperienceStatus.SUBMITTED, ExperienceStatus.RECOMMENDED):
        experience = f.walked(status)
        with audit.refusals_recorded(), pytest.raises(MoveRefused, match="已发布"):  # as at the end of a request
            services.publish_experience(experience=experience, by=f.user("demo-national"))
        experience.refresh_from_db()
        assert experience.status == status and experience.published_on is None
        assert not SearchEntry.objects.filter(kind="experience", object_id=experience.pk).exists()
    refusals = AuditEvent.objects.filter(action=AuditAction.MOVE_REFUSED, detail__flow="experiences.experience")
    assert refusals.count() == 3


def test_declined_and_published_experiences_are_final() -> None:
    declined = f.walked(ExperienceStatus.DECLINED)
    assert _events(AuditAction.EXPERIENCE_DECLINED, declined) == 1
    with pytest.raises(MoveRefused):
        services.select_experience(experience=declined, by=f.user("demo-national"), batch=f.batch())
    published = f.walked(ExperienceStatus.PUBLISHED)
    with pytest.raises(MoveRefused):
        services.publish_experience(experience=published, by=f.user("demo-national"))


def test_a_returned_experience_is_revised_and_submitted_again() -> None:
    experience = f.walked(ExperienceStatus.SUBMITTED)
    with pytest.raises(DomainError, match="审核意见"):
        services.return_experience(experience=experience, by=f.user("demo-province"), comment="  ")
    experience = services.return_experience(
        experience=experience, by=f.user("demo-province"), comment="请补充成效数据。"
    )
    assert experience.status == ExperienceStatus.RETURNED and experience.review_comment == "请补充成效数据。"
    assert _events(AuditAction.EXPERIENCE_RETURNED, experience) == 1
    experience = services.update_experience(
        experience=experience,
        by=f.user("demo-pilot"),
        values=f.values(title="深化户籍制度改革的做法（修改稿）"),
        results=[ResultRow("新增落户人口", decimal.Decimal("2"), "万人")],
    )
    [updated] = AuditEvent.objects.filter(action=AuditAction.EXPERIENCE_UPDATED, object_id=str(experience.pk))
    assert set(updated.changes) == {"title", "results"}
    assert [str(r) for r in experience.results.all()] == ["新增落户人口 2.00万人"]
    experience = services.submit_experience(experience=experience, by=f.user("demo-pilot"))
    assert experience.status == ExperienceStatus.SUBMITTED


def test_saving_unchanged_records_nothing_and_submitted_ones_cannot_be_edited() -> None:
    experience = f.draft()
    services.update_experience(
        experience=experience,
        by=f.user("demo-pilot"),
        values=f.values(),
        results=[ResultRow("新增落户人口", decimal.Decimal("1.25"), "万人")],
    )
    assert _events(AuditAction.EXPERIENCE_UPDATED, experience) == 0
    experience = services.submit_experience(experience=experience, by=f.user("demo-pilot"))
    with pytest.raises(DomainError, match="草稿或退回"):
        services.update_experience(experience=experience, by=f.user("demo-pilot"), values=f.values(title="x"))


def test_only_the_right_office_moves_each_step() -> None:
    experience = f.draft()
    for username in ("demo-province", "demo-national", "demo-department", "demo-ministry"):
        with pytest.raises(NotFound):
            services.submit_experience(experience=experience, by=f.user(username))
    experience = services.submit_experience(experience=experience, by=f.user("demo-pilot"))
    for username in ("demo-pilot", "demo-national", "demo-ministry"):
        with pytest.raises(NotFound):
            services.recommend_experience(experience=experience, by=f.user(username))
    experience = services.recommend_experience(experience=experience, by=f.user("demo-province"))
    for username in ("demo-pilot", "demo-province", "demo-ministry"):
        with pytest.raises(NotFound):
            services.select_experience(experience=experience, by=f.user(username), batch=f.batch())
    assert Experience.objects.get(pk=experience.pk).status == ExperienceStatus.RECOMMENDED


def test_another_province_cannot_recommend_and_another_pilot_cannot_draft() -> None:
    beijing = f.pilot("北京市", "顺义区")
    experience = f.walked(ExperienceStatus.SUBMITTED, beijing)
    with pytest.raises(NotFound):
        services.recommend_experience(experience=experience, by=f.user("demo-province"))
    with pytest.raises(NotFound):
        services.create_experience(pilot=beijing, by=f.user("demo-pilot"), values=f.values())


def test_bad_input_names_the_field_and_writes_nothing() -> None:
    before = Experience.objects.count()
    with pytest.raises(DomainError, match="标题"):
        services.create_experience(pilot=f.liuzhou(), by=f.user("demo-pilot"), values=f.values(title=" "))
    with pytest.raises(DomainError, match="第 2 行"):
        services.create_experience(
            pilot=f.liuzhou(),
            by=f.user("demo-pilot"),
            values=f.values(),
            results=[ResultRow("a", decimal.Decimal(1)), ResultRow("", decimal.Decimal(2))],
        )
    with pytest.raises(DomainError, match="数值"):
        services.create_experience(
            pilot=f.liuzhou(),
            by=f.user("demo-pilot"),
            values=f.values(),
            results=[ResultRow("a", decimal.Decimal("Infinity"))],
        )
    assert Experience.objects.count() == before
    empty = f.draft(body="")
    with pytest.raises(DomainError, match="正文"):
        services.submit_experience(experience=empty, by=f.user("demo-pilot"))
    with pytest.raises(DomainError, match="推广批次"):
        services.select_experience(
            experience=f.walked(ExperienceStatus.RECOMMENDED), by=f.user("demo-national"), batch=None
        )


def test_adoption_by_another_pilot_of_a_published_experience_only() -> None:
    laibin = f.pilot(f.GUANGXI, "来宾市")
    laibin_officer = f.pilot_officer_of(laibin)
    with clock.travel_to(dt.date(2019, 1, 10)):
        published = f.walked(ExperienceStatus.PUBLISHED)
        recommended = f.walked(ExperienceStatus.RECOMMENDED)
    with pytest.raises(DomainError, match="已发布"):
        services.record_adoption(
            experience=recommended, pilot=laibin, by=laibin_officer, what="x", adopted_on=dt.date(2019, 2, 1)
        )
    with pytest.raises(DomainError, match="自己"):
        services.record_adoption(
            experience=published, pilot=f.liuzhou(), by=f.user("demo-pilot"), what="x", adopted_on=dt.date(2019, 2, 1)
        )
    with pytest.raises(NotFound):  # 柳州 cannot record for 来宾
        services.record_adoption(
            experience=published, pilot=laibin, by=f.user("demo-pilot"), what="x", adopted_on=dt.date(2019, 2, 1)
        )
    with pytest.raises(DomainError, match="早于"):
        services.record_adoption(
            experience=published, pilot=laibin, by=laibin_officer, what="x", adopted_on=dt.date(2018, 1, 1)
        )
    adoption = services.record_adoption(
        experience=published,
        pilot=laibin,
        by=laibin_officer,
        what="居住证积分入学",
        adopted_on=dt.date(2019, 2, 1),
        result="新增落户 3000 人",
    )
    assert AuditEvent.objects.filter(action=AuditAction.ADOPTION_RECORDED, object_id=str(adoption.pk)).exists()
    with pytest.raises(DomainError, match="已登记"):
        services.record_adoption(
            experience=published, pilot=laibin, by=laibin_officer, what="again", adopted_on=dt.date(2019, 2, 2)
        )
    from shidian.experiences import selectors

    assert [a.pilot.name for a in selectors.adoptions_of(published)] == ["来宾市"]
    assert selectors.adoptions_of(recommended) == []


def test_photos_are_re_encoded_without_exif_documents_kept_and_bad_images_refused() -> None:
    from PIL import Image

    experience = f.draft()
    by = f.user("demo-pilot")
    photo = services.add_file(experience=experience, by=by, content=f.jpeg_with_exif(), file_name="现场.jpg")
    assert photo.kind == FileKind.PHOTO and (photo.width, photo.height) == (64, 48)
    stored = Image.open(io.BytesIO(bytes(photo.content)))
    assert stored.format == "JPEG" and not dict(stored.getexif()) and b"ShidianCam" not in bytes(photo.content)
    assert AuditEvent.objects.filter(action=AuditAction.EXPERIENCE_FILE_ADDED, object_id=str(photo.pk)).exists()
    document = services.add_file(experience=experience, by=by, content=b"%PDF-1.4\n%%EOF\n", file_name="材料.pdf")
    assert document.kind == FileKind.ATTACHMENT and bytes(document.content).startswith(b"%PDF")
    before = ExperienceFile.objects.count()
    with pytest.raises(DomainError, match="解压炸弹"):
        services.add_file(experience=experience, by=by, content=f.png_bomb(), file_name="bomb.png")
    with pytest.raises(DomainError, match="文件类型不允许"):
        services.add_file(experience=experience, by=by, content=b"<html><script>", file_name="photo.jpg")
    with pytest.raises(DomainError, match="不是可以读取的图片"):
        services.add_file(experience=experience, by=by, content=b"\x89PNG\r\n\x1a\nbroken", file_name="x.png")
    assert ExperienceFile.objects.count() == before
    document_id = document.pk
    services.remove_file(stored=document, by=by)
    assert AuditEvent.objects.filter(action=AuditAction.EXPERIENCE_FILE_REMOVED, object_id=str(document_id)).exists()
    assert not ExperienceFile.objects.filter(pk=document_id).exists()
    submitted = services.submit_experience(experience=experience, by=by)
    with pytest.raises(NotFound):  # files are frozen once submitted
        services.add_file(experience=submitted, by=by, content=f.png(), file_name="late.png")


def test_notification_rules_tell_the_next_reviewer_and_the_pilot() -> None:
    from shidian.notifications.registry import Kind, rules_for

    def notices(action: AuditAction, experience: Experience) -> list[tuple[Kind, set[str]]]:
        event = AuditEvent.objects.filter(action=action, object_id=str(experience.pk)).latest("pk")
        return [(n.kind, {u.username for u in n.recipients}) for rule in rules_for(action) for n in rule(event)]

    experience = services.submit_experience(experience=f.draft(), by=f.user("demo-pilot"))
    assert notices(AuditAction.EXPERIENCE_SUBMITTED, experience) == [(Kind.REVIEW, {"demo-province"})]
    experience = services.return_experience(experience=experience, by=f.user("demo-province"), comment="补充")
    assert notices(AuditAction.EXPERIENCE_RETURNED, experience) == [(Kind.RETURNED, {"demo-pilot"})]
    experience = services.submit_experience(experience=experience, by=f.user("demo-pilot"))
    experience = services.recommend_experience(experience=experience, by=f.user("demo-province"))
    [(kind, recipients)] = notices(AuditAction.EXPERIENCE_RECOMMENDED, experience)
    assert kind == Kind.REVIEW and "demo-national" in recipients and "demo-province" not in recipients
    experience = services.select_experience(experience=experience, by=f.user("demo-national"), batch=f.batch())
    assert notices(AuditAction.EXPERIENCE_SELECTED, experience) == [(Kind.DECISION, {"demo-pilot"})]
