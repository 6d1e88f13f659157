"""What the browser tests share: the axe-core check, signing in as a person would, reading emails."""

import importlib.util
import re
from pathlib import Path

import pyotp
import sqlalchemy as sa
from flask import current_app
from playwright.sync_api import expect

from nalw.core.outbox import OutboxMessage
from nalw.extensions import db
from tests.factories import DEFAULT_PASSWORD

# axe-core as the axe-playwright-python package ships it: no download needed.
AXE_SCRIPT = (
    Path(importlib.util.find_spec("axe_playwright_python").submodule_search_locations[0]) / "axe.min.js"
).read_text()
WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page):
    """The WCAG 2.2 A and AA violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE_SCRIPT)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA_TAGS,
    )
    return results["violations"]


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
    violations = axe_violations(page)
    assert not violations, f"axe-core found problems on {page.url}:\n{describe_violations(violations)}"


class AccessibilityReport:
    """Checks page after page and fails once at the end, listing every page with problems."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        self.checked = []

    def check(self, what):
        violations = axe_violations(self.page)
        self.checked.append(what)
        if violations:
            self.problems.append(f"{what} ({self.page.url}):\n{describe_violations(violations)}")

    def assert_clean(self):
        assert not self.problems, (
            f"axe-core found WCAG 2.2 A/AA problems on {len(self.problems)} of {len(self.checked)} pages:\n\n"
            + "\n\n".join(self.problems)
        )


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
    expect(page.get_by_text(f"Signed in as {person.name}")).to_be_visible()


def latest_email_link(address, path_start):
    """The link starting with SITE_URL + `path_start` in the newest email to `address`, as a path."""
    db.session.rollback()  # read what the server has committed since
    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email to {address} in the outbox"
    site_url = current_app.config["SITE_URL"]
    match = re.search(re.escape(site_url + path_start) + r"\S*", message.body_text)
    assert match, f"no link to {path_start} in the email to {address}:\n{message.body_text}"
    path = match.group(0)[len(site_url) :]
    db.session.rollback()
    return path
