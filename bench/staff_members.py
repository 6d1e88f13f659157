"""`make bench-staff-members`: the staff members list, its search and CSV export, and a member's page, at
the body's real size, under concurrent load.

1. Builds a PostgreSQL database `nalw_bench_staff_members` (or $NALW_BENCH_DB; fresh each run) with `bench/cpd.py`'s seeding:
   10,000 members with active memberships and 500,000 CPD entries over ten years. Adds a fee payment and
   two emails for every member, and gives member 1 a long history: 5 years of payments (with refunds),
   200 emails, 100 events booked and attended and 50 staff notes.
2. Serves the app with gunicorn (2 workers) on loopback in bench mode, as `bench/cpd.py` does.
3. From this second process, with concurrent staff clients: p50/p95, throughput, its ratio to the
   baseline page and queries per request for member searches (by number, by part of a name, ranked),
   the list filtered by region and CPD standing, and the member page of a member with a short history and
   of member 1 (the queries must be the same).
4. The full member CSV export (10,000 rows) from a one-worker server: its time, size, rows, and the
   worker's peak memory (VmHWM) against its size before the export.

Usage: python bench/staff_members.py [--members 10000] [--entries 500000] [--seconds 8] [--concurrency 4] [--reuse]
"""

import argparse
import asyncio
import datetime as dt
import os
import signal
import statistics
import sys
import time

import aiohttp
import cpd
import psycopg
from cpd import (
    STAFF_ACCOUNTS,
    STAFF_TOTP,
    copy_rows,
    free_port,
    load,
    log,
    percentile,
    signed_in_session,
)
from events import EVENT_COLUMNS, event_row

BENCH_DB = os.environ.get("NALW_BENCH_DB", "nalw_bench_staff_members")
BENCH_URL = f"postgresql://postgres@127.0.0.1:5432/{BENCH_DB}"
# bench/cpd.py builds, seeds and serves this database: its helpers read these two.
cpd.BENCH_DB, cpd.BENCH_URL = BENCH_DB, BENCH_URL
HEAVY_MEMBER = 1
# The member page is compared between member 1 and a member with one of everything: members // 2.
HEAVY_EVENTS, HEAVY_EMAILS, HEAVY_NOTES, HEAVY_YEARS = 100, 200, 50, 5


# --- 1. Data -----------------------------------------------------------------------------------------


