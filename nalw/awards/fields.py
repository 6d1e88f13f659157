"""The one declaration of what a judge may read about a nomination.

Every judge-facing page and download renders a nomination through `fields_for_judge`. In a blind cycle
it gives only the fields marked `blind_safe`, so a field added here later stays hidden from judges in a
blind cycle until someone marks it safe. The answers to the criteria are what judges score, so they are
always shown; in a blind cycle `text_for_judge` hides any name, email or organisation of the nominee or
nominator that a nominator wrote into them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from nalw.awards.models import Nomination

HIDDEN = "[hidden]"


@dataclass(frozen=True)
class NominationField:
    name: str
    label: str
    value: Callable[[Nomination], str]
    # Shown to judges in a blind cycle. False unless someone decides the field cannot identify anyone.
    blind_safe: bool = False


NOMINATION_FIELDS = (
    NominationField("category", "Category", lambda nomination: nomination.category.name, blind_safe=True),
    NominationField("nominee_name", "Nominee", lambda nomination: nomination.nominee_name),
    NominationField(
        "nominee_organisation", "Nominee's organisation", lambda nomination: nomination.nominee_organisation
    ),
    NominationField(
        "nominee_region", "Nominee's region", lambda nomination: nomination.nominee_region.label, blind_safe=True
    ),
    NominationField("nominee_email", "Nominee's email", lambda nomination: nomination.nominee_email or ""),
    NominationField("nominator_name", "Nominated by", lambda nomination: nomination.nominator.name),
    NominationField("nominator_email", "Nominator's email", lambda nomination: nomination.nominator.email),
    NominationField(
        "relationship_to_nominee",
        "Nominator's relationship to the nominee",
        lambda nomination: nomination.relationship_to_nominee,
    ),
    NominationField(
        "is_self_nomination",
        "Self-nomination",
        lambda nomination: "Yes" if nomination.is_self_nomination else "No",
        blind_safe=True,
    ),
)

# Nomination columns that are not about the nominee and never shown to judges as a field: screening and
# results bookkeeping. A test checks every column is either declared above or listed here.
NOT_FOR_JUDGES = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "category_id",
        "nominator_id",
        "status",
        "ineligible_reason",
        "submitted_at",
        "screened_at",
        "screened_by_id",
        "outcome",
        "outcome_chosen_by_id",
        "outcome_chosen_at",
        "result_emailed_at",
    }
)


def fields_for_judge(nomination: Nomination, blind: bool) -> list[tuple[str, str]]:
    """(label, value) pairs a judge may read: in a blind cycle only the blind-safe fields."""
    return [(field.label, field.value(nomination)) for field in NOMINATION_FIELDS if field.blind_safe or not blind]


# What a blind cycle hides inside answers: the people's names (whole and each part), emails, organisation.
NAMES_HIDDEN_IN_ANSWERS = ("nominee_name", "nominator_name")
VALUES_HIDDEN_IN_ANSWERS = ("nominee_organisation", "nominee_email", "nominator_email")
SHORTEST_NAME_PART = 3


def identifying_words(nomination: Nomination) -> list[str]:
    """The names, emails and organisation a blind cycle hides inside answers, longest first."""
    by_name = {field.name: field.value(nomination).strip() for field in NOMINATION_FIELDS}
    words = {by_name[name] for name in VALUES_HIDDEN_IN_ANSWERS + NAMES_HIDDEN_IN_ANSWERS}
    for name in NAMES_HIDDEN_IN_ANSWERS:
        words.update(part for part in re.split(r"[\s,]+", by_name[name]) if len(part) >= SHORTEST_NAME_PART)
    return sorted((word for word in words if word), key=len, reverse=True)


def text_for_judge(nomination: Nomination, text: str, blind: bool) -> str:
    """An answer as a judge reads it: in a blind cycle, with the names, emails and organisation replaced."""
    if not blind:
        return text
    for word in identifying_words(nomination):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", HIDDEN, text, flags=re.IGNORECASE)
    return text
