"""The rules of CPD logging: entries against the code of practice, evidence files, progress.

Services flush and never commit; views commit once.
"""

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nalw.code_of_practice.models import CodeVersion, Standard, VersionStatus
from nalw.core import evidence_files
from nalw.core.cpd_years import FIRST_YEAR, CpdYear, year_containing, year_starting_in
from nalw.core.errors import DomainError
from nalw.core.hours import format_hours
from nalw.core.records import get_belonging
from nalw.core.time import format_date, london_today, utcnow
from nalw.cpd import totals
from nalw.cpd.models import (
    HOURS_IN_A_DAY,
    MAX_QUARTER_HOURS_IN_A_DAY,
    ActivityType,
    CpdEntry,
    EntryStatus,
    Evidence,
    entry_standards,
    hours_from_quarters,
)
from nalw.extensions import db
from nalw.members import cpd_requirements
from nalw.members import services as member_services
from nalw.members.models import Membership

# The progress page lists at most this many of a year's entries, newest first.
ENTRIES_SHOWN = 200
REFLECTION_FIELDS = ("what_i_did", "what_i_learned", "practice_change", "impact")


class CpdError(DomainError):
    """A CPD rule refused the change; `message` says what to do, `field` where."""


# --- Whose standards ---------------------------------------------------------------------------


def logging_membership(person) -> Membership | None:
    """The membership CPD is logged under: the person's current one, whatever its state."""
    return member_services.current_membership(person)


def accepted_version(person, membership=None) -> CodeVersion | None:
    """The code of practice version the member accepted: entries map to its standards."""
    membership = membership or logging_membership(person)
    if membership is None:
        return None
    return db.session.get(CodeVersion, membership.code_version_id, options=[joinedload(CodeVersion.standards)])


@dataclass
class CodeUpdate:
    """A newer code of practice than the one the member accepted: what their page tells them."""

    accepted: CodeVersion
    current: CodeVersion


def code_update(accepted: CodeVersion | None) -> CodeUpdate | None:
    """When a version of the code newer than the member's `accepted` one was published: new entries go on
    using the accepted version's standards until the member accepts the new one."""
    if accepted is None:
        return None
    # The current version (the newest published), asked for only if newer than the accepted one: the usual
    # answer is no row, so the page pays one query and loads no standards.
    current = db.session.scalar(
        sa.select(CodeVersion)
        .where(CodeVersion.status == VersionStatus.PUBLISHED, CodeVersion.number > accepted.number)
        .order_by(CodeVersion.number.desc())
        .limit(1)
    )
    return CodeUpdate(accepted=accepted, current=current) if current is not None else None


def own_entry(person, entry_id) -> CpdEntry | None:
    """The one check that an entry is this person's: anyone else's id is as good as missing."""
    return get_belonging(CpdEntry, entry_id, person_id=person.id)


# --- Entries -------------------------------------------------------------------------------------


def save_entry(
    person,
    entry,
    *,
    done_on,
    title,
    activity_type,
    quarter_hours,
    provider,
    standard_ids,
    reflection,
    complete,
    version=None,
) -> CpdEntry:
    """Create or change an entry. A draft may leave the reflection empty; a complete entry may not.

    Rules: the date is not in the future, nor before the first CPD year the pages can show; hours are
    whole quarter hours above 0 and at most 24; there is at least one standard, all from the version of
    the code the member accepted.
    """
    if entry is not None and entry.person_id != person.id:
        raise CpdError("That entry is not yours.")
    # The caller may pass the version it already looked up with accepted_version(person).
    version = version or accepted_version(person)
    if version is None:
        raise CpdError("You need a membership to log CPD. Apply for membership first.")
    if done_on > london_today():
        raise CpdError("The date cannot be in the future. Enter the day you did the activity.", field="done_on")
    earliest = year_starting_in(FIRST_YEAR).starts_on
    if done_on < earliest:
        raise CpdError(f"The date cannot be before {format_date(earliest)}. Check the year.", field="done_on")
    if not 0 < quarter_hours <= MAX_QUARTER_HOURS_IN_A_DAY:
        raise CpdError(f"Hours must be more than 0 and at most {HOURS_IN_A_DAY} in a day.", field="hours")
    _check_day_total(person, entry, done_on, quarter_hours)
    allowed = {standard.id: standard for standard in version.standards}
    if not standard_ids:
        raise CpdError(
            "Choose at least one standard of the code of practice this activity relates to.", field="standards"
        )
    if any(standard_id not in allowed for standard_id in standard_ids):
        raise CpdError(
            f"Choose standards from {version.label} of the code of practice, the one you accepted.", field="standards"
        )
    reflection = {field: (reflection.get(field) or "").strip() for field in REFLECTION_FIELDS}
    if complete:
        missing = [field for field in REFLECTION_FIELDS if not reflection[field]]
        if missing:
            raise CpdError(
                "To complete the entry, answer every reflection question, or save it as a draft.", field=missing[0]
            )
    if entry is None:
        entry = CpdEntry(person_id=person.id)
        db.session.add(entry)
    day_before = entry.done_on
    entry.done_on = done_on
    entry.title = title.strip()
    entry.activity_type = activity_type
    entry.quarter_hours = quarter_hours
    entry.provider = (provider or "").strip()
    entry.standards = [allowed[standard_id] for standard_id in dict.fromkeys(standard_ids)]
    for field, value in reflection.items():
        setattr(entry, field, value)
    entry.status = EntryStatus.COMPLETE if complete else EntryStatus.DRAFT
    db.session.flush()
    totals.recount_days(person.id, day_before, done_on)
    return entry


