"""Joining, renewing and taking an organisation's seat all accept the code of practice through one rule,
`services.accept_current_code`: a change to the rule changes all three."""

import datetime as dt

import pytest

from nalw.accounts.security import make_link_token
from nalw.code_of_practice import services as code_services
from nalw.core.time import london_today
from nalw.extensions import db
from nalw.members import organisations, renewals, services
from nalw.members.models import Organisation
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    link_worker_tier,
    organisation_tier,
    publish_new_code_version,
    service_answers,
)

REFUSAL = "Refused by the one acceptance rule"


def refuse_every_acceptance(monkeypatch):
    def refuse(membership, **acceptance):
        raise services.MembershipError(REFUSAL, field="accept_code")

    monkeypatch.setattr(services, "accept_current_code", refuse)


def current_code_id():
    return code_services.current_version().id


def test_joining_accepts_the_code_through_the_one_rule(app, monkeypatch):
    refuse_every_acceptance(monkeypatch)

    with pytest.raises(services.MembershipError, match=REFUSAL):
        services.apply(
            PersonFactory(),
            link_worker_tier(),
            answers=service_answers(),
            code_version_id=current_code_id(),
            accepted_code=True,
        )


def test_renewing_accepts_the_code_through_the_one_rule(app, monkeypatch):
    membership = MembershipFactory(expires_on=london_today() + dt.timedelta(days=10))
    refuse_every_acceptance(monkeypatch)

    with pytest.raises(services.MembershipError, match=REFUSAL):
        renewals.begin_renewal_payment(
            membership.person,
            membership,
            renewals.renewal_fee(membership),
            accepted_code=True,
            accepted_code_version_id=current_code_id(),
            cpd_met=True,
        )


def test_taking_a_seat_accepts_the_code_through_the_one_rule(app, monkeypatch):
    organisation_membership = MembershipFactory(tier=organisation_tier())
    organisation = db.session.get(Organisation, organisation_membership.organisation_id)
    invitation = organisations.invite(organisation_membership.person, organisation, "ada@example.org")
    token = make_link_token("seat-invitation", {"invitation": invitation.id})
    refuse_every_acceptance(monkeypatch)

    with pytest.raises(services.MembershipError, match=REFUSAL):
        organisations.accept(
            PersonFactory(email="ada@example.org"),
            token,
            answers=service_answers(),
            code_version_id=current_code_id(),
            accepted_code=True,
        )


def test_the_rule_records_the_version_accepted_and_when(app, person_as):
    membership = MembershipFactory()
    accepted_before = membership.code_accepted_at
    new_version = publish_new_code_version(person_as("admin"))

    code = services.accept_current_code(membership, accepted_code=True, code_version_id=new_version.id)

    assert membership.code_version_id == code.id == new_version.id
    assert membership.code_accepted_at > accepted_before
