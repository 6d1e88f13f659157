"""Public and attendee pages: the list of events, an event, booking, paying, cancelling, waiting, calendars."""

import datetime as dt

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from nalw.core.forms import EmptyForm, carry_out, carry_out_button
from nalw.core.paging import page_number as requested_page
from nalw.core.pdf import render_pdf
from nalw.core.permissions import Role, public, signed_in
from nalw.core.records import belonging_or_404, found_or_404
from nalw.core.time import utcnow
from nalw.events import (
    attendance,
    blueprint,
    errors,
    feeds,
    listings,
    panels,
    places,
    scheduled,
    services,
    waiting_list,
)
from nalw.events.calendars import calendar_text
from nalw.events.forms import BookingForm, EventFilterForm, PlacePaymentForm
from nalw.events.models import Booking, BookingStatus, Event, EventStatus, WaitingListEntry, WaitingStatus
from nalw.extensions import db
from nalw.payments import checkout
from nalw.payments import services as payment_services
from nalw.payments.models import PaymentStatus

# Access needs and dietary requirements may be health data: kept only this long after the event.


def _visible_event(event_id) -> Event:
    """Published and cancelled events are public; drafts only for staff."""
    event = db.get_or_404(Event, event_id)
    if event.status is EventStatus.DRAFT and not (current_user.is_authenticated and current_user.has_role(Role.STAFF)):
        abort(404)
    return event


def _own_booking(booking_id) -> Booking:
    return belonging_or_404(Booking, booking_id, person_id=current_user.id)


@blueprint.route("/events")
@public
def event_list():
    form = EventFilterForm(request.args)
    filters = form.filters() if form.validate() else {}
    page = listings.published_events(requested_page(), **filters)
    return render_template("events/list.html", form=form, page=page)


@blueprint.route("/events/<int:event_id>")
@public
def event_page(event_id):
    event = _visible_event(event_id)
    booking = entry = None
    if current_user.is_authenticated:
        booking = places.live_booking(event, current_user)
        entry = places.active_entry(event, current_user)
    now = utcnow()
    return render_template(
        "events/event.html",
        event=event,
        booking=booking,
        entry=entry,
        places_left=places.places_left(event, now),
        booking_open=places.booking_open(event, now),
        price=places.price_for(event, current_user) if current_user.is_authenticated else None,
        form=EmptyForm(),
        panels=panels.panels_for(event),
    )


@blueprint.route("/events/<int:event_id>/book", methods=["GET", "POST"])
@signed_in
def book(event_id):
    event = _visible_event(event_id)
    existing = places.live_booking(event, current_user)
    if existing is not None:
        return redirect(url_for("events.my_bookings"))
    form = BookingForm()
    form.explain_who_sees(scheduled.REQUIREMENTS_KEPT_DAYS)
    full = False
    if form.validate_on_submit():
        with carry_out(form) as call:
            try:
                booking = services.book_place(event, current_user, form.access_needs.data, form.dietary.data)
            except errors.EventFull:
                full = True
                raise
        if call.succeeded:
            if booking.status is BookingStatus.HELD:
                return redirect(url_for("events.pay", booking_id=booking.id))
            flash(f"Your place at {event.title} is confirmed. We have emailed you the details.", "success")
            return redirect(url_for("events.my_bookings"))
    return render_template(
        "events/book.html",
        event=event,
        form=form,
        full=full,
        price=places.price_for(event, current_user),
        entry=places.active_entry(event, current_user),
        join_form=EmptyForm(),
    )


@blueprint.route("/bookings/<int:booking_id>/pay", methods=["GET", "POST"])
@signed_in
def pay(booking_id):
    booking = _own_booking(booking_id)
    if booking.status is not BookingStatus.HELD:
        return redirect(url_for("events.my_bookings"))
    form = PlacePaymentForm()
    done_url = url_for("events.my_bookings")
    if form.validate_on_submit():
        with carry_out(form) as call:
            payment = checkout.pay_by_card(
                current_user,
                request.form.get("card_choice"),
                form.card_token.data,
                lambda: services.begin_place_payment(current_user, booking),
            )
        if call.succeeded and payment.status is PaymentStatus.FAILED:
            form.form_errors.append(f"{payment.failure_message} Nothing was charged. Try again or use another card.")
        elif call.succeeded:
            # A payment that came too late for a free place wrote its refund: ask Stripe now it is committed.
            checkout.complete_refunds(payment_services.pending_refunds([payment]), flash_outcome=False)
            if payment.status is PaymentStatus.SUCCEEDED:
                flash(f"Payment received. Your place at {booking.event.title} is confirmed.", "success")
            return checkout.after_card_payment(payment, done_url, url_for("events.pay", booking_id=booking.id))
    form.amount_pence.data = str(booking.price_pence)
    form.card_token.data = ""
    return render_template("events/pay.html", form=form, booking=booking, **checkout.card_page_context(current_user))


