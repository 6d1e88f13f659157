"""What staff pages read about a person's CPD: the hours they logged in a year, as a column of a larger
query, and the CPD audits that drew them, each submission and review."""

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import raiseload, selectinload

from nalw.core.audit import AuditEntry
from nalw.core.cpd_years import CpdYear
from nalw.cpd.models import AuditSelection, CpdEntry, EntryStatus, Outcome, hours_from_quarters
from nalw.extensions import db


def complete_quarters_in(year: CpdYear, person_id):
    """The quarter hours of complete entries `person_id` (a column of the outer query) logged in `year`:
    a correlated subquery, read through the (person, date) index, so only the rows shown are summed."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(CpdEntry.quarter_hours), 0))
        .where(
            CpdEntry.person_id == person_id,
            CpdEntry.status == EntryStatus.COMPLETE,
            CpdEntry.done_on >= year.starts_on,
            CpdEntry.done_on <= year.ends_on,
        )
        .scalar_subquery()
    )


def audit_selections_of(person_id, *, with_profiles=False) -> list[AuditSelection]:
    """Every CPD audit that drew the person, with its outcome when reviewed, oldest first; `with_profiles`: with
    the entries chosen and the outcome per standard loaded too (else reading them raises)."""
    profiles = (AuditSelection.entries, AuditSelection.standard_outcomes)
    return db.session.scalars(
        sa.select(AuditSelection)
        .where(AuditSelection.person_id == person_id)
        .options(*(selectinload(part) if with_profiles else raiseload(part) for part in profiles))
        .order_by(AuditSelection.id)
    ).all()


@dataclass(frozen=True)
class AuditStep:
    """A CPD audit profile submitted (`outcome` None) or reviewed: when, by whom, and a review's outcome."""

    selection: AuditSelection
    at: dt.datetime
    by: object  # the Person, or None once their account is gone
    outcome: Outcome | None = None
    comment: str = ""


AUDIT_STEP_ACTIONS = ("cpd_audit.submitted", "cpd_audit.reviewed")


def audit_steps_of(person_id, selections) -> list[AuditStep]:
    """Every submission and review of the person's audit profiles (`selections`, from `audit_selections_of`),
    oldest first. A profile reopened for more information is submitted and reviewed again, and its selection
    keeps only the latest of each: the earlier ones are read from the audit log. An entry names its selection;
    an entry written before entries did is placed with the selection drawn last before it."""
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.target_type == "Person",
            AuditEntry.target_id == str(person_id),
            AuditEntry.action.in_(AUDIT_STEP_ACTIONS),
        )
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.id)
    ).all()
    placed = [(selection, entry) for entry in entries if (selection := _selection_of(entry, selections))]
    latest_review = {selection.id: entry for selection, entry in placed if entry.action == "cpd_audit.reviewed"}
    steps = []
    for selection, entry in placed:
        after = entry.after or {}
        if entry.action == "cpd_audit.submitted":
            steps.append(AuditStep(selection, entry.created_at, entry.actor))
            continue
        # The comment is kept with the selection (and goes with the member's other personal data), not in the
        # log: only the latest review's is known.
        comment = selection.outcome_comment if latest_review[selection.id] is entry else ""
        steps.append(AuditStep(selection, entry.created_at, entry.actor, Outcome.parse(after.get("outcome")), comment))
    return steps


def _selection_of(entry, selections):
    """The selection an audit entry is about: the one it names, else the one drawn last before it."""
    named = (entry.after or {}).get("selection")
    if named is not None:
        return next((selection for selection in selections if selection.id == named), None)
    drawn_before = [selection for selection in selections if selection.created_at <= entry.created_at]
    return max(drawn_before, key=lambda selection: selection.created_at, default=None)


@dataclass(frozen=True)
class YearSummary:
    year: CpdYear
    logged_quarters: int
    drafts: int
    required_hours: int

    @property
    def logged_hours(self):
        return hours_from_quarters(self.logged_quarters)

    @property
    def met(self):
        return self.logged_hours >= self.required_hours


def year_summary(person_id, year: CpdYear, required_hours) -> YearSummary:
    """A person's CPD year in one query: the hours of complete entries, and how many drafts wait."""
    complete = CpdEntry.status == EntryStatus.COMPLETE
    logged, drafts = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(CpdEntry.quarter_hours).filter(complete), 0),
            sa.func.count(CpdEntry.id).filter(~complete),
        ).where(CpdEntry.person_id == person_id, CpdEntry.done_on >= year.starts_on, CpdEntry.done_on <= year.ends_on)
    ).one()
    return YearSummary(year=year, logged_quarters=logged, drafts=drafts, required_hours=required_hours)
