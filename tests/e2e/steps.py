"""What the browser tests share: the accessibility check, signing in as a person would, moving through a
page with the keyboard, reading emails, typing a card into the payment provider's field, logging CPD."""

import importlib.util
import re
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from flask import current_app
from playwright.sync_api import expect

from nalw.core.outbox import OutboxMessage
from nalw.core.time import london_today
from nalw.cpd.models import ActivityType
from nalw.extensions import db
from tests.factories import DEFAULT_PASSWORD, CpdEntryFactory

# axe-core as the axe-playwright-python package ships it: no download needed.
AXE_SCRIPT = (
    Path(importlib.util.find_spec("axe_playwright_python").submodule_search_locations[0]) / "axe.min.js"
).read_text()
WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page):
    """The WCAG 2.2 A and AA violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline scripts.
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA_TAGS,
    )
    return results["violations"]


# What axe-core lets pass: a label, description or in-page link that names an id no element,
# or several, has. The browser takes the first element with the id, so the second form's field
# on a page is left without its label, and an error summary link goes nowhere.
BROKEN_ID_REFERENCES = """() => {
  const found = [];
  const referencing = [
    ["label[for]", (element) => [element.htmlFor]],
    ['a[href^="#"]', (element) => [decodeURIComponent(element.getAttribute("href").slice(1))]],
  ];
  for (const attribute of ["aria-labelledby", "aria-describedby", "aria-controls"]) {
    referencing.push([`[${attribute}]`, (element) => element.getAttribute(attribute).split(/\\s+/)]);
  }
  for (const [selector, idsOf] of referencing) {
    for (const element of document.querySelectorAll(selector)) {
      for (const id of idsOf(element).filter(Boolean)) {
        const count = document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length;
        if (count !== 1) {
          found.push({html: element.outerHTML.slice(0, 200), id: id, count: count});
        }
      }
    }
  }
  return found;
}"""


def broken_id_references(page):
    """References to an id that no element, or more than one, has: in the shape of axe-core's violations."""
    found = page.evaluate(BROKEN_ID_REFERENCES)
    if not found:
        return []
    return [
        {
            "id": "id-reference",
            "impact": "serious",
            "help": "A label, description or in-page link must point to exactly one element",
            "helpUrl": "https://www.w3.org/WAI/WCAG22/Understanding/info-and-relationships",
            "nodes": [
                {
                    "target": [reference["html"]],
                    "failureSummary": f"{reference['count']} elements have the id {reference['id']!r}",
                }
                for reference in found
            ],
        }
    ]


def accessibility_violations(page):
    """What axe-core finds, and the broken id references it does not look for."""
    return axe_violations(page) + broken_id_references(page)


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page):
    """Zero WCAG 2.2 A/AA violations on the page, or a failure naming each one and where it is."""
    violations = accessibility_violations(page)
    assert not violations, f"WCAG 2.2 A/AA problems on {page.url}:\n{describe_violations(violations)}"


class AccessibilityReport:
    """Checks page after page and fails once at the end, listing every page with problems."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        self.checked = []

    def check(self, what):
        violations = accessibility_violations(self.page)
        self.checked.append(what)
        if violations:
            self.problems.append(f"{what} ({self.page.url}):\n{describe_violations(violations)}")

    def assert_clean(self):
        assert not self.problems, (
            f"WCAG 2.2 A/AA problems on {len(self.problems)} of {len(self.checked)} pages:\n\n"
            + "\n\n".join(self.problems)
        )


def submit_expecting_errors(page, button):
    """Submit a form that should come back with errors, and wait for the new page itself: a page that already
    showed errors would otherwise pass the check before its replacement (and its styles) had loaded."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=button).click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()


def open_page(page, path, status=200):
    """Go to `path` and check the server's answer (never a crash page)."""
    response = page.goto(path)
    assert response.status == status, f"{path} answered {response.status}, expected {status}"
    return response


def totp_code(secret):
    return pyotp.TOTP(secret).now()


