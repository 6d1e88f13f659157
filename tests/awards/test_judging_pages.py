"""What a judge sees: their nominations and progress, declaring, scoring, evidence and their own export; never
another judge's scores, never a nomination they are conflicted on, and in a blind cycle no one's name."""

import io
import re

import pytest
from pypdf import PdfReader, PdfWriter

from nalw.awards import judge_views, judging
from nalw.awards.models import Score
from nalw.extensions import db
from tests.factories import (
    AwardCategoryFactory,
    AwardCycleFactory,
    MembershipFactory,
    NominationFactory,
    PersonFactory,
    cycle_in_phase,
    declared,
    eligible_with_evidence,
    judge_of,
    scored,
)
from tests.helpers import page_text, sign_in

NOMINEE = {
    "nominee_name": "Priya Raman",
    "nominee_organisation": "Northgate Primary Care Network",
    "nominee_email": "priya.raman@northgate-pcn.org.uk",
}
NOMINATOR = {"name": "Colin Cartwright", "email": "colin.cartwright@harbourhealth.org.uk"}
SECRET_COMMENT = "Only the first judge wrote this comment."


@pytest.fixture
def settings(tmp_path):
    return {"EVIDENCE_STORAGE_DIR": str(tmp_path / "evidence")}


def pdf_naming(text):
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/Author": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def identifying_strings():
    return [*NOMINEE.values(), *NOMINATOR.values(), "Priya", "Raman", "Cartwright", "northgate-pcn", "harbourhealth"]


def leaks(text_or_bytes):
    haystack = text_or_bytes.decode("latin-1") if isinstance(text_or_bytes, bytes) else text_or_bytes
    return [s for s in identifying_strings() if s.lower() in haystack.lower()]


def score_form(category, value, comment="Strong evidence."):
    data = {}
    for criterion in category.criteria:
        data[f"score_{criterion.id}"] = str(value)
        data[f"comment_{criterion.id}"] = comment
    return data


@pytest.fixture
def category(app):
    return AwardCategoryFactory(phase="judging", weights=(2, 1, 1))


def test_a_judge_sees_their_categories_nominations_and_progress(client, category):
    nominations = [NominationFactory(category=category, status="eligible") for _ in range(3)]
    NominationFactory(category=category, status="submitted", nominee_name="Not Screened Yet")
    person = judge_of(category)
    scored(person, nominations[0], 7)
    sign_in(client, person)

    page = page_text(client.get("/judging"))

    assert f"{category.name} {category.cycle.title} 1 of 3 2 0" in page
    assert f"Nomination {nominations[0].id}: Priya Raman" in page and "Scored" in page
    assert "Declare a conflict or none" in page
    assert "Not Screened Yet" not in page


