"""Staff pages: events created, edited, published and cancelled; attendees, check-in and attendance."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from nalw.code_of_practice import services as code_services
from nalw.core.forms import EmptyForm, carry_out, carry_out_button, validate_all
from nalw.core.listing import Column, Listing
from nalw.core.money import pounds_text
from nalw.core.paging import page_number
from nalw.core.permissions import Role, requires
from nalw.core.records import belonging_or_404
from nalw.core.time import format_datetime, to_london, utcnow
from nalw.events import attendance, blueprint, listings, places, programme, settling
from nalw.events.forms import AttendeeSearchForm, EventCancellationForm, EventForm
from nalw.events.models import Booking, Event
from nalw.extensions import db

CHECK_IN_PAGE_SIZE = 25


def _event(event_id) -> Event:
    return db.get_or_404(Event, event_id)


def _booking_of(event, booking_id) -> Booking:
    return belonging_or_404(Booking, booking_id, event_id=event.id)


@blueprint.route("/admin/events")
@requires(Role.STAFF)
def staff_events():
    page, confirmed = listings.staff_events(page_number())
    return render_template("events/staff_events.html", page=page, confirmed=confirmed)


def _event_form(event=None):
    version = code_services.current_version()
    form = EventForm(standards_offered=version.standards if version is not None else [])
    if event is not None and not form.is_submitted():
        form.show(event)
    return form


def _save(form, event):
    """Every problem at once: the form's own checks, then the event rules on whatever was read."""
    if not validate_all(form, lambda: programme.event_refusals(form.event_values(), event)):
        return None
    values = form.event_values()
    with carry_out(form) as call:
        if event is None:
            event = programme.create_event(current_user, standard_ids=form.standards.data or [], **values)
        else:
            event = programme.edit_event(current_user, event, standard_ids=form.standards.data or [], **values)
    return event if call.succeeded else None


@blueprint.route("/admin/events/new", methods=["GET", "POST"], endpoint="new_event")
@blueprint.route("/admin/events/<int:event_id>/edit", methods=["GET", "POST"])
@requires(Role.STAFF)
def edit_event(event_id=None):
    """A new event (saved as a draft) or changes to one."""
    event = _event(event_id) if event_id is not None else None
    form = _event_form(event)
    if form.is_submitted():
        saved = _save(form, event)
        if saved is not None:
            as_draft = " as a draft. Publish it when it is ready" if event is None else ""
            flash(f"Event {saved.title} saved{as_draft}.", "success")
            return redirect(url_for("events.staff_event", event_id=saved.id))
    return render_template("events/staff_edit.html", form=form, event=event)


@blueprint.route("/admin/events/<int:event_id>")
@requires(Role.STAFF)
def staff_event(event_id):
    event = _event(event_id)
    return render_template(
        "events/staff_event.html",
        event=event,
        confirmed=listings.confirmed_counts([event.id]).get(event.id, 0),
        places_left=places.places_left(event),
        to_settle=settling.left_to_settle(event) if event.cancelled_at else 0,
        form=EmptyForm(),
    )


@blueprint.route("/admin/events/<int:event_id>/publish", methods=["POST"])
@requires(Role.STAFF)
def publish_event(event_id):
    event = _event(event_id)
    carry_out_button(lambda: programme.publish_event(current_user, event), done=f"{event.title} is published.")
    return redirect(url_for("events.staff_event", event_id=event.id))


@blueprint.route("/admin/events/<int:event_id>/cancel", methods=["GET", "POST"])
@requires(Role.STAFF)
def cancel_event(event_id):
    event = _event(event_id)
    form = EventCancellationForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            attendance.cancel_event(current_user, event, form.reason.data)
        if call.succeeded:
            _report_settling(event)
            return redirect(url_for("events.staff_event", event_id=event.id))
    return render_template("events/staff_cancel.html", form=form, event=event)


def _report_settling(event):
    settled, left = settling.settle_cancellation(event)
    if left:
        flash(
            f"{event.title} is cancelled. {settled} bookings cancelled and told; {left} not refunded yet "
            "(the card service did not answer). Press Finish the cancellation to try them again: "
            "nobody is refunded twice.",
            "warning",
        )
    else:
        flash(f"{event.title} is cancelled. Everyone booked has been refunded and told.", "success")


@blueprint.route("/admin/events/<int:event_id>/settle", methods=["POST"])
@requires(Role.STAFF)
def settle_event_cancellation(event_id):
    event = _event(event_id)
    if EmptyForm().validate_on_submit() and event.cancelled_at is not None:
        _report_settling(event)
    return redirect(url_for("events.staff_event", event_id=event.id))


