"""Membership forms. Each message names the field and says how to put it right."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from nalw.accounts.forms import email_field
from nalw.core.forms import (
    FilterForm,
    any_or_one_of,
    choice_field,
    enum_choices,
    text_field,
    whole_number_field,
)
from nalw.core.listing import chosen
from nalw.core.regions import Region
from nalw.members.models import Eligibility, EmployerType
from nalw.members.renewals import AUTO_CHARGE_DAYS_BEFORE
from nalw.members.services import all_tiers as tiers_in_order
from nalw.payments.forms import pounds_field


def _text(label, what, maximum=200, description=None, autocomplete=None):
    return text_field(
        label,
        max_length=maximum,
        required=f"Enter your {what}",
        description=description,
        render_kw={"autocomplete": autocomplete} if autocomplete else None,
    )


def _optional_reason(label):
    return text_field(label, max_length=500, rows=3, too_long="Keep it to 500 characters or fewer")


class AcceptsCode:
    """A form where the person accepts the current code of practice (`accept_code`, `code_version_id`)."""

    def code_version(self):
        return int(self.code_version_id.data) if (self.code_version_id.data or "").isdigit() else None

    def offer_code(self, code):
        """Ask the person to accept `code`, the current version. A tick given to an older version does not
        carry over to a newer one: they read it and tick again."""
        if self.code_version() != getattr(code, "id", None):
            self.accept_code.data = False
        self.code_version_id.data = str(code.id) if code else ""


class ApplicationAnswers(AcceptsCode):
    """The questions asked of every new member, whether they pay or take an organisation's seat."""

    job_title = _text(
        "Job title",
        "job title",
        description="For example Social Prescribing Link Worker.",
        autocomplete="organization-title",
    )
    employer_name = _text(
        "Employer", "employer's name", description="The organisation you work for.", autocomplete="organization"
    )
    employer_type = choice_field(
        "Type of employer",
        enum_choices(EmployerType),
        message="Choose the type of employer",
        radios=True,
    )
    region = choice_field(
        "UK region you work in",
        enum_choices(Region, placeholder="Choose a region"),
        message="Choose the UK region you work in",
    )
    years_in_role = whole_number_field(
        "Years in the role",
        minimum=0,
        maximum=60,
        required="Enter how many years you have worked in the role, or 0 if less than a year",
        out_of_range="Years in the role must be a whole number from 0 to 60",
        description="Whole years. Enter 0 if less than one year.",
    )
    code_version_id = HiddenField()
    # Checked with the other answers, so it is reported in the same round (the service checks it again).
    accept_code = BooleanField(
        "I have read and accept the code of practice",
        validators=[DataRequired(message="Accept the code of practice to apply for membership")],
    )
    register_consent = BooleanField(
        "Show my name, membership number, status and region on the public register",
        description="Optional. Employers and the public use the register to check a link worker's standing.",
    )
    news_consent = BooleanField("Send me NALW news by email", description="Optional. You can stop it at any time.")

    def joining_values(self):
        """What `services.apply` and `organisations.accept` take from the form: the answers and the code accepted."""
        return {
            "answers": self.answers(),
            "code_version_id": self.code_version(),
            "accepted_code": self.accept_code.data,
        }

    def answers(self):
        return {
            "job_title": self.job_title.data.strip(),
            "employer_name": self.employer_name.data.strip(),
            "employer_type": EmployerType(self.employer_type.data),
            "region": Region(self.region.data),
            "years_in_role": self.years_in_role.data,
            "register_consent": bool(self.register_consent.data),
            "news_consent": bool(self.news_consent.data),
        }


class ApplicationForm(ApplicationAnswers, FlaskForm):
    submit = SubmitField("Apply")


class SeatAcceptanceForm(ApplicationAnswers, FlaskForm):
    submit = SubmitField("Accept and join")


def cpd_declaration_field(required):
    return RadioField(
        "Did you meet the CPD requirement?",
        choices=[SelectChoice("yes", "Yes, I met it"), SelectChoice("no", "No, I did not meet it")],
        validators=[required],
    )


class PaymentForm(AcceptsCode, FlaskForm):
    """The amount the person saw (checked against the fee now) and, for a new card, its Stripe.js token.
    On renewal, the person accepts the current code of practice again."""

    amount_pence = HiddenField()
    card_token = HiddenField()
    accept_code = BooleanField("I have read and accept the current code of practice")
    code_version_id = HiddenField()
    # Optional here: the renewal service refuses a renewal without the answer, with its own message.
    cpd_met = cpd_declaration_field(Optional())
    renew_automatically = BooleanField(
        "Renew automatically with this card",
        description=f"Optional. We charge the renewal fee to this card {AUTO_CHARGE_DAYS_BEFORE} days before your "
        "membership ends, each year until you turn it off. Leave it unticked to renew by hand: we email you reminders.",
    )
    submit = SubmitField("Pay")

    def cpd_declaration(self):
        return {"yes": True, "no": False}.get(self.cpd_met.data)

    def amount_seen(self):
        return int(self.amount_pence.data) if (self.amount_pence.data or "").isdigit() else -1


