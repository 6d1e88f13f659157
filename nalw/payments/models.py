"""Every amount of money that moves, in integer pence, with its Stripe ids."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nalw.core.db import IdMixin, TimestampMixin, cut_to_fit_column, enum_column, partial_index, utc_now_default
from nalw.core.labels import LabelledEnum
from nalw.extensions import db


class PaymentPurpose(LabelledEnum):
    """What a payment is for. The owning domain registers its handlers in `nalw.payments.purposes`."""

    MEMBERSHIP_FEE = "membership_fee", "Membership fee"
    RENEWAL = "renewal", "Membership renewal"
    EVENT_PLACE = "event_place", "Event place"


class PaymentStatus(LabelledEnum):
    PENDING = "pending", "Pending"  # row written, Stripe not yet answered
    REQUIRES_ACTION = "requires_action", "Requires action"  # the cardholder must authenticate
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


# A payment in one of these states still counts: no second payment may start for what it pays for.
LIVE_STATUSES = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION, PaymentStatus.SUCCEEDED)
# The same, as the partial indexes' condition.
LIVE_WHERE = f"status IN ({', '.join(repr(status.value) for status in LIVE_STATUSES)})"
MONEY_TAKEN_STATUSES = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)
MONEY_TAKEN_WHERE = f"status IN ({', '.join(repr(status.value) for status in MONEY_TAKEN_STATUSES)})"


class PaymentMethod(LabelledEnum):
    CARD = "card", "Card"
    INVOICE = "invoice", "Invoice"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"


class RefundStatus(LabelledEnum):
    PENDING = "pending", "Waiting for the card service"  # row written, Stripe not yet answered
    SUCCEEDED = "succeeded", "Refunded"
    FAILED = "failed", "Not refunded"  # Stripe refused it: no money went back


class Payment(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "payments"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    # What the payment is for: the purpose, the id of the thing paid for in the owning domain's table
    # (a membership, a booking), and for a purpose that recurs the first day of the period paid for.
    purpose: Mapped[PaymentPurpose] = enum_column(PaymentPurpose, name="payment_purpose")
    subject_id: Mapped[int]
    period_starts_on: Mapped[dt.date | None]
    description: Mapped[str] = cut_to_fit_column(200)
    amount_pence: Mapped[int]
    refunded_pence: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(sa.String(3), default="gbp")
    status: Mapped[PaymentStatus] = enum_column(PaymentStatus, name="payment_status", default=PaymentStatus.PENDING)
    method: Mapped[PaymentMethod] = enum_column(PaymentMethod, name="payment_method", default=PaymentMethod.CARD)
    idempotency_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    stripe_charge_id: Mapped[str | None] = mapped_column(sa.String(80))
    failure_message: Mapped[str | None] = cut_to_fit_column(300)
    off_session: Mapped[bool] = mapped_column(default=False)
    succeeded_at: Mapped[dt.datetime | None]
    # Offline payments: who recorded it and the invoice or transfer reference.
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    offline_reference: Mapped[str | None] = mapped_column(sa.String(100))

    person = relationship("Person", foreign_keys=[person_id])
    refunds: Mapped[list["Refund"]] = relationship(back_populates="payment", order_by="Refund.id", lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint("amount_pence > 0", name="amount_positive"),
        sa.CheckConstraint("refunded_pence >= 0 AND refunded_pence <= amount_pence", name="refund_within_amount"),
        # Every payment for a subject (a membership's payments), and the live one for a period.
        sa.Index("ix_payments_paid_for", "purpose", "subject_id", "period_starts_on"),
        # One live payment per thing being paid for: the database refuses a double charge. Two indexes,
        # since a unique index lets rows with no period (NULL) repeat.
        partial_index(
            "uq_payments_live_paid_for_period",
            "purpose",
            "subject_id",
            "period_starts_on",
            unique=True,
            where=LIVE_WHERE,
        ),
        # Income by month (the staff dashboard): money taken in a range of dates, read from the index alone.
        partial_index(
            "ix_payments_taken_by_date",
            "succeeded_at",
            postgresql_include=["purpose", "amount_pence"],
            where=MONEY_TAKEN_WHERE,
        ),
        partial_index(
            "uq_payments_live_paid_for",
            "purpose",
            "subject_id",
            unique=True,
            where=f"{LIVE_WHERE} AND period_starts_on IS NULL",
        ),
    )

    @property
    def receipt_number(self):
        return f"R-{self.id:06d}"

    @property
    def refundable_pence(self):
        """What is left to refund: not what has gone back already, nor what a refund waiting for Stripe asks for."""
        if self.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED):
            return 0
        return self.amount_pence - self.refunded_pence - self.pending_refund_pence

    @property
    def pending_refund_pence(self):
        return sum(refund.amount_pence for refund in self.refunds if refund.status is RefundStatus.PENDING)

    @property
    def net_pence(self):
        return self.amount_pence - self.refunded_pence if self.status in MONEY_TAKEN_STATUSES else 0


class Refund(IdMixin, db.Model):
    """Money given back. The row is committed as pending before Stripe is asked, with the key Stripe is
    asked with; Stripe's answer then makes it succeeded or failed (see `services.submit_refund`)."""

    __tablename__ = "refunds"

    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payments.id"), index=True)
    amount_pence: Mapped[int]
    reason: Mapped[str] = cut_to_fit_column(300)
    idempotency_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    status: Mapped[RefundStatus] = enum_column(RefundStatus, name="refund_status", default=RefundStatus.PENDING)
    failure_message: Mapped[str | None] = cut_to_fit_column(300)
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))

    payment: Mapped[Payment] = relationship(back_populates="refunds")
    created_by = relationship("Person", foreign_keys=[created_by_id])

    __table_args__ = (
        sa.CheckConstraint("amount_pence > 0", name="refund_positive"),
        # Refunds by month (the staff dashboard): those that went through, by the day they were made.
        sa.Index(
            "ix_refunds_succeeded_by_date",
            "created_at",
            postgresql_include=["payment_id", "amount_pence"],
            postgresql_where=sa.text("status = 'succeeded'"),
            sqlite_where=sa.text("status = 'succeeded'"),
        ),
    )


class BillingProfile(IdMixin, TimestampMixin, db.Model):
    """A person's Stripe customer and the card saved for renewals (brand and last four only)."""

    __tablename__ = "billing_profiles"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), unique=True)
    stripe_customer_id: Mapped[str] = mapped_column(sa.String(80), unique=True)
    payment_method_id: Mapped[str | None] = mapped_column(sa.String(80))
    card_brand: Mapped[str | None] = mapped_column(sa.String(30))
    card_last4: Mapped[str | None] = mapped_column(sa.String(4))
    card_exp_month: Mapped[int | None]
    card_exp_year: Mapped[int | None]

    @property
    def card_label(self):
        if not self.payment_method_id:
            return None
        brand = (self.card_brand or "card").capitalize()
        return f"{brand} ending {self.card_last4}"


class StripeEvent(db.Model):
    """Each webhook event once: its id is the key, so a replay is recognised and ignored."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(80))
    received_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    outcome: Mapped[str] = cut_to_fit_column(200, default="")
    payload: Mapped[dict] = mapped_column(sa.JSON)
