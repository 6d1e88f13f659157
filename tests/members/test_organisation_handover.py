"""Staff hand an organisation's membership to a colleague; its admin cannot erase their account while they run it."""

import re

import pytest

from nalw.accounts import services as account_services
from nalw.accounts.models import RoleGrant
from nalw.core.contact import contact_us_text
from nalw.core.permissions import Role
from nalw.members import figures, organisations, services
from nalw.members.models import MembershipStatus
from tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    PersonFactory,
    organisation_membership,
    organisation_tier,
    seat_in,
    staff_member,
)
from tests.factories.members import organisation_of
from tests.helpers import emails_to, input_tag, link_in, page_text, rows_of, sign_in
from tests.members.steps import MEMBERSHIP_TABLES, audit_entries, errors_on_field, history_of

S = MembershipStatus

FORM_HEADING = "Hand the organisation to a colleague"


@pytest.fixture
def staff(app):
    return staff_member(name="Sam Staff")


@pytest.fixture
def held(app):
    """Riverside PCN's own membership, run by Olu Organisation, renewing automatically, with one seat taken."""
    membership = organisation_membership(admin="Olu Organisation")
    membership.auto_renew = True
    seat_in(membership, PersonFactory(name="Ada Link", email="ada@example.org"))
    return membership


def hand_over(client, membership, email, reason="Olu has left the PCN"):
    return client.post(
        f"/admin/memberships/{membership.id}/hand-over",
        data={"hand_over-email": email, "hand_over-reason": reason},
        follow_redirects=True,
    )


def everything():
    """Every row a handover or an erasure could change: the membership tables, and who holds which role."""
    return rows_of(*MEMBERSHIP_TABLES, RoleGrant)


def erase(client, person):
    sign_in(client, person)
    return client.post("/account/erase", data={"confirm": "ERASE", "password": DEFAULT_PASSWORD})


# --- Handing over ---------------------------------------------------------------------------------------


def test_staff_hand_an_organisation_to_a_colleague_who_then_runs_it(client, staff, held):
    olu = held.person
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    organisation = organisation_of(held)
    number, expires_on = held.number, held.expires_on
    [seat] = [invitation.membership for invitation in organisations.invitations(organisation)]
    sign_in(client, staff)

    response = hand_over(client, held, " Nia@Example.org ")

    assert response.request.path == f"/admin/memberships/{held.id}"
    assert "Riverside PCN is now run by Nia Newton (nia@example.org)." in page_text(response)
    assert (organisation.admin_person_id, held.person_id) == (nia.id, nia.id)
    assert (held.status, held.number, held.expires_on, held.auto_renew) == (S.ACTIVE, number, expires_on, False)
    assert held.job_title == ""  # the application's job title was the previous admin's
    # The seats hang on the organisation's membership, not on who runs it.
    assert (seat.status, seat.organisation_id, organisations.seats_taken(organisation)) == (
        S.ACTIVE,
        organisation.id,
        1,
    )
    assert nia.has_role(Role.ORGANISATION_ADMIN) and not olu.has_role(Role.ORGANISATION_ADMIN)
    # An organisation's membership gives no member role, to either of them.
    assert not nia.has_role(Role.MEMBER) and not olu.has_role(Role.MEMBER)

    [entry] = audit_entries("organisation.handed_over")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (staff.id, "Organisation", str(organisation.id))
    assert entry.before == {"admin_email": olu.email, "automatic_renewal": True}
    assert entry.after == {
        "admin_email": "nia@example.org",
        "automatic_renewal": False,
        "reason": "Olu has left the PCN",
    }
    assert entry.summary == "Handed Riverside PCN to Nia Newton"
    change = history_of(held)[-1]
    assert (change.from_status, change.to_status, change.actor_id) == (S.ACTIVE, S.ACTIVE, staff.id)
    assert change.reason == "Handed to a new admin: Olu has left the PCN"
    assert "Active (no change) Handed to a new admin: Olu has left the PCN Sam Staff" in page_text(response)

    [to_nia] = emails_to("nia@example.org")
    assert to_nia.subject == "You now run Riverside PCN's NALW membership"
    assert "in place of Olu Organisation" in to_nia.body_text
    assert "Automatic renewal is off until you choose it" in to_nia.body_text
    assert link_in(to_nia, "/organisation") == "/organisation"
    assert emails_to(olu.email)[-1].subject == "Riverside PCN's NALW membership is now run by Nia Newton"

    sign_in(client, nia)
    assert "Manage your organisation's seats" in page_text(client.get("/membership"))
    page = page_text(client.get("/organisation"))
    assert "Riverside PCN" in page and "ada@example.org Accepted" in page
    sign_in(client, olu)
    assert client.get("/organisation").status_code == 403
    assert "Your organisation's membership" not in page_text(client.get("/membership"))


