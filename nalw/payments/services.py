"""The rules of money. Every change of a payment's status goes through `apply_intent`.

A card payment is taken in two steps, so that our record exists before money moves:
`begin_card_payment` writes the row (the caller commits), then `submit_card_payment`
asks Stripe to charge with the row's idempotency key (the caller commits again).
The browser's return, the webhook and `flask payments reconcile` all read the
PaymentIntent from Stripe and apply it through the same function, which changes
nothing when the payment is already in that state: replays and events out of
order are harmless.

A payment says what it pays for in columns: its purpose, the id of the thing paid for
in the owning domain (`subject_id`: a membership, a booking) and, for a purpose that
recurs, the first day of the period paid for (`period_starts_on`). One live payment per
purpose, subject and period: the database refuses a second.

A refund is given back the same way: `request_refund` writes it as pending (the caller
commits), then `submit_refund` asks Stripe with the refund's idempotency key and records
the answer (the caller commits again). A refund Stripe did not answer stays pending;
asking again, or `flask payments reconcile`, finishes it, and never refunds twice.
"""

import dataclasses
import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app

from nalw.core.audit import record_audit
from nalw.core.errors import DomainError
from nalw.core.money import format_pence
from nalw.core.time import utcnow
from nalw.core.web import database_integer
from nalw.extensions import db
from nalw.payments import gateway, purposes
from nalw.payments.models import (
    LIVE_STATUSES,
    BillingProfile,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    StripeEvent,
)


class PaymentError(DomainError):
    """A payment rule refused the change; `message` is for the person."""


class MalformedEvent(ValueError):
    """A correctly signed webhook event that is not the shape Stripe sends: refused before anything is read from it."""


class PaymentInProgress(PaymentError):
    def __init__(self, payment):
        super().__init__("This has already been paid, or a payment for it is in progress.")
        self.payment = payment


# --- Cards ---------------------------------------------------------------------------------


def saved_card_holders():
    """The ids of people with a card saved for renewals, as a select to use inside a larger query."""
    return sa.select(BillingProfile.person_id).where(BillingProfile.payment_method_id.is_not(None))


def billing_profile(person, create=False) -> BillingProfile | None:
    profile = db.session.scalar(sa.select(BillingProfile).where(BillingProfile.person_id == person.id))
    if profile is None and create:
        customer_id = gateway.create_customer(person.email, person.name, person.id)
        profile = BillingProfile(person_id=person.id, stripe_customer_id=customer_id)
        db.session.add(profile)
        db.session.flush()
    return profile


def save_card(person, card_token) -> BillingProfile:
    """Keep the card the browser's Stripe.js token stands for as the person's card for payments and renewals.
    A card its bank declines is not kept, and the person is told at the card field."""
    profile = billing_profile(person, create=True)
    try:
        card = gateway.save_card_from_token(card_token, profile.stripe_customer_id)
    except gateway.CardDeclined as error:
        raise PaymentError(f"{error.message} Nothing was charged. Try again or use another card.", field="card")
    except gateway.GatewayError as error:
        raise PaymentError(error.message, field="card")
    return keep_card(profile, card)


def keep_card(profile, card: gateway.SavedCard) -> BillingProfile:
    """Make `card`, saved with the profile's Stripe customer, the one the person's payments and renewals use."""
    profile.payment_method_id = card.payment_method_id
    profile.card_brand = card.brand
    profile.card_last4 = card.last4
    profile.card_exp_month = card.exp_month
    profile.card_exp_year = card.exp_year
    return profile


# --- Taking a card payment ----------------------------------------------------------------


def _paid_for(purpose, subject_id, period_starts_on):
    """The conditions that pick the payments for one purpose, subject and period (None: the purpose has none)."""
    period = (
        Payment.period_starts_on.is_(None) if period_starts_on is None else Payment.period_starts_on == period_starts_on
    )
    return (Payment.purpose == purpose, Payment.subject_id == subject_id, period)


def live_payment_for(purpose, subject_id, period_starts_on=None) -> Payment | None:
    """The payment that counts for this purpose, subject and period: pending, awaiting the bank, or succeeded."""
    return db.session.scalar(
        sa.select(Payment).where(*_paid_for(purpose, subject_id, period_starts_on), Payment.status.in_(LIVE_STATUSES))
    )


def payments_for(purposes, subject_id) -> list[Payment]:
    """Every payment, in any state and for any period, for the subject under one of `purposes`, oldest first."""
    return db.session.scalars(
        sa.select(Payment).where(Payment.purpose.in_(purposes), Payment.subject_id == subject_id).order_by(Payment.id)
    ).all()


