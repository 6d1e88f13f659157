"""CPD audits: a recorded random sample of active members, their profiles, and the review.

The sample is drawn with Python's `random.Random(seed)` from the ordered list of eligible
membership ids; both the seed and the list are stored, so `redraw(audit)` shows anyone
later exactly how the sample came about.
"""

import datetime as dt
import math
import random
import secrets

import sqlalchemy as sa

from nalw.core.audit import record_audit
from nalw.core.contact import contact_us_text
from nalw.core.cpd_years import CpdYear, year_containing, year_starting_in
from nalw.core.links import absolute_link
from nalw.core.outbox import queue_email
from nalw.core.records import get_belonging
from nalw.core.time import format_date, london_today, utcnow
from nalw.cpd.models import (
    AuditReminder,
    AuditSelection,
    AuditStatus,
    CpdAudit,
    CpdEntry,
    EntryStatus,
    Outcome,
    SelectionStatus,
    StandardOutcome,
)
from nalw.cpd.services import CpdError
from nalw.extensions import db
from nalw.members.models import Membership, MembershipStatus

# Most urgent first: a member who is already close to the deadline gets only the nearer reminder.
REMINDER_DAYS = (("reminder_3_days", 3), ("reminder_14_days", 14))
MORE_INFORMATION_DAYS = 21
PROFILE_WEEKS = 8
# Rows on a page of the staff audits list, of the members an audit drew, and of a member's own audits.
AUDITS_PER_PAGE = 25
SELECTIONS_PER_PAGE = 50
MY_AUDITS_PER_PAGE = 10


def years_to_audit(count=3) -> list[CpdYear]:
    """The CPD years an audit may sample: only years that have ended, newest first, as the configured
    CPD year runs (1 April to 31 March by default)."""
    last_ended = year_containing(london_today()).previous()
    return [year_starting_in(last_ended.key - back) for back in range(count)]


def suggested_deadline(today=None) -> dt.date:
    """The deadline the form offers: members get PROFILE_WEEKS weeks to build a profile."""
    return (today or london_today()) + dt.timedelta(weeks=PROFILE_WEEKS)


def eligible_membership_ids(today, exclude_joined_within_days) -> list[int]:
    """Active personal memberships that started before the cut-off, in id order."""
    cutoff = today - dt.timedelta(days=exclude_joined_within_days)
    return list(
        db.session.scalars(
            sa.select(Membership.id)
            .where(
                Membership.status == MembershipStatus.ACTIVE,
                Membership.for_organisation.is_(False),
                Membership.started_on <= cutoff,
            )
            .order_by(Membership.id)
        )
    )


def sample_size(population, share_per_thousand):
    return 0 if population == 0 else max(1, math.ceil(population * share_per_thousand / 1000))


def draw(population_ids, share_per_thousand, seed) -> list[int]:
    """The same seed and population always give the same sample."""
    return sorted(random.Random(seed).sample(population_ids, sample_size(len(population_ids), share_per_thousand)))


def redraw(audit) -> list[int]:
    return draw(audit.population_ids, audit.share_per_thousand, audit.seed)


def start_audit(
    actor, year: CpdYear, *, share_per_thousand, exclude_joined_within_days, deadline_on, seed=None
) -> CpdAudit:
    """Draw the sample, record how, and tell each member drawn."""
    today = london_today()
    if year.ends_on >= today:
        raise CpdError(
            f"The CPD year {year.label} has not ended yet (it ends on {format_date(year.ends_on)}). "
            "Choose a CPD year that has ended.",
            field="year",
        )
    if not 1 <= share_per_thousand <= 1000:
        raise CpdError("Enter a share between 0.1 and 100 per cent.", field="share")
    if deadline_on <= today:
        raise CpdError("The deadline must be after today.", field="deadline_on")
    population = eligible_membership_ids(today, exclude_joined_within_days)
    if not population:
        raise CpdError("No active members can be drawn with these settings.", field="share")
    seed = seed if seed is not None else secrets.randbits(48)
    audit = CpdAudit(
        year_starts_on=year.starts_on,
        share_per_thousand=share_per_thousand,
        exclude_joined_within_days=exclude_joined_within_days,
        seed=seed,
        population=len(population),
        population_ids=population,
        deadline_on=deadline_on,
        drawn_by_id=actor.id,
    )
    db.session.add(audit)
    db.session.flush()
    chosen = draw(population, share_per_thousand, seed)
    memberships = db.session.scalars(sa.select(Membership).where(Membership.id.in_(chosen))).all()
    for membership in memberships:
        selection = AuditSelection(
            audit=audit, person_id=membership.person_id, membership_id=membership.id, deadline_on=deadline_on
        )
        db.session.add(selection)
        db.session.flush()
        _tell(selection, "cpd/audit_selected", "You have been chosen for the CPD audit")
        record_audit(
            actor, "cpd_audit.selected", membership.person, summary=f"Chosen for the CPD audit of {year.label}"
        )
    record_audit(
        actor,
        "cpd_audit.started",
        audit,
        after={
            "share_per_thousand": share_per_thousand,
            "seed": seed,
            "population": len(population),
            "selected": len(memberships),
        },
        summary=f"Drew {len(memberships)} of {len(population)} members for the CPD audit of {year.label}",
    )
    return audit


