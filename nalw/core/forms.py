"""Form pieces every domain uses."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField


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
