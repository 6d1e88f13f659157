"""Judging: staff assign judges to categories; a judge declares a conflict of interest or none for each
eligible nomination, then scores each criterion; staff follow every judge's progress, recuse a judge from a
nomination and reopen judging after it closed.

A judge reads a nomination only through `nomination_for_judge`, which is the one object-level check: the
judge is assigned to its category, it is eligible, they declared no conflict and were not recused.
"""

import dataclasses
import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from nalw.accounts.models import Person, RoleGrant
from nalw.awards.errors import AwardsError
from nalw.awards.models import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    AwardCategory,
    AwardCycle,
    ConflictDeclaration,
    JudgeAssignment,
    Nomination,
    NominationStatus,
    Recusal,
    Score,
)
from nalw.awards.results import Sheet
from nalw.core.audit import record_audit
from nalw.core.permissions import Role
from nalw.core.time import format_datetime
from nalw.extensions import db

COMMENT_MAX_LENGTH = 2000

# How lists load nominations: the nominator's email, not their roles; no answers, evidence or category again.
LIST_OPTIONS = (
    lazyload(Nomination.answers),
    lazyload(Nomination.evidence),
    lazyload(Nomination.category),
    joinedload(Nomination.nominator).lazyload(Person.role_grants),
)


class JudgingError(AwardsError):
    """A judging rule refused the change."""


class JudgingClosed(JudgingError):
    pass


# --- Assigning judges ------------------------------------------------------------------------------------


def assign_judge(actor, category, judge):
    """Staff assign a person holding the judge role to a category (once)."""
    if not judge.was_granted(Role.JUDGE):
        raise JudgingError(f"{judge.name} is not a judge. An admin gives the judge role first.", field="judge")
    if db.session.scalar(
        sa.select(JudgeAssignment.id).where(
            JudgeAssignment.category_id == category.id, JudgeAssignment.judge_id == judge.id
        )
    ):
        raise JudgingError(f"{judge.name} already judges {category.name}.", field="judge")
    assignment = JudgeAssignment(category_id=category.id, judge_id=judge.id, assigned_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    record_audit(
        actor,
        "awards.judge_assigned",
        assignment,
        after={"judge": judge.email, "category": category.name},
        summary=f"{judge.name} assigned to judge {category.name}",
    )
    return assignment


def unassign_judge(actor, assignment):
    """Staff take a judge off a category they have not started on; once they have, recuse them instead."""
    started = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ConflictDeclaration)
        .join(Nomination, Nomination.id == ConflictDeclaration.nomination_id)
        .where(Nomination.category_id == assignment.category_id, ConflictDeclaration.judge_id == assignment.judge_id)
    )
    if started:
        raise JudgingError(
            f"{assignment.judge.name} has started judging {assignment.category.name}. "
            "Recuse them from nominations instead, so the record of what they did stays."
        )
    record_audit(
        actor,
        "awards.judge_unassigned",
        assignment,
        before={"judge": assignment.judge.email, "category": assignment.category.name},
        summary=f"{assignment.judge.name} no longer judges {assignment.category.name}",
    )
    db.session.delete(assignment)
    db.session.flush()


def people_with_judge_role() -> list:
    """Everyone who holds the judge role, by name: whom staff may assign."""
    return db.session.scalars(
        sa.select(Person)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.role == Role.JUDGE)
        .order_by(Person.name)
    ).all()


def judges_of_category(category_id) -> list:
    """The judges assigned to a category, by name."""
    return db.session.scalars(
        sa.select(Person)
        .join(JudgeAssignment, JudgeAssignment.judge_id == Person.id)
        .where(JudgeAssignment.category_id == category_id)
        .order_by(Person.name)
    ).all()


def assignments_of(judge):
    """The judge's categories in cycles whose results are not yet published, newest cycle first, each with its
    category and cycle loaded."""
    return db.session.scalars(
        sa.select(JudgeAssignment)
        .join(AwardCategory, AwardCategory.id == JudgeAssignment.category_id)
        .join(AwardCycle, AwardCycle.id == AwardCategory.cycle_id)
        .options(contains_eager(JudgeAssignment.category).contains_eager(AwardCategory.cycle))
        .where(JudgeAssignment.judge_id == judge.id, AwardCycle.published_at.is_(None))
        .order_by(AwardCycle.year.desc(), AwardCategory.position, AwardCategory.id)
    ).all()


