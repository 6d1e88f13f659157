"""Staff pages of the awards: cycles with their dates, categories and criteria (fixed once nominations
open), the default categories, and screening nominations."""

import functools

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from nalw.awards import blueprint, cycles, defaults, nominations, screening
from nalw.awards.forms import CategoryForm, CriterionForm, CycleForm, IneligibleForm, ScreeningFilterForm
from nalw.awards.models import (
    AwardCategory,
    AwardCriterion,
    AwardCycle,
    Nomination,
    NominationEvidence,
    NominationStatus,
)
from nalw.core import evidence_files
from nalw.core.forms import EmptyForm, carry_out, carry_out_button, validate_all
from nalw.core.listing import Column, Listing
from nalw.core.permissions import Role, requires
from nalw.core.time import format_datetime, utcnow
from nalw.extensions import db

PER_PAGE = 50


def _cycle_page(cycle):
    return redirect(url_for("awards.staff_cycle", cycle_id=cycle.id))


@blueprint.route("/admin/awards")
@requires(Role.STAFF)
def staff_cycles():
    return render_template("awards/staff_cycles.html", cycles=cycles.all_cycles(), now=utcnow())


def _save_cycle(form, cycle):
    """Every problem at once: the form's own checks, then the cycle rules on whatever was read."""
    if not validate_all(form, lambda: cycles.cycle_refusals(form.cycle_values(), cycle)):
        return None
    values = form.cycle_values()
    with carry_out(form) as call:
        cycle = (
            cycles.create_cycle(current_user, **values)
            if cycle is None
            else cycles.edit_cycle(current_user, cycle, **values)
        )
    return cycle if call.succeeded else None


@blueprint.route("/admin/awards/cycles/new", methods=["GET", "POST"])
@requires(Role.STAFF)
def new_cycle():
    form = CycleForm()
    if form.is_submitted():
        cycle = _save_cycle(form, None)
        if cycle is not None:
            flash(f"{cycle.title} saved. Add its categories, or the default ones, before nominations open.", "success")
            return _cycle_page(cycle)
    return render_template("awards/staff_cycle_form.html", form=form, cycle=None)


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
@requires(Role.STAFF)
def edit_cycle(cycle_id):
    cycle = db.get_or_404(AwardCycle, cycle_id)
    form = CycleForm()
    if not form.is_submitted():
        form.show(cycle)
    else:
        saved = _save_cycle(form, cycle)
        if saved is not None:
            flash(f"{saved.title} saved.", "success")
            return _cycle_page(saved)
    return render_template("awards/staff_cycle_form.html", form=form, cycle=cycle)


@blueprint.route("/admin/awards/cycles/<int:cycle_id>")
@requires(Role.STAFF)
def staff_cycle(cycle_id):
    cycle = db.get_or_404(AwardCycle, cycle_id)
    now = utcnow()
    return render_template(
        "awards/staff_cycle.html",
        cycle=cycle,
        now=now,
        frozen=cycle.criteria_frozen(now),
        counts=screening.counts_by_category(cycle),
        statuses=list(NominationStatus),
        form=EmptyForm(),
    )


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/default-categories", methods=["POST"])
@requires(Role.STAFF)
def add_default_categories(cycle_id):
    cycle = db.get_or_404(AwardCycle, cycle_id)
    carry_out_button(
        lambda: defaults.seed_default_categories(current_user, cycle),
        done=lambda added: (
            f"Added {added} default categories." if added else "The cycle already has every default category."
        ),
    )
    return _cycle_page(cycle)


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/categories/new", methods=["GET", "POST"], endpoint="new_category")
@blueprint.route("/admin/awards/categories/<int:category_id>/edit", methods=["GET", "POST"])
@requires(Role.STAFF)
def edit_category(cycle_id=None, category_id=None):
    """A new category of a cycle, or changes to one (both refused once nominations open)."""
    category = db.get_or_404(AwardCategory, category_id) if category_id is not None else None
    cycle = category.cycle if category is not None else db.get_or_404(AwardCycle, cycle_id)
    form = CategoryForm()
    if category is not None and not form.is_submitted():
        form.show(category)
    if form.validate_on_submit():
        with carry_out(form) as call:
            if category is None:
                added = cycles.add_category(current_user, cycle, **form.category_values())
            else:
                cycles.edit_category(current_user, category, **form.category_values())
        if call.succeeded:
            done = f"{added.name} added. Now add its criteria." if category is None else f"{category.name} saved."
            flash(done, "success")
            return _cycle_page(cycle)
    return render_template("awards/staff_category_form.html", form=form, cycle=cycle, category=category)


@blueprint.route("/admin/awards/categories/<int:category_id>/delete", methods=["POST"])
@requires(Role.STAFF)
def delete_category(category_id):
    category = db.get_or_404(AwardCategory, category_id)
    cycle = category.cycle
    carry_out_button(lambda: cycles.remove_category(current_user, category), done=f"{category.name} removed.")
    return _cycle_page(cycle)


