"""Potential conflicts of interest the system suggests to a judge: the same organisation, or the same email
domain except domains anyone can have. A suggestion blocks nothing until the judge declares the conflict or
staff recuse the judge."""

import dataclasses
from collections import defaultdict

import sqlalchemy as sa

from nalw.extensions import db
from nalw.members.models import Membership

# Addresses anyone can have: sharing one of these domains says nothing about working together. nhs.net is
# here too: it is shared by staff of thousands of NHS organisations, so it is no sign of the same employer.
SHARED_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "outlook.co.uk",
        "live.com",
        "live.co.uk",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "aol.co.uk",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "talktalk.net",
        "ntlworld.com",
        "blueyonder.co.uk",
        "tiscali.co.uk",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "gmx.co.uk",
        "mail.com",
        "zoho.com",
        "nhs.net",
    }
)


def _organisation_key(name):
    return " ".join((name or "").casefold().replace("&", "and").split())


def _domain(email):
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    return None if domain in SHARED_EMAIL_DOMAINS else domain


def employers_of(person_ids):
    """person id -> the organisation names from their memberships, as keys for comparing."""
    rows = db.session.execute(
        sa.select(Membership.person_id, Membership.employer_name).where(Membership.person_id.in_(person_ids or [0]))
    )
    employers = defaultdict(set)
    for person_id, employer in rows:
        if _organisation_key(employer):
            employers[person_id].add(_organisation_key(employer))
    return employers


@dataclasses.dataclass(frozen=True)
class NomineeContact:
    """What a suggestion compares, read without loading the whole nomination."""

    nomination_id: int
    nominee_organisation: str
    nominee_email: str | None
    nominator_id: int
    nominator_email: str


def suggested_conflicts(judge, contacts, employers):
    """nomination id -> the reasons a conflict is possible. A suggestion blocks nothing until confirmed.

    Suggested where the judge's organisation (from their membership) is the nominee's or the nominator's, where
    the judge is the nominee or the nominator, or where their email domain is the nominee's or the nominator's,
    except domains anyone can have (`SHARED_EMAIL_DOMAINS`)."""
    judge_organisations = employers.get(judge.id, set())
    judge_domain = _domain(judge.email)
    suggestions = {}
    for contact in contacts:
        reasons = []
        if contact.nominator_id == judge.id or (contact.nominee_email or "").lower() == judge.email.lower():
            reasons.append("You are the nominator or the nominee.")
        if _organisation_key(contact.nominee_organisation) in judge_organisations:
            reasons.append("The nominee's organisation is one you work for.")
        if judge_organisations & employers.get(contact.nominator_id, set()):
            reasons.append("The nominator works for an organisation you work for.")
        if judge_domain and judge_domain == _domain(contact.nominee_email):
            reasons.append(f"The nominee's email address is at {judge_domain}, as yours is.")
        if judge_domain and judge_domain == _domain(contact.nominator_email):
            reasons.append(f"The nominator's email address is at {judge_domain}, as yours is.")
        if reasons:
            suggestions[contact.nomination_id] = reasons
    return suggestions


def contacts_of(nominations):
    return [
        NomineeContact(n.id, n.nominee_organisation, n.nominee_email, n.nominator_id, n.nominator.email)
        for n in nominations
    ]


def conflicts_suggested_for(judge, nomination):
    """The reasons a conflict is possible between this judge and this nomination (empty if none)."""
    employers = employers_of([judge.id, nomination.nominator_id])
    return suggested_conflicts(judge, contacts_of([nomination]), employers).get(nomination.id, [])
