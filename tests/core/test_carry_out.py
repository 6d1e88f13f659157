"""The one way a view carries out a service call: commit on success, roll back and show the refusal on failure."""

import pytest
from flask import get_flashed_messages
from wtforms import Form, StringField

from nalw.accounts.models import Person
from nalw.core.errors import DomainError
from nalw.core.forms import carry_out
from nalw.extensions import db
from tests.factories import PersonFactory


class NameForm(Form):
    name = StringField("Name")


class NamedRefusal(DomainError):
    field = "name"


def test_a_change_that_succeeds_is_committed(app):
    with carry_out(NameForm()) as call:
        PersonFactory(email="kept@example.org")
    db.session.rollback()  # anything not committed goes

    assert call.succeeded
    assert db.session.scalar(db.select(Person).filter_by(email="kept@example.org")) is not None


def test_a_refusal_rolls_back_everything_and_shows_the_message_at_its_field(app):
    form = NameForm()
    with carry_out(form) as call:
        PersonFactory(email="half-saved@example.org")
        raise DomainError("Enter the name as it appears on your ID", field="name")

    assert not call.succeeded
    assert form.name.errors == ["Enter the name as it appears on your ID"]
    assert db.session.scalar(db.select(Person).filter_by(email="half-saved@example.org")) is None


def test_a_refusal_may_carry_its_field_on_the_class(app):
    form = NameForm()
    with carry_out(form):
        raise NamedRefusal("Enter a name")

    assert form.name.errors == ["Enter a name"]


def test_a_refusal_without_a_field_goes_on_the_form_as_a_whole(app):
    form = NameForm()
    with carry_out(form):
        raise DomainError("Booking has closed")

    assert form.form_errors == ["Booking has closed"]
    assert not form.name.errors


def test_a_refusal_without_a_form_is_a_banner(app):
    with app.test_request_context("/"):
        with carry_out() as call:
            raise DomainError("This application has already been decided")
        assert not call.succeeded
        assert get_flashed_messages(with_categories=True) == [("danger", "This application has already been decided")]


def test_other_errors_are_not_swallowed(app):
    with pytest.raises(ZeroDivisionError), carry_out(NameForm()):
        raise ZeroDivisionError("not a rule of ours")
