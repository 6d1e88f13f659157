"""`flask demo seed` leaves memberships ending within the dashboard's next 30 days, one of each way to renew."""

import datetime as dt

from nalw import demo
from nalw.core.time import london_today
from nalw.extensions import db
from nalw.members.renewals import AutomaticRenewal, renewals_due, renewals_due_between


def seed():
    demo.seed_demo_memberships(demo.seed_demo_people())
    db.session.flush()


def test_demo_seed_leaves_renewals_due_in_the_next_30_days_one_automatic_once(app):
    seed()
    seed()

    today = london_today()
    last_day = today + dt.timedelta(days=30)
    rows = db.session.execute(renewals_due(ends_from=today, ends_to=last_day)).all()
    assert [(row.Membership.person.name, AutomaticRenewal(row.automatic_renewal)) for row in rows] == [
        ("Amara Okafor", AutomaticRenewal.WILL_CHARGE),
        ("Bethan Griffiths", AutomaticRenewal.NO_CARD),
        ("Callum MacLeod", AutomaticRenewal.OFF),
    ]
    assert renewals_due_between(today, last_day) == (3, 1, 2)
    assert all(row.Membership.started_on < today for row in rows)
