"""The rules of events: staff manage events; people book, pay, cancel and wait for places.

Capacity is never exceeded. Every change that takes or frees a place first locks the event's
row (`lock_event`), then counts what holds a place (`places_taken`): confirmed bookings,
unexpired holds while someone pays, and unexpired waiting-list offers. Freed places go to the
waiting list through one function, `offer_freed_places`, whether a request freed them or the
scheduled command found them. Services flush; callers commit.
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from nalw.code_of_practice import services as code_services
from nalw.code_of_practice.models import Standard
from nalw.core.audit import record_audit
from nalw.core.errors import DomainError
from nalw.core.links import absolute_link
from nalw.core.money import format_pence
from nalw.core.outbox import queue_email
from nalw.core.time import format_datetime, utcnow
from nalw.events.calendars import calendar_text
from nalw.events.models import (
    Booking,
    BookingStatus,
    Event,
    EventKind,
    EventStatus,
    WaitingListEntry,
    WaitingStatus,
)
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.payments import services as payment_services
from nalw.payments.models import Payment, PaymentPurpose, Refund, RefundStatus


class EventError(DomainError):
    """An events rule refused the change."""


class EventFull(EventError):
    def __init__(self, message="This event is full. Join the waiting list and we will email you if a place frees."):
        super().__init__(message)


class BookingClosed(EventError):
    pass


class AlreadyBooked(EventError):
    def __init__(self, message="You already have a place at this event. See it under My bookings."):
        super().__init__(message)


class HoldExpired(EventError):
    pass


# The row lock on the event is what keeps bookings within capacity. Only the concurrency test's
# control turns it off, to show that without it simultaneous bookings overbook.
LOCK_EVENT_ROWS = True


# --- Staff: events ---------------------------------------------------------------------------

EVENT_FIELDS = (
    "title",
    "description",
    "kind",
    "region",
    "starts_at",
    "ends_at",
    "format",
    "venue",
    "joining_url",
    "capacity",
    "member_price_pence",
    "non_member_price_pence",
    "booking_opens_at",
    "booking_closes_at",
    "cpd_quarter_hours",
    "refund_cutoff_days",
    "offer_hours",
    "hold_minutes",
)


def _snapshot(event):
    values = {field: getattr(event, field) for field in EVENT_FIELDS}
    values["status"] = event.status
    values["standards"] = [standard.code for standard in event.standards]
    return values


def event_refusals(values, event=None) -> list[EventError]:
    """Every rule the values break, each at its field. A value that is None (a form field that did not
    read) is passed over: the form has already said what is wrong with it."""
    refusals = []

    def refuse(message, field):
        refusals.append(EventError(message, field=field))

    kind, starts_at, ends_at = values.get("kind"), values.get("starts_at"), values.get("ends_at")
    opens_at, closes_at, capacity = (
        values.get("booking_opens_at"),
        values.get("booking_closes_at"),
        values.get("capacity"),
    )
    if kind is EventKind.ROADSHOW and values.get("region") is None:
        refuse("Choose the region of this roadshow", "region")
    if starts_at and ends_at and ends_at <= starts_at:
        refuse("The end must be after the start", "ends_at")
    if opens_at and closes_at and closes_at <= opens_at:
        refuse("Booking must close after it opens", "booking_closes_at")
    elif closes_at and starts_at and closes_at > starts_at:
        refuse("Booking must close no later than the event starts", "booking_closes_at")
    if capacity is not None and capacity < 1:
        refuse("Capacity must be at least 1 place", "capacity")
    event_format = values.get("format")
    if event_format is not None and event_format.has_venue and not (values.get("venue") or "").strip():
        refuse("Enter the venue, or choose the online format", "venue")
    published = event is not None and event.status is EventStatus.PUBLISHED
    if published and event_format is not None and event_format.has_joining_link and not values.get("joining_url"):
        refuse("Enter the online joining link: people booked on an online or hybrid event need it", "joining_url")
    if event is not None and event.id is not None and capacity is not None:
        taken = places_taken(event, utcnow())
        if capacity < taken:
            refuse(f"{taken} places are already taken: capacity cannot be less than that", "capacity")
    return refusals


def _check_event_values(values, event=None):
    """Refuse values no event may have, at the field they belong to (the first problem; the staff
    form shows them all through `event_refusals`)."""
    refusals = event_refusals(values, event)
    if refusals:
        raise refusals[0]


def _standards_from(standard_ids):
    """Standards of the current code of practice only."""
    version = code_services.current_version()
    if not standard_ids or version is None:
        return []
    return list(
        db.session.scalars(sa.select(Standard).where(Standard.version_id == version.id, Standard.id.in_(standard_ids)))
    )


def create_event(actor, *, standard_ids=(), **values) -> Event:
    """A new event, in draft until published."""
    _check_event_values(values)
    event = Event(**values, status=EventStatus.DRAFT)
    event.standards = _standards_from(standard_ids)
    db.session.add(event)
    db.session.flush()
    record_audit(actor, "event.created", event, after=_snapshot(event), summary=f"Created event {event.title}")
    return event


def edit_event(actor, event, *, standard_ids=(), **values) -> Event:
    """Change an event's details. Capacity never goes below the places already taken."""
    event = lock_event(event.id)
    if event.status is EventStatus.CANCELLED:
        raise EventError("A cancelled event cannot be changed.")
    _check_event_values(values, event)
    before = _snapshot(event)
    for field, value in values.items():
        setattr(event, field, value)
    event.standards = _standards_from(standard_ids)
    db.session.flush()
    record_audit(actor, "event.edited", event, before=before, after=_snapshot(event), summary=f"Edited {event.title}")
    if event.status is EventStatus.PUBLISHED:
        offer_freed_places(event)  # more capacity: the waiting list goes first
    return event


