"""The rules of membership: applying, paying, approval, the life of a membership, renewal dates.

Every change of status goes through `change_status`, which refuses a transition
that is not allowed and writes the history row. Services flush; callers commit.
"""

import datetime as dt
import functools

import sqlalchemy as sa
from sqlalchemy.orm import lazyload, selectinload

from nalw.accounts import services as account_services
from nalw.accounts.models import Person
from nalw.code_of_practice import services as code_services
from nalw.core.audit import record_audit
from nalw.core.errors import DomainError
from nalw.core.links import absolute_link
from nalw.core.listing import where_equal
from nalw.core.money import format_pence
from nalw.core.outbox import queue_email
from nalw.core.permissions import Role
from nalw.core.time import format_date, london_today, utcnow
from nalw.extensions import db
from nalw.members import cpd_requirements
from nalw.members.models import (
    IN_GOOD_STANDING,
    Eligibility,
    Membership,
    MembershipChange,
    MembershipNumberCounter,
    MembershipStatus,
    Organisation,
    Tier,
)
from nalw.payments import services as payment_services
from nalw.payments.models import Payment, PaymentMethod, PaymentPurpose, PaymentStatus

S = MembershipStatus

ALLOWED_TRANSITIONS = {
    None: {S.APPLIED, S.ACTIVE},
    S.APPLIED: {S.PAID, S.REJECTED, S.RESIGNED},
    S.PAID: {S.ACTIVE, S.REJECTED, S.APPLIED},  # back to applied when the fee is refunded before a decision
    S.ACTIVE: {S.GRACE, S.SUSPENDED, S.RESIGNED},
    S.GRACE: {S.ACTIVE, S.LAPSED, S.SUSPENDED, S.RESIGNED},
    S.LAPSED: {S.ACTIVE, S.RESIGNED},
    S.SUSPENDED: {S.ACTIVE, S.GRACE, S.LAPSED, S.RESIGNED},
    S.RESIGNED: set(),
    S.REJECTED: set(),
}

# After its end date a membership stays in grace this many days, then lapses.
GRACE_DAYS = 30

# The order tiers are shown in, wherever they are listed.
TIER_ORDER = (Tier.position, Tier.name)

# How a status reads in a sentence ("cannot go from rejected to active").
STATUS_NAMES = {
    S.APPLIED: "applied",
    S.PAID: "paid",
    S.ACTIVE: "active",
    S.GRACE: "in grace",
    S.LAPSED: "lapsed",
    S.SUSPENDED: "suspended",
    S.RESIGNED: "resigned",
    S.REJECTED: "rejected",
}


class MembershipError(DomainError):
    """A membership rule refused the change; `message` says why and what to do."""


class TransitionNotAllowed(MembershipError):
    pass


# --- Status and history ---------------------------------------------------------------------


def change_status(membership, to_status, *, actor=None, reason=""):
    """The one way a membership changes status: checked against ALLOWED_TRANSITIONS, written to history."""
    from_status = membership.status
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise TransitionNotAllowed(
            f"A membership cannot go from {STATUS_NAMES.get(from_status, 'new')} to {STATUS_NAMES[to_status]}."
        )
    membership.status = to_status
    record_history(membership, from_status, to_status, actor=actor, reason=reason)
    sync_member_role(membership.person)


def record_history(membership, from_status, to_status, *, actor=None, reason=""):
    db.session.add(
        MembershipChange(
            membership=membership,
            from_status=from_status,
            to_status=to_status,
            actor_id=getattr(actor, "id", None),
            reason=reason,
        )
    )


def sync_member_role(person):
    """The member role follows the person's memberships: held while one is active or in grace."""
    db.session.flush()
    in_good_standing = db.session.scalar(
        sa.select(sa.func.count(Membership.id)).where(
            Membership.person_id == person.id,
            Membership.for_organisation.is_(False),
            Membership.status.in_(IN_GOOD_STANDING),
        )
    )
    if in_good_standing and not person.has_role(Role.MEMBER):
        account_services.grant_role(None, person, Role.MEMBER)
    elif not in_good_standing and Role.MEMBER in person.roles:
        account_services.revoke_role(None, person, Role.MEMBER)


