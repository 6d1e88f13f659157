"""A member logs CPD in the browser: with the keyboard alone, as a draft, and with evidence files."""

import re

import pytest
from playwright.sync_api import expect

from nalw.core.time import london_today
from tests.e2e.steps import log_cpd, open_page, sign_in, tab_until

pytestmark = pytest.mark.e2e

# A tiny file that is a PDF by its content, as a certificate of attendance would be.
CERTIFICATE_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def heading(page):
    return page.get_by_role("heading", level=1)


def table_row(page, table_name, cell):
    """The row of the table with a cell that reads `cell`."""
    table = page.get_by_role("table", name=table_name)
    return table.get_by_role("row").filter(has=page.get_by_role("cell", name=cell, exact=True))


def hours_by_standard(page, standard):
    return table_row(page, "Hours logged against each standard this year", standard).get_by_role("cell").last


def hours_by_activity(page, activity):
    return table_row(page, "Hours logged by type of activity this year", activity).get_by_role("cell").last


def test_member_logs_an_entry_with_the_keyboard_only_and_sees_it_counted(page, make_person, make_membership):
    member = make_person(name="Keziah Keyboard")
    make_membership(member)
    today = london_today()
    sign_in(page, member)

    tab_until(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="My CPD"))
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("My CPD")
    tab_until(page, page.get_by_role("link", name="Log CPD"))
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Log CPD")

    date = page.get_by_label("Date")
    tab_until(page, date, most=30)
    # A date field takes the day, month and year as typed, in the order of the page's locale (en-GB).
    page.keyboard.type(today.strftime("%d%m%Y"))
    expect(date).to_have_value(today.isoformat())
    # Tab may stop on the field's calendar button before it leaves the field.
    tab_until(page, page.get_by_label("Title"), most=3)
    page.keyboard.type("Safeguarding adults level 2")
    page.keyboard.press("Tab")
    activity_type = page.get_by_label("Type of activity")
    expect(activity_type).to_be_focused()
    page.keyboard.type("Course")
    expect(activity_type).to_have_value("course")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Hours")).to_be_focused()
    page.keyboard.type("1.5")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Provider (optional)")).to_be_focused()
    page.keyboard.type("Riverside Training Hub")

    # Every checkbox is a stop of its own: Space ticks the one with focus.
    person_centred = page.get_by_label("S1 Person-centred, strengths-based practice")
    page.keyboard.press("Tab")
    expect(person_centred).to_be_focused()
    page.keyboard.press("Space")
    inequalities = page.get_by_label("S3 Reducing health inequalities")
    tab_until(page, inequalities, most=3)
    page.keyboard.press("Space")
    expect(person_centred).to_be_checked()
    expect(inequalities).to_be_checked()
    expect(page.get_by_label("S2 Holistic wellbeing")).not_to_be_checked()

    answers = {
        "What I did": "A day's course on adult safeguarding with case studies.",
        "What I learned": "The six principles and when to raise a concern the same day.",
        "How it changes my practice": "I check the local referral route before each first meeting.",
        "Impact on the people I support": "People at risk are referred sooner and more safely.",
    }
    for label, answer in answers.items():
        tab_until(page, page.get_by_label(label), most=15)
        page.keyboard.type(answer)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save entry")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="Entry saved.")).to_be_visible()
    expect(heading(page)).to_have_text("Safeguarding adults level 2")
    back = page.get_by_role("link", name="Back to My CPD")
    tab_until(page, back, most=60)
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("My CPD")
    main = page.get_by_role("main")
    expect(main).to_contain_text("1.5 of 20 hours logged.")
    # 1.5 of 20 hours is 7.5%, shown to the nearest whole per cent.
    expect(page.get_by_role("progressbar", name="Hours logged against the year's requirement")).to_have_attribute(
        "value", "8"
    )
    expect(hours_by_standard(page, "S1 Person-centred, strengths-based practice")).to_have_text("1.5")
    expect(hours_by_standard(page, "S3 Reducing health inequalities")).to_have_text("1.5")
    expect(hours_by_standard(page, "S2 Holistic wellbeing")).to_have_text("0")
    expect(hours_by_activity(page, "Course or training")).to_have_text("1.5")
    nothing_logged = page.get_by_role("list").filter(has_text="S2 Holistic wellbeing")
    expect(nothing_logged).not_to_contain_text("S1 Person-centred, strengths-based practice")
    entry_row = table_row(page, "CPD entries in this year, newest first", "Safeguarding adults level 2")
    expect(entry_row).to_contain_text("Course or training")
    expect(entry_row).to_contain_text("S1, S3")
    expect(entry_row).to_contain_text("Complete")

    # A draft, still by keyboard: the facts now, the reflection later.
    tab_until(page, page.get_by_role("link", name="Log CPD"))
    page.keyboard.press("Enter")
    tab_until(page, date, most=30)
    page.keyboard.type(today.strftime("%d%m%Y"))
    tab_until(page, page.get_by_label("Title"), most=3)
    page.keyboard.type("Peer supervision group")
    page.keyboard.press("Tab")
    page.keyboard.type("Peer")
    expect(activity_type).to_have_value("peer_support")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    tab_until(page, page.get_by_label("S2 Holistic wellbeing"), most=4)
    page.keyboard.press("Space")
    save_draft = page.get_by_role("button", name="Save as draft")
    tab_until(page, save_draft, most=20)
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="Entry saved as a draft")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="This is a draft.")).to_be_visible()
    tab_until(page, page.get_by_role("link", name="Back to My CPD"), most=60)
    page.keyboard.press("Enter")

    expect(main).to_contain_text("1.5 of 20 hours logged.")
    expect(main).to_contain_text("1 draft entry does not count until completed.")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "8")
    draft_row = table_row(page, "CPD entries in this year, newest first", "Peer supervision group")
    expect(draft_row).to_contain_text("Draft")
    expect(draft_row.get_by_role("cell").nth(3)).to_have_text("2 hours")
    expect(hours_by_standard(page, "S2 Holistic wellbeing")).to_have_text("0")
    expect(hours_by_activity(page, "Peer support or supervision")).to_have_text("0")


