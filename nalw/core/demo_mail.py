"""Only for `make run` (NALW_DEMO_MODE=1, never in production): the emails the local mail catcher
received, links and all, so whoever is trying the platform can follow a confirmation, reset or
invitation link. Staff pages show those links masked; this page exists only on a demo machine,
where every email is the demonstrator's own."""

import email
import email.policy
import mailbox
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

from nalw.core.permissions import public

blueprint = Blueprint("demo_mail", __name__, url_prefix="/demo/mail")

SHOWN = 50


def _maildir():
    path = Path(current_app.config["DEMO_MAILDIR"])
    return mailbox.Maildir(path, create=False) if (path / "cur").is_dir() else None


def _parsed(maildir, key):
    message = email.message_from_bytes(maildir.get_bytes(key), policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    return {
        "key": key,
        "to": message["To"],
        "subject": message["Subject"],
        "date": message["Date"],
        "text": text.get_content() if text is not None else "",
    }


@blueprint.route("/")
@public
def inbox():
    maildir = _maildir()
    # Maildir names begin with the time of delivery, so the newest sort last.
    keys = sorted(maildir.keys(), reverse=True)[:SHOWN] if maildir is not None else []
    return render_template("core/demo_mail.html", messages=[_parsed(maildir, key) for key in keys])


@blueprint.route("/<key>")
@public
def message(key):
    maildir = _maildir()
    if maildir is None or key not in maildir:
        abort(404)
    return render_template("core/demo_mail_message.html", message=_parsed(maildir, key))


def register_demo_mail(app):
    app.register_blueprint(blueprint)
