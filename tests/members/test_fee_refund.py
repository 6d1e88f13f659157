"""A joining fee refunded in full before a decision puts the application back to waiting for payment."""

import sqlalchemy as sa

from nalw.extensions import db
from nalw.members.models import MembershipChange, MembershipStatus
from nalw.payments import services as payment_services
from nalw.payments.models import Payment
from tests.factories import MembershipFactory, pay_by_invoice


def test_full_refund_of_a_waiting_applications_fee_returns_it_to_applied(person_as, make_person):
    staff = person_as("staff")
    membership = MembershipFactory(applied=True, person=make_person())
    payment = pay_by_invoice(staff, membership)
    assert membership.status is MembershipStatus.PAID

    payment_services.request_refund(staff, payment, 2000, "Part refund: discount agreed")
    assert membership.status is MembershipStatus.PAID

    payment_services.request_refund(staff, payment, payment.refundable_pence, "Applicant withdrew")

    assert membership.status is MembershipStatus.APPLIED
    last = db.session.scalars(
        sa.select(MembershipChange)
        .where(MembershipChange.membership_id == membership.id)
        .order_by(MembershipChange.id.desc())
    ).first()
    assert (last.from_status, last.to_status) == (MembershipStatus.PAID, MembershipStatus.APPLIED)
    assert "Fee refunded" in last.reason
    assert db.session.get(Payment, payment.id).refunded_pence == payment.amount_pence
