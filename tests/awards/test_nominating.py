"""A signed-in person nominates: a draft, then a submission before the close, each answer within its word
limit, self-nomination only where allowed, evidence checked by its content; they see their nominations."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from werkzeug.datastructures import FileStorage

from nalw.awards import nominations
from nalw.awards.errors import AwardsError, NominationsClosed
from nalw.awards.models import Nomination, NominationEvidence, NominationStatus
from nalw.awards.words import count_words
from nalw.core.evidence_files import EvidenceRefused
from nalw.extensions import db
from tests.factories import (
    AwardCategoryFactory,
    NominationFactory,
    PersonFactory,
    answers_for,
    elf_file,
    nominee_values,
    pdf_file,
)
from tests.factories.awards import TRICKY_WORD_COUNTS
from tests.helpers import emails_to, page_text, sign_in
from tests.members.steps import errors_on_field


def nomination_form(category, **overrides):
    data = {
        "nominee_name": "Priya Raman",
        "nominee_organisation": "Northgate Primary Care Network",
        "nominee_region": "north_west",
        "nominee_email": "",
        "relationship_to_nominee": "Their manager",
    }
    for criterion in category.criteria:
        data[f"answer_{criterion.id}"] = "She listens, then finds the group that fits."
    data.update(overrides)
    return data


def upload(content, name):
    return FileStorage(stream=io.BytesIO(content), filename=name)


def nominations_in_database():
    return db.session.scalars(sa.select(Nomination)).all()


@pytest.mark.parametrize(("text", "words"), TRICKY_WORD_COUNTS)
def test_words_are_counted_between_separators_and_need_a_letter_or_digit(text, words):
    assert count_words(text) == words


def test_a_person_saves_a_draft_then_submits_it_and_is_emailed(client):
    category = AwardCategoryFactory(weights=(2, 1, 1))
    nominator = PersonFactory()
    sign_in(client, nominator)

    response = client.post(
        f"/awards/categories/{category.id}/nominate", data={**nomination_form(category), "save": "1"}
    )

    nomination = nominations_in_database()[0]
    assert response.status_code == 302 and response.location.endswith(f"/awards/nominations/{nomination.id}")
    assert nomination.status is NominationStatus.DRAFT and nomination.submitted_at is None
    assert nomination.nominator_id == nominator.id and len(nomination.answers) == 3

    response = client.post(f"/awards/nominations/{nomination.id}", data={**nomination_form(category), "send": "1"})

    assert response.status_code == 302
    assert nomination.status is NominationStatus.SUBMITTED and nomination.submitted_at is not None
    assert [message.template for message in emails_to(nominator.email)] == ["awards/nomination_submitted"]
    page = page_text(client.get("/awards/my-nominations"))
    assert "Priya Raman" in page and "Submitted, waiting for screening" in page


def test_an_answer_over_its_word_limit_is_refused_at_its_field_and_nothing_is_saved(client):
    category = AwardCategoryFactory(weights=(1,), word_limit=5)
    sign_in(client, PersonFactory())
    criterion = category.criteria[0]

    response = client.post(
        f"/awards/categories/{category.id}/nominate",
        data={**nomination_form(category, **{f"answer_{criterion.id}": "one two three four five six"}), "save": "1"},
    )

    assert response.status_code == 200
    assert errors_on_field(response, f"answer_{criterion.id}") == [
        "This answer has 6 words: shorten it to 5 words or fewer."
    ]
    assert nominations_in_database() == []


def test_the_service_counts_words_the_same_way_as_the_form(app):
    category = AwardCategoryFactory(weights=(1,), word_limit=3)
    criterion = category.criteria[0]

    with pytest.raises(AwardsError) as refused:
        nominations.save_draft(PersonFactory(), category, answers={criterion.id: "a b c d"}, **nominee_values())

    assert refused.value.field == f"answer_{criterion.id}"
    # A dash alone is no word: three words fit a limit of three.
    nomination = nominations.save_draft(
        PersonFactory(), category, answers={criterion.id: "a — b c"}, **nominee_values()
    )
    assert nomination.answer_to(criterion) == "a — b c"


def test_submitting_needs_every_question_answered(client):
    category = AwardCategoryFactory(weights=(1, 1))
    sign_in(client, PersonFactory())
    second = category.criteria[1]

    response = client.post(
        f"/awards/categories/{category.id}/nominate",
        data={**nomination_form(category, **{f"answer_{second.id}": "   "}), "send": "1"},
    )

    assert errors_on_field(response, f"answer_{second.id}") == ["Answer this question before you submit."]
    assert nominations_in_database() == []


def test_a_draft_may_leave_questions_unanswered(app):
    category = AwardCategoryFactory(weights=(1, 1))

    nomination = nominations.save_draft(PersonFactory(), category, answers={}, **nominee_values())

    assert nomination.status is NominationStatus.DRAFT
    assert [answer.text for answer in nomination.answers] == ["", ""]


def test_no_region_is_chosen_for_the_nominator(client):
    category = AwardCategoryFactory()
    sign_in(client, PersonFactory())

    form_page = client.get(f"/awards/categories/{category.id}/nominate").get_data(as_text=True)
    response = client.post(
        f"/awards/categories/{category.id}/nominate", data={**nomination_form(category, nominee_region=""), "save": "1"}
    )

    assert '<option value="">Choose a region</option><option value="north_east">' in form_page
    assert errors_on_field(response, "nominee_region") == ["Choose the nominee's region"]
    assert nominations_in_database() == []


def test_the_nominee_name_region_and_relationship_are_required(client):
    category = AwardCategoryFactory()
    sign_in(client, PersonFactory())

    response = client.post(
        f"/awards/categories/{category.id}/nominate",
        data={
            **nomination_form(category, nominee_name="", nominee_region="atlantis", relationship_to_nominee=""),
            "nominee_email": "not an email",
            "save": "1",
        },
    )

    assert errors_on_field(response, "nominee_name") == [
        "Enter the name of the person, team or group you are nominating"
    ]
    assert errors_on_field(response, "nominee_region") == ["Choose the nominee's region"]
    assert errors_on_field(response, "relationship_to_nominee") == [
        "Say how you know the nominee, for example 'their manager'"
    ]
    assert errors_on_field(response, "nominee_email") == [
        "Enter the nominee's email like name@example.org, or leave it empty"
    ]
    assert nominations_in_database() == []


@pytest.mark.parametrize("phase", ["not_open", "judging", "judging_closed", "published"])
def test_nothing_is_nominated_outside_the_nomination_dates(app, phase):
    category = AwardCategoryFactory(phase=phase)

    with pytest.raises(NominationsClosed):
        nominations.save_draft(PersonFactory(), category, answers=answers_for(category), **nominee_values())


def test_a_draft_cannot_be_submitted_after_nominations_close(app):
    nomination = NominationFactory(status="draft")
    cycle = nomination.category.cycle

    with time_machine.travel(cycle.nominations_close_at, tick=False), pytest.raises(NominationsClosed) as refused:
        nominations.submit(nomination.nominator, nomination)

    assert "closed" in refused.value.message
    assert nomination.status is NominationStatus.DRAFT


def test_the_nominate_page_of_a_closed_category_sends_the_person_back_to_the_awards_page(client):
    category = AwardCategoryFactory(phase="judging")
    sign_in(client, PersonFactory())

    response = client.get(f"/awards/categories/{category.id}/nominate")

    assert response.status_code == 302 and response.location.endswith("/awards")


def test_self_nomination_by_ticking_is_refused_where_the_category_does_not_allow_it(client):
    category = AwardCategoryFactory(self_nomination_allowed=False)
    sign_in(client, PersonFactory())

    response = client.post(
        f"/awards/categories/{category.id}/nominate",
        data={**nomination_form(category), "nominating_myself": "y", "save": "1"},
    )

    assert errors_on_field(response, "nominating_myself") == [
        f"{category.name} does not take self-nominations: ask someone who knows your work to nominate you."
    ]
    assert nominations_in_database() == []


def test_giving_ones_own_email_as_the_nominees_is_a_self_nomination(app):
    closed = AwardCategoryFactory(self_nomination_allowed=False)
    nominator = PersonFactory(email="sam@example.org")

    with pytest.raises(AwardsError) as refused:
        nominations.save_draft(nominator, closed, answers={}, **nominee_values(nominee_email="  SAM@Example.org "))

    assert refused.value.field == "nominee_email"
    open_to_self = AwardCategoryFactory(cycle=closed.cycle, self_nomination_allowed=True)
    nomination = nominations.save_draft(
        nominator, open_to_self, answers={}, **nominee_values(nominee_email="SAM@example.org")
    )
    assert nomination.is_self_nomination and nomination.nominee_email == "sam@example.org"


def test_a_submitted_nomination_cannot_change_and_is_shown_as_sent(client):
    nomination = NominationFactory(status="submitted")
    sign_in(client, nomination.nominator)

    with pytest.raises(AwardsError):
        nominations.save_draft(
            nomination.nominator, nomination.category, answers={}, nomination=nomination, **nominee_values()
        )
    response = client.post(
        f"/awards/nominations/{nomination.id}",
        data={**nomination_form(nomination.category, nominee_name="Someone Else"), "save": "1"},
    )

    assert response.status_code == 200 and "Someone Else" not in page_text(response)
    assert nomination.nominee_name == "Priya Raman"


def test_nobody_else_sees_or_edits_a_nomination_or_its_files(client):
    nomination = NominationFactory(status="draft")
    nominations.add_evidence(nomination.nominator, nomination, upload(pdf_file(), "letter.pdf"))
    evidence = nomination.evidence[0]
    sign_in(client, PersonFactory())

    assert client.get(f"/awards/nominations/{nomination.id}").status_code == 404
    assert client.post(f"/awards/nominations/{nomination.id}/delete").status_code == 404
    assert client.get(f"/awards/evidence/{evidence.id}").status_code == 404
    assert client.post(f"/awards/evidence/{evidence.id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id) is not None  # the refused deletes deleted nothing
    assert db.session.get(NominationEvidence, evidence.id) is not None


def test_evidence_is_checked_by_its_content_not_its_name(app):
    nomination = NominationFactory(status="draft")

    with pytest.raises(EvidenceRefused) as refused:
        nominations.add_evidence(nomination.nominator, nomination, upload(elf_file(), "letter.pdf"))
    assert refused.value.field == "evidence"
    with pytest.raises(EvidenceRefused):
        nominations.add_evidence(nomination.nominator, nomination, upload(b"", "empty.pdf"))

    evidence = nominations.add_evidence(nomination.nominator, nomination, upload(pdf_file(), "support.html"))

    assert evidence.content_type == "application/pdf"
    assert nominations.download_name(evidence) == "support.pdf"
    assert nominations.evidence_path(evidence).read_bytes() == pdf_file()


def test_a_file_uploaded_with_the_form_is_kept_and_downloaded_by_its_nominator(client):
    category = AwardCategoryFactory()
    nominator = PersonFactory()
    sign_in(client, nominator)

    client.post(
        f"/awards/categories/{category.id}/nominate",
        data={**nomination_form(category), "evidence": (io.BytesIO(pdf_file()), "reference.pdf"), "save": "1"},
        content_type="multipart/form-data",
    )

    evidence = db.session.scalar(sa.select(NominationEvidence))
    response = client.get(f"/awards/evidence/{evidence.id}")
    assert response.status_code == 200 and response.data == pdf_file()
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "reference.pdf" in response.headers["Content-Disposition"]


def test_a_program_sent_as_evidence_is_refused_on_the_form_and_the_draft_is_not_saved(client):
    category = AwardCategoryFactory()
    sign_in(client, PersonFactory())

    response = client.post(
        f"/awards/categories/{category.id}/nominate",
        data={**nomination_form(category), "evidence": (io.BytesIO(elf_file()), "cv.pdf"), "save": "1"},
        content_type="multipart/form-data",
    )

    assert errors_on_field(response, "evidence") == [
        "That file is not a PDF, an image or an office document. Upload one of those."
    ]
    assert nominations_in_database() == []


def test_at_most_five_files_per_nomination(app):
    nomination = NominationFactory(status="draft")
    for number in range(nominations.MOST_EVIDENCE_FILES):
        nominations.add_evidence(nomination.nominator, nomination, upload(pdf_file(), f"file{number}.pdf"))

    with pytest.raises(AwardsError) as refused:
        nominations.add_evidence(nomination.nominator, nomination, upload(pdf_file(), "one-more.pdf"))

    assert refused.value.field == "evidence"


def test_a_nominator_deletes_a_draft_and_its_files_go_with_it(client):
    nomination = NominationFactory(status="draft")
    evidence = nominations.add_evidence(nomination.nominator, nomination, upload(pdf_file(), "a.pdf"))
    path = nominations.evidence_path(evidence)
    sign_in(client, nomination.nominator)

    response = client.post(f"/awards/nominations/{nomination.id}/delete")

    assert response.status_code == 302
    assert nominations_in_database() == []
    assert not path.exists()


def test_my_nominations_shows_each_status_and_a_reason_for_ineligible(client):
    nominator = PersonFactory()
    category = AwardCategoryFactory()
    NominationFactory(category=category, nominator=nominator, status="draft", nominee_name="Draft Person")
    NominationFactory(category=category, nominator=nominator, status="eligible", nominee_name="Eligible Person")
    NominationFactory(category=category, nominator=nominator, status="ineligible", nominee_name="Refused Person")
    NominationFactory(category=category, status="submitted", nominee_name="Someone Elses")
    sign_in(client, nominator)

    page = page_text(client.get("/awards/my-nominations"))

    assert "Draft Person" in page and "Draft: submit before" in page
    assert "Eligible Person" in page and "Eligible" in page
    assert "Refused Person" in page and "The nominee is not a link worker." in page
    assert "Someone Elses" not in page


def test_a_file_sent_with_a_submission_that_is_refused_is_not_kept(client, app):
    category = AwardCategoryFactory(weights=(1,))
    sign_in(client, PersonFactory())
    criterion = category.criteria[0]

    response = client.post(
        f"/awards/categories/{category.id}/nominate",
        data={
            **nomination_form(category, **{f"answer_{criterion.id}": ""}),
            "evidence": (io.BytesIO(pdf_file()), "reference.pdf"),
            "send": "1",
        },
        content_type="multipart/form-data",
    )

    assert errors_on_field(response, f"answer_{criterion.id}") == ["Answer this question before you submit."]
    assert nominations_in_database() == []
    folder = Path(app.config["EVIDENCE_STORAGE_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == []


def test_my_nominations_queries_do_not_grow_with_the_nominations(client, count_queries):
    nominator = PersonFactory()
    NominationFactory(nominator=nominator)
    sign_in(client, nominator)
    db.session.expire_all()
    with count_queries() as few:
        client.get("/awards/my-nominations")
    for _ in range(5):
        NominationFactory(nominator=nominator)  # each in a category of a cycle of its own
    db.session.expire_all()
    with count_queries() as many:
        page = page_text(client.get("/awards/my-nominations"))

    assert page.count("Priya Raman") == 6
    assert len(many) == len(few)


def test_a_category_left_without_questions_takes_no_nominations(client):
    category = AwardCategoryFactory(weights=(), name="Unfinished Category")
    sign_in(client, PersonFactory())

    with pytest.raises(NominationsClosed):
        nominations.save_draft(PersonFactory(), category, answers={}, **nominee_values())
    awards_page = page_text(client.get("/awards"))
    response = client.get(f"/awards/categories/{category.id}/nominate")

    assert "Unfinished Category" not in awards_page and "Nominations are not open at the moment." in awards_page
    assert response.status_code == 302 and response.location.endswith("/awards")


def test_an_answer_of_one_enormous_word_is_refused(app):
    category = AwardCategoryFactory(weights=(1,), word_limit=10)
    criterion = category.criteria[0]

    with pytest.raises(AwardsError) as refused:
        nominations.save_draft(PersonFactory(), category, answers={criterion.id: "x" * 301}, **nominee_values())

    assert refused.value.message == "This answer is too long: shorten it to 10 words or fewer."
