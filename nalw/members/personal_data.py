"""What membership holds about a person, for their data download and for erasure.

Erasure keeps the membership record (number, dates, payments, CPD declared at renewal: the body's
financial and audit record) but blanks what the application said, takes the person off the register,
ends a current membership and blanks their address on any invitation to an organisation's seat.

An organisation's own membership is the organisation's: erasure is refused while the person runs one that is
current (its seats hang on it; staff hand it to a colleague first), and leaves one that ended as it is but
for the job title its applicant gave about themselves.
"""

import sqlalchemy as sa

from nalw.core.contact import contact_us_text
from nalw.core.personal_data import ERASED, as_iso, erasure_refusal, personal_data_eraser, personal_data_exporter
from nalw.core.time import utcnow
from nalw.extensions import db
from nalw.members.directory import declarations_of
from nalw.members.models import Membership, MembershipStatus, SeatInvitation, SeatStatus
from nalw.members.organisations import organisations_run_by
from nalw.members.services import ALLOWED_TRANSITIONS, change_status


def _memberships(person):
    return db.session.scalars(
        sa.select(Membership).where(Membership.person_id == person.id).order_by(Membership.id)
    ).all()


@personal_data_exporter("memberships")
def export_memberships(person):
    memberships = _memberships(person)
    declarations = {}
    for declaration in declarations_of([membership.id for membership in memberships]):
        declarations.setdefault(declaration.membership_id, []).append(declaration)
    return [
        {
            "tier": membership.tier.name,
            "status": membership.status.value,
            "number": membership.number,
            "started_on": as_iso(membership.started_on),
            "expires_on": as_iso(membership.expires_on),
            "job_title": membership.job_title,
            "employer": membership.employer_name,
            "employer_type": membership.employer_type.value,
            "region": membership.region.value,
            "years_in_role": membership.years_in_role,
            "code_of_practice_accepted_at": membership.code_accepted_at.isoformat(),
            "on_public_register": membership.register_consent,
            "news_emails": membership.news_consent,
            "consents_given_or_changed_at": membership.consents_changed_at.isoformat(),
            "automatic_renewal": membership.auto_renew,
            "cpd_declared_at_renewal": [
                {
                    "cpd_year_starting": declaration.cpd_year_starts_on.isoformat(),
                    "met_requirement": declaration.met_requirement,
                    "hours_required": declaration.hours_required,
                    "declared_at": declaration.declared_at.isoformat(),
                }
                for declaration in declarations.get(membership.id, [])
            ],
        }
        for membership in memberships
    ]


@erasure_refusal
def refuse_while_running_an_organisation(person):
    running = organisations_run_by(person)
    if not running:
        return None
    return (
        f"You run {running[0].name}'s membership for its link workers. "
        f"{contact_us_text(capital=True)} to hand it to a colleague, then erase your account."
    )


@personal_data_eraser
def erase_memberships(person):
    for membership in _memberships(person):
        if membership.for_organisation:
            # The organisation's: its status, dates, name and renewal stay (erasure is refused while it is
            # current: `refuse_while_running_an_organisation`); only the applicant's own job title goes.
            membership.job_title = ERASED
            continue
        if membership.is_current and MembershipStatus.RESIGNED in ALLOWED_TRANSITIONS[membership.status]:
            change_status(
                membership,
                MembershipStatus.RESIGNED,
                actor=person,
                reason="Personal data erased at the member's request",
            )
        membership.job_title = ERASED
        membership.employer_name = ERASED
        if membership.register_consent or membership.news_consent:
            membership.register_consent = False
            membership.news_consent = False
            membership.consents_changed_at = utcnow()
        membership.auto_renew = False
    for invitation in _invitations_to(person):
        if invitation.status is SeatStatus.INVITED:
            invitation.status = SeatStatus.CANCELLED
        invitation.email = ERASED
    db.session.flush()


def _invitations_to(person):
    return db.session.scalars(
        sa.select(SeatInvitation).where(sa.func.lower(SeatInvitation.email) == person.email.lower())
    ).all()