def current_membership(person, for_organisation=False) -> Membership | None:
    return db.session.scalar(
        sa.select(Membership)
        # The person is already loaded (it is who asked): no need to join them in again.
        .options(lazyload(Membership.person))
        .where(
            Membership.person_id == person.id,
            Membership.for_organisation.is_(for_organisation),
            Membership.is_current,
        )
    )


# --- Dates -----------------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def first_period(start: dt.date) -> tuple[dt.date, dt.date]:
    """Twelve months: from `start` to the day before the same date next year."""
    return start, add_years(start, 1) - dt.timedelta(days=1)


def renewed_period(membership, paid_on: dt.date) -> tuple[dt.date, dt.date]:
    """The rule for renewal: on time (before expiry, or in grace) the year follows on from the
    old end date, so nobody loses days by renewing early; after a lapse it starts on the day
    of payment, so nobody pays for months they were not a member. The next year is twelve months
    from the day after the old end date: a year ending 28 February 2027 renews to 29 February 2028."""
    if membership.status is not S.LAPSED and membership.expires_on is not None:
        _, next_end = first_period(membership.expires_on + dt.timedelta(days=1))
        return membership.started_on, next_end
    return first_period(paid_on)


# --- Applying --------------------------------------------------------------------------------


def open_tiers(for_organisation=False):
    query = sa.select(Tier).where(Tier.open_for_applications.is_(True)).order_by(*TIER_ORDER)
    tiers = db.session.scalars(query).all()
    return [tier for tier in tiers if tier.is_organisation == for_organisation]


def accept_current_code(
    membership, *, accepted_code, code_version_id, doing="reading it", refusal="Accept the current code of practice"
):
    """A member accepts the current code of practice: they ticked that they accept it, and the version they
    were shown is still the current one (a version published meanwhile must be read first). Their CPD entries
    map to its standards from now on."""
    if not accepted_code:
        raise MembershipError(refusal, field="accept_code")
    code = code_services.current_version()
    if code is None or code_version_id != code.id:
        raise MembershipError(
            f"The code of practice was updated while you were {doing}. Read the new version and accept it.",
            field="accept_code",
        )
    membership.code_version_id = code.id
    membership.code_accepted_at = utcnow()
    db.session.flush()
    return code


def apply(person, tier, *, answers, code_version_id, accepted_code, organisation_name=None) -> Membership:
    """An application for `tier`. The code of practice shown must still be the current one."""
    if not person.email_verified:
        raise MembershipError("Confirm your email address before applying: follow the link we emailed you.")
    if not tier.open_for_applications:
        raise MembershipError("That membership type is not open for applications. Choose another.", field="tier")
    if current_membership(person, for_organisation=tier.is_organisation) is not None:
        raise MembershipError("You already have a membership or an application in progress. See your membership page.")
    membership = Membership(
        person_id=person.id,
        person=person,
        tier=tier,
        status=None,
        quoted_fee_pence=tier.annual_fee_pence,
        for_organisation=tier.is_organisation,
        **answers,
    )
    accept_current_code(
        membership,
        accepted_code=accepted_code,
        code_version_id=code_version_id,
        doing="applying",
        refusal="Accept the code of practice to apply for membership",
    )
    membership.status = S.APPLIED
    if tier.is_organisation:
        organisation = Organisation(name=organisation_name or answers["employer_name"], admin_person_id=person.id)
        db.session.add(organisation)
        db.session.flush()
        membership.organisation_id = organisation.id
    db.session.add(membership)
    db.session.flush()
    record_history(membership, None, S.APPLIED, actor=person, reason=f"Applied for {tier.name}")
    if tier.annual_fee_pence == 0:
        change_status(membership, S.PAID, actor=person, reason="No fee to pay")
        email_member(membership, "members/application_received", "We have your membership application")
    return membership


