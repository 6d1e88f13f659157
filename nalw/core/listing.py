"""One way for every staff list to filter, page and export as CSV.

A `Listing` declares its filters (a GET form whose `filters()` gives the query's keyword arguments),
its query (a function of those filters returning a SELECT) and its columns. The page and the CSV
read the same filters through the same query, so the CSV of a filtered list holds exactly the rows
the list pages through. A list with no more to its page than its rows needs no view of its own:

    MEMBERS = Listing(caption="Members", filter_form=MemberFilterForm, query=services.member_list,
                      columns=(Column("Name", lambda member: member.name), ...),
                      endpoint="admin.members", filename="members.csv")

    MEMBERS.serve(blueprint, "/members", "admin/members.html", requires(Role.STAFF))

serves its page at /admin/members and its CSV at /admin/members.csv. A page with more on it (two lists, a
month's figures) has its own view, which returns `render_template(..., listing=LISTING.page())` and
`LISTING.csv()`; and the template calls `{{ listing_page(listing) }}` from `_macros/listing.html` (filters, the export
link, the table and the pager), or its pieces when it needs its own cells.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from wtforms import DateField, StringField, ValidationError
from wtforms.validators import Optional, Regexp

from nalw.core.csv_export import csv_stream_response
from nalw.core.paging import Page, page_number
from nalw.core.time import london_to_utc
from nalw.extensions import db

# The CSV is read from the database this many rows at a time (a server-side cursor on PostgreSQL).
CSV_BATCH = 1000

# A list's rows on a page, unless it says otherwise.
PER_PAGE = 50

# At most this much of what was typed into a day filter is quoted in its error.
DAY_TEXT_QUOTED = 40


@dataclass(frozen=True)
class Column:
    """A column of the list: its heading, its value for a row (the same on the page and in the CSV), and
    optionally the link its cell on the page goes to. `on_page`/`in_csv` keep a column to one of them."""

    heading: str
    value: Callable[[Any], Any]
    link: Callable[[Any], str] | None = None
    on_page: bool = True
    in_csv: bool = True

    def text(self, row) -> str:
        value = self.value(row)
        return "" if value is None else str(value)


def _of_listing(name):
    """A page's read-through to what its list declares."""
    return property(lambda page: getattr(page.listing, name))


@dataclass(frozen=True)
class ListingPage:
    """What a list's page shows: the filter form, one page of rows, the columns and the links."""

    listing: "Listing"
    form: Any
    page: Page
    csv_url: str | None
    # The list's own address arguments (an event's id for its attendees), for its form, pager and export.
    route_args: dict = field(default_factory=dict)
    # The form holds a filter it cannot use: no search ran, so there is no count and no list to show.
    filters_wrong: bool = False

    @property
    def columns(self):
        return [column for column in self.listing.columns if column.on_page]

    caption = _of_listing("caption")
    page_param = _of_listing("page_param")
    endpoint = _of_listing("endpoint")
    empty = _of_listing("empty")


@dataclass(frozen=True)
class Listing:
    caption: str
    filter_form: type
    query: Callable[..., sa.Select]
    columns: tuple[Column, ...]
    endpoint: str
    # The view of its CSV; by default the list's endpoint and "_csv" (admin.members_csv for admin.members).
    csv_endpoint: str | None = None
    filename: str = "list.csv"
    per_page: int = PER_PAGE
    page_param: str = "page"
    empty: str = "Nothing matches these filters."
    # Filters this list always has, whatever the form says (two lists of one query on a page).
    fixed: dict = field(default_factory=dict)
    # Query-string arguments the export link adds (to tell the CSV view which fixed list it is).
    csv_args: dict = field(default_factory=dict)
    # A function of the same filters selecting the same rows, to count them, when `query` joins what a count
    # does not need (the names shown, figures beside each row); by default the count reads `query`.
    count_query: Callable[..., sa.Select] | None = None

    def read_filters(self):
        """(form, filters): filters is None when the form holds something it cannot filter by."""
        form = self.filter_form(request.args)
        if not form.validate():
            return form, None
        return form, {**form.filters(), **self.fixed}

    def page(self, **route_args) -> ListingPage:
        """The page asked for, with the form's errors shown and no rows when a filter is wrong.
        `route_args` are the list's own address arguments, as the view received them."""
        form, filters = self.read_filters()
        number = page_number(self.page_param)
        if filters is None:
            empty = Page(items=[], page=1, per_page=self.per_page, total=0)
            return ListingPage(self, form, empty, None, route_args, filters_wrong=True)
        statement = self.query(**filters)
        counted = self.count_query(**filters) if self.count_query else statement
        total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.order_by(None).subquery()))
        result = db.session.execute(statement.limit(self.per_page).offset((number - 1) * self.per_page))
        items = (result.scalars() if _one_entity(statement) else result).all()
        page = Page(items=items, page=number, per_page=self.per_page, total=total)
        return ListingPage(self, form, page, self.csv_url(route_args), route_args)

    def csv_url(self, route_args=None):
        arguments = {name: value for name, value in request.args.items() if not name.endswith("page")}
        endpoint = self.csv_endpoint or f"{self.endpoint}_csv"
        return url_for(endpoint, **arguments, **self.csv_args, **(route_args or {}))

    def serve(self, blueprint, rule, template, guard, **context):
        """Add the list's two views to `blueprint`, each behind `guard` (like `requires(Role.STAFF)`): its page at
        `rule`, `template` rendered with `listing` and `context`, and its CSV at `rule` + ".csv". They take the
        list's endpoint and CSV endpoint as their names, which must be the blueprint's."""

        def page(**route_args):
            return render_template(template, listing=self.page(**route_args), **context)

        def csv(**route_args):
            return self.csv(**route_args)

        blueprint.add_url_rule(rule, _view_name(blueprint, self.endpoint), guard(page))
        blueprint.add_url_rule(
            f"{rule}.csv", _view_name(blueprint, self.csv_endpoint or f"{self.endpoint}_csv"), guard(csv)
        )

    def csv(self, **route_args):
        """Every row the filters select, streamed: read in batches and written as they come, so a list of
        any length never builds up in memory. Filters it cannot read send the person back to the list."""
        form, filters = self.read_filters()
        if filters is None:
            arguments = {name: value for name, value in request.args.items() if name not in self.csv_args}
            return redirect(url_for(self.endpoint, **arguments, **route_args))
        statement = self.query(**filters)
        columns = [column for column in self.columns if column.in_csv]

        def rows():
            # Run when the download is sent, not in the view: the view's transaction has ended by then
            # (and a server-side cursor with it), and the rows are read in a transaction of their own.
            result = db.session.execute(statement.execution_options(yield_per=CSV_BATCH))
            for row in result.scalars() if _one_entity(statement) else result:
                yield [column.value(row) for column in columns]

        return csv_stream_response(self.filename, [column.heading for column in columns], rows())