def _tell(selection, template, subject, **context):
    person = selection.person
    queue_email(
        person.email,
        template,
        subject,
        person=person,
        selection=selection,
        deadline=format_date(selection.deadline_on),
        link=absolute_link("cpd.audit_profile", selection_id=selection.id),
        **context,
    )


def own_selection(person, selection_id) -> AuditSelection | None:
    return get_belonging(AuditSelection, selection_id, person_id=person.id)


def own_selections_page(person, page):
    """A member's audits, newest first, a page at a time."""
    query = sa.select(AuditSelection).where(AuditSelection.person_id == person.id).order_by(AuditSelection.id.desc())
    return db.paginate(query, page=page, per_page=MY_AUDITS_PER_PAGE, error_out=False)


def audits_page(page):
    """Audits newest first, a page at a time, with each one's progress: [(audit, progress)] in `items`."""
    listed = db.paginate(
        sa.select(CpdAudit).order_by(CpdAudit.id.desc()), page=page, per_page=AUDITS_PER_PAGE, error_out=False
    )
    progress = progress_of_audits(listed.items)
    listed.items = [(audit, progress[audit.id]) for audit in listed.items]
    return listed


def selections_page(audit, page):
    """The members an audit drew, in the order it drew them, a page at a time."""
    query = sa.select(AuditSelection).where(AuditSelection.audit_id == audit.id).order_by(AuditSelection.id)
    return db.paginate(query, page=page, per_page=SELECTIONS_PER_PAGE, error_out=False)


def redraw_matches(audit) -> bool:
    """Drawing again from the audit's record gives the memberships it selected: all of them, not one page."""
    drawn = db.session.scalars(sa.select(AuditSelection.membership_id).where(AuditSelection.audit_id == audit.id)).all()
    return sorted(redraw(audit)) == sorted(drawn)


def can_edit_profile(selection, today=None) -> bool:
    today = today or london_today()
    return selection.status in (SelectionStatus.SELECTED, SelectionStatus.REOPENED) and today <= selection.deadline_on


def save_profile_draft(person, selection, summary, entry_ids, today=None):
    """Keep the profile as it is so far, without submitting it."""
    _check_can_edit(person, selection, today or london_today())
    entries = _chosen_entries(person, selection, entry_ids)
    selection.summary = (summary or "").strip()
    selection.entries = entries


def _check_can_edit(person, selection, today):
    if selection.person_id != person.id:
        raise CpdError("That audit is not yours.")
    if selection.status not in (SelectionStatus.SELECTED, SelectionStatus.REOPENED):
        raise CpdError("This profile has already been submitted.")
    if today > selection.deadline_on:
        raise CpdError(
            f"The deadline was {format_date(selection.deadline_on)}. {contact_us_text(capital=True)} to ask for more time."
        )


def _chosen_entries(person, selection, entry_ids):
    """The entries chosen for a profile: every one the member's own, complete, and in the audited year."""
    year = selection.audit.year
    entries = db.session.scalars(
        sa.select(CpdEntry).where(
            CpdEntry.id.in_(entry_ids or [0]),
            CpdEntry.person_id == person.id,
            CpdEntry.status == EntryStatus.COMPLETE,
            CpdEntry.done_on >= year.starts_on,
            CpdEntry.done_on <= year.ends_on,
        )
    ).all()
    if len(entries) != len(set(entry_ids or [])):
        raise CpdError(
            f"Choose one or more of your complete CPD entries from the CPD year {year.label}.", field="entries"
        )
    return entries


def submit_profile(person, selection, summary, entry_ids, today=None):
    """The member's CPD profile: a summary of their practice and chosen complete entries, by the deadline."""
    _check_can_edit(person, selection, today or london_today())
    summary = (summary or "").strip()
    if not summary:
        raise CpdError("Write a summary of your practice and learning this year.", field="summary")
    entries = _chosen_entries(person, selection, entry_ids)
    if not entries:
        year = selection.audit.year
        raise CpdError(
            f"Choose one or more of your complete CPD entries from the CPD year {year.label}.", field="entries"
        )
    selection.summary = summary
    selection.entries = entries
    selection.status = SelectionStatus.SUBMITTED
    selection.submitted_at = utcnow()
    record_audit(
        person,
        "cpd_audit.submitted",
        person,
        after={"selection": selection.id, "entries": len(entries)},
        summary=f"Submitted a CPD profile with {len(entries)} entries",
    )