def fee_awaiting_authentication(membership) -> Payment | None:
    """The joining fee's live payment when the member's bank still wants them to confirm it: no second payment
    can start, so the member finishes this one."""
    payment = payment_services.live_payment_for(PaymentPurpose.MEMBERSHIP_FEE, membership.id)
    return payment if payment is not None and payment.status is PaymentStatus.REQUIRES_ACTION else None


def fee_due(membership) -> int:
    """What joining costs now: the tier's fee today, which staff may have changed since the application."""
    return membership.tier.annual_fee_pence


def period_label(starts_on: dt.date, ends_on: dt.date) -> str:
    """A membership year as people write it: 2026–27."""
    if starts_on.year == ends_on.year:
        return str(starts_on.year)
    return f"{starts_on.year}–{ends_on.year % 100:02d}"


def fee_description(membership, today=None) -> str:
    """What the member reads on the payment: 'Link Worker membership fee, 2026–27' (the year starts on approval,
    so it is named from today)."""
    starts_on, ends_on = first_period(today or london_today())
    return f"{membership.tier.name} membership fee, {period_label(starts_on, ends_on)}"


def payment_recorder(payment) -> Person | None:
    """The staff member who recorded an offline payment, to name in the history; None for a card payment."""
    return db.session.get(Person, payment.recorded_by_id) if payment.recorded_by_id else None


def begin_fee_payment(person, membership, amount_seen_pence, auto_renew=False) -> Payment:
    """Start paying the joining fee. Refuses if the amount the person saw is not the fee now. The person's
    answer to "Renew automatically with this card" sets the membership's automatic renewal."""
    require_owner(person, membership)
    if membership.status is not S.APPLIED:
        raise MembershipError("This application does not need paying.")
    due = fee_due(membership)
    if amount_seen_pence != due:
        raise MembershipError(
            f"The fee is now {format_pence(due)}. Check the amount on this page and pay again.", field="amount"
        )
    membership.auto_renew = bool(auto_renew)
    return payment_services.begin_card_payment(
        person, PaymentPurpose.MEMBERSHIP_FEE, membership.id, due, fee_description(membership)
    )


def require_owner(person, membership):
    """Refuse when `membership` is not `person`'s own: a member changes only their own membership."""
    if membership.person_id != person.id:
        raise MembershipError("That is not your membership.")


def membership_paid_for(payment) -> Membership | None:
    """The membership a joining fee or renewal payment pays for."""
    return db.session.get(Membership, payment.subject_id)


def fee_refunded(payment):
    """Payments calls this once when a joining fee is refunded in full. Before a decision, the
    application goes back to waiting for payment; after one, the decision stands."""
    membership = membership_paid_for(payment)
    if membership is not None and membership.status is S.PAID:
        change_status(membership, S.APPLIED, reason=f"Fee refunded ({payment.receipt_number})")


def what_a_fee_refund_does(payment) -> str:
    """For the refund confirmation page: what refunding a joining fee does to the membership."""
    membership = membership_paid_for(payment)
    if membership is None:
        return "No membership is changed."
    if membership.status is S.PAID:
        return (
            f"Refunding all of it sends {membership.person.name}'s application back to waiting for payment; "
            "refunding part of it leaves the application as it is."
        )
    return (
        f"The membership is not changed: it stays {STATUS_NAMES[membership.status]}. "
        "To end it, suspend it from the membership page."
    )


def what_a_renewal_refund_does(payment) -> str:
    """For the refund confirmation page: a renewal refund does not take the year back."""
    membership = membership_paid_for(payment)
    if membership is None:
        return "No membership is changed."
    ends = f" (it ends on {format_date(membership.expires_on)})" if membership.expires_on else ""
    return f"The membership is not changed: it keeps its dates{ends}. To end it, suspend it from the membership page."


def fee_paid(payment):
    """Payments calls this once when a joining fee succeeds."""
    membership = membership_paid_for(payment)
    if membership is None or membership.status is not S.APPLIED:
        return
    change_status(membership, S.PAID, actor=payment_recorder(payment), reason=f"Fee paid ({payment.receipt_number})")
    email_member(membership, "members/application_received", "We have your membership application and payment")


