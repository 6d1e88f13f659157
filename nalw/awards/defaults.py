"""The awards' default categories and criteria, which staff may change before nominations open.

Each criterion is (question, word limit, weight). Weights say what matters most in a category: the
difference made to people counts double wherever it is asked.
"""

from nalw.awards import cycles
from nalw.awards.models import NomineeKind

IMPACT = "What difference has the nominee made to the people they support? Give examples."

DEFAULT_CATEGORIES = (
    (
        "Link Worker of the Year",
        "A link worker whose practice stands out for the people they support and the partners they work with.",
        NomineeKind.MEMBER,
        False,
        (
            (IMPACT, 300, 2),
            ("How does the nominee work with community groups and other services?", 250, 1),
            ("How does the nominee reflect on and develop their practice?", 200, 1),
        ),
    ),
    (
        "Link Worker Manager of the Year",
        "A manager or supervisor who helps link workers do their best work and stay well.",
        NomineeKind.MEMBER,
        False,
        (
            ("How does the nominee support the wellbeing and development of their team?", 300, 2),
            ("How has the nominee improved the service their team offers?", 250, 1),
            ("How does the nominee champion social prescribing beyond their team?", 200, 1),
        ),
    ),
    (
        "Community Group of the Year",
        "A voluntary or community group that link workers refer to and that people value.",
        NomineeKind.COMMUNITY_GROUP,
        True,
        (
            ("What difference does the group make to the people referred to it? Give examples.", 300, 2),
            ("How does the group welcome people and make itself easy to reach?", 250, 1),
            ("How does the group work with link workers and other services?", 200, 1),
        ),
    ),
    (
        "Social Prescribing Team of the Year",
        "A team whose social prescribing service is well run, well connected and valued.",
        NomineeKind.TEAM,
        True,
        (
            ("What difference has the team made to the people it supports? Give evidence.", 300, 2),
            ("How does the team work together and look after its members?", 250, 1),
            ("How has the team built partnerships in its area?", 250, 1),
        ),
    ),
    (
        "Reducing Health Inequalities Award",
        "Work that reaches people most often left out and narrows the gaps in health between groups.",
        NomineeKind.TEAM,
        True,
        (
            ("Which people does the work reach, and how were they left out before?", 300, 2),
            ("What has changed for them? Give evidence.", 300, 2),
            ("What could others learn from this work?", 200, 1),
        ),
    ),
    (
        "Rising Star",
        "A link worker in their first two years of practice who already makes a mark.",
        NomineeKind.MEMBER,
        False,
        (
            (IMPACT, 300, 2),
            ("How has the nominee grown since starting as a link worker?", 250, 1),
            ("What are the nominee's ambitions for their practice?", 150, 1),
        ),
    ),
)


def seed_default_categories(actor, cycle, now=None) -> int:
    """Add each default category the cycle lacks, with its criteria; returns how many were added.
    Safe to repeat, and refused (as any change is) once nominations have opened."""
    existing = {category.name for category in cycle.categories}
    added = 0
    for name, description, nominee_kind, self_nomination_allowed, criteria in DEFAULT_CATEGORIES:
        if name in existing:
            continue
        category = cycles.add_category(
            actor,
            cycle,
            now=now,
            name=name,
            description=description,
            nominee_kind=nominee_kind,
            self_nomination_allowed=self_nomination_allowed,
        )
        for question, word_limit, weight in criteria:
            cycles.add_criterion(actor, category, now=now, question=question, word_limit=word_limit, weight=weight)
        added += 1
    return added
