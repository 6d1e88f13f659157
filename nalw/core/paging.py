"""Pages of rows for lists that select columns rather than whole models (db.paginate returns scalars)."""

import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import request

from nalw.core.web import database_integer
from nalw.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def past_the_end(self):
        """A page after the last of a list that has rows (?page=9 of a list of two pages): not an empty list."""
        return self.total > 0 and self.page > self.pages

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


def page_number(name="page") -> int:
    """The page asked for in the query string (?page=3). Anything that is not a page number, from
    ?page=0 and ?page=-2 to ?page=x and a number too big for the database, reads as the first page."""
    return whole_number_argument(name) or 1


def whole_number_argument(name) -> int | None:
    """A number in the query string (?tier=4) that fits the database's integer columns, or None."""
    return database_integer(request.args.get(name))


def paginate_rows(statement, page, per_page) -> Page:
    page = max(1, page or 1)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery()))
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=rows, page=page, per_page=per_page, total=total)


def paginate_models(statement, page, per_page) -> Page:
    """A page of whole models from a statement that selects one model, with the total count."""
    rows = paginate_rows(statement, page, per_page)
    rows.items = [row[0] for row in rows.items]
    return rows
