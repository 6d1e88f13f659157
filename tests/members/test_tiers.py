"""Admins edit the membership tiers: fees in pounds kept as pence, seats for organisations, CPD hours
that change from the next CPD year, every change audited."""

import pytest
import sqlalchemy as sa

from nalw.core.cpd_years import current_year, year_starting_in
from nalw.cpd import services as cpd_services
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import Eligibility, Tier
from tests.factories import MembershipFactory, link_worker_tier, organisation_tier
from tests.helpers import page_text, sign_in
from tests.members.steps import audit_entries, errors_on_field, membership_tables


def tier_form(**overrides):
    form = {
        "name": "Link Worker",
        "description": "For practising social prescribing link workers.",
        "annual_fee": "45.00",
        "eligibility": "practitioner",
        "cpd_hours_required": "20",
        "seats": "",
        "open_for_applications": "y",
    }
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def tables_the_tier_form_changes():
    """Every row the tier form could change (the tiers and their CPD hours by year among them)."""
    rows = membership_tables()
    for name in ("tiers", "tier_cpd_requirements"):
        table = db.metadata.tables[name]
        rows[name] = db.session.execute(sa.select(table).order_by(table.c.id)).all()
    return rows


def hours_required_of_a_member(tier, year):
    """What a member of `tier` is asked to log in the CPD year `year`, as their CPD page shows it."""
    membership = MembershipFactory(tier=tier)
    return cpd_services.progress(membership.person, year).required_hours


def test_an_admin_changes_a_fee_in_pounds_and_it_is_kept_in_pence_and_audited(client, person_as):
    admin = person_as("admin")
    sign_in(client, admin)
    tier = link_worker_tier()
    assert 'value="45.00"' in client.get(f"/admin/tiers/{tier.id}").get_data(as_text=True)

    response = client.post(
        f"/admin/tiers/{tier.id}",
        data=tier_form(annual_fee="£52.50", cpd_hours_required="25", description=tier.description),
        follow_redirects=True,
    )

    assert "Tier Link Worker saved." in page_text(response)
    next_year = year_starting_in(current_year().key + 1)
    assert f"Link Worker £52.50 Practising link workers 20 (25 from {next_year.label})" in page_text(response)
    assert (tier.annual_fee_pence, tier.cpd_hours_required) == (5250, 25)
    [entry] = audit_entries("tier.saved")
    assert entry.actor_id == admin.id
    assert entry.changes() == [("annual_fee_pence", 4500, 5250), ("cpd_hours_required", 20, 25)]
    assert entry.before["name"] == entry.after["name"] == "Link Worker"


def test_an_admin_adds_an_organisation_tier_with_seats(client, person_as):
    sign_in(client, person_as("admin"))

    client.post(
        "/admin/tiers/new",
        data=tier_form(name="Large Organisation", annual_fee="900", eligibility="organisation", seats="25"),
    )

    tier = db.session.scalar(sa.select(Tier).where(Tier.name == "Large Organisation"))
    assert (tier.annual_fee_pence, tier.eligibility, tier.seats) == (90000, Eligibility.ORGANISATION, 25)
    assert audit_entries("tier.saved")[-1].before is None


def test_tier_names_give_each_tiers_id_and_name_in_the_order_tiers_are_shown(client, person_as):
    sign_in(client, person_as("admin"))
    # Tiers go by position, then name: a new tier comes last though its name is first from A to Z, and Link Worker
    # given Organisation's position comes just before it.
    client.post("/admin/tiers/new", data=tier_form(name="Affiliate", eligibility="associate"))
    link_worker_tier().position = organisation_tier().position
    db.session.flush()
    ids = {tier.name: tier.id for tier in db.session.scalars(sa.select(Tier))}

    names = member_services.tier_names()

    in_order = ["Student or Trainee", "Associate", "Link Worker", "Organisation", "Affiliate"]
    assert [tuple(row) for row in names] == [(ids[name], name) for name in in_order]
    assert [(row.id, row.name) for row in names] == [(tier.id, tier.name) for tier in member_services.all_tiers()]


