"""What every factory shares: rows go into the test's session and are flushed, never committed."""

from factory.alchemy import SQLAlchemyModelFactory

from nalw.extensions import db


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"