def publish_event(actor, event) -> Event:
    if event.status is not EventStatus.DRAFT:
        raise EventError("Only a draft event can be published.")
    if event.format.has_joining_link and not event.joining_url:
        raise EventError("Add the online joining link before publishing an online or hybrid event.")
    before = _snapshot(event)
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    record_audit(
        actor, "event.published", event, before=before, after=_snapshot(event), summary=f"Published {event.title}"
    )
    return event


def cancel_event(actor, event, reason) -> Event:
    """Cancel the event itself. Each booking is then settled by `settle_cancelled_booking`."""
    event = lock_event(event.id)
    if event.status is EventStatus.CANCELLED:
        raise EventError("This event is already cancelled.")
    if not (reason or "").strip():
        raise EventError("Enter the reason, which we send to everyone booked", field="reason")
    before = _snapshot(event)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    event.cancellation_reason = reason.strip()[:500]
    record_audit(
        actor,
        "event.cancelled",
        event,
        before=before,
        after=_snapshot(event),
        summary=f"Cancelled {event.title}: {event.cancellation_reason}",
    )
    return event


# --- Counting places ---------------------------------------------------------------------------


def lock_event(event_id) -> Event:
    """The event, re-read and locked until the transaction ends.

    A row lock (SELECT ... FOR UPDATE) rather than an advisory lock: it needs no key scheme of its
    own, it is released by commit or rollback whatever happens, and it also makes staff edits of the
    same row (a smaller capacity, a cancellation) wait for bookings in flight, and bookings for them,
    which an advisory lock would not. Plain reads of the event are not blocked, so the public pages
    stay fast while bookings queue. (SQLite ignores it: it has one writer at a time anyway.)
    """
    query = sa.select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    if LOCK_EVENT_ROWS:
        query = query.with_for_update()
    return db.session.scalars(query).one()


