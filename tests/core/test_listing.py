"""A list served by `Listing.serve`: its page and its CSV, each behind the guard it was given."""

import pytest
import sqlalchemy as sa
from flask import Blueprint, Flask

from nalw.accounts.models import Person
from nalw.core.forms import FilterForm
from nalw.core.listing import Column, Listing
from nalw.core.permissions import Role, requires
from tests.factories import PersonFactory, staff_member
from tests.helpers import sign_in


class NoFilters(FilterForm):
    def filters(self):
        return {}


def people_listing(endpoint):
    return Listing(
        caption="People",
        filter_form=NoFilters,
        query=lambda: sa.select(Person).order_by(Person.id),
        columns=(Column("Name", lambda person: person.name),),
        endpoint=endpoint,
        filename="people.csv",
    )


def test_serve_adds_the_page_and_its_csv_under_the_lists_endpoints_each_behind_the_guard():
    blueprint = Blueprint("staffish", __name__)
    people_listing("staffish.everyone").serve(blueprint, "/everyone", "admin/people.html", requires(Role.STAFF))

    app = Flask(__name__)
    app.register_blueprint(blueprint, url_prefix="/staffish")
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staffish.")}
    assert rules == {"staffish.everyone": "/staffish/everyone", "staffish.everyone_csv": "/staffish/everyone.csv"}
    for endpoint in rules:
        assert app.view_functions[endpoint].access_rule.roles == {Role.STAFF}


def test_serve_refuses_a_list_whose_endpoint_is_another_blueprints():
    blueprint = Blueprint("staffish", __name__)
    with pytest.raises(ValueError, match="admin.people is not a view of the staffish blueprint"):
        people_listing("admin.people").serve(blueprint, "/everyone", "admin/people.html", requires(Role.STAFF))


def test_a_served_list_pages_and_exports_for_staff_and_refuses_members(app):
    PersonFactory(name="Mina Member")
    member_client = app.test_client()
    sign_in(member_client, PersonFactory(name="Mo Member"))
    assert member_client.get("/admin/people").status_code == 403
    assert member_client.get("/admin/people.csv").status_code == 403

    client = app.test_client()
    sign_in(client, staff_member(name="Sam Staff"))
    page = client.get("/admin/people")
    assert page.status_code == 200 and "Mina Member" in page.get_data(as_text=True)
    export = client.get("/admin/people.csv")
    assert export.mimetype == "text/csv" and "Mina Member" in export.get_data(as_text=True)
