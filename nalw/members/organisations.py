"""Organisation membership: the admin invites link workers to the tier's seats.

An invitee who accepts becomes a member with their own record (and CPD), running
with the organisation's dates. The seat limit is checked with the organisation's
row locked, so simultaneous acceptances cannot overfill it.

The admin holds the organisation's own membership. Staff hand it to a colleague
(`hand_over`); while it is current, its admin's personal data cannot be erased
(nalw/members/personal_data.py), since its seats hang on it. The handovers' audit entries say
which organisations a person handed on (`organisations_handed_on_by`), since the membership
row then names only its new admin.
"""

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from nalw.accounts.models import Person
from nalw.accounts.security import InvalidLink, make_link_token, read_link_token
from nalw.accounts.services import AccountError, find_by_email, grant_role, normalise_email, revoke_role
from nalw.core.audit import AuditEntry, record_audit
from nalw.core.contact import contact_us_text
from nalw.core.links import absolute_link
from nalw.core.outbox import queue_email
from nalw.core.permissions import Role
from nalw.core.time import london_today
from nalw.extensions import db
from nalw.members import renewals, services
from nalw.members.models import (
    Membership,
    MembershipStatus,
    Organisation,
    SeatInvitation,
    SeatStatus,
)
from nalw.members.services import STATUS_NAMES, MembershipError, change_status, record_history
from nalw.payments import services as payment_services
from nalw.payments.models import Payment, PaymentStatus
from nalw.payments.services import PaymentError

# An invitation's link works this many days.
INVITATION_VALID_DAYS = 30
# The audit log's action for a handover: `organisations_handed_on_by` reads the admins' ids from it.
HANDED_OVER = "organisation.handed_over"


def _own_membership_of_organisation():
    return sa.and_(Membership.organisation_id == Organisation.id, Membership.for_organisation.is_(True))


def organisation_for_admin(person) -> Organisation | None:
    """The organisation the person runs: one whose own membership is current before one that ended, then the
    latest (someone handed an organisation may have run another that ended since)."""
    return db.session.scalar(
        sa.select(Organisation)
        .outerjoin(Membership, _own_membership_of_organisation())
        .where(Organisation.admin_person_id == person.id)
        .order_by(sa.case((Membership.is_current, 0), else_=1), Organisation.id.desc())
        .limit(1)
    )


def organisations_run_by(person) -> list[Organisation]:
    """The organisations the person runs whose own membership is current (applied to suspended): their seats
    hang on it, so it cannot be left without an admin."""
    return db.session.scalars(
        sa.select(Organisation)
        .join(Membership, _own_membership_of_organisation())
        .where(Organisation.admin_person_id == person.id, Membership.is_current)
        .order_by(Organisation.id)
    ).all()


def seats_taken(organisation) -> int:
    """Accepted seats whose membership is still current, plus invitations not yet answered."""
    return _count_seats(organisation, with_invitations=True)


def _count_seats(organisation, with_invitations):
    """A seat whose holder resigned is free again, though its invitation stays accepted for the record."""
    held = sa.and_(
        SeatInvitation.status == SeatStatus.ACCEPTED,
        Membership.is_current,
    )
    return db.session.scalar(
        sa.select(sa.func.count(SeatInvitation.id))
        .outerjoin(Membership, Membership.id == SeatInvitation.membership_id)
        .where(
            SeatInvitation.organisation_id == organisation.id,
            sa.or_(held, SeatInvitation.status == SeatStatus.INVITED) if with_invitations else held,
        )
    )


def seat_limit(organisation) -> int:
    return organisation.membership.tier.seats or 0


def invitations(organisation):
    return db.session.scalars(
        sa.select(SeatInvitation)
        .where(SeatInvitation.organisation_id == organisation.id)
        .order_by(SeatInvitation.status, SeatInvitation.invited_at.desc())
    ).all()