def places_taken(event, now) -> int:
    """Confirmed places, holds not yet expired and waiting-list offers not yet expired."""
    bookings = db.session.scalar(
        sa.select(sa.func.count(Booking.id)).where(
            Booking.event_id == event.id,
            sa.or_(
                Booking.status == BookingStatus.CONFIRMED,
                sa.and_(Booking.status == BookingStatus.HELD, Booking.hold_expires_at > now),
            ),
        )
    )
    offers = db.session.scalar(
        sa.select(sa.func.count(WaitingListEntry.id)).where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.status == WaitingStatus.OFFERED,
            WaitingListEntry.offer_expires_at > now,
        )
    )
    return bookings + offers


def upcoming_with_places(now, limit) -> list[tuple[Event, int, int]]:
    """The next `limit` published events to start, each with its places taken (as `places_taken` counts them)
    and how many are waiting for a place: three queries, whatever the number of bookings."""
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at >= now)
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
        .options(lazyload(Event.standards))  # not shown: no query for them
    ).all()
    ids = [event.id for event in events] or [0]
    booked = dict(
        db.session.execute(
            sa.select(Booking.event_id, sa.func.count(Booking.id))
            .where(
                Booking.event_id.in_(ids),
                sa.or_(
                    Booking.status == BookingStatus.CONFIRMED,
                    sa.and_(Booking.status == BookingStatus.HELD, Booking.hold_expires_at > now),
                ),
            )
            .group_by(Booking.event_id)
        ).all()
    )
    offered, waiting = {}, {}
    for event_id, status, count in db.session.execute(
        sa.select(WaitingListEntry.event_id, WaitingListEntry.status, sa.func.count(WaitingListEntry.id))
        .where(
            WaitingListEntry.event_id.in_(ids),
            sa.or_(
                WaitingListEntry.status == WaitingStatus.WAITING,
                sa.and_(WaitingListEntry.status == WaitingStatus.OFFERED, WaitingListEntry.offer_expires_at > now),
            ),
        )
        .group_by(WaitingListEntry.event_id, WaitingListEntry.status)
    ).all():
        (waiting if status is WaitingStatus.WAITING else offered)[event_id] = count
    return [(event, booked.get(event.id, 0) + offered.get(event.id, 0), waiting.get(event.id, 0)) for event in events]


def places_left(event, now=None) -> int:
    return max(0, event.capacity - places_taken(event, now or utcnow()))


def in_good_standing(person) -> bool:
    """Membership's own notion: an individual membership that is active or in grace."""
    membership = member_services.current_membership(person)
    return membership is not None and membership.in_good_standing


def price_for(event, person) -> int:
    return event.price_for(in_good_standing(person))


def live_booking(event, person) -> Booking | None:
    return db.session.scalar(
        sa.select(Booking).where(
            Booking.event_id == event.id,
            Booking.person_id == person.id,
            Booking.status.in_((BookingStatus.HELD, BookingStatus.CONFIRMED)),
        )
    )


def active_entry(event, person) -> WaitingListEntry | None:
    return db.session.scalar(
        sa.select(WaitingListEntry).where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.person_id == person.id,
            WaitingListEntry.status.in_((WaitingStatus.WAITING, WaitingStatus.OFFERED)),
        )
    )


def booking_open(event, now) -> bool:
    """Whether the event takes bookings at `now`: the rule `book_place` applies, for pages to show."""
    try:
        _check_booking_open(event, now)
    except BookingClosed:
        return False
    return True


def _check_booking_open(event, now):
    if event.status is EventStatus.CANCELLED:
        raise BookingClosed("This event has been cancelled.")
    if event.status is not EventStatus.PUBLISHED:
        raise BookingClosed("This event is not open for booking.")
    if now < event.booking_opens_at:
        raise BookingClosed(f"Booking opens on {format_datetime(event.booking_opens_at)}.")
    if now >= event.booking_closes_at or now >= event.starts_at:
        raise BookingClosed("Booking for this event has closed.")


