"""iCalendar (.ics) files: one event for a confirmation email, and feeds of many."""

import icalendar

from nalw.core.links import absolute_link


def _calendar():
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//National Association of Link Workers//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", "Europe/London")
    return calendar


def _entry(event, with_joining_link=False):
    """One VEVENT in UTC. The joining link goes only into an attendee's own calendar."""
    entry = icalendar.Event()
    entry.add("uid", f"event-{event.id}@nalw.org.uk")
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    location = event.venue if event.format.has_venue else "Online"
    if with_joining_link and event.format.has_joining_link and event.joining_url:
        location = f"{location} ({event.joining_url})" if event.format.has_venue else event.joining_url
    entry.add("location", location)
    entry.add("description", event.description)
    entry.add("url", absolute_link("events.event_page", event_id=event.id))
    entry.add("status", "CANCELLED" if event.status.value == "cancelled" else "CONFIRMED")
    return entry


def calendar_text(events, with_joining_link=False) -> str:
    calendar = _calendar()
    for event in events:
        calendar.add_component(_entry(event, with_joining_link))
    return calendar.to_ical().decode()
