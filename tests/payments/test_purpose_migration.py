"""Upgrading reads what each payment paid for out of its old reference into columns; downgrading writes it back."""

import datetime as dt

import pytest
import sqlalchemy as sa

from nalw.extensions import db
from tests.factories import PersonFactory
from tests.scratch_database import flask_db

pytestmark = pytest.mark.postgres_only

BEFORE = "tiers_cpd_requirement_by_year"
# (reference, purpose, status): a joining fee, last year's renewal refunded, this year's pending, a failed try.
OLD_PAYMENTS = [
    ("membership:7", "membership_fee", "succeeded"),
    ("renewal:7:2025-06-30", "renewal", "refunded"),
    ("renewal:7:2026-06-30", "renewal", "pending"),
    ("membership:8", "membership_fee", "failed"),
]


def write_old_payments(person_id):
    for number, (reference, purpose, status) in enumerate(OLD_PAYMENTS, start=1):
        db.session.execute(
            sa.text(
                "INSERT INTO payments (person_id, purpose, reference, description, amount_pence, refunded_pence,"
                " currency, status, method, idempotency_key, off_session, created_at, updated_at)"
                " VALUES (:person, :purpose, :reference, 'Fee', 4500, :refunded, 'gbp', :status, 'card', :key,"
                " false, now(), now())"
            ),
            {
                "person": person_id,
                "purpose": purpose,
                "reference": reference,
                "status": status,
                "refunded": 4500 if status == "refunded" else 0,
                "key": f"payment-{number}",
            },
        )
    db.session.execute(
        sa.text(
            "INSERT INTO refunds (payment_id, amount_pence, reason, idempotency_key, created_at)"
            " SELECT id, 4500, 'Paid twice', 'refund-1', now() FROM payments WHERE reference = 'renewal:7:2025-06-30'"
        )
    )
    db.session.commit()


def payment_rows(*columns):
    return [
        tuple(row)
        for row in db.session.execute(sa.text(f"SELECT {', '.join(columns)} FROM payments ORDER BY id")).all()
    ]


def test_upgrading_moves_payment_references_into_columns_and_downgrading_puts_them_back(scratch_app):
    flask_db(scratch_app, "upgrade", BEFORE)
    person = PersonFactory()
    db.session.commit()
    write_old_payments(person.id)

    flask_db(scratch_app, "upgrade")

    assert payment_rows("purpose", "subject_id", "period_starts_on") == [
        ("membership_fee", 7, None),
        ("renewal", 7, dt.date(2025, 7, 1)),
        ("renewal", 7, dt.date(2026, 7, 1)),
        ("membership_fee", 8, None),
    ]
    assert "reference" not in {column["name"] for column in sa.inspect(db.engine).get_columns("payments")}
    assert db.session.execute(sa.text("SELECT status FROM refunds")).scalar_one() == "succeeded"
    # The live renewal for the period from 1 July 2026 is the only one there may be.
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.text(
                "INSERT INTO payments (person_id, purpose, subject_id, period_starts_on, description, amount_pence,"
                " refunded_pence, currency, status, method, idempotency_key, off_session, created_at, updated_at)"
                " VALUES (:person, 'renewal', 7, '2026-07-01', 'Fee', 4500, 0, 'gbp', 'pending', 'card', 'again',"
                " false, now(), now())"
            ),
            {"person": person.id},
        )
    db.session.rollback()

    flask_db(scratch_app, "downgrade", BEFORE)

    assert payment_rows("reference", "purpose", "status") == OLD_PAYMENTS
    assert "status" not in {column["name"] for column in sa.inspect(db.engine).get_columns("refunds")}


def test_upgrading_refuses_a_reference_it_cannot_read(scratch_app):
    flask_db(scratch_app, "upgrade", BEFORE)
    person = PersonFactory()
    db.session.commit()
    db.session.execute(
        sa.text(
            "INSERT INTO payments (person_id, purpose, reference, description, amount_pence, refunded_pence,"
            " currency, status, method, idempotency_key, off_session, created_at, updated_at)"
            " VALUES (:person, 'membership_fee', 'membership:test-1', 'Fee', 4500, 0, 'gbp', 'succeeded', 'card',"
            " 'payment-1', false, now(), now())"
        ),
        {"person": person.id},
    )
    db.session.commit()

    result = scratch_app.test_cli_runner().invoke(args=["db", "upgrade"])

    assert result.exit_code != 0
    assert "payment reference 'membership:test-1' is not one this migration knows how to read" in str(result.exception)
    db.session.rollback()
    assert "reference" in {column["name"] for column in sa.inspect(db.engine).get_columns("payments")}