def expire_lapsed(event, now):
    """Holds and offers whose time has run out stop counting: mark them so."""
    for booking in db.session.scalars(
        sa.select(Booking).where(
            Booking.event_id == event.id, Booking.status == BookingStatus.HELD, Booking.hold_expires_at <= now
        )
    ):
        booking.status = BookingStatus.EXPIRED
    for entry in db.session.scalars(
        sa.select(WaitingListEntry).where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.status == WaitingStatus.OFFERED,
            WaitingListEntry.offer_expires_at <= now,
        )
    ):
        entry.status = WaitingStatus.EXPIRED
    db.session.flush()


# --- Booking -------------------------------------------------------------------------------------


def book_place(event, person, access_needs="", dietary="", now=None) -> Booking:
    """Book `person` a place, in one transaction under the event's lock.

    People on the waiting list go first: a free place is offered to them before anyone new gets it.
    A person with an offer takes the place it holds. Free places are confirmed at once; a paid place
    is held for the event's hold time while the person pays (`begin_place_payment`). The member price
    applies to a membership in good standing. Raises EventFull when no place is left.
    """
    now = now or utcnow()
    event = lock_event(event.id)
    _check_booking_open(event, now)
    expire_lapsed(event, now)
    if live_booking(event, person) is not None:
        raise AlreadyBooked()
    _fill_from_waiting_list(event, now)
    booking = live_booking(event, person)
    if booking is not None:
        return booking  # booked from the waiting list just now (a free event)
    entry = active_entry(event, person)
    if entry is not None and entry.status is WaitingStatus.OFFERED:
        entry.status = WaitingStatus.BOOKED  # the place the offer held becomes this booking's
    elif places_taken(event, now) >= event.capacity:
        raise EventFull()
    elif entry is not None:
        entry.status = WaitingStatus.BOOKED
        entry.left_at = now
    return _new_booking(event, person, price_for(event, person), access_needs, dietary, now)


def _new_booking(event, person, price_pence, access_needs, dietary, now) -> Booking:
    booking = Booking(
        event=event,
        person=person,
        price_pence=price_pence,
        access_needs=(access_needs or "").strip(),
        dietary=(dietary or "").strip(),
    )
    if price_pence == 0:
        booking.status = BookingStatus.CONFIRMED
        booking.confirmed_at = now
    else:
        booking.status = BookingStatus.HELD
        booking.hold_expires_at = now + dt.timedelta(minutes=event.hold_minutes)
    db.session.add(booking)
    db.session.flush()
    if booking.status is BookingStatus.CONFIRMED:
        _email_confirmation(booking)
    return booking


def begin_place_payment(person, booking, now=None) -> Payment:
    """Start paying for a held place. Refused once the hold has run out."""
    now = now or utcnow()
    if booking.person_id != person.id:
        raise EventError("That is not your booking.")
    if booking.status is BookingStatus.CONFIRMED:
        raise EventError("This place is already paid for and confirmed.")
    if booking.status is not BookingStatus.HELD or booking.hold_expires_at <= now:
        raise HoldExpired(
            f"We held this place for {booking.event.hold_minutes} minutes and the time ran out. "
            "Book again to see whether a place is still free."
        )
    payment = _begin_card_payment(booking)
    booking.payment_id = payment.id
    return payment


def _begin_card_payment(booking) -> Payment:
    """The one call into payments that starts paying for a place."""
    return payment_services.begin_card_payment(
        booking.person,
        PaymentPurpose.EVENT_PLACE,
        booking.id,
        booking.price_pence,
        f"Place at {booking.event.title}",
    )


def _booking_for_payment(payment) -> Booking | None:
    return db.session.get(Booking, payment.subject_id)


