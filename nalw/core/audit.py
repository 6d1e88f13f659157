"""The audit log: who did what to which record, when, with the values before and after.

`record_audit` adds the row to the session of the change itself, so the entry and
the change commit or roll back together.
"""

import datetime as dt
import re

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.local import LocalProxy

from nalw.core.db import IdMixin, cut_to_fit_column, utc_now_default
from nalw.core.listing import contains_pattern
from nalw.core.personal_data import ERASED_NAME, erased_email, personal_data_exporter
from nalw.core.time import format_date, format_datetime
from nalw.extensions import db


class AuditEntry(IdMixin, db.Model):
    __tablename__ = "audit_entries"

    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now_default, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(50))
    target_id: Mapped[str] = mapped_column(sa.String(50))
    summary: Mapped[str] = cut_to_fit_column(300, default="")
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    ip_address: Mapped[str | None] = mapped_column(sa.String(64))

    actor = relationship("Person", foreign_keys=[actor_id], lazy="raise")

    __table_args__ = (sa.Index("ix_audit_entries_target", "target_type", "target_id"),)

    def changes(self):
        """(field, before, after) for each field whose value changed."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]

    def side_by_side(self):
        """(field, before, after, changed) for every field either side names, the values as text, to show
        the two side by side."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [
            (key, _shown(before.get(key)), _shown(after.get(key)), before.get(key) != after.get(key)) for key in keys
        ]


# Days and moments as `_plain` stores them: 2027-02-20, and 2027-01-06T15:44:14.955440+00:00.
_STORED_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_STORED_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T[\d:.]+(\+00:00|Z)")


def _shown(value):
    if value is None:
        return "–"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return _date_shown(value)
    return str(value)


def _date_shown(text):
    """A day or a moment the entry stored as ISO text, as every page shows one (20 February 2027; 6 Jan 2027,
    15:44 in UK time); any other text as it is."""
    try:
        if _STORED_DAY.fullmatch(text):
            return format_date(dt.date.fromisoformat(text))
        if _STORED_MOMENT.fullmatch(text):
            return format_datetime(dt.datetime.fromisoformat(text))
    except ValueError:  # digits in that shape that are no real day
        pass
    return text


def record_audit(actor, action, target, *, before=None, after=None, summary=""):
    """Add an audit entry for `actor` doing `action` to `target` (a model instance).

    `before` and `after` are plain dicts of the fields that matter; the target
    must already have an id (flush first when creating).
    """
    if isinstance(target, LocalProxy):
        # A view may pass `current_user`: record the model it stands for, or the entry would name
        # the proxy and never appear in that person's history.
        target = target._get_current_object()
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=type(target).__name__,
        target_id=str(target.id),
        summary=summary,
        before=_jsonable(before),
        after=_jsonable(after),
        request_id=g.get("request_id") if has_request_context() else None,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def _jsonable(values):
    if values is None:
        return None
    return {key: _plain(value) for key, value in values.items()}


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple | list):
        return sorted(_plain(item) for item in value)
    if hasattr(value, "value") and not isinstance(value, int | str):
        return value.value
    return value


@personal_data_exporter("audit_log")
def export_audit(person):
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            sa.or_(
                AuditEntry.actor_id == person.id,
                sa.and_(AuditEntry.target_type == "Person", AuditEntry.target_id == str(person.id)),
            )
        )
        .order_by(AuditEntry.id)
    )
    return [
        {
            "at": entry.created_at.isoformat(),
            "action": entry.action,
            "summary": entry.summary,
            "when": format_datetime(entry.created_at),
        }
        for entry in entries
    ]


def erase_mentions(person):
    """The log keeps what was done, by whom, to which record and when; the person's name and email addresses (the
    one they have and any they changed from) go from its words: the name becomes the one their account is given,
    each address the address it is given. Accounts call this after every domain's eraser, whose own entries
    (a membership resigned, a waiting list left) may name the person. A name is matched whole (not inside a
    longer or double-barrelled one), in any case, so another person of the very same name loses it from an
    entry's words too; the entry still names its records by id."""
    addresses = {person.email.lower(), *_former_addresses(person)}
    mentions = [
        column.ilike(contains_pattern(text), escape="\\")
        for text in (*addresses, person.name)
        for column in (AuditEntry.summary, sa.cast(AuditEntry.before, sa.Text), sa.cast(AuditEntry.after, sa.Text))
    ]
    address_pattern = re.compile("|".join(re.escape(address) for address in sorted(addresses)), re.IGNORECASE)
    name_pattern = re.compile(rf"(?<![\w-]){re.escape(person.name)}(?![\w-])", re.IGNORECASE)
    erased = erased_email(person.id)
    for entry in db.session.scalars(sa.select(AuditEntry).where(sa.or_(*mentions))):
        for column in ("summary", "before", "after"):
            value = _replaced(getattr(entry, column), address_pattern, erased)
            setattr(entry, column, _replaced(value, name_pattern, ERASED_NAME))
    db.session.flush()


def _former_addresses(person):
    changes = db.session.scalars(
        sa.select(AuditEntry.before).where(
            AuditEntry.action == "account.email_changed",
            AuditEntry.target_type == "Person",
            AuditEntry.target_id == str(person.id),
        )
    )
    return {change["email"].lower() for change in changes if change and change.get("email")}


def _replaced(value, pattern, replacement):
    """`value` (text, or the JSON of before and after) with every match of `pattern` replaced."""
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, dict):
        return {key: _replaced(item, pattern, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, pattern, replacement) for item in value]
    return value
