"""Event forms. Each message names the field and says how to put it right."""

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, StopValidation

from nalw.core.forms import WholeNumberField
from nalw.core.listing import FilterForm
from nalw.core.money import pounds_text
from nalw.core.regions import Region, region_choices
from nalw.core.time import london_to_utc, to_london
from nalw.cpd.forms import CheckboxesField, QuarterHoursField
from nalw.events.models import EventFormat, EventKind
from nalw.payments.forms import PoundsField

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
    card_token = HiddenField()
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


# --- Staff ------------------------------------------------------------------------------------------

UK_TIME_FORMAT = "%Y-%m-%dT%H:%M"


class UkTimeField(DateTimeLocalField):
    """A date and time typed in UK time, read as aware UTC in `utc` (None when blank or not a time)."""

    def __init__(self, label, *, message, **kwargs):
        kwargs.setdefault("description", "UK time.")
        super().__init__(label, format=UK_TIME_FORMAT, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, _form):
        if self.data is None:  # blank, or not a date and time
            raise StopValidation(self.message)

    @property
    def utc(self):
        return london_to_utc(self.data) if self.data else None

    def show(self, moment):
        self.data = to_london(moment).replace(tzinfo=None) if moment else None


def _whole(label, message, minimum, maximum, description=None):
    return WholeNumberField(
        label,
        validators=[InputRequired(message=message), NumberRange(min=minimum, max=maximum, message=message)],
        description=description,
    )


class EventForm(FlaskForm):
    """Every field of an event. Money in pounds, hours in hours, times in UK time; the view converts."""

    title = StringField(
        "Title",
        validators=[
            DataRequired(message="Enter the event's title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description",
        validators=[Length(max=10000, message="Description must be 10,000 characters or fewer")],
        render_kw={"rows": 5},
    )
    kind = SelectField(
        "Kind of event",
        choices=[SelectChoice(kind.value, kind.label) for kind in EventKind],
        validators=[DataRequired(message="Choose the kind of event")],
    )
    region = SelectField(
        "Region",
        choices=_any("No region", region_choices()),
        validators=[Optional()],
        description="Required for a regional roadshow.",
    )
    starts_at = UkTimeField("Starts", message="Enter when the event starts, like 14/07/2027 09:30")
    ends_at = UkTimeField("Ends", message="Enter when the event ends, like 14/07/2027 16:30")
    format = SelectField(
        "Format",
        choices=[SelectChoice(item.value, item.label) for item in EventFormat],
        validators=[DataRequired(message="Choose the format")],
    )
    venue = StringField(
        "Venue",
        validators=[Length(max=300, message="Venue must be 300 characters or fewer")],
        description="Name and address. Not needed for an online event.",
    )
    joining_url = URLField(
        "Online joining link",
        validators=[
            Optional(),
            Length(max=500, message="Joining link must be 500 characters or fewer"),
            URL(require_tld=True, message="Enter the joining link as a full web address, starting https://"),
        ],
        description="Shown and sent only to people with a confirmed place. Needed for online and hybrid events.",
    )
    capacity = _whole("Capacity", "Enter the number of places, from 1 to 100,000", 1, 100_000)
    member_price = PoundsField(
        "Member price (£)",
        validators=[InputRequired(message="Enter the price for members in pounds, like 25.00, or 0 for free")],
        description="For members in good standing. 0 means free.",
    )
    non_member_price = PoundsField(
        "Non-member price (£)",
        validators=[InputRequired(message="Enter the price for non-members in pounds, like 40.00, or 0 for free")],
        description="0 means free.",
    )
    booking_opens_at = UkTimeField("Booking opens", message="Enter when booking opens, like 01/05/2027 09:00")
    booking_closes_at = UkTimeField(
        "Booking closes",
        message="Enter when booking closes, like 13/07/2027 17:00",
        description="No later than the start.",
    )
    cpd_hours = QuarterHoursField(
        "CPD hours (optional)",
        validators=[Optional()],
        description="In quarter hours, like 5.5. Attendees get a CPD draft for this many hours.",
    )
    standards = CheckboxesField(
        "Standards of the code of practice",
        choices=lambda form, _field: form.standards_offered,
        coerce=int,
        validate_choice=False,  # the service keeps only standards of the current code
        description="The standards this event helps attendees meet.",
    )
    refund_cutoff_days = _whole(
        "Refund cut-off (days before the start)",
        "Enter the refund cut-off as a whole number of days, from 0 to 365",
        0,
        365,
        "Attendees who cancel up to this many days before get a full refund; none after.",
    )
    offer_hours = _whole(
        "Waiting-list offer time (hours)",
        "Enter the offer time as a whole number of hours, from 1 to 336",
        1,
        336,
        "How long a freed place is held for the next person on the waiting list of a paid event.",
    )
    hold_minutes = _whole(
        "Hold while paying (minutes)",
        "Enter the hold as a whole number of minutes, from 1 to 240",
        1,
        240,
        "How long a paid place is kept for someone while they pay.",
    )
    submit = SubmitField("Save event")

    def __init__(self, *args, standards_offered=(), **kwargs):
        """`standards_offered`: the standards of the current code of practice."""
        self.standards_offered = [
            SelectChoice(standard.id, f"{standard.code} {standard.title}") for standard in standards_offered
        ]
        super().__init__(*args, **kwargs)

    def show(self, event):
        """Fill the form from an event, in UK time and pounds."""
        for name in ("starts_at", "ends_at", "booking_opens_at", "booking_closes_at"):
            getattr(self, name).show(getattr(event, name))
        self.kind.data = event.kind.value
        self.format.data = event.format.value
        self.region.data = event.region.value if event.region else ""
        self.member_price.data = pounds_text(event.member_price_pence)
        self.non_member_price.data = pounds_text(event.non_member_price_pence)
        self.cpd_hours.data = f"{event.cpd_hours:g}" if event.cpd_quarter_hours else ""
        self.standards.data = [standard.id for standard in event.standards]

    def event_values(self):
        """What the events service takes; a field that did not read is None, for the service's checks to pass over."""
        return {
            "title": (self.title.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "kind": EventKind(self.kind.data) if self.kind.data in EventKind._value2member_map_ else None,
            "region": Region(self.region.data) if self.region.data in Region._value2member_map_ else None,
            "starts_at": self.starts_at.utc,
            "ends_at": self.ends_at.utc,
            "format": EventFormat(self.format.data) if self.format.data in EventFormat._value2member_map_ else None,
            "venue": (self.venue.data or "").strip(),
            "joining_url": (self.joining_url.data or "").strip(),
            "capacity": self.capacity.data,
            "member_price_pence": self.member_price.pence,
            "non_member_price_pence": self.non_member_price.pence,
            "booking_opens_at": self.booking_opens_at.utc,
            "booking_closes_at": self.booking_closes_at.utc,
            "cpd_quarter_hours": self.cpd_hours.quarters or 0,
            "refund_cutoff_days": self.refund_cutoff_days.data,
            "offer_hours": self.offer_hours.data,
            "hold_minutes": self.hold_minutes.data,
        }


class EventCancellationForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired(message="Enter the reason, which we send to everyone booked and waiting"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
        description="Sent to everyone booked and everyone on the waiting list.",
        render_kw={"rows": 3},
    )
    submit = SubmitField("Cancel the event and refund everyone")


class AttendeeSearchForm(FilterForm):
    q = StringField(
        "Search attendees",
        validators=[Optional(), Length(max=100, message="Search for at most 100 characters")],
        description="Name or email.",
    )

    def filters(self):
        return {"search": (self.q.data or "").strip()}
