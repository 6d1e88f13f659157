"""Account forms. Every message names the field and says how to put it right."""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from nalw.accounts.services import AccountError, normalise_email
from nalw.core.forms import EmptyForm  # noqa: F401  (re-exported for account views)

COMMON_PASSWORDS = frozenset(
    {
        "password1234",
        "123456789012",
        "qwertyuiop12",
        "passwordpassword",
        "linkworker123",
        "letmeinplease",
        "iloveyou1234",
        "welcome12345",
    }
)


def required(what):
    return DataRequired(message=f"Enter your {what}")


class EmailAddress:
    """Checks the syntax the same way the services do, and keeps the normalised form."""

    def __call__(self, _form, field):
        if not field.data:
            return
        try:
            field.data = normalise_email(field.data)
        except AccountError as error:
            raise ValidationError(error.message)


class NewPassword:
    """Long enough to be strong, without rules about symbols (NCSC guidance)."""

    def __call__(self, form, field):
        password = field.data or ""
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(password) < minimum:
            raise ValidationError(f"Password must be at least {minimum} characters. Try three random words.")
        if len(password) > 128:
            raise ValidationError("Password must be 128 characters or fewer")
        if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
            raise ValidationError("That password is too easy to guess. Try three random words.")
        email = getattr(getattr(form, "email", None), "data", None)
        if email and password.lower() == str(email).lower():
            raise ValidationError("Your password must not be your email address")


def new_password_fields(label="Password"):
    password = PasswordField(
        label,
        validators=[DataRequired(message="Enter a password"), NewPassword()],
        description="At least 12 characters. Three random words make a strong password.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[
            DataRequired(message="Enter the password again to confirm it"),
            EqualTo("password", message="The passwords do not match. Enter the same password twice."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def email_field(label="Email address", description=None, *, someone_elses=None, if_empty=None):
    """An email address, checked and kept in its normal form as the services keep it. `someone_elses`: the
    message when it is left empty, for another person's address (the browser offers none of the user's own);
    `if_empty`: that message for an address of the user's own other than the one they have (a new one)."""
    empty = someone_elses or if_empty
    return EmailField(
        label,
        validators=[
            DataRequired(message=empty) if empty else required("email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            EmailAddress(),
        ],
        description=description,
        render_kw={"autocomplete": "off" if someone_elses else "email", "spellcheck": "false"},
    )


def current_password_field(label="Password", what="password"):
    return PasswordField(label, validators=[required(what)], render_kw={"autocomplete": "current-password"})


class SignUpForm(FlaskForm):
    name = StringField(
        "Full name",
        validators=[required("full name"), Length(max=200, message="Full name must be 200 characters or fewer")],
        description="As you would like it on certificates and the public register.",
        render_kw={"autocomplete": "name"},
    )
    email = email_field(description="We will send a link to confirm it.")
    password, confirm = new_password_fields()
    submit = SubmitField("Create account")


class SignInForm(FlaskForm):
    email = email_field()
    password = current_password_field()
    remember = BooleanField("Keep me signed in on this device for 30 days")
    submit = SubmitField("Sign in")


class TwoFactorForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[
            required("code"),
            Length(max=20, message="The code must be 6 digits, or a recovery code like abcd-efgh-jkmn"),
        ],
        description="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )
    submit = SubmitField("Continue")


class EnableTwoFactorForm(FlaskForm):
    code = StringField(
        "Code from your app",
        validators=[required("6-digit code"), Length(max=10, message="The code must be 6 digits")],
        description="After scanning the QR code, enter the 6-digit code your app shows.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField("Turn on two-factor sign-in")


class DisableTwoFactorForm(FlaskForm):
    password = current_password_field()
    submit = SubmitField("Turn off two-factor sign-in")


class ForgotPasswordForm(FlaskForm):
    email = email_field(description="The address you signed up with.")
    submit = SubmitField("Send reset link")


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields("New password")
    submit = SubmitField("Set new password")


class ChangePasswordForm(FlaskForm):
    current_password = current_password_field("Current password", "current password")
    password, confirm = new_password_fields("New password")
    submit = SubmitField("Change password")


class ChangeEmailForm(FlaskForm):
    email = email_field(
        "New email address",
        description="We will send a link to this address; the change happens when you follow it.",
        if_empty="Enter your new email address",
    )
    password = current_password_field()
    submit = SubmitField("Send confirmation link")


class EraseAccountForm(FlaskForm):
    confirm = StringField(
        "Type ERASE to confirm",
        validators=[required("confirmation")],
        description="This cannot be undone.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    password = current_password_field()
    submit = SubmitField("Erase my personal data")

    def validate_confirm(self, field):
        if (field.data or "").strip() != "ERASE":
            raise ValidationError("Type ERASE in capital letters to confirm")