def begin_card_payment(
    person, purpose, subject_id, amount_pence, description, *, period_starts_on=None, off_session=False
) -> Payment:
    """Write the payment row before any money moves. Refuses a second live payment for the same purpose,
    subject and period."""
    if amount_pence <= 0:
        raise PaymentError("There is nothing to pay.")
    payment = _new_payment(
        person,
        purpose,
        subject_id,
        period_starts_on,
        amount_pence,
        description,
        method=PaymentMethod.CARD,
        idempotency_key=f"payment-{uuid.uuid4().hex}",
        off_session=off_session,
    )
    profile = billing_profile(person)
    if profile is None or not profile.payment_method_id:
        raise PaymentError("Add a card first.", field="card")
    _add_live_payment(payment)
    return payment


def _new_payment(person, purpose, subject_id, period_starts_on, amount_pence, description, **details) -> Payment:
    """A pending payment row, not yet added; refused when a live payment for the same thing exists already."""
    existing = live_payment_for(purpose, subject_id, period_starts_on)
    if existing is not None:
        raise PaymentInProgress(existing)
    return Payment(
        person_id=person.id,
        purpose=purpose,
        subject_id=subject_id,
        period_starts_on=period_starts_on,
        description=description,
        amount_pence=amount_pence,
        status=PaymentStatus.PENDING,
        **details,
    )


def _add_live_payment(payment):
    """Write a new live payment row. Two requests can both find no live payment for what it pays for;
    the database's one-live-payment indexes let only the first write, and the second is refused here."""
    try:
        with db.session.begin_nested():
            db.session.add(payment)
    except sa.exc.IntegrityError:
        raise PaymentInProgress(_live_payment_for_the_same_thing(payment)) from None


def _live_payment_for_the_same_thing(payment):
    return live_payment_for(payment.purpose, payment.subject_id, payment.period_starts_on)


def payment_metadata(payment) -> dict:
    """What Stripe keeps with the PaymentIntent: our payment's id, and what it pays for, for reading in Stripe."""
    metadata = {"payment_id": str(payment.id), "purpose": payment.purpose.value, "subject_id": str(payment.subject_id)}
    if payment.period_starts_on is not None:
        metadata["period_starts_on"] = payment.period_starts_on.isoformat()
    return metadata


def submit_card_payment(payment, *, new_card=False) -> Payment:
    """Charge the saved card for a pending payment row; returns it with Stripe's answer applied.

    `new_card`: the card was saved for this payment. If this first payment fails (declined, or the bank's
    check not completed, now or later), the card is not kept for next time nor offered as the default.
    """
    if payment.status is not PaymentStatus.PENDING or payment.stripe_payment_intent_id:
        return payment
    profile = db.session.scalar(sa.select(BillingProfile).where(BillingProfile.person_id == payment.person_id))
    if profile is None or not profile.payment_method_id:
        _mark_failed(payment, "No card is saved for this payment.")
        return payment
    metadata = payment_metadata(payment)
    if new_card:
        # Stripe keeps the mark with the PaymentIntent, so an answer that comes later (the bank's check,
        # a webhook, reconcile) knows whose first use failed.
        metadata["new_card"] = profile.payment_method_id
    try:
        result = gateway.charge_saved_card(
            amount_pence=payment.amount_pence,
            customer_id=profile.stripe_customer_id,
            payment_method_id=profile.payment_method_id,
            idempotency_key=payment.idempotency_key,
            description=payment.description,
            metadata=metadata,
            off_session=payment.off_session,
        )
    except gateway.CardDeclined as error:
        payment.stripe_payment_intent_id = error.payment_intent_id
        _mark_failed(payment, error.message)
        _forget_card_failed_on_first_use(payment, metadata.get("new_card"))
        return payment
    except gateway.GatewayError as error:
        # We cannot tell whether Stripe charged: the row stays pending and reconcile settles it.
        payment.failure_message = error.message
        return payment
    payment.stripe_payment_intent_id = result.id
    apply_intent(payment, result)
    return payment