def invite(actor, organisation, email) -> SeatInvitation:
    if not organisation.membership.in_good_standing:
        raise MembershipError("Your organisation's membership must be active before you invite link workers.")
    try:
        email = normalise_email(email)
    except AccountError as error:
        raise MembershipError(error.message, field="email")
    _lock(organisation)
    already = db.session.scalar(
        sa.select(SeatInvitation.id).where(
            SeatInvitation.organisation_id == organisation.id,
            SeatInvitation.email == email,
            SeatInvitation.status.in_((SeatStatus.INVITED, SeatStatus.ACCEPTED)),
        )
    )
    if already is not None:
        raise MembershipError(f"{email} already has a seat or an invitation.", field="email")
    if seats_taken(organisation) >= seat_limit(organisation):
        raise MembershipError(
            f"All {seat_limit(organisation)} seats are taken or invited. Remove a seat or cancel an invitation first.",
            field="email",
        )
    invitation = SeatInvitation(organisation=organisation, email=email, invited_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    token = make_link_token("seat-invitation", {"invitation": invitation.id})
    queue_email(
        email,
        "members/seat_invitation",
        f"{organisation.name} has invited you to join NALW",
        organisation=organisation,
        link=absolute_link("members.accept_invitation", token=token),
        valid_days=INVITATION_VALID_DAYS,
        secrets=(token,),
    )
    record_audit(
        actor, "organisation.invited", organisation, after={"email": email}, summary=f"Invited {email} to a seat"
    )
    return invitation


def invitation_from_link(token) -> SeatInvitation:
    payload = read_link_token("seat-invitation", token, INVITATION_VALID_DAYS * 24 * 60 * 60)
    invitation = db.session.get(SeatInvitation, payload.get("invitation"))
    if invitation is None or invitation.status is not SeatStatus.INVITED:
        raise InvalidLink(
            "This invitation has already been used or was cancelled. Ask your organisation for a new one."
        )
    return invitation


def accept(person, token, *, answers, code_version_id, accepted_code) -> Membership:
    """The invited link worker takes the seat and becomes a member."""
    invitation = invitation_from_link(token)
    organisation = invitation.organisation
    _lock(organisation)
    db.session.refresh(invitation)
    if invitation.status is not SeatStatus.INVITED:
        raise MembershipError("This invitation has already been used or was cancelled.")
    if invitation.email != person.email:
        raise MembershipError(f"This invitation is for {invitation.email}. Sign in with that address to accept it.")
    if not organisation.membership.in_good_standing:
        raise MembershipError("The organisation's membership is not active, so its seats cannot be taken now.")
    if _count_seats(organisation, with_invitations=False) >= seat_limit(organisation):
        raise MembershipError("All of the organisation's seats are taken. Ask its admin to free one.")
    if services.current_membership(person) is not None:
        raise MembershipError(
            f"You already have a membership. {contact_us_text(capital=True)} to move it to your organisation's seat."
        )
    org_membership = organisation.membership
    membership = Membership(
        person_id=person.id,
        person=person,
        tier=org_membership.tier,
        status=MembershipStatus.ACTIVE,
        quoted_fee_pence=0,
        organisation_id=organisation.id,
        started_on=london_today(),
        expires_on=org_membership.expires_on,
        **answers,
    )
    services.accept_current_code(
        membership,
        accepted_code=accepted_code,
        code_version_id=code_version_id,
        doing="accepting the invitation",
        refusal="Accept the code of practice to take the seat",
    )
    membership.number = services.next_membership_number()
    db.session.add(membership)
    db.session.flush()
    record_history(
        membership, None, MembershipStatus.ACTIVE, actor=person, reason=f"Took a seat of {organisation.name}"
    )
    services.sync_member_role(person)
    invitation.status = SeatStatus.ACCEPTED
    invitation.accepted_at = membership.code_accepted_at
    invitation.membership_id = membership.id
    return membership


def remove_seat(actor, organisation, invitation):
    """Cancel an invitation, or end a seat holder's membership and tell them; either way the seat is free again."""
    if invitation.organisation_id != organisation.id:
        raise MembershipError("That seat is not your organisation's.")
    if invitation.status is SeatStatus.INVITED:
        invitation.status = SeatStatus.CANCELLED
    elif invitation.status is SeatStatus.ACCEPTED:
        invitation.status = SeatStatus.REMOVED
        seat = invitation.membership
        if seat is not None and seat.status not in (MembershipStatus.RESIGNED, MembershipStatus.REJECTED):
            change_status(seat, MembershipStatus.RESIGNED, actor=actor, reason=f"Seat removed by {organisation.name}")
            services.email_member(
                seat,
                "members/seat_removed",
                f"{organisation.name} has removed you from its NALW seat",
                organisation=organisation,
            )
    else:
        return
    record_audit(
        actor,
        "organisation.seat_removed",
        organisation,
        before={"email": invitation.email},
        summary=f"Freed the seat of {invitation.email}",
    )


def hand_over_refusal(organisation, payments=None) -> str | None:
    """Why staff cannot hand the organisation to a colleague now (None: they can). The staff membership page
    asks this to show the form only where the service would act. `payments`: the membership's, where the caller
    has read them already."""
    membership = organisation.membership
    if not membership.is_current:
        return (
            f"{organisation.name}'s membership was {STATUS_NAMES[membership.status]}, so there is nothing to hand "
            "over. A colleague can apply for a new organisation membership."
        )
    # Stripe's answer settles it within minutes (`flask payments reconcile`), as paid or not; until then it can
    # be neither cancelled nor left to the previous admin.
    payments = services.payments_for(membership) if payments is None else payments
    if any(payment.status is PaymentStatus.PENDING for payment in payments):
        return "A payment for this membership is being taken right now. Try the handover again in a few minutes."
    return None


def hand_over(actor, organisation, email, reason) -> Person:
    """Staff give the running of an organisation's membership to a colleague who has a NALW account: they
    become its admin and hold its membership, which keeps its number, dates and seats. Automatic renewal is
    turned off (the card saved for it was the previous admin's), so the new admin chooses. A payment for it
    awaiting the bank's check that someone else began is cancelled (only its payer could confirm it, and no
    other payment could start while it is live), so the new admin can pay. Both people are emailed; the
    history and the audit log keep the reason, and the log both admins' ids (their addresses go if they are
    erased) and the payments cancelled. Returns the new admin."""
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError("Enter the reason for the handover: it is kept in the audit log", field="reason")
    # Asked with the organisation's row held, so the answer stands until the handover commits.
    _lock(organisation)
    membership = organisation.membership
    payments = services.payments_for(membership)
    MembershipError.refuse_if(hand_over_refusal(organisation, payments))
    previous = membership.person
    new_admin = _colleague_to_take_over(organisation, previous, email)
    cancelled = _cancel_payments_awaiting_the_bank(organisation, payments, new_admin)
    auto_renew = membership.auto_renew
    organisation.admin_person_id = new_admin.id
    # Organisation.membership only reads the row: the membership itself changes hands.
    membership.person_id = new_admin.id
    membership.person = new_admin
    membership.auto_renew = False
    # The job title the application gave was the previous admin's: it goes with them (and with their data).
    membership.job_title = ""
    record_history(
        membership, membership.status, membership.status, actor=actor, reason=f"Handed to a new admin: {reason}"
    )
    db.session.flush()
    grant_role(actor, new_admin, Role.ORGANISATION_ADMIN)
    if organisation_for_admin(previous) is None:
        revoke_role(actor, previous, Role.ORGANISATION_ADMIN)
    after = {"admin_id": new_admin.id, "admin_email": new_admin.email, "automatic_renewal": False, "reason": reason}
    summary = f"Handed {organisation.name} to {new_admin.name}"
    if cancelled:
        after["cancelled_payment_ids"] = [payment.id for payment in cancelled]
        receipts = ", ".join(payment.receipt_number for payment in cancelled)
        summary += f"; cancelled {receipts}, awaiting the bank's check"
    record_audit(
        actor,
        HANDED_OVER,
        organisation,
        before={"admin_id": previous.id, "admin_email": previous.email, "automatic_renewal": auto_renew},
        after=after,
        summary=summary,
    )
    queue_email(
        new_admin.email,
        "members/organisation_handed_to_you",
        f"You now run {organisation.name}'s NALW membership",
        person=new_admin,
        organisation=organisation,
        membership=membership,
        previous_admin=previous,
        link=absolute_link("members.organisation"),
        payment_cancelled=bool(cancelled),
        next_payment=_next_payment(membership) if cancelled else None,
    )
    queue_email(
        previous.email,
        "members/organisation_handed_on",
        f"{organisation.name}'s NALW membership is now run by {new_admin.name}",
        person=previous,
        organisation=organisation,
        new_admin=new_admin,
        payment_cancelled=bool(cancelled),
    )
    return new_admin


def _cancel_payments_awaiting_the_bank(organisation, payments, new_admin) -> list[Payment]:
    """Cancel the membership's payments awaiting the bank's check that someone other than the new admin began
    (see `payment_services.cancel_awaiting_payment` for why asking Stripe before our commit is safe); returns
    those cancelled. One that the payer confirmed meanwhile is paid, and stays so. When Stripe does not answer,
    the handover is refused and nothing here changes."""
    cancelled = []
    for payment in payments:
        if payment.status is not PaymentStatus.REQUIRES_ACTION or payment.person_id == new_admin.id:
            continue
        try:
            payment_services.cancel_awaiting_payment(
                payment,
                f"Cancelled: {organisation.name} was handed to a new admin, who pays for its membership now.",
            )
        except PaymentError as error:
            raise MembershipError(f"Nothing was handed over. {error.message}") from error
        if payment.status is PaymentStatus.FAILED:
            cancelled.append(payment)
    return cancelled


def _next_payment(membership) -> tuple[str, str] | None:
    """What the new admin can pay now, and where: the joining fee, or the renewal once it is open."""
    if membership.status is MembershipStatus.APPLIED:
        return "pay the organisation's fee", absolute_link("members.pay", membership_id=membership.id)
    if renewals.can_renew(membership):
        return "renew the membership", absolute_link("members.renew")
    return None


@dataclass(frozen=True)
class HandedOn:
    """An organisation a person handed on as its admin: to whom, and when."""

    organisation_name: str
    membership_id: int  # the organisation's own membership
    handed_on_at: dt.datetime
    new_admin_id: int
    new_admin_name: str


def organisations_handed_on_by(person_id) -> list[HandedOn]:
    """The organisations the person handed on, the latest handover first, from the handovers' audit entries, in
    one query. The entries name both admins by id: an address there is replaced when its person is erased."""
    new_admin = aliased(Person)
    rows = db.session.execute(
        sa.select(AuditEntry.created_at, Organisation.name, Membership.id, new_admin.id, new_admin.name)
        .select_from(AuditEntry)
        .join(Organisation, AuditEntry.target_id == sa.cast(Organisation.id, sa.String))
        .join(Membership, _own_membership_of_organisation())
        .join(new_admin, new_admin.id == AuditEntry.after["admin_id"].as_integer())
        .where(
            AuditEntry.action == HANDED_OVER,
            AuditEntry.target_type == Organisation.__name__,
            AuditEntry.before["admin_id"].as_integer() == person_id,
        )
        .order_by(AuditEntry.id.desc())
    )
    return [
        HandedOn(name, membership_id, at, admin_id, admin_name)
        for at, name, membership_id, admin_id, admin_name in rows
    ]


def _colleague_to_take_over(organisation, previous, email) -> Person:
    """The account the address names, if it can run the organisation; else a refusal at the email field."""
    try:
        address = normalise_email(email)
    except AccountError as error:
        raise MembershipError(error.message, field="email")
    person = find_by_email(address)
    if person is None or person.erased_at is not None:
        raise MembershipError(
            f"There is no NALW account with the address {address}. "
            "Ask them to create an account first, then try again.",
            field="email",
        )
    if person.id == previous.id:
        raise MembershipError(
            f"{person.name} already runs {organisation.name}. Enter the email address of the colleague taking over.",
            field="email",
        )
    if not person.email_verified:
        raise MembershipError(
            f"{person.name} has not confirmed their email address yet. Ask them to follow the link we emailed "
            "them (or to sign in and ask for a new one), then try again.",
            field="email",
        )
    running = organisations_run_by(person)
    if running:
        other = running[0].name
        raise MembershipError(
            f"{person.name} already runs {other}'s membership, and an account runs one organisation. "
            f"Enter another colleague's address, or hand {other} to someone else first.",
            field="email",
        )
    return person


def _lock(organisation):
    """Hold the organisation's row until commit, so seat counts cannot change underneath us."""
    db.session.execute(sa.select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())
