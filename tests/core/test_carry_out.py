"""The one way a view carries out a service call: commit on success, roll back and show the refusal on failure;
the same for a one-button form, and for a page that asks before it deletes records and their files."""

import pytest
from flask import get_flashed_messages
from wtforms import Form, StringField

from nalw.accounts.models import Person
from nalw.core.errors import DomainError
from nalw.core.evidence_files import delete_when_confirmed
from nalw.core.forms import EmptyForm, carry_out, carry_out_button
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


def test_a_pressed_button_commits_the_change_and_says_it_is_done(app):
    with app.test_request_context("/", method="POST"):
        pressed = carry_out_button(lambda: PersonFactory(email="pressed@example.org"), done="Saved.")
        db.session.rollback()  # anything not committed goes

        assert pressed
        assert get_flashed_messages(with_categories=True) == [("success", "Saved.")]
        assert db.session.scalar(db.select(Person).filter_by(email="pressed@example.org")) is not None


def test_a_buttons_message_may_be_made_from_what_the_service_returned(app):
    with app.test_request_context("/", method="POST"):
        carry_out_button(lambda: 3, done=lambda added: f"Added {added} default categories.")

        assert get_flashed_messages(with_categories=True) == [("success", "Added 3 default categories.")]


def test_a_refused_button_rolls_back_and_shows_only_the_refusal(app):
    def refused():
        PersonFactory(email="half-saved@example.org")
        raise DomainError("This application has already been decided")

    with app.test_request_context("/", method="POST"):
        pressed = carry_out_button(refused, done="Saved.")

        assert not pressed
        assert get_flashed_messages(with_categories=True) == [("danger", "This application has already been decided")]
        assert db.session.scalar(db.select(Person).filter_by(email="half-saved@example.org")) is None


def test_a_button_that_was_not_posted_changes_nothing(app):
    calls = []
    with app.test_request_context("/", method="GET"):
        pressed = carry_out_button(lambda: calls.append("called"), done="Saved.")

        assert not pressed
        assert calls == []
        assert get_flashed_messages() == []


def _kept_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"evidence")
    return path


def test_a_confirmed_delete_removes_the_files_once_the_records_are_gone(app, tmp_path):
    paths = [_kept_file(tmp_path, "one.pdf"), _kept_file(tmp_path, "two.pdf")]
    with app.test_request_context("/", method="POST"):
        form = EmptyForm()
        deleted = delete_when_confirmed(form, lambda: paths)

        assert deleted
        assert not any(path.exists() for path in paths)


def test_a_refused_delete_keeps_every_file_and_shows_why_on_the_page(app, tmp_path):
    path = _kept_file(tmp_path, "kept.pdf")

    def refused():
        PersonFactory(email="half-deleted@example.org")
        raise DomainError("Only a draft can be deleted")

    with app.test_request_context("/", method="POST"):
        form = EmptyForm()
        deleted = delete_when_confirmed(form, refused)

        assert not deleted
        assert path.exists()
        assert form.form_errors == ["Only a draft can be deleted"]
        assert db.session.scalar(db.select(Person).filter_by(email="half-deleted@example.org")) is None


def test_the_page_that_asks_before_deleting_deletes_nothing(app, tmp_path):
    path = _kept_file(tmp_path, "kept.pdf")
    with app.test_request_context("/", method="GET"):
        assert not delete_when_confirmed(EmptyForm(), lambda: [path])
        assert path.exists()