def build_database(members, entries):
    """`bench/cpd.py`'s database (members and CPD entries), then the history this bench reads."""
    cpd.build_database(members, entries)
    started = time.monotonic()
    seed_history(members)
    with psycopg.connect(BENCH_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    log(f"seeded payments, refunds, emails, bookings and notes in {time.monotonic() - started:.0f} s")


PAYMENT_COLUMNS = ["person_id", "purpose", "subject_id", "period_starts_on", "description", "amount_pence",
                   "refunded_pence", "currency", "status", "method", "idempotency_key", "off_session", "succeeded_at",
                   "offline_reference", "created_at", "updated_at"]  # fmt: skip
EMAIL_COLUMNS = ["created_at", "to_address", "person_id", "template", "subject", "body_text", "body_html", "status",
                 "attempts", "next_attempt_at", "sent_at"]  # fmt: skip


def seed_history(members):
    now = dt.datetime.now(dt.UTC)
    body = "Dear member,\n\nA realistic paragraph of an email about your membership.\n" * 5
    with psycopg.connect(BENCH_URL) as connection, connection.cursor() as cursor:
        membership_of = dict(cursor.execute("SELECT person_id, id FROM memberships").fetchall())
        staff_id = cursor.execute("SELECT min(id) FROM people WHERE totp_secret IS NOT NULL").fetchone()[0]
        payments = [
            (person, "membership_fee", membership_of[person], None, "Link Worker membership fee", 4500, 0, "gbp",
             "succeeded", "invoice", f"fee-{person}", False, now, "INV-1", now, now)
            for person in range(1, members + 1)
        ]  # fmt: skip
        short = members // 2
        payments += [
            (person, "renewal", membership_of[person], dt.date(now.year - year, 1, 1),
             "Link Worker membership renewal", 4500, 500, "gbp", "partially_refunded", "invoice",
             f"renewal-{person}-{year}", False, now - dt.timedelta(days=365 * year), "INV-2",
             now - dt.timedelta(days=365 * year), now)
            for person, years in ((HEAVY_MEMBER, HEAVY_YEARS), (short, 1))
            for year in range(1, years + 1)
        ]  # fmt: skip
        copy_rows(cursor, "payments", PAYMENT_COLUMNS, payments)
        refunded = cursor.execute("SELECT id FROM payments WHERE refunded_pence > 0").fetchall()
        copy_rows(
            cursor,
            "refunds",
            ["payment_id", "amount_pence", "reason", "idempotency_key", "status", "created_at", "created_by_id"],
            [
                (payment_id, 500, "Goodwill", f"refund-{payment_id}", "succeeded", now, staff_id)
                for (payment_id,) in refunded
            ],
        )
        emails = [
            (now - dt.timedelta(days=n), f"member{person}@bench.nalw.org.uk", person, "members/renewal_reminder",
             f"Your membership renews soon ({n})", body, f"<p>{body}</p>", "sent", 1, now, now)
            for person in range(1, members + 1)
            for n in range(1, 3)
        ]  # fmt: skip
        emails += [
            (now - dt.timedelta(days=n), f"member{HEAVY_MEMBER}@bench.nalw.org.uk", HEAVY_MEMBER, "events/booked",
             f"Your place is booked ({n})", body, f"<p>{body}</p>", "sent", 1, now, now)
            for n in range(HEAVY_EMAILS)
        ]  # fmt: skip
        copy_rows(cursor, "outbox_messages", EMAIL_COLUMNS, emails)
        seed_events(cursor, now, short)
        copy_rows(
            cursor,
            "staff_notes",
            ["person_id", "author_id", "body", "created_at"],
            [
                (person, staff_id, f"Note {n}: rang about an invoice.", now - dt.timedelta(days=n))
                for person, notes in ((HEAVY_MEMBER, HEAVY_NOTES), (short, 1))
                for n in range(notes)
            ],
        )
        connection.commit()


def seed_events(cursor, now, short):
    """Member 1 booked and attended an event every few weeks for years; `short` attended one."""
    events = [
        event_row(n, f"Roadshow {n}", "roadshow", "north_west", now - dt.timedelta(days=18 * n), 60, 0, now)
        for n in range(1, HEAVY_EVENTS + 1)
    ]
    copy_rows(cursor, "events", EVENT_COLUMNS, events)
    cursor.execute("SELECT setval('events_id_seq', %s)", (HEAVY_EVENTS,))
    copy_rows(
        cursor,
        "bookings",
        [
            "event_id",
            "person_id",
            "status",
            "price_pence",
            "access_needs",
            "dietary",
            "confirmed_at",
            "checked_in_at",
            "created_at",
            "updated_at",
        ],
        [
            (n, person, "confirmed", 0, "", "", row[5], row[5], row[5], now)
            for n, row in enumerate(events, start=1)
            for person in ((HEAVY_MEMBER, short) if n == 1 else (HEAVY_MEMBER,))
        ],
    )


# --- 2. The server -----------------------------------------------------------------------------------


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=15)


