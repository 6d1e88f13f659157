"""The open data CSV: tidy data that a spreadsheet or pandas reads as it is (one row per year, region and theme,
the same columns in every row, a count a whole number or empty), publishing no figure the public page
withholds, so that none can be worked out from the page's totals."""

import csv
import io
import random
import re

from nalw.core.regions import Region
from nalw.core.time import Period, london_today
from nalw.insight import figures
from nalw.insight.models import Theme
from nalw.insight.open_data_file import COLUMNS, HEADER, OPEN_GOVERNMENT_LICENCE
from nalw.insight.suppression import PUBLISHED, WITHHELD, suppress
from tests.factories import reports_counted
from tests.helpers import page_text
from tests.insight.attacks import attack_by_narrowing, published_grid

WHOLE_NUMBER = re.compile(r"[0-9]+")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LETTER, DIGIT = re.compile(r"[A-Za-z]"), re.compile(r"[0-9]")
# Counts of every kind: small ones, lone small ones in a theme or a region that take another figure with them,
# and large ones.
COUNTS = (0, 0, 1, 2, 3, 5, 6, 8, 12)


def report_counts(seed=7):
    """(theme, region) -> reports, the same on every run."""
    rng = random.Random(seed)
    return {(theme, region): rng.choice(COUNTS) for theme in Theme for region in Region}


def download(client, year=None):
    """The file's lines as lists of cells, exactly as written."""
    response = client.get("/insight/open-data.csv" + (f"?year={year}" if year else ""))
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def as_records(lines):
    header, *rows = lines
    return [dict(zip(header, row, strict=True)) for row in rows]


def public_table(year):
    """The table of the public page, with its totals, as the page shows it."""
    return suppress(figures.THEMES, figures.REGIONS, figures.counts_by_theme_and_region(Period.year(year)))


def test_open_data_is_one_row_per_region_and_theme_under_one_header_with_no_totals(client):
    reports_counted(report_counts())
    year = london_today().year

    lines = download(client)

    assert lines[0] == HEADER  # the first line names the columns: no notes above it
    assert {len(line) for line in lines} == {len(HEADER)}
    records = as_records(lines)
    keys = [(row["period_start"], row["period_end"], row["region_code"], row["theme_code"]) for row in records]
    assert sorted(keys) == sorted(
        (f"{year}-01-01", f"{year}-12-31", region.value, theme.value) for region in Region for theme in Theme
    )
    assert {(row["region_code"], row["region_name"]) for row in records} == {(r.value, r.label) for r in Region}
    assert {(row["theme_code"], row["theme_name"]) for row in records} == {(t.value, t.label) for t in Theme}
    assert not [cell for line in lines for cell in line if cell.lower().startswith("all")]


def test_a_suppressed_count_is_empty_and_flagged_and_a_published_one_is_the_whole_number_of_reports(client):
    counts = report_counts()
    reports_counted(counts)

    records = as_records(download(client))

    assert {row["suppressed"] for row in records} == {"true", "false"}
    for row in records:
        reported = counts.get((Theme(row["theme_code"]), Region(row["region_code"])), 0)
        if row["suppressed"] == "true":
            assert row["reports"] == "", row
        else:
            assert WHOLE_NUMBER.fullmatch(row["reports"]) and int(row["reports"]) == reported, row
            assert reported >= 5, row


def test_no_cell_mixes_words_and_numbers_and_none_is_a_formula(client):
    reports_counted(report_counts())

    lines = download(client)

    for cell in (cell for line in lines for cell in line):
        assert not (LETTER.search(cell) and DIGIT.search(cell)), cell
        assert not DIGIT.search(cell) or WHOLE_NUMBER.fullmatch(cell) or DAY.fullmatch(cell), cell
        assert not cell.startswith(("=", "+", "-", "@")), cell


def test_open_data_publishes_no_count_the_page_withholds_so_none_is_recovered_by_subtraction(client):
    reports_counted(report_counts())
    year = london_today().year
    table = public_table(year)
    assert any(figure.state == WITHHELD for figure in table.cells.values())  # the data need secondary suppression

    records = as_records(download(client))

    # What a reader holding the file and the page knows: each count of the file, and for a suppressed one what
    # the page says of it ("fewer than 5": 0 to 4, "withheld": 5 or more), with the page's totals.
    page_knows = published_grid(table)
    file_and_page_know = [line[:] for line in page_knows]
    for row in records:
        theme, region = Theme(row["theme_code"]), Region(row["region_code"])
        r, c = figures.THEMES.index(theme), figures.REGIONS.index(region)
        page_figure = table.cells[(theme, region)]
        assert (row["suppressed"] == "false") == (page_figure.state == PUBLISHED), row
        if row["reports"]:
            assert int(row["reports"]) == page_figure.value
            file_and_page_know[r][c] = (int(row["reports"]),) * 2
    assert file_and_page_know == page_knows
    for line in [*file_and_page_know, *zip(*file_and_page_know, strict=True)]:
        unknowns = [low for low, high in line if low != high]
        assert len(unknowns) != 1, line  # one unknown in a row or column is its total less the others
    assert attack_by_narrowing(file_and_page_know) == []


def test_the_page_defines_every_column_of_the_file_next_to_the_link_and_the_file_names_its_licence(client):
    response = client.get("/insight/open-data.csv")
    text = page_text(client.get("/insight"))

    assert response.mimetype == "text/csv"
    assert response.headers["Link"] == f'<{OPEN_GOVERNMENT_LICENCE}>; rel="license"'
    open_data = text[text.index("Open data") :]
    assert "Download these figures as CSV" in open_data and "Open Government Licence v3.0" in open_data
    for column in COLUMNS:
        assert f"{column.name} {column.definition}" in open_data
    assert [column.name for column in COLUMNS] == download(client)[0]
