"""What every response carries: error pages in the site layout, a request id, one log line, security headers."""

import logging
import re

import pytest

from nalw import create_app
from nalw.core.permissions import public
from tests.conftest import test_settings
from tests.helpers import page_text

UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/x"
SITE_LAYOUT = ("National Association of Link Workers", "the professional body for social prescribing link workers")


def with_settings(**overrides):
    """Run one test with these app settings (it overrides the `settings` fixture for that test alone)."""
    return pytest.mark.parametrize("settings", [overrides], ids=["settings"])


def assert_error_page(response, status, title, advice):
    text = page_text(response)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    for layout_text in SITE_LAYOUT:
        assert layout_text in text
    assert title in text
    assert advice in text
    assert f"Reference: {response.headers['X-Request-ID']} (error {status})" in text
    assert "Go to the home page" in text
    assert "Traceback" not in text


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


# --- Error pages ---------------------------------------------------------------------------


def test_unknown_address_shows_page_not_found(client):
    response = client.get("/no-such-page")

    assert_error_page(response, 404, "Page not found", "Check the address, or start again from the home page.")


def test_page_without_access_shows_you_cannot_open_this_page(signed_in_client):
    client, _ = signed_in_client("member")

    response = client.get("/admin/")

    assert_error_page(
        response, 403, "You cannot open this page", "If you think it should, contact us at membership@nalw.org.uk"
    )


def test_wrong_method_shows_not_allowed_and_says_which_methods_are(client):
    response = client.get("/account/sign-out")

    assert_error_page(response, 405, "That action is not allowed here", "Go back and use the buttons on the page.")
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


@with_settings(WTF_CSRF_ENABLED=True)
def test_expired_form_shows_bad_request_with_what_to_do_and_is_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="nalw.requests")

    response = client.post("/account/sign-in", data={"email": "ada@example.org", "password": "anything at all"})

    assert_error_page(response, 400, "This form has expired", "Go back, reload the page and submit the form again.")
    request_id = response.headers["X-Request-ID"]
    [line] = [record.getMessage() for record in caplog.records if record.name == "nalw.requests"]
    assert line.startswith(f"request_id={request_id} method=POST path=/account/sign-in status=400 ")


def test_bad_request_shows_its_page(app, client):
    def refuse():
        from flask import abort

        abort(400)

    app.add_url_rule("/test-only/bad-request", "test_only_bad_request", public(refuse))

    response = client.get("/test-only/bad-request")

    assert_error_page(
        response, 400, "Something in that request was not right", "Go back, check what you entered and try again."
    )


@with_settings(MAX_CONTENT_LENGTH=1024)
def test_too_large_a_body_shows_file_too_large(client):
    response = client.post("/account/forgot-password", data={"email": "ada@example.org", "padding": "x" * 5000})

    assert_error_page(response, 413, "That file is too large", "Choose a smaller file and try again.")


@with_settings(SIGN_IN_LIMIT_PER_ADDRESS="2 per 15 minutes")
def test_too_many_sign_in_attempts_shows_wait_and_try_again(client):
    attempt = {"email": "ada@example.org", "password": "not the password"}
    for _ in range(2):
        assert client.post("/account/sign-in", data=attempt).status_code == 200

    response = client.post("/account/sign-in", data=attempt)

    assert_error_page(response, 429, "Too many attempts", "Wait a few minutes, then try again.")
    assert int(response.headers["Retry-After"]) > 0


def test_unexpected_error_shows_a_reference_and_logs_the_traceback(app, client, caplog):
    def fail():
        raise RuntimeError("secret detail: connection string postgres://admin:hunter2@db")

    app.add_url_rule("/test-only/fail", "test_only_fail", public(fail))

    response = client.get("/test-only/fail")

    request_id = response.headers["X-Request-ID"]
    assert_error_page(
        response,
        500,
        "Sorry, something went wrong on our side",
        "If it keeps happening, contact us at membership@nalw.org.uk or on 0113 496 0000 and quote the reference below.",
    )
    html = response.get_data(as_text=True)
    assert "hunter2" not in html and "RuntimeError" not in html and "secret detail" not in html
    [logged] = [record for record in caplog.records if record.exc_info and record.levelno == logging.ERROR]
    assert logged.exc_info[0] is RuntimeError
    assert f"request_id={request_id}" in logged.getMessage()
    assert "path=/test-only/fail" in logged.getMessage()


# --- Request id and the request log --------------------------------------------------------


def test_every_response_has_one_log_line_with_its_request_id_status_and_duration(app, client, caplog):
    caplog.set_level(logging.INFO, logger="nalw.requests")

    def fail():
        raise RuntimeError("boom")

    app.add_url_rule("/test-only/fail", "test_only_fail", public(fail))
    requests = [("/", 200), ("/admin/", 302), ("/no-such-page", 404), ("/test-only/fail", 500)]

    for number, (path, status) in enumerate(requests):
        request_id = f"test-request-{number:04d}"
        response = client.get(path, headers={"X-Request-ID": request_id})

        assert response.status_code == status
        assert response.headers["X-Request-ID"] == request_id
        lines = [
            record.getMessage()
            for record in caplog.records
            if record.name == "nalw.requests" and f"request_id={request_id} " in record.getMessage()
        ]
        assert len(lines) == 1, lines
        assert re.fullmatch(
            rf"request_id={request_id} method=GET path={re.escape(path)} status={status} duration_ms=\d+\.\d", lines[0]
        )


@pytest.mark.parametrize("given", ["", "short", "has spaces in it", "x" * 65, "<script>alert(1)</script>"])
def test_a_missing_or_unsafe_request_id_is_replaced_with_a_fresh_one(client, given):
    response = client.get("/", headers={"X-Request-ID": given})

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


# --- Security headers ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/account/sign-in", "/admin/", "/no-such-page", "/healthz"])
def test_security_headers_are_on_every_response(client, path):
    response = client.get(path)

    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_outside_production_there_is_no_hsts_and_the_session_cookie_is_not_secure_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers

    response = client.post("/account/sign-out")

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "Secure" not in cookie


@pytest.fixture
def production_client(monkeypatch):
    """A production app. These pages never touch the database, so it need not answer."""
    monkeypatch.setenv("NALW_ENV", "production")
    settings = test_settings(
        SQLALCHEMY_DATABASE_URI=UNREACHABLE_DATABASE,
        CONTACT_EMAIL="membership@nalw.org.uk",
        CONTACT_PHONE="0113 496 0000",
    )
    return create_app(settings).test_client()


def test_production_sends_hsts(production_client):
    response = production_client.get("/")

    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_session_cookie_is_secure_http_only_and_same_site(production_client):
    response = production_client.post("/account/sign-out")

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie


# --- Health check --------------------------------------------------------------------------


def test_health_check_says_503_when_the_database_is_unreachable():
    client = create_app(test_settings(SQLALCHEMY_DATABASE_URI=UNREACHABLE_DATABASE)).test_client()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


def test_a_nul_character_in_a_form_is_turned_away_with_the_400_page(client):
    response = client.post("/account/sign-up", data={"name": "Ada\x00", "email": "ada@example.org", "password": "x"})

    assert response.status_code == 400
    assert "Something in that request was not right" in page_text(response)
