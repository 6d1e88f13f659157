"""`make bench-staff`: the staff pages at the body's real size, under concurrent load.

1. Builds two PostgreSQL databases (fresh each run): a small one (a tenth of the members, entries and
   payments) and the full one `nalw_bench_staff`: 10,000 members across the tiers, regions and statuses
   (some in grace, lapsed, resigned, applications waiting, automatic renewals), 500,000 CPD entries over
   ten CPD years (`bench/cpd.py`'s entries), 5 years of events (`bench/events.py`'s calendar) with
   bookings and waiting lists, and 5 years of payments (fees, renewals, event places, offline ones) with
   refunds.
2. Serves each with gunicorn (2 workers) in bench mode, as `bench/cpd.py` does.
3. Loads each page in PAGES with concurrent staff clients for a fixed time: p50/p95, throughput and its
   ratio to the baseline page, the CPU the app and the database spent per request, and the queries per
   request on the small and the full database (a page's query count must not grow with the data).

More pages: add a (name, address) pair to PAGES.

Usage: python bench/staff.py [--members 10000] [--entries 500000] [--seconds 8] [--concurrency 4] [--reuse]
       [--only compliance]  (only the pages whose name holds the word; NALW_BENCH_DB names the database)
"""

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import statistics
import subprocess
import sys
import time

import aiohttp
import psycopg
from cpd import (
    ADMIN_URL,
    BIN,
    ROOT,
    STAFF_ACCOUNTS,
    STAFF_TOTP,
    copy_rows,
    free_port,
    load,
    log,
    percentile,
    seed_entries,
    start_server,
    warm,
)
from cpd import signed_in_session as sign_in
from events import ARGON2_MEMORY_COST, ARGON2_TIME_COST, BOOKING_COLUMNS, EVENT_COLUMNS, calendar_rows, seed_people

BENCH_DB = os.environ.get("NALW_BENCH_DB", "nalw_bench_staff")  # the small one: its name + "_small"
SMALL_SHARE = 10  # the small database has a tenth of everything
YEARS = 5

# The pages measured: (name, address). Staff sessions load each in turn.
PAGES = [
    ("staff dashboard", "/admin/"),
    ("dashboard, this CPD year", "/admin/?period=this_cpd_year"),
    ("CPD compliance list", "/admin/cpd/compliance"),
    ("CPD compliance, North West", "/admin/cpd/compliance?region=north_west"),
]


def database_url(name):
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def app_env(name):
    return {
        **os.environ,
        "DATABASE_URL": database_url(name),
        "NALW_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "NALW_BENCH_MODE": "1",
        "NALW_LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi",
        "NALW_SIGN_IN_LIMIT_PER_IP": "100000 per minute",
        "NALW_ARGON2_TIME_COST": str(ARGON2_TIME_COST),
        "NALW_ARGON2_MEMORY_COST": str(ARGON2_MEMORY_COST),
    }


def flask(name, *args):
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=app_env(name), check=True, capture_output=True
    )


# --- 1. Data -----------------------------------------------------------------------------------------


def build_database(name, members, entries):
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    flask(name, "db", "upgrade")
    flask(name, "setup", "defaults")
    started = time.monotonic()
    counts = seed(name, members, entries)
    log(f"{name}: seeded {members:,} members, {entries:,} CPD entries, {counts} in {time.monotonic() - started:.0f} s")


