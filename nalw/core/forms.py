"""Form pieces every domain uses, and the one way a view carries out a service call."""

import contextlib
from dataclasses import dataclass

from flask import flash
from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField

from nalw.core.errors import DomainError
from nalw.extensions import db


class EmptyForm(FlaskForm):
    """A button that posts: CSRF only."""

    submit = SubmitField("Confirm")


class WholeNumberField(IntegerField):
    """A whole number, checked by the field's NumberRange. Text that is not a whole number gets the range's
    message, which names the field and says what to enter, instead of WTForms' "Not a valid integer value."."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


def show_refusal(form, error):
    """Put a service's refusal on the field it names (`error.field`), or on the form as a whole."""
    field = getattr(form, error.field, None) if getattr(error, "field", None) else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@dataclass
class ServiceCall:
    """What `carry_out` tells the view: whether the change was committed."""

    succeeded: bool = False


@contextlib.contextmanager
def carry_out(form=None):
    """One request's change, done once: commit when the block finishes; when a rule refuses it (a
    `DomainError`), roll everything back and show the message at its field of `form`, on the form as a
    whole, or (with no form) as a banner on the next page. Other exceptions pass through to the error page.

        with carry_out(form) as call:
            entry = services.log_entry(current_user, **form.entry_values())
        if call.succeeded:
            flash("Entry saved.", "success")
            return redirect(url_for("cpd.edit_entry", entry_id=entry.id))
        return render_template("cpd/entry.html", form=form)
    """
    call = ServiceCall()
    try:
        yield call
    except DomainError as error:
        db.session.rollback()
        if form is None:
            flash(error.message, "danger")
        else:
            show_refusal(form, error)
    else:
        db.session.commit()
        call.succeeded = True
