"""Events, the places booked on them, and their waiting lists.

A place counts against capacity while its booking is confirmed, while an unpaid hold has not
expired, and while a waiting-list offer has not expired (`places.places_taken`).
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from nalw.core.db import IdMixin, TimestampMixin, enum_column, partial_index, utc_now_default
from nalw.core.labels import LabelledEnum
from nalw.core.regions import Region
from nalw.core.time import utcnow
from nalw.extensions import db


class EventKind(LabelledEnum):
    ROADSHOW = "roadshow", "Regional roadshow"
    CONFERENCE = "conference", "Link Worker Day conference"
    WEBINAR = "webinar", "Webinar or training"


class EventFormat(LabelledEnum):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"
    HYBRID = "hybrid", "Hybrid (in person and online)"

    @property
    def has_joining_link(self):
        return self is not EventFormat.IN_PERSON

    @property
    def has_venue(self):
        return self is not EventFormat.ONLINE


class EventStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


event_standards = sa.Table(
    "event_standards",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("standard_id", sa.ForeignKey("code_standards.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Event(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "events"

    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[EventKind] = enum_column(EventKind, name="event_kind")
    # Required for roadshows; a national conference or a webinar may have none.
    region: Mapped[Region | None] = enum_column(Region, name="region")
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    format: Mapped[EventFormat] = enum_column(EventFormat, name="event_format")
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    # Shown and sent only to people with a confirmed place.
    joining_url: Mapped[str] = mapped_column(sa.String(500), default="")
    capacity: Mapped[int]
    member_price_pence: Mapped[int] = mapped_column(default=0)
    non_member_price_pence: Mapped[int] = mapped_column(default=0)
    booking_opens_at: Mapped[dt.datetime]
    booking_closes_at: Mapped[dt.datetime]
    cpd_quarter_hours: Mapped[int] = mapped_column(default=0)
    refund_cutoff_days: Mapped[int] = mapped_column(default=7)
    offer_hours: Mapped[int] = mapped_column(default=24)
    hold_minutes: Mapped[int] = mapped_column(default=15)
    status: Mapped[EventStatus] = enum_column(EventStatus, name="event_status", default=EventStatus.DRAFT)
    published_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    cancellation_reason: Mapped[str] = mapped_column(sa.String(500), default="")

    standards = relationship("Standard", secondary=event_standards, lazy="selectin", order_by="Standard.position")

    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("member_price_pence >= 0 AND non_member_price_pence >= 0", name="prices_not_negative"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("booking_closes_at > booking_opens_at", name="booking_closes_after_opening"),
        sa.CheckConstraint("kind <> 'roadshow' OR region IS NOT NULL", name="roadshow_has_region"),
        sa.CheckConstraint("cpd_quarter_hours >= 0", name="cpd_hours_not_negative"),
        sa.CheckConstraint("refund_cutoff_days >= 0", name="refund_cutoff_not_negative"),
        sa.CheckConstraint("offer_hours > 0", name="offer_hours_positive"),
        sa.CheckConstraint("hold_minutes > 0", name="hold_minutes_positive"),
        # The public list: published events by start.
        sa.Index("ix_events_status_starts_at", "status", "starts_at"),
    )

    @property
    def is_free(self):
        return self.member_price_pence == 0 and self.non_member_price_pence == 0

    @property
    def cpd_hours(self):
        return self.cpd_quarter_hours / 4

    @property
    def has_started(self):
        return utcnow() >= self.starts_at

    def price_for(self, in_good_standing: bool) -> int:
        return self.member_price_pence if in_good_standing else self.non_member_price_pence


class BookingStatus(LabelledEnum):
    HELD = "held", "Held while you pay"  # waiting for payment until hold_expires_at
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"  # the hold ran out unpaid


LIVE_BOOKING_STATUSES = ("held", "confirmed")


class PersonAtEvent:
    """What a booking and a waiting-list entry share: one person, at one event, both loaded with the row."""

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)

    @declared_attr
    def event(cls) -> Mapped[Event]:
        return relationship(Event, lazy="joined", innerjoin=True)

    @declared_attr
    def person(cls):
        return relationship("Person", lazy="joined", innerjoin=True)


def one_per_person(name, statuses):
    """The database refuses a second row of the same person at the same event in one of `statuses`."""
    return partial_index(name, "event_id", "person_id", unique=True, where=f"status IN {statuses}")


class Booking(PersonAtEvent, IdMixin, TimestampMixin, db.Model):
    __tablename__ = "bookings"

    status: Mapped[BookingStatus] = enum_column(BookingStatus, name="booking_status")
    price_pence: Mapped[int]
    # May be health data: seen by staff only, deleted a set number of days after the event.
    access_needs: Mapped[str] = mapped_column(sa.Text, default="")
    dietary: Mapped[str] = mapped_column(sa.Text, default="")
    requirements_deleted_at: Mapped[dt.datetime | None]
    hold_expires_at: Mapped[dt.datetime | None]
    confirmed_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    checked_in_at: Mapped[dt.datetime | None]
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id", ondelete="SET NULL"))
    reminder_week_sent_at: Mapped[dt.datetime | None]
    reminder_day_sent_at: Mapped[dt.datetime | None]
    # Set when the event's cancellation has been settled for this booking (refunded and told), so a
    # run interrupted half-way can be run again without refunding or telling anyone twice.
    cancellation_settled_at: Mapped[dt.datetime | None]

    __table_args__ = (
        sa.CheckConstraint("price_pence >= 0", name="price_not_negative"),
        sa.CheckConstraint("status <> 'held' OR hold_expires_at IS NOT NULL", name="hold_has_expiry"),
        # One live booking per person per event: the database refuses a second.
        one_per_person("uq_bookings_live_per_person", LIVE_BOOKING_STATUSES),
        # Counting places and listing attendees: by event and status.
        sa.Index("ix_bookings_event_status", "event_id", "status"),
    )

    @property
    def is_live(self):
        return self.status.value in LIVE_BOOKING_STATUSES


class WaitingStatus(LabelledEnum):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a place"  # a place is held for them until offer_expires_at
    BOOKED = "booked", "Booked"
    EXPIRED = "expired", "Offer expired"  # the offer ran out
    DECLINED = "declined", "Offer declined"
    LEFT = "left", "Left the list"


ACTIVE_WAITING_STATUSES = ("waiting", "offered")


class WaitingListEntry(PersonAtEvent, IdMixin, db.Model):
    __tablename__ = "waiting_list_entries"

    joined_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    status: Mapped[WaitingStatus] = enum_column(WaitingStatus, name="waiting_status", default=WaitingStatus.WAITING)
    offered_at: Mapped[dt.datetime | None]
    offer_expires_at: Mapped[dt.datetime | None]
    left_at: Mapped[dt.datetime | None]

    __table_args__ = (
        # An entry is offered a place at most once: once offered it never goes back to waiting.
        sa.CheckConstraint("status <> 'waiting' OR offered_at IS NULL", name="waiting_never_offered"),
        sa.CheckConstraint("status <> 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_expiry"),
        one_per_person("uq_waiting_list_entries_active_per_person", ACTIVE_WAITING_STATUSES),
        # Next in line, and offers still holding places.
        sa.Index("ix_waiting_list_entries_event_status_joined", "event_id", "status", "joined_at"),
    )


class CalendarFeedToken(IdMixin, db.Model):
    """The secret in the address of a person's own calendar feed of their bookings. Resetting it
    replaces the token, so the old address stops working."""

    __tablename__ = "event_calendar_feed_tokens"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