class CpdDeclarationForm(FlaskForm):
    cpd_met = cpd_declaration_field(InputRequired(message="Choose yes or no"))
    submit = SubmitField("Record declaration")


class AutoRenewForm(FlaskForm):
    """The confirmation step of turning automatic renewal on or off: the choice travels hidden, the page says
    what it does."""

    auto_renew = HiddenField(
        validators=[AnyOf(["on", "off"], message="Choose whether to renew automatically, then confirm")]
    )
    submit = SubmitField("Confirm")


class ResignForm(FlaskForm):
    reason = _optional_reason("Why are you leaving? (optional)")
    confirm = BooleanField("I understand my membership ends today and no fee is refunded")
    submit = SubmitField("Resign my membership")


class WithdrawApplicationForm(FlaskForm):
    """Resigning before the fee is paid: the same step, in the words of an application."""

    reason = _optional_reason("Why are you withdrawing? (optional)")
    confirm = BooleanField("I want to withdraw my application")
    submit = SubmitField("Withdraw my application")


class RemoveSeatForm(FlaskForm):
    submit = SubmitField("Remove them from the seat")


class ReasonForm(FlaskForm):
    """A staff decision's reason; the page names the field and the button for its decision."""

    reason = text_field(
        "Reason",
        max_length=500,
        rows=3,
        required="Enter the reason: it is kept in the history and sent to the member",
        description="Kept in the history and sent to the member.",
    )
    submit = SubmitField("Confirm")


class InviteForm(FlaskForm):
    email = email_field(
        "Email address of the link worker", someone_elses="Enter the email address to send the invitation to"
    )
    submit = SubmitField("Send invitation")


class HandOverForm(FlaskForm):
    """Staff hand an organisation's membership to a colleague (`organisations.hand_over`)."""

    email = email_field(
        "Email address of the new admin",
        "They need a NALW account.",
        someone_elses="Enter the email address of the new admin",
    )
    reason = text_field(
        "Reason for the handover",
        max_length=500,
        rows=2,
        required="Enter the reason for the handover: it is kept in the audit log",
        too_long="Reason must be 500 characters or fewer",
        description="Kept in the audit log.",
    )
    submit = SubmitField("Hand over")


class RegisterSearchForm(FilterForm):
    q = StringField(
        "Name or membership number",
        validators=[Optional(), Length(min=2, max=100, message="Enter between 2 and 100 characters")],
        description="For example Jane Smith or NALW-000123.",
    )
    submit = SubmitField("Search")


class TierForm(FlaskForm):
    name = text_field("Name", max_length=100, required="Enter a name")
    description = text_field("Description", max_length=500, rows=2)
    annual_fee = pounds_field(
        "Annual fee (£)",
        required="Enter the annual fee in pounds, like 45 or 45.00, or 0 if free",
        description="In pounds, like 45.00. Enter 0 for a free tier.",
    )
    eligibility = choice_field(
        "Who may join",
        enum_choices(Eligibility),
        message="Choose who may join",
    )
    cpd_hours_required = whole_number_field(
        "CPD hours required each year",
        minimum=0,
        maximum=200,
        required="Enter the CPD hours required, or 0",
        out_of_range="CPD hours must be a whole number from 0 to 200",
        description="A change applies from the next CPD year; the current and earlier years keep their hours.",
    )
    cpd_hours_for_current_year = BooleanField("Apply a change of CPD hours to the current CPD year too")
    seats = whole_number_field(
        "Seats (organisations only)",
        minimum=1,
        maximum=1000,
        out_of_range="Seats must be a whole number from 1 to 1000",
        description="How many link workers an organisation may invite. Leave empty for other tiers.",
    )
    open_for_applications = BooleanField("Open for new applications")
    submit = SubmitField("Save tier")

    def chosen_eligibility(self):
        """The Eligibility chosen, or None when the choice is missing or not one offered."""
        return next((choice for choice in Eligibility if choice.value == self.eligibility.data), None)


def tier_choices():
    """Every tier, in the order staff see them, as choices."""
    return [SelectChoice(str(tier.id), tier.name) for tier in tiers_in_order()]


class MembershipFilterForm(FilterForm):
    """Filters every staff list of memberships has: the tier and the region."""

    tier = any_or_one_of("Tier", lambda _form, _field: tier_choices(), any_label="Any tier")
    region = any_or_one_of("Region", enum_choices(Region), any_label="Any region")

    def filters(self):
        return {"tier_id": int(self.tier.data) if self.tier.data else None, "region": chosen(self.region, Region)}
