from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import Regexp

from nalw.core.forms import text_field


class DraftForm(FlaskForm):
    title = text_field("Title", max_length=200, required="Enter a title")
    introduction = text_field(
        "Introduction", max_length=5000, rows=4, description="Shown above the standards on the public page."
    )
    submit = SubmitField("Save draft")


class StandardForm(FlaskForm):
    code = text_field(
        "Code",
        max_length=10,
        required="Enter a code, like S10",
        checks=[Regexp(r"^[A-Za-z0-9.-]+$", message="Code can only use letters, numbers, dots and hyphens, like S10")],
        description="A short reference members use, like S10.",
    )
    title = text_field("Title", max_length=200, required="Enter a title")
    description = text_field(
        "Description", max_length=3000, rows=4, required="Enter a description of what the standard expects"
    )
    submit = SubmitField("Save standard")
