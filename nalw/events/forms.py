"""Event forms. Each message names the field and says how to put it right."""

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectChoice,
    StringField,
    SubmitField,
    URLField,
)
from wtforms.validators import URL, Length, Optional, Regexp

from nalw.core.forms import (
    FilterForm,
    UkTimeField,
    any_or_one_of,
    choice_field,
    enum_choices,
    search_field,
    text_field,
    whole_number_field,
)
from nalw.core.money import pounds_text
from nalw.core.regions import Region
from nalw.core.time import month_of
from nalw.cpd.forms import CheckboxesField, QuarterHoursField
from nalw.events.models import EventFormat, EventKind
from nalw.payments.forms import pounds_field

NEEDS_TOO_LONG = "Access needs must be 1,000 characters or fewer"
REQUIREMENTS_HINT = (
    "Only the NALW events team sees this, to arrange the event; we delete it {days} days after the event."
)


class BookingForm(FlaskForm):
    access_needs = text_field("Access needs (optional)", max_length=1000, too_long=NEEDS_TOO_LONG, rows=3)
    dietary = text_field(
        "Dietary requirements (optional)",
        max_length=1000,
        too_long="Dietary requirements must be 1,000 characters or fewer",
        rows=2,
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


class EventFilterForm(FilterForm):
    """The public list's filters, read from the query string."""

    region = any_or_one_of("Region", enum_choices(Region), any_label="Any region")
    kind = any_or_one_of("Kind of event", enum_choices(EventKind), any_label="Any kind")
    format = any_or_one_of("Format", enum_choices(EventFormat), any_label="Any format")
    month = StringField(
        "Month",
        validators=[
            Optional(),
            Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message="Enter the month as year and month, like 2026-07"),
        ],
        description="Year and month, like 2026-07",
        render_kw={"type": "month"},
    )

    def filters(self):
        """The chosen filters, for `listings.published_events`."""
        return {
            "region": Region.parse(self.region.data),
            "kind": EventKind.parse(self.kind.data),
            "event_format": EventFormat.parse(self.format.data),
            "month": month_of(self.month.data),
        }


# --- Staff ------------------------------------------------------------------------------------------


class EventForm(FlaskForm):
    """Every field of an event. Money in pounds, hours in hours, times in UK time; the view converts."""

    title = text_field("Title", max_length=200, required="Enter the event's title")
    description = text_field("Description", max_length=10000, rows=5)
    kind = choice_field("Kind of event", enum_choices(EventKind), message="Choose the kind of event")
    region = any_or_one_of(
        "Region", enum_choices(Region), any_label="No region", description="Required for a regional roadshow."
    )
    starts_at = UkTimeField("Starts", message="Enter when the event starts, like 14/07/2027 09:30")
    ends_at = UkTimeField("Ends", message="Enter when the event ends, like 14/07/2027 16:30")
    format = choice_field("Format", enum_choices(EventFormat), message="Choose the format")
    venue = text_field("Venue", max_length=300, description="Name and address. Not needed for an online event.")
    joining_url = URLField(
        "Online joining link",
        validators=[
            Optional(),
            Length(max=500, message="Joining link must be 500 characters or fewer"),
            URL(require_tld=True, message="Enter the joining link as a full web address, starting https://"),
        ],
        description="Shown and sent only to people with a confirmed place. Needed for online and hybrid events.",
    )
    capacity = whole_number_field(
        "Capacity",
        minimum=1,
        maximum=100_000,
        out_of_range="Enter the number of places, from 1 to 100,000",
        required=True,
    )
    member_price = pounds_field(
        "Member price (£)",
        required="Enter the price for members in pounds, like 25.00, or 0 for free",
        description="For members in good standing. 0 means free.",
    )
    non_member_price = pounds_field(
        "Non-member price (£)",
        required="Enter the price for non-members in pounds, like 40.00, or 0 for free",
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
    refund_cutoff_days = whole_number_field(
        "Refund cut-off (days before the start)",
        minimum=0,
        maximum=365,
        out_of_range="Enter the refund cut-off as a whole number of days, from 0 to 365",
        required=True,
        description="Attendees who cancel up to this many days before get a full refund; none after.",
    )
    offer_hours = whole_number_field(
        "Waiting-list offer time (hours)",
        minimum=1,
        maximum=336,
        out_of_range="Enter the offer time as a whole number of hours, from 1 to 336",
        required=True,
        description="How long a freed place is held for the next person on the waiting list of a paid event.",
    )
    hold_minutes = whole_number_field(
        "Hold while paying (minutes)",
        minimum=1,
        maximum=240,
        out_of_range="Enter the hold as a whole number of minutes, from 1 to 240",
        required=True,
        description="How long a paid place is kept for someone while they pay.",
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
            "kind": EventKind.parse(self.kind.data),
            "region": Region.parse(self.region.data),
            "starts_at": self.starts_at.utc,
            "ends_at": self.ends_at.utc,
            "format": EventFormat.parse(self.format.data),
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
    reason = text_field(
        "Reason",
        max_length=500,
        required="Enter the reason, which we send to everyone booked and waiting",
        description="Sent to everyone booked and everyone on the waiting list.",
        rows=3,
    )
    submit = SubmitField("Cancel the event and refund everyone")


class AttendeeSearchForm(FilterForm):
    q = search_field("Search attendees", description="Name or email.")

    def filters(self):
        return {"search": (self.q.data or "").strip()}
