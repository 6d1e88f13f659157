"""Absolute links for emails, built from SITE_URL: they work in a request and in a cron command
alike, and never take the host from a request's Host header."""

from urllib.parse import urlsplit

from flask import current_app


def absolute_link(endpoint, **values) -> str:
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    return adapter.build(endpoint, values, force_external=True)
