"""Time is stored as aware UTC; Europe/London appears only here, for display and form input."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_london(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times must be aware UTC")
    return moment.astimezone(LONDON)


def london_to_utc(wall_time: dt.datetime) -> dt.datetime:
    """Read a wall-clock time someone typed in the UK (a naive datetime) as aware UTC."""
    if wall_time.tzinfo is not None:
        return wall_time.astimezone(dt.UTC)
    return wall_time.replace(tzinfo=LONDON).astimezone(dt.UTC)


def london_today() -> dt.date:
    return to_london(utcnow()).date()


def format_datetime(moment: dt.datetime | None, with_time: bool = True) -> str:
    """`23 Nov 2026, 14:05` in UK time; an empty string for nothing."""
    if moment is None:
        return ""
    local = to_london(moment)
    text = f"{local.day} {local:%b %Y}"
    return f"{text}, {local:%H:%M}" if with_time else text


def format_time_span(start: dt.datetime, end: dt.datetime) -> str:
    """`17 Dec 2026, 10:00 to 16:00` in UK time: the day once when both fall on it, else both in full."""
    if to_london(start).date() == to_london(end).date():
        return f"{format_datetime(start)} to {to_london(end):%H:%M}"
    return f"{format_datetime(start)} to {format_datetime(end)}"


def format_date(day: dt.date | None) -> str:
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after the one `month` falls in."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_of(text) -> dt.date | None:
    """The first day of the month written "2026-10" (as a month field sends it), or None for nothing."""
    return dt.date.fromisoformat(f"{text}-01") if text else None


def month_edges(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of the UK calendar month holding `month` and of the one after, as UTC."""
    first = month.replace(day=1)
    return tuple(london_to_utc(dt.datetime.combine(day, dt.time())) for day in (first, next_month(first)))


@dataclass(frozen=True)
class Period:
    """Whole UK days from `starts_on` to `ends_on`, both included: what the staff dashboard and the figures of
    gaps and barriers are counted over."""

    starts_on: dt.date
    ends_on: dt.date

    @classmethod
    def year(cls, year):
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def this_year(cls, today=None):
        today = today or london_today()
        return cls(dt.date(today.year, 1, 1), today)

    @property
    def label(self):
        return f"{format_date(self.starts_on)} to {format_date(self.ends_on)}"

    def months(self) -> list[dt.date]:
        """The first day of each calendar month the period touches, in order."""
        month, months = self.starts_on.replace(day=1), []
        while month <= self.ends_on:
            months.append(month)
            month = next_month(month)
        return months

    def boundaries(self) -> list[dt.datetime]:
        """Midnight in London, as UTC, at the start of the period, at each new month inside it, and after its last
        day: the edges of its months (the first and last may be part months)."""
        days = [self.starts_on, *self.months()[1:], self.ends_on + dt.timedelta(days=1)]
        return [london_to_utc(dt.datetime.combine(day, dt.time())) for day in days]
