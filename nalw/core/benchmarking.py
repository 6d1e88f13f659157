"""Only for `make bench-*` (NALW_BENCH_MODE=1, never in production): a page with no query to
compare against, and each response's SQL statement count in an X-Query-Count header."""

import sqlalchemy as sa
from flask import Blueprint, g, has_request_context

from nalw.core.permissions import public

blueprint = Blueprint("bench", __name__, url_prefix="/bench")

BASELINE_PAGE = "<!doctype html><html lang=en><title>Baseline</title><p>Baseline: a fixed page, no query.</p></html>"


@blueprint.route("/baseline")
@public
def baseline():
    return BASELINE_PAGE


def _count_statement(*_event):
    if has_request_context():
        g.query_count = g.get("query_count", 0) + 1


def register_bench_mode(app):
    app.register_blueprint(blueprint)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", _count_statement)

    @app.after_request
    def report_query_count(response):
        response.headers["X-Query-Count"] = str(g.get("query_count", 0))
        return response
