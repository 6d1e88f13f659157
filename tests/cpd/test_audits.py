"""CPD audits: staff draw a recorded random sample of active members, who are told, then reminded."""

import datetime as dt
import re
from html import unescape

import pytest
import sqlalchemy as sa
import time_machine

from nalw.code_of_practice.services import current_version
from nalw.core.cpd_years import current_year
from nalw.core.outbox import OutboxMessage
from nalw.core.time import london_today
from nalw.cpd import audits
from nalw.cpd import services as cpd_services
from nalw.cpd.models import AuditSelection, CpdAudit, Outcome, SelectionStatus
from nalw.cpd.services import CpdError
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import MembershipStatus
from tests.cpd.record_steps import selections_of
from tests.factories import (
    CpdAuditFactory,
    CpdEntryFactory,
    MembershipFactory,
    PersonFactory,
    audited_year,
    organisation_tier,
    service_answers,
    staff_member,
    tier_named,
)
from tests.helpers import emails_to, link_in, page_text, sign_in
from tests.members.steps import audit_entries, errors_on_field


def only_audit():
    audits_made = db.session.scalars(sa.select(CpdAudit)).all()
    assert len(audits_made) == 1, audits_made
    return audits_made[0]


def audit_form(**overrides):
    data = {
        "year": str(audited_year().key),
        "share": "2.5",
        "exclude_joined_within_days": "180",
        "deadline_on": (london_today() + dt.timedelta(days=42)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff_client(client):
    staff = staff_member()
    sign_in(client, staff)
    return client, staff


# --- Starting an audit through the staff form -----------------------------------------------------


def test_staff_draw_a_share_of_active_members_and_each_is_told_with_a_link_to_their_profile(staff_client):
    client, staff = staff_client
    members = [MembershipFactory(long_standing=True) for _ in range(10)]

    response = client.post("/admin/cpd/audits/new", data=audit_form(share="25"), follow_redirects=True)

    audit = only_audit()
    selections = selections_of(audit)
    # ceil(10 x 25%) = 3: rounding 2.5 down or to even would draw only 2.
    assert len(selections) == 3
    assert "3 members drawn and told by email." in page_text(response)
    assert audit.share_per_thousand == 250 and audit.population == 10
    assert audit.population_ids == sorted(m.id for m in members)
    assert audit.seed is not None and audit.drawn_by_id == staff.id
    assert {s.membership_id for s in selections} <= set(audit.population_ids)
    assert all(s.status is SelectionStatus.SELECTED and s.deadline_on == audit.deadline_on for s in selections)

    drawn_people = {s.person_id for s in selections}
    for membership in members:
        messages = [m for m in emails_to(membership.person.email) if "CPD audit" in m.subject]
        assert len(messages) == (1 if membership.person_id in drawn_people else 0)
    selection = selections[0]
    message = [m for m in emails_to(selection.person.email) if "CPD audit" in m.subject][0]
    assert message.subject == "You have been chosen for the CPD audit"
    link = link_in(message, "/cpd/audit/")
    assert link == f"/cpd/audit/{selection.id}"

    sign_in(client, selection.person)
    profile = page_text(client.get(link))
    assert "Your CPD audit profile" in profile and "Waiting for profile" in profile


def test_a_share_of_2_5_per_cent_is_accepted_and_draws_at_least_one_member(staff_client):
    client, _ = staff_client
    for _ in range(10):
        MembershipFactory(long_standing=True)

    response = client.post("/admin/cpd/audits/new", data=audit_form(share="2.5"), follow_redirects=True)

    audit = only_audit()
    assert audit.share_per_thousand == 25 and audit.share_percent == 2.5
    # 2.5% of 10 is a quarter of a member: at least one is always drawn.
    assert len(selections_of(audit)) == 1
    assert "2.5% of 10 eligible members" in page_text(response)


@pytest.mark.parametrize("share", ["0", "101", "2.55", "two and a half", "NaN", "sNaN", "Infinity"])
def test_a_share_that_is_not_a_percentage_to_one_place_is_refused_on_the_field(staff_client, share):
    client, _ = staff_client
    MembershipFactory(long_standing=True)

    response = client.post("/admin/cpd/audits/new", data=audit_form(share=share))

    assert response.status_code == 200
    errors = errors_on_field(response, "share")
    assert len(errors) == 1 and errors[0].startswith("Enter ")
    assert db.session.scalar(sa.select(sa.func.count(CpdAudit.id))) == 0
    assert (
        db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.subject.contains("audit")))
        == 0
    )


