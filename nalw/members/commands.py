"""`flask members renewals`: the daily renewal run, safe from cron daily or twice a day."""

import click
from flask.cli import AppGroup

from nalw.extensions import db
from nalw.members import renewals

members_cli = AppGroup("members", help="Membership scheduled work.")


@members_cli.command("renewals")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Run as if it were this UK date."
)
def renewals_command(today):
    """Reminders, automatic renewal charges, grace and lapse: each done once per expiry date."""
    today = today.date() if today else renewals.today_for_renewals()
    reminders = renewals.send_reminders(today)
    db.session.commit()
    charged = 0
    for membership in renewals.due_automatic_renewals(today):
        payment = renewals.charge_automatic_renewal(membership)
        db.session.commit()  # the attempt and the payment row are recorded before the card is charged
        if payment is not None:
            renewals.finish_automatic_renewal(membership, payment)
            db.session.commit()
            charged += 1
    to_grace, lapsed = renewals.move_expired(today)
    db.session.commit()
    click.echo(
        f"renewals for {today.isoformat()}: {reminders} reminders, {charged} automatic charges, "
        f"{to_grace} into grace, {lapsed} lapsed"
    )
