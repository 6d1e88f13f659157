"""A member's CPD record as CSV (one row per entry) and as a PDF a manager or auditor would accept."""

from nalw.core.cpd_years import current_year, year_containing
from nalw.core.csv_export import csv_response
from nalw.core.pdf import render_pdf
from nalw.core.time import format_date, london_today
from nalw.cpd import services

CSV_HEADER = [
    "Date",
    "CPD year",
    "Title",
    "Type of activity",
    "Hours",
    "Provider",
    "Standards",
    "Status",
    "What I did",
    "What I learned",
    "How it changes my practice",
    "Impact on the people I support",
    "Evidence files",
]


def _filename(year, extension):
    period = "all-years" if year is None else f"{year.starts_on.year}-{year.ends_on.year}"
    return f"nalw-cpd-{period}.{extension}"


def csv_record(person, year):
    entries = services.entries_for_export(person, year)
    rows = (
        [
            entry.done_on.isoformat(),
            year_containing(entry.done_on).label,
            entry.title,
            entry.activity_type.label,
            f"{entry.hours:g}",
            entry.provider,
            "; ".join(f"{standard.code} {standard.title}" for standard in entry.standards),
            entry.status.label,
            entry.what_i_did,
            entry.what_i_learned,
            entry.practice_change,
            entry.impact,
            "; ".join(evidence.original_name for evidence in entry.evidence),
        ]
        for entry in entries
    )
    return csv_response(_filename(year, "csv"), CSV_HEADER, rows)


def pdf_record(person, year):
    entries = [entry for entry in services.entries_for_export(person, year) if entry.is_complete]
    years = (
        [year]
        if year is not None
        else sorted({year_containing(entry.done_on) for entry in entries}, key=lambda y: y.starts_on)
    )
    summaries = [services.progress(person, each) for each in years] or [services.progress(person, current_year())]
    return render_pdf(
        "cpd/record.pdf.html",
        _filename(year, "pdf"),
        person=person,
        membership=services.logging_membership(person),
        summaries=summaries,
        entries=entries,
        period="All CPD years"
        if year is None
        else f"CPD year {year.label} ({format_date(year.starts_on)} to {format_date(year.ends_on)})",
        generated_on=format_date(london_today()),
    )
