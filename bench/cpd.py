"""`make bench-cpd`: the CPD pages at the body's real size, under concurrent load.

1. Builds a PostgreSQL database `nalw_bench` (fresh each run): 10,000 members and
   500,000 CPD entries spread over ten CPD years, linked to the code's standards.
2. Serves the app with gunicorn (2 workers) on loopback, in bench mode: a fixed page
   with no query at /bench/baseline, and each response's SQL count in X-Query-Count.
3. From this second process, loads each page with concurrent clients for a fixed
   time: the baseline, a member's CPD page, logging an entry, and the staff
   compliance list. Prints p50/p95 latency, throughput and its ratio to the baseline
   (absolute speed varies between machines; the ratio is comparable), and the
   queries per request for a member with few entries and one with ten years' worth.

Usage: python bench/cpd.py [--members 10000] [--entries 500000] [--seconds 8] [--concurrency 8]
"""

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import psycopg
import pyotp
from argon2 import PasswordHasher

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "nalw_bench"
BENCH_URL = f"postgresql://postgres@127.0.0.1:5432/{BENCH_DB}"
PASSWORD = "bench-password-2026"
STAFF_TOTP = "NALWBENCHTOTPSECRET23456"
HEAVY_MEMBER_EMAIL = "member1@bench.nalw.org.uk"
STAFF_ACCOUNTS = 32


def log(message):
    print(message, flush=True)


# --- 1. Data -----------------------------------------------------------------------------------------


def app_env():
    return {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "NALW_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "NALW_BENCH_MODE": "1",
        "NALW_LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi",
        # Sign-in is limited per address and IP; the bench signs in a few sessions from one IP.
        "NALW_SIGN_IN_LIMIT_PER_IP": "1000 per minute",
    }


def flask(*args, env=None):
    """Runs `flask <args>` on the bench database (`env`: another bench's environment)."""
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env or app_env(), check=True, capture_output=True
    )


def build_database(members, entries):
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    flask("db", "upgrade")
    flask("setup", "defaults")
    started = time.monotonic()
    seed(members, entries)
    log(f"seeded {members:,} members and {entries:,} CPD entries in {time.monotonic() - started:.0f} s")


def password_hash():
    """One hash, with the app's default argon2 settings, for every bench account."""
    return PasswordHasher().hash(PASSWORD)


