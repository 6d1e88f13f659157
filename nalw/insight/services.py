"""Reporting a gap or barrier, changing and withdrawing it, and staff hiding it: the rules in one place."""

import sqlalchemy as sa

from nalw.core.audit import record_audit
from nalw.core.errors import DomainError
from nalw.core.time import london_today, utcnow
from nalw.extensions import db
from nalw.insight.identifiers import identifying_details
from nalw.insight.local_authorities import region_of
from nalw.insight.models import DESCRIPTION_LENGTH, HIDDEN_REASON_LENGTH, Report, ReportStatus
from nalw.members import services as member_services

PER_PAGE = 20


class InsightError(DomainError):
    """An insight rule refused the change."""


class NotInGoodStanding(InsightError):
    pass


def membership_in_good_standing(person):
    """The person's own (not an organisation's) membership when it is active or in grace, else None."""
    membership = member_services.current_membership(person)
    return membership if membership is not None and membership.in_good_standing else None


def report_refusals(*, region, local_authority, description, **_other_values) -> list[InsightError]:
    """Every problem with a report's values at once: a description that could identify someone (an email
    address, phone number, NHS number or full postcode), and an area not on the list or not in the region
    (when the region is known: None skips that check)."""
    refusals = [InsightError(message, field="description") for message in identifying_details(description or "")]
    if not (description or "").strip():
        refusals.append(InsightError("Enter a short description of the gap or barrier.", field="description"))
    elif len(description) > DESCRIPTION_LENGTH:
        refusals.append(
            InsightError(f"Description must be {DESCRIPTION_LENGTH} characters or fewer.", field="description")
        )
    if local_authority:
        area_region = region_of(local_authority)
        if area_region is None:
            refusals.append(
                InsightError(
                    "Choose the local authority area from the list, or leave it blank.", field="local_authority"
                )
            )
        elif region is not None and area_region is not region:
            refusals.append(
                InsightError(
                    f"{local_authority} is in {area_region.label}, not {region.label}. "
                    "Choose the region it is in, or leave the area blank.",
                    field="local_authority",
                )
            )
    return refusals


def _checked_values(theme, region, local_authority, affected, service_state, description):
    """A report's values as stored, or the first refusal of `report_refusals`."""
    values = {
        "theme": theme,
        "region": region,
        "local_authority": local_authority or "",
        "affected": affected,
        "service_state": service_state,
        "description": description.strip(),
    }
    refusals = report_refusals(**values)
    if refusals:
        raise refusals[0]
    return values


def make_report(person, *, theme, region, local_authority, affected, service_state, description) -> Report:
    """A member in good standing reports a gap or barrier; the description must not identify anyone."""
    if membership_in_good_standing(person) is None:
        raise NotInGoodStanding(
            "Only members in good standing can report gaps and barriers. Renew your membership to report one."
        )
    values = _checked_values(theme, region, local_authority, affected, service_state, description)
    report = Report(reporter_id=person.id, reported_on=london_today(), **values)
    db.session.add(report)
    db.session.flush()
    return report


def change_refusal(person, report) -> str | None:
    """Why `person` may not change `report`, or None when they may (their own, still active)."""
    if report.reporter_id != person.id:
        return "This is not one of your reports."
    if report.status is not ReportStatus.ACTIVE:
        return f"This report is {report.status.label.lower()}: it can no longer be changed."
    return None


def require_own_active(person, report):
    InsightError.refuse_if(change_refusal(person, report))


def edit_report(person, report, *, theme, region, local_authority, affected, service_state, description) -> Report:
    """A member corrects their own active report; the same rules as reporting it apply. It keeps its date."""
    require_own_active(person, report)
    values = _checked_values(theme, region, local_authority, affected, service_state, description)
    for name, value in values.items():
        setattr(report, name, value)
    db.session.flush()
    return report


def withdraw_report(person, report):
    """A member withdraws their own report: it leaves every figure, and staff no longer see it."""
    require_own_active(person, report)
    report.status = ReportStatus.WITHDRAWN
    report.withdrawn_at = utcnow()
    db.session.flush()


def hide_report(actor, report, reason):
    """Staff hide an active report (it identifies someone, it is abuse, it is not a gap or barrier) with a
    reason; it leaves every figure. Audited."""
    reason = (reason or "").strip()
    if not reason:
        raise InsightError("Enter the reason for hiding this report.", field="reason")
    if len(reason) > HIDDEN_REASON_LENGTH:
        raise InsightError(f"The reason must be {HIDDEN_REASON_LENGTH} characters or fewer.", field="reason")
    if report.status is not ReportStatus.ACTIVE:
        raise InsightError(f"This report is already {report.status.label.lower()}.")
    report.status = ReportStatus.HIDDEN
    report.hidden_at = utcnow()
    report.hidden_by_id = actor.id
    report.hidden_reason = reason
    record_audit(
        actor,
        "insight.report_hidden",
        report,
        before={"status": ReportStatus.ACTIVE.value},
        after={"status": ReportStatus.HIDDEN.value, "reason": reason},
        summary=f"Hid report {report.id}: {reason}",
    )
    db.session.flush()


def own_reports(person):
    """The person's reports, newest first (a statement to page)."""
    return (
        sa.select(Report).where(Report.reporter_id == person.id).order_by(Report.reported_on.desc(), Report.id.desc())
    )