def test_the_member_role_still_follows_each_ones_own_membership(client, staff, held):
    olu = held.person
    MembershipFactory(person=olu)
    nia = MembershipFactory(person=PersonFactory(name="Nia Newton", email="nia@example.org")).person
    sign_in(client, staff)

    hand_over(client, held, "nia@example.org")

    assert olu.has_role(Role.MEMBER) and nia.has_role(Role.MEMBER)
    assert nia.has_role(Role.ORGANISATION_ADMIN) and not olu.has_role(Role.ORGANISATION_ADMIN)


def test_the_previous_admin_keeps_the_admin_role_while_they_still_run_another_organisation(client, staff):
    olu = PersonFactory(name="Olu Organisation")
    MembershipFactory(person=olu, tier=organisation_tier(), organisation_name="Hillside Surgery", resigned=True)
    held = MembershipFactory(person=olu, tier=organisation_tier(), organisation_name="Riverside PCN")
    PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)

    hand_over(client, held, "nia@example.org")

    assert held.person.email == "nia@example.org"
    assert olu.has_role(Role.ORGANISATION_ADMIN)
    assert organisations.organisation_for_admin(olu).name == "Hillside Surgery"


def test_a_new_admin_who_ran_an_organisation_that_ended_manages_the_one_handed_to_them(client, staff, held):
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    MembershipFactory(person=nia, tier=organisation_tier(), organisation_name="Hillside Surgery", resigned=True)
    sign_in(client, staff)

    hand_over(client, held, "nia@example.org")

    sign_in(client, nia)
    assert "Riverside PCN" in page_text(client.get("/organisation"))


@pytest.mark.parametrize(
    ("email_of", "field", "message"),
    [
        (lambda held: "", "email", "Enter the email address of the new admin"),
        (lambda held: "not an address", "email", "Enter an email address in the right format, like name@example.org"),
        (
            lambda held: "nobody@example.org",
            "email",
            "There is no NALW account with the address nobody@example.org. "
            "Ask them to create an account first, then try again.",
        ),
        (
            lambda held: held.person.email,
            "email",
            "Olu Organisation already runs Riverside PCN. Enter the email address of the colleague taking over.",
        ),
        (
            lambda held: organisation_membership(name="Hillside Surgery", admin="Hana Hill").person.email,
            "email",
            "Hana Hill already runs Hillside Surgery's membership, and an account runs one organisation. "
            "Enter another colleague's address, or hand Hillside Surgery to someone else first.",
        ),
        (
            lambda held: PersonFactory(name="Una Verified", unverified=True).email,
            "email",
            "Una Verified has not confirmed their email address yet. Ask them to follow the link we emailed them "
            "(or to sign in and ask for a new one), then try again.",
        ),
    ],
    ids=["empty", "not-an-address", "no-account", "already-runs-it", "runs-another", "unconfirmed"],
)
def test_a_new_admin_who_cannot_take_over_is_refused_at_the_email_and_nothing_changes(
    client, staff, held, email_of, field, message
):
    email = email_of(held)
    sign_in(client, staff)
    before = everything()

    response = hand_over(client, held, email)

    assert response.status_code == 200
    assert errors_on_field(response, f"hand_over-{field}") == [message]
    assert everything() == before
    assert FORM_HEADING in page_text(response)


def test_an_erased_account_cannot_be_found_to_take_over(client, staff, held):
    gone = PersonFactory(name="Gil Gone", email="gil@example.org")
    account_services.erase_person(gone, DEFAULT_PASSWORD)
    sign_in(client, staff)
    before = everything()

    response = hand_over(client, held, "gil@example.org")

    assert errors_on_field(response, "hand_over-email") == [
        "There is no NALW account with the address gil@example.org. Ask them to create an account first, then try again."
    ]
    assert everything() == before


def test_a_handover_needs_a_reason(client, staff, held):
    PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)
    before = everything()

    response = hand_over(client, held, "nia@example.org", reason="  ")

    assert errors_on_field(response, "hand_over-reason") == [
        "Enter the reason for the handover: it is kept in the audit log"
    ]
    assert everything() == before
    # The service asks for it too, whoever calls it.
    with pytest.raises(services.MembershipError) as refused:
        organisations.hand_over(staff, organisation_of(held), "nia@example.org", " ")
    assert refused.value.field == "reason"


