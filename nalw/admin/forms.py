import datetime as dt

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, Optional

from nalw.admin.dashboard import (
    DEFAULT_PRESET,
    LONGEST_PERIOD_MONTHS,
    PRESETS,
    RENEWALS_AHEAD_DAYS,
    months_between,
    preset_period,
    renewals_ahead,
)
from nalw.admin.notes import NOTE_MAX_LENGTH
from nalw.core.cpd_years import FIRST_YEAR
from nalw.core.forms import FilterForm, any_or_one_of, enum_choices, search_field, text_field
from nalw.core.labels import LabelledEnum
from nalw.core.listing import chosen, day_filter
from nalw.core.outbox import OutboxStatus
from nalw.core.permissions import Role
from nalw.core.regions import Region
from nalw.core.time import Period, london_today, month_of
from nalw.members.directory import HeldBy
from nalw.members.forms import MembershipFilterForm, tier_choices
from nalw.members.models import EmployerType, MembershipStatus
from nalw.members.renewals import Renews


class PeopleSearchForm(FilterForm):
    q = search_field("Search people", description="Part of a name or email address.", max_length=200)
    role = any_or_one_of("Role", enum_choices(Role), any_label="Any role")

    def filters(self):
        return {"text": self.q.data, "role": Role(self.role.data) if self.role.data else None}


class RoleChangeForm(FlaskForm):
    role = SelectField(
        "Role",
        choices=enum_choices(Role),
        validators=[DataRequired(message="Choose a role")],
    )
    submit = SubmitField("Grant role")


class AuditFilterForm(FilterForm):
    actor = text_field("Done by", max_length=254, description="Part of their name or email address.")
    action = text_field(
        "What", max_length=80, description="An action or the start of one, for example role. or membership.approved"
    )
    target_type = text_field("Record type", max_length=50, description="For example Person, Membership or Payment")
    target_id = text_field("Record id", max_length=50, description="The number in the record's address.")
    done_from = day_filter("Done from")
    done_to = day_filter("Done to", not_before="done_from")

    def filters(self):
        return {
            "actor": self.actor.data,
            "action": self.action.data,
            "target_type": self.target_type.data,
            "target_id": self.target_id.data,
            "done_from": self.done_from.data,
            "done_to": self.done_to.data,
        }


class OutboxFilterForm(FilterForm):
    to = text_field("Sent to", max_length=254, description="Part of an email address.")
    subject = text_field("Subject", max_length=200, description="Part of the subject.")
    status = any_or_one_of("Status", enum_choices(OutboxStatus), any_label="Any status")
    written_from = day_filter("Written from")
    written_to = day_filter("Written to", not_before="written_from")

    def filters(self):
        return {
            "to": self.to.data,
            "subject": self.subject.data,
            "status": chosen(self.status, OutboxStatus),
            "written_from": self.written_from.data,
            "written_to": self.written_to.data,
        }


class CpdStanding(LabelledEnum):
    BEHIND = "behind", "Behind on CPD this year"
    MET = "met", "Met this year's CPD requirement"


def _coming_months(count=12, earlier=3):
    """The months memberships renew in, as choices: a few past ones (lapsing now), then the coming year."""
    this_month = london_today().replace(day=1)
    months = []
    for offset in range(-earlier, count):
        year, month = divmod(this_month.month - 1 + offset, 12)
        months.append(dt.date(this_month.year + year, month + 1, 1))
    return [SelectChoice(month.strftime("%Y-%m"), month.strftime("%B %Y")) for month in months]


class MemberSearchForm(MembershipFilterForm):
    q = search_field(
        "Name, email, membership number or organisation",
        description="All or part of it, for example Shah, priya@, NALW-000123 or Riverside.",
        max_length=200,
    )
    held_by = any_or_one_of("Membership of", enum_choices(HeldBy), any_label="People and organisations")
    status = any_or_one_of("Status", enum_choices(MembershipStatus), any_label="Any status")
    # Declared again so they come after the search box.
    tier = any_or_one_of("Tier", lambda _form, _field: tier_choices(), any_label="Any tier")
    region = any_or_one_of("Region", enum_choices(Region), any_label="Any region")
    employer_type = any_or_one_of("Employer type", enum_choices(EmployerType), any_label="Any employer")
    renews_in = any_or_one_of("Renews in", lambda _form, _field: _coming_months(), any_label="Any month")
    cpd = any_or_one_of("CPD this year", enum_choices(CpdStanding), any_label="Any")

    def filters(self):
        return {
            **super().filters(),
            "text": self.q.data,
            "held_by": chosen(self.held_by, HeldBy),
            "status": chosen(self.status, MembershipStatus),
            "employer_type": chosen(self.employer_type, EmployerType),
            "renews_in": month_of(self.renews_in.data),
            "cpd": chosen(self.cpd, CpdStanding),
        }


