"""Every email that carries a one-time link, queued the way the app queues it.

Each builder returns the message and the link's token, read from what the worker will send.
"""

from nalw.accounts import services as account_services
from nalw.extensions import db
from nalw.members import organisations
from nalw.members.models import Organisation
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, PersonFactory, organisation_tier
from tests.helpers import emails_to, link_in


def _queued(address, path_start):
    message = emails_to(address)[-1]
    token = link_in(message, path_start).removeprefix(path_start)
    assert len(token) > 20, "a one-time link's token"
    return message, token


def email_confirmation():
    person = PersonFactory(email="grace@example.org", unverified=True)
    account_services.send_verification_email(person)
    return _queued(person.email, "/account/verify/")


def password_reset():
    person = PersonFactory(email="robin@example.org")
    account_services.request_password_reset(person.email)
    return _queued(person.email, "/account/reset-password/")


def new_email_confirmation():
    person = PersonFactory(email="sasha@example.org")
    account_services.request_email_change(person, "sasha.new@example.org", DEFAULT_PASSWORD)
    return _queued("sasha.new@example.org", "/account/email/confirm/")


def seat_invitation():
    membership = MembershipFactory(
        person=PersonFactory(name="Olu Admin"), tier=organisation_tier(), employer_name="Riverside PCN"
    )
    organisation = db.session.get(Organisation, membership.organisation_id)
    organisations.invite(membership.person, organisation, "invited@example.org")
    return _queued("invited@example.org", "/organisation/join/")


ONE_TIME_EMAILS = [email_confirmation, password_reset, new_email_confirmation, seat_invitation]


def queue_every_one_time_email():
    """[(message, token)] for every kind, all waiting in the outbox at once."""
    queued = [build() for build in ONE_TIME_EMAILS]
    db.session.commit()
    return queued
