"""Membership: tiers, applications, the life of a membership, renewals, organisations, the register."""

from flask import Blueprint

blueprint = Blueprint("members", __name__)


def register_payment_handlers():
    from nalw.members import renewals, services
    from nalw.payments import purposes
    from nalw.payments.models import PaymentPurpose

    purposes.register(
        PaymentPurpose.MEMBERSHIP_FEE,
        succeeded=services.fee_paid,
        refunded=services.fee_refunded,
        refund_effect=services.what_a_fee_refund_does,
    )
    purposes.register(
        PaymentPurpose.RENEWAL, succeeded=renewals.renewal_paid, refund_effect=services.what_a_renewal_refund_does
    )


from nalw.members import personal_data, staff_views, views  # noqa: E402,F401
