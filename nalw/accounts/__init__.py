"""Accounts: people, sign-in, roles, two-factor, personal data."""

from flask import Blueprint

blueprint = Blueprint("accounts", __name__, url_prefix="/account")


def init_login(login_manager):
    from sqlalchemy.orm import joinedload

    from nalw.accounts.models import Person
    from nalw.extensions import db

    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_person(session_id):
        person_id, _, version = str(session_id).partition(":")
        if not (person_id.isdigit() and version.isdigit()):
            return None
        # One query for the person and their roles: this runs on every signed-in request.
        person = db.session.get(Person, int(person_id), options=[joinedload(Person.role_grants)])
        if person is None or not person.is_active or person.session_version != int(version):
            return None
        return person


from nalw.accounts import views  # noqa: E402,F401
