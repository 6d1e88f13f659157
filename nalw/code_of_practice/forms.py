from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp


class DraftForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired(message="Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    introduction = TextAreaField(
        "Introduction",
        validators=[Length(max=5000, message="Introduction must be 5,000 characters or fewer")],
        description="Shown above the standards on the public page.",
        render_kw={"rows": 4},
    )
    submit = SubmitField("Save draft")


class StandardForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[
            DataRequired(message="Enter a code, like S10"),
            Length(max=10, message="Code must be 10 characters or fewer"),
            Regexp(r"^[A-Za-z0-9.-]+$", message="Code can only use letters, numbers, dots and hyphens, like S10"),
        ],
        description="A short reference members use, like S10.",
    )
    title = StringField(
        "Title",
        validators=[
            DataRequired(message="Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description",
        validators=[
            DataRequired(message="Enter a description of what the standard expects"),
            Length(max=3000, message="Description must be 3,000 characters or fewer"),
        ],
        render_kw={"rows": 4},
    )
    submit = SubmitField("Save standard")