def sign_in(page, person, password=DEFAULT_PASSWORD):
    """Sign in through the form, with the authenticator code when the person has two-factor on."""
    email, secret, two_factor = person.email, person.totp_secret, person.two_factor_enabled
    open_page(page, "/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    if two_factor:
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
        page.get_by_label("Code").fill(totp_code(secret))
        page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/account/sign-in"))  # on the page signing in leads to
    show_menu(page)
    expect(page.get_by_text(f"Signed in as {person.name}")).to_be_visible()


MENU_BUTTONS = {"Main": "Menu", "Staff": "Staff menu"}


def menu_button(page, navigation="Main"):
    """The button a narrow window folds the navigation named `navigation` behind ("Main" or "Staff")."""
    return page.get_by_role("navigation", name=navigation).locator("summary", has_text=MENU_BUTTONS[navigation])


def show_menu(page, navigation="Main"):
    """Open the navigation named `navigation` where a narrow window has folded it behind its button, as a person
    would to reach a link in it; on a wide window it is open already."""
    # The stylesheet decides whether the menu is folded: before it has loaded, every button looks shown.
    page.wait_for_load_state()
    if menu_button(page, navigation).is_visible() and not is_expanded(page, MENU_BUTTONS[navigation]):
        menu_button(page, navigation).click()
        assert is_expanded(page, MENU_BUTTONS[navigation])


def is_expanded(page, name):
    """Whether the browser tells assistive technology that the control named `name` is expanded (what a screen
    reader announces), read from Chromium's accessibility tree; None where no such control is shown."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    for node in nodes:
        if node.get("ignored") or node.get("name", {}).get("value") != name:
            continue
        for state in node.get("properties", []):
            if state["name"] == "expanded":
                return state["value"]["value"]
    return None


FOCUSED_ELEMENT = "() => document.activeElement.id || document.activeElement.innerText.trim()"


def tab_until(page, target, most=20):
    """Press Tab until `target` (a locator) has focus; fail, naming each stop, if it never does."""
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
        stops.append(page.evaluate(FOCUSED_ELEMENT))
    pytest.fail(f"{target} never took focus; Tab went to: {stops}")


def latest_email_link(address, path_start):
    """The link starting with SITE_URL + `path_start` in the newest email to `address`, as a path."""
    db.session.rollback()  # read what the server has committed since
    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email to {address} in the outbox"
    site_url = current_app.config["SITE_URL"]
    match = re.search(re.escape(site_url + path_start) + r"\S*", message.text_to_send)
    assert match, f"no link to {path_start} in the email to {address}:\n{message.text_to_send}"
    path = match.group(0)[len(site_url) :]
    db.session.rollback()
    return path


def enter_card(page, number, expiry_month="12", expiry_year="34", security_code="123", postcode="LS1 4AP"):
    """Type a card into the payment provider's field, as the cardholder does, once Stripe.js has mounted it.

    localstripe's Stripe.js renders plain inputs, which static/js/card-payment.js labels.
    """
    expect(page.get_by_label("Card number", exact=True)).to_be_visible()
    page.get_by_label("Card number", exact=True).fill(number)
    page.get_by_label("Expiry month (MM)").fill(expiry_month)
    page.get_by_label("Expiry year (YY)").fill(expiry_year)
    page.get_by_label("Security code", exact=True).fill(security_code)
    page.get_by_label("Postcode", exact=True).fill(postcode)


def log_cpd(person, title, *, hours=1, standards=("S1",), done_on=None, complete=True, activity=ActivityType.COURSE):
    """A committed CPD entry of `person` (who has a membership), made by CpdEntryFactory as the form saves one.

    `standards` are codes of the version of the code of practice the person accepted; a draft has no reflection.
    """
    entry = CpdEntryFactory(
        person=person,
        title=title,
        hours=hours,
        standards=standards,
        done_on=done_on or london_today(),
        complete=complete,
        activity_type=activity,
    )
    db.session.commit()
    return entry
