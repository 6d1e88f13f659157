"""The code of practice: versioned standards that members accept and map their CPD to."""

from flask import Blueprint

blueprint = Blueprint("code_of_practice", __name__)

from nalw.code_of_practice import views  # noqa: E402,F401
