from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from nalw.core.forms import text_field
from nalw.core.listing import FilterForm, any_or_one_of, check_date_range, chosen, day_filter, enum_choices
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


class AuditFilterForm(FilterForm):
    actor = StringField(
        "Done by",
        validators=[Optional(), Length(max=254, message="Done by must be 254 characters or fewer")],
        description="Part of their name or email address.",
    )
    action = StringField(
        "What",
        validators=[Optional(), Length(max=80, message="What must be 80 characters or fewer")],
        description="An action or the start of one, for example role. or membership.approved",
    )
    target_type = StringField(
        "Record type",
        validators=[Optional(), Length(max=50, message="Record type must be 50 characters or fewer")],
        description="For example Person, Membership or Payment",
    )
    target_id = StringField(
        "Record id",
        validators=[Optional(), Length(max=50, message="Record id must be 50 characters or fewer")],
        description="The number in the record's address.",
    )
    done_from = day_filter("Done from")
    done_to = day_filter("Done to")

    def validate_done_to(self, field):
        check_date_range(self.done_from, field)

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
    to = StringField(
        "Sent to",
        validators=[Optional(), Length(max=254, message="Sent to must be 254 characters or fewer")],
        description="Part of an email address.",
    )
    subject = StringField(
        "Subject",
        validators=[Optional(), Length(max=200, message="Subject must be 200 characters or fewer")],
        description="Part of the subject.",
    )
    status = any_or_one_of("Status", enum_choices(OutboxStatus), any_label="Any status")
    written_from = day_filter("Written from")
    written_to = day_filter("Written to")

    def validate_written_to(self, field):
        check_date_range(self.written_from, field)

    def filters(self):
        return {
            "to": self.to.data,
            "subject": self.subject.data,
            "status": chosen(self.status, OutboxStatus),
            "written_from": self.written_from.data,
            "written_to": self.written_to.data,
        }
