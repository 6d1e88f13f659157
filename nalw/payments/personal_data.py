"""Payments in a person's data download. Erasure keeps them: they are the body's financial record."""

import sqlalchemy as sa

from nalw.core.personal_data import personal_data_exporter
from nalw.extensions import db
from nalw.payments.models import Payment


@personal_data_exporter("payments")
def export_payments(person):
    payments = db.session.scalars(sa.select(Payment).where(Payment.person_id == person.id).order_by(Payment.id))
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
        for payment in payments
    ]
