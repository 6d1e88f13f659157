"""Staff find people; admins grant and remove roles, and every change is in the audit log."""

import re

import pytest
import sqlalchemy as sa

from nalw.accounts import services as account_services
from nalw.accounts.models import RoleGrant
from nalw.core.audit import AuditEntry, record_audit
from nalw.core.outbox import queue_email
from nalw.core.permissions import Role
from nalw.extensions import db
from tests.factories import staff_member
from tests.helpers import page_text, sign_in


def audit_entries(action=None):
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


def people_listed(response):
    """The names in the people table, in order."""
    return re.findall(r'<a href="/admin/people/\d+">([^<]+)</a>', response.get_data(as_text=True))


# --- Finding people --------------------------------------------------------------------------


def test_staff_find_people_by_part_of_their_name_or_email(signed_in_client, make_person):
    client, _ = signed_in_client("staff")
    make_person(name="Priya Patel", email="priya@example.org")
    make_person(name="Ann Smith", email="ann@patel-family.example.org")
    make_person(name="Tom Jones", email="tom@jones.example.org")

    by_name_or_email = client.get("/admin/people", query_string={"q": "PATEL"})
    by_email = client.get("/admin/people", query_string={"q": "Tom@Jones"})
    nobody = client.get("/admin/people", query_string={"q": "zebedee"})

    assert people_listed(by_name_or_email) == ["Ann Smith", "Priya Patel"]
    assert "2 people found." in page_text(by_name_or_email)
    assert people_listed(by_email) == ["Tom Jones"]
    assert "1 person found." in page_text(by_email)
    assert "tom@jones.example.org" in page_text(by_email)
    assert people_listed(nobody) == []
    assert "0 people found." in page_text(nobody)


def test_staff_filter_people_by_role(signed_in_client, make_person):
    client, _ = signed_in_client("staff")
    make_person(name="Mia Member", roles=[Role.MEMBER])
    make_person(name="Olu Organiser", roles=[Role.MEMBER, Role.ORGANISATION_ADMIN])
    make_person(name="Jo Judge", roles=[Role.JUDGE], two_factor=True)
    make_person(name="Ann Holder")

    members = client.get("/admin/people", query_string={"role": "member"})
    judges = client.get("/admin/people", query_string={"role": "judge"})
    member_named_olu = client.get("/admin/people", query_string={"role": "member", "q": "olu"})

    assert people_listed(members) == ["Mia Member", "Olu Organiser"]
    assert "Member, Organisation admin" in page_text(members)
    assert people_listed(judges) == ["Jo Judge"]
    assert "Judge On" in page_text(judges)  # roles, then two-factor
    assert people_listed(member_named_olu) == ["Olu Organiser"]


def test_people_list_query_count_does_not_grow_with_the_people_on_it(app, signed_in_client, make_person, count_queries):
    client, _ = signed_in_client("staff")

    def queries_to_list_everyone():
        # A fresh app context, as in production: no one is remembered from an earlier request.
        with app.app_context(), count_queries() as queries:
            response = client.get("/admin/people")
        assert response.status_code == 200
        return len(queries), response

    for number in range(3):
        make_person(name=f"Listed Person {number:02d}", roles=[Role.MEMBER] if number % 2 else [])
    with_three, _ = queries_to_list_everyone()

    for number in range(3, 30):
        make_person(name=f"Listed Person {number:02d}", roles=[Role.MEMBER] if number % 2 else [])
    with_thirty, response = queries_to_list_everyone()

    assert "31 people found." in page_text(response)
    assert len([name for name in people_listed(response) if name.startswith("Listed Person")]) == 30
    assert with_thirty == with_three


# --- Granting and removing roles -------------------------------------------------------------


def test_admin_grants_a_role_which_is_audited_and_shown_in_the_persons_history(signed_in_client, make_person):
    client, admin = signed_in_client("admin")
    person = make_person(name="Mia Lee")

    response = client.post(f"/admin/people/{person.id}/roles", data={"role": "member"}, follow_redirects=True)

    assert "Mia Lee is now Member." in page_text(response)
    assert person.roles == {Role.MEMBER}
    grant = db.session.scalar(sa.select(RoleGrant).where(RoleGrant.person_id == person.id))
    assert grant.granted_by_id == admin.id
    [entry] = audit_entries("role.granted")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "Person", str(person.id))
    assert entry.before == {"roles": []}
    assert entry.after == {"roles": ["member"]}
    history = page_text(response).split("History", 1)[1]
    assert f"Granted Member to Mia Lee {admin.name}" in history


def test_admin_removes_a_role_which_is_audited_and_shown_in_the_persons_history(signed_in_client, make_person):
    client, admin = signed_in_client("admin")
    person = make_person(name="Jo Judge", roles=[Role.MEMBER, Role.JUDGE], two_factor=True)

    response = client.post(f"/admin/people/{person.id}/roles/judge/revoke", follow_redirects=True)

    assert "Jo Judge is no longer Judge." in page_text(response)
    db.session.expire_all()
    assert person.roles == {Role.MEMBER}
    [entry] = audit_entries("role.revoked")
    assert entry.actor_id == admin.id
    assert entry.before == {"roles": ["judge", "member"]}
    assert entry.after == {"roles": ["member"]}
    history = page_text(response).split("History", 1)[1]
    assert f"Removed Judge from Jo Judge {admin.name}" in history