def test_member_uploads_evidence_downloads_the_same_file_and_a_disguised_text_file_is_refused(
    page, make_person, make_membership, tmp_path
):
    member = make_person(name="Efua Evidence")
    make_membership(member)
    entry = log_cpd(member, "Motivational interviewing course", hours=6)
    sign_in(page, member)
    open_page(page, f"/cpd/entries/{entry.id}")
    evidence = page.get_by_role("region", name="Evidence")
    expect(evidence).to_contain_text("No files yet.")

    certificate = tmp_path / "certificate of attendance.pdf"
    certificate.write_bytes(CERTIFICATE_PDF)
    page.get_by_label("Add evidence (optional)").set_input_files(certificate)
    page.get_by_role("button", name="Upload file").click()

    expect(page.get_by_role("status")).to_have_text("certificate of attendance.pdf added.")
    link = evidence.get_by_role("link", name="certificate of attendance.pdf", exact=True)
    # The page opens at the evidence, not at the top of the long entry form.
    expect(link).to_be_in_viewport()
    expect(evidence.get_by_role("listitem")).to_contain_text(f"({len(CERTIFICATE_PDF)} Bytes)")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "certificate of attendance.pdf"
    assert download.path().read_bytes() == CERTIFICATE_PDF

    # A text file is not a PDF because its name says so: its content decides.
    disguised = tmp_path / "notes.pdf"
    disguised.write_text("Notes from the course, typed up on the train home.\n")
    file_field = page.get_by_label("Add evidence (optional)")
    file_field.set_input_files(disguised)
    page.get_by_role("button", name="Upload file").click()

    message = "That file is not a PDF, an image or an office document. Upload one of those."
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_in_viewport()
    expect(file_field).to_have_attribute("aria-invalid", "true")
    expect(file_field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(evidence.get_by_role("link", name="notes.pdf")).to_have_count(0)
    expect(evidence.get_by_role("link", name=re.compile("^Remove "))).to_have_count(1)
    # The entry above is shown as saved, not emptied by the upload that was refused.
    expect(page.get_by_label("Title")).to_have_value("Motivational interviewing course")
    expect(page.get_by_label("Type of activity")).to_have_value("course")
    expect(page.get_by_label("Hours")).to_have_value("6")
    expect(page.get_by_label("S1 Person-centred, strengths-based practice")).to_be_checked()
