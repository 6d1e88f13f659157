"""CPD against the code of practice: logging with evidence, progress, exports and audits."""

from flask import Blueprint

blueprint = Blueprint("cpd", __name__)

from nalw.cpd import personal_data, staff_views, views  # noqa: E402,F401
