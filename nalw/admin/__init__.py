"""Staff and admin pages. Reads every domain; no domain imports this one."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

from nalw.admin import views  # noqa: E402,F401
