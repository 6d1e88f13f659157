"""People nominate: a draft saved as often as they like, then submitted before nominations close.

A nomination may be changed only while it is a draft and nominations are open. Every answer keeps within
its criterion's word limit, counted by `words.count_words` (as the browser's hint counts); on submission
every criterion must be answered. Self-nomination (the nominator ticks "I am nominating myself", or gives
their own email as the nominee's) is refused where the category does not allow it. Evidence files are
checked by their content, as CPD evidence is. Services flush; callers commit.
"""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, lazyload

from nalw.awards.errors import AwardsError, NominationsClosed
from nalw.awards.models import (
    AwardCategory,
    AwardCycle,
    Nomination,
    NominationAnswer,
    NominationEvidence,
    NominationStatus,
)
from nalw.awards.words import count_words
from nalw.core import evidence_files
from nalw.core.links import absolute_link
from nalw.core.outbox import queue_email
from nalw.core.time import format_datetime, utcnow
from nalw.extensions import db

NOMINEE_FIELDS = ("nominee_name", "nominee_organisation", "nominee_region", "nominee_email", "relationship_to_nominee")
# An answer within its word limit is still refused past this many characters a word: no one word is a book.
MOST_CHARACTERS_PER_WORD = 30
# At most this many evidence files per nomination.
MOST_EVIDENCE_FILES = 5


def answer_field(criterion) -> str:
    """The form field (and error field) of a criterion's answer."""
    return f"answer_{criterion.id}"


def closed_reason(category, now) -> str | None:
    """Why the category takes no nominations now (None when it does)."""
    cycle = category.cycle
    if not category.criteria:
        return f"{category.name} is not taking nominations: it has no questions yet."
    if now < cycle.nominations_open_at:
        return f"Nominations for {cycle.title} open on {format_datetime(cycle.nominations_open_at)}."
    if now >= cycle.nominations_close_at:
        return f"Nominations for {cycle.title} closed on {format_datetime(cycle.nominations_close_at)}."
    return None


def _refuse_unless_open(category, now):
    NominationsClosed.refuse_if(closed_reason(category, now), field="category")


def _is_self_nomination(nominator, values, nominating_myself) -> bool:
    email = (values.get("nominee_email") or "").strip().lower()
    return bool(nominating_myself) or (email != "" and email == nominator.email.lower())


def _check_answers(category, answers, complete):
    """Each answer within its word limit; with `complete`, every criterion answered."""
    for criterion in category.criteria:
        text = (answers.get(criterion.id) or "").strip()
        words = count_words(text)
        if len(text) > criterion.word_limit * MOST_CHARACTERS_PER_WORD:
            raise AwardsError(
                f"This answer is too long: shorten it to {criterion.word_limit} words or fewer.",
                field=answer_field(criterion),
            )
        if words > criterion.word_limit:
            raise AwardsError(
                f"This answer has {words} words: shorten it to {criterion.word_limit} words or fewer.",
                field=answer_field(criterion),
            )
        if complete and words == 0:
            raise AwardsError("Answer this question before you submit.", field=answer_field(criterion))


def _check_nominee(category, values, self_nomination, nominating_myself):
    if not (values.get("nominee_name") or "").strip():
        raise AwardsError("Enter the name of the person, team or group you are nominating.", field="nominee_name")
    if not (values.get("relationship_to_nominee") or "").strip():
        raise AwardsError("Say how you know the nominee, for example 'their manager'.", field="relationship_to_nominee")
    if self_nomination and not category.self_nomination_allowed:
        raise AwardsError(
            f"{category.name} does not take self-nominations: ask someone who knows your work to nominate you.",
            field="nominating_myself" if nominating_myself else "nominee_email",
        )


