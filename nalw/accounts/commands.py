"""`flask accounts ...`: setting up the first admin, and the demo's two-factor codes."""

import click
from flask import current_app
from flask.cli import AppGroup

from nalw.accounts import services
from nalw.accounts.models import Person
from nalw.accounts.security import current_totp_code, hash_password
from nalw.core.permissions import Role
from nalw.core.time import utcnow
from nalw.extensions import db

accounts_cli = AppGroup("accounts", help="People and roles.")


@accounts_cli.command("create-admin")
@click.option("--name", prompt=True)
@click.option("--email", prompt=True)
@click.password_option()
def create_admin(name, email, password):
    """Create the first admin (they set up two-factor at first sign-in)."""
    email = services.normalise_email(email)
    if services.find_by_email(email) is not None:
        raise click.ClickException(f"{email} already has an account; grant the role from the People page instead.")
    person = Person(name=name, email=email, password_hash=hash_password(password), email_verified_at=utcnow())
    db.session.add(person)
    db.session.flush()
    for role in (Role.STAFF, Role.ADMIN):
        services.grant_role(None, person, role)
    db.session.commit()
    click.echo(f"Admin {email} created. Sign in and set up two-factor sign-in.")


@accounts_cli.command("totp-code")
@click.argument("email")
def totp_code(email):
    """Print the current two-factor code of a demo account (not available in production)."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("Not available in production.")
    person = services.find_by_email(email)
    if person is None or not person.totp_secret:
        raise click.ClickException(f"{email} has no two-factor sign-in.")
    click.echo(current_totp_code(person.totp_secret))
