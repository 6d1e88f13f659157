"""Applying: every answer is checked, with a message on the field; a refused application saves nothing."""

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from nalw.code_of_practice.services import current_version
from nalw.core.regions import Region
from nalw.extensions import db
from nalw.members.models import EmployerType, Membership, MembershipStatus
from tests.factories import MembershipFactory, link_worker_tier, publish_new_code_version, tier_named
from tests.helpers import input_tag, page_text, sign_in
from tests.members.steps import errors_on_field, history_of, membership_tables, submit_application

YEARS_RANGE = "Years in the role must be a whole number from 0 to 60"

# (what the person entered, the field it is shown on, the message that says how to put it right)
REFUSED_ANSWERS = [
    ({"job_title": ""}, "job_title", "Enter your job title"),
    ({"job_title": "   "}, "job_title", "Enter your job title"),
    ({"employer_name": ""}, "employer_name", "Enter your employer's name"),
    ({"employer_type": None}, "employer_type", "Choose the type of employer"),
    ({"employer_type": "pharmacy"}, "employer_type", "Choose the type of employer"),
    ({"region": ""}, "region", "Choose the UK region you work in"),
    ({"region": "atlantis"}, "region", "Choose the UK region you work in"),
    (
        {"years_in_role": ""},
        "years_in_role",
        "Enter how many years you have worked in the role, or 0 if less than a year",
    ),
    ({"years_in_role": "61"}, "years_in_role", YEARS_RANGE),
    ({"years_in_role": "-1"}, "years_in_role", YEARS_RANGE),
    ({"years_in_role": "three"}, "years_in_role", YEARS_RANGE),
    ({"years_in_role": "2.5"}, "years_in_role", YEARS_RANGE),
    ({"accept_code": None}, "accept_code", "Accept the code of practice to apply for membership"),
]


@pytest.mark.parametrize(("entered", "field_id", "message"), REFUSED_ANSWERS, ids=lambda value: str(value))
def test_each_wrong_answer_gets_its_own_message_on_the_field_and_nothing_is_saved(
    client, make_person, entered, field_id, message
):
    sign_in(client, make_person())
    before = membership_tables()

    response = submit_application(client, link_worker_tier(), **entered)

    assert response.status_code == 200
    assert errors_on_field(response, field_id) == [message]
    assert "There is a problem" in page_text(response)
    assert membership_tables() == before


def test_every_region_of_the_twelve_is_offered_and_accepted(client, make_person):
    person = make_person()
    sign_in(client, person)

    offered = page_text(client.get(f"/membership/join/{link_worker_tier().id}"))

    for region in Region:
        assert region.label in offered
    assert len(Region) == 12
    response = submit_application(client, link_worker_tier(), region="northern_ireland", years_in_role="0")
    assert response.status_code == 302
    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))
    assert membership.region is Region.NORTHERN_IRELAND
    assert membership.years_in_role == 0


@pytest.mark.parametrize("how", ["closed", "unknown"])
def test_a_tampered_tier_is_not_found(client, make_person, how):
    sign_in(client, make_person())
    if how == "closed":
        tier = tier_named("Associate")
        tier.open_for_applications = False
        db.session.flush()
        tier_id = tier.id
    else:
        tier_id = 987654
    before = membership_tables()

    assert client.get(f"/membership/join/{tier_id}").status_code == 404
    response = client.post(f"/membership/join/{tier_id}", data={"job_title": "Link Worker"})

    assert response.status_code == 404
    assert membership_tables() == before


def test_code_published_while_filling_in_the_form_is_refused_and_the_new_one_shown(client, make_person, person_as):
    person = make_person()
    sign_in(client, person)
    shown_version = current_version()
    client.get(f"/membership/join/{link_worker_tier().id}")
    new_version = publish_new_code_version(person_as("admin"))
    before = membership_tables()

    response = submit_application(client, link_worker_tier(), code_version_id=str(shown_version.id))

    assert errors_on_field(response, "accept_code") == [
        "The code of practice was updated while you were applying. Read the new version and accept it."
    ]
    assert membership_tables() == before
    assert "S10. Working with digital tools" in page_text(response)
    assert f'value="{new_version.id}"' in input_tag(response, "code_version_id")
    # The tick was for the old version: the person ticks the box again for the new one.
    assert "checked" not in input_tag(response, "accept_code")

    response = submit_application(client, link_worker_tier(), code_version_id=str(new_version.id))

    assert response.status_code == 302
    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))
    assert membership.code_version_id == new_version.id


