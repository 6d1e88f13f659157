"""Organisation membership: paid by invoice, its admin invites link workers to the tier's seats."""

import concurrent.futures
import datetime as dt
import re
import threading

import pytest
import sqlalchemy as sa
import time_machine

from nalw.accounts.models import Person
from nalw.accounts.security import make_link_token
from nalw.core.permissions import Role
from nalw.extensions import db
from nalw.members import organisations, services
from nalw.members.models import Membership, MembershipStatus, SeatInvitation, SeatStatus
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    application_answers,
    organisation_tier,
    publish_new_code_version,
    renew_by_invoice,
    service_answers,
)
from tests.factories.members import organisation_of
from tests.helpers import emails_to, link_in, page_text, sign_in
from tests.members.steps import (
    audit_entries,
    hidden_value,
    history_of,
    membership_tables,
    run_renewals,
    submit_application,
)

S = MembershipStatus


def organisation_membership(seats=None, expires_on=None) -> Membership:
    """An approved organisation membership for Riverside PCN, its admin the applicant."""
    tier = organisation_tier()
    if seats is not None:
        tier.seats = seats
    membership = MembershipFactory(
        person=PersonFactory(name="Olu Admin"), tier=tier, expires_on=expires_on, employer_name="Riverside PCN"
    )
    return membership


def invite(membership, email):
    return organisations.invite(membership.person, organisation_of(membership), email)


def invitation_link(email):
    return link_in(emails_to(email)[-1], "/organisation/join/")


def accept_through_the_page(client, person, link, **answers):
    sign_in(client, person)
    return client.post(link, data=application_answers(**answers))


def seat_of(person) -> Membership | None:
    return services.current_membership(person)


# --- Joining as an organisation ----------------------------------------------------------------------


def test_an_organisation_paid_by_invoice_and_approved_makes_the_applicant_its_admin(client, make_person, person_as):
    applicant = make_person(name="Olu Admin")
    sign_in(client, applicant)

    response = submit_application(client, organisation_tier(), employer_name="Riverside PCN", register_consent=None)

    membership = services.current_membership(applicant, for_organisation=True)
    assert response.location.endswith(f"/membership/{membership.id}/pay")
    assert membership.status is S.APPLIED and membership.for_organisation
    organisation = organisation_of(membership)
    assert (organisation.name, organisation.admin_person_id) == ("Riverside PCN", applicant.id)
    assert "Pay the organisation fee" in page_text(client.get("/membership"))

    staff = person_as("staff")
    sign_in(client, staff)
    response = client.post(
        f"/admin/memberships/{membership.id}/offline-payment",
        data={"amount": "400.00", "method": "invoice", "reference": "INV-1001"},
        follow_redirects=True,
    )
    assert "Recorded £400.00 received." in page_text(response)
    assert membership.status is S.PAID

    response = client.post(f"/admin/memberships/{membership.id}/approve", follow_redirects=True)

    assert membership.status is S.ACTIVE
    assert membership.number.startswith("NALW-")
    assert applicant.has_role(Role.ORGANISATION_ADMIN)
    # The organisation's membership is the employer's, not a personal one: no member role from it.
    assert not applicant.has_role(Role.MEMBER)
    sign_in(client, applicant)
    assert "Manage your organisation's seats" in page_text(client.get("/membership"))
    page = page_text(client.get("/organisation"))
    assert "Riverside PCN" in page
    assert "Seats used: 0 of 10" in page


# --- Invitations ----------------------------------------------------------------------------------------


def test_the_admin_invites_up_to_the_tiers_seats_and_then_is_refused(client):
    membership = organisation_membership(seats=2)
    sign_in(client, membership.person)

    for address in ("ada@example.org", "Ben@Example.org"):
        response = client.post("/organisation", data={"email": address}, follow_redirects=True)
        assert f"Invitation sent to {address.lower()}." in page_text(response)
    assert "Seats used: 2 of 2" in page_text(response)
    assert emails_to("ben@example.org")[-1].subject == "Riverside PCN has invited you to join NALW"
    before = membership_tables()

    response = client.post("/organisation", data={"email": "cai@example.org"})

    assert "All 2 seats are taken or invited. Remove a seat or cancel an invitation first." in page_text(response)
    assert membership_tables() == before
    assert emails_to("cai@example.org") == []