def _check_day_total(person, entry, done_on, quarter_hours):
    """A day has 24 hours: the member's other entries that day, complete or draft, and this one together
    may not add up to more. The entry being edited counts once, as it is now."""
    others = (
        db.session.scalar(
            sa.select(sa.func.sum(CpdEntry.quarter_hours)).where(
                CpdEntry.person_id == person.id,
                CpdEntry.done_on == done_on,
                CpdEntry.id != (entry.id if entry is not None and entry.id is not None else 0),
            )
        )
        or 0
    )
    if others + quarter_hours > MAX_QUARTER_HOURS_IN_A_DAY:
        left = MAX_QUARTER_HOURS_IN_A_DAY - others
        room = f"at most {format_hours(hours_from_quarters(left))} more" if left > 0 else "no more"
        raise CpdError(
            f"You have already logged {format_hours(hours_from_quarters(others))} on {format_date(done_on)}, so {room} fit in that day. "
            "Check the hours and the date.",
            field="hours",
        )


def delete_entry(person, entry) -> list[Path]:
    """Delete an entry; returns its evidence files, to remove once the deletion has committed."""
    if entry.person_id != person.id:
        raise CpdError("That entry is not yours.")
    paths = [evidence_path(evidence) for evidence in entry.evidence]
    db.session.delete(entry)
    db.session.flush()
    totals.recount_days(person.id, entry.done_on)
    return paths


# --- Evidence -------------------------------------------------------------------------------------


def evidence_path(evidence) -> Path:
    return evidence_files.stored_path(evidence.stored_name)


def add_evidence(person, entry, upload) -> Evidence:
    """Keep an uploaded file as evidence for `entry`, after checking its size and, from its content,
    its type. A file that fails any check is refused and nothing is stored."""
    if entry.person_id != person.id:
        raise CpdError("That entry is not yours.")
    checked = evidence_files.check_upload(upload)
    evidence = Evidence(entry=entry, **checked.record_values())
    db.session.add(evidence)
    db.session.flush()
    evidence_files.write_file(checked)
    return evidence


def download_name(evidence) -> str:
    return evidence_files.download_name(evidence.original_name, evidence.content_type)


def own_evidence(person, evidence_id, staff=False) -> Evidence | None:
    """Evidence is served only to its owner, or to staff."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or (evidence.entry.person_id != person.id and not staff):
        return None
    return evidence


def remove_evidence(person, evidence) -> Path:
    if evidence.entry.person_id != person.id:
        raise CpdError("That file is not yours.")
    path = evidence_path(evidence)
    db.session.delete(evidence)
    db.session.flush()
    return path


delete_files = evidence_files.delete_files
evidence_size_limit = evidence_files.evidence_size_limit
too_large_message = evidence_files.too_large_message


# --- Progress --------------------------------------------------------------------------------------


@dataclass
class Progress:
    year: CpdYear
    required_hours: int
    logged_quarters: int
    by_activity: list  # (ActivityType, hours)
    by_standard: list  # (Standard, hours)
    standards_without_entries: list
    entries: list
    entry_count: int
    drafts: int
    version: CodeVersion | None

    @property
    def logged_hours(self):
        return hours_from_quarters(self.logged_quarters)

    @property
    def percent(self):
        if not self.required_hours:
            return 100
        return min(100, round(100 * self.logged_hours / self.required_hours))

    @property
    def met(self):
        return self.logged_hours >= self.required_hours


def progress(person, year: CpdYear) -> Progress:
    """A member's CPD year at a glance, in a fixed number of queries however many entries they have."""
    membership = logging_membership(person)
    version = accepted_version(person, membership)
    in_year = (
        CpdEntry.person_id == person.id,
        CpdEntry.done_on >= year.starts_on,
        CpdEntry.done_on <= year.ends_on,
    )
    complete = (*in_year, CpdEntry.status == EntryStatus.COMPLETE)
    by_activity, drafts, entry_count = {}, 0, 0
    for activity_type, status, quarters, count in db.session.execute(
        sa.select(
            CpdEntry.activity_type, CpdEntry.status, sa.func.sum(CpdEntry.quarter_hours), sa.func.count(CpdEntry.id)
        )
        .where(*in_year)
        .group_by(CpdEntry.activity_type, CpdEntry.status)
    ):
        entry_count += count
        if status is EntryStatus.COMPLETE:
            by_activity[activity_type] = quarters
        else:
            drafts += count
    by_standard_id = dict(
        db.session.execute(
            sa.select(entry_standards.c.standard_id, sa.func.sum(CpdEntry.quarter_hours))
            .join(CpdEntry, CpdEntry.id == entry_standards.c.entry_id)
            .where(*complete)
            .group_by(entry_standards.c.standard_id)
        ).all()
    )
    # The page lists the latest entries; the exports hold them all. A cap keeps the page's work fixed.
    entries = db.session.scalars(
        sa.select(CpdEntry).where(*in_year).order_by(CpdEntry.done_on.desc(), CpdEntry.id.desc()).limit(ENTRIES_SHOWN)
    ).all()
    standards = list(version.standards) if version else []
    # Entries logged against an earlier version of the code keep their hours in the table.
    earlier_ids = set(by_standard_id) - {standard.id for standard in standards}
    if earlier_ids:
        standards += db.session.scalars(
            sa.select(Standard)
            .where(Standard.id.in_(earlier_ids))
            .options(joinedload(Standard.version))
            .order_by(Standard.version_id, Standard.position)
        ).all()
    return Progress(
        year=year,
        required_hours=cpd_requirements.hours_required(membership.tier, year) if membership else 0,
        logged_quarters=sum(by_activity.values()),
        by_activity=[(kind, hours_from_quarters(by_activity.get(kind, 0))) for kind in ActivityType],
        by_standard=[(standard, hours_from_quarters(by_standard_id.get(standard.id, 0))) for standard in standards],
        standards_without_entries=[
            standard
            for standard in standards
            if standard.id not in by_standard_id and standard.version_id == (version.id if version else None)
        ],
        entries=entries,
        entry_count=entry_count,
        drafts=drafts,
        version=version,
    )