# --- Attendees -----------------------------------------------------------------------------------


def _attendees(event, per_page=listings.STAFF_PAGE_SIZE) -> Listing:
    """The event's confirmed places: searched, paged and exported as CSV the way every staff list is."""
    return Listing(
        caption="Confirmed places",
        filter_form=AttendeeSearchForm,
        query=lambda search: listings.attendee_query(event, search),
        columns=(
            Column("Name", lambda booking: booking.person.name),
            Column("Email", lambda booking: booking.person.email),
            Column("Paid (£)", lambda booking: pounds_text(booking.price_pence)),
            Column("Confirmed", lambda booking: format_datetime(booking.confirmed_at)),
            Column("Checked in", lambda booking: format_datetime(booking.checked_in_at)),
            Column("Access needs", lambda booking: booking.access_needs),
            Column("Dietary requirements", lambda booking: booking.dietary),
        ),
        endpoint="events.attendees",
        csv_endpoint="events.attendees_csv",
        filename=f"event-{event.id}-attendees.csv",
        per_page=per_page,
    )


def _attendee_page(event, per_page):
    listing = _attendees(event, per_page).page(event_id=event.id)
    return listing.form, listing.page, listing.csv_url


@blueprint.route("/admin/events/<int:event_id>/attendees")
@requires(Role.STAFF)
def attendees(event_id):
    event = _event(event_id)
    form, page, csv_url = _attendee_page(event, listings.STAFF_PAGE_SIZE)
    return render_template(
        "events/staff_attendees.html",
        event=event,
        form=form,
        page=page,
        csv_url=csv_url,
        button=EmptyForm(),
        **_check_in_state(event),
    )


@blueprint.route("/admin/events/<int:event_id>/attendees.csv")
@requires(Role.STAFF)
def attendees_csv(event_id):
    """The attendees the page's search found (all of them without one)."""
    event = _event(event_id)
    return _attendees(event).csv(event_id=event.id)


@blueprint.route("/admin/events/<int:event_id>/check-in")
@requires(Role.STAFF)
def check_in_page(event_id):
    event = _event(event_id)
    form, page, _csv_url = _attendee_page(event, CHECK_IN_PAGE_SIZE)
    return render_template(
        "events/staff_check_in.html", event=event, form=form, page=page, button=EmptyForm(), **_check_in_state(event)
    )


def _check_in_state(event):
    """Whether the pages offer check-in now, and from when: the service refuses before the event's day."""
    return {
        "check_in_open": attendance.check_in_refusal(event, utcnow()) is None,
        "check_in_opens_on": to_london(attendance.check_in_opens_at(event)).date(),
    }


def _back_to(event):
    target = request.form.get("back")
    allowed = (url_for("events.check_in_page", event_id=event.id), url_for("events.attendees", event_id=event.id))
    return target if target and target.split("?", 1)[0] in allowed else allowed[0]


@blueprint.route("/admin/events/<int:event_id>/bookings/<int:booking_id>/check-in", methods=["POST"])
@requires(Role.STAFF)
def check_in(event_id, booking_id):
    return _change_attendance(event_id, booking_id, attendance.check_in, "{name} checked in.")


@blueprint.route("/admin/events/<int:event_id>/bookings/<int:booking_id>/undo-check-in", methods=["POST"])
@requires(Role.STAFF)
def undo_check_in(event_id, booking_id):
    return _change_attendance(event_id, booking_id, attendance.undo_check_in, "Check-in of {name} undone.")


def _change_attendance(event_id, booking_id, change, done):
    event = _event(event_id)
    booking = _booking_of(event, booking_id)
    carry_out_button(lambda: change(current_user, booking), done=done.format(name=booking.person.name))
    return redirect(_back_to(event))


@blueprint.route("/admin/events/<int:event_id>/attendance", methods=["POST"])
@requires(Role.STAFF)
def mark_attendance(event_id):
    event = _event(event_id)
    chosen = [value for value in request.form.getlist("booking") if value.isdigit() and len(value) < 10]
    carry_out_button(
        lambda: attendance.mark_attended(current_user, event, chosen, utcnow()),
        done=lambda marked: f"{marked} {'attendee' if marked == 1 else 'attendees'} marked as attended.",
    )
    return redirect(url_for("events.attendees", event_id=event.id))