def test_each_seat_button_names_the_invitation_it_acts_on(client):
    membership = organisation_membership(seats=2)
    sign_in(client, membership.person)
    for address in ("ada@example.org", "ben@example.org"):
        client.post("/organisation", data={"email": address})

    html = client.get("/organisation").get_data(as_text=True)
    buttons = [re.sub(r"<[^>]+>", "", button) for button in re.findall(r"<button[^>]*>(.*?)</button>", html)]

    assert "Cancel invitation: ada@example.org" in buttons and "Cancel invitation: ben@example.org" in buttons


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("ada@example.org", "ada@example.org already has a seat or an invitation."),
        ("not an address", "Enter an email address in the right format, like name@example.org"),
        ("", "Enter the email address to send the invitation to"),
    ],
)
def test_a_bad_or_repeated_invitation_is_refused_on_the_field(client, address, message):
    membership = organisation_membership()
    invite(membership, "ada@example.org")
    sign_in(client, membership.person)
    before = membership_tables()

    response = client.post("/organisation", data={"email": address})

    assert message in page_text(response)
    assert membership_tables() == before


def test_accepting_an_invitation_makes_a_member_with_their_own_number_and_the_organisations_end_date(client):
    membership = organisation_membership(expires_on=dt.date(2027, 3, 31))
    invite(membership, "ada@example.org")
    ada = PersonFactory(email="ada@example.org", name="Ada Link")
    sign_in(client, ada)
    link = invitation_link("ada@example.org")

    page = page_text(client.get(link))
    assert "Join NALW with Riverside PCN" in page
    response = client.post(link, data=application_answers(employer_name="Riverside PCN", region="london"))

    assert response.location == "/membership"
    seat = seat_of(ada)
    assert seat.status is S.ACTIVE
    assert seat.is_seat and seat.organisation_id == membership.organisation_id
    assert seat.number.startswith("NALW-") and seat.number != membership.number
    assert seat.expires_on == dt.date(2027, 3, 31)
    assert seat.quoted_fee_pence == 0
    assert ada.has_role(Role.MEMBER)
    invitation = db.session.scalar(sa.select(SeatInvitation).where(SeatInvitation.email == "ada@example.org"))
    assert (invitation.status, invitation.membership_id) == (SeatStatus.ACCEPTED, seat.id)
    [change] = history_of(seat)
    assert (change.from_status, change.to_status, change.reason) == (None, S.ACTIVE, "Took a seat of Riverside PCN")
    sign_in(client, membership.person)
    assert f"ada@example.org Accepted {seat.number}" in page_text(client.get("/organisation"))


@time_machine.travel(dt.datetime(2026, 8, 31, 23, 30, tzinfo=dt.UTC), tick=False)
def test_a_seat_taken_just_after_midnight_uk_time_starts_on_that_uk_day(client):
    membership = organisation_membership()
    invite(membership, "ada@example.org")
    ada = PersonFactory(email="ada@example.org")

    # 23:30 UTC on 31 August is 00:30 on 1 September in the UK.
    accept_through_the_page(client, ada, invitation_link("ada@example.org"))

    assert seat_of(ada).started_on == dt.date(2026, 9, 1)


def test_an_invitation_used_twice_is_refused_and_changes_nothing(client):
    membership = organisation_membership()
    invite(membership, "ada@example.org")
    ada = PersonFactory(email="ada@example.org")
    link = invitation_link("ada@example.org")
    accept_through_the_page(client, ada, link)
    before = membership_tables()

    response = client.post(link, data=application_answers())

    assert response.status_code == 400
    assert "This invitation has already been used or was cancelled. Ask your organisation for a new one." in (
        page_text(response)
    )
    assert membership_tables() == before


def test_an_invitation_for_another_address_is_refused_and_changes_nothing(client):
    membership = organisation_membership()
    invite(membership, "ada@example.org")
    someone_else = PersonFactory(email="eve@example.org")
    before = membership_tables()

    response = accept_through_the_page(client, someone_else, invitation_link("ada@example.org"))

    assert response.status_code == 200
    assert "This invitation is for ada@example.org. Sign in with that address to accept it." in page_text(response)
    assert membership_tables() == before
    assert seat_of(someone_else) is None


def test_an_invitation_after_the_seats_are_full_is_refused_and_changes_nothing(client, person_as):
    membership = organisation_membership(seats=2)
    invite(membership, "ada@example.org")
    invite(membership, "ben@example.org")
    accept_through_the_page(client, PersonFactory(email="ada@example.org"), invitation_link("ada@example.org"))
    # An admin then gives the Organisation tier fewer seats.
    services.save_tier(
        person_as("admin"),
        organisation_tier(),
        name="Organisation",
        description="",
        annual_fee_pence=40000,
        eligibility=organisation_tier().eligibility,
        cpd_hours_required=20,
        seats=1,
        open_for_applications=True,
    )
    ben = PersonFactory(email="ben@example.org")
    before = membership_tables()

    response = accept_through_the_page(client, ben, invitation_link("ben@example.org"))

    assert "All of the organisation's seats are taken. Ask its admin to free one." in page_text(response)
    assert membership_tables() == before
    assert seat_of(ben) is None


