"""What every model shares: the declarative base, aware-UTC datetimes, enum columns, text cut to fit."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.sql.functions import FunctionElement

# Stable constraint names, so Alembic migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp that is always an aware UTC datetime in Python.

    PostgreSQL keeps it as `timestamptz`; SQLite, which has no time zones, keeps
    the UTC wall time. Naive datetimes are refused so local time never sneaks in.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use nalw.core.time.utcnow()")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, _dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Model(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime()},
    )


def enum_column(enum_class: type[enum.Enum], *, name: str, **kwargs):
    """A column stored as the enum's value, guarded by a CHECK constraint named `name`."""
    length = max(len(member.value) for member in enum_class)
    return mapped_column(
        sa.Enum(
            enum_class,
            name=name,
            native_enum=False,
            create_constraint=True,
            length=max(length, 20),
            validate_strings=True,
            values_callable=lambda members: [member.value for member in members],
        ),
        **kwargs,
    )


# The Column.info key of a text column whose value is cut to fit (see `cut_to_fit_column`).
CUT_TO_FIT = "cut_to_fit"
ELLIPSIS = "…"


def fit_to_length(text, length):
    """`text` as it is when it fits in `length` characters; else cut to fit, ending with '…'."""
    if text is None or len(text) <= length:
        return text
    return text[: length - 1].rstrip() + ELLIPSIS


def cut_to_fit_column(length, **kwargs):
    """A String column for text put together from other text (an email subject from an organisation's
    name, an audit summary quoting a reason): a value too long is cut to fit with '…' as it is set,
    where the database would refuse it and the request fail."""
    return mapped_column(sa.String(length), info={CUT_TO_FIT: True}, **kwargs)


@sa.event.listens_for(sa.orm.Mapper, "mapper_configured")
def _cut_marked_columns_to_fit(mapper, model):
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        if column.info.get(CUT_TO_FIT):
            length = column.type.length
            sa.event.listen(
                getattr(model, attribute.key),
                "set",
                lambda _target, value, _old, _initiator, length=length: fit_to_length(value, length),
                retval=True,
            )


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


def utc_now_default():
    from nalw.core.time import utcnow

    return utcnow()


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default, onupdate=utc_now_default)


def render_migration_item(type_, obj, _autogen_context):
    """Alembic writes our UTCDateTime as the plain column type it is stored as."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def written_in(value):
    """`value` written into a statement's SQL instead of sent beside it as a parameter; a list or tuple becomes
    the list of an IN. Only for values a query's plan depends on, and never for what a person typed.

    psycopg prepares a statement it runs often, and after five runs PostgreSQL plans it once for any parameters,
    blind to their values: it cannot then use a partial index whose condition names them (members in good
    standing), nor see how many rows a date selects. A statement that reads thousands of rows writes those values
    in, and keeps a plan made for them."""
    if isinstance(value, list | tuple):
        return sa.bindparam(None, list(value), expanding=True, literal_execute=True)
    return sa.bindparam(None, value, literal_execute=True)


def partial_index(name, *columns, where, unique=False, **options):
    """An index of only the rows for which `where` (SQL) holds, on PostgreSQL and SQLite alike: for "one live
    booking per person" (unique) or an index of the rows a query reads."""
    condition = sa.text(where)
    return sa.Index(name, *columns, unique=unique, postgresql_where=condition, sqlite_where=condition, **options)


def trigram_index(name, column_name):
    """An index that answers `column ILIKE '%text%'` on PostgreSQL (pg_trgm, GIN): staff search by any part
    of a name, email or number without reading every row. Created by the migrations on PostgreSQL only."""
    return sa.Index(name, column_name, postgresql_using="gin", postgresql_ops={column_name: "gin_trgm_ops"})


class FirstOfMonth(FunctionElement):
    """The first day of a date's month, as a date: what figures by month group by. It is immutable on
    PostgreSQL and deterministic on SQLite, so an index can hold it and a query grouping by it read the
    index in order."""

    type = sa.Date()
    name = "first_of_month"
    inherit_cache = True


@compiles(FirstOfMonth)
def _first_of_month_in_postgresql(element, compiler, **kwargs):
    # date_trunc of a date would go through timestamptz, which depends on the time zone: truncate the plain
    # timestamp instead, which depends on nothing.
    day = compiler.process(element.clauses, **kwargs)
    return f"CAST(date_trunc('month', CAST({day} AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE)"


@compiles(FirstOfMonth, "sqlite")
def _first_of_month_in_sqlite(element, compiler, **kwargs):
    return f"date({compiler.process(element.clauses, **kwargs)}, 'start of month')"