def test_an_application_handed_over_while_it_waits_for_a_decision_keeps_its_place_in_the_queue(client, staff):
    waiting = MembershipFactory(person=PersonFactory(), tier=organisation_tier(), paid=True)
    PersonFactory(name="Nia Newton", email="nia@example.org")
    paid_at = figures.applications()[1]
    sign_in(client, staff)

    hand_over(client, waiting, "nia@example.org")

    assert (waiting.status, waiting.person.email) == (S.PAID, "nia@example.org")
    assert figures.applications() == (1, paid_at, 0)


# --- Where the form is -----------------------------------------------------------------------------------


def test_the_form_is_on_the_page_of_an_organisations_current_membership_with_its_hints(client, staff, held):
    # Applied: the offline payment form is on the page too, and no id is used twice.
    applied = MembershipFactory(
        person=PersonFactory(), tier=organisation_tier(), organisation_name="Hillside Surgery", applied=True
    )
    sign_in(client, staff)

    for membership in (held, applied):
        response = client.get(f"/admin/memberships/{membership.id}")
        html = response.get_data(as_text=True)
        assert FORM_HEADING in page_text(response)
        assert f'action="/admin/memberships/{membership.id}/hand-over"' in html
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'action="/admin/memberships/' + str(applied.id) + '/offline-payment"' in html
    assert '<label class="form-label fw-semibold" for="hand_over-email">Email address of the new admin</label>' in html
    assert '<div id="hand_over-email-hint" class="form-text mt-0 mb-1">They need a NALW account.</div>' in html
    assert 'aria-describedby="hand_over-email-hint"' in input_tag(response, "hand_over-email")
    assert '<label class="form-label fw-semibold" for="hand_over-reason">Reason for the handover</label>' in html
    assert '<div id="hand_over-reason-hint" class="form-text mt-0 mb-1">Kept in the audit log.</div>' in html
    assert 'value="Hand over"' in html


def test_the_form_is_not_on_the_page_of_a_personal_membership_a_seat_or_an_organisation_that_ended(client, staff, held):
    personal = MembershipFactory()
    [seat] = [invitation.membership for invitation in organisations.invitations(organisation_of(held))]
    ended = organisation_membership(name="Hillside Surgery", admin="Hana Hill", resigned=True)
    sign_in(client, staff)

    for membership in (personal, seat, ended):
        assert FORM_HEADING not in page_text(client.get(f"/admin/memberships/{membership.id}"))
    assert hand_over(client, personal, held.person.email).status_code == 404
    assert hand_over(client, seat, held.person.email).status_code == 404


def test_an_organisation_whose_membership_ended_cannot_be_handed_over(client, staff):
    ended = organisation_membership(name="Hillside Surgery", admin="Hana Hill", resigned=True)
    PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)
    before = everything()

    response = hand_over(client, ended, "nia@example.org")

    assert "There is a problem" in page_text(response)
    assert (
        "Hillside Surgery's membership was resigned, so there is nothing to hand over. "
        "A colleague can apply for a new organisation membership."
    ) in page_text(response)
    assert everything() == before


# --- Erasure while running an organisation ------------------------------------------------------------------


def running_message():
    return (
        "You run Riverside PCN's membership for its link workers. "
        f"{contact_us_text(capital=True)} to hand it to a colleague, then erase your account."
    )


def test_the_admin_of_a_current_organisation_cannot_erase_their_account(client, held):
    olu = held.person
    before = everything()

    response = erase(client, olu)

    assert response.status_code == 200
    assert running_message() in page_text(response)
    assert everything() == before
    assert olu.erased_at is None and olu.name == "Olu Organisation"


def test_staff_cannot_erase_the_admin_of_a_current_organisation_either(app, staff, held):
    before = everything()

    with pytest.raises(account_services.AccountError) as refused:
        account_services.erase_person(held.person, "", actor=staff)

    assert refused.value.message == running_message()
    # Refused before anything was erased: there is nothing to roll back.
    assert everything() == before
    assert held.person.erased_at is None


def test_once_handed_over_the_admin_can_erase_their_account_and_the_organisation_runs_on(client, staff, held):
    olu = held.person
    organisation = organisation_of(held)
    [seat] = [invitation.membership for invitation in organisations.invitations(organisation)]
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)
    hand_over(client, held, "nia@example.org")

    response = erase(client, olu)

    assert response.status_code == 302
    assert olu.erased_at is not None
    assert (held.status, held.person_id, organisation.admin_person_id) == (S.ACTIVE, nia.id, nia.id)
    assert held.job_title != "(erased)" and held.employer_name == "Riverside PCN"
    assert (seat.status, organisations.seats_taken(organisation)) == (S.ACTIVE, 1)
    assert nia.has_role(Role.ORGANISATION_ADMIN)