def test_the_form_asks_for_the_year_share_exclusion_and_deadline(staff_client):
    client, _ = staff_client

    page = page_text(client.get("/admin/cpd/audits/new"))

    for label in (
        "CPD year to audit",
        "Share of active members to draw (%)",
        "Leave out members who joined in the last (days)",
        "Deadline for profiles",
    ):
        assert label in page


def test_an_audit_with_nobody_to_draw_is_refused(staff_client):
    client, _ = staff_client
    MembershipFactory(joined_days_ago=30)

    response = client.post("/admin/cpd/audits/new", data=audit_form(exclude_joined_within_days="180"))

    assert errors_on_field(response, "share") == ["No active members can be drawn with these settings."]
    assert db.session.scalar(sa.select(sa.func.count(CpdAudit.id))) == 0


@pytest.mark.parametrize("days_from_today", [-1, 0])
def test_a_deadline_that_is_not_in_the_future_is_refused(staff_client, days_from_today):
    client, _ = staff_client
    MembershipFactory(long_standing=True)

    response = client.post(
        "/admin/cpd/audits/new",
        data=audit_form(deadline_on=(london_today() + dt.timedelta(days=days_from_today)).isoformat()),
    )

    assert errors_on_field(response, "deadline_on") == ["The deadline must be after today."]
    assert db.session.scalar(sa.select(sa.func.count(CpdAudit.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditSelection.id))) == 0


def test_members_who_joined_within_the_set_number_of_days_are_left_out(staff_client):
    client, _ = staff_client
    long_standing = [MembershipFactory(joined_days_ago=days) for days in (400, 181)]
    recent = [MembershipFactory(joined_days_ago=days) for days in (179, 10, 0)]

    client.post("/admin/cpd/audits/new", data=audit_form(share="100", exclude_joined_within_days="180"))

    audit = only_audit()
    assert audit.exclude_joined_within_days == 180
    assert audit.population_ids == [m.id for m in long_standing]
    assert {s.membership_id for s in selections_of(audit)} == {m.id for m in long_standing}
    for membership in recent:
        assert not [m for m in emails_to(membership.person.email) if "CPD audit" in m.subject]


def test_only_active_personal_memberships_are_drawn(staff_client):
    client, staff = staff_client
    active = MembershipFactory(long_standing=True)
    in_grace = MembershipFactory(long_standing=True)
    member_services.change_status(in_grace, MembershipStatus.GRACE, reason="Expired")
    lapsed = MembershipFactory(long_standing=True)
    member_services.change_status(lapsed, MembershipStatus.GRACE, reason="Expired")
    member_services.change_status(lapsed, MembershipStatus.LAPSED, reason="Not renewed")
    resigned = MembershipFactory(long_standing=True)
    member_services.resign(resigned.person, resigned, "Retiring")
    suspended = MembershipFactory(long_standing=True)
    member_services.suspend(staff, suspended, "Under investigation")
    applied = member_services.apply(
        PersonFactory(),
        tier_named("Link Worker"),
        answers=service_answers(),
        code_version_id=current_version().id,
        accepted_code=True,
    )
    organisation_membership = member_services.apply(
        PersonFactory(),
        organisation_tier(),
        answers=service_answers(),
        code_version_id=current_version().id,
        accepted_code=True,
        organisation_name="Riverside PCN",
    )
    member_services.change_status(organisation_membership, MembershipStatus.PAID, reason="Invoice paid")
    member_services.approve(staff, organisation_membership)
    organisation_membership.started_on = london_today() - dt.timedelta(days=400)
    db.session.flush()
    assert organisation_membership.status is MembershipStatus.ACTIVE and applied.status is MembershipStatus.APPLIED

    client.post("/admin/cpd/audits/new", data=audit_form(share="100"))

    audit = only_audit()
    assert audit.population_ids == [active.id]
    assert [s.membership_id for s in selections_of(audit)] == [active.id]


