"""The CPD year totals the compliance list reads: always exactly the sum of each person's complete entries in
each CPD year, whatever path changed the entries."""

import datetime as dt
import random
from collections import Counter

import pytest
import sqlalchemy as sa

from nalw.core.cpd_years import current_year, year_containing
from nalw.core.personal_data import erase_personal_data
from nalw.core.time import london_today
from nalw.cpd import services
from nalw.cpd.models import CpdEntry, CpdYearTotal, EntryStatus
from nalw.extensions import db
from tests.factories import REFLECTION, CpdEntryFactory, MembershipFactory


def kept_totals():
    """{(person id, year start): quarter hours} as the table holds them, leaving out totals of nothing."""
    rows = db.session.execute(
        sa.select(CpdYearTotal.person_id, CpdYearTotal.year_starts_on, CpdYearTotal.quarter_hours)
    )
    return {(person_id, starts_on): quarters for person_id, starts_on, quarters in rows if quarters}


def summed_from_entries():
    """The same, summed here from the entries themselves."""
    sums = Counter()
    for entry in db.session.scalars(sa.select(CpdEntry).where(CpdEntry.status == EntryStatus.COMPLETE)):
        sums[(entry.person_id, year_containing(entry.done_on).starts_on)] += entry.quarter_hours
    return dict(sums)


def save(person, entry, *, done_on, quarter_hours, complete):
    services.save_entry(
        person,
        entry,
        done_on=done_on,
        title="Learning",
        activity_type=entry.activity_type if entry else "course",
        quarter_hours=quarter_hours,
        provider="",
        standard_ids=[services.accepted_version(person).standards[0].id],
        reflection=REFLECTION if complete else {},
        complete=complete,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_creates_edits_and_deletes_across_two_years_keep_totals_equal_to_the_entries(app, seed):
    rng = random.Random(seed)
    people = [MembershipFactory(long_standing=True).person for _ in range(3)]
    this_year = current_year()
    days = [
        this_year.previous().starts_on + dt.timedelta(days=offset)
        for offset in range((london_today() - this_year.previous().starts_on).days + 1)
    ]
    steps = Counter()
    for _ in range(60):
        person = rng.choice(people)
        entries = db.session.scalars(sa.select(CpdEntry).where(CpdEntry.person_id == person.id)).all()
        action = rng.choice(["create", "create", "edit", "edit", "delete"]) if entries else "create"
        try:
            if action == "delete":
                services.delete_entry(person, rng.choice(entries))
            else:
                save(
                    person,
                    rng.choice(entries) if action == "edit" else None,
                    done_on=rng.choice(days[:5] + days[-5:] + rng.sample(days, 3)),
                    quarter_hours=rng.randint(1, 16),
                    complete=rng.random() < 0.7,
                )
        except services.CpdError:
            continue  # a day over 24 hours: refused, nothing changed
        steps[action] += 1
        db.session.commit()
        assert kept_totals() == summed_from_entries()
    assert steps["create"] and steps["edit"] and steps["delete"]
    assert {starts_on for _, starts_on in kept_totals()} == {this_year.starts_on, this_year.previous().starts_on}


def test_an_edit_moving_an_entry_to_another_year_or_back_to_draft_moves_its_hours(app):
    person = MembershipFactory(long_standing=True).person
    entry = CpdEntryFactory(person=person, hours=3)
    this_year, last_year = current_year().starts_on, current_year().previous().starts_on
    db.session.commit()
    assert kept_totals() == {(person.id, this_year): 12}

    save(person, entry, done_on=last_year, quarter_hours=10, complete=True)
    assert kept_totals() == {(person.id, last_year): 10}

    save(person, entry, done_on=last_year, quarter_hours=10, complete=False)
    assert kept_totals() == {}


def test_event_credit_and_its_withdrawal_leave_totals_exact(app):
    person = MembershipFactory(long_standing=True).person
    CpdEntryFactory(person=person, hours=2)
    entry = services.credit_event_attendance(
        person,
        source_key="event:1",
        done_on=london_today(),
        title="Event",
        quarter_hours=8,
        standard_ids=[],
        provider="",
    )
    assert entry.status is EntryStatus.DRAFT
    assert kept_totals() == summed_from_entries() == {(person.id, current_year().starts_on): 8}

    assert services.withdraw_event_credit(person, "event:1")
    assert kept_totals() == summed_from_entries()


def test_erasure_removes_a_persons_totals(app):
    kept = MembershipFactory(long_standing=True).person
    erased = MembershipFactory(long_standing=True).person
    CpdEntryFactory(person=kept, hours=1)
    CpdEntryFactory(person=erased, hours=2)
    CpdEntryFactory(person=erased, hours=1, done_on=current_year().previous().starts_on)

    erase_personal_data(erased)

    assert db.session.scalars(sa.select(CpdYearTotal.person_id)).all() == [kept.id]
