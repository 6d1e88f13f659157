"""Events: roadshows, Link Worker Day and webinars; bookings, waiting lists, check-in, calendars."""

from flask import Blueprint

blueprint = Blueprint("events", __name__)


def register_payment_handlers():
    from nalw.events import services
    from nalw.payments import purposes
    from nalw.payments.models import PaymentPurpose

    purposes.register(PaymentPurpose.EVENT_PLACE, succeeded=services.place_paid, refunded=services.place_refunded)


from nalw.events import models, staff_views, views  # noqa: E402,F401