# --- Staff decisions ---------------------------------------------------------------------------

APPLICATIONS_PER_PAGE = 50


def applications(status, *, tier_id=None, region=None) -> sa.Select:
    """The applications in `status` (paid: waiting for a decision; applied: not paid yet), oldest first,
    in the tier and region when given."""
    statement = sa.select(Membership).where(Membership.status == status).order_by(Membership.created_at, Membership.id)
    return where_equal(statement, (Membership.tier_id, tier_id), (Membership.region, region))


def membership_history(membership) -> list[MembershipChange]:
    """Every change of the membership's status, newest first, with who made it."""
    return db.session.scalars(
        sa.select(MembershipChange)
        .where(MembershipChange.membership_id == membership.id)
        .options(selectinload(MembershipChange.actor))
        .order_by(MembershipChange.id.desc())
    ).all()


def next_membership_number() -> str:
    """NALW-000123. The counter row is updated in place, which locks it until commit: concurrent
    approvals queue behind each other and never share a number."""
    number = db.session.execute(
        sa.update(MembershipNumberCounter)
        .where(MembershipNumberCounter.id == 1)
        .values(last_number=MembershipNumberCounter.last_number + 1)
        .returning(MembershipNumberCounter.last_number)
    ).scalar_one_or_none()
    if number is None:
        db.session.add(MembershipNumberCounter(id=1, last_number=1))
        db.session.flush()
        number = 1
    return f"NALW-{number:06d}"


def approve(actor, membership):
    if membership.status is not S.PAID:
        raise MembershipError("Only a paid application can be approved.")
    today = london_today()
    membership.started_on, membership.expires_on = first_period(today)
    membership.number = membership.number or next_membership_number()
    change_status(membership, S.ACTIVE, actor=actor, reason="Application approved")
    if membership.for_organisation:
        account_services.grant_role(actor, membership.person, Role.ORGANISATION_ADMIN)
    record_audit(
        actor,
        "membership.approved",
        membership,
        before={"status": S.PAID},
        after={"status": S.ACTIVE, "number": membership.number, "expires_on": membership.expires_on},
        summary=f"Approved {membership.person.name} as {membership.number}",
    )
    email_member(membership, "members/approved", f"Welcome to NALW: your membership number is {membership.number}")


def rejection_refusal(membership) -> str | None:
    """Why the application cannot be rejected now (None when it can): only one not yet decided can be."""
    if membership.status in (S.APPLIED, S.PAID):
        return None
    return (
        "Only an application waiting for a decision can be rejected: "
        f"this membership is {STATUS_NAMES[membership.status]}."
    )


def suspension_refusal(membership) -> str | None:
    """Why the membership cannot be suspended now (None when it can): only one active or in grace can be."""
    if membership.status in IN_GOOD_STANDING:
        return None
    return (
        "Only an active membership or one in its grace period can be suspended: "
        f"this one is {STATUS_NAMES[membership.status]}."
    )


def reinstatement_refusal(membership) -> str | None:
    """Why the membership cannot be reinstated now (None when it can): only a suspended one can be."""
    if membership.status is S.SUSPENDED:
        return None
    return f"Only a suspended membership can be reinstated: this one is {STATUS_NAMES[membership.status]}."


def reject(actor, membership, reason):
    """Turn an application down; any fee paid for it is refunded in full, automatically. A card refund is
    written as pending here and asked of Stripe once the rejection is committed (`checkout.complete_refunds`)."""
    MembershipError.refuse_if(rejection_refusal(membership))
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError("Give the reason: the applicant will see it.", field="reason")
    refunds = fees_refunded_on_rejection(membership)
    to_card = sum(payment.refundable_pence for payment in refunds if payment.method is PaymentMethod.CARD)
    by_transfer = sum(payment.refundable_pence for payment in refunds if payment.method is not PaymentMethod.CARD)
    _decide(
        actor,
        membership,
        S.REJECTED,
        reason,
        "rejected",
        "Your NALW membership application",
        to_card + by_transfer,
        # The email says where each part of the money goes: a card's back to it, the rest by bank transfer.
        refunded_to_card=format_pence(to_card) if to_card else None,
        refunded_by_transfer=format_pence(by_transfer) if by_transfer else None,
    )
    for payment in refunds:
        payment_services.request_refund(actor, payment, payment.refundable_pence, f"Application not approved: {reason}")