@pytest.mark.parametrize("path", ["/admin/tiers/new", "link worker"])
def test_seats_on_a_tier_not_for_organisations_are_refused_at_the_seats_field(client, person_as, path):
    sign_in(client, person_as("admin"))
    if path == "link worker":
        path = f"/admin/tiers/{link_worker_tier().id}"
    before = tables_the_tier_form_changes()

    response = client.post(path, data=tier_form(name="Practitioner Plus", seats="5"))

    assert errors_on_field(response, "seats") == [
        "Seats are for organisation tiers only. Leave seats empty for this tier"
    ]
    assert tables_the_tier_form_changes() == before


@pytest.mark.parametrize(
    ("entered", "field_id", "message"),
    [
        ({"name": ""}, "name", "Enter a name"),
        ({"name": "associate"}, "name", "Another tier has that name. Choose a different name."),
        ({"annual_fee": ""}, "annual_fee", "Enter the annual fee in pounds, like 45 or 45.00, or 0 if free"),
        ({"annual_fee": "forty"}, "annual_fee", "Enter an amount in pounds, like 45 or 45.50"),
        ({"annual_fee": "-5"}, "annual_fee", "Enter an amount in pounds, like 45 or 45.50"),
        ({"annual_fee": "45.505"}, "annual_fee", "Enter an amount in pounds, like 45 or 45.50"),
        ({"eligibility": "aliens"}, "eligibility", "Choose who may join"),
        ({"cpd_hours_required": ""}, "cpd_hours_required", "Enter the CPD hours required, or 0"),
        ({"cpd_hours_required": "lots"}, "cpd_hours_required", "CPD hours must be a whole number from 0 to 200"),
        ({"cpd_hours_required": "201"}, "cpd_hours_required", "CPD hours must be a whole number from 0 to 200"),
        ({"eligibility": "organisation"}, "seats", "Enter how many seats an organisation gets"),
        ({"eligibility": "organisation", "seats": "0"}, "seats", "Seats must be a whole number from 1 to 1000"),
        ({"eligibility": "organisation", "seats": "ten"}, "seats", "Seats must be a whole number from 1 to 1000"),
        ({"seats": "5"}, "seats", "Seats are for organisation tiers only. Leave seats empty for this tier"),
    ],
    ids=lambda value: str(value),
)
def test_bad_input_gets_a_message_on_the_field_and_changes_nothing(client, person_as, entered, field_id, message):
    sign_in(client, person_as("admin"))
    tier = link_worker_tier()
    before = tables_the_tier_form_changes()

    response = client.post(f"/admin/tiers/{tier.id}", data=tier_form(**entered))

    assert response.status_code == 200
    assert errors_on_field(response, field_id) == [message]
    assert tables_the_tier_form_changes() == before
    db.session.refresh(tier)
    assert (tier.name, tier.annual_fee_pence, tier.seats) == ("Link Worker", 4500, None)


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        (
            {"name": "associate", "annual_fee": "forty", "cpd_hours_required": "lots", "eligibility": "organisation"},
            {
                "name": "Another tier has that name. Choose a different name.",
                "annual_fee": "Enter an amount in pounds, like 45 or 45.50",
                "cpd_hours_required": "CPD hours must be a whole number from 0 to 200",
                "seats": "Enter how many seats an organisation gets",
            },
        ),
        (
            {"name": "", "annual_fee": "45.505", "seats": "5"},
            {
                "name": "Enter a name",
                "annual_fee": "Enter an amount in pounds, like 45 or 45.50",
                "seats": "Seats are for organisation tiers only. Leave seats empty for this tier",
            },
        ),
    ],
    ids=["name taken, fee, hours, seats missing", "no name, fee, seats given"],
)
def test_the_tier_form_reports_every_problem_at_once_at_its_field(client, person_as, entered, expected):
    sign_in(client, person_as("admin"))
    tier = link_worker_tier()
    before = tables_the_tier_form_changes()

    response = client.post(f"/admin/tiers/{tier.id}", data=tier_form(**entered))

    fields = ("name", "description", "annual_fee", "eligibility", "cpd_hours_required", "seats")
    shown = {field: errors_on_field(response, field) for field in fields}
    assert shown == {field: [expected[field]] if field in expected else [] for field in fields}
    assert tables_the_tier_form_changes() == before


