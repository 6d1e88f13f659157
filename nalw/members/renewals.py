"""Renewal: paying for the next year, the daily reminders and charges, grace and lapse.

`flask members renewals` runs the day's steps in turn: `send_reminders`, the automatic
charges (`due_automatic_renewals`, `charge_automatic_renewal`, `finish_automatic_renewal`)
and `move_expired`. Each step records what it did for a given expiry date (RenewalNotice),
so running it twice a day, or again after a missed day, sends each reminder once and
charges each card once.
"""

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from nalw.accounts.models import Person
from nalw.code_of_practice import services as code_services
from nalw.core.audit import record_audit
from nalw.core.contact import contact_us_text
from nalw.core.cpd_years import CpdYear, year_containing
from nalw.core.labels import LabelledEnum
from nalw.core.links import absolute_link
from nalw.core.money import format_pence
from nalw.core.time import format_date, london_today, to_london, utcnow
from nalw.extensions import db
from nalw.members import cpd_requirements, services
from nalw.members.models import CpdDeclaration, Membership, MembershipStatus, Organisation, RenewalNotice
from nalw.members.services import MembershipError, change_status, record_history, renewed_period
from nalw.payments import services as payment_services
from nalw.payments.models import Payment, PaymentPurpose, PaymentStatus

S = MembershipStatus
RENEWABLE = (S.ACTIVE, S.GRACE, S.LAPSED)
# The automatic charge is taken this many days before expiry, leaving time to fix a failed card.
AUTO_CHARGE_DAYS_BEFORE = 5
# Renewal opens this many days before the end date.
RENEWAL_OPENS_DAYS = 60
# Reminders go this many days before the end date, and on the day itself.
REMINDER_DAYS = (30, 7)
# Each reminder: its kind (the email template, and what RenewalNotice records), and the most and fewest days
# before the end date it is sent, so a reminder missed on its day goes the next day, until the next one is due.
REMINDERS = (
    ("reminder_30_days", REMINDER_DAYS[0], REMINDER_DAYS[1] + 1),
    ("reminder_7_days", REMINDER_DAYS[1], 1),
    ("reminder_expiry_day", 0, 0),
)


def renewal_period_starts_on(membership) -> dt.date:
    """The period a renewal pays for starts the day after the membership's end date: one renewal payment per
    membership per end date. (After a lapse the renewed year runs from the day of payment instead, but the
    payment is still the one for the period after that end date.)"""
    return membership.expires_on + dt.timedelta(days=1)


def renewal_fee(membership) -> int:
    return membership.tier.annual_fee_pence


def is_renewable(membership) -> bool:
    """A membership the member renews themself (a seat renews with its organisation)."""
    return membership.status in RENEWABLE and not membership.is_seat and membership.expires_on is not None


def renewal_opens_on(membership):
    return membership.expires_on - dt.timedelta(days=RENEWAL_OPENS_DAYS)


def can_renew(membership, today=None) -> bool:
    """Renewal opens RENEWAL_OPENS_DAYS before the end date and stays open through grace and lapse;
    earlier than that would let a member pay for years ahead by accident."""
    if not is_renewable(membership):
        return False
    if membership.status is S.ACTIVE:
        today = today or london_today()
        return (membership.expires_on - today).days <= RENEWAL_OPENS_DAYS
    return True


def cpd_year_to_declare(today=None) -> CpdYear:
    """At renewal a member declares about the last complete CPD year."""
    return year_containing(today or london_today()).previous()


def cpd_year_to_declare_for(membership, today=None) -> CpdYear | None:
    """The CPD year this member declares about at renewal, or None when that year ended before their
    membership started: a new member is not asked about a year they were not a member."""
    year = cpd_year_to_declare(today)
    if membership.started_on is not None and year.ends_on < membership.started_on:
        return None
    return year


def declaration_for(membership, year: CpdYear) -> CpdDeclaration | None:
    return db.session.scalar(
        sa.select(CpdDeclaration).where(
            CpdDeclaration.membership_id == membership.id, CpdDeclaration.cpd_year_starts_on == year.starts_on
        )
    )