def test_unverified_email_address_cannot_apply(client, make_person):
    sign_in(client, make_person(unverified=True))
    before = membership_tables()

    response = submit_application(client, link_worker_tier())

    assert response.status_code == 200
    assert "Confirm your email address before applying: follow the link we emailed you." in page_text(response)
    assert membership_tables() == before


@pytest.mark.parametrize("status", [MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.LAPSED])
def test_a_second_application_while_one_is_current_is_refused(client, make_person, status):
    person = make_person()
    membership = MembershipFactory(applied=True, person=person)
    membership.status = status
    db.session.flush()
    sign_in(client, person)
    before = membership_tables()

    response = submit_application(client, tier_named("Associate"))

    assert response.status_code == 200
    assert "You already have a membership or an application in progress. See your membership page." in page_text(
        response
    )
    assert membership_tables() == before


def test_a_person_whose_application_was_rejected_may_apply_again(client, make_person):
    person = make_person()
    membership = MembershipFactory(applied=True, person=person)
    membership.status = MembershipStatus.REJECTED
    db.session.flush()
    sign_in(client, person)

    response = submit_application(client, link_worker_tier())

    assert response.status_code == 302
    statuses = db.session.scalars(sa.select(Membership.status).where(Membership.person_id == person.id)).all()
    assert sorted(status.value for status in statuses) == ["applied", "rejected"]


@time_machine.travel(dt.datetime(2026, 4, 14, 9, 30, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    ("choices", "register", "news"),
    [({"register_consent": "y"}, True, False), ({"register_consent": None, "news_consent": "y"}, False, True)],
)
def test_the_application_records_the_code_version_and_time_and_each_consent(
    client, make_person, choices, register, news
):
    person = make_person()
    sign_in(client, person)

    response = submit_application(
        client,
        link_worker_tier(),
        job_title="Care Coordinator",
        employer_name="Hillside Community Trust",
        employer_type="vcse",
        region="wales",
        years_in_role="7",
        **choices,
    )

    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))
    assert response.location.endswith(f"/membership/{membership.id}/pay")
    assert membership.status is MembershipStatus.APPLIED
    assert membership.quoted_fee_pence == 4500
    assert (membership.job_title, membership.employer_name) == ("Care Coordinator", "Hillside Community Trust")
    assert membership.employer_type is EmployerType.VCSE
    assert membership.region is Region.WALES
    assert membership.years_in_role == 7
    assert membership.code_version_id == current_version().id
    assert membership.code_accepted_at == dt.datetime(2026, 4, 14, 9, 30, tzinfo=dt.UTC)
    assert (membership.register_consent, membership.news_consent) == (register, news)
    assert membership.consents_changed_at == membership.code_accepted_at
    [change] = history_of(membership)
    assert (change.from_status, change.to_status, change.actor_id) == (None, MembershipStatus.APPLIED, person.id)
    assert change.reason == "Applied for Link Worker"


def test_every_wrong_answer_is_reported_at_its_field_in_one_response(client, make_person):
    sign_in(client, make_person())
    before = membership_tables()

    response = submit_application(
        client, link_worker_tier(), job_title="", region="", years_in_role="three", accept_code=None
    )

    assert response.status_code == 200
    assert errors_on_field(response, "job_title") == ["Enter your job title"]
    assert errors_on_field(response, "region") == ["Choose the UK region you work in"]
    assert errors_on_field(response, "years_in_role") == [YEARS_RANGE]
    assert errors_on_field(response, "accept_code") == ["Accept the code of practice to apply for membership"]
    assert membership_tables() == before
