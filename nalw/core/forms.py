"""Form pieces every domain uses, and the one way a view carries out a service call (`carry_out`, and
`carry_out_button` for a form that is one button)."""

import contextlib
from dataclasses import dataclass

from flask import flash
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from nalw.core.errors import DomainError
from nalw.core.time import london_to_utc, to_london
from nalw.extensions import db


class EmptyForm(FlaskForm):
    """A button that posts: CSRF only."""

    submit = SubmitField("Confirm")


class FilterForm(FlaskForm):
    """A list's filters, read from the query string: a GET changes nothing, so it carries no CSRF token. A list
    of `nalw/core/listing.py` asks `filters()` for its query's keyword arguments (a filter left empty is None, so
    the query leaves it out)."""

    class Meta:
        csrf = False

    def filters(self) -> dict:
        raise NotImplementedError


class WholeNumberField(IntegerField):
    """A whole number, checked by the field's NumberRange. Text that is not a whole number gets the range's
    message, which names the field and says what to enter, instead of WTForms' "Not a valid integer value."."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


UK_TIME_FORMAT = "%Y-%m-%dT%H:%M"


class UkTimeField(DateTimeLocalField):
    """A date and time typed in UK time, read as aware UTC in `utc` (None when blank or not a time)."""

    def __init__(self, label, *, message, **kwargs):
        kwargs.setdefault("description", "UK time.")
        super().__init__(label, format=UK_TIME_FORMAT, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, _form):
        if self.data is None:  # blank, or not a date and time
            raise StopValidation(self.message)

    @property
    def utc(self):
        return london_to_utc(self.data) if self.data else None

    def show(self, moment):
        self.data = to_london(moment).replace(tzinfo=None) if moment else None


def text_field(
    label, *, max_length, required=None, too_long=None, checks=(), rows=None, render_kw=None, **field_options
):
    """A text field (a text area when `rows` is given) whose messages name it and say what to do: `required` is
    the message when it is left empty (None: it may be left empty); `too_long` defaults to
    "<label> must be <max_length> characters or fewer"; `checks` are further validators."""
    too_long = too_long or f"{label} must be {max_length:,} characters or fewer"
    validators = [
        DataRequired(message=required) if required else Optional(),
        Length(max=max_length, message=too_long),
        *checks,
    ]
    if rows:
        render_kw = {"rows": rows, **(render_kw or {})}
    field_class = TextAreaField if rows else StringField
    return field_class(label, validators=validators, render_kw=render_kw, **field_options)


def whole_number_field(label, *, minimum, maximum, out_of_range, required=None, **field_options):
    """A whole number from `minimum` to `maximum`: `out_of_range` names the field and the range; `required` is
    the message when it is left empty (True: the same message; None: it may be left empty)."""
    required = out_of_range if required is True else required
    validators = [
        InputRequired(message=required) if required else Optional(),
        NumberRange(min=minimum, max=maximum, message=out_of_range),
    ]
    render_kw = {"inputmode": "numeric", **field_options.pop("render_kw", {})}
    return WholeNumberField(label, validators=validators, render_kw=render_kw, **field_options)


def search_field(label, *, description, max_length=100):
    """The free-text box of a list's filters: optional, and its length checked."""
    return text_field(
        label, max_length=max_length, too_long=f"Search for at most {max_length} characters", description=description
    )


def enum_choices(members, placeholder=None):
    """A select's choices from a labelled enum (or any of its members), after an empty `placeholder` if given."""
    choices = [SelectChoice(member.value, member.label) for member in members]
    return [SelectChoice("", placeholder), *choices] if placeholder else choices


def any_or_one_of(label, choices, *, any_label, description=None):
    """A choice that may be left at "any" (or "none": `any_label`, the empty first option), as a list's filter or
    an optional field. `choices` may be a callable `(form, field)` for choices read when the form is built."""
    first = SelectChoice("", any_label)
    return SelectField(
        label,
        choices=(lambda form, field: [first, *choices(form, field)]) if callable(choices) else [first, *choices],
        validators=[Optional()],
        invalid_choice_message=f"Choose {label.lower()} from the list",
        description=description,
    )


def choice_field(label, choices, *, message, radios=False, **field_options):
    """A required choice among `choices`, as a select (or radios): `message` says what to choose, both when
    nothing is chosen and when what came back is not one offered."""
    field_class = RadioField if radios else SelectField
    return field_class(
        label,
        choices=choices,
        validators=[InputRequired(message=message)],
        invalid_choice_message=message,
        **field_options,
    )


def show_refusal(form, error):
    """Put a service's refusal on the field it names (`error.field`), or on the form as a whole."""
    field = getattr(form, error.field, None) if getattr(error, "field", None) else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def validate_all(form, refusals_of) -> bool:
    """Every problem at once: the form's own checks, then the domain rules on whatever was read
    (`refusals_of()` gives DomainErrors), each shown at its field unless the form already said something
    there. True when there is nothing to put right."""
    form.validate()
    for refusal in refusals_of():
        if not getattr(form, refusal.field).errors:
            show_refusal(form, refusal)
    return not form.errors


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


def carry_out_button(action, done) -> bool:
    """What a one-button form (an `EmptyForm`: its CSRF token only) does when it is posted: carry out
    `action()` as `carry_out` does, a refusal shown as a banner; once the change is committed, flash `done` as
    a success. `done` is the message, or a function of what `action` returned that gives it (read after the
    commit). True when the change was committed; the view then redirects either way.

        carry_out_button(lambda: programme.publish_event(current_user, event), done=f"{event.title} is published.")
        return redirect(url_for("events.staff_event", event_id=event.id))
    """
    if not EmptyForm().validate_on_submit():
        return False
    with carry_out() as call:
        result = action()
    if call.succeeded:
        flash(done(result) if callable(done) else done, "success")
    return call.succeeded