def test_drawing_again_from_the_record_gives_the_same_members_and_the_audit_page_says_so(staff_client):
    client, staff = staff_client
    for _ in range(12):
        MembershipFactory(long_standing=True)
    client.post("/admin/cpd/audits/new", data=audit_form(share="25"))
    audit = only_audit()
    drawn = sorted(s.membership_id for s in selections_of(audit))

    assert audits.redraw(audit) == drawn
    assert audits.draw(list(audit.population_ids), audit.share_per_thousand, audit.seed) == drawn
    page = page_text(client.get(f"/admin/cpd/audits/{audit.id}"))
    assert f"Random seed {audit.seed}" in page
    assert "25% of 12 eligible members" in page
    assert "Drawing again from the record gives the same members" in page

    # The page checks the record rather than saying so regardless: a record that no longer
    # matches the members drawn is shown as such.
    other_seed = next(seed for seed in range(1, 1000) if audits.draw(audit.population_ids, 250, seed) != drawn)
    audit.seed = other_seed
    db.session.commit()
    assert "gives different members: check the record" in page_text(client.get(f"/admin/cpd/audits/{audit.id}"))


def test_the_same_seed_and_population_always_draw_the_same_members(app):
    staff = staff_member()
    for _ in range(20):
        MembershipFactory(long_standing=True)
    first = CpdAuditFactory(staff=staff, share_per_thousand=200, seed=424242)
    second = CpdAuditFactory(staff=staff, share_per_thousand=200, seed=424242)
    third = CpdAuditFactory(staff=staff, share_per_thousand=200, seed=7)

    first_drawn = [s.membership_id for s in selections_of(first)]
    assert len(first_drawn) == 4
    assert first_drawn == [s.membership_id for s in selections_of(second)]
    assert first_drawn != [s.membership_id for s in selections_of(third)]


def test_each_member_drawn_has_the_selection_in_their_history_on_the_staff_person_page(staff_client):
    client, staff = staff_client
    membership = MembershipFactory(long_standing=True)

    client.post("/admin/cpd/audits/new", data=audit_form(share="100"))

    audit = only_audit()
    [selected] = audit_entries("cpd_audit.selected")
    assert (selected.target_type, selected.target_id, selected.actor_id) == (
        "Person",
        str(membership.person_id),
        staff.id,
    )
    [started] = audit_entries("cpd_audit.started")
    assert started.after == {"share_per_thousand": 1000, "seed": audit.seed, "population": 1, "selected": 1}
    history = page_text(client.get(f"/admin/people/{membership.person_id}"))
    assert history.count(f"Drawn for the CPD audit of {audited_year().label}") == 1
    assert "You have been chosen for the CPD audit" in history  # the email, under Emails sent


def test_audits_list_shows_each_audit_with_its_sample_and_progress(staff_client):
    client, staff = staff_client
    for _ in range(4):
        MembershipFactory(long_standing=True)
    CpdAuditFactory(staff=staff, share_per_thousand=500)
    db.session.commit()

    page = page_text(client.get("/admin/cpd/audits"))

    assert "2 of 4 (50%)" in page
    assert "Waiting for profile: 2" in page


def test_the_audits_list_is_paged_newest_first(staff_client, monkeypatch):
    monkeypatch.setattr(audits, "AUDITS_PER_PAGE", 2)
    client, staff = staff_client
    MembershipFactory(long_standing=True)
    made = [CpdAuditFactory(staff=staff, year=audited_year().previous()) for _ in range(3)]
    db.session.commit()

    pages = [client.get(f"/admin/cpd/audits?page={number}") for number in (1, 2)]

    def listed(page):
        return [
            int(audit_id) for audit_id in re.findall(r'href="/admin/cpd/audits/(\d+)"', page.get_data(as_text=True))
        ]

    assert [listed(page) for page in pages] == [[made[2].id, made[1].id], [made[0].id]]
    assert "Page 1 of 2" in page_text(pages[0]) and "Next page" in page_text(pages[0])


