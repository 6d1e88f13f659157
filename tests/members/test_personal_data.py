"""What membership holds about a person in their data download, and what erasure leaves of it."""

import datetime as dt

import time_machine

from nalw.core.personal_data import erase_personal_data
from nalw.members.models import MembershipStatus
from nalw.members.personal_data import export_memberships
from tests.factories import MembershipFactory


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
