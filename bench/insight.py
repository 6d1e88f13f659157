"""`make bench-insight`: the gaps-and-barriers figures at scale, under concurrent load.

1. Builds a PostgreSQL database `nalw_bench_insight` (fresh each run): 2,000 members who report, staff
   accounts, a roadshow in the North West, and reports of gaps and barriers over 5 years, seeded with COPY
   in two steps: first 10,000 reports, then up to 100,000 (about 3% withdrawn and 1% hidden, which no
   figure counts).
2. Serves the app with gunicorn (2 workers) on loopback in bench mode, as `bench/cpd.py` does.
3. At each size, from this second process: p50/p95, throughput and its ratio to the baseline page for the
   public figures (this year, and a year 4 years ago), the open data CSV, the staff figures (this year, and
   all 5 years: 60 months of trend), the reports behind one figure, and the roadshow's page with the
   region's leading themes; with the queries per request, which must be the same at both sizes.

Usage: python bench/insight.py [--reports 100000] [--first 10000] [--seconds 6] [--concurrency 4]
"""

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import statistics
import sys
import time

import aiohttp
import psycopg
from cpd import (
    ADMIN_URL,
    ROOT,
    STAFF_TOTP,
    copy_rows,
    flask,
    free_port,
    load,
    log,
    percentile,
    signed_in_session,
    start_server,
)
from events import seed_people

BENCH_DB = "nalw_bench_insight"
BENCH_URL = f"postgresql://postgres@127.0.0.1:5432/{BENCH_DB}"
REPORTERS = 2000
YEARS = 5
REGIONS = ["north_east", "north_west", "yorkshire_and_the_humber", "east_midlands", "west_midlands", "east_of_england",
           "london", "south_east", "south_west", "wales", "scotland", "northern_ireland"]  # fmt: skip
THEMES = ["transport", "digital_access", "poverty_and_debt", "housing", "isolation", "mental_health_support",
          "language_and_interpreting", "gp_access", "other"]  # fmt: skip
THEME_WEIGHTS = [18, 12, 14, 11, 10, 14, 5, 12, 4]
BANDS = ["one", "two_to_five", "six_to_twenty", "more_than_twenty"]
SERVICE_STATES = ["no_service", "full", "unreachable", "not_sure"]
REPORT_COLUMNS = ["reporter_id", "theme", "region", "local_authority", "affected", "service_state", "description",
                  "reported_on", "status", "withdrawn_at", "hidden_at", "hidden_by_id", "hidden_reason",
                  "created_at", "updated_at"]  # fmt: skip


def app_env():
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": BENCH_URL,
        "NALW_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "NALW_BENCH_MODE": "1",
        "NALW_LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi",
        "NALW_SIGN_IN_LIMIT_PER_IP": "1000 per minute",
        # The accounts' hashes use the events bench's cheap argon2 settings.
        "NALW_ARGON2_TIME_COST": "1",
        "NALW_ARGON2_MEMORY_COST": "1024",
    }


def build_database():
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    flask("db", "upgrade", env=app_env())
    flask("setup", "defaults", env=app_env())
    now = dt.datetime.now(dt.UTC)
    with psycopg.connect(BENCH_URL) as connection, connection.cursor() as cursor:
        # Members in good standing who report, and the staff accounts, as the events bench makes them.
        seed_people(cursor, REPORTERS, now, now.date())
        starts_at = (now + dt.timedelta(days=30)).replace(hour=9, minute=30, second=0, microsecond=0)
        cursor.execute(
            """INSERT INTO events (title, description, kind, region, starts_at, ends_at, format, venue, joining_url,
               capacity, member_price_pence, non_member_price_pence, booking_opens_at, booking_closes_at,
               cpd_quarter_hours, refund_cutoff_days, offer_hours, hold_minutes, status, published_at,
               cancellation_reason, created_at, updated_at)
               VALUES ('North West roadshow', '', 'roadshow', 'north_west', %(starts)s, %(ends)s, 'in_person',
               'Manchester', '', 100, 0, 0, %(now)s, %(closes)s, 20, 7, 24, 15, 'published', %(now)s, '', %(now)s,
               %(now)s) RETURNING id""",
            {
                "starts": starts_at,
                "ends": starts_at + dt.timedelta(hours=6),
                "closes": starts_at - dt.timedelta(hours=1),
                "now": now,
            },
        )
        event_id = cursor.fetchone()[0]
        connection.commit()
    return event_id


