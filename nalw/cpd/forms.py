"""CPD forms. Each message names the field and says how to put it right."""

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from nalw.core.forms import choice_field, enum_choices, text_field
from nalw.core.hours import format_hours
from nalw.core.time import format_date
from nalw.cpd.models import HOURS_IN_A_DAY, ActivityType, Outcome, quarters_from_hours
from nalw.cpd.services import evidence_size_limit
from nalw.members.forms import AcceptsCode


class CheckboxesField(SelectMultipleField):
    """A set of checkboxes (for standards), rendered by the form macro as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuarterHoursField(StringField):
    """Hours as typed ('1.5', '0.25'), kept as whole quarter hours in `quarters`."""

    quarters = None

    def pre_validate(self, _form):
        self.quarters = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            hours = Decimal(text)
        except InvalidOperation:
            raise ValidationError("Enter hours as a number, like 1.5")
        if not hours.is_finite():  # "NaN" and "Infinity" parse, but cannot be compared or counted
            raise ValidationError("Enter hours as a number, like 1.5")
        if hours <= 0 or hours > HOURS_IN_A_DAY:
            raise ValidationError(f"Hours must be more than 0 and at most {HOURS_IN_A_DAY} in a day")
        quarters = quarters_from_hours(hours)
        if quarters != quarters.to_integral_value():
            raise ValidationError("Hours must be in quarter hours, like 0.25, 0.5, 0.75 or 1")
        self.quarters = int(quarters)


REFLECTION_PROMPTS = {
    "what_i_did": ("What I did", "Describe the activity in a few sentences."),
    "what_i_learned": ("What I learned", "The main things you learned or had confirmed."),
    "practice_change": ("How it changes my practice", "What you will do differently, or keep doing, because of it."),
    "impact": ("Impact on the people I support", "How the people you support will benefit."),
}


def _reflection(name):
    label, hint = REFLECTION_PROMPTS[name]
    return text_field(label, max_length=5000, rows=3, description=hint)


class EntryForm(FlaskForm):
    done_on = DateField(
        "Date",
        validators=[
            InputRequired(message="Enter the date of the activity, using the date picker or day, month and year")
        ],
        description="The day you did it. It cannot be in the future.",
    )
    title = text_field(
        "Title",
        max_length=200,
        required="Enter a title for the activity",
        description="For example: Safeguarding adults level 2.",
    )
    activity_type = SelectField(
        "Type of activity",
        choices=enum_choices(ActivityType, "Choose a type"),
        validators=[DataRequired(message="Choose the type of activity")],
        invalid_choice_message="Choose the type of activity from the list",
    )
    hours = QuarterHoursField(
        "Hours",
        validators=[DataRequired(message="Enter the hours spent, like 1.5")],
        description=f"In quarter hours: 0.25, 0.5, 0.75, 1 and so on, up to {HOURS_IN_A_DAY}.",
        render_kw={"inputmode": "decimal"},
    )
    provider = text_field(
        "Provider (optional)",
        max_length=200,
        too_long="Provider must be 200 characters or fewer",
        description="Who ran or published it, if anyone.",
    )
    standards = CheckboxesField(
        "Standards of the code of practice",
        choices=lambda form, _field: form.standards_offered,
        coerce=int,
        validate_choice=False,  # the service checks the standards belong to the member's version
        description="Choose every standard this activity helped you meet.",
    )
    what_i_did = _reflection("what_i_did")
    what_i_learned = _reflection("what_i_learned")
    practice_change = _reflection("practice_change")
    impact = _reflection("impact")
    # The evidence file travels with the rest of the entry in one post, so adding a file never loses
    # what was typed above it, and a refused file leaves the whole entry unsaved, as typed.
    evidence = FileField("Add evidence (optional)")
    save_draft = SubmitField("Save as draft")
    submit = SubmitField("Save entry")
    upload = SubmitField("Upload file")

    def __init__(self, *args, standards_offered=(), **kwargs):
        """`standards_offered`: the standards of the version of the code the member accepted."""
        self.standards_offered = [
            SelectChoice(standard.id, f"{standard.code} {standard.title}") for standard in standards_offered
        ]
        super().__init__(*args, **kwargs)
        # The hint states the limit the service applies, whatever the setting says.
        self.evidence.description = (
            f"A PDF, an image or an office document, up to {evidence_size_limit()}. "
            "Only you and NALW staff can see it. It is saved with the entry."
        )

    def reflection(self):
        return {name: getattr(self, name).data for name in REFLECTION_PROMPTS}

    def activity(self):
        return ActivityType(self.activity_type.data)


class PercentField(StringField):
    """A share as typed ('2.5', '2.5%'), kept as a whole number per thousand in `per_thousand`."""

    per_thousand = None

    def pre_validate(self, _form):
        self.per_thousand = None
        text = (self.data or "").strip().rstrip("%").strip()
        if not text:
            return
        try:
            share = Decimal(text)
        except InvalidOperation:
            raise ValidationError("Enter the share as a percentage, like 2.5")
        if not share.is_finite():  # "NaN" and "Infinity" parse, but are no share
            raise ValidationError("Enter the share as a percentage, like 2.5")
        per_thousand = share * 10
        if per_thousand != per_thousand.to_integral_value() or not 1 <= per_thousand <= 1000:
            raise ValidationError("Enter a percentage from 0.1 to 100, to one decimal place, like 2.5")
        self.per_thousand = int(per_thousand)


class AuditForm(FlaskForm):
    year = SelectField(
        "CPD year to audit",
        choices=lambda form, _field: form.years_offered,
        validators=[DataRequired(message="Choose the CPD year to audit")],
        invalid_choice_message="Choose a CPD year that has ended from the list",
        description="Only a CPD year that has ended can be audited.",
    )
    share = PercentField(
        "Share of active members to draw (%)",
        validators=[DataRequired(message="Enter the share of members to draw, like 2.5")],
        description="For example 2.5 draws 25 of every 1,000 active members (at least one).",
        render_kw={"inputmode": "decimal"},
    )
    exclude_joined_within_days = IntegerField(
        "Leave out members who joined in the last (days)",
        default=180,
        validators=[
            InputRequired(message="Enter a number of days, or 0 to include everyone"),
            NumberRange(min=0, max=3650, message="Enter a whole number of days from 0 to 3650"),
        ],
    )
    deadline_on = DateField(
        "Deadline for profiles",
        validators=[InputRequired(message="Enter the date profiles are due, like 2027-01-31")],
        description="Members are reminded 14 and 3 days before.",
    )
    submit = SubmitField("Draw the sample and tell members")

    def __init__(self, *args, years_offered=(), **kwargs):
        """`years_offered`: the CPD years that may be audited."""
        self.years_offered = [
            SelectChoice(str(year.key), f"{year.label} ({format_date(year.starts_on)} to {format_date(year.ends_on)})")
            for year in years_offered
        ]
        super().__init__(*args, **kwargs)


class ProfileForm(FlaskForm):
    summary = text_field(
        "Summary of your practice and learning",
        max_length=10000,
        too_long="Summary must be 10,000 characters or fewer",
        rows=8,
        description="A page or so: your role, the people you support, and how your learning this year shaped your practice.",
    )
    entries = CheckboxesField(
        "CPD entries to include",
        choices=lambda form, _field: form.entries_offered,
        coerce=int,
        validate_choice=False,  # the service checks each entry is the member's and complete
        description="Choose the entries that best show how you meet the standards.",
    )
    save = SubmitField("Save without submitting")
    submit = SubmitField("Submit profile")

    def __init__(self, *args, entries_offered=(), **kwargs):
        """`entries_offered`: the member's complete entries in the audited year."""
        self.entries_offered = [
            SelectChoice(entry.id, f"{entry.done_on:%d %b %Y}: {entry.title} ({format_hours(entry.hours)})")
            for entry in entries_offered
        ]
        super().__init__(*args, **kwargs)


