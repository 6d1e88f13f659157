"""What other domains do when their payments succeed, fail or are refunded.

Payments knows no domain; a domain registers its handlers here at import time:
`register(PaymentPurpose.MEMBERSHIP_FEE, succeeded=..., failed=..., refunded=...)`.
Each handler takes the Payment and must be safe to call once per change (the
payments services call it exactly when the status changes, never on a replay).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PurposeHandlers:
    succeeded: Callable
    failed: Callable | None = None
    refunded: Callable | None = None


_registered = {}


def register(purpose, *, succeeded, failed=None, refunded=None):
    _registered[purpose] = PurposeHandlers(succeeded, failed, refunded)


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