def apply_intent(payment, result: gateway.IntentResult):
    """Bring `payment` into line with Stripe's PaymentIntent. Safe to call any number of times."""
    if result.amount and result.amount != payment.amount_pence:
        current_app.logger.error(
            "payment %s: Stripe amount %s differs from ours %s", payment.id, result.amount, payment.amount_pence
        )
        return
    if result.status == "succeeded":
        _mark_succeeded(payment, result.charge_id)
    elif result.status in ("requires_action", "requires_confirmation"):
        if payment.status is PaymentStatus.PENDING:
            payment.status = PaymentStatus.REQUIRES_ACTION
    elif result.status in ("requires_payment_method", "canceled"):
        _mark_failed(payment, result.failure_message or "The payment was not completed.")
        _forget_card_failed_on_first_use(payment, result.metadata.get("new_card"))


def _forget_card_failed_on_first_use(payment, card_id):
    """A card saved for this payment, which failed, is not kept: unless the person has saved another since."""
    if not card_id:
        return
    profile = db.session.scalar(sa.select(BillingProfile).where(BillingProfile.person_id == payment.person_id))
    if profile is not None and profile.payment_method_id == card_id:
        profile.payment_method_id = profile.card_brand = profile.card_last4 = None
        profile.card_exp_month = profile.card_exp_year = None


def _mark_succeeded(payment, charge_id):
    if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED):
        return
    if payment.status is PaymentStatus.FAILED:
        other = _live_payment_for_the_same_thing(payment)
        if other is not None:
            # Money arrived for a payment we had given up on, and another one paid for the same thing:
            # take the money on record and give it back. It stays failed until the refund goes through,
            # then is refunded: as 'succeeded' it would be a second live payment, which the database refuses.
            payment.stripe_charge_id = charge_id
            payment.succeeded_at = utcnow()
            if not payment.refunds:
                _write_refund(None, payment, payment.amount_pence, "Duplicate payment refunded automatically")
            return
    payment.status = PaymentStatus.SUCCEEDED
    payment.stripe_charge_id = charge_id
    payment.succeeded_at = utcnow()
    payment.failure_message = None
    db.session.flush()
    purposes.payment_succeeded(payment)


def _mark_failed(payment, message):
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION):
        return
    payment.status = PaymentStatus.FAILED
    payment.failure_message = message or "The payment was not completed."
    db.session.flush()
    purposes.payment_failed(payment)


def cancel_awaiting_payment(payment, reason) -> Payment:
    """Cancel a card payment awaiting the bank's check, at Stripe and here: it fails with `reason` as its
    message, so no one can confirm it any more and another payment for the same thing can start. Returns it
    with Stripe's answer applied: one that Stripe says succeeded meanwhile (the payer confirmed it as we asked)
    is recorded as succeeded and is not cancelled; the caller reads its status.

    Stripe is asked inside the caller's transaction, before it commits. That is safe: cancelling is
    idempotent at Stripe (the request carries a key made from the PaymentIntent's id, and an intent cancelled
    already is read back rather than cancelled again), and if our commit is lost, the row stays awaiting the
    bank's check here while Stripe has it cancelled, which `flask payments reconcile` (`refresh_from_stripe`)
    settles as failed. Nothing is charged either way. Raises PaymentError when Stripe does not answer, or
    when the payment cannot be cancelled now (the bank's answer is arriving): nothing is cancelled here then."""
    if payment.status is not PaymentStatus.REQUIRES_ACTION:
        raise PaymentError(f"Payment {payment.receipt_number} is not awaiting the bank's check, so it stays as it is.")
    if not payment.stripe_payment_intent_id:
        # Stripe never made an intent for it, so there is nothing to confirm there.
        _mark_failed(payment, reason)
        return payment
    try:
        try:
            result = gateway.cancel_payment_intent(payment.stripe_payment_intent_id)
        except gateway.Refused:
            # Stripe cannot cancel it as it stands (succeeded, or cancelled already): what it says now counts.
            result = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
    except gateway.GatewayError as error:
        raise PaymentError(
            f"Stripe did not answer when we asked it to cancel payment {payment.receipt_number}, which is waiting "
            "for the bank's check. Try again in a few minutes."
        ) from error
    if result.status == "canceled":
        result = dataclasses.replace(result, failure_message=reason)
    apply_intent(payment, result)
    if payment.status is PaymentStatus.REQUIRES_ACTION:
        raise PaymentError(
            f"The bank's answer on payment {payment.receipt_number} is arriving now, so it cannot be cancelled. "
            "Try again in a few minutes."
        )
    return payment


def refresh_from_stripe(payment) -> Payment:
    """Read the PaymentIntent back (never trust the browser) and apply it."""
    if payment.stripe_payment_intent_id:
        apply_intent(payment, gateway.retrieve_payment_intent(payment.stripe_payment_intent_id))
    return payment


