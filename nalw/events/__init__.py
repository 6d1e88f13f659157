"""Events: roadshows, Link Worker Day and webinars; bookings, waiting lists, check-in, calendars."""

from flask import Blueprint

blueprint = Blueprint("events", __name__)


def register_payment_handlers():
    from nalw.events import services
    from nalw.payments import purposes
    from nalw.payments.models import PaymentPurpose

    purposes.register(PaymentPurpose.EVENT_PLACE, succeeded=services.place_paid, refunded=services.place_refunded)


def _offer_events_to_cpd():
    from nalw.cpd import suggestions as cpd_suggestions
    from nalw.events.suggestions import upcoming_events_for_standards

    cpd_suggestions.register(upcoming_events_for_standards)


from nalw.events import models, personal_data, staff_views, views  # noqa: E402,F401

_offer_events_to_cpd()
