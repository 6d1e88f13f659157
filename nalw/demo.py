"""Demo data for `make run`: one sign-in per role. Safe to run again: nothing is duplicated."""

import click
from flask import current_app
from flask.cli import AppGroup

from nalw.accounts import services as account_services
from nalw.accounts.models import Person, RecoveryCode
from nalw.accounts.security import hash_password, recovery_code_digest
from nalw.core.permissions import Role
from nalw.core.time import utcnow
from nalw.extensions import db

demo_cli = AppGroup("demo", help="Demo data for trying the platform locally.")

DEMO_PASSWORD = "link-worker-demo"
# A fixed authenticator secret for the demo's two-factor accounts, so the README can give it.
DEMO_TOTP_SECRET = "NALWDEMOTOTPSECRETKEY234"
DEMO_RECOVERY_CODES = ["demo-code-0001", "demo-code-0002", "demo-code-0003", "demo-code-0004", "demo-code-0005"]

DEMO_PEOPLE = [
    ("Alex Account", "account@demo.nalw.org.uk", ()),
    ("Morgan Member", "member@demo.nalw.org.uk", (Role.MEMBER,)),
    ("Olu Organisation", "orgadmin@demo.nalw.org.uk", (Role.MEMBER, Role.ORGANISATION_ADMIN)),
    ("Jamie Judge", "judge@demo.nalw.org.uk", (Role.JUDGE,)),
    ("Sam Staff", "staff@demo.nalw.org.uk", (Role.STAFF,)),
    ("Ada Admin", "admin@demo.nalw.org.uk", (Role.STAFF, Role.ADMIN)),
]


def seed_demo_people():
    """Create each demo person that is missing; leave existing ones as they are."""
    created = []
    for name, email, roles in DEMO_PEOPLE:
        if account_services.find_by_email(email) is not None:
            continue
        person = Person(name=name, email=email, password_hash=hash_password(DEMO_PASSWORD), email_verified_at=utcnow())
        db.session.add(person)
        db.session.flush()
        for role in roles:
            account_services.grant_role(None, person, role)
        if any(role in (Role.JUDGE, Role.STAFF, Role.ADMIN) for role in roles):
            person.totp_secret = DEMO_TOTP_SECRET
            person.totp_enabled_at = utcnow()
            db.session.add_all(
                RecoveryCode(person_id=person.id, code_digest=recovery_code_digest(code))
                for code in DEMO_RECOVERY_CODES
            )
        created.append(person)
    return created


@demo_cli.command("seed")
def seed_command():
    """Add the demo sign-ins (idempotent)."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("Demo data is never seeded in production.")
    created = seed_demo_people()
    db.session.commit()
    click.echo(f"demo: {len(created)} people added, {len(DEMO_PEOPLE) - len(created)} already there")
