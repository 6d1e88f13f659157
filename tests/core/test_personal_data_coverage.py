"""Every domain that keeps rows about a person says what they are in the data download and what erasure does
with them: a table of a new domain linked to a person, with no exporter and eraser in that domain, fails here."""

import sqlalchemy as sa

from nalw.core import personal_data
from nalw.extensions import db

# Columns naming who did something (staff, a reviewer, an author): the row is about something else.
ACTOR_COLUMNS = ("actor_id", "author_id", "reviewer_id")

# Domains whose rows about a person stay whole on erasure, and why.
KEPT_WHOLE = {"insight": "a report describes a service, never its reporter; the figures published count it"}


def _domain(module):
    return module.split(".")[1]


def _about_a_person(column, people):
    actor = column.name in ACTOR_COLUMNS or column.name.endswith("_by_id")
    return not actor and any(key.column.table is people for key in column.foreign_keys)


def domains_keeping_rows_about_people():
    people = db.metadata.tables["people"]
    found = {}
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if isinstance(table, sa.Table) and any(_about_a_person(column, people) for column in table.columns):
            found.setdefault(_domain(mapper.class_.__module__), set()).add(table.name)
    return found


def test_the_check_finds_the_tables_it_should(app):
    found = domains_keeping_rows_about_people()
    assert {"bookings", "waiting_list_entries", "event_calendar_feed_tokens"} <= found["events"]
    assert {"nominations", "scores", "conflict_declarations"} <= found["awards"]
    assert "cpd_audit_selections" in found["cpd"] and "billing_profiles" in found["payments"]
    assert "audit_entries" not in found.get("core", set())


def test_every_domain_keeping_rows_about_a_person_has_an_exporter_and_an_eraser(app):
    exporting = {_domain(exporter.__module__) for exporter in personal_data._exporters.values()}
    # Accounts erase their own rows in `erase_person`, which runs every other domain's eraser first.
    erasing = {_domain(eraser.__module__) for eraser in personal_data._erasers} | {"accounts"}
    for domain, tables in sorted(domains_keeping_rows_about_people().items()):
        assert domain in exporting, f"{domain} keeps {sorted(tables)} about people but adds nothing to the download"
        assert domain in erasing or domain in KEPT_WHOLE, f"{domain} keeps {sorted(tables)}; erasure leaves them"
