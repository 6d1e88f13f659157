"""One page per person for staff: who they are, their membership, their CPD year, and their whole history
on one time line, newest first.

The time line is put together from `TIMELINE_SOURCES`: each source reads one domain, through that
domain's read functions, in a fixed number of queries however long the history, and gives
`TimelineEvent`s. A new kind of history (award nominations, say) joins by adding a function
`source(record) -> iterable of TimelineEvent` to the list; nothing else changes.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import defer, selectinload

from nalw.admin.notes import notes_about
from nalw.awards.summaries import nominations_of
from nalw.core.audit import AuditEntry
from nalw.core.cpd_years import current_year
from nalw.core.hours import format_hours
from nalw.core.money import format_pence
from nalw.core.outbox import OutboxMessage, OutboxStatus
from nalw.core.time import format_date
from nalw.cpd.summaries import AUDIT_STEP_ACTIONS, audit_selections_of, audit_steps_of, year_summary
from nalw.events.summaries import bookings_of, waiting_list_entries_of
from nalw.extensions import db
from nalw.members.cpd_requirements import hours_required
from nalw.members.directory import declarations_of, memberships_of
from nalw.payments.lists import payments_of


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    kind: str  # what part of the person's story: Membership, Payment, CPD, Event, Email, Note, Account
    title: str
    detail: str = ""
    by: str = ""
    link: str | None = None
    # A staff action this line offers, as (label, address): refund a payment, send a failed email again.
    action: tuple[str, str] | None = None


@dataclass
class MemberRecord:
    """What the sources share: the person, and their memberships read once."""

    person: object
    memberships: list

    @property
    def current_membership(self):
        """Their latest personal membership, or None."""
        return self._latest(for_organisation=False)

    @property
    def organisation_membership(self):
        """The latest organisation's own membership they hold as its admin (with its organisation), or None."""
        return self._latest(for_organisation=True)

    def _latest(self, *, for_organisation):
        held = [membership for membership in self.memberships if membership.for_organisation == for_organisation]
        return held[-1] if held else None


def _name(person):
    return person.name if person is not None else "The system"


def _job_at(membership):
    """The job and employer the application gave (an organisation's handed to a new admin keeps no job title)."""
    return ", ".join(part for part in (membership.job_title, membership.employer_name) if part)


def membership_history(record) -> Iterable[TimelineEvent]:
    """Each application and every change of status, with who made it and why."""
    for membership in record.memberships:
        link = url_for("members.staff_membership", membership_id=membership.id)
        # An organisation's membership handed to them was applied for by its admin then.
        applicant = next((change.actor for change in membership.history if change.from_status is None), None)
        yield TimelineEvent(
            membership.created_at,
            "Membership",
            f"Applied for {membership.tier.name} membership",
            f"{_job_at(membership)} ({membership.employer_type.label}); {membership.region.label}",
            by=_name(applicant) if applicant is not None and applicant.id != record.person.id else "",
            link=link,
        )
        for change in membership.history:
            if change.from_status is None:
                continue  # the application itself, shown above
            yield TimelineEvent(
                change.changed_at,
                "Membership",
                f"{membership.tier.name} membership: {change.move}",
                change.reason,
                by=_name(change.actor),
                link=link,
            )
    for declaration in declarations_of([membership.id for membership in record.memberships]):
        met = "met" if declaration.met_requirement else "did not meet"
        yield TimelineEvent(
            declaration.declared_at,
            "CPD",
            f"Declared at renewal: {met} the {format_hours(declaration.hours_required)} CPD requirement",
            f"CPD year from {format_date(declaration.cpd_year_starts_on)}",
        )


def payments_and_refunds(record) -> Iterable[TimelineEvent]:
    for payment in payments_of(record.person.id):
        link = url_for("payments.staff_payment", payment_id=payment.id)
        yield TimelineEvent(
            payment.created_at,
            "Payment",
            f"{payment.description}: {format_pence(payment.amount_pence)} ({payment.method.label.lower()})",
            f"{payment.receipt_number}, {payment.status.label.lower()}",
            link=link,
            action=("Refund", url_for("payments.refund", payment_id=payment.id)) if payment.refundable_pence else None,
        )
        for refund in payment.refunds:
            yield TimelineEvent(
                refund.created_at,
                "Refund",
                f"Refund of {format_pence(refund.amount_pence)} on {payment.receipt_number}",
                f"{refund.reason} ({refund.status.label.lower()})",
                by=_name(refund.created_by),
                link=link,
            )


def cpd_audits(record) -> Iterable[TimelineEvent]:
    """Each audit that drew them, and every submission and review of their profile (a profile reopened for more
    information is submitted and reviewed again)."""
    selections = audit_selections_of(record.person.id)
    for selection in selections:
        yield TimelineEvent(
            selection.created_at,
            "CPD",
            f"Drawn for the CPD audit of {selection.audit.year.label}",
            link=_review(selection),
        )
    for step in audit_steps_of(record.person.id, selections):
        year = step.selection.audit.year.label
        if step.outcome is None:
            title = f"CPD audit profile for {year} submitted"
        else:
            title = f"CPD audit of {year} reviewed: {step.outcome.label.lower()}"
        yield TimelineEvent(step.at, "CPD", title, step.comment, by=_name(step.by), link=_review(step.selection))


