"""Money is integer pence; time is aware UTC, shown and typed in UK time."""

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from nalw.accounts.models import Person
from nalw.core.money import InvalidAmount, format_pence, parse_pounds
from nalw.core.time import (
    LONDON,
    format_date,
    format_datetime,
    format_time_span,
    london_to_utc,
    london_today,
    to_london,
)
from nalw.extensions import db

# 2026: British Summer Time starts 29 March at 01:00 UTC and ends 25 October at 01:00 UTC.
UTC = dt.UTC


def utc(*parts):
    return dt.datetime(*parts, tzinfo=UTC)


# --- Money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (0, "£0.00"),
        (5, "£0.05"),
        (1250, "£12.50"),
        (4500, "£45.00"),
        (123456789, "£1,234,567.89"),
        (-1250, "-£12.50"),
        (None, ""),
    ],
)
def test_pence_are_shown_as_pounds(pence, shown):
    assert format_pence(pence) == shown


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("45", 4500),
        ("45.5", 4550),
        ("45.50", 4550),
        ("£45.50", 4550),
        ("£ 45.50", 4550),
        ("  12.05 ", 1205),
        ("0.99", 99),
        ("1,250", 125000),
        ("£1,250.00", 125000),
    ],
)
def test_pounds_people_type_are_read_as_pence(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(
    "typed",
    ["", "   ", None, "forty five", "-5", "£-5", "12.345", "12.", ".5", "1e3", "12.5.5", "£", "45 pounds", "$45"],
)
def test_anything_else_is_refused_with_a_message_a_person_can_act_on(typed):
    with pytest.raises(InvalidAmount) as refused:
        parse_pounds(typed)

    assert str(refused.value) == "Enter an amount in pounds, like 45 or 45.50"


def test_what_is_shown_reads_back_as_the_same_amount():
    for pence in (0, 1, 99, 100, 4550, 123456789):
        assert parse_pounds(format_pence(pence)) == pence


# --- UK time ---------------------------------------------------------------------------------


def test_uk_time_moves_forward_an_hour_when_summer_time_starts():
    before, after = utc(2026, 3, 29, 0, 59), utc(2026, 3, 29, 1, 0)

    assert to_london(before).utcoffset() == dt.timedelta(0)
    assert to_london(after).utcoffset() == dt.timedelta(hours=1)
    assert format_datetime(before) == "29 Mar 2026, 00:59"
    assert format_datetime(after) == "29 Mar 2026, 02:00"


def test_uk_time_moves_back_an_hour_when_summer_time_ends():
    before, after = utc(2026, 10, 25, 0, 59), utc(2026, 10, 25, 1, 0)

    assert format_datetime(before) == "25 Oct 2026, 01:59"
    assert format_datetime(after) == "25 Oct 2026, 01:00"
    assert format_datetime(after, with_time=False) == "25 Oct 2026"


def test_a_time_typed_in_the_uk_is_read_in_the_season_it_falls_in():
    assert london_to_utc(dt.datetime(2026, 7, 1, 9, 0)) == utc(2026, 7, 1, 8, 0)
    assert london_to_utc(dt.datetime(2026, 12, 1, 9, 0)) == utc(2026, 12, 1, 9, 0)
    assert london_to_utc(dt.datetime(2026, 3, 29, 3, 0)) == utc(2026, 3, 29, 2, 0)
    assert london_to_utc(dt.datetime(2026, 3, 29, 0, 30)) == utc(2026, 3, 29, 0, 30)


def test_an_aware_time_is_simply_converted_to_utc():
    assert london_to_utc(dt.datetime(2026, 7, 1, 10, 0, tzinfo=LONDON)) == utc(2026, 7, 1, 9, 0)
    assert london_to_utc(utc(2026, 7, 1, 10, 0)).tzinfo is UTC


def test_today_in_the_uk_turns_at_uk_midnight():
    with time_machine.travel(utc(2026, 6, 30, 23, 30), tick=False):
        assert london_today() == dt.date(2026, 7, 1)
    with time_machine.travel(utc(2026, 12, 31, 23, 30), tick=False):
        assert london_today() == dt.date(2026, 12, 31)


def test_naive_times_are_refused_for_display():
    with pytest.raises(ValueError, match="naive datetime"):
        to_london(dt.datetime(2026, 7, 1, 9, 0))


def test_dates_and_nothing_are_shown_plainly():
    assert format_date(dt.date(2026, 7, 4)) == "4 July 2026"
    assert format_date(None) == ""
    assert format_datetime(None) == ""


def test_a_span_within_one_uk_day_names_the_day_once():
    assert format_time_span(utc(2026, 12, 17, 10), utc(2026, 12, 17, 16)) == "17 Dec 2026, 10:00 to 16:00"
    # 23:30 UTC on 30 June is already 1 July in the UK: two days.
    assert format_time_span(utc(2026, 6, 30, 20), utc(2026, 6, 30, 23, 30)) == "30 Jun 2026, 21:00 to 1 Jul 2026, 00:30"
    assert format_time_span(utc(2027, 7, 8, 8), utc(2027, 7, 9, 16)) == "8 Jul 2027, 09:00 to 9 Jul 2027, 17:00"


# --- UTC columns ---------------------------------------------------------------------------


def test_a_utc_column_refuses_a_naive_datetime(make_person):
    person = make_person()
    person.last_sign_in_at = dt.datetime(2026, 7, 1, 9, 0)

    with pytest.raises(sa.exc.StatementError) as refused:
        db.session.flush()

    assert isinstance(refused.value.orig, ValueError)
    assert "naive datetime" in str(refused.value.orig)


def test_a_utc_column_gives_back_aware_utc_whatever_zone_went_in(make_person):
    summer_morning_in_london = dt.datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
    person = make_person(last_sign_in_at=summer_morning_in_london)
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(Person, person.id).last_sign_in_at

    assert stored == utc(2026, 7, 1, 8, 0)
    assert stored.tzinfo is UTC


def test_a_utc_column_compares_instants_not_wall_times(make_person):
    person = make_person(last_sign_in_at=utc(2026, 7, 1, 8, 30))
    db.session.commit()

    def signed_in_before(moment):
        return db.session.scalar(
            sa.select(sa.func.count()).where(Person.id == person.id, Person.last_sign_in_at < moment)
        )

    # 09:15 in London is 08:15 UTC, before the sign-in; 09:45 in London is after it.
    assert signed_in_before(dt.datetime(2026, 7, 1, 9, 15, tzinfo=LONDON)) == 0
    assert signed_in_before(dt.datetime(2026, 7, 1, 9, 45, tzinfo=LONDON)) == 1
