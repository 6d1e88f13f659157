"""Wherever a page or an email tells someone to contact us, it says how: the configured address and phone."""

import re
from pathlib import Path

import pytest
from flask import render_template_string

from nalw.accounts import services as account_services
from nalw.config import load_config
from nalw.core.contact import contact_us_text
from tests.factories import DEFAULT_PASSWORD, PersonFactory
from tests.helpers import emails_to, page_text, sign_in

ROOT = Path(__file__).resolve().parents[2]
CONTACT = {"CONTACT_EMAIL": "help@nalw.example", "CONTACT_PHONE": "0113 496 0123"}
# A bare "contact us" in any words we show: the way to contact must come with it.
BARE_CONTACT = re.compile(r"contact (us|the NALW team|NALW)\b(?! at )", re.IGNORECASE)
# The one place each is written: the shared macro and its plain-text twin for messages from the code.
HOMES = {ROOT / "templates" / "_macros" / "contact.html", ROOT / "nalw" / "core" / "contact.py"}


def with_contact_settings(test):
    return pytest.mark.parametrize("settings", [CONTACT], ids=["settings"])(test)


def sources_we_show():
    yield from (path for path in (ROOT / "templates").rglob("*") if path.suffix in {".html", ".txt"})
    yield from (ROOT / "nalw").rglob("*.py")


def test_no_template_email_or_message_says_contact_us_without_saying_how():
    bare = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources_we_show()
        if path not in HOMES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if BARE_CONTACT.search(line)
    ]

    assert bare == [], "say it with contact_us() (templates) or contact_us_text() (code):\n" + "\n".join(bare)


@with_contact_settings
def test_the_macro_gives_the_address_as_a_link_and_the_phone(app):
    with app.test_request_context():
        html = render_template_string('{% from "_macros/contact.html" import contact_us %}{{ contact_us() }}')
        text = render_template_string('{% from "_macros/contact.html" import contact_us %}{{ contact_us(text=True) }}')
        sentence = contact_us_text(capital=True)

    assert html == 'contact us at <a href="mailto:help@nalw.example">help@nalw.example</a> or on 0113 496 0123'
    assert text == "contact us at help@nalw.example or on 0113 496 0123"
    assert sentence == "Contact us at help@nalw.example or on 0113 496 0123"


@with_contact_settings
def test_every_template_can_use_the_contact_details(app):
    with app.test_request_context():
        assert render_template_string("{{ contact_email }} {{ contact_phone }}") == "help@nalw.example 0113 496 0123"


@with_contact_settings
def test_the_refused_page_says_how_to_contact_us(signed_in_client):
    client, _ = signed_in_client("member")

    response = client.get("/admin/")

    assert response.status_code == 403
    assert "If you think it should, contact us at help@nalw.example or on 0113 496 0123." in page_text(response)
    assert 'href="mailto:help@nalw.example"' in response.get_data(as_text=True)


@with_contact_settings
def test_an_email_that_says_contact_us_gives_the_address_in_both_parts(app):
    person = PersonFactory(email="ada@example.org")

    account_services.change_password(person, DEFAULT_PASSWORD, "a brand new long password")

    message = emails_to("ada@example.org")[-1]
    assert message.subject == "Your NALW password was changed"
    assert "contact us at help@nalw.example or on 0113 496 0123" in message.body_text
    assert '<a href="mailto:help@nalw.example">help@nalw.example</a>' in message.body_html


@with_contact_settings
def test_the_tier_page_tells_organisations_how_to_ask_for_an_invoice(client, person_as):
    sign_in(client, person_as("account_holder"))

    response = client.get("/membership/join")

    assert "Organisations can also pay by invoice: contact us at help@nalw.example or on 0113 496 0123." in page_text(
        response
    )


def test_the_demo_has_contact_details_without_any_setting(monkeypatch):
    for name in ("NALW_CONTACT_EMAIL", "NALW_CONTACT_PHONE", "NALW_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-development-key")

    config = load_config()

    assert "@" in config["CONTACT_EMAIL"] and config["CONTACT_PHONE"]
