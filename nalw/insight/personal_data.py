"""What insight holds about a person, for their data download. On erasure the reports stay, counted in the
figures already published, linked to the anonymised person: a report describes a service, never its
reporter (descriptions that could identify anyone are refused)."""

import sqlalchemy as sa

from nalw.core.personal_data import personal_data_exporter
from nalw.extensions import db
from nalw.insight.models import Report


@personal_data_exporter("gap_and_barrier_reports")
def export_reports(person):
    reports = db.session.scalars(sa.select(Report).where(Report.reporter_id == person.id).order_by(Report.id))
    return [
        {
            "reported_on": report.reported_on.isoformat(),
            "theme": report.theme.value,
            "region": report.region.value,
            "local_authority": report.local_authority,
            "affected": report.affected.value,
            "service_state": report.service_state.value,
            "description": report.description,
            "status": report.status.value,
        }
        for report in reports
    ]
