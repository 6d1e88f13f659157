"""What membership holds about a person in their data download, and what erasure leaves of it."""

import datetime as dt

import time_machine

from nalw.core.personal_data import erase_personal_data
from nalw.extensions import db
from nalw.members import organisations
from nalw.members.models import MembershipStatus, Organisation, SeatStatus
from nalw.members.personal_data import export_memberships
from nalw.members.renewals import declare_cpd
from tests.factories import MembershipFactory, PersonFactory, organisation_membership, seat_in


def test_the_download_says_each_consent_and_when_it_was_given(app):
    membership = MembershipFactory(register_consent=True, news_consent=False)

    [exported] = export_memberships(membership.person)

    assert (exported["on_public_register"], exported["news_emails"]) == (True, False)
    assert exported["consents_given_or_changed_at"] == membership.consents_changed_at.isoformat()


def test_erasure_withdraws_both_consents_and_records_when(app):
    membership = MembershipFactory(register_consent=True, news_consent=True)
    erased_at = membership.consents_changed_at.replace(microsecond=0) + dt.timedelta(days=30)

    with time_machine.travel(erased_at, tick=False):
        erase_personal_data(membership.person)

    assert (membership.register_consent, membership.news_consent) == (False, False)
    assert membership.consents_changed_at == erased_at
    assert membership.status is MembershipStatus.RESIGNED
    assert (membership.job_title, membership.employer_name) == ("(erased)", "(erased)")


def test_erasure_leaves_the_consents_time_alone_when_nothing_was_consented_to(app):
    membership = MembershipFactory(register_consent=False, news_consent=False)
    given_at = membership.consents_changed_at

    with time_machine.travel(given_at.replace(microsecond=0) + dt.timedelta(days=30), tick=False):
        erase_personal_data(membership.person)

    assert membership.consents_changed_at == given_at


def test_the_download_holds_the_cpd_declared_at_each_renewal(app):
    membership = MembershipFactory(long_standing=True)
    declaration = declare_cpd(membership, met_requirement=True)

    [exported] = export_memberships(membership.person)

    assert exported["cpd_declared_at_renewal"] == [
        {
            "cpd_year_starting": declaration.cpd_year_starts_on.isoformat(),
            "met_requirement": True,
            "hours_required": declaration.hours_required,
            "declared_at": declaration.declared_at.isoformat(),
        }
    ]


def test_erasure_cancels_an_invitation_to_a_seat_and_blanks_the_address_it_went_to(app):
    held = organisation_membership()
    organisation = db.session.get(Organisation, held.organisation_id)
    invited = PersonFactory(email="sam.seat@example.org")
    invitation = organisations.invite(held.person, organisation, "Sam.Seat@example.org")
    taken = organisations.seats_taken(organisation)

    erase_personal_data(invited)

    assert (invitation.status, invitation.email) == (SeatStatus.CANCELLED, "(erased)")
    assert organisations.seats_taken(organisation) == taken - 1


def test_erasure_leaves_an_organisations_own_membership_as_it_is_but_for_its_applicants_job_title(app):
    held = organisation_membership()
    held.auto_renew = True
    seat = seat_in(held)

    # Erasure itself is refused while the membership is current (tests/members/test_organisation_handover.py);
    # the eraser alone still leaves the organisation's membership, and so its seats, running.
    erase_personal_data(held.person)

    assert (held.status, held.auto_renew, held.employer_name) == (MembershipStatus.ACTIVE, True, "Riverside PCN")
    assert held.job_title == "(erased)"
    assert seat.status is MembershipStatus.ACTIVE