def test_the_code_accepted_with_a_seat_must_be_the_current_one(client, person_as):
    membership = organisation_membership()
    invite(membership, "ada@example.org")
    ada = PersonFactory(email="ada@example.org")
    link = invitation_link("ada@example.org")
    sign_in(client, ada)
    old_version = hidden_value(client.get(link), "code_version_id")
    new_version = publish_new_code_version(person_as("admin"))

    refused = client.post(link, data=application_answers(code_version_id=old_version))
    assert (
        "The code of practice was updated while you were accepting the invitation. Read the new version and accept it."
        in page_text(refused)
    )
    assert seat_of(ada) is None
    # The page now offers the new version; accepting it takes the seat.
    offered = hidden_value(refused, "code_version_id")
    assert offered == str(new_version.id)

    client.post(link, data=application_answers(code_version_id=offered))
    assert seat_of(ada).code_version_id == new_version.id


# --- Freeing seats ------------------------------------------------------------------------------------


def ada_in_the_only_seat(client):
    """Ada holds the organisation's one seat, taken through her invitation; its admin is signed in."""
    membership = organisation_membership(seats=1)
    invite(membership, "ada@example.org")
    ada = PersonFactory(email="ada@example.org")
    accept_through_the_page(client, ada, invitation_link("ada@example.org"))
    sign_in(client, membership.person)
    invitation = db.session.scalar(sa.select(SeatInvitation).where(SeatInvitation.email == "ada@example.org"))
    return membership, ada, seat_of(ada), invitation


def test_removing_a_seat_ends_that_membership_and_frees_the_seat(client):
    membership, ada, seat, invitation = ada_in_the_only_seat(client)
    refused = client.post("/organisation", data={"email": "ben@example.org"})
    assert "All 1 seats are taken or invited." in page_text(refused)

    response = client.post(f"/organisation/seats/{invitation.id}/remove", follow_redirects=True)

    assert "The seat of ada@example.org is free again." in page_text(response)
    assert invitation.status is SeatStatus.REMOVED
    assert seat.status is S.RESIGNED
    assert history_of(seat)[-1].reason == "Seat removed by Riverside PCN"
    assert not ada.has_role(Role.MEMBER)
    assert audit_entries("organisation.seat_removed")[-1].actor_id == membership.person_id
    told = emails_to("ada@example.org")[-1]
    assert told.subject == "Riverside PCN has removed you from its NALW seat"
    assert f"your membership {seat.number} ended today" in told.text_to_send
    response = client.post("/organisation", data={"email": "ben@example.org"}, follow_redirects=True)
    assert "Invitation sent to ben@example.org." in page_text(response)


def test_removing_a_seat_holder_is_confirmed_on_a_page_of_its_own_before_their_membership_ends(client):
    _membership, _ada, seat, invitation = ada_in_the_only_seat(client)

    organisation_page = client.get("/organisation").get_data(as_text=True)
    confirmation = page_text(client.get(f"/organisation/seats/{invitation.id}/remove"))

    assert f'href="/organisation/seats/{invitation.id}/remove"' in organisation_page
    assert "Removing them ends that membership today" in confirmation and seat.number in confirmation
    assert "We email them to say so, naming Riverside PCN." in confirmation
    assert invitation.status is SeatStatus.ACCEPTED and seat.status is S.ACTIVE
    client.post(f"/organisation/seats/{invitation.id}/remove")
    assert invitation.status is SeatStatus.REMOVED and seat.status is S.RESIGNED


def test_a_cancelled_invitation_frees_the_seat_and_its_link_no_longer_works(client):
    membership = organisation_membership(seats=1)
    invitation = invite(membership, "ada@example.org")
    link = invitation_link("ada@example.org")
    sign_in(client, membership.person)

    confirmation = client.get(f"/organisation/seats/{invitation.id}/remove").get_data(as_text=True)
    client.post(f"/organisation/seats/{invitation.id}/remove")

    assert 'value="Cancel the invitation"' in confirmation and "Remove them from the seat" not in confirmation
    assert invitation.status is SeatStatus.CANCELLED
    assert [email.subject for email in emails_to("ada@example.org")] == ["Riverside PCN has invited you to join NALW"]
    assert organisations.seats_taken(organisation_of(membership)) == 0
    response = accept_through_the_page(client, PersonFactory(email="ada@example.org"), link)
    assert response.status_code == 400
    assert "This invitation has already been used or was cancelled." in page_text(response)


