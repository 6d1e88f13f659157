"""Links. Absolute ones for emails, built from SITE_URL: they work in a request and in a cron command
alike, and never take the host from a request's Host header. And one address built once for every row
of a list."""

from urllib.parse import urlsplit

from flask import current_app, url_for

# Digits no address holds but where a row's id goes (`address_for_each`).
_ROW_ID_MARKER = 10**30 + 1


def absolute_link(endpoint, **values) -> str:
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    return adapter.build(endpoint, values, force_external=True)


def address_for_each(endpoint, argument, **values):
    """`url_for(endpoint, **values)` as a function of its one whole-number `argument` (a row's id), built once
    for a list: the same address for each row as url_for gives, where url_for for every row of a page costs
    more than the rest of the row."""
    before, _marker, after = url_for(endpoint, **{argument: _ROW_ID_MARKER}, **values).partition(str(_ROW_ID_MARKER))
    return lambda row_id: f"{before}{int(row_id)}{after}"
