"""Links in emails, certificates and PDFs come from one setting, NALW_SITE_URL; `make run` sets it from
the port it really uses."""

import importlib.util
from pathlib import Path

import flask
import pytest

from nalw.config import load_config
from nalw.core.links import absolute_link, address_for_each
from tests.factories import MembershipFactory, PersonFactory
from tests.helpers import emails_to, sign_in

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_SITE = "https://members.nalw.example/portal"


def with_site_url(site_url):
    return pytest.mark.parametrize("settings", [{"SITE_URL": site_url}], ids=["settings"])


def run_demo_script():
    spec = importlib.util.spec_from_file_location("run_demo", ROOT / "scripts" / "run_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@with_site_url(PUBLIC_SITE)
def test_absolute_links_use_the_site_url_never_the_request_host(app):
    with app.test_request_context("/", base_url="http://attacker.example"):
        link = absolute_link("members.register", q="NALW-1")

    assert link == f"{PUBLIC_SITE}/register?q=NALW-1"


@with_site_url(PUBLIC_SITE)
def test_links_in_emails_use_the_site_url(app, client):
    person = PersonFactory(email="ada@example.org")

    client.post("/account/forgot-password", data={"email": person.email}, headers={"Host": "attacker.example"})

    (message,) = emails_to("ada@example.org")
    assert f"{PUBLIC_SITE}/account/reset-password/" in message.body_text
    assert "attacker.example" not in message.body_text + message.body_html


@with_site_url(PUBLIC_SITE)
def test_the_certificate_links_to_the_register_at_the_site_url(app, client):
    membership = MembershipFactory(person=PersonFactory())
    sign_in(client, membership.person)
    rendered = []

    def remember(sender, template, context, **extra):
        rendered.append(context)

    with flask.template_rendered.connected_to(remember, app):
        # As behind a proxy that serves the app under /portal: the link must not say /portal twice.
        response = client.get("/membership/certificate.pdf", environ_overrides={"SCRIPT_NAME": "/portal"})

    assert response.status_code == 200
    (context,) = [context for context in rendered if "membership" in context]
    html = flask.render_template("members/certificate.html", **context)
    assert f"{PUBLIC_SITE}/register?q={membership.number}" in html


def test_make_run_sets_the_site_url_from_the_port_it_uses():
    environment = run_demo_script().demo_environment({"NALW_PORT": "5123", "PATH": "/usr/bin"})

    assert environment["NALW_SITE_URL"] == "http://127.0.0.1:5123"


def test_make_run_keeps_a_site_url_that_is_given():
    environment = run_demo_script().demo_environment({"NALW_PORT": "5123", "NALW_SITE_URL": "http://demo.local:8080"})

    assert environment["NALW_SITE_URL"] == "http://demo.local:8080"


def test_development_settings_follow_nalw_port(monkeypatch):
    monkeypatch.delenv("NALW_SITE_URL", raising=False)
    monkeypatch.delenv("NALW_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-development-key")
    monkeypatch.setenv("NALW_PORT", "5123")

    assert load_config()["SITE_URL"] == "http://127.0.0.1:5123"


def test_an_address_built_once_for_a_lists_rows_is_the_one_url_for_gives_each_row(app):
    with app.test_request_context("/"):
        address = address_for_each("cpd.staff_person_cpd", "person_id", year=2025, sort="name & number")

        for person_id in (1, 42, 2**31 - 1):
            expected = flask.url_for("cpd.staff_person_cpd", person_id=person_id, year=2025, sort="name & number")
            assert address(person_id) == expected