def test_the_members_drawn_for_an_audit_are_paged_and_the_draw_is_still_checked_against_them_all(
    staff_client, monkeypatch
):
    monkeypatch.setattr(audits, "SELECTIONS_PER_PAGE", 2)
    client, staff = staff_client
    for _ in range(5):
        MembershipFactory(long_standing=True)
    audit = CpdAuditFactory(staff=staff)
    db.session.commit()
    drawn = [selection.id for selection in selections_of(audit)]

    pages = [client.get(f"/admin/cpd/audits/{audit.id}?page={number}") for number in (1, 2, 3)]

    def listed(page):
        html = page.get_data(as_text=True)
        return [
            int(selection_id) for selection_id in re.findall(rf"/admin/cpd/audits/{audit.id}/selections/(\d+)", html)
        ]

    assert [listed(page) for page in pages] == [drawn[:2], drawn[2:4], drawn[4:]]
    assert "Page 3 of 3" in page_text(pages[2])
    assert all("Drawing again from the record gives the same members" in page_text(page) for page in pages)


def test_a_members_own_audits_are_paged(client, monkeypatch):
    monkeypatch.setattr(audits, "MY_AUDITS_PER_PAGE", 1)
    staff = staff_member()
    member = MembershipFactory(long_standing=True).person
    CpdAuditFactory(staff=staff, year=audited_year().previous())
    CpdAuditFactory(staff=staff)
    db.session.commit()
    sign_in(client, member)

    first, second = [page_text(client.get(f"/cpd/audit?page={number}")) for number in (1, 2)]

    assert f"CPD audit of {audited_year().label}" in first and "Page 1 of 2" in first
    assert f"CPD audit of {audited_year().previous().label}" in second and "Page 2 of 2" in second


# --- Deadline reminders ---------------------------------------------------------------------------


