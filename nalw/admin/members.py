"""The staff lists of members: the members domain's search with this CPD year's standing beside each row, the
changes of membership status on chosen days, and the renewals due on chosen days."""

import sqlalchemy as sa
from flask import url_for

from nalw.admin.forms import CpdStanding, MemberSearchForm, MembershipChangeFilterForm, RenewalsDueFilterForm
from nalw.core.cpd_years import current_year
from nalw.core.hours import format_hours
from nalw.core.listing import Column, Listing
from nalw.core.time import format_date, format_datetime
from nalw.cpd import compliance
from nalw.cpd.models import hours_from_quarters
from nalw.cpd.summaries import complete_quarters_in
from nalw.members.cpd_requirements import requirements_in_force
from nalw.members.directory import member_search, member_search_conditions, member_search_count, status_changes
from nalw.members.models import Membership
from nalw.members.renewals import AutomaticRenewal, renewals_due


def _cpd_standing(statement, cpd):
    """`statement` (over memberships) with this CPD year's quarters logged and hours required as columns, and
    narrowed to `cpd` (behind or met this year's requirement) when given: by the compliance list's rule, so
    the members behind here are exactly the ones it lists (members in good standing who were members this
    year; an applicant or a lapsed member is neither behind nor met)."""
    year = current_year()
    if cpd is not None:
        statement, logged, required = compliance.members_by_standing(statement, year, behind=cpd is CpdStanding.BEHIND)
        return statement.add_columns(logged.label("quarters"), required.label("hours_required"))
    logged = complete_quarters_in(year, Membership.person_id)
    required = requirements_in_force(year)
    return statement.outerjoin(required, required.c.tier_id == Membership.tier_id).add_columns(
        logged.label("quarters"), sa.func.coalesce(required.c.hours_required, 0).label("hours_required")
    )


def member_list(*, cpd=None, **filters) -> sa.Select:
    """Rows of (Membership, quarters logged this CPD year, hours its tier requires this year), matching
    the search and filters, and `cpd` (behind or met this year's requirement) when given."""
    return _cpd_standing(member_search(**filters), cpd)


def member_count(*, cpd=None, **filters) -> sa.Select:
    """The rows `member_list` finds, to count: the memberships table alone, and this year's CPD only when the
    filters ask about it."""
    if cpd is None:
        return member_search_count(**filters)
    return _cpd_standing(sa.select(Membership.id).where(*member_search_conditions(**filters)), cpd)


def _member(row) -> Membership:
    return row.Membership


def _of_a_person(cpd_column):
    """A CPD column, empty for an organisation's own membership: organisations do no CPD (the figures would be
    its admin's own)."""
    return lambda row: "" if row.organisation_name is not None else cpd_column(row)


def _cpd_this_year(row):
    return f"{format_hours(hours_from_quarters(row.quarters))} of {format_hours(row.hours_required)}"


def _name(row):
    """The person's name, or for an organisation's own membership the organisation's."""
    return row.organisation_name or _member(row).person.name


def _organisation_admin(row):
    """For an organisation's own membership, the person who holds it: its admin."""
    return _member(row).person.name if row.organisation_name is not None else ""


MEMBERS = Listing(
    caption="Members",
    filter_form=MemberSearchForm,
    query=member_list,
    count_query=member_count,
    columns=(
        # An organisation's own membership is held by its admin: their page shows it.
        Column("Name", _name, link=lambda row: url_for("admin.person", person_id=_member(row).person_id)),
        Column("Organisation admin", _organisation_admin),
        Column("Email", lambda row: _member(row).person.email),
        Column("Membership number", lambda row: _member(row).number),
        Column("Tier", lambda row: _member(row).tier.name),
        Column("Status", lambda row: _member(row).status.label),
        Column("Region", lambda row: _member(row).region.label),
        Column("Employer", lambda row: _member(row).employer_name, on_page=False),
        Column("Employer type", lambda row: _member(row).employer_type.label),
        Column("Job title", lambda row: _member(row).job_title, on_page=False),
        Column("Member since", lambda row: format_date(_member(row).started_on), on_page=False),
        Column("Renews on", lambda row: format_date(_member(row).expires_on)),
        Column("Automatic renewal", lambda row: "yes" if _member(row).auto_renew else "no", on_page=False),
        Column("CPD this year", _of_a_person(_cpd_this_year)),
        Column(
            "CPD hours logged this year",
            _of_a_person(lambda row: f"{hours_from_quarters(row.quarters):g}"),
            on_page=False,
        ),
        Column("CPD hours required this year", _of_a_person(lambda row: row.hours_required), on_page=False),
    ),
    endpoint="admin.members",
    filename="members.csv",
    empty="No members match. Try part of the name, the email, the membership number or the organisation.",
)


def _status_label(status):
    return status.label if status is not None else ""


MEMBERSHIP_CHANGES = Listing(
    caption="Membership changes, newest first",
    filter_form=MembershipChangeFilterForm,
    query=status_changes,
    columns=(
        Column("Changed", lambda change: format_datetime(change.changed_at)),
        Column(
            "Name",
            lambda change: change.membership.person.name,
            link=lambda change: url_for("admin.person", person_id=change.membership.person_id),
        ),
        Column("Email", lambda change: change.membership.person.email, on_page=False),
        Column("Membership number", lambda change: change.membership.number),
        Column("Tier", lambda change: change.membership.tier.name),
        Column("Region", lambda change: change.membership.region.label),
        Column("From", lambda change: _status_label(change.from_status)),
        Column("To", lambda change: change.to_status.label),
        Column("Reason", lambda change: change.reason),
        Column("Status now", lambda change: change.membership.status.label),
    ),
    endpoint="admin.membership_changes",
    filename="membership-changes.csv",
    empty="No membership changed status on these days.",
)


def _holder(row):
    """Who renews it: the organisation, for an organisation's own membership; else the person."""
    return row.organisation_name or row.Membership.person.name


def _renews(row):
    """How it renews, and what stops the daily run charging it (`renewals.automatic_renewal`)."""
    return AutomaticRenewal(row.automatic_renewal).label


RENEWALS_DUE = Listing(
    caption="Renewals due, by end date",
    filter_form=RenewalsDueFilterForm,
    query=renewals_due,
    columns=(
        Column("Membership number", lambda row: row.Membership.number),
        # An organisation's own membership is held by its admin: their page shows it.
        Column("Holder", _holder, link=lambda row: url_for("admin.person", person_id=row.Membership.person_id)),
        Column("Tier", lambda row: row.Membership.tier.name),
        Column("Ends on", lambda row: format_date(row.Membership.expires_on)),
        Column("Renews", _renews),
        # To chase a renewal: the holder's email (an organisation's admin's), and that admin's name.
        Column("Email", lambda row: row.Membership.person.email, on_page=False),
        Column("Organisation admin", _organisation_admin, on_page=False),
    ),
    endpoint="admin.renewals_due",
    filename="renewals-due.csv",
    empty="No membership that its holder renews ends on these days.",
)
