"""The compliance list's total is counted once and kept between requests, for exactly as long as nothing it
counts has changed: any committed change to memberships, CPD totals or requirements is counted at once, a
transaction counts its own uncommitted changes, and a change rolled back leaves no trace.

These run with real commits on PostgreSQL, where the counter's triggers are (nalw/core/kept_counts.py).
"""

import os

import pytest
import sqlalchemy as sa

from nalw.core.cpd_years import current_year
from nalw.core.kept_counts import ChangeCounter
from nalw.core.regions import Region
from nalw.cpd import compliance
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import MembershipStatus
from tests.factories import CpdEntryFactory, MembershipFactory, tier_named
from tests.members.steps import change_cpd_hours

pytestmark = pytest.mark.postgres_only


def member_with_hours(hours, tier="Link Worker"):
    membership = MembershipFactory(long_standing=True, tier=tier_named(tier), region=Region.LONDON)
    if hours:
        CpdEntryFactory(person=membership.person, hours=hours)
    return membership


@pytest.fixture
def three_members(committing_app):
    """Two members below the Link Worker requirement (20 hours), one with 12 hours (enough for a student), and
    one who has met it; committed."""
    built = {"below": member_with_hours(12), "also below": member_with_hours(0), "met": member_with_hours(20)}
    db.session.commit()
    return built


def total():
    return compliance.compliance_page(current_year(), 1).total


def counted_afresh():
    return len(compliance.compliance_rows(current_year()))


def counter():
    return db.session.scalar(sa.select(ChangeCounter.changes).where(ChangeCounter.name == "cpd_compliance"))


def add_behind_member_unseen_by_triggers():
    """A member behind, written with the database's triggers off (as a restore of a dump would): nothing tells
    the counter, so only a total that was really kept misses them."""
    db.session.execute(sa.text("SET session_replication_role = replica"))
    member_with_hours(1)
    db.session.flush()
    db.session.execute(sa.text("SET session_replication_role = DEFAULT"))
    db.session.commit()


def test_the_total_is_counted_once_then_kept_while_nothing_it_counts_changes(three_members):
    assert total() == 2

    add_behind_member_unseen_by_triggers()

    page = compliance.compliance_page(current_year(), 1)
    assert len(page.items) == 3  # the rows are read afresh every time
    assert page.total == 2  # the total was kept: the counter did not move
    assert counted_afresh() == 3


def lapse(members):
    member_services.change_status(members["below"], MembershipStatus.GRACE, reason="Expired")
    member_services.change_status(members["below"], MembershipStatus.LAPSED, reason="Not renewed")


def log_hours(members):
    CpdEntryFactory(person=members["also below"].person, hours=20)


def raise_requirement(_members):
    change_cpd_hours(tier_named("Link Worker"), 30, current_year_too=True)


def move_to_a_tier_needing_less(members):
    members["below"].tier = tier_named("Student or Trainee")


def join(_members):
    member_with_hours(3)


@pytest.mark.parametrize("change", [lapse, log_hours, raise_requirement, move_to_a_tier_needing_less, join])
def test_a_committed_change_to_anything_the_total_counts_is_counted_at_once(three_members, change):
    assert total() == 2
    before = counter()

    change(three_members)
    db.session.commit()

    assert counter() != before
    assert total() == counted_afresh() != 2


def test_a_transaction_counts_its_own_changes_and_a_rollback_leaves_the_kept_total_and_counter_as_they_were(
    three_members,
):
    assert total() == 2
    before = counter()

    log_hours(three_members)
    db.session.flush()
    assert total() == 1  # its own uncommitted entry counts for it
    db.session.rollback()

    assert counter() == before
    add_behind_member_unseen_by_triggers()
    assert total() == 2  # still the total kept before: the transaction that rolled back kept nothing


def test_each_filter_keeps_its_own_total(three_members):
    year = current_year()
    assert compliance.compliance_page(year, 1).total == 2
    assert compliance.compliance_page(year, 1, region=Region.LONDON).total == 2
    assert compliance.compliance_page(year, 1, region=Region.WALES).total == 0

    three_members["met"].region = Region.WALES
    db.session.commit()
    three_members["below"].region = Region.WALES
    db.session.commit()

    assert compliance.compliance_page(year, 1, region=Region.LONDON).total == 1
    assert compliance.compliance_page(year, 1, region=Region.WALES).total == 1
    assert compliance.compliance_page(year, 1).total == 2


def test_one_commit_moves_the_counter_once_however_many_rows_it_changes(three_members):
    before = counter()

    db.session.execute(sa.text("UPDATE memberships SET region = region"))
    db.session.execute(sa.text("UPDATE cpd_year_totals SET quarter_hours = quarter_hours"))
    db.session.commit()

    assert counter() == before + 1


def test_a_change_rolled_back_to_a_savepoint_leaves_the_counter_as_it_was(three_members):
    before = counter()

    with db.session.begin_nested():
        db.session.execute(sa.text("UPDATE memberships SET region = region"))
        db.session.rollback()
    db.session.commit()

    assert counter() == before


def test_truncating_a_table_the_total_counts_moves_the_counter(three_members):
    assert total() == 2
    before = counter()

    db.session.execute(sa.text("TRUNCATE cpd_year_totals"))
    db.session.commit()

    assert counter() != before
    assert total() == counted_afresh() == 3


def test_a_session_with_an_empty_search_path_moves_the_counter(three_members):
    """As a data-only restore writes: with no schema to look in, the triggers still find the counter."""
    assert total() == 2
    before = counter()
    schema = db.session.scalar(sa.text("SELECT current_schema()"))

    with db.engine.connect() as connection:
        connection.execute(sa.text("SET LOCAL search_path = ''"))
        connection.execute(sa.text(f'UPDATE "{schema}".cpd_year_totals SET quarter_hours = quarter_hours + 80'))
        connection.commit()

    assert counter() != before
    assert total() == counted_afresh() == 1  # the member with no hours has no total to add to


@pytest.fixture
def role_that_may_only_write_memberships(committing_app):
    role = f"nalw_memberships_writer_{os.getpid()}"
    db.session.execute(sa.text(f'CREATE ROLE "{role}" NOLOGIN'))
    schema = db.session.scalar(sa.text("SELECT current_schema()"))
    db.session.execute(sa.text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
    db.session.execute(sa.text(f'GRANT SELECT, UPDATE ON memberships TO "{role}"'))
    db.session.commit()
    yield role
    db.session.rollback()
    db.session.execute(sa.text(f'DROP OWNED BY "{role}"'))
    db.session.execute(sa.text(f'DROP ROLE "{role}"'))
    db.session.commit()


def test_a_role_with_no_rights_on_the_counter_moves_it_by_writing_what_the_total_counts(
    three_members, role_that_may_only_write_memberships
):
    before = counter()

    with db.engine.connect() as connection:
        connection.execute(sa.text(f'SET LOCAL ROLE "{role_that_may_only_write_memberships}"'))
        connection.execute(sa.text("UPDATE memberships SET region = region"))
        connection.commit()  # the counter moves here, still as that role

    assert counter() != before