def is_assigned(judge, category_id) -> bool:
    return bool(
        db.session.scalar(
            sa.select(JudgeAssignment.id).where(
                JudgeAssignment.judge_id == judge.id, JudgeAssignment.category_id == category_id
            )
        )
    )


# --- Declaring and opening -------------------------------------------------------------------------------


def _check_judging_open(cycle, now):
    if not cycle.judging_open(now):
        if now < cycle.judging_opens_at:
            raise JudgingClosed(f"Judging opens on {format_datetime(cycle.judging_opens_at)}.")
        raise JudgingClosed("Judging has closed, so nothing can be changed. Ask the awards team if you need to.")


def _one_at_a_time(judge):
    """A judge's own changes wait for each other (a double-click, two tabs), so the second finds the first's
    rows and updates them instead of adding duplicates."""
    db.session.execute(sa.select(Person.id).where(Person.id == judge.id).with_for_update())


def declaration_of(judge, nomination_id):
    return db.session.scalar(
        sa.select(ConflictDeclaration).where(
            ConflictDeclaration.judge_id == judge.id, ConflictDeclaration.nomination_id == nomination_id
        )
    )


def is_recused(judge, nomination_id) -> bool:
    return bool(
        db.session.scalar(
            sa.select(Recusal.id).where(Recusal.judge_id == judge.id, Recusal.nomination_id == nomination_id)
        )
    )


def hidden_from(judge):
    """Where a nomination is one this judge declared a conflict on or was recused from: gone from every list of
    theirs, as `nomination_for_judge` keeps it from them one at a time."""
    conflicted = sa.select(ConflictDeclaration.nomination_id).where(
        ConflictDeclaration.judge_id == judge.id, ConflictDeclaration.conflicted.is_(True)
    )
    recused = sa.select(Recusal.nomination_id).where(Recusal.judge_id == judge.id)
    return sa.or_(Nomination.id.in_(conflicted), Nomination.id.in_(recused))


def nomination_to_declare(judge, nomination_id):
    """An eligible nomination in one of the judge's categories, or None: what the judge may declare on."""
    nomination = db.session.get(Nomination, nomination_id)
    if (
        nomination is None
        or nomination.status is not NominationStatus.ELIGIBLE
        or not is_assigned(judge, nomination.category_id)
        or is_recused(judge, nomination.id)
    ):
        return None
    return nomination


def nomination_for_judge(judge, nomination_id):
    """(nomination, None) when the judge may open it; (None, why) otherwise: "declare" when they have yet to
    declare, "hidden" (not theirs, not eligible, conflicted or recused) for a page that says nothing more."""
    nomination = nomination_to_declare(judge, nomination_id)
    if nomination is None:
        return None, "hidden"
    declaration = declaration_of(judge, nomination.id)
    if declaration is None:
        return None, "declare"
    if declaration.conflicted:
        return None, "hidden"
    return nomination, None


def declare(judge, nomination, *, conflicted, note, now):
    """A judge declares a conflict of interest or none before opening a nomination. Declaring none can later
    become a conflict (scores already given stay for the record and leave the results); a conflict, once
    declared, stands: only staff can change it."""
    _check_judging_open(nomination.category.cycle, now)
    _one_at_a_time(judge)
    declaration = declaration_of(judge, nomination.id)
    if conflicted and not note.strip():
        raise JudgingError("Say briefly what the conflict is, for the awards team's record.", field="note")
    if declaration is not None and declaration.conflicted:
        raise JudgingError("You have declared a conflict with this nomination. Ask the awards team to change it.")
    if declaration is None:
        declaration = ConflictDeclaration(nomination_id=nomination.id, judge_id=judge.id, conflicted=conflicted)
        db.session.add(declaration)
    declaration.conflicted = conflicted
    declaration.note = note.strip() if conflicted else ""
    declaration.declared_at = now
    db.session.flush()
    if conflicted:
        record_audit(
            judge,
            "awards.conflict_declared",
            declaration,
            after={"nomination": nomination.id, "note": declaration.note},
            summary=f"Conflict of interest declared on nomination {nomination.id}",
        )
    return declaration


# --- Scoring ---------------------------------------------------------------------------------------------