def test_staff_who_are_not_admins_cannot_grant_or_remove_roles(signed_in_client, make_person):
    client, _ = signed_in_client("staff")
    person = make_person(name="Mia Lee", roles=[Role.MEMBER])

    page = page_text(client.get(f"/admin/people/{person.id}"))
    granting = client.post(f"/admin/people/{person.id}/roles", data={"role": "admin"})
    removing = client.post(f"/admin/people/{person.id}/roles/member/revoke")

    assert "Grant role" not in page and "Remove Member role" not in page
    for refused in (granting, removing):
        assert refused.status_code == 403
        assert "You cannot open this page" in page_text(refused)
    db.session.expire_all()
    assert person.roles == {Role.MEMBER}
    assert audit_entries() == []


def test_an_admin_cannot_remove_their_own_admin_role(signed_in_client):
    client, admin = signed_in_client("admin")

    response = client.post(f"/admin/people/{admin.id}/roles/admin/revoke", follow_redirects=True)

    assert "You cannot remove your own admin role. Ask another admin." in page_text(response)
    db.session.expire_all()
    assert admin.roles == {Role.STAFF, Role.ADMIN}
    assert audit_entries() == []


def test_granting_a_role_that_does_not_exist_changes_nothing(signed_in_client, make_person):
    client, _ = signed_in_client("admin")
    person = make_person(name="Mia Lee")

    response = client.post(f"/admin/people/{person.id}/roles", data={"role": "emperor"}, follow_redirects=True)

    assert "Choose a role from the list, then press Grant role." in page_text(response)
    assert person.roles == frozenset()
    assert audit_entries() == []


def test_removing_a_role_that_does_not_exist_is_not_found_and_changes_nothing(signed_in_client, make_person):
    client, _ = signed_in_client("admin")
    person = make_person(name="Jo Judge", roles=[Role.MEMBER, Role.JUDGE], two_factor=True)

    response = client.post(f"/admin/people/{person.id}/roles/emperor/revoke")

    assert response.status_code == 404
    db.session.expire_all()
    assert person.roles == {Role.MEMBER, Role.JUDGE}
    assert audit_entries() == []


# --- The audit log -----------------------------------------------------------------------------


@pytest.fixture
def three_changes(app, make_person):
    """Two admins change three records: (first admin, second admin, alice, bob, message)."""
    first = make_person(
        name="Ada Admin", email="ada.admin@example.org", roles=[Role.STAFF, Role.ADMIN], two_factor=True
    )
    second = make_person(
        name="Sam Second", email="sam.second@example.org", roles=[Role.STAFF, Role.ADMIN], two_factor=True
    )
    alice = make_person(name="Alice Applicant")
    bob = make_person(name="Bob Builder")
    account_services.grant_role(first, alice, Role.MEMBER)
    account_services.grant_role(second, bob, Role.JUDGE)
    message = queue_email(
        "carol@example.org",
        "accounts/email_changed",
        "Your NALW email address was changed",
        name="Carol",
        new_email="c@example.org",
    )
    record_audit(second, "email.retried", message, summary="Email to carol@example.org queued again")
    db.session.commit()
    return first, second, alice, bob, message


def audit_page(client, **filters):
    response = client.get("/admin/audit", query_string=filters)
    assert response.status_code == 200
    return page_text(response)


SUMMARIES = (
    "Granted Member to Alice Applicant",
    "Granted Judge to Bob Builder",
    "Email to carol@example.org queued again",
)


def shown_summaries(text):
    return [summary for summary in SUMMARIES if summary in text]


def test_admin_audit_log_lists_every_entry_newest_first_with_who_and_what_changed(client, three_changes):
    first, _, alice, _, _ = three_changes
    sign_in(client, first)

    text = audit_page(client)

    assert shown_summaries(text) == list(SUMMARIES)
    assert text.index("queued again") < text.index("Granted Judge") < text.index("Granted Member")
    assert f"ada.admin@example.org role.granted Granted Member to Alice Applicant Person {alice.id}" in text
    changes = text.split(f"Person {alice.id}", 1)[1]
    assert re.match(r"\s*Values before and after entry \d+ Field Before After roles \(changed\) none member", changes)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"action": "role.granted"}, SUMMARIES[:2]),
        ({"action": "email.retried"}, SUMMARIES[2:]),
        ({"actor": "SAM.SECOND@example.org"}, SUMMARIES[1:]),
        ({"target_type": "OutboxMessage"}, SUMMARIES[2:]),
        ({"action": "role.revoked"}, ()),
    ],
)
def test_admin_audit_log_filters(client, three_changes, filters, expected):
    sign_in(client, three_changes[0])

    text = audit_page(client, **filters)

    assert shown_summaries(text) == list(expected)
    if not expected:
        assert "No entries match." in text


def test_admin_audit_log_filters_by_record(client, three_changes):
    first, _, alice, bob, message = three_changes
    sign_in(client, first)

    assert shown_summaries(audit_page(client, target_type="Person", target_id=str(bob.id))) == [SUMMARIES[1]]
    assert shown_summaries(audit_page(client, target_type="Person", target_id=str(alice.id))) == [SUMMARIES[0]]
    assert shown_summaries(audit_page(client, target_id=str(message.id), target_type="OutboxMessage")) == [SUMMARIES[2]]


def test_staff_read_the_audit_log_but_change_nothing_there(client, three_changes):
    staff = staff_member()
    sign_in(client, staff)

    response = client.get("/admin/audit")

    assert response.status_code == 200
    assert shown_summaries(page_text(response)) == list(SUMMARIES)
    assert '<form method="post"' not in response.get_data(as_text=True).split("<h1>", 1)[1]
