"""Payments in a person's data download. Erasure keeps them (they are the body's financial record) and the
Stripe customer they were taken from, and forgets the saved card: nothing is charged to it again, and its
brand, last four digits and expiry go."""

import sqlalchemy as sa

from nalw.core.personal_data import personal_data_eraser, personal_data_exporter
from nalw.extensions import db
from nalw.payments.lists import payments_of
from nalw.payments.models import BillingProfile


@personal_data_exporter("payments")
def export_payments(person):
    return [
        {
            "receipt": payment.receipt_number,
            "for": payment.description,
            "amount_pence": payment.amount_pence,
            "refunded_pence": payment.refunded_pence,
            "status": payment.status.value,
            "method": payment.method.value,
            "created_at": payment.created_at.isoformat(),
        }
        for payment in payments_of(person.id)
    ]


def _billing_profile(person):
    return db.session.scalar(sa.select(BillingProfile).where(BillingProfile.person_id == person.id))


@personal_data_exporter("saved_card")
def export_saved_card(person):
    """The card kept for renewals and bookings, as the person sees it on their account; None without one."""
    profile = _billing_profile(person)
    if profile is None or not profile.payment_method_id:
        return None
    return {
        "card": profile.card_label,
        "expires": f"{profile.card_exp_month:02d}/{profile.card_exp_year}" if profile.card_exp_year else None,
    }


@personal_data_eraser
def forget_saved_card(person):
    profile = _billing_profile(person)
    if profile is not None:
        profile.payment_method_id = None
        profile.card_brand = profile.card_last4 = None
        profile.card_exp_month = profile.card_exp_year = None
        db.session.flush()