def fees_refunded_on_rejection(membership) -> list[Payment]:
    """The joining fee payments a rejection refunds, each in full: those with money still to give back."""
    return [
        payment
        for payment in payments_for(membership)
        if payment.purpose is PaymentPurpose.MEMBERSHIP_FEE and payment.refundable_pence
    ]


def suspend(actor, membership, reason):
    """Only a membership in good standing (active or in grace) is suspended; automatic renewal is turned off."""
    MembershipError.refuse_if(suspension_refusal(membership))
    _require_reason(reason)
    membership.auto_renew = False
    _decide(actor, membership, S.SUSPENDED, reason, "suspended", "Your NALW membership is suspended")


def reinstate(actor, membership, reason):
    """Back to where the dates put it: active, in grace, or lapsed."""
    MembershipError.refuse_if(reinstatement_refusal(membership))
    _require_reason(reason)
    to_status = status_for_dates(membership, london_today())
    _decide(actor, membership, to_status, reason, "reinstated", "Your NALW membership is reinstated")


def _decide(actor, membership, to_status, reason, decision, subject, refunded=None, **email_context):
    """A staff decision on a membership, one way: its history, the audit record ("membership.<decision>"),
    and the email (templates/emails/members/<decision>) that gives the member the reason."""
    before = {"status": membership.status}
    change_status(membership, to_status, actor=actor, reason=reason)
    after = {"status": to_status, "reason": reason} | ({} if refunded is None else {"refunded_pence": refunded})
    summary = f"{decision.capitalize()} {membership.number or 'the application of ' + membership.person.name}: {reason}"
    record_audit(actor, f"membership.{decision}", membership, before=before, after=after, summary=summary)
    email_member(membership, f"members/{decision}", subject, reason=reason, **email_context)


def resign(person, membership, reason=""):
    require_owner(person, membership)
    change_status(membership, S.RESIGNED, actor=person, reason=reason.strip() or "Resigned by the member")
    membership.auto_renew = False
    email_member(membership, "members/resigned", "You have resigned from NALW")


def _require_reason(reason):
    if not (reason or "").strip():
        raise MembershipError("Give the reason: it is kept in the member's history and sent to them.", field="reason")


def status_for_dates(membership, today) -> MembershipStatus:
    if membership.expires_on is None or today <= membership.expires_on:
        return S.ACTIVE
    if today <= membership.expires_on + dt.timedelta(days=GRACE_DAYS):
        return S.GRACE
    return S.LAPSED


def payments_for(membership):
    """The joining fee and renewal payments of a membership, oldest first."""
    return payment_services.payments_for((PaymentPurpose.MEMBERSHIP_FEE, PaymentPurpose.RENEWAL), membership.id)


# The decisions staff take with a reason, each with the refusal function that says when it cannot be taken.
REASONED_DECISIONS = {
    "reject": rejection_refusal,
    "suspend": suspension_refusal,
    "reinstate": reinstatement_refusal,
}


def reasoned_decisions_open(membership) -> list[str]:
    """The decisions with a reason ("reject", "suspend", "reinstate") the membership's status allows now."""
    return [decision for decision, refusal in REASONED_DECISIONS.items() if refusal(membership) is None]


# --- Emails ------------------------------------------------------------------------------------


def email_member(membership, template, subject, **context):
    """Queue `template` to the membership's holder, with the membership, its tier, its end date and a link to
    the membership page in the context."""
    person = membership.person
    queue_email(
        person.email,
        template,
        subject,
        person=person,
        membership=membership,
        tier=membership.tier,
        membership_link=absolute_link("members.my_membership"),
        expires=format_date(membership.expires_on),
        grace_days=GRACE_DAYS,
        **context,
    )


# --- Tiers ------------------------------------------------------------------------------------------


