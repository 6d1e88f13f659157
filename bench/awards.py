"""`make bench-awards`: the judging and results pages at the spec's size, under concurrent load.

1. Builds a PostgreSQL database `nalw_bench_awards` (fresh each run) with COPY: 2,000 nominators, 12 judges
   and 4 staff (two-factor on), and two blind cycles being judged now, each with 6 categories of 3 or 4
   weighted criteria: a large one with 1,000 eligible nominations and a small one with 120. Every judge is
   assigned to 2 categories in each cycle (4 judges a category), has declared on every nomination there
   (2 in 100 a conflict) and scored every criterion of the rest, harsh or lenient by judge.
2. Serves the app with gunicorn (2 workers) on loopback in bench mode, as `bench/events.py` does.
3. Measures p50/p95, throughput and its ratio to the baseline page, and queries per request, for the staff
   results page of a category and a judge's list page, each in the large cycle (about 167 nominations a
   category) and in the small one (20): the queries must be the same at both sizes.

Usage: python bench/awards.py [--nominations 1000] [--small 120] [--seconds 8] [--concurrency 4]
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
import cpd
import events
import psycopg
from cpd import ADMIN_URL, STAFF_TOTP, copy_rows, flask, free_port, load, log, password_hash, percentile
from cpd import signed_in_session as sign_in_session
from events import start_server

BENCH_DB = "nalw_bench_awards"
BENCH_URL = f"postgresql://postgres@127.0.0.1:5432/{BENCH_DB}"
# The CPD bench's `flask` and the events bench's `start_server` read their module's BENCH_URL when called:
# point both at this bench's database.
cpd.BENCH_URL = events.BENCH_URL = BENCH_URL
NOMINATORS, JUDGES, STAFF = 2000, 12, 4
CATEGORIES = ["Link Worker of the Year", "Link Worker Manager of the Year", "Community Group of the Year",
              "Social Prescribing Team of the Year", "Reducing Health Inequalities Award", "Rising Star"]  # fmt: skip
WEIGHTS = [(2, 1, 1), (3, 2, 1, 1), (2, 2, 1), (1, 1, 1, 1), (3, 1, 1), (2, 1, 1, 1)]
REGIONS = ["north_east", "north_west", "yorkshire_and_the_humber", "east_midlands", "west_midlands", "east_of_england",
           "london", "south_east", "south_west", "wales", "scotland", "northern_ireland"]  # fmt: skip
ANSWER = " ".join(["She listens first and connects people to groups that suit them; most still go."] * 8)


# --- 1. Data -----------------------------------------------------------------------------------------


class Ids:
    """Row ids handed out in order, so COPY can write the foreign keys."""

    def __init__(self):
        self.last = {}

    def next(self, table):
        self.last[table] = self.last.get(table, 0) + 1
        return self.last[table]


def seed_people(cursor, now):
    hashed = password_hash()
    columns = ["id", "name", "email", "password_hash", "email_verified_at", "created_at", "updated_at"]
    copy_rows(
        cursor,
        "people",
        columns,
        ((i, f"Bench Nominator {i}", f"nominator{i}@bench.nalw.org.uk", hashed, now, now, now)
         for i in range(1, NOMINATORS + 1)),
    )  # fmt: skip
    judges = list(range(NOMINATORS + 1, NOMINATORS + JUDGES + 1))
    staff = list(range(judges[-1] + 1, judges[-1] + STAFF + 1))
    rows = [(i, f"Bench Judge {n}", f"judge{n}@bench.nalw.org.uk", hashed, now, now, now, STAFF_TOTP, now)
            for n, i in enumerate(judges, start=1)]  # fmt: skip
    rows += [(i, f"Bench Staff {n}", f"staff{n}@bench.nalw.org.uk", hashed, now, now, now, STAFF_TOTP, now)
             for n, i in enumerate(staff, start=1)]  # fmt: skip
    copy_rows(cursor, "people", [*columns, "totp_secret", "totp_enabled_at"], rows)
    cursor.execute("SELECT setval('people_id_seq', %s)", (staff[-1],))
    grants = [(i, "judge", now) for i in judges] + [(i, "staff", now) for i in staff]
    copy_rows(cursor, "role_grants", ["person_id", "role", "granted_at"], grants)
    return judges, staff


def seed_cycle(cursor, ids, year, nominations, judges, staff_id, now, rng):
    """A blind cycle being judged now; returns its id and its category ids."""
    cycle_id = ids.next("award_cycles")
    opens = now - dt.timedelta(days=50)
    copy_rows(
        cursor,
        "award_cycles",
        ["id", "year", "title", "nominations_open_at", "nominations_close_at", "judging_opens_at",
         "judging_closes_at", "results_due_on", "blind", "min_scores_to_standardise", "created_at", "updated_at"],
        [(cycle_id, year, f"Link Worker Day Awards {year}", opens, opens + dt.timedelta(days=30),
          opens + dt.timedelta(days=35), opens + dt.timedelta(days=80), (opens + dt.timedelta(days=90)).date(),
          True, 5, now, now)],
    )  # fmt: skip
    categories, criteria = [], {}
    for position, (name, weights) in enumerate(zip(CATEGORIES, WEIGHTS, strict=True)):
        category_id = ids.next("award_categories")
        categories.append((category_id, cycle_id, name, f"{name}: bench.", False, "member", position))
        criteria[category_id] = []
        for number, weight in enumerate(weights):
            criterion_id = ids.next("award_criteria")
            criteria[category_id].append((criterion_id, weight))
            criteria_row = (criterion_id, category_id, f"Question {number + 1}: what difference?", 300, weight, number)
            criteria.setdefault("rows", []).append(criteria_row)
    copy_rows(cursor, "award_categories",
              ["id", "cycle_id", "name", "description", "self_nomination_allowed", "nominee_kind", "position"],
              categories)  # fmt: skip
    copy_rows(cursor, "award_criteria", ["id", "category_id", "question", "word_limit", "weight", "position"],
              criteria.pop("rows"))  # fmt: skip
    category_ids = [row[0] for row in categories]

    nomination_rows, answers, by_category = [], [], {c: [] for c in category_ids}
    for n in range(nominations):
        nomination_id = ids.next("nominations")
        category_id = category_ids[n % len(category_ids)]
        by_category[category_id].append((nomination_id, rng.gauss(6, 1.5)))
        nomination_rows.append((
            nomination_id, category_id, 1 + rng.randrange(NOMINATORS), "eligible", f"Bench Nominee {nomination_id}",
            f"Bench Organisation {nomination_id % 300}", REGIONS[n % 12], f"nominee{nomination_id}@bench.example.org",
            "A colleague", False, "", opens + dt.timedelta(days=5), opens + dt.timedelta(days=31), staff_id, now, now,
        ))  # fmt: skip
        for criterion_id, _weight in criteria[category_id]:
            answers.append((ids.next("nomination_answers"), nomination_id, criterion_id, ANSWER))
    copy_rows(cursor, "nominations",
              ["id", "category_id", "nominator_id", "status", "nominee_name", "nominee_organisation", "nominee_region",
               "nominee_email", "relationship_to_nominee", "is_self_nomination", "ineligible_reason", "submitted_at",
               "screened_at", "screened_by_id", "created_at", "updated_at"],
              nomination_rows)  # fmt: skip
    copy_rows(cursor, "nomination_answers", ["id", "nomination_id", "criterion_id", "text"], answers)

    assignments, declarations, scores = [], [], []
    for number, judge_id in enumerate(judges):
        bias = rng.uniform(-2, 2)  # some judges harsh, some lenient
        for category_id in (category_ids[number % 6], category_ids[(number + 3) % 6]):
            assignments.append((ids.next("judge_assignments"), category_id, judge_id, now, staff_id))
            for nomination_id, quality in by_category[category_id]:
                conflicted = rng.random() < 0.02
                note = "I know the nominee." if conflicted else ""
                declarations.append((ids.next("conflict_declarations"), nomination_id, judge_id, conflicted, note, now))
                if conflicted:
                    continue
                for criterion_id, _weight in criteria[category_id]:
                    score = max(0, min(10, round(quality + bias + rng.gauss(0, 1))))
                    scores.append((ids.next("scores"), nomination_id, judge_id, criterion_id, score, "Bench.", now))
    copy_rows(cursor, "judge_assignments", ["id", "category_id", "judge_id", "assigned_at", "assigned_by_id"],
              assignments)  # fmt: skip
    copy_rows(cursor, "conflict_declarations", ["id", "nomination_id", "judge_id", "conflicted", "note", "declared_at"],
              declarations)  # fmt: skip
    copy_rows(cursor, "scores", ["id", "nomination_id", "judge_id", "criterion_id", "score", "comment", "updated_at"],
              scores)  # fmt: skip
    return cycle_id, category_ids, len(scores)


def build_database(large, small):
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    flask("db", "upgrade")
    flask("setup", "defaults")
    started = time.monotonic()
    now = dt.datetime.now(dt.UTC)
    rng, ids = random.Random(2026), Ids()
    with psycopg.connect(BENCH_URL) as connection, connection.cursor() as cursor:
        judges, staff = seed_people(cursor, now)
        small_cycle = seed_cycle(cursor, ids, 2025, small, judges, staff[0], now, rng)
        large_cycle = seed_cycle(cursor, ids, 2026, large, judges, staff[0], now, rng)
        for table, last in ids.last.items():
            cursor.execute(f"SELECT setval('{table}_id_seq', %s)", (last,))
        connection.commit()
    with psycopg.connect(BENCH_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    log(
        f"seeded {NOMINATORS:,} nominators, {JUDGES} judges, {large:,} + {small:,} nominations and "
        f"{large_cycle[2] + small_cycle[2]:,} scores in {time.monotonic() - started:.0f} s"
    )
    return large_cycle, small_cycle


# --- 2. Load -------------------------------------------------------------------------------------------


async def run(base, large_cycle, small_cycle, seconds, concurrency):
    anonymous = [aiohttp.ClientSession(base_url=base) for _ in range(concurrency)]
    await load(anonymous, lambda _n: ("GET", "/bench/baseline", None), 2)  # warm both workers
    results = {"baseline page (no query)": await load(anonymous, lambda _n: ("GET", "/bench/baseline", None), seconds)}
    staff = [await sign_in_session(base, f"staff{n}@bench.nalw.org.uk", STAFF_TOTP) for n in range(1, concurrency + 1)]
    # Judge n judges categories n % 6 and (n + 3) % 6 of each cycle; the first judges share category 0.
    judges = [await sign_in_session(base, f"judge{n}@bench.nalw.org.uk", STAFF_TOTP) for n in (1, 7)]
    judges = (judges * concurrency)[:concurrency]
    (large_id, large_categories, _), (small_id, small_categories, _) = large_cycle, small_cycle
    pages = [
        ("results, large cycle", staff, f"/admin/awards/cycles/{large_id}/results/{large_categories[0]}"),
        ("results, small cycle", staff, f"/admin/awards/cycles/{small_id}/results/{small_categories[0]}"),
        ("judge's list, large cycle", judges, f"/judging?category={large_categories[0]}"),
        ("judge's list, small cycle", judges, f"/judging?category={small_categories[0]}"),
    ]
    for name, sessions, path in pages:
        async with sessions[0].get(path, allow_redirects=False) as response:
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}: is the bench account signed in?")
        results[name] = await load(sessions, lambda _n, path=path: ("GET", path, None), seconds)
    for session in {id(s): s for s in [*anonymous, *staff, *judges]}.values():
        await session.close()
    return results


def report(results, seconds, concurrency, large, small):
    """The figures; True when every answer was a 200 and the queries were the same at both sizes."""
    baseline_rate = results["baseline page (no query)"][3]
    log(f"\nAwards benchmark: gunicorn 2 workers, PostgreSQL, {BENCH_DB}; {concurrency} clients, {seconds} s a page")
    log(
        f"{'page':28} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'vs baseline':>12} {'queries':>8}  statuses"
    )
    for name, (latencies, queries, statuses, rate) in results.items():
        log(
            f"{name:28} {len(latencies):9d} {statistics.median(latencies):8.1f} {percentile(latencies, 0.95):8.1f} "
            f"{rate:8.1f} {rate / baseline_rate:12.2f} {'/'.join(map(str, sorted(set(queries)))):>8}  {statuses}"
        )
    same = True
    for page in ("results", "judge's list"):
        big = sorted(set(results[f"{page}, large cycle"][1]))
        little = sorted(set(results[f"{page}, small cycle"][1]))
        same &= big == little
        log(
            f"queries on the {page} page: {small:,} nominations {little}, {large:,} nominations {big} "
            f"({'the same' if big == little else 'DIFFERENT'})"
        )
    errors = sum(
        count for _l, _q, statuses, _r in results.values() for status, count in statuses.items() if status != 200
    )
    log(f"responses other than 200: {errors}")
    return same and errors == 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominations", type=int, default=1000)
    parser.add_argument("--small", type=int, default=120)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if args.concurrency > STAFF:
        sys.exit(f"--concurrency must be at most {STAFF}: each staff session is its own account")
    large_cycle, small_cycle = build_database(args.nominations, args.small)
    port = free_port()
    server = start_server(port)
    try:
        results = asyncio.run(run(f"http://127.0.0.1:{port}", large_cycle, small_cycle, args.seconds, args.concurrency))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    sys.exit(0 if report(results, args.seconds, args.concurrency, args.nominations, args.small) else 1)


if __name__ == "__main__":
    main()