def declarations(membership) -> list[CpdDeclaration]:
    """The member's CPD declarations, the latest CPD year first."""
    return db.session.scalars(
        sa.select(CpdDeclaration)
        .where(CpdDeclaration.membership_id == membership.id)
        .order_by(CpdDeclaration.cpd_year_starts_on.desc())
    ).all()


def declare_cpd(membership, met_requirement: bool) -> CpdDeclaration:
    """Keep the member's declaration with the membership (one per CPD year; a later one replaces it); only a
    membership the member renews themself has one."""
    if not is_renewable(membership):
        raise MembershipError(f"This membership has no CPD declaration to make. {contact_us_text(capital=True)}.")
    year = cpd_year_to_declare_for(membership)
    if year is None:
        raise MembershipError("There is no CPD year to declare yet: the last one ended before you joined.")
    hours_required = cpd_requirements.hours_required(membership.tier, year)
    declaration = declaration_for(membership, year)
    if declaration is None:
        declaration = CpdDeclaration(membership_id=membership.id, cpd_year_starts_on=year.starts_on)
        db.session.add(declaration)
    declaration.met_requirement = met_requirement
    declaration.hours_required = hours_required
    declaration.declared_at = utcnow()
    db.session.flush()
    return declaration


def begin_renewal_payment(
    person, membership, amount_seen_pence, *, accepted_code, accepted_code_version_id, cpd_met=None, auto_renew=False
) -> Payment:
    """A member renews by card. They accept the current code of practice again, and declare whether
    they met the last CPD year's requirement, as they do. Their answer to "Renew automatically with this card"
    sets the membership's automatic renewal."""
    services.require_owner(person, membership)
    if not is_renewable(membership):
        raise MembershipError(f"This membership cannot be renewed online. {contact_us_text(capital=True)}.")
    if not can_renew(membership):
        raise MembershipError(
            f"Renewal opens on {format_date(renewal_opens_on(membership))}, {RENEWAL_OPENS_DAYS} days before your "
            "membership ends."
        )
    services.accept_current_code(
        membership,
        accepted_code=accepted_code,
        code_version_id=accepted_code_version_id,
        doing="renewing",
        refusal="Accept the current code of practice to renew",
    )
    fee = renewal_fee(membership)
    if amount_seen_pence != fee:
        raise MembershipError(
            f"The renewal fee is now {format_pence(fee)}. Check the amount and pay again.", field="amount"
        )
    cpd_year = cpd_year_to_declare_for(membership)
    if cpd_year is not None and cpd_met is None:
        raise MembershipError(f"Say whether you met the CPD requirement for {cpd_year.label}", field="cpd_met")
    if cpd_year is not None:
        declare_cpd(membership, cpd_met)
    membership.auto_renew = bool(auto_renew)
    return payment_services.begin_card_payment(
        person,
        PaymentPurpose.RENEWAL,
        membership.id,
        fee,
        renewal_description(membership),
        period_starts_on=renewal_period_starts_on(membership),
    )


def amount_due(membership) -> int | None:
    """What staff expect to receive offline for this membership now: the joining fee or the renewal fee."""
    if membership.status is S.APPLIED:
        return services.fee_due(membership)
    if is_renewable(membership) and can_renew(membership):
        return renewal_fee(membership)
    return None


def renewal_not_open_until(membership) -> dt.date | None:
    """The day a renewable membership's renewal opens, while it has not opened yet; else None."""
    if is_renewable(membership) and not can_renew(membership):
        return renewal_opens_on(membership)
    return None