def run_reminders(runner, day):
    result = runner.invoke(args=["cpd", "audit-reminders", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def reminders_to(person):
    return [m for m in emails_to(person.email) if m.template == "cpd/audit_reminder"]


def test_reminders_go_14_and_3_days_before_the_deadline_once_each(app, runner):
    staff = staff_member()
    membership = MembershipFactory(long_standing=True)
    deadline = london_today() + dt.timedelta(days=40)
    CpdAuditFactory(staff=staff, deadline_on=deadline)
    db.session.commit()
    person = membership.person

    assert "0 sent" in run_reminders(runner, deadline - dt.timedelta(days=15))
    assert "1 sent" in run_reminders(runner, deadline - dt.timedelta(days=14))
    assert "0 sent" in run_reminders(runner, deadline - dt.timedelta(days=14))  # run twice in a day
    assert "0 sent" in run_reminders(runner, deadline - dt.timedelta(days=10))
    assert "1 sent" in run_reminders(runner, deadline - dt.timedelta(days=3))
    assert "0 sent" in run_reminders(runner, deadline - dt.timedelta(days=3))
    assert "0 sent" in run_reminders(runner, deadline - dt.timedelta(days=1))

    sent = reminders_to(person)
    assert [m.subject for m in sent] == ["Reminder: your CPD audit profile is due"] * 2
    assert "in 14 days" in sent[0].body_text and "in 3 days" in sent[1].body_text
    selection = selections_of(only_audit())[0]
    assert link_in(sent[1], "/cpd/audit/") == f"/cpd/audit/{selection.id}"


def test_a_member_already_within_3_days_gets_only_the_3_day_reminder(app, runner):
    staff = staff_member()
    membership = MembershipFactory(long_standing=True)
    deadline = london_today() + dt.timedelta(days=20)
    CpdAuditFactory(staff=staff, deadline_on=deadline)
    db.session.commit()

    run_reminders(runner, deadline - dt.timedelta(days=2))
    run_reminders(runner, deadline - dt.timedelta(days=1))

    sent = reminders_to(membership.person)
    assert len(sent) == 1 and "in 2 days" in sent[0].body_text


def test_members_who_have_submitted_get_no_reminders(app, runner):
    staff = staff_member()
    waiting, submitted = MembershipFactory(long_standing=True), MembershipFactory(long_standing=True)
    entry = CpdEntryFactory(person=submitted.person, hours=3, done_on=audited_year().starts_on)
    deadline = london_today() + dt.timedelta(days=20)
    audit = CpdAuditFactory(staff=staff, deadline_on=deadline)
    selection = next(s for s in selections_of(audit) if s.person_id == submitted.person_id)
    audits.submit_profile(submitted.person, selection, "My year in practice.", [entry.id])
    db.session.commit()

    run_reminders(runner, deadline - dt.timedelta(days=14))
    run_reminders(runner, deadline - dt.timedelta(days=3))

    assert reminders_to(submitted.person) == []
    assert len(reminders_to(waiting.person)) == 2


def test_a_profile_reopened_for_more_information_is_reminded_of_its_new_deadline(app, runner):
    staff = staff_member()
    membership = MembershipFactory(long_standing=True)
    person = membership.person
    entry = CpdEntryFactory(person=person, hours=3, done_on=audited_year().starts_on)
    today = london_today()
    [selection] = selections_of(CpdAuditFactory(staff=staff, deadline_on=today + dt.timedelta(days=14)))
    db.session.commit()
    run_reminders(runner, today)  # the 14-day reminder for the first deadline
    audits.submit_profile(person, selection, "My year in practice.", [entry.id])
    standard_id = cpd_services.accepted_version(person).standards[0].id
    audits.review(staff, selection, {standard_id: (Outcome.MORE_INFORMATION, "")}, Outcome.MORE_INFORMATION, "")
    db.session.commit()
    new_deadline = selection.deadline_on
    assert new_deadline == today + dt.timedelta(days=21)

    assert "1 sent" in run_reminders(runner, new_deadline - dt.timedelta(days=14))
    assert "1 sent" in run_reminders(runner, new_deadline - dt.timedelta(days=3))
    assert "0 sent" in run_reminders(runner, new_deadline - dt.timedelta(days=3))

    sent = reminders_to(person)
    assert [("in 14 days" in m.body_text, "in 3 days" in m.body_text) for m in sent] == [
        (True, False),
        (True, False),
        (False, True),
    ]
    assert f"due by {new_deadline.day} {new_deadline:%B %Y}" in sent[-1].body_text


def offered_years(response):
    html = response.get_data(as_text=True)
    select = re.search(r'<select[^>]*id="year"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [unescape(label) for label in re.findall(r"<option[^>]*>(.*?)</option>", select)]


def test_the_audit_form_offers_only_cpd_years_that_have_ended(client):
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC), tick=False):
        sign_in(client, staff_member())
        page = client.get("/admin/cpd/audits/new")
        assert offered_years(page) == [
            "2025 to 2026 (1 April 2025 to 31 March 2026)",
            "2024 to 2025 (1 April 2024 to 31 March 2025)",
            "2023 to 2024 (1 April 2023 to 31 March 2024)",
        ]
        assert 'value="2027-01-27"' in page.get_data(as_text=True)  # the deadline offered: eight weeks on


def test_an_audit_of_a_cpd_year_still_running_is_refused(staff_client):
    client, _ = staff_client
    MembershipFactory(long_standing=True)

    response = client.post("/admin/cpd/audits/new", data=audit_form(year=str(current_year().key)))

    assert errors_on_field(response, "year") == ["Choose a CPD year that has ended from the list"]
    with pytest.raises(CpdError, match="has not ended yet"):
        CpdAuditFactory(staff=staff_member(), year=current_year())
    assert db.session.scalar(sa.select(sa.func.count(CpdAudit.id))) == 0


@pytest.mark.parametrize("settings", [{"CPD_YEAR_STARTS": "01-01"}])
def test_audit_dates_follow_the_configured_cpd_year(client, settings):
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        sign_in(client, staff_member())
        membership = MembershipFactory(long_standing=True)
        assert offered_years(client.get("/admin/cpd/audits/new"))[0] == "2025 (1 January 2025 to 31 December 2025)"
        client.post("/admin/cpd/audits/new", data=audit_form(year="2025", share="100"))
        audit = only_audit()
        page = page_text(client.get(f"/admin/cpd/audits/{audit.id}"))
        assert "CPD audit of 2025" in page and "The CPD year 1 January 2025 to 31 December 2025." in page
        sign_in(client, membership.person)
        [selection] = selections_of(audit)
        assert "CPD year 2025." in page_text(client.get(f"/cpd/audit/{selection.id}"))
