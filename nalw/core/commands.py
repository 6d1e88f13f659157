"""`flask outbox deliver`: the delivery worker, safe from cron every minute and twice at once."""

import contextlib
import smtplib
import time

import click
from flask import current_app
from flask.cli import AppGroup

from nalw.core.outbox import (
    MailServerUnavailable,
    claim_next_due,
    connect_to_mail_server,
    record_connection_failure,
    send_message,
)
from nalw.extensions import db

outbox_cli = AppGroup("outbox", help="Email outbox delivery.")


def deliver_due_messages(limit):
    """Send up to `limit` due messages, one transaction each. Returns (sent, not_sent)."""
    sent = not_sent = 0
    connection = None
    try:
        while sent + not_sent < limit:
            message = claim_next_due()
            if message is None:
                break
            if connection is None:
                try:
                    connection = connect_to_mail_server()
                except (smtplib.SMTPException, OSError) as error:
                    # The server is down: this message waits its turn, the rest wait too.
                    record_connection_failure(message, error)
                    db.session.commit()
                    not_sent += 1
                    current_app.logger.warning("outbox: mail server unavailable: %s", error)
                    break
            try:
                delivered = send_message(connection, message)
            except MailServerUnavailable as error:
                db.session.commit()
                not_sent += 1
                current_app.logger.warning("outbox: mail server went away: %s", error)
                break
            db.session.commit()
            sent += delivered
            not_sent += not delivered
    finally:
        db.session.rollback()
        if connection is not None:
            # Saying goodbye fails when the server has already gone; the results are committed.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.__exit__(None, None, None)
    return sent, not_sent


@outbox_cli.command("deliver")
@click.option("--limit", type=int, default=None, help="Most messages to try in one run.")
@click.option("--loop", is_flag=True, help="Keep delivering every few seconds (for `make run`).")
@click.option("--interval", type=float, default=3.0, help="Seconds between runs with --loop.")
def deliver_command(limit, loop, interval):
    """Send the emails waiting in the outbox."""
    limit = limit or current_app.config["OUTBOX_BATCH_SIZE"]
    while True:
        sent, not_sent = deliver_due_messages(limit)
        if sent or not_sent or not loop:
            click.echo(f"outbox: {sent} sent, {not_sent} waiting to retry or failed")
        if not loop:
            return
        db.session.remove()
        time.sleep(interval)
