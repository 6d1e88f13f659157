from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Regexp

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


RELOAD = "This form is out of date. Open the refund page again and refund from there."


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
    # Written when the page is shown, so the same form sent twice asks for one refund.
    refund_key = HiddenField(
        validators=[
            DataRequired(message=RELOAD),
            Regexp(r"^refund-[0-9a-f]{32}$", message=RELOAD),
        ]
    )
    submit = SubmitField("Refund")


class OfflinePaymentForm(FlaskForm):
    amount = PoundsField(
        "Amount received (£)", validators=[DataRequired(message="Enter the amount received, like 400.00")]
    )
    method = SelectField(
        "How it was paid",
        choices=[
            SelectChoice(method.value, method.label) for method in (PaymentMethod.INVOICE, PaymentMethod.BANK_TRANSFER)
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
