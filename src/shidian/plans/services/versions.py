"""Work plans and their versions: create, edit texts, submit, return, approve, reopen, new version."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, transitions
from shidian.core import text as core_text
from shidian.core.errors import DomainError
from shidian.pilots.models import PilotArea
from shidian.plans import permissions
from shidian.plans.models import PLAN_FLOW, Goal, Milestone, PlanStatus, PlanVersion, Task, WorkPlan
from shidian.plans.services.rules import PROGRESS_FIELDS


@transaction.atomic
def ensure_work_plan(
    *, pilot: PilotArea, by: User, start_date: dt.date | None = None, is_demo: bool = False
) -> WorkPlan:
    """The pilot's work plan, created with an empty first draft if it has none."""
    if not permissions.can_edit_plan(by, pilot):
        raise DomainError(_("只有本试点的工作人员可以编制工作方案。"))
    plan = WorkPlan.objects.filter(pilot=pilot).first()
    if plan is not None:
        return plan
    start = start_date or pilot.batch.notice_date or clock.today()
    plan = WorkPlan.objects.create(pilot=pilot, start_date=start, is_demo=is_demo)
    version = PlanVersion.objects.create(plan=plan, number=1, created_by=by)
    audit.record(action=audit.AuditAction.PLAN_CREATED, actor=by, obj=plan, detail={"start_date": start})
    audit.record(action=audit.AuditAction.PLAN_VERSION_CREATED, actor=by, obj=version)
    return plan


def _pilot_of(version: PlanVersion) -> PilotArea:
    return version.plan.pilot


