"""Logging CPD against the code of practice."""

import datetime as dt

import pytest
import sqlalchemy as sa

from nalw.code_of_practice.services import current_version
from nalw.core.regions import Region
from nalw.cpd.models import CpdEntry, EntryStatus
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import EmployerType, MembershipStatus, Tier
from tests.helpers import page_text, sign_in


def active_member(make_person):
    person = make_person()
    tier = db.session.scalar(sa.select(Tier).where(Tier.name == "Link Worker"))
    membership = member_services.apply(
        person,
        tier,
        answers={
            "job_title": "Link Worker",
            "employer_name": "Riverside PCN",
            "employer_type": EmployerType.GP_PRACTICE_OR_PCN,
            "region": Region.LONDON,
            "years_in_role": 2,
            "register_consent": False,
            "news_consent": False,
        },
        code_version_id=current_version().id,
        accepted_code=True,
    )
    member_services.change_status(membership, MembershipStatus.PAID, reason="test")
    member_services.approve(None, membership)
    return person


def entry_form(**overrides):
    standards = current_version().standards
    data = {
        "done_on": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
        "title": "Safeguarding adults level 2",
        "activity_type": "course",
        "hours": "2.5",
        "provider": "Local authority",
        "standards": [str(standards[4].id), str(standards[5].id)],
        "what_i_did": "A day course.",
        "what_i_learned": "Spotting financial abuse.",
        "practice_change": "I ask about money worries.",
        "impact": "People get help sooner.",
    }
    data.update(overrides)
    return data


def test_member_logs_a_complete_entry_and_sees_it_count(client, make_person):
    person = active_member(make_person)
    sign_in(client, person)

    response = client.post("/cpd/entries/new", data=entry_form(), follow_redirects=True)

    assert "Entry saved." in page_text(response)
    entry = db.session.scalar(sa.select(CpdEntry).where(CpdEntry.person_id == person.id))
    assert entry.status is EntryStatus.COMPLETE and entry.quarter_hours == 10
    assert [s.code for s in entry.standards] == ["S5", "S6"]
    assert "2.5 of 20 hours" in page_text(client.get("/cpd"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours": "1.3"}, "Hours must be in quarter hours"),
        ({"hours": "0"}, "Hours must be more than 0 and at most 24 in a day"),
        ({"hours": "25"}, "Hours must be more than 0 and at most 24 in a day"),
        ({"done_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "The date cannot be in the future"),
        ({"standards": []}, "Choose at least one standard"),
        ({"impact": ""}, "answer every reflection question"),
    ],
)
def test_bad_entries_are_refused_with_a_message_and_nothing_saved(client, make_person, overrides, message):
    person = active_member(make_person)
    sign_in(client, person)

    response = client.post("/cpd/entries/new", data=entry_form(**overrides))

    assert message in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(CpdEntry.id)).where(CpdEntry.person_id == person.id)) == 0


def test_someone_elses_entry_is_not_found(client, make_person):
    owner = active_member(make_person)
    sign_in(client, owner)
    client.post("/cpd/entries/new", data=entry_form())
    entry = db.session.scalar(sa.select(CpdEntry).where(CpdEntry.person_id == owner.id))

    sign_in(client, active_member(make_person))

    assert client.get(f"/cpd/entries/{entry.id}").status_code == 404
    assert client.post(f"/cpd/entries/{entry.id}/delete").status_code == 404
