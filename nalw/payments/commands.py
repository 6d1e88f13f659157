"""`flask payments reconcile`: settle card payments and refunds left pending, from what Stripe says."""

import click
from flask.cli import AppGroup

from nalw.extensions import db
from nalw.payments import services
from nalw.payments.gateway import GatewayError

payments_cli = AppGroup("payments", help="Payments scheduled work.")


@payments_cli.command("reconcile")
@click.option("--older-than", "older_than", type=int, default=10, help="Only payments at least this many minutes old.")
def reconcile_command(older_than):
    """Bring every payment left pending or awaiting authentication into line with Stripe, and ask Stripe again
    for every refund it did not answer."""
    settled = 0
    for payment in services.unsettled_payments(older_than):
        try:
            outcome = services.reconcile(payment)
        except GatewayError as error:
            db.session.rollback()
            click.echo(f"payment {payment.id}: Stripe did not answer ({error.message}); will try again next run")
            continue
        db.session.commit()
        settled += 1
        click.echo(outcome)
        for refund in services.pending_refunds([payment]):  # a duplicate payment's, written just now
            services.submit_refund(refund)
            db.session.commit()
    click.echo(f"reconcile: {settled} payments checked")
    waiting = services.unsettled_refunds(older_than)
    for refund in waiting:
        before = refund.status
        services.submit_refund(refund)
        db.session.commit()
        click.echo(f"refund {refund.id}: {before.value} -> {refund.status.value}")
    if waiting:
        click.echo(f"reconcile: {len(waiting)} refunds checked")
