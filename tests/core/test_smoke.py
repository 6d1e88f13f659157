"""What `make run` depends on: the migrated database, demo data and signing in. Also run on SQLite."""

import pytest
import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.demo import DEMO_PASSWORD, DEMO_PEOPLE
from nalw.extensions import db
from tests.helpers import page_text

pytestmark = pytest.mark.smoke


def test_home_page_opens(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "professional body for social prescribing link workers" in page_text(response)


def test_health_check_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_demo_seed_twice_adds_each_person_once(runner):
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert f"{len(DEMO_PEOPLE)} people added" in first.output
    assert "0 people added" in second.output
    emails = [email for _, email, _ in DEMO_PEOPLE]
    assert db.session.scalar(sa.select(sa.func.count()).where(Person.email.in_(emails))) == len(DEMO_PEOPLE)


def test_demo_member_signs_in(client, runner):
    runner.invoke(args=["demo", "seed"])
    response = client.post(
        "/account/sign-in",
        data={"email": "member@demo.nalw.org.uk", "password": DEMO_PASSWORD},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Signed in as Morgan Member" in page_text(response)
