"""Form pieces every domain uses."""

from flask_wtf import FlaskForm
from wtforms import SubmitField


class EmptyForm(FlaskForm):
    """A button that posts: CSRF only."""

    submit = SubmitField("Confirm")


def show_refusal(form, error):
    """Put a service's refusal on the field it names (`error.field`), or on the form as a whole."""
    field = getattr(form, error.field, None) if getattr(error, "field", None) else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
