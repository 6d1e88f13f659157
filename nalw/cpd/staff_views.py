"""Staff pages: any member's CPD (read only), the compliance list, and audits from draw to outcome."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from nalw.accounts.models import Person
from nalw.core.cpd_years import current_year, recent_years, year_starting_in
from nalw.core.csv_export import csv_response
from nalw.core.forms import carry_out
from nalw.core.links import address_for_each
from nalw.core.paging import page_number, whole_number_argument
from nalw.core.permissions import Role, requires
from nalw.core.records import belonging_or_404
from nalw.core.regions import Region
from nalw.cpd import audits, blueprint, compliance, services
from nalw.cpd.forms import AuditForm, ReviewForm
from nalw.cpd.models import AuditSelection, CpdAudit, Outcome, hours_from_quarters
from nalw.cpd.views import year_from_request
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import Membership


@blueprint.route("/admin/cpd/people/<int:person_id>")
@requires(Role.STAFF)
def staff_person_cpd(person_id):
    person = db.get_or_404(Person, person_id)
    year = year_from_request()
    return render_template(
        "cpd/staff_person.html",
        person=person,
        progress=services.progress(person, year),
        years=services.years_with_entries(person, current_year()),
    )


def _compliance_filters(tiers):
    """(tier id, region) from the address. A tier id not among `tiers` (`tier_names`) reads as any tier, as an
    unknown region reads as any region: the page's select then shows "Any tier", and the list and its CSV hold
    every tier."""
    tier_id = whole_number_argument("tier")
    if tier_id not in {tier.id for tier in tiers}:
        tier_id = None
    return tier_id, Region.parse(request.args.get("region"))


@blueprint.route("/admin/cpd/compliance")
@requires(Role.STAFF)
def compliance_list():
    year = year_from_request()
    tiers = member_services.tier_names()
    tier_id, region = _compliance_filters(tiers)
    page = compliance.compliance_page(year, page_number(), tier_id, region)
    return render_template(
        "cpd/compliance.html",
        year=year,
        page=page,
        person_address=address_for_each("cpd.staff_person_cpd", "person_id", year=year.key),
        tiers=tiers,
        regions=list(Region),
        tier_id=tier_id,
        region=region,
        years=recent_years(6),
    )


@blueprint.route("/admin/cpd/compliance.csv")
@requires(Role.STAFF)
def compliance_csv():
    year = year_from_request()
    tier_id, region = _compliance_filters(member_services.tier_names())
    rows = (
        [row.name, row.number, row.tier, row.region.label, f"{hours_from_quarters(row.quarters):g}", row.required]
        for row in compliance.compliance_rows(year, tier_id, region)
    )
    return csv_response(
        f"cpd-below-requirement-{year.starts_on.year}-{year.ends_on.year}.csv",
        ["Name", "Membership number", "Tier", "Region", "Hours logged", "Hours required"],
        rows,
    )


# --- Audits ------------------------------------------------------------------------------------------


@blueprint.route("/admin/cpd/audits")
@requires(Role.STAFF)
def audits_list():
    return render_template("cpd/audits.html", page=audits.audits_page(page_number()))


@blueprint.route("/admin/cpd/audits/new", methods=["GET", "POST"])
@requires(Role.STAFF)
def new_audit():
    # Only CPD years that have ended: a year still running has CPD still to be logged.
    form = AuditForm(years_offered=audits.years_to_audit())
    if not form.is_submitted():
        form.deadline_on.data = audits.suggested_deadline()
    if form.validate_on_submit():
        with carry_out(form) as call:
            audit = audits.start_audit(
                current_user,
                year_starting_in(int(form.year.data)),
                share_per_thousand=form.share.per_thousand,
                exclude_joined_within_days=form.exclude_joined_within_days.data,
                deadline_on=form.deadline_on.data,
            )
        if call.succeeded:
            flash(f"{len(audits.redraw(audit))} members drawn and told by email.", "success")
            return redirect(url_for("cpd.audit_detail", audit_id=audit.id))
    return render_template("cpd/new_audit.html", form=form)


@blueprint.route("/admin/cpd/audits/<int:audit_id>")
@requires(Role.STAFF)
def audit_detail(audit_id):
    audit = db.get_or_404(CpdAudit, audit_id)
    return render_template(
        "cpd/audit.html",
        audit=audit,
        page=audits.selections_page(audit, page_number()),
        progress=audits.audit_progress(audit),
        redraw_matches=audits.redraw_matches(audit),
    )


def _fill_with_saved_outcomes(form, selection):
    """A profile reviewed before (more information was asked for) opens with the outcomes already given, so a
    second review starts from them and saving again keeps them."""
    for saved in selection.standard_outcomes:
        outcome_field = getattr(form, f"outcome_{saved.standard_id}", None)
        if outcome_field is not None:
            outcome_field.data = saved.outcome.value
            getattr(form, f"comment_{saved.standard_id}").data = saved.comment
    if selection.outcome is not None:
        form.overall.data = selection.outcome.value
        form.comment.data = selection.outcome_comment


@blueprint.route("/admin/cpd/audits/<int:audit_id>/selections/<int:selection_id>", methods=["GET", "POST"])
@requires(Role.STAFF)
def review_selection(audit_id, selection_id):
    selection = belonging_or_404(AuditSelection, selection_id, audit_id=audit_id)
    # The standards of the code the member had accepted when drawn, even if they have since left.
    version = services.accepted_version(selection.person, db.session.get(Membership, selection.membership_id))
    standards = list(version.standards) if version else []
    form = ReviewForm.for_standards(standards)
    if not form.is_submitted():
        _fill_with_saved_outcomes(form, selection)
    if form.validate_on_submit():
        outcomes = {
            standard.id: (
                Outcome(getattr(form, f"outcome_{standard.id}").data),
                getattr(form, f"comment_{standard.id}").data,
            )
            for standard in standards
            if getattr(form, f"outcome_{standard.id}").data
        }
        with carry_out(form) as call:
            audits.review(current_user, selection, outcomes, Outcome(form.overall.data), form.comment.data)
        if call.succeeded:
            flash("Outcome recorded and the member told.", "success")
            return redirect(url_for("cpd.audit_detail", audit_id=audit_id))
    return render_template("cpd/review.html", selection=selection, form=form, standards=standards)
