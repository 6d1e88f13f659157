"""Counts kept between requests for exactly as long as nothing they read has changed.

Some figures are a count over every member: the CPD compliance list's total (who is behind, out of
10,000) costs PostgreSQL a pass over thousands of rows, and staff ask for the same one again and again
while the data under it stays still. A kept count is counted once, then reused until a change to a table
it reads commits, and never after. Nothing here is a guess or a time limit:

- PostgreSQL keeps a number per kept count in `change_counters`. Triggers on each table the count reads
  give that number a new value from a sequence when a transaction that changed any of them commits. The
  trigger is deferred to the commit, the last thing a transaction does, so it takes the counter's row lock
  last and two writers never wait on each other in a cycle; TRUNCATE is the exception (a constraint trigger
  cannot fire on it), and moves the counter at once, so a script that truncates one of these tables and
  then writes others can wait on a writer that waits on it, which PostgreSQL ends as a deadlock. A
  sequence never gives the same value twice, so one value stands for one committed state of the tables;
  the version a statement reads is the counter table's oid with the value, so a database made again (or
  restored whole from a dump), whose sequence starts over, never matches a count kept from the old one.
- The statement that needs the count also reads the counter, in the same snapshot, and runs the count only
  when the counter is not the one the kept count was made under: PostgreSQL runs a scalar subquery (an
  InitPlan) only when an expression first needs its value.
- A transaction that has changed those tables itself, not yet committed, sees its own changes while the
  counter has not moved: the triggers mark the transaction (a setting local to it), and it always counts
  and keeps nothing.
- The price is one row every writing transaction updates at its commit: writers to these tables commit
  one at a time (the row lock is held for the instant between the trigger and the commit), and each such
  commit costs about 0.2 ms more. `pgbench` updating CPD totals on the `make bench-staff` database: one
  client, 2,000 commits a second against 3,400 with the triggers off; eight clients, 1,850 against 4,600 to
  5,900. The body writes a few times a minute. A writer at REPEATABLE READ or SERIALIZABLE that commits
  just after another fails with a serialization error and must retry, as it would on any row both wrote;
  the app writes at READ COMMITTED.
- Each app (each server process) keeps its own counts, a few hundred at most, the least recently used let
  go first. Nothing tells a running app when the database went back in time under it (a point-in-time
  recovery, a failover to a replica that missed the last commits, a data-only restore, writes with the
  triggers disabled): restart the app after any of these (the README's deployment section says so).
- SQLite (`make run`'s database) has no such triggers: there a kept count is always counted.

`migrations/versions/kept_compliance_count.py` creates the counter, the sequence and the triggers, and
`kept_counts_pinned.py` pins the functions to their schema and runs the counter's as its owner (so any role
that may write the tables moves it); a new kept count adds its tables' triggers in a migration of its own,
as the first does (`watch_table`).
"""

import threading
from collections import OrderedDict

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from nalw.extensions import db

# The most counts an app keeps per kept count (one for each year, filter and page asked for lately).
KEPT_PER_COUNT = 256


class ChangeCounter(db.Model):
    """One kept count's counter: a new value each time a change to a table the count reads commits."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    changes: Mapped[int] = mapped_column(sa.BigInteger)


def changed_in_this_transaction_setting(name):
    """The setting the triggers set, local to a transaction that changed the tables `name` reads."""
    return f"nalw.changed_{name}"


class KeptCount:
    """A count over tables whose triggers move the counter `name`. `columns` goes into the statement that
    needs the count; `parameters` and `total` go around running it."""

    def __init__(self, name):
        self.name = name

    def columns(self, count, dialect_name):
        """The two columns to add to a statement for `count` (a scalar subquery): `kept_version`, the counter
        as this statement sees it (None where the count may not be kept), and `kept_total`, the count, or None
        where the one kept under that counter still holds (and the count did not run)."""
        if dialect_name != "postgresql":
            return [sa.null().label("kept_version"), count.label("kept_total")]
        counter = (
            sa.select(sa.func.concat(sa.literal_column("change_counters.tableoid"), ":", ChangeCounter.changes))
            .where(ChangeCounter.name == self.name)
            .scalar_subquery()
        )
        setting = changed_in_this_transaction_setting(self.name)
        changed_here = sa.func.coalesce(sa.func.current_setting(setting, sa.true()), "") != ""
        still_holds = sa.and_(counter == sa.bindparam("kept_version", type_=sa.Text), sa.not_(changed_here))
        return [
            sa.case((changed_here, sa.null()), else_=counter).label("kept_version"),
            sa.case((still_holds, sa.null()), else_=count).label("kept_total"),
        ]

    def parameters(self, key):
        """(the statement's parameters, the kept count for `key`: a (counter, total) pair or None)."""
        kept = self._kept().get(key)
        return {"kept_version": kept[0] if kept else None}, kept

    def total(self, key, kept, row):
        """The count for `key` from a row of the statement run with `parameters(key)`; kept for next time when
        it was counted in a state of the tables that a counter names."""
        if row.kept_total is None:
            return kept[1]
        if row.kept_version is not None:
            self._keep(key, (row.kept_version, row.kept_total))
        return row.kept_total

    def _kept(self) -> "_Kept":
        counts = current_app.extensions.setdefault("nalw.kept_counts", {})
        return counts.setdefault(self.name, _Kept())

    def _keep(self, key, value):
        self._kept().put(key, value)


class _Kept:
    """The counts an app keeps for one kept count: at most KEPT_PER_COUNT, the least used let go first."""

    def __init__(self):
        self._values = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > KEPT_PER_COUNT:
                self._values.popitem(last=False)
