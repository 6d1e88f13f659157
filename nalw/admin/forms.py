from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

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
