"""Every edit form shows what is stored, and posting it back unchanged changes nothing.

Each case opens an edit page as the object's owner, parses the form out of the HTML exactly as a browser
would submit it (inputs with their values, checked boxes only, selected options, textarea text), posts
it back and compares every field of the objects before and after. Every form class of the platform must
be either covered here or named as a form that does not edit stored data, so a new form cannot slip by.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.validators import MaxValueValidator
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from shidian.accounts.models import User
from shidian.core import forms as core_forms

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


# -- parsing a form as a browser submits it -------------------------------------------------------


@dataclass
class ParsedForm:
    action: str
    fields: list[tuple[str, str]]
    attrs: dict[str, str]


def _sanitised(kind: str, value: str) -> str:
    """The value a browser keeps (HTML value sanitisation): a date box drops anything but YYYY-MM-DD."""
    if kind == "date":
        return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else ""
    if kind == "number":
        return value if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value) else ""
    return value


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[ParsedForm] = []
        self._form: ParsedForm | None = None
        self._select: tuple[str, bool] | None = None
        self._select_seen: list[str] = []
        self._select_chosen: list[str] = []
        self._option: dict[str, str] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        if tag == "form":
            self._form = ParsedForm(action=attrs.get("action", ""), fields=[], attrs=attrs)
            self.forms.append(self._form)
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name", "")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "file", "image"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form.fields.append((name, attrs.get("value", "on")))
                return
            self._form.fields.append((name, _sanitised(kind, attrs.get("value", ""))))
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs)
            self._select_seen, self._select_chosen = [], []
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = attrs, ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._text += data

    def _close_option(self) -> None:
        if self._option is not None:
            value = self._option.get("value", self._option_text.strip())
            self._select_seen.append(value)
            if "selected" in self._option:
                self._select_chosen.append(value)
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._close_option()
        elif tag == "select" and self._select is not None and self._form is not None:
            self._close_option()
            name, multiple = self._select
            chosen = self._select_chosen or ([] if multiple or not self._select_seen else self._select_seen[:1])
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text  # as browsers do
            self._form.fields.append((self._textarea, text.replace("\r\n", "\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def parse_forms(html: str) -> list[ParsedForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def the_form(html: str, *, action: str | None = None, testid: str | None = None) -> ParsedForm:
    found = [
        f
        for f in parse_forms(html)
        if (action is None or f.action == action) and (testid is None or f.attrs.get("data-testid") == testid)
    ]
    assert len(found) == 1, f"expected one form (action={action}, testid={testid}), found {len(found)}"
    return found[0]


def as_post(form: ParsedForm, **extra: str) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    for name, value in extra.items():
        data[name] = [value]
    return data


# -- comparing everything stored --------------------------------------------------------------------


def snapshot(*objects: Model) -> dict[str, Any]:
    """Every concrete and many-to-many field of ``objects``, read fresh from the database."""
    result: dict[str, Any] = {}
    for obj in objects:
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        for field in fresh._meta.concrete_fields:
            result[f"{fresh._meta.label}:{fresh.pk}.{field.attname}"] = getattr(fresh, field.attname)
        for m2m in fresh._meta.many_to_many:
            ids = sorted(getattr(fresh, m2m.name).values_list("pk", flat=True))
            result[f"{fresh._meta.label}:{fresh.pk}.{m2m.name}"] = ids
    return result


def assert_round_trip(
    client: Client, page: str, objects: Callable[[], list[Model]], *, action: str | None = None, **pick: Any
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    form = the_form(response.content.decode(), action=action, **pick)
    target = form.action or page
    before = snapshot(*objects())
    posted = client.post(target, as_post(form), follow=True)
    assert posted.status_code == 200, posted.status_code
    errors = [str(m) for m in posted.context["messages"] if m.level_tag == "error"] if posted.context else []
    assert not errors, errors
    after = snapshot(*objects())
    changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not changed, changed


# -- the edit forms ---------------------------------------------------------------------------------


def _plan_with_everything(user: Callable[[str], User]) -> Any:
    """A plan with a task whose every field is set, and a done milestone with a note and finish date."""
    from shidian.plans import services
    from shidian.plans.models import Milestone
    from shidian.plans.tests import factories

    plan, version, tasks, milestones = factories.make_plan(milestones=3)
    officer = factories.officer_for(factories.pilot())
    task = tasks[0]
    supporting = factories.department(plan.pilot, "柳州市发展改革委（测试）")
    services.update_task(
        task=task,
        by=officer,
        supporting_departments=[supporting],
        responsible_name="张三",
        responsible_contact="0772-1234567",
        deadline=dt.date(2020, 6, 30),
        weight=3,
        use_working_days=True,
    )
    services.update_plan_texts(
        version=version, implementation_plan="实施方案\n第二行", action_plan="行动计划", by=officer
    )
    services.update_milestone_progress(
        milestone=milestones[0],
        progress_percent=100,
        status="done",
        note="已完成调研",
        finished_on=dt.date(2017, 5, 2),
        by=factories.department_user_for(task.lead_department),
    )
    first = Milestone.objects.get(pk=milestones[0].pk)
    return plan, version, task, first, milestones


def case_task_edit(client_as: ClientAs, user: Callable[[str], User]) -> None:
    _plan, _version, task, _first, milestones = _plan_with_everything(user)
    page = reverse("plans:edit_task", kwargs={"task_id": task.pk})
    assert_round_trip(client_as("demo-pilot"), page, lambda: [task, *milestones], testid="task-edit-form")


def case_plan_texts(client_as: ClientAs, user: Callable[[str], User]) -> None:
    plan, version, _task, _first, _ms = _plan_with_everything(user)
    page = reverse("plans:plan", kwargs={"pilot_id": plan.pilot_id})
    action = reverse("plans:texts", kwargs={"plan_version_id": version.pk})
    assert_round_trip(client_as("demo-pilot"), page, lambda: [version], action=action)


def case_milestone_progress(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.plans.tests import factories

    _plan, _version, task, first, _ms = _plan_with_everything(user)
    owner = factories.department_user_for(task.lead_department)
    client = Client()
    client.force_login(owner)
    page = reverse("plans:milestone", kwargs={"milestone_id": first.pk})
    assert_round_trip(client, page, lambda: [first], action="")


def case_milestone_dependencies(client_as: ClientAs, user: Callable[[str], User]) -> None:
    _plan, _version, task, _first, milestones = _plan_with_everything(user)
    page = reverse("plans:milestone", kwargs={"milestone_id": milestones[2].pk})
    assert_round_trip(client_as("demo-pilot"), page, lambda: [task, *milestones], testid="dependencies-form")


def case_pilot_report_draft(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.reporting.tests import factories

    report = factories.filled_report(user("demo-pilot"), factories.year_end(2017))
    page = reverse("reporting:report", kwargs={"report_id": report.pk})
    action = reverse("reporting:report_autosave", kwargs={"report_id": report.pk})
    assert_round_trip(client_as("demo-pilot"), page, lambda: [report], action=action)


def case_round_dues(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.reporting.tests import factories

    reporting_round = factories.year_end(2017)
    action = reverse("reporting:round_dues", kwargs={"round_id": reporting_round.pk})
    assert_round_trip(client_as("demo-national"), reverse("reporting:home"), lambda: [reporting_round], action=action)


def case_indicator_entry(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.core.periods import Period
    from shidian.indicators import services
    from shidian.indicators.models import IndicatorPeriod, IndicatorValue
    from shidian.pilots.models import PilotArea

    liuzhou = PilotArea.objects.get(name="柳州市")
    IndicatorPeriod.objects.filter(code="2018").update(is_open=True)
    services.save_values(
        pilot=liuzhou,
        period=Period(2018),
        values={"resident_population": "400.5", "urban_rate_resident": "58.25"},
        submit=False,
        by=user("demo-pilot"),
    )
    page = reverse("indicators:entry", kwargs={"pilot_id": liuzhou.pk, "period": "2018"})

    def stored() -> list[Model]:
        return list(IndicatorValue.objects.filter(pilot=liuzhou))

    count = len(stored())
    assert_round_trip(client_as("demo-pilot"), page, stored, testid="entry-form")
    assert len(stored()) == count


def case_indicator_targets(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.indicators import services
    from shidian.indicators.models import PilotTarget
    from shidian.pilots.models import PilotArea

    liuzhou = PilotArea.objects.select_related("batch").get(name="柳州市")
    stage = services.stage_year(liuzhou)
    services.set_pilot_targets(
        pilot=liuzhou,
        targets={("urban_rate_resident", stage): "58", ("urban_rate_resident", liuzhou.batch.programme_end_year): "62"},
        source="工作方案",
        by=user("demo-pilot"),
    )
    page = reverse("indicators:targets", kwargs={"pilot_id": liuzhou.pk})
    assert_round_trip(client_as("demo-pilot"), page, lambda: list(PilotTarget.objects.filter(pilot=liuzhou)), action="")


def case_province_report_draft(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.regions.models import Province
    from shidian.reporting import services
    from shidian.reporting.tests import factories

    reporting_round = factories.year_end(2017)
    factories.submitted_report(user("demo-pilot"), reporting_round)
    guangxi = Province.objects.get(name="广西壮族自治区")
    report = services.open_province_report(province=guangxi, reporting_round=reporting_round, by=user("demo-province"))
    page = reverse("reporting:province_report", kwargs={"province_report_id": report.pk})
    action = reverse("reporting:province_report_save", kwargs={"province_report_id": report.pk})
    pilot_texts = list(report.pilot_texts.all()) if hasattr(report, "pilot_texts") else []
    assert_round_trip(client_as("demo-province"), page, lambda: [report, *pilot_texts], action=action)


def case_evaluation_scheme(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.evaluation.tests import factories

    scheme = factories.scheme(2018, scoring_opens_on=dt.date(2019, 1, 10), scoring_closes_on=dt.date(2019, 1, 31))
    page = reverse("evaluation:scheme", kwargs={"year": 2018})
    assert_round_trip(
        client_as("demo-national"), page, lambda: [scheme, *scheme.dimensions.all()], testid="scheme-form"
    )


def case_evaluation_rules(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.evaluation.tests import factories

    scheme = factories.scheme(2018)
    page = reverse("evaluation:scheme", kwargs={"year": 2018})
    assert_round_trip(client_as("demo-national"), page, lambda: [scheme], testid="rules-form")


def case_expert_score(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.core import clock
    from shidian.evaluation import services
    from shidian.evaluation.tests import factories

    scheme = factories.scheme(2018, scoring_opens_on=dt.date(2019, 1, 10), scoring_closes_on=dt.date(2019, 1, 31))
    expert = factories.expert("round-trip-expert", province="北京市")
    assignment = services.assign_expert(
        expert=expert, pilot=factories.liuzhou(), scheme=scheme, by=user("demo-national")
    )
    with clock.travel_to(dt.date(2019, 1, 20)):
        services.save_expert_scores(
            assignment=assignment,
            scores={"reform": "80.5", "results": "70", "replicable": "60"},
            comments={"reform": "有突破"},
            comment="总体较好\n第二行",
            by=expert,
        )
        client = Client()
        client.force_login(expert)
        page = reverse("evaluation:score", kwargs={"assignment_id": assignment.pk})
        assert_round_trip(client, page, lambda: [assignment, *assignment.scores.all()], testid="score-form")


def case_bulletin(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.evaluation import services
    from shidian.evaluation.tests import factories

    factories.only_pilots([factories.liuzhou()])
    run = services.publish_run(run=factories.computed_run(factories.scheme(2018)), by=user("demo-national"))
    bulletin = services.save_bulletin(
        run=run,
        title="通报",
        experiences="一\n二",
        problems="三",
        by=user("demo-national"),
    )
    page = reverse("evaluation:run", kwargs={"run_id": run.pk})
    assert_round_trip(client_as("demo-national"), page, lambda: [bulletin], testid="bulletin-form")


def case_contact(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.contacts import services
    from shidian.contacts.models import ContactEntry
    from shidian.core import clock
    from shidian.pilots.models import PilotArea

    liuzhou = PilotArea.objects.get(name="柳州市")
    province = user("demo-province")
    with clock.travel_to(dt.date(2016, 11, 25)):
        contact_round = services.open_contact_round(
            title="第三批试点联系人", batch_numbers=[liuzhou.batch.number], due_on=dt.date(2016, 12, 9),
            by=user("demo-national"),
        )  # fmt: skip
        services.record_contact(  # recorded in this round already: posting it back unchanged confirms nothing new
            by=province,
            pilot=liuzhou,
            contact_round=contact_round,
            values={
                "leader_name": "张三", "leader_post": "副市长", "leader_organisation": "柳州市人民政府",
                "contact_name": "李四", "contact_organisation_post": "柳州市发展改革委规划科科长",
                "office_phone": "0772-2801234转12", "mobile": "13907720000", "fax": "(0772)2801235",
                "email": "lisi@example.com",
            },
        )  # fmt: skip
        page = reverse(
            "contacts:edit_pilot",
            kwargs={"contact_round_id": contact_round.pk, "province_id": liuzhou.province_id, "pilot_id": liuzhou.pk},
        )
        assert_round_trip(
            client_as("demo-province"), page, lambda: list(ContactEntry.objects.filter(pilot=liuzhou)), action=""
        )


def case_email_preferences(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.notifications import services
    from shidian.notifications.models import EmailPreference
    from shidian.notifications.registry import Kind

    pilot = user("demo-pilot")
    services.set_email_preferences(user=pilot, wanted={kind: kind != Kind.DUE for kind in Kind.values})
    assert_round_trip(
        client_as("demo-pilot"),
        reverse("notifications:preferences"),
        lambda: list(EmailPreference.objects.filter(user=pilot).order_by("kind")),
        testid="preferences-form",
    )


def case_routing(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.exchange import services
    from shidian.exchange.models import RoutingRule

    services.ensure_routing()  # land: a lead and two co-handlers, all shown checked and posted back
    assert_round_trip(
        client_as("demo-national"),
        reverse("exchange:edit_routing", kwargs={"category": "land"}),
        lambda: list(RoutingRule.objects.filter(category="land")),
        testid="routing-form",
    )
    rule = RoutingRule.objects.get(category="land")
    assert rule.co_handlers.count() == 2


def case_experience(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.experiences.tests import factories

    experience = factories.draft(summary="摘要\n第二行", body="正文\n\n第二段")
    page = reverse("experiences:edit", kwargs={"experience_id": experience.pk})
    assert_round_trip(
        client_as("demo-pilot"), page, lambda: [experience, *experience.results.all()], testid="experience-form"
    )


def case_news(client_as: ClientAs, user: Callable[[str], User]) -> None:
    from shidian.portal import services
    from shidian.portal.demo import demo_picture

    officer = user("demo-province")
    item = services.create_news(
        title="标题", summary="摘要", body="第一段。\n\n第二段。", image=demo_picture(3), image_alt="图", by=officer
    )
    item = services.publish_news(item=item, by=officer)
    page = reverse("news:edit", kwargs={"news_id": item.pk})
    assert_round_trip(client_as("demo-province"), page, lambda: [item], testid="news-form")


# Which form classes each case renders and posts back.
EDIT_CASES: dict[str, tuple[Callable[[ClientAs, Callable[[str], User]], None], set[str]]] = {
    "task": (case_task_edit, {"shidian.plans.forms.TaskForm"}),
    "plan texts": (case_plan_texts, {"shidian.plans.forms.TextsForm"}),
    "milestone progress": (case_milestone_progress, {"shidian.plans.forms.ProgressForm"}),
    "milestone dependencies": (case_milestone_dependencies, {"shidian.plans.forms.DependenciesForm"}),
    "pilot report draft": (case_pilot_report_draft, {"shidian.reporting.forms.PilotDraftForm"}),
    "round dues": (case_round_dues, {"shidian.reporting.forms.RoundDuesForm"}),
    "indicator entry": (case_indicator_entry, {"shidian.indicators.forms.EntryForm"}),
    "indicator targets": (case_indicator_targets, set()),  # a hand-written form
    "province report draft": (case_province_report_draft, set()),  # a hand-written form
    "evaluation scheme": (case_evaluation_scheme, {"shidian.evaluation.forms.SchemeForm"}),
    "evaluation rules": (case_evaluation_rules, {"shidian.evaluation.forms.RulesForm"}),
    "expert score": (case_expert_score, {"shidian.evaluation.forms.ExpertScoreForm"}),
    "bulletin": (case_bulletin, {"shidian.evaluation.forms.BulletinForm"}),
    "contact": (case_contact, {"shidian.contacts.forms.ContactForm"}),
    "e-mail preferences": (case_email_preferences, {"shidian.notifications.forms.PreferencesForm"}),
    "routing": (case_routing, {"shidian.exchange.forms.RoutingForm"}),
    "experience": (case_experience, {"shidian.experiences.forms.ExperienceForm"}),
    "news": (case_news, {"shidian.portal.forms.NewsForm"}),
}

# Forms that do not edit stored data: each adds something new, moves a status, uploads or filters.
NOT_EDIT_FORMS = {
    "shidian.plans.forms.GoalForm": "adds a goal",
    "shidian.plans.forms.MilestoneForm": "adds a milestone",
    "shidian.plans.forms.ReviewForm": "a review decision",
    "shidian.plans.forms.EvidenceForm": "uploads a file",
    "shidian.plans.forms.MemberForm": "appoints a new member",
    "shidian.plans.forms.EndMemberForm": "ends a term",
    "shidian.plans.forms.AnnualGoalForm": "adds an annual goal",
    "shidian.plans.forms.PlanUploadForm": "uploads a plan",
    "shidian.reporting.forms.CommentForm": "a review comment",
    "shidian.reporting.forms.TagForm": "adds a tag",
    "shidian.reporting.forms.AttachmentForm": "uploads a file",
    "shidian.reporting.forms.OpenReportForm": "opens a report",
    "shidian.indicators.forms.ImportForm": "uploads values",
    "shidian.indicators.forms.ReturnForm": "returns values with a reason",
    "shidian.indicators.forms.FollowUpForm": "moves a quality issue to a chosen status",
    "shidian.indicators.forms.QualityFilterForm": "filters a list",
    "shidian.pilots.forms.PilotFilterForm": "filters a list",
    "shidian.notifications.forms.InboxFilterForm": "filters a list",
    "shidian.core.forms.AuditFilterForm": "filters the audit trail",
    "shidian.pilots.forms.RegistryUploadForm": "uploads the registry",
    "shidian.pilots.forms.StatusChangeForm": "moves a pilot to a chosen status",
    "shidian.accounts.forms.PasswordChangeForm": "sets a new password",
    "shidian.regions.forms.MapUploadForm": "uploads a map",
    "shidian.core.filters.ListFilter": "filters a list (base)",
    "shidian.reporting.filters.NationalInboxFilter": "filters a list",
    "shidian.reporting.filters.AwaitingFilter": "filters a list",
    "shidian.indicators.filters.OffTrackFilter": "filters a list",
    "shidian.plans.filters.PlanListFilter": "filters a list",
    "shidian.evaluation.forms.NewSchemeForm": "creates a scheme",
    "shidian.evaluation.forms.AssignForm": "adds an assignment",
    "shidian.evaluation.forms.AssessmentForm": "sets a chosen pilot's assessment",
    "shidian.evaluation.forms.ObjectionForm": "files an objection",
    "shidian.evaluation.forms.AnswerForm": "answers an objection (a status move)",
    "shidian.evaluation.forms.DecisionForm": "a decision (a status move)",
    "shidian.evaluation.forms.RectificationForm": "records a rectification's outcome",
    "shidian.evaluation.filters.ResultFilter": "filters a list",
    "shidian.contacts.forms.RoundForm": "opens a new contact round",
    "shidian.contacts.forms.ListForm": "filters a list",
    "shidian.portal.forms.PublicFilterForm": "filters the public registry",
    "shidian.portal.forms.PublicSearchForm": "searches the portal's published content",
    "shidian.api.views.TokenForm": "creates a new access token",
    "shidian.exchange.forms.RaiseForm": "raises a new difficulty",
    "shidian.exchange.forms.AnswerForm": "answers a difficulty (a status move)",
    "shidian.exchange.forms.OpinionForm": "adds a co-handler's opinion",
    "shidian.exchange.forms.CloseForm": "closes a difficulty with a rating (a status move)",
    "shidian.exchange.forms.ReopenForm": "reopens a difficulty (a status move)",
    "shidian.exchange.forms.NoticeForm": "sends a new notice",
    "shidian.exchange.forms.DifficultyFilter": "filters a list",
    "shidian.exchange.views.difficulties._Empty": "accepts a difficulty (a status move)",
    "shidian.experiences.forms.CommentForm": "a review comment (a status move)",
    "shidian.experiences.forms.SelectForm": "selects into a batch (a status move)",
    "shidian.experiences.forms.BatchForm": "creates a promotion batch",
    "shidian.experiences.forms.FileForm": "uploads a file",
    "shidian.experiences.forms.AdoptionForm": "records an adoption",
    "shidian.experiences.forms.ListForm": "filters a list",
    "shidian.experiences.forms.SearchForm": "a search query",
    # The admin's change forms are covered by test_admin_change_forms_round_trip below.
    "shidian.indicators.admin.IndicatorForm": "admin",
    "shidian.accounts.admin.UserAdminForm": "admin",
}


def _all_subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def platform_forms() -> set[type]:
    """Every form class the platform defines (forms modules and admin modules of every app)."""
    for config in apps.get_app_configs():
        if config.name.startswith("shidian."):
            for module in ("forms", "admin", "views"):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.{module}":
                        raise
    return {
        cls
        for cls in _all_subclasses(forms.BaseForm)
        if cls.__module__.startswith("shidian.")
        and ".tests" not in cls.__module__
        and cls not in (core_forms.Form, core_forms.ModelForm)
        and not cls.__name__.endswith("FormFormSet")
        and "django.forms.models" not in cls.__module__
    }


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_every_form_is_covered_by_a_round_trip_or_named_as_not_editing() -> None:
    named = {n for _case, covered in EDIT_CASES.values() for n in covered} | set(NOT_EDIT_FORMS)
    found = {_name(cls) for cls in platform_forms()}
    assert found - named == set(), "add a round-trip case (or a reason) for these forms"
    assert named - found == set(), "these names no longer exist"


def test_every_form_derives_from_the_cleaning_base() -> None:
    """So control characters are stripped, date boxes carry ISO values and dates are bounded everywhere."""
    strays = {_name(cls) for cls in platform_forms() if not issubclass(cls, (core_forms.Form, core_forms.ModelForm))}
    assert strays == set()


def _bounded(cls: type, name: str, field: forms.Field) -> bool:
    """An upper bound on the form field, its digits, or (model forms) the model field's range validators."""
    if getattr(field, "max_value", None) is not None or getattr(field, "max_digits", None) is not None:
        return True
    meta = getattr(cls, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return False
    validators = model._meta.get_field(name).validators
    return any(isinstance(v, MaxValueValidator) for v in validators)


def test_every_number_field_of_every_form_is_bounded() -> None:
    """A weight of 10^20 or a 740,000-day duration is a field error, never an overflow further down."""
    for cls in platform_forms():
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
                assert _bounded(cls, name, field), f"{_name(cls)}.{name} has no upper bound"


@pytest.mark.parametrize("case", sorted(EDIT_CASES))
def test_an_edit_form_posted_back_unchanged_changes_nothing(
    case: str, client_as: ClientAs, user: Callable[[str], User]
) -> None:
    EDIT_CASES[case][0](client_as, user)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_boxes_carry_iso_values_in_every_language(
    language: str, client_as: ClientAs, user: Callable[[str], User]
) -> None:
    _plan, _version, task, _first, _ms = _plan_with_everything(user)
    client = client_as("demo-pilot")
    client.cookies["django_language"] = language
    html = client.get(reverse("plans:edit_task", kwargs={"task_id": task.pk}), HTTP_ACCEPT_LANGUAGE=language)
    fields = dict(the_form(html.content.decode(), testid="task-edit-form").fields)
    assert fields["deadline"] == "2020-06-30"


def _admin_cases() -> list[str]:
    from shidian.core.admin import admin_site

    return sorted(model._meta.label for model in admin_site._registry)


@pytest.mark.parametrize("label", _admin_cases())
def test_admin_change_forms_round_trip(label: str, client_as: ClientAs, settings: Any, tmp_path: Any) -> None:
    """The admin's change form of every registered model, posted back unchanged, changes nothing."""
    settings.MEDIA_ROOT = tmp_path  # a made map boundary's file
    from shidian.core.admin import admin_site

    model = apps.get_model(label)
    model_admin = admin_site._registry[model]
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        assert label in _ONE_ROW, f"no {label} in the reference data: add how to make one to _ONE_ROW"
        obj = _ONE_ROW[label]()
    for username in ("demo-sysadmin", "demo-secadmin"):
        owner = User.objects.get(username=username)
        if model_admin.has_view_permission(_request_for(owner)):
            break
    else:
        raise AssertionError(f"no admin duty opens {label}: register it for one, or do not register it")
    client = Client()
    client.force_login(owner)
    page = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    if not model_admin.has_change_permission(_request_for(owner), obj):
        # Read-only in the admin (programme data): a post is refused and changes nothing.
        before = model_to_dict(model._default_manager.get(pk=obj.pk))
        assert client.post(page, {}).status_code in (403, 404)
        assert model_to_dict(model._default_manager.get(pk=obj.pk)) == before
        return
    response = client.get(page)
    assert response.status_code == 200
    form = the_form(response.content.decode(), action="")
    before = snapshot(obj)
    posted = client.post(page, as_post(form, _save="1"))
    assert posted.status_code == 302, _admin_errors(posted)
    after = snapshot(obj)
    changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not changed, changed


def _access_attempt() -> Model:
    from axes.models import AccessAttempt

    attempt: Model = AccessAttempt.objects.create(
        username="demo-pilot",
        ip_address="10.20.30.40",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/accounts/login/",
        get_data="",
        post_data="username=demo-pilot",
        failures_since_start=2,
    )
    return attempt


def _document_number() -> Model:
    from shidian.accounts.models import Organisation, OrganisationKind
    from shidian.core.documents.numbers import issue_document_number

    commission = Organisation.objects.get(kind=OrganisationKind.NATIONAL_DIVISION)
    return issue_document_number(organisation=commission, year=2019, subject="round-trip:1")


def _document_number_prefix() -> Model:
    from shidian.accounts.models import Organisation, OrganisationKind
    from shidian.core.models import DocumentNumberPrefix

    commission = Organisation.objects.get(kind=OrganisationKind.NATIONAL_DIVISION)
    return DocumentNumberPrefix.objects.create(organisation=commission, prefix="发改规划")


def _map_boundary() -> Model:
    from django.core.files.base import ContentFile

    from shidian.regions.models import MapBoundary

    boundary = MapBoundary(review_number="GS（2019）1822号", uploaded_by=User.objects.get(username="demo-sysadmin"))
    boundary.geojson.save("china.json", ContentFile(b'{"type": "FeatureCollection", "features": []}'), save=False)
    boundary.save()
    return boundary


def _expert() -> Model:
    from shidian.evaluation.tests import factories

    factories.expert("round-trip-admin-expert", province="北京市")
    from shidian.evaluation.models import Expert

    return Expert.objects.get(user__username="round-trip-admin-expert")


# Models with no row in the reference data: one is made so that their admin forms are posted back too.
_ONE_ROW: dict[str, Callable[[], Model]] = {
    "axes.AccessAttempt": _access_attempt,
    "core.DocumentNumber": _document_number,
    "core.DocumentNumberPrefix": _document_number_prefix,
    "regions.MapBoundary": _map_boundary,
    "evaluation.Expert": _expert,
}


def _request_for(user: User) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def _admin_errors(response: Any) -> Any:
    context = response.context or {}
    adminform = context.get("adminform")
    return adminform.form.errors if adminform is not None else response.status_code
