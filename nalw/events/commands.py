"""Scheduled work for events; every command is safe to run again and to overlap."""

import click
from flask.cli import AppGroup

from nalw.events import scheduled, settling, waiting_list
from nalw.events.models import Event
from nalw.extensions import db

events_cli = AppGroup("events", help="Events scheduled work.")


@events_cli.command("offers")
def offers_command():
    """Expire lapsed holds and offers, and offer freed places to the waiting lists, one event at a time."""
    made = 0
    for event_id in waiting_list.events_needing_offers():
        made += len(waiting_list.offer_freed_places(db.session.get(Event, event_id)))
        db.session.commit()  # each event's lock is held only for its own offers
    click.echo(f"events offers: {made} places offered or booked from waiting lists")


@events_cli.command("reminders")
def reminders_command():
    """Reminders 7 days and 1 day before each event, each sent once."""
    sent = scheduled.send_reminders()
    db.session.commit()
    click.echo(f"events reminders: {sent} sent")


@events_cli.command("forget-requirements")
def forget_requirements_command():
    """Delete access needs and dietary requirements a set number of days after each event."""
    deleted = scheduled.forget_requirements(scheduled.REQUIREMENTS_KEPT_DAYS)
    db.session.commit()
    click.echo(f"events forget-requirements: {deleted} bookings cleared")


@events_cli.command("settle")
def settle_command():
    """Finish cancelled events' refunds and emails that a staff member's request left half-way."""
    settled = left = 0
    for event_id in settling.events_to_settle():
        done, to_do = settling.settle_cancellation(db.session.get(Event, event_id))
        settled, left = settled + done, left + to_do
    click.echo(f"events settle: {settled} bookings settled, {left} refunds still waiting for the card service")
