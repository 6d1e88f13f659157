"""Per-request plumbing: a request id, one log line per request, security headers."""

import logging
import re
import time
import uuid

from flask import abort, current_app, g, request
from werkzeug.routing import IntegerConverter

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_log = logging.getLogger("nalw.requests")

# The largest value of the database's integer columns (PostgreSQL `integer`): every id and number kept.
DATABASE_INTEGER_MAX = 2**31 - 1


def database_integer(value) -> int | None:
    """`value` (text from a request or a webhook) as an id the database's integer columns can hold, or None."""
    value = str(value or "")
    if not value.isascii() or not value.isdigit() or len(value) > len(str(DATABASE_INTEGER_MAX)):
        return None
    number = int(value)
    return number if 1 <= number <= DATABASE_INTEGER_MAX else None


class DatabaseIntegerConverter(IntegerConverter):
    """`<int:...>` in every route: only 1 to the database's largest integer match. A bigger number
    (`/account/payments/99999999999999999999`) matches no route and is a 404, where the database
    would otherwise refuse the query and the person would see an error page."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=DATABASE_INTEGER_MAX, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_url_converters(app):
    """Before any route is added: each route takes its converter when it is registered."""
    app.url_map.converters["int"] = DatabaseIntegerConverter


def allow_card_field():
    """This response's page loads the payment provider's card field (script, frames, API calls).
    Only such pages widen the Content Security Policy; every other page allows our own origin alone."""
    g.allow_card_field = True


def content_security_policy(app, card_field=False):
    extra = (lambda key: app.config.get(key, [])) if card_field else (lambda _key: [])
    script_sources = " ".join(["'self'", *extra("CSP_EXTRA_SCRIPT_SOURCES")])
    frame_sources = " ".join(["'self'", *extra("CSP_EXTRA_FRAME_SOURCES")])
    connect_sources = " ".join(["'self'", *extra("CSP_EXTRA_CONNECT_SOURCES")])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_sources}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {connect_sources}",
            f"frame-src {frame_sources}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def register_request_hooks(app):
    csp = content_security_policy(app)
    csp_with_card_field = content_security_policy(app, card_field=True)

    @app.before_request
    def start_request():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()
        # A NUL character is never real input, and PostgreSQL refuses it in text: turn it away politely.
        if request.method == "POST" and any("\x00" in value for value in request.form.values()):
            abort(400)

    @app.after_request
    def finish_request(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp_with_card_field if g.get("allow_card_field") else csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if current_app.config["HSTS_SECONDS"]:
            headers.setdefault(
                "Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains"
            )
        if "request_id" in g:
            headers["X-Request-ID"] = g.request_id
        return response

    @app.teardown_request
    def log_request(error=None):
        started = g.pop("request_started", None)
        if started is None:
            return
        duration_ms = (time.perf_counter() - started) * 1000
        status = getattr(g, "response_status", None)
        request_log.info(
            "request_id=%s method=%s path=%s status=%s duration_ms=%.1f",
            g.get("request_id"),
            request.method,
            request.path,
            status if status is not None else ("500" if error else "-"),
            duration_ms,
        )

    @app.after_request
    def remember_status(response):
        g.response_status = response.status_code
        return response
