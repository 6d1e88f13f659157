"""Payments: the Stripe gateway, payment records, webhooks and refunds.

This domain knows no other: a payment carries a purpose, and the domain that owns
the purpose registers what happens when such a payment succeeds, fails or is refunded
(`nalw.payments.purposes.register`).
"""

from flask import Blueprint

blueprint = Blueprint("payments", __name__)

from nalw.payments import personal_data, views  # noqa: E402,F401