def _view_name(blueprint, endpoint) -> str:
    """The name within `blueprint` of the view `endpoint` ("members" of "admin.members" on the admin blueprint)."""
    prefix = f"{blueprint.name}."
    if not endpoint.startswith(prefix):
        raise ValueError(f"{endpoint} is not a view of the {blueprint.name} blueprint")
    return endpoint.removeprefix(prefix)


def _one_entity(statement) -> bool:
    """Whether the statement selects whole objects of one model (rows are then the objects themselves)."""
    described = statement.column_descriptions
    return len(described) == 1 and described[0]["entity"] is not None and described[0]["type"] is described[0]["entity"]


# --- Filter forms ---------------------------------------------------------------------------------


def chosen(field, enum_class):
    """The enum member a filter select holds, or None for "any"."""
    return enum_class.parse(field.data)


class DayField(DateField):
    """A day typed as 31/10/2026 or picked (2026-10-31); anything else is an error naming the field and what was
    given, since the date box it is shown in can hold only a day."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            given = " ".join(valuelist).strip()
            raise ValueError(
                f'"{given[:DAY_TEXT_QUOTED]}" is not a date. Enter {self.label.text.lower()} as a date, like 31/10/2026'
            ) from None

    def _value(self):
        # A date box shows only 2026-10-31: a day read from 31/10/2026 is written back that way, or the box would
        # be empty and the next Filter would drop it. What did not read as a day is named in the error instead.
        return self.data.isoformat() if isinstance(self.data, dt.date) else super()._value()


def day_filter(label, description="For example 31/10/2026", *, not_before=None):
    """A day to filter by; `not_before` names the form's "from" field when this is its "to" field, which may not
    come before it. (A form that fills in a day left empty does so in its own `validate`, after the fields' checks,
    and checks the pair again as used.)"""
    return DayField(
        label,
        validators=[Optional(), *([no_earlier_than(not_before)] if not_before else [])],
        description=description,
        format=["%Y-%m-%d", "%d/%m/%Y"],
        render_kw={"type": "date"},
    )


def month_filter(label, description="Year and month, like 2026-10"):
    """A UK calendar month, typed as 2026-10 (or picked, where the browser offers a month picker)."""
    return StringField(
        label,
        validators=[
            Optional(),
            Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=f"Enter the month as year and month, like 2026-10 ({label})"),
        ],
        description=description,
        render_kw={"type": "month"},
    )


def no_earlier_than(starts_name):
    """Field check for the end of a from/to pair: the end may not come before the start (the field `starts_name`).
    Every from/to pair of days says so in these words."""

    def check(form, ends):
        starts = form[starts_name]
        if starts.data and ends.data and ends.data < starts.data:
            raise ValidationError(f"{ends.label.text} must be the same day as {starts.label.text.lower()} or later")

    return check


def contains_pattern(text):
    """A LIKE pattern (with escape "\\") for `text` anywhere, lower case, its own % and _ taken literally."""
    return f"%{escape_like(text.strip().lower())}%"


def escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_equal(statement, *columns_and_values):
    """`statement` narrowed to rows whose column equals its value, for each (column, value) pair given; a value
    of None (a filter left at "any") narrows nothing."""
    for column, value in columns_and_values:
        if value is not None:
            statement = statement.where(column == value)
    return statement


def on_days(statement, column, starts_on, ends_on):
    """`statement` narrowed to rows whose `column` (a UTC moment) falls on the UK days from `starts_on` to
    `ends_on`, either of which may be None."""
    at_or_after, before = london_day_bounds(starts_on, ends_on)
    if at_or_after is not None:
        statement = statement.where(column >= at_or_after)
    if before is not None:
        statement = statement.where(column < before)
    return statement


def london_day_bounds(starts_on, ends_on):
    """The UTC moments that bound whole UK days from `starts_on` to `ends_on` (either may be None):
    (at or after, before)."""
    at_or_after = london_to_utc(dt.datetime.combine(starts_on, dt.time())) if starts_on else None
    before = london_to_utc(dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time())) if ends_on else None
    return at_or_after, before