OUTCOME_CHOICES = enum_choices(Outcome)


class ReviewForm(FlaskForm):
    overall = choice_field("Overall outcome", OUTCOME_CHOICES, message="Choose the overall outcome", radios=True)
    comment = text_field(
        "Comments for the member", max_length=5000, too_long="Comments must be 5,000 characters or fewer", rows=4
    )
    submit = SubmitField("Record outcome and tell the member")

    @classmethod
    def for_standards(cls, standards):
        """A review form with an outcome and a comment for each standard of the member's code."""

        class StandardsReviewForm(cls):
            pass

        for standard in standards:
            setattr(
                StandardsReviewForm,
                f"outcome_{standard.id}",
                SelectField(
                    f"{standard.code} {standard.title}: outcome",
                    choices=[SelectChoice("", "Not assessed"), *OUTCOME_CHOICES],
                    validators=[Optional()],
                ),
            )
            setattr(
                StandardsReviewForm,
                f"comment_{standard.id}",
                text_field(
                    f"{standard.code}: comment",
                    max_length=2000,
                    too_long="Comment must be 2,000 characters or fewer",
                    rows=2,
                ),
            )
        return StandardsReviewForm()


class AcceptCodeForm(AcceptsCode, FlaskForm):
    """Accepting a new version of the code of practice from the CPD page, as at joining and renewal."""

    code_version_id = HiddenField()
    accept_code = BooleanField("I have read and accept the current code of practice")
    submit = SubmitField("Accept the code of practice")