def tier_refusals(tier, *, name, eligibility, seats) -> list[MembershipError]:
    """What stops a tier being saved with these details, each refusal naming its field: a name another
    tier has, an organisation tier without seats, or seats on a tier that is not for organisations.
    A detail not known yet (None) is not judged, so a form can show these beside its own messages."""
    refusals = []
    if name and name.strip():
        clash = db.session.scalar(sa.select(Tier.id).where(sa.func.lower(Tier.name) == name.strip().lower()))
        if clash is not None and (tier is None or clash != tier.id):
            refusals.append(MembershipError("Another tier has that name. Choose a different name.", field="name"))
    if eligibility is Eligibility.ORGANISATION and not seats:
        refusals.append(MembershipError("Enter how many seats an organisation gets", field="seats"))
    if eligibility is not None and eligibility is not Eligibility.ORGANISATION and seats is not None:
        refusals.append(
            MembershipError("Seats are for organisation tiers only. Leave seats empty for this tier", field="seats")
        )
    return refusals


def all_tiers() -> list[Tier]:
    return db.session.scalars(sa.select(Tier).order_by(*TIER_ORDER)).all()


def tier_names() -> list[sa.Row]:
    """Each tier's (id, name), in the tiers' order: all a filter by tier shows, without loading the tiers."""
    return db.session.execute(_tier_names_statement()).all()


@functools.cache
def _tier_names_statement():
    """Built once: a staff list's filter reads the names on every request."""
    return sa.select(Tier.id, Tier.name).order_by(*TIER_ORDER)


def save_tier(
    actor,
    tier,
    *,
    name,
    description,
    annual_fee_pence,
    eligibility,
    cpd_hours_required,
    seats,
    open_for_applications,
    cpd_hours_for_current_year=False,
):
    """Create or change a tier. Organisation tiers need seats; others have none. A change of CPD hours
    applies from the next CPD year, and to the current one too only when `cpd_hours_for_current_year`
    (see `cpd_requirements.change_requirement`). Audited."""
    refusals = tier_refusals(tier, name=name, eligibility=eligibility, seats=seats)
    if refusals:
        raise refusals[0]
    fields = {
        "name": name.strip(),
        "description": (description or "").strip(),
        "annual_fee_pence": annual_fee_pence,
        "eligibility": eligibility,
        "cpd_hours_required": cpd_hours_required,
        "seats": seats,
        "open_for_applications": open_for_applications,
    }
    before = None if tier is None else {key: getattr(tier, key) for key in fields}
    if tier is None:
        position = (db.session.scalar(sa.select(sa.func.max(Tier.position))) or 0) + 1
        tier = Tier(position=position, **fields)
        db.session.add(tier)
        db.session.flush()
        cpd_requirements.start_requirement(tier)
    else:
        for key, value in fields.items():
            setattr(tier, key, value)
        db.session.flush()
        cpd_requirements.change_requirement(
            actor, tier, cpd_hours_required, current_year_too=cpd_hours_for_current_year
        )
    record_audit(actor, "tier.saved", tier, before=before, after=fields, summary=f"Saved tier {tier.name}")
    return tier


def current_memberships_by_email_subquery():
    """(email, status, number) of each account's current personal membership, as a subquery another domain's
    list joins on an email (awards screening: the nominee's standing beside each nomination, in the same query)."""
    return (
        sa.select(Person.email.label("email"), Membership.status.label("status"), Membership.number.label("number"))
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.for_organisation.is_(False),
            Membership.is_current,
        )
        .subquery("current_membership")
    )


def current_memberships_by_email(emails) -> dict[str, Membership]:
    """The current personal membership of each account among `emails` (lower-case) that has one: how other
    domains (awards screening) show a person's standing beside what they know of them, in one query."""
    emails = {email.lower() for email in emails if email}
    if not emails:
        return {}
    rows = db.session.execute(
        sa.select(Person.email, Membership)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Person.email.in_(emails),
            Membership.for_organisation.is_(False),
            Membership.is_current,
        )
    )
    return dict(rows.all())