def record_offline_payment(actor, membership, *, amount_pence, method, offline_reference, override_reason=""):
    """Staff record a joining fee or a renewal received by invoice or bank transfer.

    The amount must be the fee due; a different amount needs the staff member's reason, which is audited.
    A renewal follows the card renewal's rules: only while renewal is open, and the new period comes from
    `renewed_period` (in `renewal_paid`, as for a card). The history names the staff member.
    """
    if membership.status is S.APPLIED:
        purpose, period_starts_on, due = PaymentPurpose.MEMBERSHIP_FEE, None, services.fee_due(membership)
        description = services.fee_description(membership)
    elif is_renewable(membership):
        if not can_renew(membership):
            raise MembershipError(
                f"Renewal opens on {format_date(renewal_opens_on(membership))}, {RENEWAL_OPENS_DAYS} days before "
                f"the membership ends. Record the payment from then, or return the money."
            )
        purpose, period_starts_on, due = (
            PaymentPurpose.RENEWAL,
            renewal_period_starts_on(membership),
            renewal_fee(membership),
        )
        description = renewal_description(membership)
    else:
        raise MembershipError("This membership has nothing to pay for.")
    override_reason = (override_reason or "").strip()
    if amount_pence != due and not override_reason:
        raise MembershipError(
            f"The fee due is {format_pence(due)}. Enter {format_pence(due)}, or give the reason for accepting "
            f"{format_pence(amount_pence)} below.",
            field="amount",
        )
    payment = payment_services.record_offline_payment(
        actor,
        membership.person,
        purpose,
        membership.id,
        amount_pence,
        method,
        offline_reference,
        description,
        period_starts_on=period_starts_on,
    )
    if amount_pence != due:
        record_audit(
            actor,
            "membership.offline_amount_accepted",
            membership,
            before={"fee_due_pence": due},
            after={"amount_pence": amount_pence, "reason": override_reason, "payment_id": payment.id},
            summary=f"Accepted {format_pence(amount_pence)} for a fee of {format_pence(due)} "
            f"({payment.receipt_number}): {override_reason}",
        )
    return payment


def renewal_description(membership, today=None) -> str:
    """What the member reads on the payment: 'Link Worker membership renewal, 2026–27'."""
    starts_on, ends_on = renewed_period(membership, today or london_today())
    if membership.status is not S.LAPSED:
        starts_on = membership.expires_on + dt.timedelta(days=1)
    return f"{membership.tier.name} membership renewal, {services.period_label(starts_on, ends_on)}"


def renewal_paid(payment):
    """Payments calls this once when a renewal succeeds: the membership runs another year."""
    membership = services.membership_paid_for(payment)
    if membership is None or renewal_period_starts_on(membership) != payment.period_starts_on:
        # Paid for an expiry date that has already moved on: nothing to extend.
        current_app.logger.warning("renewal payment %s does not match membership's current period", payment.id)
        return
    paid_on = to_london(payment.succeeded_at or utcnow()).date()
    from_status = membership.status
    membership.started_on, membership.expires_on = renewed_period(membership, paid_on)
    reason = f"Renewed until {format_date(membership.expires_on)} ({payment.receipt_number})"
    actor = services.payment_recorder(payment)
    if from_status is S.ACTIVE:
        record_history(membership, S.ACTIVE, S.ACTIVE, actor=actor, reason=reason)
    else:
        change_status(membership, S.ACTIVE, actor=actor, reason=reason)
    extend_seats(membership)
    services.email_member(membership, "members/renewed", "Your NALW membership is renewed")


def extend_seats(organisation_membership):
    """Seat holders' memberships run with their organisation's."""
    if not organisation_membership.for_organisation:
        return
    seats = db.session.scalars(
        sa.select(Membership).where(
            Membership.organisation_id == organisation_membership.organisation_id,
            Membership.for_organisation.is_(False),
            Membership.status.in_(RENEWABLE),
        )
    ).all()
    for seat in seats:
        seat.expires_on = organisation_membership.expires_on
        if seat.status is not S.ACTIVE:
            change_status(seat, S.ACTIVE, reason="The organisation's membership was renewed")


