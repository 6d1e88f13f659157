"""Judges, staff and admins hold no elevated power anywhere until two-factor sign-in is on.

Not only behind `@requires(role)`: on every route (evidence downloads, receipts, any
object-level check) such a person gets what a plain account holder gets. Only the pages
of their own role answer differently: they send them to set two-factor up.
"""

import datetime as dt
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from nalw.core.permissions import Role, access_rule_for
from nalw.extensions import db
from nalw.payments.models import Payment
from tests.cpd.record_steps import upload
from tests.factories import CpdEntryFactory, MembershipFactory, pdf_file
from tests.helpers import ROLE_TRAITS, sign_in
from tests.routes import dummy_value, endpoints


@pytest.fixture
def settings(tmp_path):
    return {"EVIDENCE_STORAGE_DIR": str(tmp_path / "evidence")}


@pytest.fixture
def someone_elses_records(app):
    """A member's membership, payment, CPD entry and evidence file: what staff may open, others may not."""
    membership = MembershipFactory()
    owner = membership.person
    entry = CpdEntryFactory(person=owner, done_on=dt.date.today() - dt.timedelta(days=3), hours=2)
    owner_client = app.test_client()
    sign_in(owner_client, owner)
    assert upload(owner_client, entry, "certificate.pdf", pdf_file()).status_code == 302
    db.session.expire_all()
    payment = db.session.scalars(sa.select(Payment).where(Payment.person_id == owner.id)).first()
    return {
        "person_id": owner.id,
        "membership_id": membership.id,
        "payment_id": payment.id,
        "entry_id": entry.id,
        "evidence_id": entry.evidence[0].id,
    }


def real_request(app, endpoint, records):
    """(method, path) reaching `endpoint`, its ids naming someone else's real records where we have them."""
    url_rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = {
        name: records.get(name, 999999) if isinstance(converter, IntegerConverter) else dummy_value(converter)
        for name, converter in url_rule._converters.items()
    }
    method = "GET" if "GET" in url_rule.methods else "POST"
    with app.test_request_context():
        return method, app.url_for(endpoint, **values)


def outcome(client, person, method, path):
    sign_in(client, person)
    response = client.open(path, method=method)
    return response.status_code, urlsplit(response.headers.get("Location", "")).path


def granted(role_name):
    held = set(ROLE_TRAITS[role_name]["roles"])
    return held | {Role.STAFF} if Role.ADMIN in held else held


@pytest.mark.parametrize("role_name", ["judge", "staff", "admin"])
def test_elevated_role_without_two_factor_gets_what_an_account_holder_gets_on_every_route(
    app, client, person_as, someone_elses_records, role_name
):
    account_holder = person_as("account_holder")
    without_two_factor = person_as(role_name, two_factor=False)
    problems = []
    for endpoint in endpoints(app):
        method, path = real_request(app, endpoint, someone_elses_records)
        expected = outcome(client, account_holder, method, path)
        rule = access_rule_for(app, endpoint)
        if rule.roles and rule.roles & granted(role_name):
            # The pages of their own role keep sending them to set two-factor up.
            expected = (302, "/account/two-factor")
        got = outcome(client, without_two_factor, method, path)
        if got != expected:
            problems.append(f"{method} {path}: an account holder gets {expected}, {role_name} without two-factor {got}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", ["/cpd/evidence/{evidence_id}", "/account/payments/{payment_id}"])
def test_staff_opens_someone_elses_evidence_and_receipt_only_with_two_factor_on(
    client, person_as, someone_elses_records, path
):
    path = path.format(**someone_elses_records)

    with_two_factor = outcome(client, person_as("staff"), "GET", path)
    without_two_factor = outcome(client, person_as("staff", two_factor=False), "GET", path)

    assert with_two_factor == (200, "")
    assert without_two_factor == (404, "")