def scores_of(judge, nomination_id):
    """criterion id -> the judge's own Score: never anyone else's."""
    return {
        score.criterion_id: score
        for score in db.session.scalars(
            sa.select(Score).where(Score.judge_id == judge.id, Score.nomination_id == nomination_id)
        )
    }


def save_scores(judge, nomination, entries, now):
    """A judge scores every criterion of a nomination they may open, each 0 to 10 with a comment, while judging
    is open (or reopened by staff). `entries` maps criterion id to (score, comment). Saving again changes them."""
    checked, reason = nomination_for_judge(judge, nomination.id)
    if checked is None:
        raise JudgingError(
            "Declare whether you have a conflict of interest first."
            if reason == "declare"
            else "You cannot score this nomination."
        )
    _check_judging_open(nomination.category.cycle, now)
    for position, criterion in enumerate(nomination.category.criteria, start=1):
        score, comment = entries.get(criterion.id, (None, ""))
        if score is None or not LOWEST_SCORE <= score <= HIGHEST_SCORE:
            raise JudgingError(
                f"Give criterion {position} a whole-number score from {LOWEST_SCORE} to {HIGHEST_SCORE}.",
                field=f"score_{criterion.id}",
            )
        if not (comment or "").strip() or len(comment) > COMMENT_MAX_LENGTH:
            raise JudgingError(
                f"Write a comment on criterion {position} (up to {COMMENT_MAX_LENGTH:,} characters) saying why.",
                field=f"comment_{criterion.id}",
            )
    _one_at_a_time(judge)
    existing = scores_of(judge, nomination.id)
    for criterion in nomination.category.criteria:
        score, comment = entries[criterion.id]
        row = existing.get(criterion.id)
        if row is None:
            row = Score(nomination_id=nomination.id, judge_id=judge.id, criterion_id=criterion.id)
            db.session.add(row)
        row.score, row.comment, row.updated_at = score, comment.strip(), now
    db.session.flush()


# --- Staff: recusal, reopening, progress -----------------------------------------------------------------


def recuse(actor, nomination, judge, reason):
    """Staff take a judge off a nomination (a conflict found later, or one suggested and confirmed). Their
    scores stay for the record and leave the results and exports."""
    if not reason.strip():
        raise JudgingError("Give the reason for recusing the judge, for the record.", field="reason")
    if not is_assigned(judge, nomination.category_id):
        raise JudgingError(f"{judge.name} does not judge {nomination.category.name}.", field="judge")
    if is_recused(judge, nomination.id):
        raise JudgingError(f"{judge.name} is already recused from this nomination.", field="judge")
    recusal = Recusal(nomination_id=nomination.id, judge_id=judge.id, reason=reason.strip(), recused_by_id=actor.id)
    db.session.add(recusal)
    db.session.flush()
    record_audit(
        actor,
        "awards.judge_recused",
        recusal,
        after={"nomination": nomination.id, "judge": judge.email, "reason": recusal.reason},
        summary=f"{judge.name} recused from nomination {nomination.id}",
    )
    return recusal


def withdraw_conflict(actor, nomination, judge, reason):
    """Staff withdraw a conflict of interest a judge declared in error (only staff can change one). The
    declaration goes, so the judge sees the nomination again and must declare (a conflict or none) before
    opening it; until they declare none, none of their scores on it count. Audited with the reason and the
    withdrawn note. Not once the results are published."""
    if not reason.strip():
        raise JudgingError("Give the reason for withdrawing the conflict, for the record.", field="reason")
    if nomination.category.cycle.published_at is not None:
        raise JudgingError("The results are published, so declarations can no longer change.")
    declaration = declaration_of(judge, nomination.id)
    if declaration is None or not declaration.conflicted:
        raise JudgingError(f"{judge.name} has not declared a conflict with this nomination.", field="judge")
    record_audit(
        actor,
        "awards.conflict_withdrawn",
        declaration,
        before={"nomination": nomination.id, "judge": judge.email, "note": declaration.note},
        after={"reason": reason.strip()},
        summary=f"Conflict of interest of {judge.name} on nomination {nomination.id} withdrawn",
    )
    db.session.delete(declaration)
    db.session.flush()