def renewal_awaiting_authentication(membership) -> Payment | None:
    """A charge for this renewal that the member's bank wants them to confirm (an automatic charge taken
    while they were away, usually). It is the live payment for the renewal, so another cannot start:
    the member confirms this one."""
    payment = payment_services.live_payment_for(
        PaymentPurpose.RENEWAL, membership.id, renewal_period_starts_on(membership)
    )
    return payment if payment is not None and payment.status is PaymentStatus.REQUIRES_ACTION else None


def automatic_charge_on(membership):
    """The day the daily run charges an automatic renewal: AUTO_CHARGE_DAYS_BEFORE days before the end date."""
    return membership.expires_on - dt.timedelta(days=AUTO_CHARGE_DAYS_BEFORE)


def set_auto_renew(person, membership, enabled: bool):
    services.require_owner(person, membership)
    if enabled:
        profile = payment_services.billing_profile(person)
        if profile is None or not profile.payment_method_id:
            raise MembershipError("Save a card first: automatic renewal charges your saved card.")
        if not is_renewable(membership):
            raise MembershipError("This membership cannot renew automatically.")
    membership.auto_renew = enabled


# --- Whether the daily run will charge a renewal ---------------------------------------------------
#
# The one statement of the rule, read by the daily run and by the staff list of renewals due, so what the list
# calls "automatically" is what the run will do. The run (`due_automatic_renewals`) tries each membership whose
# holder chose automatic renewal once per end date (`automatic_charge_to_try`); `charge_automatic_renewal` then
# refuses the charge, and emails the member a link to pay, when they must accept a newer code of practice
# (`must_accept_new_code`, which is `accepted_current_code` for one membership), and payments refuses it when no
# card is saved. `automatic_renewal` puts these together, in SQL, with the first reason a membership fails.

# A membership its holder renews: a person's own that is not a seat, or an organisation's own. A seat is
# renewed with its organisation's membership (`extend_seats`).
RENEWED_BY_HOLDER = sa.or_(Membership.organisation_id.is_(None), Membership.for_organisation)
# What RenewalNotice records when the run has tried the automatic charge for an end date.
AUTO_CHARGE = "auto_charge"


class AutomaticRenewal(LabelledEnum):
    """Whether the daily run will charge a membership's renewal to the saved card, and if not, the first reason
    it will not (so the holder renews by hand)."""

    WILL_CHARGE = "will_charge", "Automatically"
    OFF = "off", "By hand: automatic renewal off"
    NO_CARD = "no_card", "By hand: no card saved"
    ALREADY_TRIED = (
        "already_tried",
        "By hand: automatic charge already tried (it failed or needed the member; they were emailed)",
    )
    NEW_CODE = "new_code", "By hand: must accept the new code of practice"


def automatic_charge_tried():
    """SQL: the run has tried this membership's automatic charge for its current end date (`_mark_done`). It
    tries once: after a failed charge, a refused one or one the bank asked the member to confirm, the member was
    emailed a link to pay. (A charge that succeeded moved the end date on, so it is not counted here.)"""
    return sa.exists().where(
        RenewalNotice.membership_id == Membership.id,
        RenewalNotice.kind == AUTO_CHARGE,
        RenewalNotice.for_expiry_on == Membership.expires_on,
    )


def automatic_charge_to_try():
    """SQL: the run tries this membership's automatic charge (in the days before its end date): its holder chose
    automatic renewal and the charge has not been tried for this end date."""
    return sa.and_(Membership.auto_renew, sa.not_(automatic_charge_tried()))


def accepted_current_code():
    """SQL: the holder accepted the current code of practice, or none is published (`must_accept_new_code`)."""
    current = code_services.current_version_id()
    return sa.or_(current.is_(None), Membership.code_version_id == current)


def must_accept_new_code(membership, code) -> bool:
    """`accepted_current_code` not met, for one membership and the current version `code` (None when none is
    published): the holder must accept a newer code of practice, so the run does not charge them."""
    return code is not None and membership.code_version_id != code.id


