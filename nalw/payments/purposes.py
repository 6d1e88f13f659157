"""What other domains do when their payments succeed, fail or are refunded.

Payments knows no domain; a domain registers its handlers here at import time:
`register(PaymentPurpose.MEMBERSHIP_FEE, succeeded=..., failed=..., refunded=..., refund_effect=...)`.
`refund_effect(payment)` says, for the refund confirmation page, what a refund does to what was paid for.
Each handler takes the Payment and must be safe to call once per change (the
payments services call it exactly when the status changes, never on a replay).
A handler finds what was paid for from `payment.subject_id` (the id the domain gave
when it began the payment) and, for a purpose that recurs, `payment.period_starts_on`.

To add a purpose: add a member to `PaymentPurpose` and its label (a migration widens the
column's CHECK constraint), register its handlers when the domain's blueprint is
registered, and begin payments with
`services.begin_card_payment(person, PaymentPurpose.X, thing.id, amount_pence, description)`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PurposeHandlers:
    succeeded: Callable
    failed: Callable | None = None
    refunded: Callable | None = None
    refund_effect: Callable | None = None


_registered = {}


def register(purpose, *, succeeded, failed=None, refunded=None, refund_effect=None):
    _registered[purpose] = PurposeHandlers(succeeded, failed, refunded, refund_effect)


def _call(payment, which):
    handlers = _registered.get(payment.purpose)
    handler = getattr(handlers, which, None) if handlers else None
    if handler is not None:
        handler(payment)


def payment_succeeded(payment):
    _call(payment, "succeeded")


def payment_failed(payment):
    _call(payment, "failed")


def payment_refunded(payment):
    _call(payment, "refunded")


def refund_effect(payment) -> str | None:
    """What refunding `payment` does to what it paid for, in a sentence; None when nothing is registered."""
    handlers = _registered.get(payment.purpose)
    return handlers.refund_effect(payment) if handlers and handlers.refund_effect else None
