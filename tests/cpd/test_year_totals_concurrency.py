"""One member saving entries from several requests at once, with real transactions in threads on PostgreSQL:
the CPD year total still ends exactly the sum of the complete entries.

Each thread saves as a request would: its own session, its own transaction, one commit. A barrier holds every
thread at the statement that starts the recount, after each has written its entry, so the recounts overlap.
"""

import datetime as dt

import pytest
import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.core.cpd_years import current_year
from nalw.cpd import services
from nalw.cpd.models import CpdYearTotal
from nalw.extensions import db
from tests.factories import REFLECTION, MembershipFactory
from tests.helpers import all_threads_meet_at, in_threads

pytestmark = pytest.mark.postgres_only

REQUESTS = 4


def save_as_a_request_would(person_id):
    def save(day):
        person = db.session.get(Person, person_id)
        services.save_entry(
            person,
            None,
            done_on=day,
            title="Learning",
            activity_type="course",
            quarter_hours=4,
            provider="",
            standard_ids=[services.accepted_version(person).standards[0].id],
            reflection=REFLECTION,
            complete=True,
        )
        db.session.commit()

    return save


def test_entries_saved_at_once_leave_the_year_total_equal_to_their_sum(committing_app):
    person_id = MembershipFactory(long_standing=True).person.id
    db.session.commit()
    year = current_year()
    days = [year.starts_on + dt.timedelta(days=number) for number in range(REQUESTS)]

    with all_threads_meet_at("INSERT INTO cpd_year_totals", REQUESTS):
        in_threads(committing_app, save_as_a_request_would(person_id), days)

    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(CpdYearTotal.quarter_hours).where(
                CpdYearTotal.person_id == person_id, CpdYearTotal.year_starts_on == year.starts_on
            )
        )
        == 4 * REQUESTS
    )
