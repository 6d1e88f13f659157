"""At renewal a member declares whether they met the last complete CPD year's requirement."""

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from nalw.extensions import db
from nalw.members import renewals
from nalw.members.models import CpdDeclaration, MembershipStatus
from nalw.members.services import MembershipError
from nalw.payments.models import Payment, PaymentPurpose
from tests.cpd.record_steps import group_is_invalid
from tests.factories import MembershipFactory
from tests.helpers import page_text, sign_in
from tests.members.steps import change_cpd_hours, errors_on_field, renew_with_new_card, save_card
from tests.stripe_helpers import VISA

NOW = dt.datetime(2026, 6, 25, 9, 0, tzinfo=dt.UTC)
EXPIRES_ON = dt.date(2026, 6, 30)  # renewal is open
LAST_CPD_YEAR_STARTS = dt.date(2025, 4, 1)  # the last complete CPD year: 1 April 2025 to 31 March 2026


@pytest.fixture
def settings(stripe_settings, tmp_path):
    return {**stripe_settings, "EVIDENCE_STORAGE_DIR": str(tmp_path / "evidence")}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def membership(client):
    membership = MembershipFactory(expires_on=EXPIRES_ON)
    sign_in(client, membership.person)
    return membership


def declarations(membership):
    db.session.expire_all()
    return db.session.scalars(
        sa.select(CpdDeclaration)
        .where(CpdDeclaration.membership_id == membership.id)
        .order_by(CpdDeclaration.cpd_year_starts_on)
    ).all()


def renewal_payments(membership):
    return db.session.scalars(
        sa.select(Payment).where(Payment.person_id == membership.person_id, Payment.purpose == PaymentPurpose.RENEWAL)
    ).all()


def test_the_renewal_page_asks_about_the_last_complete_cpd_year(client, membership):
    page = page_text(client.get("/membership/renew"))

    assert "Did you meet the CPD requirement? In the CPD year 2025 to 2026." in page
    assert "(20 hours) in the CPD year 2025 to 2026" in page


def test_renewing_without_answering_the_cpd_question_is_refused_and_charges_nothing(client, card_token, membership):
    response = renew_with_new_card(client, card_token, cpd_met=None)

    assert response.request.path == "/membership/renew"
    assert errors_on_field(response, "cpd_met") == ["Say whether you met the CPD requirement for 2025 to 2026"]
    assert group_is_invalid(response, "cpd_met")
    assert renewal_payments(membership) == []
    assert declarations(membership) == []
    assert membership.expires_on == EXPIRES_ON


@pytest.mark.parametrize(("answer", "met"), [("yes", True), ("no", False)])
def test_renewing_records_the_declaration_for_the_last_complete_cpd_year(client, card_token, membership, answer, met):
    response = renew_with_new_card(client, card_token, cpd_met=answer)

    assert "Thank you: your membership is renewed." in page_text(response)
    assert membership.expires_on == dt.date(2027, 6, 30)
    [declaration] = declarations(membership)
    assert declaration.cpd_year_starts_on == LAST_CPD_YEAR_STARTS
    assert declaration.met_requirement is met
    assert declaration.hours_required == 20  # the Link Worker tier's requirement
    assert declaration.declared_at == NOW


def test_the_declaration_keeps_the_requirement_of_the_year_it_is_about(client, card_token, membership):
    change_cpd_hours(membership.tier, 30, current_year_too=True)  # from the CPD year 2026 to 2027

    offered = page_text(client.get("/membership"))
    renewal_page = page_text(client.get("/membership/renew"))
    renew_with_new_card(client, card_token, cpd_met="yes")

    assert "did you meet your 20 hours of CPD in the CPD year 2025 to 2026?" in offered
    assert "(20 hours) in the CPD year 2025 to 2026" in renewal_page
    [declaration] = declarations(membership)
    assert (declaration.cpd_year_starts_on, declaration.hours_required) == (LAST_CPD_YEAR_STARTS, 20)


def test_the_declaration_shows_on_the_staff_membership_page(app, client, card_token, membership, person_as):
    renew_with_new_card(client, card_token, cpd_met="no")
    staff = app.test_client()
    sign_in(staff, person_as("staff"))

    page = page_text(staff.get(f"/admin/memberships/{membership.id}"))

    assert "CPD year starting 1 April 2025: declared the 20-hour requirement not met (25 Jun 2026, 10:00)" in page


