"""`make bench-events`: booking and the events pages at the body's real size, under concurrent load.

1. Builds a PostgreSQL database `nalw_bench_events` (fresh each run): 10,000 members with active
   memberships, 5 years of published events (200 a year, across the 12 regions and the kinds), a
   free event of 500 places open for booking (free, so no card payment and no Stripe), a
   5,000-place Link Worker Day with 5,000 confirmed bookings, and a small event with 20.
2. Serves the app with gunicorn (2 workers) on loopback in bench mode, as `bench/cpd.py` does.
3. From this second process:
   - the booking race: 2,000 distinct signed-in people press "Book a place" on the 500-place event
     as fast as they come; whoever is told the event is full presses "Join the waiting list", as a
     person would. Prints confirmed places and waiting-list entries read from the database
     (exactly 500 and 1,500), errors (5xx or connection errors: must be 0) and the booking
     throughput as a ratio to the baseline page's.
   - p50/p95, throughput and its ratio to the baseline for the public event list (filtered) and
     the staff attendee list of the Link Worker Day, with queries per request; and the attendee
     list's queries for the small event against the 5,000-place one (they must not grow).

The bench accounts' passwords are hashed with cheap argon2 settings (and the server told to use
them), so that signing 2,000 people in beforehand takes seconds; sign-in is not what is measured.

Usage: python bench/events.py [--members 10000] [--attempts 2000] [--places 500] [--seconds 8]
                              [--concurrency 4] [--race-clients 100]
"""

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time

import aiohttp
import psycopg
from argon2 import PasswordHasher
from cpd import (
    ADMIN_URL,
    BIN,
    CSRF,
    PASSWORD,
    ROOT,
    STAFF_ACCOUNTS,
    STAFF_TOTP,
    copy_rows,
    free_port,
    load,
    log,
    percentile,
    signed_in_session,
)

BENCH_DB = "nalw_bench_events"
BENCH_URL = f"postgresql://postgres@127.0.0.1:5432/{BENCH_DB}"
ARGON2_TIME_COST, ARGON2_MEMORY_COST = 1, 1024
EVENTS_PER_YEAR, YEARS = 200, 5
REGIONS = ["north_east", "north_west", "yorkshire_and_the_humber", "east_midlands", "west_midlands", "east_of_england",
           "london", "south_east", "south_west", "wales", "scotland", "northern_ireland"]  # fmt: skip
KINDS = ["roadshow", "webinar", "conference"]
FORMATS = {"roadshow": "in_person", "webinar": "online", "conference": "hybrid"}
LINK_WORKER_DAY_PLACES = 5000
SMALL_EVENT_PLACES = 20


# --- 1. Data -----------------------------------------------------------------------------------------


def app_env():
    return {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "NALW_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "NALW_BENCH_MODE": "1",
        "NALW_LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi",
        # 2,000 people sign in from one IP before the race; their hashes use these cheap settings.
        "NALW_SIGN_IN_LIMIT_PER_IP": "100000 per minute",
        "NALW_ARGON2_TIME_COST": str(ARGON2_TIME_COST),
        "NALW_ARGON2_MEMORY_COST": str(ARGON2_MEMORY_COST),
    }


def flask(*args):
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=app_env(), check=True, capture_output=True
    )


def build_database(members, places):
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    flask("db", "upgrade")
    flask("setup", "defaults")
    started = time.monotonic()
    event_ids = seed(members, places)
    log(
        f"seeded {members:,} members, {EVENTS_PER_YEAR * YEARS:,} events and "
        f"{LINK_WORKER_DAY_PLACES + SMALL_EVENT_PLACES:,} bookings in {time.monotonic() - started:.0f} s"
    )
    return event_ids


