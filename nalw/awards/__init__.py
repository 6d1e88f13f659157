"""The Link Worker Day awards: cycles, categories and criteria, nominations, screening, judging, results."""

from flask import Blueprint

blueprint = Blueprint("awards", __name__)

from nalw.awards import judge_views, models, personal_data, result_views, staff_views, views  # noqa: E402,F401
