"""`flask cpd audit-reminders`: deadline reminders for CPD audits, safe to run daily and twice."""

import click
from flask.cli import AppGroup

from nalw.core.time import london_today
from nalw.cpd import audits
from nalw.extensions import db

cpd_cli = AppGroup("cpd", help="CPD scheduled work.")


@cpd_cli.command("audit-reminders")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Run as if it were this UK date."
)
def audit_reminders_command(today):
    """Remind members drawn for an audit whose profile is due in 14 or 3 days."""
    today = today.date() if today else london_today()
    sent = audits.send_deadline_reminders(today)
    db.session.commit()
    click.echo(f"cpd audit reminders for {today.isoformat()}: {sent} sent")