def seed_people(cursor, members, now, today):
    rng = random.Random(2026)
    hashed = PasswordHasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_COST).hash(PASSWORD)
    tier_id = cursor.execute("SELECT id FROM tiers WHERE name = 'Link Worker'").fetchone()[0]
    version_id = cursor.execute("SELECT id FROM code_versions WHERE number = 1").fetchone()[0]
    columns = ["id", "name", "email", "password_hash", "email_verified_at", "created_at", "updated_at"]
    copy_rows(
        cursor,
        "people",
        columns,
        (
            (i, f"Bench Member {i}", f"member{i}@bench.nalw.org.uk", hashed, now, now, now)
            for i in range(1, members + 1)
        ),
    )
    staff_ids = range(members + 1, members + 1 + STAFF_ACCOUNTS)
    copy_rows(
        cursor,
        "people",
        [*columns, "totp_secret", "totp_enabled_at"],
        [
            (i, f"Bench Staff {i}", f"staff{i - members}@bench.nalw.org.uk", hashed, now, now, now, STAFF_TOTP, now)
            for i in staff_ids
        ],
    )
    cursor.execute("SELECT setval('people_id_seq', %s)", (staff_ids[-1],))
    copy_rows(cursor, "role_grants", ["person_id", "role", "granted_at"], [(i, "staff", now) for i in staff_ids])
    copy_rows(
        cursor, "role_grants", ["person_id", "role", "granted_at"], ((i, "member", now) for i in range(1, members + 1))
    )
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
        ],
        (
            (
                i,
                tier_id,
                "active",
                f"NALW-{i:06d}",
                today - dt.timedelta(days=1000),
                today + dt.timedelta(days=rng.randint(30, 365)),
                False,
                4500,
                False,
                "Link Worker",
                "Bench PCN",
                "gp_practice_or_pcn",
                REGIONS[i % 12],
                3,
                version_id,
                now,
                i % 2 == 0,
                False,
                now,
                now,
                now,
            )
            for i in range(1, members + 1)
        ),
    )
    cursor.execute("UPDATE membership_number_counter SET last_number = %s", (members,))


EVENT_COLUMNS = ["id", "title", "description", "kind", "region", "starts_at", "ends_at", "format", "venue",
                 "joining_url", "capacity", "member_price_pence", "non_member_price_pence", "booking_opens_at",
                 "booking_closes_at", "cpd_quarter_hours", "refund_cutoff_days", "offer_hours", "hold_minutes",
                 "status", "published_at", "cancellation_reason", "created_at", "updated_at"]  # fmt: skip


BOOKING_COLUMNS = ["event_id", "person_id", "status", "price_pence", "access_needs", "dietary", "confirmed_at",
                   "created_at", "updated_at"]  # fmt: skip


def event_row(event_id, title, kind, region, starts_at, capacity, price, now):
    event_format = FORMATS[kind]
    return (
        event_id, title, "A day of talks, workshops and peer support for social prescribing link workers.",
        kind, region, starts_at, starts_at + dt.timedelta(hours=6), event_format,
        "" if event_format == "online" else "Bench Conference Centre, 1 High Street",
        "" if event_format == "in_person" else f"https://meet.example.org/nalw-{event_id}",
        capacity, price, price * 2 if price else 0, starts_at - dt.timedelta(days=120),
        starts_at - dt.timedelta(hours=1), 24, 7, 24, 15, "published", starts_at - dt.timedelta(days=150), "", now, now,
    )  # fmt: skip


