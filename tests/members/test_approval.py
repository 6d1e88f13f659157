"""Approval: the next membership number, twelve months, and never a shared number under simultaneous approvals."""

import concurrent.futures
import datetime as dt
import threading

import pytest
import sqlalchemy as sa
import time_machine

from nalw.accounts.models import Person
from nalw.core.permissions import Role
from nalw.extensions import db
from nalw.members import services
from nalw.members.models import Membership, MembershipNumberCounter, MembershipStatus
from tests.factories import MembershipFactory, PersonFactory, pay_by_invoice, staff_member
from tests.helpers import emails_to, page_text, sign_in
from tests.members.steps import audit_entries


@time_machine.travel(dt.datetime(2026, 9, 30, 23, 30, tzinfo=dt.UTC), tick=False)
def test_approval_gives_the_next_number_and_twelve_months_from_the_uk_date(client, person_as):
    staff = person_as("staff")
    membership = MembershipFactory(applied=True)
    pay_by_invoice(staff, membership)
    counter = db.session.get(MembershipNumberCounter, 1)
    counter.last_number = 122
    db.session.flush()
    sign_in(client, staff)

    response = client.post(f"/admin/memberships/{membership.id}/approve", follow_redirects=True)

    assert "Approved: membership number NALW-000123." in page_text(response)
    assert membership.status is MembershipStatus.ACTIVE
    assert membership.number == "NALW-000123"
    # 23:30 UTC on 30 September is 00:30 on 1 October in the UK.
    assert (membership.started_on, membership.expires_on) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    assert membership.person.has_role(Role.MEMBER)
    [entry] = audit_entries("membership.approved")
    assert entry.after == {"status": "active", "number": "NALW-000123", "expires_on": "2027-09-30"}
    welcome = emails_to(membership.person.email)[-1]
    assert welcome.subject == "Welcome to NALW: your membership number is NALW-000123"
    assert "NALW-000123" in page_text(client.get(f"/admin/memberships/{membership.id}"))


def test_numbers_follow_on_and_are_never_reused(app):
    staff = staff_member()
    first, second = MembershipFactory(applied=True), MembershipFactory(applied=True)
    for membership in (first, second):
        pay_by_invoice(staff, membership)
        services.approve(staff, membership)

    assert int(second.number.removeprefix("NALW-")) == int(first.number.removeprefix("NALW-")) + 1
    assert len(first.number) == len("NALW-000001")


def test_only_a_paid_application_is_approved(client, person_as):
    staff = person_as("staff")
    membership = MembershipFactory(applied=True)
    sign_in(client, staff)

    response = client.post(f"/admin/memberships/{membership.id}/approve", follow_redirects=True)

    assert "Only a paid application can be approved." in page_text(response)
    assert membership.status is MembershipStatus.APPLIED
    assert membership.number is None
    assert not membership.person.has_role(Role.MEMBER)


@pytest.mark.postgres_only
def test_simultaneous_approvals_never_share_a_number(committing_app):
    staff = PersonFactory(roles=[Role.STAFF], two_factor=True)
    memberships = []
    for _ in range(10):
        membership = MembershipFactory(applied=True)
        pay_by_invoice(staff, membership)
        memberships.append(membership)
    db.session.commit()
    staff_id, membership_ids = staff.id, [membership.id for membership in memberships]
    all_ready = threading.Barrier(len(membership_ids))

    def approve(membership_id):
        with committing_app.app_context():
            actor = db.session.get(Person, staff_id)
            membership = db.session.get(Membership, membership_id)
            all_ready.wait(timeout=10)
            services.approve(actor, membership)
            db.session.commit()
            return membership.number

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(membership_ids)) as pool:
        numbers = list(pool.map(approve, membership_ids, timeout=60))

    assert len(set(numbers)) == 10
    values = sorted(int(number.removeprefix("NALW-")) for number in numbers)
    assert values == list(range(values[0], values[0] + 10))
    db.session.expire_all()
    stored = db.session.scalars(sa.select(Membership.number).where(Membership.id.in_(membership_ids))).all()
    assert sorted(stored) == sorted(numbers)
    assert db.session.get(MembershipNumberCounter, 1).last_number == values[-1]