def reopen_judging(actor, cycle, until, now):
    """Staff reopen judging after it closed, until a time they choose, so judges can change scores."""
    if cycle.published_at is not None:
        raise JudgingError("The results are published, so judging cannot be reopened.")
    if now < cycle.judging_closes_at:
        raise JudgingError("Judging is still open: there is nothing to reopen.")
    if until <= now:
        raise JudgingError("Choose a time in the future for judging to close again.", field="until")
    before = {"judging_reopened_until": cycle.judging_reopened_until}
    cycle.judging_reopened_until = until
    record_audit(
        actor,
        "awards.judging_reopened",
        cycle,
        before=before,
        after={"judging_reopened_until": until},
        summary=f"Judging reopened until {format_datetime(until)}",
    )
    db.session.flush()


def close_judging_now(actor, cycle, now):
    """Staff close judging at once, instead of editing its dates: the judging close time becomes now (and a
    reopening ends now). Refused before judging opens and once it has closed. Staff may reopen it as before."""
    if cycle.published_at is not None:
        raise JudgingError("The results are published: judging closed before that.")
    if now <= cycle.judging_opens_at:
        raise JudgingError(
            f"Judging has not opened yet: it opens on {format_datetime(cycle.judging_opens_at)}. "
            "Change the cycle's dates instead."
        )
    if not cycle.judging_open(now):
        raise JudgingError("Judging has already closed: there is nothing to close.")
    before = {"judging_closes_at": cycle.judging_closes_at, "judging_reopened_until": cycle.judging_reopened_until}
    if now < cycle.judging_closes_at:
        cycle.judging_closes_at = now
    if cycle.judging_reopened_until is not None and cycle.judging_reopened_until > now:
        cycle.judging_reopened_until = now
    record_audit(
        actor,
        "awards.judging_closed",
        cycle,
        before=before,
        after={"judging_closes_at": cycle.judging_closes_at, "judging_reopened_until": cycle.judging_reopened_until},
        summary=f"Judging closed early at {format_datetime(now)}",
    )
    db.session.flush()


@dataclasses.dataclass(frozen=True)
class Progress:
    """One judge's work in one category: nominations they are to score, and how many they have scored."""

    judge_id: int
    category_id: int
    to_score: int
    scored: int
    declared: int
    conflicts: int
    recused: int

    @property
    def left(self):
        return self.to_score - self.scored


def _excluded_pairs():
    """(judge, nomination) pairs that count for nothing: a conflict declared or a recusal."""
    conflicts = sa.select(ConflictDeclaration.judge_id, ConflictDeclaration.nomination_id).where(
        ConflictDeclaration.conflicted.is_(True)
    )
    recusals = sa.select(Recusal.judge_id, Recusal.nomination_id)
    return sa.union(conflicts, recusals).subquery()


def _declared_none():
    """A score counts only where its judge declared no conflict on its nomination: a conflict staff withdrew
    leaves the judge to declare again, and their earlier scores wait for that."""
    return sa.and_(
        ConflictDeclaration.judge_id == Score.judge_id,
        ConflictDeclaration.nomination_id == Score.nomination_id,
        ConflictDeclaration.conflicted.is_(False),
    )


def _eligible_in(category_ids):
    return sa.and_(Nomination.category_id.in_(category_ids or [0]), Nomination.status == NominationStatus.ELIGIBLE)