def place_paid(payment):
    """Payments calls this once when a place's payment succeeds.

    Within its hold, the place is confirmed. After the hold expired, it is confirmed only if a place
    is still free under the lock; otherwise the payment is refunded in full and the person told.
    """
    booking = _booking_for_payment(payment)
    if booking is None or booking.status is BookingStatus.CONFIRMED:
        return
    now = utcnow()
    event = lock_event(booking.event_id)
    booking.payment_id = payment.id
    if booking.status is BookingStatus.HELD and booking.hold_expires_at > now:
        _confirm(booking, now)
        return
    if booking.status is BookingStatus.HELD:
        booking.status = BookingStatus.EXPIRED
        db.session.flush()
    place_free = (
        booking.status is BookingStatus.EXPIRED
        and event.status is EventStatus.PUBLISHED
        and now < event.starts_at
        and live_booking(event, booking.person) is None
        and places_taken(event, now) < event.capacity
    )
    if place_free:
        _confirm(booking, now)
        return
    if booking.status is BookingStatus.EXPIRED:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
    refund_booking(
        None, booking, payment, payment.refundable_pence, "Place no longer available: refunded automatically"
    )
    queue_email(
        booking.person.email,
        "events/late_payment_refunded",
        f"Your payment for {event.title} has been refunded",
        person=booking.person,
        booking=booking,
        event=event,
        amount=format_pence(payment.amount_pence),
        events_link=absolute_link("events.event_page", event_id=event.id),
    )


def _confirm(booking, now):
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = now
    db.session.flush()
    _email_confirmation(booking)


def place_refunded(payment):
    """Payments calls this once when a place's payment is refunded in full (by staff, say): the place
    is given up and goes to the waiting list."""
    booking = _booking_for_payment(payment)
    if booking is None or not booking.is_live:
        return
    event = lock_event(booking.event_id)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    db.session.flush()
    offer_freed_places(event)


def refund_key(booking) -> str:
    """A booking is refunded at most once, so its refund has one idempotency key: asking again (a lost
    commit, a run repeated) finds the refund already written instead of making a second."""
    return f"booking-{booking.id}-refund"


def refund_booking(actor, booking, payment, amount_pence, reason) -> Refund | None:
    """Write the booking's refund as pending; the caller commits, then `checkout.complete_refunds` asks Stripe
    (and `flask payments reconcile` asks again for one Stripe did not answer)."""
    if amount_pence <= 0:
        return None
    return payment_services.request_refund(actor, payment, amount_pence, reason, idempotency_key=refund_key(booking))


def pending_refunds(bookings) -> list[Refund]:
    """Refunds of these bookings' payments written but not yet answered by Stripe, in one query."""
    booking_ids = [booking.id for booking in bookings]
    if not booking_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Refund)
            .join(Payment, Payment.id == Refund.payment_id)
            .where(
                Payment.purpose == PaymentPurpose.EVENT_PLACE,
                Payment.subject_id.in_(booking_ids),
                Refund.status == RefundStatus.PENDING,
            )
            .order_by(Refund.id)
        )
    )


def refund_due_pence(booking, now=None) -> int:
    """A full refund up to the event's cut-off (that many days before it starts), none after."""
    now = now or utcnow()
    if booking.payment_id is None or booking.status is not BookingStatus.CONFIRMED:
        return 0
    if now > booking.event.starts_at - dt.timedelta(days=booking.event.refund_cutoff_days):
        return 0
    payment = db.session.get(Payment, booking.payment_id)
    return payment.refundable_pence if payment is not None else 0


def cancel_booking(person, booking, now=None) -> Booking:
    """The attendee gives up their place: refunded in full up to the cut-off, none after; the place
    goes to the waiting list."""
    now = now or utcnow()
    if booking.person_id != person.id:
        raise EventError("That is not your booking.")
    event = lock_event(booking.event_id)
    if not booking.is_live:
        raise EventError("This booking is already cancelled.")
    if now >= event.starts_at:
        raise EventError("This event has started: a place can no longer be cancelled.")
    refund = refund_due_pence(booking, now)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    db.session.flush()
    if refund:
        refund_booking(
            person, booking, db.session.get(Payment, booking.payment_id), refund, "Place cancelled by the attendee"
        )
    record_audit(
        person,
        "booking.cancelled",
        booking,
        after={"refund_pence": refund},
        summary=f"Cancelled a place at {event.title}",
    )
    queue_email(
        person.email,
        "events/booking_cancelled",
        f"Your place at {event.title} is cancelled",
        person=person,
        booking=booking,
        event=event,
        refund=format_pence(refund) if refund else None,
    )
    offer_freed_places(event, now)
    return booking