def review(actor, selection, standard_outcomes: dict, overall: Outcome, comment: str):
    """Record an outcome per standard and overall. 'More information needed' reopens the profile."""
    if selection.status is not SelectionStatus.SUBMITTED:
        raise CpdError("Only a submitted profile can be reviewed.")
    if not standard_outcomes:
        raise CpdError("Record an outcome for at least one standard.", field="outcomes")
    # A profile reviewed again (after more information) replaces its outcomes: delete the old ones
    # first, or the new ones would meet them in the one-outcome-per-standard constraint.
    selection.standard_outcomes.clear()
    db.session.flush()
    selection.standard_outcomes = [
        StandardOutcome(standard_id=standard_id, outcome=outcome, comment=(text or "").strip())
        for standard_id, (outcome, text) in standard_outcomes.items()
    ]
    selection.outcome = overall
    selection.outcome_comment = (comment or "").strip()
    selection.reviewer_id = actor.id
    selection.reviewed_at = utcnow()
    if overall is Outcome.MORE_INFORMATION:
        selection.status = SelectionStatus.REOPENED
        new_deadline = max(selection.deadline_on, london_today() + dt.timedelta(days=MORE_INFORMATION_DAYS))
        if new_deadline != selection.deadline_on:
            # Reminders count down to a deadline: a new deadline gets its own 14- and 3-day reminders.
            db.session.execute(sa.delete(AuditReminder).where(AuditReminder.selection_id == selection.id))
        selection.deadline_on = new_deadline
    else:
        selection.status = SelectionStatus.REVIEWED
    record_audit(
        actor,
        "cpd_audit.reviewed",
        selection.person,
        after={
            "selection": selection.id,
            "outcome": overall,
            "standards": {str(k): v[0].value for k, v in standard_outcomes.items()},
        },
        summary=f"CPD audit outcome: {overall.label}",
    )
    _tell(
        selection,
        "cpd/audit_outcome",
        f"Your CPD audit outcome: {overall.label}",
        outcome=overall,
        comment=selection.outcome_comment,
    )


def send_deadline_reminders(today) -> int:
    """14 and 3 days before the deadline, to members who have not submitted: each reminder once."""
    sent = 0
    waiting = db.session.scalars(
        sa.select(AuditSelection)
        .join(CpdAudit)
        .where(
            CpdAudit.status == AuditStatus.OPEN,
            AuditSelection.status.in_((SelectionStatus.SELECTED, SelectionStatus.REOPENED)),
            AuditSelection.deadline_on >= today,
        )
    ).all()
    for selection in waiting:
        days_left = (selection.deadline_on - today).days
        for kind, days in REMINDER_DAYS:
            if days_left > days:
                continue
            done = db.session.scalar(
                sa.select(AuditReminder.id).where(
                    AuditReminder.selection_id == selection.id, AuditReminder.kind == kind
                )
            )
            if done is None:
                db.session.add(AuditReminder(selection_id=selection.id, kind=kind))
                db.session.flush()
                _tell(selection, "cpd/audit_reminder", "Reminder: your CPD audit profile is due", days_left=days_left)
                sent += 1
            break  # only the most urgent reminder that is due
    return sent


def progress_of_audits(audit_list) -> dict:
    """Progress of many audits in two grouped queries: {audit id: progress}."""
    ids = [audit.id for audit in audit_list]
    counts, outcomes = {}, {}
    for audit_id, status, count in db.session.execute(
        sa.select(AuditSelection.audit_id, AuditSelection.status, sa.func.count(AuditSelection.id))
        .where(AuditSelection.audit_id.in_(ids or [0]))
        .group_by(AuditSelection.audit_id, AuditSelection.status)
    ):
        counts.setdefault(audit_id, {})[status] = count
    for audit_id, outcome, count in db.session.execute(
        sa.select(AuditSelection.audit_id, AuditSelection.outcome, sa.func.count(AuditSelection.id))
        .where(AuditSelection.audit_id.in_(ids or [0]), AuditSelection.status == SelectionStatus.REVIEWED)
        .group_by(AuditSelection.audit_id, AuditSelection.outcome)
    ):
        outcomes.setdefault(audit_id, {})[outcome] = count
    return {audit_id: _progress(counts.get(audit_id, {}), outcomes.get(audit_id, {})) for audit_id in ids}


def _progress(counts, outcomes):
    return {
        "by_status": [(status, counts.get(status, 0)) for status in SelectionStatus],
        "by_outcome": [(o, outcomes.get(o, 0)) for o in Outcome],
        "total": sum(counts.values()),
    }


def audit_progress(audit) -> dict:
    counts = dict(
        db.session.execute(
            sa.select(AuditSelection.status, sa.func.count(AuditSelection.id))
            .where(AuditSelection.audit_id == audit.id)
            .group_by(AuditSelection.status)
        ).all()
    )
    outcomes = dict(
        db.session.execute(
            sa.select(AuditSelection.outcome, sa.func.count(AuditSelection.id))
            .where(AuditSelection.audit_id == audit.id, AuditSelection.status == SelectionStatus.REVIEWED)
            .group_by(AuditSelection.outcome)
        ).all()
    )
    return _progress(counts, outcomes)