# --- Refunds and offline payments ---------------------------------------------------------


def new_refund_key() -> str:
    """The idempotency key of a refund not yet asked for: the refund form carries it, so sending the form
    twice asks for one refund."""
    return f"refund-{uuid.uuid4().hex}"


def refund_with_key(idempotency_key) -> Refund | None:
    return db.session.scalar(sa.select(Refund).where(Refund.idempotency_key == idempotency_key))


def request_refund(actor, payment, amount_pence, reason, idempotency_key=None) -> Refund:
    """Step one of a refund: check it and write it down. A card refund is written as pending: the caller
    commits, then `submit_refund` asks Stripe. An offline payment's refund (the money goes back by bank
    transfer) is recorded as done at once. A refund already asked for with `idempotency_key` is returned
    as it is, so a form sent twice refunds once."""
    idempotency_key = idempotency_key or new_refund_key()
    # Locked, so two refunds asked for at once cannot both take what is left.
    db.session.refresh(payment, with_for_update=True)
    db.session.expire(payment, ["refunds"])
    existing = refund_with_key(idempotency_key)
    if existing is not None:
        if existing.payment_id != payment.id:
            raise PaymentError("This refund form belongs to another payment. Open the refund page again.")
        return existing
    if amount_pence <= 0:
        raise PaymentError("Enter an amount to refund of at least 1p.", field="amount")
    if amount_pence > payment.refundable_pence:
        waiting = (
            f" ({format_pence(payment.pending_refund_pence)} is waiting to go back already)"
            if payment.pending_refund_pence
            else ""
        )
        raise PaymentError(
            f"You can refund at most {format_pence(payment.refundable_pence)} of this payment{waiting}.",
            field="amount",
        )
    refund = _write_refund(actor, payment, amount_pence, reason, idempotency_key)
    if payment.method is not PaymentMethod.CARD:
        _refund_succeeded(refund)
    return refund


def _write_refund(actor, payment, amount_pence, reason, idempotency_key=None) -> Refund:
    refund = Refund(
        payment=payment,
        amount_pence=amount_pence,
        reason=reason.strip(),
        idempotency_key=idempotency_key or new_refund_key(),
        status=RefundStatus.PENDING,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(refund)
    db.session.flush()
    return refund


def submit_refund(refund) -> Refund:
    """Step two of a card refund: ask Stripe, with the refund's idempotency key, and record its answer.
    Safe to call any number of times: a settled refund is left alone; one Stripe has made already (we asked
    but never heard back) is found and recorded, not made again; one Stripe did not answer stays pending."""
    # Only one process asks Stripe for a refund at a time; another finds it locked and leaves it.
    claimed = db.session.scalar(
        sa.select(Refund)
        .where(Refund.id == refund.id, Refund.status == RefundStatus.PENDING)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if claimed is None:
        return refund
    payment = refund.payment
    try:
        stripe_refund_id = gateway.refund_made_with(
            payment.stripe_payment_intent_id, refund.idempotency_key
        ) or gateway.refund(
            payment_intent_id=payment.stripe_payment_intent_id,
            amount_pence=refund.amount_pence,
            idempotency_key=refund.idempotency_key,
        )
    except gateway.Refused as error:
        _refund_failed(refund, f"The card service refused the refund: {error.detail}")
        return refund
    except gateway.GatewayError as error:
        # Stripe did not answer, or not so we know what it did: it is asked again (and looked up first) later.
        current_app.logger.warning("refund %s: %s", refund.id, error.message)
        refund.failure_message = "The card service did not answer; the refund is asked for again automatically."
        return refund
    refund.stripe_refund_id = stripe_refund_id
    _refund_succeeded(refund)
    return refund


def _refund_succeeded(refund):
    """Record a refund that went through, on the payment and in the audit log."""
    payment = refund.payment
    before = {"status": payment.status, "refunded_pence": payment.refunded_pence}
    refund.status = RefundStatus.SUCCEEDED
    refund.failure_message = None
    db.session.flush()
    _set_refunded(payment, _refunds_total(payment))
    record_audit(
        refund.created_by,
        "payment.refunded",
        payment,
        before=before,
        after={"status": payment.status, "refunded_pence": payment.refunded_pence},
        summary=f"Refunded {format_pence(refund.amount_pence)} of {payment.receipt_number}: {refund.reason}",
    )


def _refund_failed(refund, message):
    refund.status = RefundStatus.FAILED
    refund.failure_message = message
    record_audit(
        refund.created_by,
        "payment.refund_failed",
        refund.payment,
        after={"amount_pence": refund.amount_pence, "message": message},
        summary=f"Refund of {format_pence(refund.amount_pence)} of {refund.payment.receipt_number} failed: {message}",
    )


def _refunds_total(payment):
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_pence), 0)).where(
            Refund.payment_id == payment.id, Refund.status == RefundStatus.SUCCEEDED
        )
    )


