"""Members report gaps and barriers, and see, change and withdraw their own; nothing that identifies anyone."""

import pytest
import sqlalchemy as sa

from nalw.accounts.services import export_personal_data
from nalw.core.regions import Region
from nalw.extensions import db
from nalw.insight import identifiers, services
from nalw.insight.models import AffectedBand, Report, ReportStatus, ServiceState, Theme
from tests.factories import MembershipFactory, ReportFactory
from tests.helpers import page_text, rows_of, sign_in

GOOD_ANSWERS = {
    "theme": "transport",
    "region": "north_west",
    "local_authority": "Wigan",
    "affected": "six_to_twenty",
    "service_state": "unreachable",
    "description": "The only bus to the community garden stopped in March; older people cannot get there.",
}


@pytest.fixture
def member_client(client):
    membership = MembershipFactory(region=Region.WALES)
    sign_in(client, membership.person)
    return client, membership.person


def test_member_reports_a_barrier_and_sees_it_in_their_reports(member_client):
    client, person = member_client

    form = client.get("/insight/report")
    assert '<option selected value="wales">' in form.get_data(as_text=True)  # the membership's region to start with
    assert "Leave out anything that could identify someone" in page_text(form)
    response = client.post("/insight/report", data=GOOD_ANSWERS)

    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report).where(Report.reporter_id == person.id))
    assert (report.theme, report.region, report.local_authority) == (Theme.TRANSPORT, Region.NORTH_WEST, "Wigan")
    assert report.status is ReportStatus.ACTIVE
    assert "The only bus to the community garden" in page_text(client.get("/insight/my-reports"))


def test_someone_not_in_good_standing_is_told_to_renew_and_cannot_report(client):
    membership = MembershipFactory(lapsed=True)
    sign_in(client, membership.person)

    page = client.get("/insight/report")
    refused = client.post("/insight/report", data=GOOD_ANSWERS)

    assert "Only members in good standing" in page_text(page)
    assert "Only members in good standing" in page_text(refused)
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0
    with pytest.raises(services.NotInGoodStanding):
        services.make_report(
            membership.person,
            theme=Theme.HOUSING,
            region=Region.WALES,
            local_authority="",
            affected=AffectedBand.ONE,
            service_state=ServiceState.FULL,
            description="No housing advice",
        )


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("Email jo.bloggs@example.org about the group", identifiers.EMAIL_MESSAGE),
        ("Ring 07700 900123 for the food bank", identifiers.PHONE_MESSAGE),
        ("Ring +44 7700 900123 for the food bank", identifiers.PHONE_MESSAGE),
        ("Ring +44 (0)161 496 0000 for the food bank", identifiers.PHONE_MESSAGE),
        ("Ring (0161) 496 0000 for the food bank", identifiers.PHONE_MESSAGE),
        ("Ring 020-7946-0000 for the food bank", identifiers.PHONE_MESSAGE),
        ("Patient 943 476 5919 waited a year", identifiers.NHS_NUMBER_MESSAGE),
        ("Patient 9434765919 waited a year", identifiers.NHS_NUMBER_MESSAGE),
        ("Patient 943-476-5919 waited a year", identifiers.NHS_NUMBER_MESSAGE),
        ("Patient 401 023 2137 waited a year", identifiers.NHS_NUMBER_MESSAGE),
        ("Lives at M1 1AE with no bus", identifiers.POSTCODE_MESSAGE),
        ("Lives at sw1a1aa with no bus", identifiers.POSTCODE_MESSAGE),
        ("Lives at EH1 2NG with no bus", identifiers.POSTCODE_MESSAGE),
    ],
)
def test_a_description_that_could_identify_someone_is_refused_saying_why(member_client, description, message):
    client, _person = member_client
    before = rows_of(Report)

    response = client.post("/insight/report", data={**GOOD_ANSWERS, "description": description})

    assert response.status_code == 200
    assert message in page_text(response)
    assert "There is a problem" in page_text(response)
    assert rows_of(Report) == before


