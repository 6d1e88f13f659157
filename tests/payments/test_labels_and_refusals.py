"""Payments speak to people one way: each enum value has one label, and a refusal is a DomainError at its field."""

import pytest

from nalw.core.errors import DomainError
from nalw.core.forms import carry_out
from nalw.payments.forms import RefundForm
from nalw.payments.models import (
    METHOD_LABELS,
    PURPOSE_LABELS,
    REFUND_STATUS_LABELS,
    STATUS_LABELS,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    RefundStatus,
)
from nalw.payments.services import PaymentError, PaymentInProgress


@pytest.mark.parametrize(
    ("enum_class", "labels"),
    [
        (PaymentPurpose, PURPOSE_LABELS),
        (PaymentStatus, STATUS_LABELS),
        (PaymentMethod, METHOD_LABELS),
        (RefundStatus, REFUND_STATUS_LABELS),
    ],
)
def test_every_payment_enum_value_has_its_label_in_one_mapping(enum_class, labels):
    assert set(labels) == set(enum_class)
    assert {member: member.label for member in enum_class} == labels
    assert all(label and label[0].isupper() for label in labels.values())


def test_a_payment_refusal_is_a_domain_error_shown_at_its_field(app):
    with app.test_request_context(method="POST", data={"amount": "50.00", "reason": "Goodwill"}):
        form = RefundForm(meta={"csrf": False})
        with carry_out(form) as call:
            raise PaymentError("You can refund at most £45.00 of this payment.", field="amount")

    assert issubclass(PaymentInProgress, DomainError)
    assert not call.succeeded
    assert form.amount.errors == ["You can refund at most £45.00 of this payment."]