class MembershipChangeFilterForm(FilterForm):
    """The membership changes list: moves into a status on the UK days between two dates."""

    to_status = any_or_one_of("Changed to", enum_choices(MembershipStatus), any_label="Any status")
    changed_from = day_filter("Changed from", description="The first day, included: for example 01/10/2026.")
    changed_to = day_filter(
        "Changed to day", description="The last day, included: for example 31/10/2026.", not_before="changed_from"
    )

    def filters(self):
        return {
            "to_status": chosen(self.to_status, MembershipStatus),
            "changed_from": self.changed_from.data,
            "changed_to": self.changed_to.data,
        }


class RenewalsDueFilterForm(FilterForm):
    """The renewals due list: memberships ending on the UK days between two dates, and how they renew.

    A day not given is filled in, and shown in its box: with neither, the dashboard's days (today and the
    RENEWALS_AHEAD_DAYS after it); with only the first day, it and the RENEWALS_AHEAD_DAYS after it; with only
    the last day, today to it (what ends between now and then: a membership ending before today is no longer
    active). The last day may not come before the first, as used."""

    ends_from = day_filter("Ending from", description="The first day, included: for example 01/10/2026.")
    ends_to = day_filter(
        "Ending to", description="The last day, included: for example 31/10/2026.", not_before="ends_from"
    )
    renews = any_or_one_of("Renews", enum_choices(Renews), any_label="Automatically or by hand")

    def validate(self, extra_validators=None):
        """Each field alone (both days given: the last not before the first), then the days not given are filled
        in and the pair checked again as used."""
        valid = super().validate(extra_validators)
        if self.ends_from.errors or self.ends_to.errors:
            return False
        days = renewal_days(self.ends_from.data, self.ends_to.data)
        for field, day in ((self.ends_from, days.starts_on), (self.ends_to, days.ends_on)):
            if field.data is None:
                field.data, field.raw_data = day, []  # the box shows the day used
        if days.ends_on < days.starts_on:  # only the last day given, before today
            self.ends_to.errors = [
                "Ending to must be today or later, or give ending from too: without it the list starts today"
            ]
            return False
        return valid

    def filters(self):
        return {
            "ends_from": self.ends_from.data,
            "ends_to": self.ends_to.data,
            "renews": chosen(self.renews, Renews),
        }


def renewal_days(ends_from, ends_to, today=None) -> Period:
    """The days the renewals due list shows for the days given (either may be None); see
    `RenewalsDueFilterForm`."""
    if ends_from is None and ends_to is None:
        return renewals_ahead(today)
    if ends_to is None:
        return Period(ends_from, ends_from + dt.timedelta(days=RENEWALS_AHEAD_DAYS))
    return Period(ends_from or today or london_today(), ends_to)


class StaffNoteForm(FlaskForm):
    body = text_field(
        "Add a note",
        max_length=NOTE_MAX_LENGTH,
        required="Enter the note",
        too_long=f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer",
        rows=3,
        description="Seen by staff only, never by the member; it is part of their data if they ask for it. "
        "Write only what you would be happy for them to read.",
    )
    submit = SubmitField("Add note")


class DashboardPeriodForm(FilterForm):
    """The dashboard's period: a named one, or the days between two dates (which, when given, win)."""

    period = SelectField(
        "Period",
        choices=[SelectChoice(name, label) for name, label in PRESETS],
        default=DEFAULT_PRESET,
        validators=[Optional()],
        invalid_choice_message="Choose a period from the list",
        description="Or give the first and last day below.",
    )
    starts_on = day_filter("From", description="The first day, included: for example 01/10/2026.")
    ends_on = day_filter("To", description="The last day, included: for example 31/10/2026.", not_before="starts_on")

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
