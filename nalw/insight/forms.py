"""The report form, staff's period and hiding forms, the public year. Each message names the field and the fix."""

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, SubmitField
from wtforms.validators import InputRequired, Optional, ValidationError

from nalw.core.forms import choice_field, enum_choices, text_field
from nalw.core.listing import no_earlier_than
from nalw.core.regions import Region
from nalw.core.time import london_today
from nalw.insight.local_authorities import local_authority_choices
from nalw.insight.models import DESCRIPTION_LENGTH, HIDDEN_REASON_LENGTH, AffectedBand, ServiceState, Theme

LEAVE_OUT = (
    "Describe the gap or barrier, not the person: leave out names, email addresses, phone numbers, "
    "NHS numbers and full postcodes (the first half, like “M1”, is fine)."
)


class ReportForm(FlaskForm):
    theme = choice_field(
        "What is it about?",
        enum_choices(Theme),
        message="Choose what the gap or barrier is about",
        radios=True,
        description="Choose the closest; “Other” for anything else.",
    )
    region = choice_field(
        "Region",
        enum_choices(Region),
        message="Choose the region where people met it",
        description="Where people met the gap or barrier. We start with your membership's region.",
    )
    local_authority = SelectField(
        "Local authority area (optional)",
        choices=[
            SelectChoice("", "Not given"),
            *[
                SelectChoice(name, name, optgroup=group)
                for group, names in local_authority_choices().items()
                for name, _label in names
            ],
        ],
        validators=[Optional()],
        validate_choice=False,  # the service names a wrong area and says what to do
        description="The council area, if it helps. Leave it as “Not given” if you are not sure.",
    )
    affected = choice_field(
        "How many people did it affect in the last month?",
        enum_choices(AffectedBand),
        message="Choose how many people it affected in the last month",
        radios=True,
        description="People you or your team supported. A rough idea is fine.",
    )
    service_state = choice_field(
        "Is there a service for this?",
        enum_choices(ServiceState),
        message="Choose whether a service exists for this",
        radios=True,
        description="A gap is a need nothing meets; a barrier keeps people from a service that exists.",
    )
    description = text_field(
        "Short description",
        max_length=DESCRIPTION_LENGTH,
        required="Enter a short description of the gap or barrier",
        rows=3,
        description=f"{LEAVE_OUT} Up to {DESCRIPTION_LENGTH} characters.",
    )
    submit = SubmitField("Send report")

    def report_values(self):
        return {
            "theme": Theme(self.theme.data),
            "region": Region(self.region.data),
            "local_authority": self.local_authority.data or "",
            "affected": AffectedBand(self.affected.data),
            "service_state": ServiceState(self.service_state.data),
            "description": self.description.data or "",
        }

    def show(self, report):
        self.theme.data = report.theme.value
        self.region.data = report.region.value
        self.local_authority.data = report.local_authority
        self.affected.data = report.affected.value
        self.service_state.data = report.service_state.value
        self.description.data = report.description


class HideForm(FlaskForm):
    reason = text_field(
        "Reason for hiding it",
        max_length=HIDDEN_REASON_LENGTH,
        required="Enter the reason for hiding this report",
        rows=3,
        description="Kept in the audit log. For example: names a patient; not a gap or barrier.",
    )
    submit = SubmitField("Hide the report")


class PeriodForm(FlaskForm):
    """Staff's period, from the query string: this year to today unless chosen."""

    class Meta:
        csrf = False

    starts_on = DateField(
        "From",
        validators=[Optional()],
        description="The first day counted.",
    )
    ends_on = DateField(
        "To",
        validators=[Optional(), no_earlier_than("starts_on")],
        description="The last day counted.",
    )

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and (field.data - self.starts_on.data).days > 366 * 5:
            raise ValidationError("Choose a period of five years or less")

    def period_days(self, today=None):
        """(starts_on, ends_on): what was chosen, this year to today for what was not (or was wrong); the
        fields show the period used."""
        today = today or london_today()
        starts_on = self.starts_on.data or dt.date(today.year, 1, 1)
        ends_on = self.ends_on.data or max(today, starts_on)
        if ends_on < starts_on or (ends_on - starts_on).days > 366 * 5:
            starts_on, ends_on = dt.date(today.year, 1, 1), today
        if not self.errors:
            self.starts_on.data, self.ends_on.data = starts_on, ends_on
        return starts_on, ends_on


class YearForm(FlaskForm):
    """The public figures' year: whole calendar years only (see views.public_figures)."""

    class Meta:
        csrf = False

    year = SelectField(
        "Year",
        choices=lambda form, _field: form.years_offered,
        validators=[InputRequired(message="Choose a year")],
    )

    def __init__(self, *args, first, last, **kwargs):
        """`first` and `last`: the years with figures, offered latest first."""
        self.years_offered = [SelectChoice(str(year), str(year)) for year in range(last, first - 1, -1)]
        super().__init__(*args, **kwargs)