def copy_rows(cursor, table, columns, rows):
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed(members, entries):
    rng = random.Random(2026)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    hashed = password_hash()
    with psycopg.connect(BENCH_URL) as connection, connection.cursor() as cursor:
        tier_id = cursor.execute("SELECT id FROM tiers WHERE name = 'Link Worker'").fetchone()[0]
        version_id = cursor.execute("SELECT id FROM code_versions WHERE number = 1").fetchone()[0]
        standard_ids = [
            row[0] for row in cursor.execute("SELECT id FROM code_standards WHERE version_id = %s", (version_id,))
        ]
        regions = ["north_east", "north_west", "yorkshire_and_the_humber", "east_midlands", "west_midlands", "east_of_england",
                   "london", "south_east", "south_west", "wales", "scotland", "northern_ireland"]  # fmt: skip
        copy_rows(
            cursor,
            "people",
            [
                "id",
                "name",
                "email",
                "password_hash",
                "email_verified_at",
                "created_at",
                "updated_at",
            ],
            (
                (i, f"Bench Member {i}", f"member{i}@bench.nalw.org.uk", hashed, now, now, now)
                for i in range(1, members + 1)
            ),
        )
        # Several staff accounts: a two-factor code is accepted once per account, so each session has its own.
        staff_ids = range(members + 1, members + 1 + STAFF_ACCOUNTS)
        copy_rows(
            cursor,
            "people",
            [
                "id",
                "name",
                "email",
                "password_hash",
                "email_verified_at",
                "created_at",
                "updated_at",
                "totp_secret",
                "totp_enabled_at",
            ],
            [
                (
                    i,
                    f"Bench Staff {i}",
                    f"staff{i - members}@bench.nalw.org.uk",
                    hashed,
                    now,
                    now,
                    now,
                    STAFF_TOTP,
                    now,
                )
                for i in staff_ids
            ],
        )
        cursor.execute("SELECT setval('people_id_seq', %s)", (staff_ids[-1],))
        copy_rows(cursor, "role_grants", ["person_id", "role", "granted_at"], [(i, "staff", now) for i in staff_ids])
        copy_rows(
            cursor,
            "role_grants",
            ["person_id", "role", "granted_at"],
            ((i, "member", now) for i in range(1, members + 1)),
        )
        started_on = today - dt.timedelta(days=3650)
        copy_rows(
            cursor,
            "memberships",
            [
                "person_id",
                "tier_id",
                "status",
                "number",
                "started_on",
                "expires_on",
                "auto_renew",
                "quoted_fee_pence",
                "for_organisation",
                "job_title",
                "employer_name",
                "employer_type",
                "region",
                "years_in_role",
                "code_version_id",
                "code_accepted_at",
                "register_consent",
                "news_consent",
                "consents_changed_at",
                "created_at",
                "updated_at",
            ],  # fmt: skip
            (
                (
                    i,
                    tier_id,
                    "active",
                    f"NALW-{i:06d}",
                    started_on,
                    today + dt.timedelta(days=rng.randint(1, 365)),
                    False,
                    4500,
                    False,
                    "Link Worker",
                    "Bench PCN",
                    "gp_practice_or_pcn",
                    regions[i % 12],
                    3,
                    version_id,
                    now,
                    i % 2 == 0,
                    False,
                    now,
                    now,
                    now,
                )  # fmt: skip
                for i in range(1, members + 1)
            ),
        )
        cursor.execute("UPDATE membership_number_counter SET last_number = %s", (members,))
        seed_entries(cursor, members, entries, standard_ids, rng, today, now)
        connection.commit()
    # A database in steady use has been vacuumed: its visibility map lets index-only scans skip the table.
    with psycopg.connect(BENCH_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def seed_entries(cursor, members, entries, standard_ids, rng, today, now):
    """`entries` CPD entries over ten CPD years, each linked to one or two standards."""
    # Entries: member 1 has ten years of heavy logging; the rest share the remainder.
    heavy = min(2000, entries // 10)
    owners = [1] * heavy + [rng.randint(2, members) for _ in range(entries - heavy)]
    activity = ["course", "conference", "peer_support", "reading", "reflective_practice", "shadowing", "other"]
    text = "A realistic paragraph of reflection about the activity and what changed in practice."
    copy_rows(
        cursor,
        "cpd_entries",
        [
            "id",
            "person_id",
            "done_on",
            "title",
            "activity_type",
            "quarter_hours",
            "provider",
            "status",
            "what_i_did",
            "what_i_learned",
            "practice_change",
            "impact",
            "created_at",
            "updated_at",
        ],  # fmt: skip
        (
            (
                n,
                owner,
                today - dt.timedelta(days=rng.randint(0, 3650)),
                f"Learning activity {n}",
                activity[n % 7],
                rng.randint(1, 24),
                "Provider",
                "complete" if n % 10 else "draft",
                text,
                text,
                text,
                text,
                now,
                now,
            )  # fmt: skip
            for n, owner in enumerate(owners, start=1)
        ),
    )
    cursor.execute("SELECT setval('cpd_entries_id_seq', %s)", (entries,))
    fill_year_totals(cursor)
    copy_rows(
        cursor,
        "cpd_entry_standards",
        ["entry_id", "standard_id"],
        ((n, standard) for n in range(1, entries + 1) for standard in rng.sample(standard_ids, 1 + n % 2)),
    )


def fill_year_totals(cursor):
    """The CPD year totals the app keeps with every entry, from the entries COPY wrote: one INSERT ... SELECT,
    CPD years starting on the app's default day (1 April), as nalw.core.cpd_years names them."""
    month, day = (int(part) for part in os.environ.get("NALW_CPD_YEAR_STARTS", "04-01").split("-"))
    cursor.execute(
        """
        INSERT INTO cpd_year_totals (person_id, year_starts_on, quarter_hours)
        SELECT person_id, year_starts_on, sum(quarter_hours)
        FROM (
            SELECT person_id, quarter_hours,
                make_date(
                    extract(year FROM done_on)::int
                        - CASE WHEN (extract(month FROM done_on), extract(day FROM done_on)) < (%(month)s, %(day)s)
                          THEN 1 ELSE 0 END,
                    %(month)s, %(day)s
                ) AS year_starts_on
            FROM cpd_entries WHERE status = 'complete'
        ) AS dated
        GROUP BY person_id, year_starts_on
        """,
        {"month": month, "day": day},
    )


# --- 2. The server -----------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port, env=None, workers=2):
    """gunicorn with `workers` workers on `port`, on the bench database (`env`: another bench's environment)."""
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            f"--workers={workers}",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env or app_env(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


# --- 3. Load -------------------------------------------------------------------------------------------


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


async def signed_in_session(base, email, totp=None):
    """A client signed in as `email` (with its two-factor code when `totp`), or the bench stops: a page measured
    signed out would be the sign-in page. A two-factor code is accepted once per account, so when this account
    used the current one moments ago (a run just before this one), it waits for the next code."""
    for attempt in range(2):
        session = aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))
        page = await (await session.get("/account/sign-in")).text()
        await session.post(
            "/account/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": CSRF.search(page).group(1)}
        )
        if totp:
            page = await (await session.get("/account/sign-in/two-factor")).text()
            await session.post(
                "/account/sign-in/two-factor",
                data={"code": pyotp.TOTP(totp).now(), "csrf_token": CSRF.search(page).group(1)},
            )
        async with session.get("/account/", allow_redirects=False) as account:
            if account.status == 200:
                return session
        await session.close()
        if not totp or attempt:
            break
        await asyncio.sleep(31 - time.time() % 30)
    sys.exit(f"could not sign in as {email}")


