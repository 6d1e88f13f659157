import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from nalw.admin.dashboard import DEFAULT_PRESET, LONGEST_PERIOD_MONTHS, PRESETS, Period, months_between, preset_period
from nalw.core.cpd_years import FIRST_YEAR
from nalw.core.forms import text_field
from nalw.core.outbox import OutboxStatus
from nalw.core.permissions import Role


class PeopleSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = text_field(
        "Search people",
        max_length=200,
        too_long="Search must be 200 characters or fewer",
        description="Part of a name or email address.",
    )
    role = SelectField(
        "Role",
        choices=[SelectChoice("", "Any role"), *[SelectChoice(role.value, role.label) for role in Role]],
        validators=[Optional()],
    )

    def filters(self):
        return {"text": self.q.data, "role": Role(self.role.data) if self.role.data else None}


class RoleChangeForm(FlaskForm):
    role = SelectField(
        "Role",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[DataRequired(message="Choose a role")],
    )
    submit = SubmitField("Grant role")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = StringField("Action", validators=[Optional(), Length(max=80)], description="For example role.granted")
    actor = StringField("Done by (email)", validators=[Optional(), Length(max=254)])
    target_type = StringField("Record type", validators=[Optional(), Length(max=50)], description="For example Person")
    target_id = StringField("Record id", validators=[Optional(), Length(max=50)])

    def filters(self):
        return {
            "action": self.action.data,
            "target_type": self.target_type.data,
            "target_id": self.target_id.data,
            "actor_email": self.actor.data,
        }


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    to = StringField("Sent to", validators=[Optional(), Length(max=254)], description="Part of an email address.")
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "Any status"),
            *[SelectChoice(status.value, status.label) for status in OutboxStatus],
        ],
        validators=[Optional()],
    )

    def filters(self):
        return {"to": self.to.data, "status": OutboxStatus(self.status.data) if self.status.data else None}


class DayField(DateField):
    """A date whose unreadable input gets the field's own message, naming it and saying what to type, instead of
    WTForms' "Not a valid date value."."""

    def __init__(self, label, unreadable, **options):
        super().__init__(label, **options)
        self.unreadable = unreadable

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.unreadable) from error


class DashboardPeriodForm(FlaskForm):
    """The dashboard's period: a named one, or the days between two dates (which, when given, win)."""

    class Meta:
        csrf = False

    period = SelectField(
        "Period",
        choices=[SelectChoice(name, label) for name, label in PRESETS],
        default=DEFAULT_PRESET,
        validators=[Optional()],
        invalid_choice_message="Choose a period from the list",
        description="Or give the first and last day below.",
    )
    starts_on = DayField(
        "From",
        "Enter the first day of the period as a date, for example 2026-10-01",
        validators=[Optional()],
        description="The first day, included.",
    )
    ends_on = DayField(
        "To",
        "Enter the last day of the period as a date, for example 2026-10-31",
        validators=[Optional()],
        description="The last day, included.",
    )

    def validate(self, extra_validators=None):
        """Each field alone, then the two dates together (a date left empty skips its own checks, so the pair's
        rules live here)."""
        if not super().validate(extra_validators):
            return False
        starts_on, ends_on = self.starts_on.data, self.ends_on.data
        if starts_on is None and ends_on is None:
            return True
        if starts_on is None:
            return self._refuse(
                self.starts_on, "Enter the first day of the period too, or clear the last day to use the period above"
            )
        if ends_on is None:
            return self._refuse(
                self.ends_on, "Enter the last day of the period too, or clear the first day to use the period above"
            )
        if starts_on.year < FIRST_YEAR:
            return self._refuse(self.starts_on, f"Enter a first day in {FIRST_YEAR} or later")
        if ends_on < starts_on:
            return self._refuse(self.ends_on, "Enter a last day on or after the first day")
        if months_between(starts_on, ends_on) > LONGEST_PERIOD_MONTHS:
            return self._refuse(
                self.ends_on,
                f"Choose a period of at most {LONGEST_PERIOD_MONTHS // 12} years: move the last day earlier",
            )
        return True

    @staticmethod
    def _refuse(field, message):
        field.errors = [*field.errors, message]
        return False

    def chosen_period(self, today: dt.date) -> Period:
        """The period asked for (call once the form is valid)."""
        if self.starts_on.data is not None:
            return Period(self.starts_on.data, self.ends_on.data)
        return preset_period(self.period.data or DEFAULT_PRESET, today)
