"""factory_boy factories: test data built the way the app builds it."""

import factory
from factory.alchemy import SQLAlchemyModelFactory

from nalw.accounts.models import Person, RoleGrant
from nalw.accounts.security import hash_password, new_totp_secret
from nalw.core.time import utcnow
from nalw.extensions import db

DEFAULT_PASSWORD = "correct horse battery staple"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


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