async def csrf_token(session, path):
    return CSRF.search(await (await session.get(path)).text()).group(1)


def new_entry_form(token, standard_id):
    return {
        "csrf_token": token,
        "done_on": dt.date.today().isoformat(),
        "title": "Benchmark learning",
        "activity_type": "reading",
        "hours": "1.25",
        "standards": str(standard_id),
        "what_i_did": "Read.",
        "what_i_learned": "Things.",
        "practice_change": "Better.",
        "impact": "Good.",
    }


async def load(sessions, make_request, seconds):
    """Each session sends requests back to back for `seconds`; returns latencies and query counts.
    `make_request(n)` gives the (method, path, form data) for the nth session."""
    latencies, queries, statuses = [], [], {}
    deadline = time.monotonic() + seconds

    async def worker(number, session):
        while time.monotonic() < deadline:
            method, path, data = make_request(number)
            started = time.perf_counter()
            async with session.request(method, path, data=data, allow_redirects=False) as response:
                await response.read()
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                queries.append(int(response.headers.get("X-Query-Count", "-1")))

    started = time.monotonic()
    await asyncio.gather(*(worker(number, session) for number, session in enumerate(sessions)))
    elapsed = time.monotonic() - started
    return latencies, queries, statuses, len(latencies) / elapsed


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def warm(sessions, request):
    """A second of a page first, unmeasured: a long-running server has compiled the page's template and
    statements, and PostgreSQL has planned them, long before any request a member would notice."""
    await load(sessions, request, 1)


async def run_load(base, seconds, concurrency):
    rng = random.Random(7)
    members = [
        await signed_in_session(base, f"member{rng.randint(2, 10000)}@bench.nalw.org.uk") for _ in range(concurrency)
    ]
    staff = [
        await signed_in_session(base, f"staff{n}@bench.nalw.org.uk", STAFF_TOTP) for n in range(1, concurrency + 1)
    ]
    heavy = await signed_in_session(base, HEAVY_MEMBER_EMAIL)
    tokens = [await csrf_token(session, "/cpd/entries/new") for session in members]
    page = await (await members[0].get("/cpd/entries/new")).text()
    standard_id = int(re.search(r'name="standards" type="checkbox" value="(\d+)"', page).group(1))
    results = {}

    scenarios = [
        ("baseline page (no query)", members, lambda _client: ("GET", "/bench/baseline", None)),
        ("member's CPD page", members, lambda _client: ("GET", "/cpd", None)),
    ]
    for name, sessions, request in scenarios:
        await warm(sessions, request)
        results[name] = await load(sessions, request, seconds)

    # Logging an entry: each session posts with its own CSRF token.
    log_entry = lambda n: ("POST", "/cpd/entries/new", new_entry_form(tokens[n], standard_id))  # noqa: E731
    await warm(members, log_entry)
    results["logging an entry"] = await load(members, log_entry, seconds)
    # The staff list: one staff session per client, so concurrency matches the member pages.
    await warm(staff, lambda _client: ("GET", "/admin/cpd/compliance", None))
    results["staff compliance list"] = await load(
        staff, lambda _client: ("GET", "/admin/cpd/compliance", None), seconds
    )

    # Queries per page must not grow with entries: a member with few against one with ten years of them.
    few = (await members[0].get("/cpd")).headers["X-Query-Count"]
    many = (await heavy.get("/cpd")).headers["X-Query-Count"]
    many_years = (await heavy.get("/cpd?year=2017")).headers["X-Query-Count"]
    for session in [*members, *staff, heavy]:
        await session.close()
    return results, (few, many, many_years)


def report(results, query_check, seconds, concurrency):
    baseline_rate = results["baseline page (no query)"][3]
    log(f"\nCPD benchmark: {concurrency} concurrent clients, {seconds} s per page, gunicorn 2 workers, PostgreSQL")
    log(
        f"{'page':28} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'vs baseline':>12} {'queries':>8}  statuses"
    )
    for name, (latencies, queries, statuses, rate) in results.items():
        query_counts = sorted(set(queries))
        log(
            f"{name:28} {len(latencies):9d} {statistics.median(latencies):8.1f} {percentile(latencies, 0.95):8.1f} "
            f"{rate:8.1f} {rate / baseline_rate:12.2f} {'/'.join(map(str, query_counts)):>8}  {statuses}"
        )
    few, many, older = query_check
    log(
        f"\nqueries on the member's CPD page: member with ~50 entries: {few}; member with 2,000 entries over ten years: {many} (an earlier year: {older})"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=4, help="clients at once (two per gunicorn worker)")
    parser.add_argument("--reuse", action="store_true", help="keep the database from the last run")
    args = parser.parse_args()
    if not args.reuse:
        build_database(args.members, args.entries)
    port = free_port()
    server = start_server(port)
    try:
        results, query_check = asyncio.run(run_load(f"http://127.0.0.1:{port}", args.seconds, args.concurrency))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    report(results, query_check, args.seconds, args.concurrency)


if __name__ == "__main__":
    main()