def test_a_seat_holder_who_resigns_frees_the_seat(client):
    membership = organisation_membership(seats=1)
    invite(membership, "ada@example.org")
    ada = PersonFactory(email="ada@example.org")
    accept_through_the_page(client, ada, invitation_link("ada@example.org"))

    client.post("/membership/resign", data={"confirm": "y"})

    assert seat_of(ada) is None
    assert organisations.seats_taken(organisation_of(membership)) == 0
    sign_in(client, membership.person)
    response = client.post("/organisation", data={"email": "ben@example.org"}, follow_redirects=True)
    assert "Invitation sent to ben@example.org." in page_text(response)
    ben = PersonFactory(email="ben@example.org")
    accept_through_the_page(client, ben, invitation_link("ben@example.org"))
    assert seat_of(ben).status is S.ACTIVE


def test_only_the_organisations_admin_manages_its_seats(client, person_as):
    membership = organisation_membership()
    invitation = invite(membership, "ada@example.org")
    other_admin = organisation_membership().person
    sign_in(client, other_admin)
    before = membership_tables()

    response = client.post(f"/organisation/seats/{invitation.id}/remove")

    assert response.status_code == 404
    assert membership_tables() == before
    sign_in(client, person_as("member"))
    assert client.get("/organisation").status_code == 403


# --- Seats follow their organisation ----------------------------------------------------------------


def test_seat_memberships_follow_their_organisations_renewal_grace_and_lapse(client, runner):
    membership = organisation_membership(expires_on=dt.date(2026, 6, 30))
    invite(membership, "ada@example.org")
    ada = PersonFactory(email="ada@example.org")
    accept_through_the_page(client, ada, invitation_link("ada@example.org"))
    seat = seat_of(ada)

    # Seat holders are not asked to renew: the organisation renews for them.
    run_renewals(runner, dt.date(2026, 5, 31))
    assert [m.subject for m in emails_to("ada@example.org") if "ends" in m.subject] == []
    assert len([m for m in emails_to(membership.person.email) if "ends" in m.subject]) == 1
    assert "There is no membership to renew" in page_text(client.get("/membership/renew", follow_redirects=True))

    renew_by_invoice(membership)
    assert (membership.expires_on, seat.expires_on) == (dt.date(2027, 6, 30), dt.date(2027, 6, 30))

    run_renewals(runner, dt.date(2027, 7, 1))
    assert (membership.status, seat.status) == (S.GRACE, S.GRACE)
    assert ada.has_role(Role.MEMBER)

    run_renewals(runner, dt.date(2027, 8, 1))
    assert (membership.status, seat.status) == (S.LAPSED, S.LAPSED)
    assert not ada.has_role(Role.MEMBER)
    assert [m.subject for m in emails_to("ada@example.org")].count("Your NALW membership has lapsed") == 0

    renew_by_invoice(membership)
    assert (membership.status, seat.status) == (S.ACTIVE, S.ACTIVE)
    assert seat.expires_on == membership.expires_on
    assert ada.has_role(Role.MEMBER)
    assert history_of(seat)[-1].reason == "The organisation's membership was renewed"


# --- At the same time --------------------------------------------------------------------------------


@pytest.mark.postgres_only
def test_simultaneous_acceptances_never_exceed_the_seats(committing_app):
    membership = organisation_membership(seats=10)
    organisation = organisation_of(membership)
    people = [PersonFactory(email=f"worker{number}@example.org") for number in range(10)]
    tokens = []
    for person in people:
        invitation = invite(membership, person.email)
        tokens.append(make_link_token("seat-invitation", {"invitation": invitation.id}))
    organisation_tier().seats = 3
    db.session.commit()
    code_version_id = membership.code_version_id
    people_ids = [person.id for person in people]
    all_ready = threading.Barrier(len(people_ids))

    def accept(person_id, token):
        with committing_app.app_context():
            person = db.session.get(Person, person_id)
            all_ready.wait(timeout=10)
            try:
                organisations.accept(
                    person, token, answers=service_answers(), code_version_id=code_version_id, accepted_code=True
                )
                db.session.commit()
                return "accepted"
            except services.MembershipError as error:
                db.session.rollback()
                return error.message

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(people_ids)) as pool:
        outcomes = list(pool.map(accept, people_ids, tokens, timeout=60))

    assert outcomes.count("accepted") == 3
    assert set(outcomes) - {"accepted"} == {"All of the organisation's seats are taken. Ask its admin to free one."}
    db.session.expire_all()
    seats = db.session.scalars(
        sa.select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.for_organisation.is_(False)
        )
    ).all()
    assert len(seats) == 3
    assert len({seat.number for seat in seats}) == 3
    accepted = db.session.scalar(
        sa.select(sa.func.count(SeatInvitation.id)).where(SeatInvitation.status == SeatStatus.ACCEPTED)
    )
    assert accepted == 3