def calendar_rows(now):
    """5 years of events (ids 1 to EVENTS_PER_YEAR * YEARS), 4 in the past and 1 to come, every kind in every
    region, 60 places each, every other one paid."""
    total = EVENTS_PER_YEAR * YEARS
    first = now - dt.timedelta(days=365 * (YEARS - 1))
    step = dt.timedelta(days=365 * YEARS) / total
    rows = []
    for n in range(total):
        kind, region = KINDS[(n // 12) % 3], REGIONS[n % 12]
        starts_at = (first + n * step).replace(hour=9, minute=30, second=0, microsecond=0)
        rows.append(event_row(n + 1, f"{kind.title()} {n + 1}", kind, region, starts_at, 60, (n % 2) * 1500, now))
    return rows


def seed(members, places):
    now = dt.datetime.now(dt.UTC)
    with psycopg.connect(BENCH_URL) as connection, connection.cursor() as cursor:
        seed_people(cursor, members, now, now.date())
        rows = calendar_rows(now)
        total = len(rows)
        race_id, day_id, small_id = total + 1, total + 2, total + 3
        soon = (now + dt.timedelta(days=60)).replace(hour=9, minute=30, second=0, microsecond=0)
        rows += [
            event_row(race_id, "Free roadshow: booking race", "roadshow", "north_west", soon, places, 0, now),
            event_row(
                day_id,
                "Link Worker Day",
                "conference",
                None,
                soon + dt.timedelta(days=30),
                LINK_WORKER_DAY_PLACES,
                4500,
                now,
            ),
            event_row(
                small_id,
                "Small workshop",
                "roadshow",
                "london",
                soon + dt.timedelta(days=10),
                SMALL_EVENT_PLACES,
                0,
                now,
            ),
        ]
        copy_rows(cursor, "events", EVENT_COLUMNS, rows)
        cursor.execute("SELECT setval('events_id_seq', %s)", (small_id,))
        # The Link Worker Day full with confirmed (paid) places; the small event with 20 free ones.
        bookings = [
            (
                day_id,
                person,
                "confirmed",
                4500,
                "Step-free access" if person % 10 == 0 else "",
                "Vegetarian" if person % 7 == 0 else "",
                now,
                now,
                now,
            )
            for person in range(1, LINK_WORKER_DAY_PLACES + 1)
        ] + [(small_id, person, "confirmed", 0, "", "", now, now, now) for person in range(1, SMALL_EVENT_PLACES + 1)]
        copy_rows(cursor, "bookings", BOOKING_COLUMNS, bookings)
        connection.commit()
    with psycopg.connect(BENCH_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return race_id, day_id, small_id


def race_outcome(race_id):
    with psycopg.connect(BENCH_URL) as connection:
        confirmed = connection.execute(
            "SELECT count(*) FROM bookings WHERE event_id = %s AND status = 'confirmed'", (race_id,)
        ).fetchone()[0]
        waiting = connection.execute(
            "SELECT count(*) FROM waiting_list_entries WHERE event_id = %s AND status = 'waiting'", (race_id,)
        ).fetchone()[0]
    return confirmed, waiting


# --- 2. The server -----------------------------------------------------------------------------------


def start_server(port):
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=app_env(),
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


async def gather_limited(limit, coroutines):
    gate = asyncio.Semaphore(limit)

    async def one(coroutine):
        async with gate:
            return await coroutine

    return await asyncio.gather(*(one(coroutine) for coroutine in coroutines))


async def ready_to_book(base, person_id, race_id):
    """A person signed in, on the booking form: the session and the form's CSRF token."""
    session = await signed_in_session(base, f"member{person_id}@bench.nalw.org.uk")
    page = await (await session.get(f"/events/{race_id}/book")).text()
    match = CSRF.search(page)
    if match is None:
        raise RuntimeError(f"member{person_id} did not reach the booking form")
    return session, match.group(1)


async def race(base, race_id, attempts, clients):
    """Each person presses Book; told the event is full, they press Join the waiting list."""
    people = range(LINK_WORKER_DAY_PLACES + 1, LINK_WORKER_DAY_PLACES + 1 + attempts)
    started = time.monotonic()
    ready = await gather_limited(16, [ready_to_book(base, person, race_id) for person in people])
    log(f"signed {attempts:,} people in and opened the booking form in {time.monotonic() - started:.0f} s")
    outcome = {"booked": 0, "joined waiting list": 0, "other": 0, "errors": 0}
    statuses, latencies, queries = {}, [], []
    requests = 0

    async def post(session, path, data):
        nonlocal requests
        requests += 1
        begun = time.perf_counter()
        async with session.post(path, data=data, allow_redirects=False) as response:
            body = await response.text()
        latencies.append((time.perf_counter() - begun) * 1000)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        queries.append(int(response.headers.get("X-Query-Count", "-1")))
        return response, body

    async def attempt(session, token):
        try:
            response, body = await post(
                session, f"/events/{race_id}/book", {"csrf_token": token, "access_needs": "", "dietary": ""}
            )
            if response.status >= 500:
                outcome["errors"] += 1
            elif response.status == 302 and "/account/bookings" in response.headers.get("Location", ""):
                outcome["booked"] += 1
            elif response.status == 200 and "Join the waiting list" in body:
                response, _body = await post(
                    session, f"/events/{race_id}/waiting-list", {"csrf_token": CSRF.search(body).group(1)}
                )
                if response.status >= 500:
                    outcome["errors"] += 1
                elif response.status == 302:
                    outcome["joined waiting list"] += 1
                else:
                    outcome["other"] += 1
            else:
                outcome["other"] += 1
        except (TimeoutError, aiohttp.ClientError):
            outcome["errors"] += 1

    started = time.monotonic()
    await gather_limited(clients, [attempt(session, token) for session, token in ready])
    elapsed = time.monotonic() - started
    for session, _token in ready:
        await session.close()
    return outcome, statuses, latencies, queries, requests, elapsed


async def run(base, ids, seconds, concurrency, attempts, clients):
    race_id, day_id, small_id = ids
    anonymous = [aiohttp.ClientSession(base_url=base) for _ in range(concurrency)]
    # The port opens before both workers have loaded the app: warm them before measuring anything.
    await load(anonymous, lambda _n: ("GET", "/bench/baseline", None), 2)
    results = {"baseline page (no query)": await load(anonymous, lambda _n: ("GET", "/bench/baseline", None), seconds)}

    race_result = await race(base, race_id, attempts, clients)

    month = (dt.date.today() - dt.timedelta(days=730)).strftime("%Y-%m")
    staff = [
        await signed_in_session(base, f"staff{n}@bench.nalw.org.uk", STAFF_TOTP) for n in range(1, concurrency + 1)
    ]
    pages = [
        ("events, region and kind", anonymous, "/events?region=north_west&kind=roadshow"),
        ("events, kind and a month", anonymous, f"/events?kind=webinar&month={month}"),
        ("attendees, 5,000 booked", staff, f"/admin/events/{day_id}/attendees"),
        ("attendees, 5,000, page 80", staff, f"/admin/events/{day_id}/attendees?page=80"),
        ("attendees, 20 booked", staff, f"/admin/events/{small_id}/attendees"),
    ]
    for name, sessions, path in pages:
        results[name] = await load(sessions, lambda _n, path=path: ("GET", path, None), seconds)
    for session in [*anonymous, *staff]:
        await session.close()
    return results, race_result


def report(results, race_result, outcome_in_db, seconds, concurrency, attempts, places, clients):
    baseline_rate = results["baseline page (no query)"][3]
    outcome, statuses, latencies, queries, requests, elapsed = race_result
    confirmed, waiting = outcome_in_db
    errors = outcome["errors"] + sum(count for status, count in statuses.items() if status >= 500)
    log(f"\nEvents benchmark: gunicorn 2 workers, PostgreSQL, {BENCH_DB}")
    log(f"\nBooking race: {attempts:,} people, up to {clients} at once, for a free event of {places:,} places")
    log(f"  confirmed places (database):    {confirmed:6,}   {'ok' if confirmed == places else 'WRONG'}")
    expected_waiting = attempts - places
    log(f"  waiting-list entries (database):{waiting:6,}   {'ok' if waiting == expected_waiting else 'WRONG'}")
    log(f"  errors (5xx or connection):     {errors:6,}   {'ok' if errors == 0 else 'WRONG'}")
    log(f"  other answers:                  {outcome['other']:6,}   statuses {dict(sorted(statuses.items()))}")
    log(f"  answers seen by clients: {outcome['booked']:,} booked, {outcome['joined waiting list']:,} joined the list")
    attempt_rate, request_rate = attempts / elapsed, requests / elapsed
    log(
        f"  {elapsed:.1f} s: {attempt_rate:.1f} attempts/s ({attempt_rate / baseline_rate:.2f} of the baseline page's "
        f"req/s); {request_rate:.1f} requests/s ({request_rate / baseline_rate:.2f}); "
        f"p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms per request "
        f"(queued behind {clients} clients); queries per request {min(queries)}-{max(queries)}"
    )
    log(f"\nPages: {concurrency} concurrent clients, {seconds} s each")
    log(
        f"{'page':28} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'vs baseline':>12} {'queries':>8}  statuses"
    )
    for name, (page_latencies, page_queries, page_statuses, rate) in results.items():
        log(
            f"{name:28} {len(page_latencies):9d} {statistics.median(page_latencies):8.1f} "
            f"{percentile(page_latencies, 0.95):8.1f} {rate:8.1f} {rate / baseline_rate:12.2f} "
            f"{'/'.join(map(str, sorted(set(page_queries)))):>8}  {page_statuses}"
        )
    small = sorted(set(results["attendees, 20 booked"][1]))
    large = sorted(set(results["attendees, 5,000 booked"][1]))
    log(
        f"\nqueries on the staff attendee list: event with {SMALL_EVENT_PLACES} bookings: {small}; "
        f"with {LINK_WORKER_DAY_PLACES:,}: {large} ({'the same' if small == large else 'DIFFERENT'})"
    )
    return confirmed == places and waiting == expected_waiting and errors == 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--attempts", type=int, default=2000, help="people trying to book the race event")
    parser.add_argument("--places", type=int, default=500, help="places at the race event")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=4, help="clients at once on the pages")
    parser.add_argument("--race-clients", type=int, default=100, help="booking requests in flight at once")
    args = parser.parse_args()
    if args.members < LINK_WORKER_DAY_PLACES + args.attempts:
        sys.exit(f"--members must be at least {LINK_WORKER_DAY_PLACES + args.attempts}")
    ids = build_database(args.members, args.places)
    port = free_port()
    server = start_server(port)
    try:
        results, race_result = asyncio.run(
            run(f"http://127.0.0.1:{port}", ids, args.seconds, args.concurrency, args.attempts, args.race_clients)
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    passed = report(
        results,
        race_result,
        race_outcome(ids[0]),
        args.seconds,
        args.concurrency,
        args.attempts,
        args.places,
        args.race_clients,
    )
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