def progress_for(assignments):
    """Progress for each (judge, category) assignment, in a fixed number of aggregate queries.

    A nomination with a conflict declared or a recusal leaves the judge's count altogether."""
    category_ids = sorted({a.category_id for a in assignments})
    judge_ids = sorted({a.judge_id for a in assignments})
    eligible = dict(
        db.session.execute(
            sa.select(Nomination.category_id, sa.func.count())
            .where(_eligible_in(category_ids))
            .group_by(Nomination.category_id)
        ).all()
    )

    def per_judge_category(select_from, judge_column, condition=None):
        rows = db.session.execute(
            sa.select(judge_column, Nomination.category_id, sa.func.count(sa.distinct(Nomination.id)))
            .select_from(select_from)
            .where(
                _eligible_in(category_ids),
                judge_column.in_(judge_ids or [0]),
                sa.true() if condition is None else condition,
            )
            .group_by(judge_column, Nomination.category_id)
        )
        return {(judge, category): count for judge, category, count in rows}

    declared, conflicts = {}, {}
    for judge_id, category_id, count, conflicted in db.session.execute(
        sa.select(
            ConflictDeclaration.judge_id,
            Nomination.category_id,
            sa.func.count(),
            sa.func.count().filter(ConflictDeclaration.conflicted.is_(True)),
        )
        .join(Nomination, Nomination.id == ConflictDeclaration.nomination_id)
        .where(_eligible_in(category_ids), ConflictDeclaration.judge_id.in_(judge_ids or [0]))
        .group_by(ConflictDeclaration.judge_id, Nomination.category_id)
    ):
        declared[(judge_id, category_id)], conflicts[(judge_id, category_id)] = count, conflicted
    recused = per_judge_category(sa.join(Recusal, Nomination, Nomination.id == Recusal.nomination_id), Recusal.judge_id)
    excluded = _excluded_pairs()
    # A union, so a nomination with both a conflict and a recusal leaves the count once.
    left_out = per_judge_category(
        sa.join(excluded, Nomination, Nomination.id == excluded.c.nomination_id), excluded.c.judge_id
    )
    scored_from = (
        sa.join(Score, Nomination, Nomination.id == Score.nomination_id)
        .join(ConflictDeclaration, _declared_none())
        .outerjoin(
            excluded, sa.and_(excluded.c.judge_id == Score.judge_id, excluded.c.nomination_id == Score.nomination_id)
        )
    )
    scored = per_judge_category(scored_from, Score.judge_id, excluded.c.judge_id.is_(None))
    progress = {}
    for assignment in assignments:
        key = (assignment.judge_id, assignment.category_id)
        progress[key] = Progress(
            judge_id=assignment.judge_id,
            category_id=assignment.category_id,
            to_score=eligible.get(assignment.category_id, 0) - left_out.get(key, 0),
            scored=scored.get(key, 0),
            declared=declared.get(key, 0),
            conflicts=conflicts.get(key, 0),
            recused=recused.get(key, 0),
        )
    return progress


# --- What the results are computed from ------------------------------------------------------------------


def counted_sheets(category):
    """Every complete set of scores that counts in the category's results: eligible nominations only, from a
    judge who declared no conflict on the nomination and was not recused from it."""
    return counted_sheets_of([category])[category.id]


def counted_sheets_of(categories):
    """category id -> its counted sheets (as `counted_sheets`), for several categories in one query."""
    excluded = _excluded_pairs()
    rows = db.session.execute(
        sa.select(Nomination.category_id, Score.judge_id, Score.nomination_id, Score.criterion_id, Score.score)
        .join(Nomination, Nomination.id == Score.nomination_id)
        .join(ConflictDeclaration, _declared_none())
        .outerjoin(
            excluded, sa.and_(excluded.c.judge_id == Score.judge_id, excluded.c.nomination_id == Score.nomination_id)
        )
        .where(_eligible_in([category.id for category in categories]), excluded.c.judge_id.is_(None))
    )
    by_sheet = defaultdict(dict)
    for category_id, judge_id, nomination_id, criterion_id, score in rows:
        by_sheet[(category_id, judge_id, nomination_id)][criterion_id] = score
    sheets = {category.id: [] for category in categories}
    criteria = {category.id: {criterion.id for criterion in category.criteria} for category in categories}
    for (category_id, judge_id, nomination_id), scores in sorted(by_sheet.items()):
        if set(scores) == criteria[category_id]:
            sheets[category_id].append(Sheet(judge_id, nomination_id, scores))
    return sheets


def eligible_in_category(category):
    return db.session.scalars(sa.select(Nomination).where(_eligible_in([category.id])).order_by(Nomination.id)).all()


def numbered_criteria(categories):
    """criterion id -> (its number in its category, the criterion): pages and exports say "criterion 2"."""
    return {
        criterion.id: (position, criterion)
        for category in categories
        for position, criterion in enumerate(category.criteria, start=1)
    }


def judging_state(cycle, now: dt.datetime) -> str:
    """A sentence for the pages: whether judges can change their scores now."""
    if cycle.published_at is not None:
        return "The results are published: scores can no longer change."
    if cycle.judging_open(now):
        until = max(cycle.judging_closes_at, cycle.judging_reopened_until or cycle.judging_closes_at)
        return f"Judging is open until {format_datetime(until)}."
    if now < cycle.judging_opens_at:
        return f"Judging opens on {format_datetime(cycle.judging_opens_at)}."
    return "Judging has closed: scores can no longer change."