def automatic_renewal():
    """SQL: the `AutomaticRenewal` value for a membership (never NULL): WILL_CHARGE when the run will charge it,
    else the first reason it will not."""
    way = AutomaticRenewal
    return sa.case(
        (sa.not_(Membership.auto_renew), way.OFF.value),
        (Membership.person_id.not_in(payment_services.saved_card_holders()), way.NO_CARD.value),
        (automatic_charge_tried(), way.ALREADY_TRIED.value),
        (sa.not_(accepted_current_code()), way.NEW_CODE.value),
        else_=way.WILL_CHARGE.value,
    )


# --- The daily run -------------------------------------------------------------------------------


def _done(membership, kind) -> bool:
    return (
        db.session.scalar(
            sa.select(RenewalNotice.id).where(
                RenewalNotice.membership_id == membership.id,
                RenewalNotice.kind == kind,
                RenewalNotice.for_expiry_on == membership.expires_on,
            )
        )
        is not None
    )


def _mark_done(membership, kind):
    db.session.add(RenewalNotice(membership_id=membership.id, kind=kind, for_expiry_on=membership.expires_on))
    db.session.flush()


def _pay_link():
    return absolute_link("members.renew")


def memberships_expiring_between(first_day, last_day, statuses=(S.ACTIVE,)):
    return db.session.scalars(
        sa.select(Membership)
        .where(Membership.status.in_(statuses), Membership.expires_on.between(first_day, last_day))
        .order_by(Membership.id)
    ).all()


def send_reminders(today) -> int:
    """REMINDER_DAYS before the end date and on the day: each once per expiry date, even after a missed day."""
    sent = 0
    for kind, most_days, fewest_days in REMINDERS:
        for membership in memberships_expiring_between(
            today + dt.timedelta(days=fewest_days), today + dt.timedelta(days=most_days)
        ):
            if membership.is_seat or _done(membership, kind):
                continue
            _mark_done(membership, kind)
            services.email_member(
                membership,
                f"members/{kind}",
                "Your NALW membership ends today"
                if kind == "reminder_expiry_day"
                else f"Your NALW membership ends on {format_date(membership.expires_on)}",
                pay_link=_pay_link(),
                fee=format_pence(renewal_fee(membership)),
                days_left=(membership.expires_on - today).days,
            )
            sent += 1
    return sent


class Renews(LabelledEnum):
    """How a membership due for renewal will be renewed: charged by the daily run, or paid by its holder."""

    AUTOMATICALLY = "automatically", "Automatically"
    BY_HAND = "by_hand", "By hand"


def renewals_due(*, ends_from, ends_to, renews=None) -> sa.Select:
    """Memberships active now, ending on the days from `ends_from` to `ends_to` (both included), that their
    holder renews (a seat renews with its organisation), by end date then number; only those renewing
    `renews` (automatically or by hand) when given. "Automatically" means the daily run will charge the saved
    card (`automatic_renewal`, the rule the run follows).

    Rows of (Membership with its person's name and email and its tier, organisation_name for an organisation's
    own membership, automatic_renewal: an `AutomaticRenewal` value, automatic: whether it is WILL_CHARGE): the
    staff list of renewals due, and what `renewals_due_between` counts."""
    way = automatic_renewal()
    automatic = way == AutomaticRenewal.WILL_CHARGE.value
    statement = (
        sa.select(
            Membership,
            Organisation.name.label("organisation_name"),
            way.label("automatic_renewal"),
            automatic.label("automatic"),
        )
        .outerjoin(Organisation, sa.and_(Membership.for_organisation, Organisation.id == Membership.organisation_id))
        .where(*_renewing_between(ends_from, ends_to))
        .options(joinedload(Membership.person).load_only(Person.name, Person.email).lazyload(Person.role_grants))
        .order_by(Membership.expires_on, Membership.number)
    )
    if renews is Renews.AUTOMATICALLY:
        statement = statement.where(automatic)
    elif renews is Renews.BY_HAND:
        statement = statement.where(sa.not_(automatic))
    return statement