@blueprint.route(
    "/admin/awards/categories/<int:category_id>/criteria/new", methods=["GET", "POST"], endpoint="new_criterion"
)
@blueprint.route("/admin/awards/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@requires(Role.STAFF)
def edit_criterion(category_id=None, criterion_id=None):
    """A new criterion of a category, or changes to one (both refused once nominations open)."""
    criterion = db.get_or_404(AwardCriterion, criterion_id) if criterion_id is not None else None
    category = criterion.category if criterion is not None else db.get_or_404(AwardCategory, category_id)
    form = CriterionForm()
    if criterion is not None and not form.is_submitted():
        form.show(criterion)
    if form.validate_on_submit():
        with carry_out(form) as call:
            if criterion is None:
                cycles.add_criterion(current_user, category, **form.criterion_values())
            else:
                cycles.edit_criterion(current_user, criterion, **form.criterion_values())
        if call.succeeded:
            flash(f"Criterion added to {category.name}." if criterion is None else "Criterion saved.", "success")
            return _cycle_page(category.cycle)
    return render_template("awards/staff_criterion_form.html", form=form, category=category, criterion=criterion)


@blueprint.route("/admin/awards/criteria/<int:criterion_id>/delete", methods=["POST"])
@requires(Role.STAFF)
def delete_criterion(criterion_id):
    criterion = db.get_or_404(AwardCriterion, criterion_id)
    cycle = criterion.category.cycle
    carry_out_button(lambda: cycles.remove_criterion(current_user, criterion), done="Criterion removed.")
    return _cycle_page(cycle)


# --- Screening ----------------------------------------------------------------------------------------


def _standing(row):
    nomination, status, number = row
    if status is not None:
        return f"{status.label} ({number})" if number else status.label
    return "No membership found" if nomination.nominee_email else "No email given"


def _nominee(row):
    nomination = row[0]
    text = nomination.nominee_name
    if nomination.nominee_organisation:
        text += f", {nomination.nominee_organisation}"
    return f"{text} (self-nomination)" if nomination.is_self_nomination else text


def _screening(cycle) -> Listing:
    """The cycle's submitted nominations: filtered, paged and exported as CSV the way every staff list is."""
    return Listing(
        caption=f"Nominations for {cycle.title}, oldest first",
        filter_form=functools.partial(ScreeningFilterForm, categories=cycle.categories),
        query=functools.partial(screening.screening_list, cycle),
        columns=(
            Column("Nominee", _nominee, link=lambda row: url_for("awards.staff_nomination", nomination_id=row[0].id)),
            Column("Nominee email", lambda row: row[0].nominee_email, on_page=False),
            Column("Category", lambda row: row[0].category.name),
            Column("Nominated by", lambda row: row[0].nominator.name),
            Column("Nominator email", lambda row: row[0].nominator.email, on_page=False),
            Column("Submitted", lambda row: format_datetime(row[0].submitted_at)),
            Column("Member standing", _standing),
            Column("Status", lambda row: row[0].status.label),
            Column("Reason not eligible", lambda row: row[0].ineligible_reason, on_page=False),
        ),
        endpoint="awards.screening_list",
        csv_endpoint="awards.screening_list_csv",
        filename=f"nominations-{cycle.year}.csv",
        per_page=PER_PAGE,
        empty="No nominations match these filters.",
    )


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/nominations")
@requires(Role.STAFF)
def screening_list(cycle_id):
    cycle = db.get_or_404(AwardCycle, cycle_id)
    return render_template(
        "awards/staff_screening.html", cycle=cycle, listing=_screening(cycle).page(cycle_id=cycle.id)
    )


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/nominations.csv")
@requires(Role.STAFF)
def screening_list_csv(cycle_id):
    """The nominations the list's filters select, every one of them."""
    cycle = db.get_or_404(AwardCycle, cycle_id)
    return _screening(cycle).csv(cycle_id=cycle.id)


def _screening_page(nomination, ineligible_form):
    return render_template(
        "awards/staff_nomination.html",
        nomination=nomination,
        membership=screening.nominee_membership(nomination),
        may_screen=screening.screening_refusal(nomination, utcnow()) is None,
        form=EmptyForm(),
        ineligible_form=ineligible_form,
    )


def _submitted_nomination(nomination_id) -> Nomination:
    nomination = db.get_or_404(Nomination, nomination_id)
    if nomination.status is NominationStatus.DRAFT:
        abort(404)  # a draft is the nominator's own until they submit it
    return nomination


@blueprint.route("/admin/awards/nominations/<int:nomination_id>")
@requires(Role.STAFF)
def staff_nomination(nomination_id):
    nomination = _submitted_nomination(nomination_id)
    return _screening_page(nomination, IneligibleForm(formdata=None))


@blueprint.route("/admin/awards/nominations/<int:nomination_id>/eligible", methods=["POST"])
@requires(Role.STAFF)
def mark_eligible(nomination_id):
    nomination = _submitted_nomination(nomination_id)
    carry_out_button(
        lambda: screening.mark_eligible(current_user, nomination),
        done=f"The nomination of {nomination.nominee_name} is eligible.",
    )
    return redirect(url_for("awards.staff_nomination", nomination_id=nomination.id))


@blueprint.route("/admin/awards/nominations/<int:nomination_id>/ineligible", methods=["POST"])
@requires(Role.STAFF)
def mark_ineligible(nomination_id):
    nomination = _submitted_nomination(nomination_id)
    form = IneligibleForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            screening.mark_ineligible(current_user, nomination, form.reason.data)
        if call.succeeded:
            flash(
                f"The nomination of {nomination.nominee_name} is marked not eligible; the nominator is told why.",
                "success",
            )
            return redirect(url_for("awards.staff_nomination", nomination_id=nomination.id))
    return _screening_page(nomination, form)


@blueprint.route("/admin/awards/evidence/<int:evidence_id>")
@requires(Role.STAFF)
def staff_evidence_file(evidence_id):
    evidence = db.get_or_404(NominationEvidence, evidence_id)
    if evidence.nomination.status is NominationStatus.DRAFT:
        abort(404)
    return evidence_files.download_response(
        nominations.evidence_path(evidence), evidence.content_type, nominations.download_name(evidence)
    )