@pytest.mark.parametrize(
    "description",
    [
        "Ten digits that fail the NHS check: 943 476 5918, a reference on a letter",
        "4010232138 is not a valid NHS number",
        "People in M1 and M4 cannot reach the centre",
        "12 people in 2026 waited 3 weeks",
    ],
)
def test_digits_that_fail_the_nhs_check_and_an_outward_code_alone_are_allowed(member_client, description):
    client, person = member_client

    response = client.post("/insight/report", data={**GOOD_ANSWERS, "description": description})

    assert response.status_code == 302
    assert db.session.scalar(sa.select(Report.description).where(Report.reporter_id == person.id)) == description


def test_nhs_modulus_11_check():
    assert identifiers.nhs_number_is_valid("9434765919")
    assert identifiers.nhs_number_is_valid("4010232137")
    assert not identifiers.nhs_number_is_valid("9434765918")
    assert not identifiers.nhs_number_is_valid("4010232138")


def test_an_area_outside_the_chosen_region_is_refused_at_its_field(member_client):
    client, _person = member_client

    response = client.post("/insight/report", data={**GOOD_ANSWERS, "region": "london", "local_authority": "Wigan"})

    assert "Wigan is in North West, not London" in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0


def test_every_field_left_empty_is_named(member_client):
    client, _person = member_client

    text = page_text(client.post("/insight/report", data={}))

    for message in (
        "Choose what the gap or barrier is about",
        "Choose how many people it affected in the last month",
        "Choose whether a service exists for this",
        "Enter a short description of the gap or barrier",
    ):
        assert message in text


def test_member_changes_their_report_and_the_same_rules_apply(member_client):
    client, person = member_client
    report = ReportFactory(reporter=person)

    refused = client.post(
        f"/insight/reports/{report.id}/edit", data={**GOOD_ANSWERS, "description": "Call 07700 900123"}
    )
    saved = client.post(f"/insight/reports/{report.id}/edit", data={**GOOD_ANSWERS, "theme": "housing"})

    assert identifiers.PHONE_MESSAGE in page_text(refused)
    assert saved.status_code == 302
    db.session.refresh(report)
    assert report.theme is Theme.HOUSING


def test_member_withdraws_their_report_and_can_no_longer_change_it(member_client):
    client, person = member_client
    report = ReportFactory(reporter=person)

    client.post(f"/insight/reports/{report.id}/withdraw")

    db.session.refresh(report)
    assert report.status is ReportStatus.WITHDRAWN
    assert "Withdrawn by the member" in page_text(client.get("/insight/my-reports"))
    refused = client.post(
        f"/insight/reports/{report.id}/edit", data={**GOOD_ANSWERS, "theme": "housing"}, follow_redirects=True
    )
    db.session.refresh(report)
    assert report.theme is Theme.TRANSPORT
    assert "This report is withdrawn by the member: it can no longer be changed." in page_text(refused)


def test_nobody_sees_or_changes_another_members_report(member_client):
    client, _person = member_client
    someone_elses = ReportFactory()

    assert client.get(f"/insight/reports/{someone_elses.id}/edit").status_code == 404
    assert client.post(f"/insight/reports/{someone_elses.id}/withdraw").status_code == 404
    assert someone_elses.description not in page_text(client.get("/insight/my-reports"))
    db.session.refresh(someone_elses)
    assert someone_elses.status is ReportStatus.ACTIVE


def test_a_members_reports_are_in_their_data_download(member_client):
    _client, person = member_client
    ReportFactory(reporter=person, theme=Theme.ISOLATION)

    [exported] = export_personal_data(person)["gap_and_barrier_reports"]
    assert exported["theme"] == "isolation" and exported["status"] == "active"


def test_an_identifying_description_is_named_with_every_other_problem_at_once(member_client):
    client, _person = member_client

    text = page_text(client.post("/insight/report", data={"description": "Ring 07700 900123, lives at M1 1AE"}))

    assert "Choose what the gap or barrier is about" in text
    assert identifiers.PHONE_MESSAGE in text and identifiers.POSTCODE_MESSAGE in text