def seed_reports(first_number, count):
    """`count` reports spread evenly over the 5 years to today, numbered from `first_number` (the seed of each)."""
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    span = 365 * YEARS
    staff_id = REPORTERS + 1

    def rows():
        for number in range(first_number, first_number + count):
            rng = random.Random(number)
            status = rng.choices(["active", "withdrawn", "hidden"], [96, 3, 1])[0]
            yield (
                rng.randint(1, REPORTERS),
                rng.choices(THEMES, THEME_WEIGHTS)[0],
                rng.choice(REGIONS),
                "",
                rng.choice(BANDS),
                rng.choice(SERVICE_STATES),
                "No affordable transport to the weekly group; people miss it.",
                today - dt.timedelta(days=rng.randrange(span)),
                status,
                now if status == "withdrawn" else None,
                now if status == "hidden" else None,
                staff_id if status == "hidden" else None,
                "Names a patient" if status == "hidden" else "",
                now,
                now,
            )

    started = time.monotonic()
    with psycopg.connect(BENCH_URL) as connection, connection.cursor() as cursor:
        copy_rows(cursor, "insight_reports", REPORT_COLUMNS, rows())
        connection.commit()
    with psycopg.connect(BENCH_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE insight_reports")
        total = connection.execute("SELECT count(*) FROM insight_reports").fetchone()[0]
    log(f"seeded {count:,} reports ({total:,} in all) in {time.monotonic() - started:.0f} s")
    return total


def query_plans():
    """The plans of the public table's query for this year (an index-only scan of the partial index) and the
    staff page's query over 5 years (an index-only scan of the index by month, counted in its order)."""
    today = dt.date.today()
    active = "status = 'active' AND reported_on >= %s AND reported_on <= %s"
    month = "CAST(date_trunc('month', CAST(reported_on AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE)"
    five_years_ago = today.replace(year=today.year - YEARS, day=min(today.day, 28))
    queries = {
        "public figures, this year": (
            f"SELECT theme, region, count(*) FROM insight_reports WHERE {active} GROUP BY theme, region",
            (today.replace(month=1, day=1), today.replace(month=12, day=31)),
        ),
        "staff figures, 5 years": (
            f"SELECT {month}, theme, region, count(*) FROM insight_reports "
            f"WHERE {active} AND {month} >= %s AND {month} <= %s GROUP BY 1, 2, 3",
            (five_years_ago, today, five_years_ago.replace(day=1), today.replace(day=1)),
        ),
    }
    with psycopg.connect(BENCH_URL) as connection:
        return {
            name: [row[0] for row in connection.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", parameters)]
            for name, (sql, parameters) in queries.items()
        }


def pages(event_id):
    today = dt.date.today()
    five_years_ago = today.replace(year=today.year - YEARS, day=min(today.day, 28))
    return [
        ("public figures, this year", False, "/insight"),
        ("public figures, 4 years ago", False, f"/insight?year={today.year - 4}"),
        ("open data CSV", False, "/insight/open-data.csv"),
        ("roadshow page, top themes", False, f"/events/{event_id}"),
        ("staff figures, this year", True, "/admin/insight"),
        ("staff figures, 5 years", True, f"/admin/insight?starts_on={five_years_ago}&ends_on={today}"),
        ("staff reports of one figure", True, "/admin/insight/reports?theme=transport&region=london"),
    ]


async def measure(base, event_id, seconds, concurrency):
    anonymous = [aiohttp.ClientSession(base_url=base) for _ in range(concurrency)]
    staff = [
        await signed_in_session(base, f"staff{n}@bench.nalw.org.uk", STAFF_TOTP) for n in range(1, concurrency + 1)
    ]
    # The port opens before both workers have loaded the app: warm them before measuring anything.
    await load(anonymous, lambda _n: ("GET", "/bench/baseline", None), 2)
    results = {"baseline page (no query)": await load(anonymous, lambda _n: ("GET", "/bench/baseline", None), seconds)}
    for name, as_staff, path in pages(event_id):
        sessions = staff if as_staff else anonymous
        await load(sessions, lambda _n, path=path: ("GET", path, None), 1)  # warm
        results[name] = await load(sessions, lambda _n, path=path: ("GET", path, None), seconds)
    for session in [*anonymous, *staff]:
        await session.close()
    return results


def run_at_size(event_id, seconds, concurrency):
    port = free_port()
    server = start_server(port, env=app_env())
    try:
        return asyncio.run(measure(f"http://127.0.0.1:{port}", event_id, seconds, concurrency))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)


def report(size, results, seconds, concurrency):
    baseline_rate = results["baseline page (no query)"][3]
    log(f"\n{size:,} reports: {concurrency} concurrent clients, {seconds} s each, gunicorn 2 workers, PostgreSQL")
    log(
        f"{'page':30} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'vs baseline':>12} {'queries':>8}  statuses"
    )
    for name, (latencies, queries, statuses, rate) in results.items():
        log(
            f"{name:30} {len(latencies):9d} {statistics.median(latencies):8.1f} {percentile(latencies, 0.95):8.1f} "
            f"{rate:8.1f} {rate / baseline_rate:12.2f} {'/'.join(map(str, sorted(set(queries)))):>8}  {statuses}"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--first", type=int, default=10_000, help="reports at the first, smaller size")
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    event_id = build_database()
    sizes = {}
    small = seed_reports(0, args.first)
    sizes[small] = run_at_size(event_id, args.seconds, args.concurrency)
    large = seed_reports(args.first, args.reports - args.first)
    sizes[large] = run_at_size(event_id, args.seconds, args.concurrency)
    log("\nInsight benchmark")
    for size, results in sizes.items():
        report(size, results, args.seconds, args.concurrency)
    log("\nQueries per request at each size (they must not grow with the reports):")
    same = True
    for name in sizes[small]:
        few, many = (sorted(set(results[name][1])) for results in sizes.values())
        same &= few == many
        log(f"  {name:30} {small:,}: {few}   {large:,}: {many}   {'the same' if few == many else 'DIFFERENT'}")
    errors = sum(
        count
        for results in sizes.values()
        for result in results.values()
        for status, count in result[2].items()
        if status >= 500
    )
    log(f"\nerrors (5xx): {errors}")
    for name, plan in query_plans().items():
        log(f"\nPlan of the query of the {name} at the larger size:")
        for line in plan:
            log(f"  {line}")
    sys.exit(0 if same and errors == 0 else 1)


if __name__ == "__main__":
    main()
