"""What judges may read of a nomination is declared once: in a blind cycle only the fields marked safe, and
answers with the names, emails and organisation taken out. A new column must be declared to be shown."""

import sqlalchemy as sa

from nalw.awards.fields import (
    HIDDEN,
    NOMINATION_FIELDS,
    NOT_FOR_JUDGES,
    NominationField,
    fields_for_judge,
    text_for_judge,
)
from nalw.awards.models import Nomination
from tests.factories import NominationFactory, PersonFactory


def test_every_nomination_column_is_either_declared_for_judges_or_kept_from_them():
    columns = {column.key for column in sa.inspect(Nomination).column_attrs}
    declared = {field.name for field in NOMINATION_FIELDS}

    assert columns - declared - NOT_FOR_JUDGES == set()


def test_a_field_is_hidden_in_blind_cycles_unless_marked_safe():
    assert NominationField("new", "A new field", lambda nomination: "").blind_safe is False


def test_a_blind_cycle_shows_judges_only_the_safe_fields(app):
    nomination = NominationFactory(
        nominator=PersonFactory(name="Nina Nominator", email="nina@example.org"),
        nominee_name="Priya Raman",
        nominee_email="priya@example.org",
        nominee_organisation="Northgate PCN",
    )

    blind = dict(fields_for_judge(nomination, blind=True))
    open_cycle = dict(fields_for_judge(nomination, blind=False))

    shown = " ".join(blind.values())
    for secret in (
        "Priya",
        "priya@example.org",
        "Northgate PCN",
        "Nina Nominator",
        "nina@example.org",
        "Their manager",
    ):
        assert secret not in shown
    assert blind["Nominee's region"] == "North West" and blind["Category"] == nomination.category.name
    assert open_cycle["Nominee"] == "Priya Raman" and open_cycle["Nominated by"] == "Nina Nominator"


def test_answers_read_by_judges_in_a_blind_cycle_lose_names_emails_and_organisation(app):
    nomination = NominationFactory(
        nominator=PersonFactory(name="Nina Nominator", email="nina@example.org"),
        nominee_name="Priya Raman",
        nominee_email="priya@example.org",
        nominee_organisation="Northgate PCN",
    )
    text = "PRIYA at Northgate PCN (priya@example.org) helped; ask Nina. Raman's work: Priyanka agrees."

    hidden = text_for_judge(nomination, text, blind=True)

    assert hidden == f"{HIDDEN} at {HIDDEN} ({HIDDEN}) helped; ask {HIDDEN}. {HIDDEN}'s work: Priyanka agrees."
    assert text_for_judge(nomination, text, blind=False) == text