def vary_memberships(cursor, members, now, rng):
    """`seed_people` makes everyone an active Link Worker: spread them over the tiers and the statuses."""
    today = now.date()
    tiers = [row[0] for row in cursor.execute("SELECT id FROM tiers WHERE seats IS NULL ORDER BY position")]
    cursor.execute(
        "UPDATE memberships SET tier_id = (%s::int[])[1 + person_id %% %s], "
        "auto_renew = (person_id %% 3 = 0), expires_on = %s + (person_id %% 400) - 20",
        (tiers, len(tiers), today),
    )
    # 2% lapsed, 1% resigned, 1% in grace, 1% applications waiting for a decision.
    cursor.execute("UPDATE memberships SET status = 'lapsed', expires_on = %s - 90 WHERE person_id %% 50 = 1", (today,))
    cursor.execute("UPDATE memberships SET status = 'resigned' WHERE person_id % 100 = 2")
    cursor.execute("UPDATE memberships SET status = 'grace', expires_on = %s - 10 WHERE person_id %% 100 = 3", (today,))
    cursor.execute(
        "UPDATE memberships SET status = 'paid', number = NULL, started_on = NULL, expires_on = NULL "
        "WHERE person_id % 100 = 4"
    )
    # A saved card for everyone renewing automatically.
    copy_rows(
        cursor,
        "billing_profiles",
        [
            "person_id",
            "stripe_customer_id",
            "payment_method_id",
            "card_brand",
            "card_last4",
            "created_at",
            "updated_at",
        ],
        ((i, f"cus_bench{i}", f"pm_bench{i}", "visa", "4242", now, now) for i in range(3, members + 1, 3)),
    )
    # History: joined, and for some a later change, spread over five years.
    rows = []
    for membership_id, status in cursor.execute("SELECT id, status FROM memberships").fetchall():
        joined = dt.datetime.combine(today, dt.time(10), dt.UTC) - dt.timedelta(days=rng.randint(30, 365 * YEARS))
        rows.append((membership_id, None, "applied", joined, ""))
        rows.append((membership_id, "applied", "paid", joined + dt.timedelta(hours=1), ""))
        if status != "paid":
            rows.append((membership_id, "paid", "active", joined + dt.timedelta(days=3), ""))
        if status in ("lapsed", "resigned"):
            rows.append((membership_id, "active", status, joined + dt.timedelta(days=rng.randint(10, 29)), ""))
    copy_rows(cursor, "membership_changes", ["membership_id", "from_status", "to_status", "changed_at", "reason"], rows)


