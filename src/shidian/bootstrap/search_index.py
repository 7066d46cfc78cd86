"""Fill the search index (core.search) with what the apps below have accepted or issued.

Experiences index themselves when they are published (experiences.services, in the publication's transaction).
Accepted pilot reports and issued bulletins belong to apps that sit beside or above experiences, and core may not
import them, so this module, above them all, indexes them:

- after each transaction that accepted a report, saved a bulletin or published a run (``refresh_search_index``,
  registered with ``core.audit.after_commit`` in ``BootstrapConfig.ready``): the bulletins again (a handful a
  year) and the accepted reports not yet indexed (an accepted report is final);
- wholly at the end of ``load_demo`` and through the ``rebuild_search_index`` command (run it after a restore, a
  dictionary change, or nightly: a bulletin dated ahead becomes public on its day, with no event).
"""

from __future__ import annotations

from django.urls import reverse

from shidian.core import clock, search
from shidian.core.audit_actions import AuditAction
from shidian.core.models import SearchEntry
from shidian.core.roles import Capability
from shidian.evaluation.models import Bulletin, BulletinStatus, RunStatus
from shidian.experiences import services as experience_services
from shidian.reporting.models import PilotReport, ReportStatus

REPORT = "report"
BULLETIN = "bulletin"


def index_accepted_reports(*, only_new: bool = False) -> int:
    """The latest version of every accepted pilot report: scoped to its pilot, readable with VIEW_REPORTS.

    ``only_new`` indexes only the accepted reports the index does not hold yet and removes nothing.
    """
    reports = PilotReport.objects.filter(status=ReportStatus.ACCEPTED).select_related("pilot", "round")
    if only_new:
        indexed = SearchEntry.objects.filter(kind=REPORT).values("object_id")
        reports = reports.exclude(pk__in=indexed)
    kept = []
    for report in reports.prefetch_related("versions"):
        versions = sorted(report.versions.all(), key=lambda v: v.number)
        if not versions:
            continue
        latest = versions[-1]
        text = "\n".join(f"{heading}\n{body}" for _name, heading, body in latest.sections() if body)
        search.index_entry(
            kind=REPORT,
            object_id=report.pk,
            title=f"{report.pilot.name} {report.round}",
            text=text,
            url=reverse("reporting:report", kwargs={"report_id": report.pk}),
            published=False,
            capability=Capability.VIEW_REPORTS,
            province_id=report.pilot.province_id,
            pilot_id=report.pilot_id,
            dated=latest.submitted_at.date(),
        )
        kept.append(report.pk)
    if not only_new:
        search.remove_kind(REPORT, keep=kept)
    return len(kept)


def index_issued_bulletins() -> int:
    """Issued bulletins of published evaluation runs dated up to today: public."""
    bulletins = Bulletin.objects.filter(
        run__status=RunStatus.PUBLISHED, status=BulletinStatus.ISSUED, issued_on__lte=clock.today()
    )
    kept = []
    for bulletin in bulletins.select_related("run"):
        text = "\n".join(p for p in (bulletin.number, bulletin.experiences, bulletin.problems) if p)
        search.index_entry(
            kind=BULLETIN,
            object_id=bulletin.pk,
            title=bulletin.title,
            text=text,
            url=reverse("evaluation:run", kwargs={"run_id": bulletin.run_id}) + "#bulletin",
            published=True,
            province_id=None,
            pilot_id=None,
            dated=bulletin.issued_on,
        )
        kept.append(bulletin.pk)
    search.remove_kind(BULLETIN, keep=kept)
    return len(kept)


REFRESHED_AFTER = frozenset(
    {AuditAction.REPORT_ACCEPTED, AuditAction.BULLETIN_SAVED, AuditAction.BULLETIN_ISSUED, AuditAction.RUN_PUBLISHED}
)


def wants_refresh(action: str) -> bool:
    return action in REFRESHED_AFTER


def refresh_search_index() -> None:
    """After commit of an acceptance or an issue: index the new accepted reports and the issued bulletins."""
    index_accepted_reports(only_new=True)
    index_issued_bulletins()


def rebuild_search_index() -> dict[str, int]:
    """Re-index every kind (idempotent: entries of objects no longer there are removed)."""
    return {
        "experiences": experience_services.reindex_experiences(),
        "reports": index_accepted_reports(),
        "bulletins": index_issued_bulletins(),
    }
