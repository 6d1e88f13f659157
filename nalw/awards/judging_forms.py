"""Forms of judging and results: declaring a conflict, the score sheet, and staff's assignments, recusals,
conflicts withdrawn, reopening and outcomes."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SubmitField
from wtforms.validators import InputRequired, NumberRange

from nalw.awards.judging import COMMENT_MAX_LENGTH
from nalw.awards.models import HIGHEST_SCORE, LOWEST_SCORE, AwardOutcome
from nalw.core.forms import WholeNumberField, choice_field, enum_choices, text_field

NO_CONFLICT, CONFLICT = "none", "conflict"
NO_OUTCOME = "none"
MAX_REOPEN_DAYS = 30


class DeclarationForm(FlaskForm):
    declaration = choice_field(
        "Do you have a conflict of interest with this nomination?",
        [
            SelectChoice(NO_CONFLICT, "No, I have no conflict of interest"),
            SelectChoice(CONFLICT, "Yes, I have a conflict of interest"),
        ],
        message="Choose whether you have a conflict of interest with this nomination",
        radios=True,
        description="A conflict is any link that could make you, or others, doubt your judgement: you know the "
        "nominee or nominator, work with them, or have worked with them.",
    )
    note = text_field(
        "What is the conflict?",
        max_length=1000,
        rows=3,
        description="Only if you have one. The awards team reads this; nobody else does.",
    )
    submit = SubmitField("Save my declaration")

    @property
    def conflicted(self):
        return self.declaration.data == CONFLICT


def score_field_name(criterion):
    return f"score_{criterion.id}"


def comment_field_name(criterion):
    return f"comment_{criterion.id}"


def score_sheet_form(criteria, scores):
    """A form with a score and a comment for each criterion, filled with the judge's own scores so far."""
    scale = f"a whole number from {LOWEST_SCORE} to {HIGHEST_SCORE}"

    class ScoreSheetForm(FlaskForm):
        submit = SubmitField("Save my scores")

        def entries(self):
            """criterion id -> (score, comment) as the service takes them."""
            return {
                criterion.id: (
                    self[score_field_name(criterion)].data,
                    self[comment_field_name(criterion)].data or "",
                )
                for criterion in criteria
            }

    for position, criterion in enumerate(criteria, start=1):
        message = f"Give criterion {position} a score, {scale}"
        setattr(
            ScoreSheetForm,
            score_field_name(criterion),
            WholeNumberField(
                f"Score for criterion {position}",
                validators=[InputRequired(message=message), NumberRange(LOWEST_SCORE, HIGHEST_SCORE, message)],
                description=f"{LOWEST_SCORE} (no evidence of this) to {HIGHEST_SCORE} (outstanding).",
                render_kw={"min": LOWEST_SCORE, "max": HIGHEST_SCORE, "inputmode": "numeric"},
            ),
        )
        setattr(
            ScoreSheetForm,
            comment_field_name(criterion),
            text_field(
                f"Comment on criterion {position}",
                max_length=COMMENT_MAX_LENGTH,
                required=f"Write a comment on criterion {position} saying why you gave that score",
                rows=3,
                description="Why this score: the awards team reads it, other judges do not.",
            ),
        )
    data = {}
    for criterion_id, score in scores.items():
        data[f"score_{criterion_id}"] = score.score
        data[f"comment_{criterion_id}"] = score.comment
    return ScoreSheetForm(data=data)


class AssignJudgeForm(FlaskForm):
    judge = choice_field(
        "Judge", lambda form, _field: form.judges_offered, message="Choose a judge from the list", coerce=int
    )
    category = choice_field(
        "Category", lambda form, _field: form.categories_offered, message="Choose a category from the list", coerce=int
    )
    submit = SubmitField("Assign judge")

    def __init__(self, *args, judges=(), categories=(), **kwargs):
        """`judges`: the people with the judge role; `categories`: the cycle's."""
        self.judges_offered = [SelectChoice(judge.id, f"{judge.name} ({judge.email})") for judge in judges]
        self.categories_offered = [SelectChoice(category.id, category.name) for category in categories]
        super().__init__(*args, **kwargs)


class _NominationJudgeForm(FlaskForm):
    """A staff action on one judge of a nomination, with the reason for the record. `judges`: those it may be."""

    def __init__(self, *args, judges=(), **kwargs):
        self.judges_offered = [SelectChoice(judge.id, judge.name) for judge in judges]
        super().__init__(*args, **kwargs)


def _judge_of_nomination(label, message):
    return choice_field(label, lambda form, _field: form.judges_offered, message=message, coerce=int)


def _reason_for_the_record(required, description):
    return text_field("Reason", max_length=1000, required=required, rows=2, description=description)


class RecusalForm(_NominationJudgeForm):
    """`judges`: the judges of the nomination's category."""

    judge = _judge_of_nomination("Judge to recuse", "Choose the judge to recuse")
    reason = _reason_for_the_record(
        "Give the reason for recusing the judge, for the record",
        "For the record: for example, a conflict the system suggested and you confirmed.",
    )
    submit = SubmitField("Recuse judge")


class WithdrawConflictForm(_NominationJudgeForm):
    """`judges`: the judges who declared a conflict with the nomination."""

    judge = _judge_of_nomination(
        "Judge whose conflict to withdraw", "Choose the judge whose conflict of interest to withdraw"
    )
    reason = _reason_for_the_record(
        "Give the reason for withdrawing the conflict, for the record",
        "For the record: for example, the judge declared it on the wrong nomination. The judge must declare again "
        "before opening the nomination.",
    )
    submit = SubmitField("Withdraw conflict")


class ReopenJudgingForm(FlaskForm):
    days = WholeNumberField(
        "Reopen judging for how many days?",
        validators=[
            InputRequired(message=f"Enter a number of days from 1 to {MAX_REOPEN_DAYS}"),
            NumberRange(1, MAX_REOPEN_DAYS, message=f"Enter a number of days from 1 to {MAX_REOPEN_DAYS}"),
        ],
        description="Judges can change their scores until then. The change is recorded in the audit log.",
    )
    submit = SubmitField("Reopen judging")


class OutcomeForm(FlaskForm):
    outcome = choice_field(
        "Outcome",
        [SelectChoice(NO_OUTCOME, "No award"), *enum_choices(AwardOutcome)],
        message="Choose the outcome: winner, Highly Commended or no award",
    )
    submit = SubmitField("Save outcome")

    @property
    def chosen(self):
        return None if self.outcome.data == NO_OUTCOME else AwardOutcome(self.outcome.data)
