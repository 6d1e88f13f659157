"""Organisation membership: the admin invites link workers to the tier's seats.

An invitee who accepts becomes a member with their own record (and CPD), running
with the organisation's dates. The seat limit is checked with the organisation's
row locked, so simultaneous acceptances cannot overfill it.
"""

import sqlalchemy as sa

from nalw.accounts.security import InvalidLink, make_link_token, read_link_token
from nalw.accounts.services import AccountError, normalise_email
from nalw.core.audit import record_audit
from nalw.core.contact import contact_us_text
from nalw.core.links import absolute_link
from nalw.core.outbox import queue_email
from nalw.core.time import london_today
from nalw.extensions import db
from nalw.members import services
from nalw.members.models import (
    CURRENT_STATUSES,
    Membership,
    MembershipStatus,
    Organisation,
    SeatInvitation,
    SeatStatus,
)
from nalw.members.services import MembershipError, change_status, record_history

# An invitation's link works this many days.
INVITATION_VALID_DAYS = 30


def organisation_for_admin(person) -> Organisation | None:
    return db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.admin_person_id == person.id)
        .order_by(Organisation.id.desc())
        .limit(1)
    )


def seats_taken(organisation) -> int:
    """Accepted seats whose membership is still current, plus invitations not yet answered."""
    return _count_seats(organisation, with_invitations=True)


def _count_seats(organisation, with_invitations):
    """A seat whose holder resigned is free again, though its invitation stays accepted for the record."""
    held = sa.and_(
        SeatInvitation.status == SeatStatus.ACCEPTED,
        Membership.status.in_([MembershipStatus(value) for value in CURRENT_STATUSES]),
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
    """Cancel an invitation, or end a seat holder's membership; either way the seat is free again."""
    if invitation.organisation_id != organisation.id:
        raise MembershipError("That seat is not your organisation's.")
    if invitation.status is SeatStatus.INVITED:
        invitation.status = SeatStatus.CANCELLED
    elif invitation.status is SeatStatus.ACCEPTED:
        invitation.status = SeatStatus.REMOVED
        seat = invitation.membership
        if seat is not None and seat.status not in (MembershipStatus.RESIGNED, MembershipStatus.REJECTED):
            change_status(seat, MembershipStatus.RESIGNED, actor=actor, reason=f"Seat removed by {organisation.name}")
    else:
        return
    record_audit(
        actor,
        "organisation.seat_removed",
        organisation,
        before={"email": invitation.email},
        summary=f"Freed the seat of {invitation.email}",
    )


def _lock(organisation):
    """Hold the organisation's row until commit, so seat counts cannot change underneath us."""
    db.session.execute(sa.select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())
