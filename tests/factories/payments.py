"""Payments: the one place tests make them, so a change to how a payment names what it pays for is made once.

Two ways, as the app has two: `pay_by_invoice` and `renew_by_invoice` go through the service staff
use to record money received offline (the membership moves on as it would); `PaymentFactory` writes
a payment row as the card services leave it, for pages that only read payments.
"""

import itertools
import uuid

import factory

from nalw.core.time import utcnow
from nalw.extensions import db
from nalw.members.renewals import renewal_period_starts_on
from nalw.payments import services as payment_services
from nalw.payments.models import (
    BillingProfile,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from tests.factories.accounts import staff_member
from tests.factories.base import BaseFactory

_subjects = itertools.count(1)


def pay_by_invoice(staff, membership, purpose=PaymentPurpose.MEMBERSHIP_FEE, period_starts_on=None) -> Payment:
    """Staff record the fee received by invoice, as the staff membership page does."""
    return payment_services.record_offline_payment(
        staff,
        membership.person,
        purpose,
        membership.id,
        membership.tier.annual_fee_pence,
        PaymentMethod.INVOICE,
        "INV-0001",
        f"{membership.tier.name} {purpose.label.lower()}",
        period_starts_on=period_starts_on,
    )


def renew_by_invoice(membership, staff=None) -> Payment:
    """Staff record a renewal paid by invoice, as the staff membership page does."""
    return pay_by_invoice(
        staff or staff_member(),
        membership,
        PaymentPurpose.RENEWAL,
        period_starts_on=renewal_period_starts_on(membership),
    )


class PaymentFactory(BaseFactory):
    """A card payment of a joining fee as the services leave it: `PaymentFactory(person=..., refunded_pence=500)`.

    `refunded_pence` also records the refund row that a refund leaves.
    """

    class Meta:
        model = Payment

    class Params:
        person = None

    person_id = factory.LazyAttribute(lambda payment: payment.person.id)
    purpose = PaymentPurpose.MEMBERSHIP_FEE
    # What it paid for: a subject of its own, so no two payments made here compete for one live place.
    subject_id = factory.LazyFunction(lambda: 1_000_000 + next(_subjects))
    description = "Link Worker membership fee"
    amount_pence = 4500
    refunded_pence = 0
    status = PaymentStatus.SUCCEEDED
    method = PaymentMethod.CARD
    idempotency_key = factory.LazyFunction(lambda: f"payment-{uuid.uuid4().hex}")
    stripe_payment_intent_id = factory.LazyFunction(lambda: f"pi_{uuid.uuid4().hex[:14]}")
    succeeded_at = factory.LazyFunction(utcnow)

    @factory.post_generation
    def refund(payment, create, extracted, **kwargs):
        if payment.refunded_pence:
            payment.refunds.append(
                Refund(
                    amount_pence=payment.refunded_pence,
                    reason="Goodwill",
                    idempotency_key=uuid.uuid4().hex,
                    status=RefundStatus.SUCCEEDED,
                )
            )
            db.session.flush()


def saved_card(person) -> BillingProfile:
    """A card saved for renewals, as the card form leaves the person's billing profile."""
    profile = BillingProfile(
        person_id=person.id,
        stripe_customer_id=f"cus_{uuid.uuid4().hex[:14]}",
        payment_method_id=f"pm_{uuid.uuid4().hex[:14]}",
        card_brand="visa",
        card_last4="4242",
        card_exp_month=12,
        card_exp_year=2099,
    )
    db.session.add(profile)
    db.session.flush()
    return profile
