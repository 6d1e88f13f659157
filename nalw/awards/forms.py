"""Awards forms. Each message names the field and says how to put it right."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from nalw.awards.cycles import FIRST_YEAR, HEAVIEST_WEIGHT, LAST_YEAR, LONGEST_WORD_LIMIT
from nalw.awards.models import NominationStatus, NomineeKind
from nalw.awards.nominations import MOST_EVIDENCE_FILES, answer_field
from nalw.awards.screening import LONGEST_REASON
from nalw.awards.words import count_words
from nalw.core.evidence_files import evidence_size_limit
from nalw.core.forms import FilterForm, UkTimeField, choice_field, enum_choices, text_field, whole_number_field
from nalw.core.listing import chosen
from nalw.core.regions import Region


class CycleForm(FlaskForm):
    year = whole_number_field(
        "Year",
        minimum=FIRST_YEAR,
        maximum=LAST_YEAR,
        out_of_range=f"Enter the year of the awards, from {FIRST_YEAR} to {LAST_YEAR}",
        required=True,
    )
    title = text_field(
        "Title",
        max_length=200,
        required="Enter the title, like Link Worker Day Awards 2027",
        description="Shown on the public awards page.",
    )
    nominations_open_at = UkTimeField("Nominations open", message="Enter when nominations open, like 01/02/2027 09:00")
    nominations_close_at = UkTimeField(
        "Nominations close", message="Enter when nominations close, like 31/03/2027 17:00"
    )
    judging_opens_at = UkTimeField("Judging opens", message="Enter when judging opens, like 07/04/2027 09:00")
    judging_closes_at = UkTimeField("Judging closes", message="Enter when judging closes, like 30/04/2027 17:00")
    results_due_on = DateField(
        "Results published by",
        validators=[InputRequired(message="Enter the date the results are due, like 14/07/2027")],
        description="The date we aim to publish the winners; they go public only when staff publish them.",
    )
    blind = BooleanField(
        "Blind judging",
        description="Judges see no nominee's or nominator's name, email or organisation. "
        "This cannot change once nominations open.",
    )
    submit = SubmitField("Save cycle")

    def show(self, cycle):
        self.year.data, self.title.data = cycle.year, cycle.title
        for name in ("nominations_open_at", "nominations_close_at", "judging_opens_at", "judging_closes_at"):
            getattr(self, name).show(getattr(cycle, name))
        self.results_due_on.data, self.blind.data = cycle.results_due_on, cycle.blind

    def cycle_values(self):
        return {
            "year": self.year.data,
            "title": (self.title.data or "").strip(),
            "nominations_open_at": self.nominations_open_at.utc,
            "nominations_close_at": self.nominations_close_at.utc,
            "judging_opens_at": self.judging_opens_at.utc,
            "judging_closes_at": self.judging_closes_at.utc,
            "results_due_on": self.results_due_on.data,
            "blind": bool(self.blind.data),
        }


class CategoryForm(FlaskForm):
    name = text_field("Name", max_length=200, required="Enter the category's name, like Rising Star")
    description = text_field(
        "Description", max_length=2000, rows=3, description="Optional. Shown to nominators and on the awards page."
    )
    nominee_kind = choice_field(
        "Who may be nominated",
        enum_choices(NomineeKind),
        message="Choose who may be nominated: a member, a team or a community group",
        radios=True,
    )
    self_nomination_allowed = BooleanField("Self-nominations allowed")
    submit = SubmitField("Save category")

    def show(self, category):
        self.name.data, self.description.data = category.name, category.description
        self.nominee_kind.data = category.nominee_kind.value
        self.self_nomination_allowed.data = category.self_nomination_allowed

    def category_values(self):
        return {
            "name": (self.name.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "nominee_kind": NomineeKind(self.nominee_kind.data),
            "self_nomination_allowed": bool(self.self_nomination_allowed.data),
        }


class CriterionForm(FlaskForm):
    question = text_field("Question", max_length=500, rows=2, required="Enter the question nominators answer")
    word_limit = whole_number_field(
        "Word limit",
        minimum=1,
        maximum=LONGEST_WORD_LIMIT,
        out_of_range=f"Enter a word limit from 1 to {LONGEST_WORD_LIMIT:,}",
        required=True,
    )
    weight = whole_number_field(
        "Weight",
        minimum=1,
        maximum=HEAVIEST_WEIGHT,
        out_of_range=f"Enter a weight from 1 to {HEAVIEST_WEIGHT}",
        required=True,
        description="How much this criterion counts against the others: a weight of 2 counts double.",
    )
    submit = SubmitField("Save criterion")

    def show(self, criterion):
        self.question.data, self.word_limit.data, self.weight.data = (
            criterion.question,
            criterion.word_limit,
            criterion.weight,
        )

    def criterion_values(self):
        return {
            "question": (self.question.data or "").strip(),
            "word_limit": self.word_limit.data,
            "weight": self.weight.data,
        }


class WordLimit:
    """No more words than the limit, counted as the browser's hint counts them (`words.count_words`)."""

    def __init__(self, limit):
        self.limit = limit

    def __call__(self, _form, field):
        words = count_words(field.data)
        if words > self.limit:
            raise ValidationError(f"This answer has {words} words: shorten it to {self.limit} words or fewer.")


