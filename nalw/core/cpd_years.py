"""CPD years: twelve months from a configurable day (1 April by default), named by their first year."""

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from nalw.core.time import london_today

# No CPD record reaches back further than the CPD year starting in 2000: the pages offer no earlier year.
FIRST_YEAR = 2000


@dataclass(frozen=True)
class CpdYear:
    starts_on: dt.date
    ends_on: dt.date

    @property
    def label(self):
        return (
            f"{self.starts_on.year} to {self.ends_on.year}"
            if self.starts_on.year != self.ends_on.year
            else str(self.starts_on.year)
        )

    @property
    def key(self):
        """How the year appears in addresses: the year it starts in."""
        return self.starts_on.year

    def contains(self, day):
        return self.starts_on <= day <= self.ends_on

    def previous(self):
        return year_starting_in(self.starts_on.year - 1)


def _start_month_day():
    month, day = (int(part) for part in current_app.config["CPD_YEAR_STARTS"].split("-"))
    return month, day


def year_starting_in(year) -> CpdYear:
    month, day = _start_month_day()
    starts_on = dt.date(year, month, day)
    next_start = dt.date(year + 1, month, day)
    return CpdYear(starts_on, next_start - dt.timedelta(days=1))


def year_containing(day) -> CpdYear:
    month, start_day = _start_month_day()
    year = day.year if (day.month, day.day) >= (month, start_day) else day.year - 1
    return year_starting_in(year)


def current_year() -> CpdYear:
    return year_containing(london_today())


def recent_years(count) -> list[CpdYear]:
    """The current CPD year and the `count - 1` before it, newest first."""
    key = current_year().key
    return [year_starting_in(each) for each in range(key, key - count, -1)]
