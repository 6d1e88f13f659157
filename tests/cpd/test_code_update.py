"""A new code of practice: the member's CPD page says so, which version new entries use, and asks them to accept it."""

import datetime as dt

import pytest
import time_machine

from nalw.cpd import services
from nalw.extensions import db
from tests.factories import publish_new_code_version, standard
from tests.helpers import page_text
from tests.members.steps import errors_on_field, hidden_value

NOW = dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def new_version(person, person_as):
    return publish_new_code_version(person_as("admin"))


def test_the_cpd_page_says_nothing_while_the_member_has_the_current_code(client, person):
    assert "A new code of practice" not in page_text(client.get("/cpd"))


def test_after_a_new_code_is_published_the_cpd_page_says_which_version_new_entries_use_and_asks_to_accept(
    client, person, new_version
):
    page = client.get("/cpd")

    text = page_text(page)
    assert "A new code of practice: Version 2" in text
    assert (
        "Version 2 of the code of practice was published on 10 Feb 2026. Your new entries use Version 1, "
        "the version you accepted, until you accept Version 2: entries you log from the day you accept it use its "
        "standards."
    ) in text
    assert 'href="/cpd/code-of-practice"' in page.get_data(as_text=True)
    assert "Read and accept Version 2" in text


def test_accepting_the_new_code_from_the_cpd_page_moves_new_entries_to_its_standards(
    client, person, new_version, clock
):
    clock.shift(dt.timedelta(minutes=5))
    form = client.get("/cpd/code-of-practice")
    assert "S10 Working with digital tools" in page_text(form)
    assert "You accepted Version 1 on 10 Feb 2026" in page_text(form)

    response = client.post(
        "/cpd/code-of-practice",
        data={"code_version_id": hidden_value(form, "code_version_id"), "accept_code": "y"},
        follow_redirects=True,
    )

    assert "You have accepted Version 2 of the code of practice. New entries use its standards." in page_text(response)
    assert "A new code of practice" not in page_text(response)
    membership = services.logging_membership(person)
    db.session.refresh(membership)
    assert membership.code_version_id == new_version.id
    assert membership.code_accepted_at == NOW + dt.timedelta(minutes=5)
    assert "S10 Working with digital tools" in page_text(client.get("/cpd/entries/new"))
    assert standard("S10", new_version).id in [each.id for each in services.accepted_version(person).standards]


def test_accepting_without_ticking_the_box_is_refused_at_the_field_and_changes_nothing(client, person, new_version):
    form = client.get("/cpd/code-of-practice")

    response = client.post("/cpd/code-of-practice", data={"code_version_id": hidden_value(form, "code_version_id")})

    assert errors_on_field(response, "accept_code") == ["Accept the current code of practice"]
    assert services.accepted_version(person).number == 1


def test_a_version_published_while_the_member_was_reading_must_be_read_first(client, person, new_version, person_as):
    form = client.get("/cpd/code-of-practice")
    publish_new_code_version(person_as("admin"), code="S11", title="Climate and health")

    response = client.post(
        "/cpd/code-of-practice", data={"code_version_id": hidden_value(form, "code_version_id"), "accept_code": "y"}
    )

    assert errors_on_field(response, "accept_code") == [
        "The code of practice was updated while you were reading it. Read the new version and accept it."
    ]
    assert "Accept Version 3 of the code of practice" in page_text(response)
    assert services.accepted_version(person).number == 1
