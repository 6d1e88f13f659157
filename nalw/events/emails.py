"""Every events email goes to one person about one event, through the outbox."""

from nalw.core.outbox import queue_email


def email_about(event, person, template, subject, **context):
    """Queue templates/emails/events/<template> to `person`; the template gets `person`, `event` and `context`."""
    queue_email(person.email, f"events/{template}", subject, person=person, event=event, **context)
