"""Staff lists in a browser: a day given in the address stays in its date box through the next Filter, and what
is not a day is named in its error, since a date box cannot show it."""

import re

import pytest
from playwright.sync_api import expect

from nalw.core.permissions import Role
from tests.e2e.steps import assert_accessible, open_page, sign_in

pytestmark = pytest.mark.e2e


def test_a_day_in_the_address_is_kept_when_staff_filter_again(page, make_person):
    sign_in(page, make_person(name="Dana Dates", roles=[Role.STAFF], two_factor=True))
    open_page(page, "/admin/payments?made_from=31/10/2026")
    made_from = page.get_by_label("Made from")

    expect(made_from).to_have_value("2026-10-31")
    page.get_by_label("Status").select_option("Succeeded")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"made_from=2026-10-31"))
    expect(made_from).to_have_value("2026-10-31")


def test_what_is_not_a_day_is_named_in_the_error_beside_its_empty_date_box(page, make_person):
    sign_in(page, make_person(name="Nina Nonsense", roles=[Role.STAFF], two_factor=True))
    open_page(page, "/admin/payments?made_from=banana")

    expect(page.get_by_label("Made from")).to_have_value("")
    expect(page.locator("#made_from-error")).to_contain_text('"banana" is not a date. Enter made from as a date')
    expect(page.get_by_text("Correct the filters above to see the list.")).to_be_visible()
    expect(page.get_by_text("found.")).to_have_count(0)
    assert_accessible(page)