class NominationForm(FlaskForm):
    nominee_name = text_field(
        "Nominee's name",
        max_length=200,
        required="Enter the name of the person, team or group you are nominating",
    )
    nominee_organisation = text_field(
        "Nominee's organisation (optional)", max_length=200, description="Where they work or which body runs them."
    )
    # No region is chosen for the nominator: a silent default would be wrong for most nominees.
    nominee_region = choice_field(
        "Nominee's region",
        enum_choices(Region, placeholder="Choose a region"),
        message="Choose the nominee's region",
    )
    nominee_email = StringField(
        "Nominee's email (optional)",
        validators=[
            Optional(),
            Length(max=254, message="The email must be 254 characters or fewer"),
            Email(message="Enter the nominee's email like name@example.org, or leave it empty"),
        ],
        description="If you know it. We write to the nominee only if they are shortlisted or win.",
    )
    relationship_to_nominee = text_field(
        "Your relationship to the nominee",
        max_length=200,
        required="Say how you know the nominee, for example 'their manager'",
        description="For example: their manager, a colleague, someone they supported.",
    )
    nominating_myself = BooleanField("I am nominating myself")
    evidence = FileField("Add a supporting file (optional)")
    save = SubmitField("Save draft")
    send = SubmitField("Submit nomination")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence.description = (
            f"A PDF, an image or an office document, up to {evidence_size_limit()}. "
            f"Up to {MOST_EVIDENCE_FILES} files in all; "
            "add one at a time, saving the draft each time."
        )

    def show(self, nomination):
        for name in ("nominee_name", "nominee_organisation", "relationship_to_nominee"):
            getattr(self, name).data = getattr(nomination, name)
        self.nominee_region.data = nomination.nominee_region.value
        self.nominee_email.data = nomination.nominee_email or ""
        self.nominating_myself.data = nomination.is_self_nomination
        for answer in nomination.answers:
            field = getattr(self, f"answer_{answer.criterion_id}", None)
            if field is not None:
                field.data = answer.text

    def nominee_values(self):
        return {
            "nominee_name": self.nominee_name.data,
            "nominee_organisation": self.nominee_organisation.data,
            "nominee_region": Region(self.nominee_region.data),
            "nominee_email": self.nominee_email.data,
            "relationship_to_nominee": self.relationship_to_nominee.data,
        }

    def answers(self, category):
        return {criterion.id: getattr(self, answer_field(criterion)).data for criterion in category.criteria}


def nomination_form(category, **kwargs) -> NominationForm:
    """The nomination form of `category`: one answer per criterion, each within its word limit."""

    class CategoryNominationForm(NominationForm):
        pass

    for criterion in category.criteria:
        setattr(
            CategoryNominationForm,
            answer_field(criterion),
            TextAreaField(
                criterion.question,
                validators=[Optional(), WordLimit(criterion.word_limit)],
                description=f"Up to {criterion.word_limit} words.",
                render_kw={"rows": 6, "data-word-limit": criterion.word_limit},
            ),
        )
    return CategoryNominationForm(**kwargs)


class IneligibleForm(FlaskForm):
    reason = text_field(
        "Why is this nomination not eligible?",
        max_length=LONGEST_REASON,
        rows=4,
        required="Give the reason: the nominator is told it",
        description="We email this to the nominator as you write it.",
    )
    submit = SubmitField("Mark not eligible")


def _any(choices):
    return [SelectChoice("", "Any"), *choices]


class ScreeningFilterForm(FilterForm):
    """The screening list's filters, read from the query string; the view passes the cycle's categories."""

    category = SelectField(
        "Category", choices=lambda form, _field: _any(form.categories_offered), validators=[Optional()]
    )
    status = SelectField(
        "Status",
        choices=_any(enum_choices(status for status in NominationStatus if status is not NominationStatus.DRAFT)),
        validators=[Optional()],
    )

    def __init__(self, *args, categories=(), **kwargs):
        self.categories_offered = [SelectChoice(str(category.id), category.name) for category in categories]
        super().__init__(*args, **kwargs)

    def filters(self) -> dict:
        return {
            "category_id": int(self.category.data) if self.category.data else None,
            "status": chosen(self.status, NominationStatus),
        }