def years_with_entries(person, current: CpdYear) -> list[CpdYear]:
    """Every CPD year from the first entry to now, newest first."""
    first = db.session.scalar(sa.select(sa.func.min(CpdEntry.done_on)).where(CpdEntry.person_id == person.id))
    first_year = year_containing(first).key if first else current.key
    return [year_starting_in(key) for key in range(current.key, first_year - 1, -1)]


def entries_for_export(person, year: CpdYear | None):
    query = sa.select(CpdEntry).where(CpdEntry.person_id == person.id).order_by(CpdEntry.done_on, CpdEntry.id)
    if year is not None:
        query = query.where(CpdEntry.done_on >= year.starts_on, CpdEntry.done_on <= year.ends_on)
    return db.session.scalars(query).all()


# --- Learning credited by other domains (event attendance) -----------------------------------------


def credit_event_attendance(person, *, source_key, done_on, title, quarter_hours, standard_ids, provider):
    """A draft CPD entry for attending an event, which the member completes with their reflection.
    Made once per `source_key` (like "event:12"): crediting again returns the entry already made,
    whatever the member has done to it since. Nothing is made for an event worth no CPD hours."""
    existing = db.session.scalar(
        sa.select(CpdEntry).where(CpdEntry.person_id == person.id, CpdEntry.source == source_key)
    )
    if existing is not None or not quarter_hours:
        return existing
    entry = CpdEntry(
        person_id=person.id,
        done_on=done_on,
        title=title[:200],
        activity_type=ActivityType.CONFERENCE,
        quarter_hours=min(quarter_hours, MAX_QUARTER_HOURS_IN_A_DAY),
        provider=provider[:200],
        status=EntryStatus.DRAFT,
        source=source_key,
    )
    entry.created_at = entry.updated_at = utcnow()  # equal until the member edits it
    entry.standards = list(db.session.scalars(sa.select(Standard).where(Standard.id.in_(standard_ids or [0]))))
    db.session.add(entry)
    db.session.flush()
    totals.recount_days(person.id, done_on)
    return entry


def is_untouched_credit(entry) -> bool:
    """Still as the platform made it: a draft with no reflection, no evidence and no edits."""
    return (
        entry.status is EntryStatus.DRAFT
        and not any((entry.what_i_did, entry.what_i_learned, entry.practice_change, entry.impact))
        and not entry.evidence
        and entry.updated_at == entry.created_at
    )


def withdraw_event_credit(person, source_key) -> bool:
    """Remove the draft made for `source_key` if the member has not touched it (an undone check-in).
    An entry the member has started to complete is theirs, and stays. True if a draft was removed."""
    entry = db.session.scalar(sa.select(CpdEntry).where(CpdEntry.person_id == person.id, CpdEntry.source == source_key))
    if entry is None or not is_untouched_credit(entry):
        return False
    db.session.delete(entry)
    db.session.flush()
    totals.recount_days(person.id, entry.done_on)
    return True