def renewals_due_between(first_day, last_day) -> tuple[int, int, int]:
    """How many renewals are due between the two days, how many of those renew automatically and how many by
    hand: the rows of `renewals_due`, each counted with the list's own filter, so a figure and the list it links
    to cannot differ."""
    due = renewals_due(ends_from=first_day, ends_to=last_day).order_by(None).subquery()
    return db.session.execute(
        sa.select(
            sa.func.count(), sa.func.count().filter(due.c.automatic), sa.func.count().filter(sa.not_(due.c.automatic))
        )
    ).one()


def _renewing_between(first_day, last_day):
    """The conditions of a membership up for renewal on those days (both included): active, ending then, and
    renewed by its holder. What the list of renewals due shows and the daily run's automatic charges choose from."""
    return (Membership.status == S.ACTIVE, Membership.expires_on.between(first_day, last_day), RENEWED_BY_HOLDER)


def due_automatic_renewals(today):
    """The memberships whose automatic charge the run tries today: active, ending in the next
    AUTO_CHARGE_DAYS_BEFORE days, renewed by their holder, and `automatic_charge_to_try`."""
    return db.session.scalars(
        sa.select(Membership)
        .where(
            *_renewing_between(today, today + dt.timedelta(days=AUTO_CHARGE_DAYS_BEFORE)),
            automatic_charge_to_try(),
        )
        .order_by(Membership.id)
    ).all()


def charge_automatic_renewal(membership) -> Payment | None:
    """Step one of an off-session charge: record that it was tried and write the payment row.
    The caller commits, then calls `finish_automatic_renewal`."""
    _mark_done(membership, AUTO_CHARGE)
    if must_accept_new_code(membership, code_services.current_version()):
        # A new code of practice must be accepted by the member: ask them to renew by hand.
        _email_pay_link(membership, "The code of practice has been updated; accept it as you renew.")
        return None
    try:
        return payment_services.begin_card_payment(
            membership.person,
            PaymentPurpose.RENEWAL,
            membership.id,
            renewal_fee(membership),
            renewal_description(membership),
            period_starts_on=renewal_period_starts_on(membership),
            off_session=True,
        )
    except payment_services.PaymentError as error:
        _email_pay_link(membership, error.message)
        return None


def finish_automatic_renewal(membership, payment):
    payment_services.submit_card_payment(payment)
    if payment.status in (PaymentStatus.FAILED, PaymentStatus.REQUIRES_ACTION):
        reason = (
            "Your bank asked you to confirm the payment."
            if payment.status is PaymentStatus.REQUIRES_ACTION
            else f"Your card was not charged: {payment.failure_message}"
        )
        _email_pay_link(membership, reason)


def _email_pay_link(membership, reason):
    services.email_member(
        membership,
        "members/renewal_charge_failed",
        "Action needed: renew your NALW membership",
        reason=reason,
        pay_link=_pay_link(),
        fee=format_pence(renewal_fee(membership)),
    )


def move_expired(today) -> tuple[int, int]:
    """Active past its end date -> grace; grace past GRACE_DAYS -> lapsed."""
    to_grace = db.session.scalars(
        sa.select(Membership).where(Membership.status == S.ACTIVE, Membership.expires_on < today)
    ).all()
    for membership in to_grace:
        change_status(
            membership, S.GRACE, reason=f"Membership period ended; {services.GRACE_DAYS} days' grace to renew"
        )
    to_lapse = db.session.scalars(
        sa.select(Membership).where(
            Membership.status == S.GRACE, Membership.expires_on < today - dt.timedelta(days=services.GRACE_DAYS)
        )
    ).all()
    for membership in to_lapse:
        change_status(membership, S.LAPSED, reason=f"Not renewed within {services.GRACE_DAYS} days of the end date")
        if not membership.is_seat:
            services.email_member(membership, "members/lapsed", "Your NALW membership has lapsed", pay_link=_pay_link())
    return len(to_grace), len(to_lapse)


def today_for_renewals():
    return london_today()