def test_the_membership_page_offers_the_declaration_to_a_member_who_renews_automatically(
    client, card_token, membership
):
    save_card(membership.person, card_token, VISA)
    renewals.set_auto_renew(membership.person, membership, True)
    db.session.flush()

    offered = page_text(client.get("/membership"))
    response = client.post("/membership/cpd-declaration", data={"cpd_met": "yes"}, follow_redirects=True)

    assert "CPD declaration: did you meet your 20 hours of CPD in the CPD year 2025 to 2026?" in offered
    assert "Thank you: your CPD declaration is recorded." in page_text(response)
    assert "CPD declaration: did you meet" not in page_text(response)  # not asked again for the same year
    [declaration] = declarations(membership)
    assert (declaration.cpd_year_starts_on, declaration.met_requirement, declaration.hours_required) == (
        LAST_CPD_YEAR_STARTS,
        True,
        20,
    )
    assert renewal_payments(membership) == []  # declaring is not renewing


def test_a_declaration_without_an_answer_is_refused(client, membership):
    response = client.post("/membership/cpd-declaration", data={}, follow_redirects=True)

    assert "Choose yes or no, then press Record declaration." in page_text(response)
    assert declarations(membership) == []


def test_declaring_again_for_the_same_year_replaces_the_declaration(client, card_token, membership, clock):
    client.post("/membership/cpd-declaration", data={"cpd_met": "no"})
    clock.shift(dt.timedelta(hours=2))

    renew_with_new_card(client, card_token, cpd_met="yes")

    [declaration] = declarations(membership)
    assert declaration.cpd_year_starts_on == LAST_CPD_YEAR_STARTS
    assert declaration.met_requirement is True
    assert declaration.declared_at == NOW + dt.timedelta(hours=2)


def test_a_declaration_the_next_year_is_kept_beside_the_last(client, card_token, membership, clock):
    renew_with_new_card(client, card_token, cpd_met="yes")
    clock.move_to(dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC))
    sign_in(client, membership.person)  # a year on, the member signs in afresh

    client.post("/membership/cpd-declaration", data={"cpd_met": "no"})

    assert [(each.cpd_year_starts_on, each.met_requirement) for each in declarations(membership)] == [
        (LAST_CPD_YEAR_STARTS, True),
        (dt.date(2026, 4, 1), False),
    ]


def test_someone_without_a_membership_to_renew_cannot_declare(client, person_as):
    sign_in(client, person_as("account_holder"))

    assert client.post("/membership/cpd-declaration", data={"cpd_met": "yes"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(CpdDeclaration.id))) == 0


def test_a_membership_its_member_does_not_renew_takes_no_declaration_from_the_service(membership):
    membership.status = MembershipStatus.SUSPENDED
    db.session.flush()

    with pytest.raises(MembershipError, match="no CPD declaration to make"):
        renewals.declare_cpd(membership, True)
    assert declarations(membership) == []


def test_a_member_who_joined_after_the_last_cpd_year_ended_is_not_asked_to_declare_for_it(client, card_token, clock):
    clock.move_to(dt.datetime(2027, 3, 15, 9, 0, tzinfo=dt.UTC))  # the last complete CPD year ended 31 March 2026
    newcomer = MembershipFactory(started_on=dt.date(2026, 5, 1), expires_on=dt.date(2027, 4, 30))
    sign_in(client, newcomer.person)

    renewal_page = page_text(client.get("/membership/renew"))
    membership_page = page_text(client.get("/membership"))
    response = renew_with_new_card(client, card_token, cpd_met=None)

    assert "Did you meet the CPD requirement" not in renewal_page and "2025 to 2026" not in renewal_page
    assert "CPD declaration" not in membership_page
    assert "Thank you: your membership is renewed." in page_text(response)
    assert declarations(newcomer) == []
    assert client.post("/membership/cpd-declaration", data={"cpd_met": "yes"}).status_code == 404


@pytest.mark.parametrize(
    ("started_on", "asked_about"), [(dt.date(2026, 3, 31), "2025 to 2026"), (dt.date(2026, 4, 1), None)]
)
def test_the_year_to_declare_is_asked_only_if_the_membership_had_started_by_its_end(app, started_on, asked_about):
    membership = MembershipFactory(started_on=started_on, expires_on=dt.date(2027, 3, 30))

    year = renewals.cpd_year_to_declare_for(membership, today=dt.date(2027, 3, 1))

    assert (year.label if year else None) == asked_about