def seed_events(cursor, members, now, rng):
    """The 5-year calendar, every event with bookings; the events to come with a waiting list when full."""
    rows = calendar_rows(now)
    copy_rows(cursor, "events", EVENT_COLUMNS, rows)
    cursor.execute("SELECT setval('events_id_seq', %s)", (len(rows),))
    bookings, waiting = [], []
    for event in rows:
        event_id, capacity, starts_at = event[0], event[10], event[5]
        booked = rng.randint(capacity // 2, capacity)
        people = rng.sample(range(1, members + 1), booked + 10)
        bookings += [(event_id, person, "confirmed", event[11], "", "", now, now, now) for person in people[:booked]]
        if booked == capacity and starts_at > now:
            waiting += [(event_id, person, now, "waiting") for person in people[booked:]]
    copy_rows(cursor, "bookings", BOOKING_COLUMNS, bookings)
    copy_rows(cursor, "waiting_list_entries", ["event_id", "person_id", "joined_at", "status"], waiting)
    return len(rows), len(bookings)


def seed_payments(cursor, members, now, rng):
    """For every member a fee or renewal each year for five years (one in twenty by invoice or bank transfer),
    event places for paid bookings; one payment in fifty refunded in full, one in fifty in part."""
    payments, refunds = [], []
    for person in range(1, members + 1):
        for year in range(YEARS):
            paid_at = now - dt.timedelta(days=365 * year + rng.randint(0, 364), minutes=rng.randint(0, 1440))
            # The first year's fee, then a renewal for each year after, each for its own period.
            purpose, period = ("membership_fee", None) if year == YEARS - 1 else ("renewal", paid_at.date())
            payments.append((person, purpose, person, period, 4500, paid_at))
    for booking_id, person, price, starts_at in cursor.execute(
        "SELECT b.id, b.person_id, b.price_pence, e.starts_at FROM bookings b JOIN events e ON e.id = b.event_id "
        "WHERE b.price_pence > 0"
    ).fetchall():
        paid_at = min(now, starts_at - dt.timedelta(days=rng.randint(1, 90)))
        payments.append((person, "event_place", booking_id, None, price, paid_at))
    rows = []
    for n, (person, purpose, subject_id, period, pence, paid_at) in enumerate(payments, start=1):
        method = "card" if n % 20 else ("invoice" if n % 40 else "bank_transfer")
        refunded = pence if n % 50 == 7 else (pence // 2 if n % 50 == 8 else 0)
        status = "refunded" if refunded == pence else ("partially_refunded" if refunded else "succeeded")
        rows.append(
            (
                n,
                person,
                purpose,
                subject_id,
                period,
                f"Bench payment {n}",
                pence,
                refunded,
                "gbp",
                status,
                method,
                f"bench-{n}",
                False,
                paid_at,
                paid_at,
                paid_at,
            )  # fmt: skip
        )
        if refunded:
            refunds.append(
                (n, refunded, "Bench refund", f"bench-refund-{n}", "succeeded", paid_at + dt.timedelta(days=20))
            )
    copy_rows(
        cursor,
        "payments",
        [
            "id",
            "person_id",
            "purpose",
            "subject_id",
            "period_starts_on",
            "description",
            "amount_pence",
            "refunded_pence",
            "currency",
            "status",
            "method",
            "idempotency_key",
            "off_session",
            "succeeded_at",
            "created_at",
            "updated_at",
        ],  # fmt: skip
        rows,
    )
    cursor.execute("SELECT setval('payments_id_seq', %s)", (len(rows),))
    copy_rows(
        cursor, "refunds", ["payment_id", "amount_pence", "reason", "idempotency_key", "status", "created_at"], refunds
    )
    return len(rows), len(refunds)


def seed(name, members, entries):
    rng = random.Random(2026)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    with psycopg.connect(database_url(name)) as connection, connection.cursor() as cursor:
        seed_people(cursor, members, now, today)
        vary_memberships(cursor, members, now, rng)
        version_id = cursor.execute("SELECT id FROM code_versions WHERE number = 1").fetchone()[0]
        standard_ids = [
            row[0] for row in cursor.execute("SELECT id FROM code_standards WHERE version_id = %s", (version_id,))
        ]
        seed_entries(cursor, members, entries, standard_ids, rng, today, now)
        events, bookings = seed_events(cursor, members, now, rng)
        payments, refunds = seed_payments(cursor, members, now, rng)
        connection.commit()
    with psycopg.connect(database_url(name), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        # `vary_memberships` rewrote every membership at once, which no day of real use does: it leaves each index
        # on the table half empty and twice its size, and PostgreSQL then prefers reading the whole table to the
        # covering index the compliance list is written for. Rebuild them, as after any bulk load.
        connection.execute("REINDEX TABLE memberships")
    return f"{events:,} events, {bookings:,} bookings, {payments:,} payments, {refunds:,} refunds"


# --- 2. The server -----------------------------------------------------------------------------------


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=15)


# --- 3. Load -------------------------------------------------------------------------------------------


async def staff_sessions(base, count, first=1):
    """`count` signed-in staff, each its own account: a two-factor code is accepted once per account."""
    return [await sign_in(base, f"staff{n}@bench.nalw.org.uk", STAFF_TOTP) for n in range(first, first + count)]


async def queries_per_page(base, pages):
    """Each page once, for its X-Query-Count (and that it answers 200)."""
    (session,) = await staff_sessions(base, 1, first=STAFF_ACCOUNTS)  # not one of those `measure` signs in
    counts = {}
    for name, path in pages:
        async with session.get(path) as response:
            await response.read()
            counts[name] = (response.status, int(response.headers.get("X-Query-Count", "-1")))
    await session.close()
    return counts


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(base, database):
    """CPU time used so far (clock ticks): (the gunicorn serving `base`, the PostgreSQL backends connected to
    `database`): what a page costs the machine, without the time a request waits for a processor. Backends
    are found by their title, which names the database: parallel workers (none at this size) and connections
    that close during a run are not counted."""
    port = base.rsplit(":", 1)[1]
    app, database_ticks = 0, 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                command = file.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks = int(fields[11]) + int(fields[12])  # user and system time
        if "gunicorn" in command and f"127.0.0.1:{port}" in command:
            app += ticks
        elif command.startswith("postgres:") and f" {database} " in command:
            database_ticks += ticks
    return app, database_ticks


async def measured(base, sessions, request, seconds):
    """`load`'s figures for the request, with the CPU milliseconds the app and the database spent per request."""
    before = cpu_ticks(base, BENCH_DB)
    latencies, queries, statuses, rate = await load(sessions, request, seconds)
    after = cpu_ticks(base, BENCH_DB)
    cpu_ms = [
        (spent - had) * 1000 / CLOCK_TICKS / max(1, len(latencies)) for had, spent in zip(before, after, strict=True)
    ]
    return latencies, queries, statuses, rate, cpu_ms


async def measure(base, pages, seconds, concurrency):
    anonymous = [aiohttp.ClientSession(base_url=base) for _ in range(concurrency)]
    # The port opens before both workers have loaded the app: warm them before measuring anything.
    await load(anonymous, lambda _n: ("GET", "/bench/baseline", None), 2)
    baseline = await measured(base, anonymous, lambda _n: ("GET", "/bench/baseline", None), seconds)
    results = {"baseline page (no query)": baseline}
    staff = await staff_sessions(base, concurrency)
    for name, path in pages:
        await warm(staff, lambda _n, path=path: ("GET", path, None))
        results[name] = await measured(base, staff, lambda _n, path=path: ("GET", path, None), seconds)
    for session in [*anonymous, *staff]:
        await session.close()
    return results


def on_server(name, work):
    port = free_port()
    server = start_server(port, app_env(name))
    try:
        return asyncio.run(work(f"http://127.0.0.1:{port}"))
    finally:
        stop_server(server)


def report(results, pages, small_counts, full_counts, seconds, concurrency, members):
    baseline_rate = results["baseline page (no query)"][3]
    log(f"\nStaff benchmark: {concurrency} concurrent clients, {seconds} s per page, gunicorn 2 workers, PostgreSQL")
    log(
        f"{'page':28} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'vs baseline':>12} {'queries':>8} "
        f"{'CPU ms app+db':>14}  statuses"
    )
    for name, (latencies, queries, statuses, rate, cpu_ms) in results.items():
        log(
            f"{name:28} {len(latencies):9d} {statistics.median(latencies):8.1f} {percentile(latencies, 0.95):8.1f} "
            f"{rate:8.1f} {rate / baseline_rate:12.2f} {'/'.join(map(str, sorted(set(queries)))):>8} "
            f"{sum(cpu_ms):6.1f} ={cpu_ms[0]:4.1f} +{cpu_ms[1]:4.1f}  {statuses}"
        )
    log(
        "CPU ms: what the app (gunicorn) and the database (its PostgreSQL backends) spent per request, from /proc;"
        " unlike the times, it leaves out the time a request waits for a processor."
    )
    log(f"\nqueries per request: {members // SMALL_SHARE:,} members against {members:,}")
    steady = True
    for name, _path in pages:
        (small_status, small), (full_status, full) = small_counts[name], full_counts[name]
        same = small == full and small_status == full_status == 200
        steady = steady and same
        log(
            f"  {name:28} {small:4d} {full:4d}  {'the same' if same else 'DIFFERENT'} (statuses {small_status}, {full_status})"
        )
    return steady


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=4, help="clients at once (two per gunicorn worker)")
    parser.add_argument("--reuse", action="store_true", help="keep the databases from the last run")
    parser.add_argument("--only", default="", help="only the pages whose name holds this word (case ignored)")
    args = parser.parse_args()
    pages = [(name, path) for name, path in PAGES if args.only.lower() in name.lower()]
    small_db = f"{BENCH_DB}_small"
    if not args.reuse:
        build_database(small_db, args.members // SMALL_SHARE, args.entries // SMALL_SHARE)
        build_database(BENCH_DB, args.members, args.entries)
    small_counts = on_server(small_db, lambda base: queries_per_page(base, pages))
    full_counts = on_server(BENCH_DB, lambda base: queries_per_page(base, pages))
    results = on_server(BENCH_DB, lambda base: measure(base, pages, args.seconds, args.concurrency))
    steady = report(results, pages, small_counts, full_counts, args.seconds, args.concurrency, args.members)
    sys.exit(0 if steady else 1)


if __name__ == "__main__":
    main()