@blueprint.route("/account/bookings")
@signed_in
def my_bookings():
    bookings = db.session.scalars(
        sa.select(Booking).where(Booking.person_id == current_user.id).order_by(Booking.id.desc()).limit(200)
    ).all()
    entries = db.session.scalars(
        sa.select(WaitingListEntry)
        .where(
            WaitingListEntry.person_id == current_user.id,
            WaitingListEntry.status.in_((WaitingStatus.WAITING, WaitingStatus.OFFERED)),
        )
        .order_by(WaitingListEntry.id)
    ).all()
    token = feeds.feed_token(current_user)
    return render_template(
        "events/my_bookings.html",
        bookings=bookings,
        entries=entries,
        now=utcnow(),
        feed_url=url_for("events.my_calendar", secret=token.token, _external=True) if token else None,
        feed_form=EmptyForm(),
    )


@blueprint.route("/account/bookings/calendar-address", methods=["POST"])
@signed_in
def reset_calendar_address():
    """Make (or remake) the secret address of the person's bookings calendar."""
    had_one = feeds.feed_token(current_user) is not None
    carry_out_button(
        lambda: feeds.reset_feed_token(current_user),
        done=(
            "Your calendar has a new address: the old one no longer works. Subscribe to the new one below."
            if had_one
            else "Your calendar address is below: add it to your calendar app as a subscription."
        ),
    )
    return redirect(url_for("events.my_bookings"))


@blueprint.route("/events/my-calendar/<secret>.ics")
@public
def my_calendar(secret):
    """A person's confirmed places, with joining links, for their calendar app; the secret is the access."""
    # Not a one-time link: a calendar app asking with an old or made-up secret is simply not found.
    events = found_or_404(feeds.events_for_token(secret))
    return Response(
        calendar_text(events, with_joining_link=True),
        mimetype="text/calendar",
        headers={"Content-Disposition": "inline; filename=my-nalw-bookings.ics", "Cache-Control": "private"},
    )


@blueprint.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel_booking(booking_id):
    booking = _own_booking(booking_id)
    if not booking.is_live:
        return redirect(url_for("events.my_bookings"))
    form = EmptyForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            services.cancel_booking(current_user, booking)
        if call.succeeded:
            # The cancellation and its refund are committed: only now is Stripe asked to give the money back.
            checkout.complete_refunds(services.pending_refunds([booking]))
            flash(f"Your place at {booking.event.title} is cancelled.", "success")
            return redirect(url_for("events.my_bookings"))
    return render_template(
        "events/cancel_booking.html", form=form, booking=booking, refund=services.refund_due_pence(booking)
    )


@blueprint.route("/events/<int:event_id>/waiting-list", methods=["POST"])
@signed_in
def join_waiting_list(event_id):
    event = _visible_event(event_id)
    carry_out_button(
        lambda: waiting_list.join_waiting_list(event, current_user),
        done="You are on the waiting list. We will email you if a place frees.",
    )
    return redirect(url_for("events.event_page", event_id=event.id))


@blueprint.route("/events/<int:event_id>/waiting-list/leave", methods=["POST"])
@signed_in
def leave_waiting_list(event_id):
    event = _visible_event(event_id)
    carry_out_button(
        lambda: waiting_list.leave_waiting_list(event, current_user),
        done=lambda entry: (
            "You declined the place." if entry.status is WaitingStatus.DECLINED else "You have left the waiting list."
        ),
    )
    return redirect(url_for("events.event_page", event_id=event.id))


@blueprint.route("/events/calendar.ics")
@public
def calendar_feed():
    """Published events from a month ago onwards, for any calendar app."""
    since = utcnow() - dt.timedelta(days=31)
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.status.in_((EventStatus.PUBLISHED, EventStatus.CANCELLED)), Event.ends_at > since)
        .where(Event.published_at.is_not(None))
        .order_by(Event.starts_at)
        .limit(2000)
    ).all()
    return Response(
        calendar_text(events),
        mimetype="text/calendar",
        headers={"Content-Disposition": "inline; filename=nalw-events.ics"},
    )


@blueprint.route("/events/<int:event_id>/certificate.pdf")
@signed_in
def certificate(event_id):
    """A certificate of attendance, for people checked in at the event only."""
    event = _visible_event(event_id)
    booking = found_or_404(attendance.attended(event, current_user))
    return render_pdf(
        "events/certificate.html", f"certificate-of-attendance-{event.id}.pdf", event=event, booking=booking
    )
