from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length

from nalw.core.money import InvalidAmount, parse_pounds
from nalw.payments.models import PaymentMethod


class PoundsField(StringField):
    """Pounds as typed ('45', '45.50', '£45.50'), kept as pence in `pence`."""

    pence = None

    def pre_validate(self, form):
        self.pence = None
        if not self.data:
            return
        try:
            self.pence = parse_pounds(self.data)
        except InvalidAmount as error:
            raise ValidationError(str(error))


class RefundForm(FlaskForm):
    amount = PoundsField(
        "Amount to refund (£)",
        validators=[DataRequired(message="Enter the amount to refund, like 45.00")],
        description="Up to the amount not yet refunded.",
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired(message="Enter the reason for the refund"),
            Length(max=300, message="Reason must be 300 characters or fewer"),
        ],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Refund")


class OfflinePaymentForm(FlaskForm):
    amount = PoundsField(
        "Amount received (£)", validators=[DataRequired(message="Enter the amount received, like 400.00")]
    )
    method = SelectField(
        "How it was paid",
        choices=[
            SelectChoice(PaymentMethod.INVOICE.value, "Invoice"),
            SelectChoice(PaymentMethod.BANK_TRANSFER.value, "Bank transfer"),
        ],
        validators=[DataRequired(message="Choose how it was paid: invoice or bank transfer")],
        invalid_choice_message="Choose how it was paid: invoice or bank transfer",
    )
    reference = StringField(
        "Invoice or transfer reference",
        validators=[
            DataRequired(message="Enter the invoice number or bank reference"),
            Length(max=100, message="Reference must be 100 characters or fewer"),
        ],
    )
    override_reason = TextAreaField(
        "Reason for accepting a different amount (only if it is not the fee due)",
        validators=[Length(max=300, message="Reason must be 300 characters or fewer")],
        description="For example: agreed discount for a second link worker. Kept in the audit log.",
        render_kw={"rows": 2},
    )
    submit = SubmitField("Record payment")
