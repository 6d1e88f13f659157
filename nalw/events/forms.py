"""Event forms. Each message names the field and says how to put it right."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from nalw.core.regions import region_choices
from nalw.events.models import EventFormat, EventKind

REQUIREMENTS_HINT = (
    "Only the NALW events team sees this, to arrange the event; we delete it {days} days after the event."
)


class BookingForm(FlaskForm):
    access_needs = TextAreaField(
        "Access needs (optional)",
        validators=[Length(max=1000, message="Access needs must be 1,000 characters or fewer")],
        render_kw={"rows": 3},
    )
    dietary = TextAreaField(
        "Dietary requirements (optional)",
        validators=[Length(max=1000, message="Dietary requirements must be 1,000 characters or fewer")],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Book a place")

    def explain_who_sees(self, days):
        hint = REQUIREMENTS_HINT.format(days=days)
        self.access_needs.description = f"For example step-free access, a hearing loop or a quiet room. {hint}"
        self.dietary.description = f"For in-person events with food. {hint}"


class PlacePaymentForm(FlaskForm):
    """What the card part of a payment page posts (see templates/payments/_card.html)."""

    amount_pence = HiddenField()
    code_version_id = HiddenField()
    setup_intent_id = HiddenField()
    submit = SubmitField("Pay")


def _any(label, choices):
    return [SelectChoice("", label), *choices]


class EventFilterForm(FlaskForm):
    """The public list's filters, read from the query string."""

    class Meta:
        csrf = False

    region = SelectField("Region", choices=_any("Any region", region_choices()), validators=[Optional()])
    kind = SelectField(
        "Kind of event",
        choices=_any("Any kind", [SelectChoice(kind.value, kind.label) for kind in EventKind]),
        validators=[Optional()],
    )
    format = SelectField(
        "Format",
        choices=_any("Any format", [SelectChoice(item.value, item.label) for item in EventFormat]),
        validators=[Optional()],
    )
    month = StringField(
        "Month",
        validators=[
            Optional(),
            Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message="Enter the month as year and month, like 2026-07"),
        ],
        description="Year and month, like 2026-07",
        render_kw={"type": "month"},
    )
