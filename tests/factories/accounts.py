"""People: accounts as sign-up and role grants leave them."""

import factory

from nalw.accounts.models import Person, RoleGrant
from nalw.accounts.security import hash_password, new_totp_secret
from nalw.core.permissions import Role
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.factories.base import BaseFactory

DEFAULT_PASSWORD = "correct horse battery staple"


class PersonFactory(BaseFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Test Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password_hash = factory.LazyFunction(lambda: hash_password(DEFAULT_PASSWORD))
    email_verified_at = factory.LazyFunction(utcnow)

    class Params:
        two_factor = factory.Trait(
            totp_secret=factory.LazyFunction(new_totp_secret),
            totp_enabled_at=factory.LazyFunction(utcnow),
        )
        unverified = factory.Trait(email_verified_at=None)

    @factory.post_generation
    def roles(person, create, extracted, **kwargs):
        for role in extracted or ():
            person.role_grants.append(RoleGrant(role=role))
        if extracted:
            db.session.flush()


def staff_member(**fields):
    """A member of staff with two-factor on, as staff must have to act."""
    return PersonFactory(roles=[Role.STAFF], two_factor=True, **fields)
