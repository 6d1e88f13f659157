from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, ValidationError
from wtforms.validators import DataRequired, Regexp

from nalw.core.forms import FilterForm, any_or_one_of, choice_field, enum_choices, text_field
from nalw.core.listing import chosen, day_filter, month_filter
from nalw.core.money import InvalidAmount, parse_pounds
from nalw.core.time import month_of
from nalw.payments.models import PaymentMethod, PaymentPurpose, PaymentStatus


class PoundsField(StringField):
    """Pounds as typed ('45', '45.50', '£45.50'), kept as pence in `pence`."""

    pence = None

    def pre_validate(self, _form):
        self.pence = None
        if not self.data:
            return
        try:
            self.pence = parse_pounds(self.data)
        except InvalidAmount as error:
            raise ValidationError(str(error))


def pounds_field(label, *, required, description=None):
    """An amount in pounds that must be given: `required` says how to write it."""
    return PoundsField(label, validators=[DataRequired(message=required)], description=description)


RELOAD = "This form is out of date. Open the refund page again and refund from there."


class RefundForm(FlaskForm):
    amount = pounds_field(
        "Amount to refund (£)",
        required="Enter the amount to refund, like 45.00",
        description="Up to the amount not yet refunded.",
    )
    reason = text_field("Reason", max_length=300, required="Enter the reason for the refund", rows=2)
    # Written when the page is shown, so the same form sent twice asks for one refund.
    refund_key = HiddenField(
        validators=[
            DataRequired(message=RELOAD),
            Regexp(r"^refund-[0-9a-f]{32}$", message=RELOAD),
        ]
    )
    submit = SubmitField("Refund")


class OfflinePaymentForm(FlaskForm):
    amount = pounds_field("Amount received (£)", required="Enter the amount received, like 400.00")
    method = choice_field(
        "How it was paid",
        enum_choices((PaymentMethod.INVOICE, PaymentMethod.BANK_TRANSFER)),
        message="Choose how it was paid: invoice or bank transfer",
    )
    reference = text_field(
        "Invoice or transfer reference",
        max_length=100,
        required="Enter the invoice number or bank reference",
        too_long="Reference must be 100 characters or fewer",
    )
    override_reason = text_field(
        "Reason for accepting a different amount (only if it is not the fee due)",
        max_length=300,
        too_long="Reason must be 300 characters or fewer",
        rows=2,
        description="For example: agreed discount for a second link worker. Kept in the audit log.",
    )
    submit = SubmitField("Record payment")


class PaymentFilterForm(FilterForm):
    status = any_or_one_of("Status", enum_choices(PaymentStatus), any_label="Any status")
    purpose = any_or_one_of("For", enum_choices(PaymentPurpose), any_label="Anything")
    method = any_or_one_of("How paid", enum_choices(PaymentMethod), any_label="Any way")
    made_from = day_filter("Made from")
    made_to = day_filter("Made to", not_before="made_from")

    month = month_filter("Money in or out in", description="Payments taken, or refunded, in that month: like 2026-10")

    def month_starts(self):
        """The first day of the month asked for, or None."""
        return month_of(self.month.data)

    def filters(self):
        return {
            "status": chosen(self.status, PaymentStatus),
            "purpose": chosen(self.purpose, PaymentPurpose),
            "method": chosen(self.method, PaymentMethod),
            "made_from": self.made_from.data,
            "made_to": self.made_to.data,
            "month": self.month_starts(),
        }