def _lock_editable(version: PlanVersion, by: User) -> PlanVersion:
    """Lock the version; refuse unless ``by`` keeps this pilot's plan and the version is editable."""
    locked = PlanVersion.objects.select_for_update().select_related("plan__pilot__batch").get(pk=version.pk)
    if not permissions.can_edit_plan(by, locked.plan.pilot):
        raise DomainError(_("只有本试点的工作人员可以修改工作方案。"))
    if not locked.is_editable:
        raise DomainError(
            _("“%(status)s”的方案版本不能修改；如需调整，请新建版本。") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def update_plan_texts(*, version: PlanVersion, implementation_plan: str, action_plan: str, by: User) -> PlanVersion:
    """Set the implementation plan (实施方案) and action plan (行动计划) texts of an editable version."""
    locked = _lock_editable(version, by)
    before = audit.snapshot(locked, ["implementation_plan", "action_plan"])
    implementation_plan = core_text.clean(implementation_plan, multiline=True).strip()
    action_plan = core_text.clean(action_plan, multiline=True).strip()
    if (implementation_plan, action_plan) == (locked.implementation_plan, locked.action_plan):
        return locked  # saved unchanged: nothing to write or record
    locked.implementation_plan = implementation_plan
    locked.action_plan = action_plan
    locked.save(update_fields=["implementation_plan", "action_plan"])
    audit.record(
        action=audit.AuditAction.PLAN_VERSION_UPDATED,
        actor=by,
        obj=locked,
        changes=audit.diff(before, audit.snapshot(locked, ["implementation_plan", "action_plan"])),
    )
    return locked


def _transition(
    version: PlanVersion, *, to: str, by: User, allowed: bool, refusal: str, comment: str = ""
) -> PlanVersion:
    """Move the version through the one transition helper; a decision keeps who decided, when and why."""

    def guard(_locked: PlanVersion) -> None:
        if not allowed:
            raise DomainError(refusal)

    def apply(locked: PlanVersion) -> transitions.Effects:
        now = clock.now()
        if to == PlanStatus.SUBMITTED:
            locked.submitted_at = now
            return transitions.Effects(fields=["submitted_at"])
        if to in (PlanStatus.RETURNED, PlanStatus.APPROVED):
            locked.decided_at, locked.decided_by, locked.review_comment = now, by, comment
            return transitions.Effects(
                fields=["decided_at", "decided_by", "review_comment"], detail={"comment": comment} if comment else None
            )
        return transitions.Effects()

    return transitions.move(
        version,
        to,
        flow=PLAN_FLOW,
        by=by,
        guard=guard,
        apply=apply,
        queryset=PlanVersion.objects.select_related("plan__pilot"),
    )


@transaction.atomic
def submit_plan(*, version: PlanVersion, by: User) -> PlanVersion:
    """The pilot submits the version to its provincial commission (draft or returned → submitted)."""
    pilot = version.plan.pilot
    if not version.tasks.exists():
        raise DomainError(_("方案还没有任务，不能报送。"))
    return _transition(
        version,
        to=PlanStatus.SUBMITTED,
        by=by,
        allowed=permissions.can_edit_plan(by, pilot),
        refusal=_("只有本试点的工作人员可以报送工作方案。"),
    )


@transaction.atomic
def return_plan(*, version: PlanVersion, comment: str, by: User) -> PlanVersion:
    """The province returns a submitted version with its comments."""
    if not comment.strip():
        raise DomainError(_("退回时必须填写审核意见。"))
    return _transition(
        version,
        to=PlanStatus.RETURNED,
        by=by,
        allowed=permissions.can_review_plan(by, version.plan.pilot),
        refusal=_("只有试点所在省的发展改革部门可以审核工作方案。"),
        comment=comment.strip(),
    )


@transaction.atomic
def approve_plan(*, version: PlanVersion, by: User, comment: str = "") -> PlanVersion:
    """The province approves a submitted version; it is frozen and becomes the plan in force."""
    approved = _transition(
        version,
        to=PlanStatus.APPROVED,
        by=by,
        allowed=permissions.can_review_plan(by, version.plan.pilot),
        refusal=_("只有试点所在省的发展改革部门可以审核工作方案。"),
        comment=comment.strip(),
    )
    # The approved version keeps the reference names it was approved with (a later rename changes nothing).
    tasks = list(
        Task.objects.filter(version=approved)
        .select_related("focus_area", "lead_department")
        .prefetch_related("supporting_departments")
    )
    for task in tasks:
        task.approved_names = task.names_in_force()
    frozen: list[str] = ["approved_names"]
    Task.objects.bulk_update(tasks, frozen)
    # Progress reported on the version in force meanwhile carries over to the newly approved one.
    for milestone in Milestone.objects.filter(task__version=approved, copied_from__isnull=False).select_related(
        "copied_from"
    ):
        source = milestone.copied_from
        if source is None:
            continue
        for name in [*PROGRESS_FIELDS, "progress_updated_at"]:
            setattr(milestone, name, getattr(source, name))
        milestone.save(update_fields=[*PROGRESS_FIELDS, "progress_updated_at"])
    return approved


@transaction.atomic
def reopen_plan(*, version: PlanVersion, by: User) -> PlanVersion:
    """Take a returned version back to draft."""
    return _transition(
        version,
        to=PlanStatus.DRAFT,
        by=by,
        allowed=permissions.can_edit_plan(by, version.plan.pilot),
        refusal=_("只有本试点的工作人员可以修改工作方案。"),
    )


@transaction.atomic
def start_new_version(*, plan: WorkPlan, by: User) -> PlanVersion:
    """Copy the latest approved version into a new draft (changes to an approved plan need approval again)."""
    locked = WorkPlan.objects.select_for_update().select_related("pilot").get(pk=plan.pk)
    if not permissions.can_edit_plan(by, locked.pilot):
        raise DomainError(_("只有本试点的工作人员可以修改工作方案。"))
    latest = locked.versions.order_by("-number").first()
    if latest is None or latest.status != PlanStatus.APPROVED:
        raise DomainError(_("已有尚未批准的版本，请在该版本上修改。"))
    new = PlanVersion.objects.create(
        plan=locked,
        number=latest.number + 1,
        implementation_plan=latest.implementation_plan,
        action_plan=latest.action_plan,
        based_on=latest,
        created_by=by,
    )
    _copy_content(latest, new)
    audit.record(action=audit.AuditAction.PLAN_VERSION_CREATED, actor=by, obj=new, detail={"based_on": latest.number})
    return new


def _copy_content(source: PlanVersion, target: PlanVersion) -> None:
    Goal.objects.bulk_create(
        Goal(version=target, position=g.position, text=g.text, target_year=g.target_year) for g in source.goals.all()
    )
    for task in source.tasks.prefetch_related("supporting_departments", "milestones__depends_on"):
        supporting = list(task.supporting_departments.all())
        milestones = list(task.milestones.all())
        old_task_pk = task.pk
        task.pk = None
        task.id = None
        task.version = target
        task.copied_from_id = old_task_pk
        task.approved_names = {}  # a new draft shows the names in force now
        task.save()
        task.supporting_departments.set(supporting)
        mapping: dict[int, Milestone] = {}
        deps: dict[int, list[int]] = {}
        for milestone in milestones:
            old_pk = milestone.pk
            deps[old_pk] = [d.pk for d in milestone.depends_on.all()]
            milestone.pk = None
            milestone.id = None
            milestone.task = task
            milestone.copied_from_id = old_pk
            milestone.save()
            mapping[old_pk] = milestone
        for old_pk, dep_pks in deps.items():
            mapping[old_pk].depends_on.add(*[mapping[d] for d in dep_pks])  # new rows: nothing to replace