def test_a_judge_declares_then_scores_with_the_form(client, category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    sign_in(client, person)

    opened = client.get(f"/judging/nominations/{nomination.id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/nominations/{nomination.id}/declare")
    declared_page = client.post(f"/judging/nominations/{nomination.id}/declare", data={"declaration": "none"})
    assert declared_page.headers["Location"].endswith(f"/judging/nominations/{nomination.id}")
    wrong = score_form(category, 7)
    wrong[f"score_{category.criteria[1].id}"] = "eleven"
    refused = client.post(f"/judging/nominations/{nomination.id}", data=wrong)
    assert "Give criterion 2 a score, a whole number from 0 to 10" in page_text(refused)
    assert judging.scores_of(person, nomination.id) == {}
    saved = client.post(f"/judging/nominations/{nomination.id}", data=score_form(category, 7))

    assert saved.status_code == 302
    assert {score.score for score in judging.scores_of(person, nomination.id).values()} == {7}


def test_declaring_a_conflict_without_a_note_is_refused_at_the_field(client, category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    sign_in(client, person)

    response = client.post(f"/judging/nominations/{nomination.id}/declare", data={"declaration": "conflict"})

    assert "Say briefly what the conflict is" in page_text(response)
    assert judging.declaration_of(person, nomination.id) is None


@pytest.fixture
def conflicted_setup(category):
    conflicted = eligible_with_evidence(category, [("cv.pdf", pdf_naming("x"))], nominee_name="Hidden Person")
    other = NominationFactory(category=category, status="eligible", nominee_name="Shown Person")
    person = judge_of(category)
    scored(person, conflicted, 5)  # scored before the judge saw the conflict
    scored(person, other, 6)
    return person, conflicted, other


def test_a_conflict_hides_the_nomination_from_page_list_file_export_and_progress(client, category, conflicted_setup):
    person, conflicted, other = conflicted_setup
    sign_in(client, person)
    assert client.get(f"/judging/nominations/{conflicted.id}/evidence/1").status_code == 200
    client.post(f"/judging/nominations/{conflicted.id}/declare", data={"declaration": "conflict", "note": "My sister."})

    listing = page_text(client.get("/judging"))
    assert "Hidden Person" not in listing and "Shown Person" in listing
    assert "1 of 1" in listing  # progress: the conflicted nomination left the count
    assert client.get(f"/judging/nominations/{conflicted.id}").status_code == 404
    assert client.get(f"/judging/nominations/{conflicted.id}/declare").status_code == 404
    assert client.get(f"/judging/nominations/{conflicted.id}/evidence/1").status_code == 404
    assert client.post(f"/judging/nominations/{conflicted.id}", data=score_form(category, 9)).status_code == 404
    export = client.get("/judging/my-scores.csv").get_data(as_text=True)
    assert f"Nomination {other.id}" in export and "Hidden Person" not in export
    assert f"Nomination {conflicted.id}" not in export
    assert len(db.session.query(Score).filter_by(nomination_id=conflicted.id).all()) == 3  # kept for the record


def test_a_judge_cannot_read_another_judges_scores_by_any_url(client, category):
    nomination = eligible_with_evidence(category, [("cv.pdf", pdf_naming("x"))])
    first, second = judge_of(category), judge_of(category)
    scored(first, nomination, 9, comment=SECRET_COMMENT)
    scored(second, nomination, 3, comment="Mine.")
    sign_in(client, second)

    responses = [
        client.get("/judging"),
        client.get(f"/judging?category={category.id}"),
        client.get(f"/judging/nominations/{nomination.id}"),
        client.get(f"/judging/nominations/{nomination.id}/declare"),
        client.get(f"/judging/nominations/{nomination.id}/evidence/1"),
        client.get("/judging/my-scores.csv"),
        client.get(f"/admin/awards/cycles/{category.cycle_id}/results/{category.id}"),
        client.get(f"/admin/awards/nominations/{nomination.id}/judging"),
        client.get(f"/admin/awards/cycles/{category.cycle_id}/results.csv"),
    ]

    for response in responses:
        body = response.get_data()
        assert SECRET_COMMENT.encode() not in body
        assert b'value="9"' not in body
    assert [r.status_code for r in responses[-3:]] == [403, 403, 403]
    assert "Mine." in responses[2].get_data(as_text=True)


def test_a_judge_not_assigned_to_the_category_cannot_open_its_nominations(client, category):
    nomination = NominationFactory(category=category, status="eligible")
    outsider = judge_of(AwardCategoryFactory(cycle=category.cycle))
    sign_in(client, outsider)

    assert client.get(f"/judging/nominations/{nomination.id}/declare").status_code == 404
    assert client.get(f"/judging/nominations/{nomination.id}").status_code == 404


def test_after_judging_closes_the_sheet_cannot_be_saved(client, category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    scored(person, nomination, 4)
    sign_in(client, person)

    with cycle_in_phase(category.cycle, "judging_closed"):
        db.session.flush()  # the requests read the database
        page = client.get(f"/judging/nominations/{nomination.id}")
        response = client.post(f"/judging/nominations/{nomination.id}", data=score_form(category, 9))

    assert "Judging is not open, so your scores cannot be changed now." in page_text(page)
    assert "Judging has closed, so nothing can be changed" in page_text(response)
    assert {score.score for score in judging.scores_of(person, nomination.id).values()} == {4}


# --- Blind cycles ---------------------------------------------------------------------------------------


@pytest.fixture
def blind_nomination(app):
    category = AwardCategoryFactory(cycle=AwardCycleFactory(phase="judging", blind=True), weights=(2, 1, 1))
    nominator = PersonFactory(**NOMINATOR)
    MembershipFactory(person=nominator, employer_name="Harbour Health Partnership")
    answers = {
        criterion.id: "Priya Raman at Northgate Primary Care Network set up a walking group; ask Colin Cartwright."
        for criterion in category.criteria
    }
    nomination = eligible_with_evidence(
        category,
        [("Priya Raman CV.pdf", pdf_naming("Priya Raman, Northgate Primary Care Network"))],
        nominator=nominator,
        answers=answers,
        **NOMINEE,
    )
    return category, nomination


def test_in_a_blind_cycle_no_judge_page_file_name_or_export_names_anyone(client, blind_nomination):
    category, nomination = blind_nomination
    person = judge_of(category)
    sign_in(client, person)

    pages = [client.get("/judging"), client.get(f"/judging/nominations/{nomination.id}/declare")]
    client.post(f"/judging/nominations/{nomination.id}/declare", data={"declaration": "none"})
    pages.append(client.get(f"/judging/nominations/{nomination.id}"))
    client.post(f"/judging/nominations/{nomination.id}", data=score_form(category, 8))
    pages.append(client.get("/judging"))
    evidence = client.get(f"/judging/nominations/{nomination.id}/evidence/1")
    export = client.get("/judging/my-scores.csv")

    for response in pages:
        assert response.status_code == 200
        assert leaks(response.get_data(as_text=True)) == []
    assert f"Nomination {nomination.id}" in page_text(pages[0])
    assert "[hidden] at [hidden] set up a walking group" in page_text(pages[2])
    assert evidence.status_code == 200
    assert (
        evidence.headers["Content-Disposition"] == f'attachment; filename="nomination-{nomination.id}-evidence-1.pdf"'
    )
    assert leaks(evidence.get_data()) == [] and PdfReader(io.BytesIO(evidence.get_data())).metadata is None
    assert leaks(export.headers["Content-Disposition"]) == [] and leaks(export.get_data()) == []
    assert f"Nomination {nomination.id}" in export.get_data(as_text=True)


def test_in_an_open_cycle_judges_see_names_and_the_original_file(client, category):
    nomination = eligible_with_evidence(category, [("Priya CV.pdf", pdf_naming("Priya Raman"))], **NOMINEE)
    person = judge_of(category)
    declared(person, nomination)
    sign_in(client, person)

    page = page_text(client.get(f"/judging/nominations/{nomination.id}"))
    evidence = client.get(f"/judging/nominations/{nomination.id}/evidence/1")

    assert "Priya Raman" in page and "Northgate Primary Care Network" in page
    assert evidence.headers["Content-Disposition"].endswith('filename="Priya CV.pdf"')


def test_a_blind_cycle_does_not_serve_a_file_whose_metadata_cannot_be_removed(client, app):
    category = AwardCategoryFactory(cycle=AwardCycleFactory(phase="judging", blind=True))
    old_word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xec\xa5\xc1\x00" + b"\x00" * 100
    nomination = eligible_with_evidence(category, [("cv.doc", old_word)])
    person = judge_of(category)
    declared(person, nomination)
    sign_in(client, person)

    response = client.get(f"/judging/nominations/{nomination.id}/evidence/1", follow_redirects=True)

    assert "cannot be removed, so it is not shown in a blind cycle" in page_text(response)


# --- Queries ---------------------------------------------------------------------------------------------


def test_the_judges_list_takes_the_same_queries_for_few_or_many_nominations(client, category, count_queries):
    person = judge_of(category)
    sign_in(client, person)
    made = []

    def queries_with(total):
        while len(made) < total:
            made.append(NominationFactory(category=category, status="eligible"))
            if len(made) % 2:
                scored(person, made[-1], 5)
        client.get("/judging")  # warm: the sign-in session and caches
        with count_queries() as queries:
            assert client.get("/judging").status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(12)


def test_the_judges_list_is_paged_in_order_of_nomination(client, category, monkeypatch):
    monkeypatch.setattr(judge_views, "PER_PAGE", 2)
    person = judge_of(category)
    sign_in(client, person)
    first, second, third = (NominationFactory(category=category, status="eligible") for _ in range(3))

    def shown(page):
        text = client.get("/judging", query_string={"page": page}).get_data(as_text=True)
        return {n.id for n in (first, second, third) if f"/judging/nominations/{n.id}/" in text}

    assert (shown(1), shown(2)) == ({first.id, second.id}, {third.id})


def test_score_fields_have_labels_hints_and_limits(client, category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    declared(person, nomination)
    sign_in(client, person)

    html = client.get(f"/judging/nominations/{nomination.id}").get_data(as_text=True)

    first = category.criteria[0].id
    assert f'<label class="form-label fw-semibold" for="score_{first}">Score for criterion 1</label>' in html
    assert re.search(rf'<input[^>]*id="score_{first}"[^>]*max="10"', html)
    assert "0 (no evidence of this) to 10 (outstanding)." in html
