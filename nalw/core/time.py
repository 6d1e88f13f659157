"""Time is stored as aware UTC; Europe/London appears only here, for display and form input."""

import datetime as dt
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


def format_date(day: dt.date | None) -> str:
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"
