"""Staff and admin pages. Reads every domain; no domain imports this one."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

from nalw.admin import member_views, views  # noqa: E402,F401
