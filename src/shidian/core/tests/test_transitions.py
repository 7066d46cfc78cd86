"""Every move map walked through the one transition helper: allowed moves save and audit, others write nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from shidian.accounts.models import ACCOUNT_CHANGE_FLOW, User
from shidian.contacts.models import SUBMISSION_FLOW
from shidian.core import transitions
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.core.transitions import FLOWS, Flow, MoveRefused
from shidian.evaluation.models import (
    BULLETIN_FLOW,
    ELIMINATION_FLOW,
    OBJECTION_FLOW,
    RUN_FLOW,
    RUN_STATE_FLOW,
    SCHEME_FLOW,
    WARNING_FLOW,
    Run,
    Scheme,
)
from shidian.exchange.models import DIFFICULTY_FLOW, ESCALATION_FLOW
from shidian.experiences.models import EXPERIENCE_FLOW
from shidian.indicators.models import (
    IMPORT_JOB_FLOW,
    ISSUE_FLOW,
    VALUE_FLOW,
    DataQualityIssue,
    ImportJob,
    Indicator,
    IndicatorValue,
)
from shidian.notifications.models import MAIL_FLOW
from shidian.pilots.models import PILOT_FLOW, REGISTRY_IMPORT_FLOW, PilotArea, RegistryImport
from shidian.plans.models import MILESTONE_FLOW, PLAN_FLOW
from shidian.plans.tests import factories as plan_factories
from shidian.portal.models import NEWS_FLOW
from shidian.regions.models import Province
from shidian.reporting import services as reporting_services
from shidian.reporting.models import PILOT_REPORT_FLOW, PROVINCE_REPORT_FLOW, ProvinceStatus, ReportStatus
from shidian.reporting.tests import factories as report_factories

# The maps as the programme wants them, written out: changing one entry in a model must fail here.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "plans.version": {
        "draft": {"submitted"},
        "submitted": {"returned", "approved"},
        "returned": {"draft", "submitted"},
        "approved": set(),
    },
    "plans.milestone": {
        "not_started": {"not_started", "in_progress", "done", "blocked"},
        "in_progress": {"not_started", "in_progress", "done", "blocked"},
        "blocked": {"not_started", "in_progress", "done", "blocked"},
        "done": {"done", "in_progress"},
    },
    "indicators.value": {"draft": {"submitted"}, "submitted": {"accepted", "draft"}, "accepted": set()},
    "indicators.quality": {
        "open": {"following", "resolved", "dismissed"},
        "following": {"resolved", "dismissed"},
        "resolved": {"open"},
        "dismissed": {"open"},
    },
    "pilots.pilot": {
        "active": {"warned", "eliminated", "completed"},
        "warned": {"active", "eliminated"},
        "eliminated": set(),
        "completed": set(),
    },
    "reporting.report": {
        "draft": {"submitted"},
        "submitted": {"returned", "accepted"},
        "returned": {"submitted"},
        "accepted": set(),
    },
    "accounts.change": {"pending": {"approved", "rejected"}, "approved": set(), "rejected": set()},
    "reporting.province_report": {
        "draft": {"submitted"},
        "submitted": {"returned", "acknowledged"},
        "returned": {"submitted"},
        "acknowledged": set(),
    },
    "evaluation.scheme": {"draft": {"frozen"}, "frozen": set()},
    "evaluation.run": {"draft": {"published"}, "published": set()},
    "evaluation.computation": {
        "queued": {"running"},
        "running": {"done", "failed"},
        "failed": {"running"},
        "done": set(),
    },
    "indicators.import": {
        "queued": {"running", "done", "rejected", "failed"},
        "running": {"done", "rejected", "failed"},
        "done": set(),
        "rejected": set(),
        "failed": set(),
    },
    "pilots.registry_import": {"previewed": {"applied"}, "applied": set()},
    "evaluation.bulletin": {"draft": {"issued"}, "issued": set()},
    "evaluation.objection": {"open": {"answered"}, "answered": set()},
    "evaluation.warning": {"proposed": {"approved", "rejected"}, "approved": set(), "rejected": set()},
    "evaluation.elimination": {"proposed": {"approved", "rejected"}, "approved": set(), "rejected": set()},
    "contacts.submission": {"draft": {"submitted"}, "submitted": set()},
    "exchange.difficulty": {
        "submitted": {"accepted"},
        "accepted": {"answered"},
        "answered": {"closed", "reopened"},
        "reopened": {"answered"},
        "closed": set(),
    },
    "exchange.escalation": {"none": {"escalated"}, "escalated": set()},
    "experiences.experience": {
        "draft": {"submitted"},
        "submitted": {"recommended", "returned"},
        "returned": {"submitted"},
        "recommended": {"selected", "declined"},
        "selected": {"published"},
        "declined": set(),
        "published": set(),
    },
    "portal.news": {"draft": {"published"}, "published": {"draft"}},
    "notifications.mail": {"pending": {"sent", "failed"}, "failed": {"pending"}, "sent": set()},
}


def _plan_version() -> models.Model:
    return plan_factories.make_plan()[1]


def _milestone() -> models.Model:
    return plan_factories.make_plan()[3][0]


def _value() -> models.Model:
    return IndicatorValue.objects.create(
        pilot=PilotArea.objects.get(name="柳州市"),
        indicator=Indicator.objects.filter(formula="").order_by("pk")[0],
        period="2018",
        year=2018,
        value=1,
    )


def _issue() -> models.Model:
    return DataQualityIssue.objects.create(
        pilot=PilotArea.objects.get(name="柳州市"),
        indicator=Indicator.objects.order_by("pk")[0],
        period="2018",
        kind="outlier",
        message="测试",
    )


def _pilot() -> PilotArea:
    return PilotArea.objects.get(name="柳州市")


def _pilot_report() -> models.Model:
    pilot = User.objects.get(username="demo-pilot")
    return report_factories.filled_report(pilot, report_factories.year_end())


def _province_report() -> models.Model:
    return reporting_services.open_province_report(
        province=Province.objects.get(name="广西壮族自治区"),
        reporting_round=report_factories.year_end(),
        by=User.objects.get(username="demo-province"),
    )


def _account_change() -> models.Model:
    from shidian.accounts import services as account_services
    from shidian.accounts.models import Organisation, OrganisationKind
    from shidian.core.roles import Role

    return account_services.request_account(
        username="walk-newcomer",
        role=Role.PILOT_OFFICER,
        organisation=Organisation.objects.get(kind=OrganisationKind.PILOT_OFFICE, pilot__name="柳州市"),
        by=User.objects.get(username="demo-secadmin"),
    ).change


def _scheme() -> Scheme:
    from shidian.evaluation.tests import factories as evaluation_factories

    return evaluation_factories.scheme(2018)


def _run() -> Run:
    return Run.objects.create(scheme=_scheme(), number=1, created_by=User.objects.get(username="demo-national"))


def _import_job() -> ImportJob:
    return ImportJob.objects.create(file_name="x.csv", content=b"x", created_by=User.objects.get(username="demo-pilot"))


def _registry_import() -> RegistryImport:
    return RegistryImport.objects.create(
        file_name="x.csv", content=b"x", uploaded_by=User.objects.get(username="demo-national")
    )


def _bulletin() -> models.Model:
    from shidian.evaluation.models import Bulletin

    return Bulletin.objects.create(run=_run(), title="测试", created_by=User.objects.get(username="demo-national"))


def _objection() -> models.Model:
    from shidian.evaluation.models import Objection, Result

    run = _run()
    result = Result.objects.create(
        run=run, pilot=_pilot(), score=50, grade="fail", rank_overall=1, rank_batch=1, rank_region=1, rank_province=1
    )
    return Objection.objects.create(
        result=result,
        province=result.pilot.province,
        reasons="测试",
        filed_by=User.objects.get(username="demo-province"),
    )


def _warning() -> models.Model:
    from shidian.evaluation.models import Warning

    return Warning.objects.create(pilot=_pilot(), year=2018, run=_run(), reason_code="fail_grade", reason="测试")


def _elimination() -> models.Model:
    from shidian.evaluation.models import EliminationProposal

    return EliminationProposal.objects.create(
        pilot=_pilot(), year=2018, run=_run(), reason_code="consecutive_fail", reason="测试"
    )


def _contact_submission() -> models.Model:
    import datetime as dt

    from shidian.contacts.models import ContactRound, ContactSubmission

    contact_round = ContactRound.objects.create(
        title="测试", opened_on=dt.date(2016, 11, 25), due_on=dt.date(2016, 12, 9)
    )
    # Dated already, so that the walk may set "submitted" directly (a submitted answer always has its date).
    return ContactSubmission.objects.create(
        round=contact_round, province=Province.objects.get(name="广西壮族自治区"), submitted_on=dt.date(2016, 12, 5)
    )


def _difficulty() -> models.Model:
    import datetime as dt

    from shidian.exchange.tests import factories as exchange_factories

    # Rated, closed and escalated on a date already, so that the walk may set any status directly.
    item = exchange_factories.raised()
    type(item).objects.filter(pk=item.pk).update(
        rating=4, closed_on=dt.date(2019, 7, 9), escalated_on=dt.date(2019, 7, 30)
    )
    return item


def _experience() -> models.Model:
    from shidian.experiences.models import Experience, PromotionBatch
    from shidian.plans.models import FocusArea

    # In a batch already, so that the walk may set "selected" and "published" directly (the check constraint).
    return Experience.objects.create(
        pilot=_pilot(),
        title="测试",
        focus_area=FocusArea.objects.order_by("pk")[0],
        batch=PromotionBatch.objects.create(name="测试批次"),
    )


def _mail() -> models.Model:
    from django.utils import timezone

    from shidian.notifications.models import OutgoingMail

    return OutgoingMail.objects.create(to="x@example.cn", subject="x", body="x", next_attempt_at=timezone.now())


def _news() -> models.Model:
    import datetime as dt

    from shidian.portal.models import NewsItem

    # Dated already, so that the walk may set "published" directly (a published item always has its date).
    return NewsItem.objects.create(
        title="x", summary="x", body="x", publisher="x", published_on=dt.date(2019, 1, 1),
        created_by=User.objects.get(username="demo-national"),
    )  # fmt: skip


ROWS: dict[str, tuple[Flow[Any], Callable[[], models.Model]]] = {
    "evaluation.scheme": (SCHEME_FLOW, _scheme),
    "evaluation.run": (RUN_FLOW, _run),
    "evaluation.computation": (RUN_STATE_FLOW, _run),
    "indicators.import": (IMPORT_JOB_FLOW, _import_job),
    "pilots.registry_import": (REGISTRY_IMPORT_FLOW, _registry_import),
    "evaluation.bulletin": (BULLETIN_FLOW, _bulletin),
    "evaluation.objection": (OBJECTION_FLOW, _objection),
    "evaluation.warning": (WARNING_FLOW, _warning),
    "evaluation.elimination": (ELIMINATION_FLOW, _elimination),
    "contacts.submission": (SUBMISSION_FLOW, _contact_submission),
    "exchange.difficulty": (DIFFICULTY_FLOW, _difficulty),
    "exchange.escalation": (ESCALATION_FLOW, _difficulty),
    "experiences.experience": (EXPERIENCE_FLOW, _experience),
    "portal.news": (NEWS_FLOW, _news),
    "notifications.mail": (MAIL_FLOW, _mail),
    "accounts.change": (ACCOUNT_CHANGE_FLOW, _account_change),
    "plans.version": (PLAN_FLOW, _plan_version),
    "plans.milestone": (MILESTONE_FLOW, _milestone),
    "indicators.value": (VALUE_FLOW, _value),
    "indicators.quality": (ISSUE_FLOW, _issue),
    "pilots.pilot": (PILOT_FLOW, _pilot),
    "reporting.report": (PILOT_REPORT_FLOW, _pilot_report),
    "reporting.province_report": (PROVINCE_REPORT_FLOW, _province_report),
}


def test_every_flow_is_walked_and_every_map_is_as_the_programme_wants() -> None:
    assert {flow.action_prefix for flow in FLOWS} == set(EXPECTED) == set(ROWS)
    for flow in FLOWS:
        assert {k: set(v) for k, v in flow.moves.items()} == EXPECTED[flow.action_prefix], flow.action_prefix


def test_every_model_with_a_status_has_a_flow() -> None:
    """A status or state field (a new app's included) changes only through a declared flow."""
    with_flow = {(flow.model, flow.status_field) for flow in FLOWS}
    for model in apps.get_models():
        if not model.__module__.startswith("shidian."):
            continue
        for name in ("status", "state"):
            field = next((f for f in model._meta.get_fields() if f.name == name), None)
            if isinstance(field, models.CharField) and field.choices:
                assert (model, name) in with_flow, f"{model._meta.label}.{name} changes through no transitions.Flow"


def test_pilot_and_province_reports_name_their_shared_statuses_alike() -> None:
    for name in ("DRAFT", "SUBMITTED", "RETURNED"):
        assert ReportStatus[name].value == ProvinceStatus[name].value


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_walk_the_map(prefix: str, user: Callable[[str], User]) -> None:
    flow, make = ROWS[prefix]
    obj = make()
    actor = user("demo-national")
    rows = flow.model._default_manager.filter(pk=obj.pk)
    statuses = list(flow.statuses.values)
    for current in statuses:
        for to in statuses:
            rows.update(**{flow.status_field: current})
            events = AuditEvent.objects.count()
            if to in EXPECTED[prefix][current]:
                moved = transitions.move(obj, to, flow=flow, by=actor)
                assert getattr(moved, flow.status_field) == to
                assert rows.values_list(flow.status_field, flat=True).get() == to
                event = AuditEvent.objects.order_by("-pk").first()
                assert AuditEvent.objects.count() == events + 1 and event is not None
                assert event.action == flow.action_for(to)
                assert event.object_id == str(obj.pk) and event.actor_id == actor.pk
                assert event.changes == ({flow.status_field: [current, to]} if current != to else {})
            else:
                with pytest.raises(MoveRefused):
                    transitions.move(obj, to, flow=flow, by=actor)
                assert rows.values_list(flow.status_field, flat=True).get() == current, (current, to)
                # The refusal is audited, and only the refusal.
                refused = AuditEvent.objects.order_by("-pk").first()
                assert AuditEvent.objects.count() == events + 1 and refused is not None, (current, to)
                assert (refused.action, refused.success) == (AuditAction.MOVE_REFUSED, False)
                assert refused.detail["from"] == current and refused.detail["to"] == to
                assert refused.object_id == str(obj.pk) and refused.actor_id == actor.pk


def test_a_failing_step_after_the_map_check_writes_nothing(user: Callable[[str], User]) -> None:
    from shidian.core.errors import DomainError

    pilot = _pilot()
    events = AuditEvent.objects.count()

    def apply(locked: PilotArea) -> transitions.Effects:
        locked.name = "改名"
        raise DomainError("refused")

    with pytest.raises(DomainError):
        transitions.move(pilot, "warned", flow=PILOT_FLOW, by=user("demo-national"), apply=apply)
    fresh = PilotArea.objects.get(pk=pilot.pk)
    assert (fresh.status, fresh.name) == ("active", "柳州市")
    assert AuditEvent.objects.count() == events


def test_a_flow_whose_map_forgets_a_status_is_refused_at_import() -> None:
    with pytest.raises(ValueError, match="misses"):
        Flow(model=PilotArea, statuses=ReportStatus, moves={"draft": frozenset()}, action_prefix="x")