def _set_refunded(payment, total_refunded_pence):
    """Refunded amounts only grow, so a late or repeated refund event changes nothing. The owning domain hears
    once, when a payment that counted is refunded in full; refunding a duplicate payment, which never counted,
    takes nothing away from what the other one paid for."""
    total = min(max(total_refunded_pence, payment.refunded_pence), payment.amount_pence)
    if total == payment.refunded_pence:
        return
    counted = payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED)
    payment.refunded_pence = total
    payment.status = PaymentStatus.REFUNDED if total == payment.amount_pence else PaymentStatus.PARTIALLY_REFUNDED
    db.session.flush()
    if counted and payment.status is PaymentStatus.REFUNDED:
        purposes.payment_refunded(payment)


def pending_refunds(payments) -> list[Refund]:
    return [refund for payment in payments for refund in payment.refunds if refund.status is RefundStatus.PENDING]


def unsettled_refunds(older_than_minutes=10) -> list[Refund]:
    cutoff = utcnow() - dt.timedelta(minutes=older_than_minutes)
    return db.session.scalars(
        sa.select(Refund).where(Refund.status == RefundStatus.PENDING, Refund.created_at <= cutoff).order_by(Refund.id)
    ).all()


def record_offline_payment(
    actor, person, purpose, subject_id, amount_pence, method, offline_reference, description, *, period_starts_on=None
) -> Payment:
    """Staff record money received by invoice or bank transfer; it counts like a card payment."""
    if method is PaymentMethod.CARD:
        raise PaymentError("Card payments are taken through the card form, not recorded here.", field="method")
    if amount_pence <= 0:
        raise PaymentError("Enter the amount received, at least 1p.", field="amount")
    payment = _new_payment(
        person,
        purpose,
        subject_id,
        period_starts_on,
        amount_pence,
        description,
        method=method,
        idempotency_key=f"offline-{uuid.uuid4().hex}",
        recorded_by_id=actor.id,
        offline_reference=offline_reference.strip(),
    )
    _add_live_payment(payment)
    _mark_succeeded(payment, None)
    record_audit(
        actor,
        "payment.offline_recorded",
        payment,
        after={"amount_pence": amount_pence, "method": method, "reference": offline_reference, "purpose": purpose},
        summary=f"Recorded {format_pence(amount_pence)} by {method.label.lower()} ({offline_reference}) for {person.name}",
    )
    return payment


# --- Webhooks and reconciliation ------------------------------------------------------------


def payment_for_intent(intent_id) -> Payment | None:
    return db.session.scalar(sa.select(Payment).where(Payment.stripe_payment_intent_id == intent_id))


def _payment_from_metadata(intent):
    payment_id = database_integer((intent.get("metadata") or {}).get("payment_id"))
    if payment_id is not None:
        payment = db.session.get(Payment, payment_id)
        if payment is not None and payment.stripe_payment_intent_id in (None, intent["id"]):
            payment.stripe_payment_intent_id = intent["id"]
            return payment
    return None


def payment_in_event(event) -> Payment | None:
    """The payment a handled event was about, if we have it."""
    obj = event["data"]["object"]
    if event["type"].startswith("payment_intent."):
        return payment_for_intent(obj["id"])
    if event["type"] == "charge.refunded" and obj.get("payment_intent"):
        return payment_for_intent(obj["payment_intent"])
    return None


def event_handled(event_id) -> bool:
    return db.session.get(StripeEvent, event_id) is not None


def _column_length(column):
    return column.property.columns[0].type.length


def _is(value, *kinds, longest=None):
    """`value` is one of `kinds` (None among them when it may be absent), text no longer than `longest`."""
    if value is None:
        return None in kinds
    if isinstance(value, bool):  # JSON true is not a number
        return bool in kinds
    fits = longest is None or not isinstance(value, str) or 0 < len(value) <= longest
    return isinstance(value, tuple(kind for kind in kinds if kind is not None)) and fits