def save_draft(
    nominator, category, *, answers, nominating_myself=False, nomination=None, now=None, **values
) -> Nomination:
    """Create or change a draft nomination while nominations are open. `answers` maps criterion id to text;
    answers may be missing in a draft but none may pass its word limit."""
    now = now or utcnow()
    if nomination is not None:
        _refuse_unless_draft(nominator, nomination)
        category = nomination.category
    _refuse_unless_open(category, now)
    self_nomination = _is_self_nomination(nominator, values, nominating_myself)
    _check_nominee(category, values, self_nomination, nominating_myself)
    _check_answers(category, answers, complete=False)
    if nomination is None:
        nomination = Nomination(category=category, nominator=nominator, status=NominationStatus.DRAFT)
        db.session.add(nomination)
    for field in NOMINEE_FIELDS:
        setattr(nomination, field, (values.get(field) or "").strip() if field != "nominee_region" else values[field])
    nomination.nominee_email = nomination.nominee_email.lower() or None
    nomination.is_self_nomination = self_nomination
    given = {answer.criterion_id: answer for answer in nomination.answers}
    for criterion in category.criteria:
        text = (answers.get(criterion.id) or "").strip()
        if criterion.id in given:
            given[criterion.id].text = text
        else:
            nomination.answers.append(NominationAnswer(criterion=criterion, text=text))
    db.session.flush()
    return nomination


def check_ready_to_submit(nominator, nomination, now=None):
    """Refuse, as submitting would, a nomination that is not the nominator's draft, is incomplete, or comes
    after nominations closed."""
    _refuse_unless_draft(nominator, nomination)
    _refuse_unless_open(nomination.category, now or utcnow())
    _check_answers(nomination.category, {answer.criterion_id: answer.text for answer in nomination.answers}, True)


def submit(nominator, nomination, now=None) -> Nomination:
    """Submit a complete draft before nominations close; the nominator is sent a confirmation."""
    now = now or utcnow()
    check_ready_to_submit(nominator, nomination, now)
    nomination.status = NominationStatus.SUBMITTED
    nomination.submitted_at = now
    db.session.flush()
    queue_email(
        nominator.email,
        "awards/nomination_submitted",
        f"Your nomination for {nomination.category.name}",
        person=nominator,
        nomination=nomination,
        link=absolute_link("awards.my_nominations"),
    )
    return nomination


def _refuse_unless_draft(person, nomination):
    if nomination.nominator_id != person.id:
        raise AwardsError("That nomination is not yours.")
    if nomination.status is not NominationStatus.DRAFT:
        raise AwardsError("This nomination has been submitted, so it can no longer change.")


def delete_draft(person, nomination) -> list:
    """Delete a draft; returns its evidence files, to remove once the deletion has committed."""
    _refuse_unless_draft(person, nomination)
    paths = [evidence_path(evidence) for evidence in nomination.evidence]
    db.session.delete(nomination)
    db.session.flush()
    return paths


def own_nomination(person, nomination_id) -> Nomination | None:
    """The nomination if `person` made it; None otherwise (the view answers 404)."""
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.nominator_id != person.id:
        return None
    return nomination


def nominations_by(person) -> list[Nomination]:
    return db.session.scalars(
        sa.select(Nomination)
        .join(Nomination.category)
        .join(AwardCategory.cycle)
        # The list shows no answers or files; each category's cycle comes with it.
        .options(
            lazyload(Nomination.answers),
            lazyload(Nomination.evidence),
            contains_eager(Nomination.category).contains_eager(AwardCategory.cycle),
        )
        .where(Nomination.nominator_id == person.id)
        .order_by(AwardCycle.year.desc(), Nomination.created_at.desc())
    ).all()


# --- Evidence --------------------------------------------------------------------------------------


def evidence_path(evidence):
    return evidence_files.stored_path(evidence.stored_name)


def add_evidence(person, nomination, upload) -> NominationEvidence:
    """Keep a file as evidence for a draft nomination, after checking its size and, from its content, its type."""
    _refuse_unless_draft(person, nomination)
    if len(nomination.evidence) >= MOST_EVIDENCE_FILES:
        raise AwardsError(
            f"A nomination can have up to {MOST_EVIDENCE_FILES} files: remove one to add another.", field="evidence"
        )
    checked = evidence_files.check_upload(upload)
    evidence = NominationEvidence(**checked.record_values())
    nomination.evidence.append(evidence)
    db.session.flush()
    evidence_files.write_file(checked)
    return evidence


def remove_evidence(person, evidence):
    """Remove a file from a draft; returns its path, to delete once the removal has committed."""
    _refuse_unless_draft(person, evidence.nomination)
    path = evidence_path(evidence)
    evidence.nomination.evidence.remove(evidence)
    db.session.flush()
    return path


def download_name(evidence) -> str:
    return evidence_files.download_name(evidence.original_name, evidence.content_type)
