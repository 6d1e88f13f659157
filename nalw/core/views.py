import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template

from nalw.core.permissions import public
from nalw.extensions import db

blueprint = Blueprint("core", __name__)


@blueprint.route("/")
@public
def home():
    return render_template("core/home.html")


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