def worker_memory_kb(master_pid):
    """(resident now, peak resident) of the server's one worker, from /proc, in kB."""
    with open(f"/proc/{master_pid}/task/{master_pid}/children") as children:
        [worker] = children.read().split()
    with open(f"/proc/{worker}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


# --- 3. Load -------------------------------------------------------------------------------------------


async def run(base, seconds, concurrency, members):
    anonymous = [aiohttp.ClientSession(base_url=base) for _ in range(concurrency)]
    await load(anonymous, lambda _n: ("GET", "/bench/baseline", None), 2)  # warm both workers
    results = {"baseline page (no query)": await load(anonymous, lambda _n: ("GET", "/bench/baseline", None), seconds)}
    staff = [
        await signed_in_session(base, f"staff{n}@bench.nalw.org.uk", STAFF_TOTP) for n in range(1, concurrency + 1)
    ]
    short = members // 2
    pages = [
        ("members list, first page", "/admin/members"),
        ("search: a whole number", f"/admin/members?q=NALW-{members // 3:06d}"),
        ("search: part of a number", f"/admin/members?q={members // 7:04d}"),
        ("search: part of a name", "/admin/members?q=member%2099"),
        ("search: an email", f"/admin/members?q=member{members // 5}%40bench.nalw.org.uk"),
        ("region, behind on CPD", "/admin/members?region=london&cpd=behind"),
        ("member page, short history", f"/admin/people/{short}"),
        ("member page, long history", f"/admin/people/{HEAVY_MEMBER}"),
    ]
    for name, path in pages:
        await staff[0].get(path)  # warm
        results[name] = await load(staff, lambda _n, path=path: ("GET", path, None), seconds)
    for session in [*anonymous, *staff]:
        await session.close()
    return results


async def warm(base):
    async with aiohttp.ClientSession(base_url=base) as session:
        await load([session], lambda _n: ("GET", "/bench/baseline", None), 1)


async def export(base, path, staff_number):
    """Download one CSV as staff member `staff_number` (a two-factor code signs each account in once):
    (seconds, bytes, rows)."""
    async with await signed_in_session(base, f"staff{staff_number}@bench.nalw.org.uk", STAFF_TOTP) as session:
        await (await session.get("/admin/members")).read()
        started = time.perf_counter()
        size = rows = 0
        async with session.get(path) as response:
            async for piece in response.content.iter_chunked(64 * 1024):
                size += len(piece)
                rows += piece.count(b"\n")
        return time.perf_counter() - started, size, rows - 1  # less the heading


def measure_export():
    """On a one-worker server: a small export first (the worker has then loaded everything an export
    needs), the worker's peak memory, then the full export and the peak again."""
    port = free_port()
    server = cpd.start_server(port, workers=1)
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(warm(base))
        small = asyncio.run(export(base, "/admin/members.csv?region=london", STAFF_ACCOUNTS - 1))
        _, small_peak_kb = worker_memory_kb(server.pid)
        full = asyncio.run(export(base, "/admin/members.csv", STAFF_ACCOUNTS))
        _, full_peak_kb = worker_memory_kb(server.pid)
    finally:
        stop_server(server)
    return small, small_peak_kb, full, full_peak_kb


def report(results, exported, seconds, concurrency, members):
    baseline_rate = results["baseline page (no query)"][3]
    log(
        f"\nStaff members benchmark: {concurrency} concurrent clients, {seconds} s per page, gunicorn 2 workers, PostgreSQL"
    )
    log(
        f"{'page':30} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'vs baseline':>12} {'queries':>8}  statuses"
    )
    for name, (latencies, queries, statuses, rate) in results.items():
        log(
            f"{name:30} {len(latencies):9d} {statistics.median(latencies):8.1f} {percentile(latencies, 0.95):8.1f} "
            f"{rate:8.1f} {rate / baseline_rate:12.2f} {'/'.join(map(str, sorted(set(queries)))):>8}  {statuses}"
        )
    short = sorted(set(results["member page, short history"][1]))
    long = sorted(set(results["member page, long history"][1]))
    log(
        f"\nqueries on the member page: short history {short}; member {HEAVY_MEMBER} with {HEAVY_EVENTS} events, "
        f"{HEAVY_EMAILS + 2} emails, {HEAVY_NOTES} notes, {HEAVY_YEARS + 1} payments: {long} "
        f"({'the same' if short == long else 'DIFFERENT'})"
    )
    (small_seconds, _, small_rows), small_peak_kb, (seconds_taken, size, rows), peak_kb = exported
    log(
        f"\nfull member CSV export (one worker): {rows:,} rows, {size / 1024:.0f} KiB in {seconds_taken:.2f} s "
        f"({small_rows:,} rows in {small_seconds:.2f} s for one region); worker's peak resident memory "
        f"{small_peak_kb / 1024:.1f} MiB after the one-region export, {peak_kb / 1024:.1f} MiB after the full one "
        f"(+{(peak_kb - small_peak_kb) / 1024:.1f} MiB for {rows - small_rows:,} more rows)"
    )
    return rows == members and short == long


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="measure the database the last run built")
    args = parser.parse_args()
    if not args.reuse:
        build_database(args.members, args.entries)
    port = free_port()
    server = cpd.start_server(port)
    try:
        results = asyncio.run(run(f"http://127.0.0.1:{port}", args.seconds, args.concurrency, args.members))
    finally:
        stop_server(server)
    exported = measure_export()
    passed = report(results, exported, args.seconds, args.concurrency, args.members)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