# --- Waiting list ----------------------------------------------------------------------------------


def join_waiting_list(event, person, now=None) -> WaitingListEntry:
    """Wait for a place at a full event."""
    now = now or utcnow()
    event = lock_event(event.id)
    _check_booking_open(event, now)
    expire_lapsed(event, now)
    if live_booking(event, person) is not None:
        raise AlreadyBooked()
    if active_entry(event, person) is not None:
        raise EventError("You are already on the waiting list for this event.")
    _fill_from_waiting_list(event, now)
    if places_taken(event, now) < event.capacity:
        raise EventError("A place is free at this event: book it instead of waiting.")
    entry = WaitingListEntry(event=event, person=person, joined_at=now, status=WaitingStatus.WAITING)
    db.session.add(entry)
    db.session.flush()
    return entry


def leave_waiting_list(event, person, now=None) -> WaitingListEntry:
    """Leave the list, or decline an offer: a declined offer's place goes to the next person."""
    now = now or utcnow()
    event = lock_event(event.id)
    entry = active_entry(event, person)
    if entry is None:
        raise EventError("You are not on the waiting list for this event.")
    entry.status = WaitingStatus.DECLINED if entry.status is WaitingStatus.OFFERED else WaitingStatus.LEFT
    entry.left_at = now
    db.session.flush()
    offer_freed_places(event, now)
    return entry


def offer_freed_places(event, now=None) -> list[WaitingListEntry]:
    """Give each free place to the next person waiting, under the event's lock: at a free event they
    are booked at once; at a paid one they get an offer that holds the place for the event's offer
    time. Lapsed holds and offers are expired first. No offer after booking closes or the event
    starts; an entry once offered is never offered again. The same code runs after a cancellation
    in a request and from the scheduled command; two runs at once queue on the lock, and the
    second sees the first's offers."""
    now = now or utcnow()
    event = lock_event(event.id)
    expire_lapsed(event, now)
    return _fill_from_waiting_list(event, now)


def _fill_from_waiting_list(event, now) -> list[WaitingListEntry]:
    """Under the lock, with lapsed holds and offers already expired."""
    if event.status is not EventStatus.PUBLISHED or now >= event.booking_closes_at or now >= event.starts_at:
        return []
    given = []
    free = event.capacity - places_taken(event, now)
    while free > 0:
        entry = db.session.scalar(
            sa.select(WaitingListEntry)
            .where(WaitingListEntry.event_id == event.id, WaitingListEntry.status == WaitingStatus.WAITING)
            .order_by(WaitingListEntry.joined_at, WaitingListEntry.id)
            .limit(1)
        )
        if entry is None:
            break
        if live_booking(event, entry.person) is not None:
            entry.status = WaitingStatus.BOOKED  # they booked a place some other way
            entry.left_at = now
            db.session.flush()
            continue
        price = price_for(event, entry.person)
        if price == 0:
            entry.status = WaitingStatus.BOOKED
            entry.offered_at = now
            entry.left_at = now
            db.session.flush()
            _new_booking(event, entry.person, 0, "", "", now)
        else:
            entry.status = WaitingStatus.OFFERED
            entry.offered_at = now
            entry.offer_expires_at = min(now + dt.timedelta(hours=event.offer_hours), event.booking_closes_at)
            db.session.flush()
            queue_email(
                entry.person.email,
                "events/place_offered",
                f"A place is free at {event.title}",
                person=entry.person,
                event=event,
                entry=entry,
                price=format_pence(price),
                offer_expires=format_datetime(entry.offer_expires_at),
                book_link=absolute_link("events.book", event_id=event.id),
            )
        given.append(entry)
        free -= 1
    return given