def check_event_shape(event):
    """Refuse a signed event whose JSON is not what Stripe sends (a field missing, of the wrong type,
    or too long to keep): raise MalformedEvent naming the first problem. Only the fields we read are checked."""
    id_length, type_length = _column_length(StripeEvent.id), _column_length(StripeEvent.type)
    intent_length, charge_length = (
        _column_length(Payment.stripe_payment_intent_id),
        _column_length(Payment.stripe_charge_id),
    )
    if not isinstance(event, dict):
        raise MalformedEvent("the event is not a JSON object")
    data = event.get("data")
    checks = [
        ("id", _is(event.get("id"), str, longest=id_length)),
        ("type", _is(event.get("type"), str, longest=type_length)),
        ("data.object", isinstance(data, dict) and isinstance(data.get("object"), dict)),
    ]
    _fail_on(checks)
    obj = data["object"]
    if event["type"].startswith("payment_intent."):
        charge = obj.get("latest_charge")
        error = obj.get("last_payment_error")
        checks = [
            ("id", _is(obj.get("id"), str, longest=intent_length)),
            ("status", _is(obj.get("status"), str)),
            ("amount", _is(obj.get("amount"), int, None)),
            ("latest_charge", _is(charge, str, dict, None, longest=charge_length)),
            ("latest_charge.id", not isinstance(charge, dict) or _is(charge.get("id"), str, longest=charge_length)),
            ("last_payment_error", _is(error, dict, None)),
            ("last_payment_error.message", not isinstance(error, dict) or _is(error.get("message"), str, None)),
            ("metadata", _is(obj.get("metadata"), dict, None)),
        ]
    elif event["type"] == "charge.refunded":
        checks = [
            ("id", _is(obj.get("id"), str, None)),
            ("payment_intent", _is(obj.get("payment_intent"), str, None, longest=intent_length)),
            ("amount_refunded", _is(obj.get("amount_refunded"), int, None)),
        ]
    else:
        checks = []
    _fail_on([(f"data.object.{name}", good) for name, good in checks])


def _fail_on(checks):
    wrong = [name for name, good in checks if not good]
    if wrong:
        raise MalformedEvent(f"missing or wrong: {', '.join(wrong)}")


def handle_event(event: dict) -> str:
    """Apply a verified Stripe event once. Returns what happened, for the log and the event row.
    An event that is not the shape Stripe sends raises MalformedEvent and changes nothing."""
    check_event_shape(event)
    if event_handled(event["id"]):
        return "duplicate: already handled"
    record = StripeEvent(id=event["id"], type=event["type"], payload=event)
    db.session.add(record)
    record.outcome = _apply_event(event)
    return record.outcome


def _apply_event(event):
    kind = event["type"]
    obj = event["data"]["object"]
    if kind.startswith("payment_intent."):
        payment = payment_for_intent(obj["id"]) or _payment_from_metadata(obj)
        if payment is None:
            current_app.logger.warning("stripe event %s for unknown payment intent %s", event["id"], obj["id"])
            return "ignored: unknown payment intent"
        # The event's copy may be stale (events arrive out of order): apply what it says, monotonically.
        apply_intent(payment, gateway.intent_result(obj))
        return f"payment {payment.id}: {payment.status.value}"
    if kind == "charge.refunded":
        payment = payment_for_intent(obj.get("payment_intent")) if obj.get("payment_intent") else None
        if payment is None:
            current_app.logger.warning("stripe event %s: refund for unknown charge %s", event["id"], obj.get("id"))
            return "ignored: unknown charge"
        _set_refunded(payment, int(obj.get("amount_refunded") or 0))
        return f"payment {payment.id}: refunded {payment.refunded_pence}"
    return "ignored: not an event we use"


def unsettled_payments(older_than_minutes=10):
    cutoff = utcnow() - dt.timedelta(minutes=older_than_minutes)
    return db.session.scalars(
        sa.select(Payment)
        .where(
            Payment.method == PaymentMethod.CARD,
            Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)),
            Payment.created_at <= cutoff,
        )
        .order_by(Payment.id)
    ).all()


def reconcile(payment) -> str:
    """Settle one payment left pending or awaiting action, from what Stripe says."""
    before = payment.status
    if payment.stripe_payment_intent_id:
        refresh_from_stripe(payment)
    else:
        # Stripe never answered: submitting again with the same idempotency key returns the same charge.
        submit_card_payment(payment)
    return f"payment {payment.id}: {before.value} -> {payment.status.value}"
