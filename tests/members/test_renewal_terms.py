"""The days renewal rules turn on (when renewal opens, the reminders, grace, an invitation's life) are named once,
where the rule lives, and every page, email and message quotes that name: change the rule and the words follow."""

import datetime as dt

from nalw.core.time import london_today
from nalw.extensions import db
from nalw.members import organisations, renewals, services
from nalw.members.models import Organisation
from tests.factories import MembershipFactory, organisation_tier
from tests.helpers import emails_to, page_text, sign_in
from tests.members.steps import history_of, run_renewals

EXPIRES_ON = dt.date(2026, 6, 30)


def test_pages_say_when_renewal_opens_from_the_renewal_rule(client, monkeypatch):
    monkeypatch.setattr(renewals, "RENEWAL_OPENS_DAYS", 45)
    membership = MembershipFactory(expires_on=london_today() + dt.timedelta(days=50))
    sign_in(client, membership.person)

    membership_page = page_text(client.get("/membership"))
    refused = page_text(client.get("/membership/renew", follow_redirects=True))

    assert "45 days before your membership ends" in membership_page
    assert "45 days before your membership ends" in refused
    assert "60 days" not in membership_page + refused


def test_the_automatic_renewal_pages_name_the_days_the_daily_run_charges_and_reminds(client, monkeypatch):
    monkeypatch.setattr(renewals, "AUTO_CHARGE_DAYS_BEFORE", 3)
    monkeypatch.setattr(renewals, "REMINDER_DAYS", (21, 2))
    membership = MembershipFactory(expires_on=london_today() + dt.timedelta(days=100))
    sign_in(client, membership.person)

    turning_on = page_text(client.get("/membership/automatic-renewal"))
    membership.auto_renew = True
    db.session.flush()
    turning_off = page_text(client.get("/membership/automatic-renewal"))

    assert "3 days before your membership ends" in turning_on
    assert "We will email you reminders 21 days and 2 days before, and on the day." in turning_off


def test_grace_is_quoted_from_the_grace_rule_in_emails_and_the_history(app, runner, monkeypatch):
    monkeypatch.setattr(services, "GRACE_DAYS", 21)
    membership = MembershipFactory(expires_on=EXPIRES_ON)

    run_renewals(runner, EXPIRES_ON)
    run_renewals(runner, EXPIRES_ON + dt.timedelta(days=1))
    run_renewals(runner, EXPIRES_ON + dt.timedelta(days=22))

    bodies = [message.body_text for message in emails_to(membership.person.email)]
    assert any("You have 21 days' grace to renew before it lapses." in body for body in bodies)
    assert any("not renewed within 21 days of its end date" in body for body in bodies)
    assert [change.reason for change in history_of(membership)][-2:] == [
        "Membership period ended; 21 days' grace to renew",
        "Not renewed within 21 days of the end date",
    ]


def test_a_seat_invitation_says_how_long_its_link_works_from_the_invitation_rule(app, monkeypatch):
    monkeypatch.setattr(organisations, "INVITATION_VALID_DAYS", 14)
    membership = MembershipFactory(tier=organisation_tier())
    organisation = db.session.get(Organisation, membership.organisation_id)

    organisations.invite(membership.person, organisation, "ada@example.org")

    assert "The link works for 14 days." in emails_to("ada@example.org")[-1].body_text
