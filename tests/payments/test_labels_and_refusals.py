"""Payments speak to people one way: each enum value has one label, and a refusal is a DomainError at its field."""

import pytest

from nalw.core.errors import DomainError
from nalw.core.forms import carry_out
from nalw.payments.forms import RefundForm
from nalw.payments.models import PaymentMethod, PaymentPurpose, PaymentStatus, RefundStatus
from nalw.payments.services import PaymentError, PaymentInProgress


@pytest.mark.parametrize(
    ("enum_class", "shown"),
    [
        (
            PaymentPurpose,
            {"membership_fee": "Membership fee", "renewal": "Membership renewal", "event_place": "Event place"},
        ),
        (
            PaymentStatus,
            {
                "pending": "Pending",
                "requires_action": "Requires action",
                "succeeded": "Succeeded",
                "failed": "Failed",
                "partially_refunded": "Partially refunded",
                "refunded": "Refunded",
            },
        ),
        (PaymentMethod, {"card": "Card", "invoice": "Invoice", "bank_transfer": "Bank transfer"}),
        (RefundStatus, {"pending": "Waiting for the card service", "succeeded": "Refunded", "failed": "Not refunded"}),
    ],
)
def test_every_payment_enum_value_keeps_its_label(enum_class, shown):
    assert {member.value: member.label for member in enum_class} == shown
    assert {enum_class(value).label for value in shown} == set(shown.values())


def test_a_payment_refusal_is_a_domain_error_shown_at_its_field(app):
    with app.test_request_context(method="POST", data={"amount": "50.00", "reason": "Goodwill"}):
        form = RefundForm(meta={"csrf": False})
        with carry_out(form) as call:
            raise PaymentError("You can refund at most £45.00 of this payment.", field="amount")

    assert issubclass(PaymentInProgress, DomainError)
    assert not call.succeeded
    assert form.amount.errors == ["You can refund at most £45.00 of this payment."]
