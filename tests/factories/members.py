"""Tiers, applications and memberships, built through the members services as people and staff build them."""

import datetime as dt

import factory
import sqlalchemy as sa

from nalw.accounts.security import make_link_token
from nalw.code_of_practice import services as code_services
from nalw.core.regions import Region
from nalw.core.time import london_today
from nalw.extensions import db
from nalw.members import organisations, services
from nalw.members.models import EmployerType, Membership, MembershipStatus, Organisation, Tier
from tests.factories.accounts import PersonFactory, staff_member
from tests.factories.payments import pay_by_invoice

S = MembershipStatus


def tier_named(name) -> Tier:
    """One of the tiers the app seeds: Link Worker, Associate, Student or Trainee, Organisation."""
    return db.session.scalar(sa.select(Tier).where(Tier.name == name))


def link_worker_tier() -> Tier:
    return tier_named("Link Worker")


def organisation_tier() -> Tier:
    return tier_named("Organisation")


def application_answers(**overrides):
    """The application form as a person fills it in; a value of None leaves the field out."""
    answers = {
        "job_title": "Social Prescribing Link Worker",
        "employer_name": "Riverside PCN",
        "employer_type": "gp_practice_or_pcn",
        "region": "yorkshire_and_the_humber",
        "years_in_role": "3",
        "code_version_id": str(code_services.current_version().id),
        "accept_code": "y",
        "register_consent": "y",
    }
    answers.update(overrides)
    return {name: value for name, value in answers.items() if value is not None}


def service_answers(**overrides):
    """The application answers as `services.apply` takes them."""
    answers = {
        "job_title": "Social Prescribing Link Worker",
        "employer_name": "Riverside PCN",
        "employer_type": EmployerType.GP_PRACTICE_OR_PCN,
        "region": Region.YORKSHIRE_AND_THE_HUMBER,
        "years_in_role": 3,
        "register_consent": True,
        "news_consent": False,
    }
    answers.update(overrides)
    return answers


# How a membership that was approved reaches each later status, one allowed transition at a time.
_STEPS_AFTER_APPROVAL = {
    S.ACTIVE: (),
    S.GRACE: ((S.GRACE, "Expired"),),
    S.LAPSED: ((S.GRACE, "Expired"), (S.LAPSED, "Not renewed")),
    S.SUSPENDED: ((S.SUSPENDED, "Suspended by staff"),),
}


class MembershipFactory(factory.Factory):
    """A membership that got where it is the way a real one does, through the services.

    The person applies (accepting the current code of practice); for `paid` and beyond, staff
    record the fee received by invoice; for `active` (the default) and beyond, staff approve it.
    Traits take it further: `grace`, `lapsed`, `suspended`, `resigned`; `long_standing` joined 400 days ago.

        MembershipFactory()                                  # active Link Worker membership
        MembershipFactory(applied=True, tier=organisation_tier(), organisation_name="Riverside PCN")
        MembershipFactory(person=person, expires_on=day)     # dates moved for the scenario
        MembershipFactory(long_standing=True, person__name="Priya Shah", region=Region.LONDON)

    Any application answer (`region`, `register_consent`, `employer_name`...) can be given by name.
    """

    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)  # or `person__name="Priya Shah"`
    tier = factory.LazyFunction(link_worker_tier)
    status = S.ACTIVE
    staff = None  # who records the fee and approves: a new member of staff unless given
    organisation_name = None
    started_on = None
    expires_on = None
    joined_days_ago = None

    job_title = "Social Prescribing Link Worker"
    employer_name = "Riverside PCN"
    employer_type = EmployerType.GP_PRACTICE_OR_PCN
    region = Region.YORKSHIRE_AND_THE_HUMBER
    years_in_role = 3
    register_consent = True
    news_consent = False

    class Params:
        long_standing = factory.Trait(joined_days_ago=400)  # a member since before this CPD year
        applied = factory.Trait(status=S.APPLIED)
        paid = factory.Trait(status=S.PAID)
        grace = factory.Trait(status=S.GRACE)
        lapsed = factory.Trait(status=S.LAPSED)
        suspended = factory.Trait(status=S.SUSPENDED)
        resigned = factory.Trait(status=S.RESIGNED)

    @classmethod
    def _create(
        cls,
        model_class,
        *,
        person,
        tier,
        status,
        staff,
        organisation_name,
        started_on,
        expires_on,
        joined_days_ago,
        **answers,
    ):
        membership = services.apply(
            person,
            tier,
            answers=answers,
            code_version_id=code_services.current_version().id,
            accepted_code=True,
            organisation_name=organisation_name,
        )
        if status is S.APPLIED:
            return membership
        staff = staff or staff_member()
        pay_by_invoice(staff, membership)
        if status is S.PAID:
            return membership
        services.approve(staff, membership)
        if expires_on is not None:
            membership.expires_on = expires_on
            membership.started_on = started_on or services.add_years(expires_on, -1) + dt.timedelta(days=1)
        elif started_on is not None:
            membership.started_on = started_on
        if joined_days_ago is not None:
            membership.started_on = london_today() - dt.timedelta(days=joined_days_ago)
        if status is S.RESIGNED:
            services.resign(membership.person, membership, "Changing career")
        for to_status, reason in _STEPS_AFTER_APPROVAL.get(status, ()):
            services.change_status(membership, to_status, reason=reason)
        db.session.flush()
        return membership

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("A membership is made through the services: use MembershipFactory(), not .build().")


def seat_in(organisation_membership, person=None, **answers) -> Membership:
    """A seat of the organisation whose own membership this is, taken as a link worker takes one: its admin
    invites them and they accept through the invitation's link. `person` is a new person unless given."""
    organisation = db.session.get(Organisation, organisation_membership.organisation_id)
    person = person or PersonFactory()
    invitation = organisations.invite(organisation_membership.person, organisation, person.email)
    return organisations.accept(
        person,
        make_link_token("seat-invitation", {"invitation": invitation.id}),
        answers=service_answers(**answers),
        code_version_id=code_services.current_version().id,
        accepted_code=True,
    )


def organisation_membership(name="Riverside PCN", admin="Olu Organisation", **fields) -> Membership:
    """An organisation's own membership (approved and paid unless `fields` say otherwise), held by its admin,
    a new person named `admin`."""
    return MembershipFactory(
        person=PersonFactory(name=admin), tier=organisation_tier(), organisation_name=name, **fields
    )


def organisation_of(membership) -> Organisation:
    """The organisation whose own membership (or seat) `membership` is."""
    return db.session.get(Organisation, membership.organisation_id)
