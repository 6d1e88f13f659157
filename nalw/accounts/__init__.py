"""Accounts: people, sign-in, roles, two-factor, personal data."""

from flask import Blueprint

blueprint = Blueprint("accounts", __name__, url_prefix="/account")


def init_login(login_manager):
    from flask import g

    from nalw.accounts import services

    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_person(session_token):
        # The session cookie and the remember-me cookie both carry the sign-in session's id:
        # one indexed query finds the live session, its person and their roles.
        record = services.sign_in_session_for(session_token)
        if record is None:
            return None
        if services.needs_last_seen_update(record):
            g.sign_in_session_seen = record.id
        return record.person


@blueprint.teardown_app_request
def note_last_seen(error):
    """Write a session's last-seen time now and then, once the request is done with the database.

    What the request left uncommitted is discarded at teardown anyway, so roll it back
    first and commit only this one update.
    """
    from flask import current_app, g
    from sqlalchemy.exc import SQLAlchemyError

    from nalw.accounts import services
    from nalw.extensions import db

    record_id = g.pop("sign_in_session_seen", None)
    if record_id is None or error is not None:
        return
    try:
        db.session.rollback()
        services.note_last_seen(record_id)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("could not note when sign-in session %s was last seen", record_id)


from nalw.accounts import views  # noqa: E402,F401
