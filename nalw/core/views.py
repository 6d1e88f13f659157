import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, render_template, send_from_directory

from nalw.core.permissions import public
from nalw.extensions import db

blueprint = Blueprint("core", __name__)

# The icon every page links, in static/; browsers may keep it a week without asking again.
FAVICON = "img/favicon.svg"
FAVICON_MAX_AGE = 60 * 60 * 24 * 7


@blueprint.route("/")
@public
def home():
    return render_template("core/home.html")


@blueprint.route("/favicon.ico")
@public
def favicon():
    """The site's icon for whatever asks for /favicon.ico without reading the page's link to it (browsers
    showing a PDF or a download, feed readers, bookmarks): the same SVG, which any cache may keep."""
    return send_from_directory(current_app.static_folder, FAVICON, mimetype="image/svg+xml", max_age=FAVICON_MAX_AGE)


@blueprint.route("/healthz")
@public
def healthz():
    """For the load balancer and uptime checks: is the database answering?"""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