def _review(selection):
    return url_for("cpd.review_selection", audit_id=selection.audit_id, selection_id=selection.id)


def events(record) -> Iterable[TimelineEvent]:
    """Bookings (and their cancellation and attendance) and waiting lists joined."""
    for booking in bookings_of(record.person.id):
        link = url_for("events.attendees", event_id=booking.event_id)
        title = booking.event.title
        price = format_pence(booking.price_pence) if booking.price_pence else "free"
        yield TimelineEvent(
            booking.created_at, "Event", f"Booked {title}", f"{price}; {booking.status.label}", link=link
        )
        if booking.cancelled_at:
            yield TimelineEvent(booking.cancelled_at, "Event", f"Booking for {title} cancelled", link=link)
        if booking.checked_in_at:
            yield TimelineEvent(booking.checked_in_at, "Event", f"Attended {title}", link=link)
    for entry in waiting_list_entries_of(record.person.id):
        link = url_for("events.attendees", event_id=entry.event_id)
        yield TimelineEvent(
            entry.joined_at, "Event", f"Joined the waiting list for {entry.event.title}", entry.status.label, link=link
        )


def emails(record) -> Iterable[TimelineEvent]:
    """Every email written to them (the bodies stay in the database; each links to its message)."""
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.person_id == record.person.id)
        .options(
            defer(OutboxMessage.body_text),
            defer(OutboxMessage.body_html),
            defer(OutboxMessage.unmasked_body_text),
            defer(OutboxMessage.unmasked_body_html),
            defer(OutboxMessage.attachments),
        )
        .order_by(OutboxMessage.id)
    )
    for message in messages:
        link = url_for("admin.outbox_message", message_id=message.id)
        yield TimelineEvent(
            message.created_at,
            "Email",
            f"Email: {message.subject}",
            message.status.label,
            link=link,
            action=("Send again", link) if message.status is OutboxStatus.FAILED else None,
        )


# Audit entries about a person whose story another source of the time line tells (`cpd_audits`, with a link).
TOLD_ELSEWHERE = ("cpd_audit.selected", *AUDIT_STEP_ACTIONS)


def account_changes(record) -> Iterable[TimelineEvent]:
    """What staff, admins and the person changed on the account itself (roles, email, two-factor...)."""
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.target_type == "Person",
            AuditEntry.target_id == str(record.person.id),
            AuditEntry.action.not_in(TOLD_ELSEWHERE),
        )
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.id)
    )
    for entry in entries:
        yield TimelineEvent(entry.created_at, "Account", entry.summary or entry.action, by=_name(entry.actor))


def award_nominations(record) -> Iterable[TimelineEvent]:
    """Nominations they made and nominations naming them (by their email), once submitted; staff only."""
    person = record.person
    for nomination in nominations_of(person.id, person.email):
        cycle = nomination.category.cycle
        made = nomination.nominator_id == person.id
        named = (nomination.nominee_email or "") == (person.email or "").lower()
        if made and named:
            title = f"Nominated themselves for {nomination.category.name} ({cycle.title})"
        elif made:
            title = f"Nominated {nomination.nominee_name} for {nomination.category.name} ({cycle.title})"
        else:
            title = f"Nominated for {nomination.category.name} ({cycle.title}) by {nomination.nominator.name}"
        detail = nomination.status.label
        if nomination.outcome is not None and cycle.published_at is not None:
            detail += f"; {nomination.outcome.label}"
        yield TimelineEvent(
            nomination.submitted_at,
            "Awards",
            title,
            detail,
            link=url_for("awards.staff_nomination", nomination_id=nomination.id),
        )


def staff_notes(record) -> Iterable[TimelineEvent]:
    for note in notes_about(record.person.id):
        yield TimelineEvent(note.created_at, "Note", "Staff note", note.body, by=_name(note.author))


TIMELINE_SOURCES = [
    membership_history,
    payments_and_refunds,
    cpd_audits,
    events,
    emails,
    account_changes,
    award_nominations,
    staff_notes,
]


def member_record(person) -> MemberRecord:
    return MemberRecord(person=person, memberships=memberships_of(person.id))


def timeline(record) -> list[TimelineEvent]:
    """The whole history from every source, newest first."""
    found = [event for source in TIMELINE_SOURCES for event in source(record)]
    return sorted(found, key=lambda event: event.at, reverse=True)


def cpd_this_year(record):
    """The CPD year under way: hours logged against what their membership's tier requires (none without one)."""
    year, membership = current_year(), record.current_membership
    required = hours_required(membership.tier, year) if membership is not None else 0
    return year_summary(record.person.id, year, required)