def test_a_change_of_cpd_hours_applies_from_the_next_cpd_year(client, person_as):
    sign_in(client, person_as("admin"))
    tier = link_worker_tier()
    this_year = current_year()

    response = client.post(f"/admin/tiers/{tier.id}", data=tier_form(cpd_hours_required="25"))

    assert response.status_code == 302
    assert tier.cpd_hours_required == 25
    assert hours_required_of_a_member(tier, this_year.previous()) == 20
    assert hours_required_of_a_member(tier, this_year) == 20
    assert hours_required_of_a_member(tier, year_starting_in(this_year.key + 1)) == 25
    assert audit_entries("tier.cpd_requirement_changed_for_current_year") == []


def test_ticking_the_current_year_too_changes_it_as_well_and_is_audited(client, person_as):
    admin = person_as("admin")
    sign_in(client, admin)
    tier = link_worker_tier()
    this_year = current_year()
    assert "Apply a change of CPD hours to the current CPD year too" in page_text(client.get(f"/admin/tiers/{tier.id}"))

    client.post(f"/admin/tiers/{tier.id}", data=tier_form(cpd_hours_required="25", cpd_hours_for_current_year="y"))

    assert hours_required_of_a_member(tier, this_year.previous()) == 20
    assert hours_required_of_a_member(tier, this_year) == 25
    assert hours_required_of_a_member(tier, year_starting_in(this_year.key + 1)) == 25
    [entry] = audit_entries("tier.cpd_requirement_changed_for_current_year")
    assert entry.actor_id == admin.id
    assert entry.changes() == [("hours_required", 20, 25)]
    assert entry.after["cpd_year"] == this_year.label


def test_a_new_tier_requires_its_cpd_hours_in_every_cpd_year(client, person_as):
    sign_in(client, person_as("admin"))
    assert "current CPD year too" not in page_text(client.get("/admin/tiers/new"))

    client.post("/admin/tiers/new", data=tier_form(name="Senior Link Worker", annual_fee="60", cpd_hours_required="30"))

    tier = db.session.scalar(sa.select(Tier).where(Tier.name == "Senior Link Worker"))
    for year in (year_starting_in(2000), current_year().previous(), current_year()):
        assert hours_required_of_a_member(tier, year) == 30


def test_an_organisation_tier_cannot_lose_its_seats(client, person_as):
    sign_in(client, person_as("admin"))
    tier = organisation_tier()

    response = client.post(
        f"/admin/tiers/{tier.id}",
        data=tier_form(name="Organisation", annual_fee="400", eligibility="organisation", seats=""),
    )

    assert errors_on_field(response, "seats") == ["Enter how many seats an organisation gets"]
    assert tier.seats == 10


def test_staff_who_are_not_admins_cannot_open_or_change_tiers(client, person_as):
    sign_in(client, person_as("staff"))
    tier = link_worker_tier()
    before = membership_tables()

    for path in ("/admin/tiers", "/admin/tiers/new", f"/admin/tiers/{tier.id}"):
        assert client.get(path).status_code == 403
    for path in ("/admin/tiers/new", f"/admin/tiers/{tier.id}"):
        assert client.post(path, data=tier_form(annual_fee="1")).status_code == 403
    assert membership_tables() == before
    assert tier.annual_fee_pence == 4500


def test_the_tier_choice_shows_the_cpd_hours_in_force_this_year_not_a_change_made_for_next_year(client, person_as):
    sign_in(client, person_as("admin"))
    tier = link_worker_tier()
    client.post(f"/admin/tiers/{tier.id}", data=tier_form(cpd_hours_required="25"))
    sign_in(client, person_as("account_holder"))

    cards = page_text(client.get("/membership/join"))

    assert f"{tier.name} " in cards
    assert "20 hours of CPD a year" in cards
    assert "25 hours of CPD a year" not in cards
