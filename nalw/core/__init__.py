"""What every domain shares. Imports no domain."""

from flask import Blueprint

blueprint = Blueprint("core", __name__)

from nalw.core import views  # noqa: E402,F401
