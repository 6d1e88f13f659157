"""Community intelligence: members report the gaps and barriers they meet; staff and the public see them by
theme, region and month, the public with small counts suppressed."""

from flask import Blueprint

blueprint = Blueprint("insight", __name__)


from nalw.insight import models, personal_data, staff_views, views  # noqa: E402,F401
