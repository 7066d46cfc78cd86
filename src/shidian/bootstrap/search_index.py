"""Fill the search index (core.search) with what the apps below have accepted or issued.

Experiences index themselves when they are published (experiences.services). Accepted pilot reports and
issued bulletins belong to apps that sit beside or above experiences, and core may not import them, so this
module, above them all, rebuilds their part of the index: at the end of ``load_demo`` and through the
``rebuild_search_index`` command (run it after a restore, a dictionary change, or nightly).
"""

from __future__ import annotations

from django.urls import reverse

from shidian.core import clock, search
from shidian.core.roles import Capability
from shidian.evaluation.models import Bulletin, BulletinStatus, RunStatus
from shidian.experiences import services as experience_services
from shidian.reporting.models import PilotReport, ReportStatus

REPORT = "report"
BULLETIN = "bulletin"


def index_accepted_reports() -> int:
    """The latest version of every accepted pilot report: scoped to its pilot, readable with VIEW_REPORTS."""
    reports = PilotReport.objects.filter(status=ReportStatus.ACCEPTED).select_related("pilot", "round")
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


def rebuild_search_index() -> dict[str, int]:
    """Re-index every kind (idempotent: entries of objects no longer there are removed)."""
    return {
        "experiences": experience_services.reindex_experiences(),
        "reports": index_accepted_reports(),
        "bulletins": index_issued_bulletins(),
    }