def events_needing_offers(now=None) -> list[int]:
    """Published events still open for booking that have lapsed holds or offers, or people waiting."""
    now = now or utcnow()
    lapsed_holds = sa.select(Booking.event_id).where(
        Booking.status == BookingStatus.HELD, Booking.hold_expires_at <= now
    )
    waiting = sa.select(WaitingListEntry.event_id).where(
        sa.or_(
            WaitingListEntry.status == WaitingStatus.WAITING,
            sa.and_(WaitingListEntry.status == WaitingStatus.OFFERED, WaitingListEntry.offer_expires_at <= now),
        )
    )
    return list(
        db.session.scalars(
            sa.select(Event.id)
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.starts_at > now,
                sa.or_(Event.id.in_(lapsed_holds), Event.id.in_(waiting)),
            )
            .order_by(Event.starts_at)
        )
    )


# --- Emails -------------------------------------------------------------------------------------------


def _email_confirmation(booking):
    event = booking.event
    queue_email(
        booking.person.email,
        "events/booking_confirmed",
        f"Your place at {event.title} is confirmed",
        person=booking.person,
        booking=booking,
        event=event,
        bookings_link=absolute_link("events.my_bookings"),
        attachments=[("event.ics", "text/calendar", calendar_text([event], with_joining_link=True))],
    )


# --- Scheduled work -----------------------------------------------------------------------------------

REMINDERS = (
    # (column, how long before the start it is due, subject)
    ("reminder_week_sent_at", dt.timedelta(days=7), "{title} is next week"),
    ("reminder_day_sent_at", dt.timedelta(days=1), "{title} is tomorrow"),
)


def send_reminders(now=None) -> int:
    """Remind confirmed attendees 7 days and 1 day before, each reminder once. Rows are claimed with
    FOR UPDATE SKIP LOCKED, so two runs at once never remind anyone twice. A booking made within a
    day of the event gets only the one-day reminder."""
    now = now or utcnow()
    sent = 0
    for column, before, subject in REMINDERS:
        bookings = db.session.scalars(
            sa.select(Booking)
            .join(Event, Event.id == Booking.event_id)
            .where(
                Booking.status == BookingStatus.CONFIRMED,
                getattr(Booking, column).is_(None),
                Event.status == EventStatus.PUBLISHED,
                Event.starts_at > now,
                Event.starts_at <= now + before,
            )
            .order_by(Booking.id)
            .with_for_update(of=Booking, skip_locked=True)
        ).all()
        for booking in bookings:
            if column == "reminder_week_sent_at" and booking.event.starts_at <= now + dt.timedelta(days=1):
                booking.reminder_week_sent_at = now  # too late for it: the day-before reminder goes instead
                continue
            setattr(booking, column, now)
            queue_email(
                booking.person.email,
                "events/reminder",
                subject.format(title=booking.event.title),
                person=booking.person,
                booking=booking,
                event=booking.event,
                bookings_link=absolute_link("events.my_bookings"),
            )
            sent += 1
    db.session.flush()
    return sent


# Access needs and dietary answers may be health data: kept this many days after the event, then deleted.
REQUIREMENTS_KEPT_DAYS = 30


def forget_requirements(kept_days, now=None) -> int:
    """Delete access needs and dietary requirements (possibly health data) `kept_days` after the event."""
    now = now or utcnow()
    bookings = db.session.scalars(
        sa.select(Booking)
        .join(Event, Event.id == Booking.event_id)
        .where(
            Event.ends_at < now - dt.timedelta(days=kept_days),
            Booking.requirements_deleted_at.is_(None),
            sa.or_(Booking.access_needs != "", Booking.dietary != ""),
        )
    ).all()
    for booking in bookings:
        booking.access_needs = ""
        booking.dietary = ""
        booking.requirements_deleted_at = now
    db.session.flush()
    return len(bookings)
