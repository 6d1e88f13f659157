"""Staff pages of judging and results: judges assigned and their progress, a nomination's judging record and
recusal, reopening judging, the results per category with the choice of winners, publishing, the export;
and the public results page."""

import datetime as dt

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from nalw.accounts.models import Person
from nalw.awards import blueprint, conflicts, judging, publishing
from nalw.awards.judging_forms import (
    AssignJudgeForm,
    OutcomeForm,
    RecusalForm,
    ReopenJudgingForm,
    WithdrawConflictForm,
)
from nalw.awards.models import (
    AwardCategory,
    AwardCycle,
    ConflictDeclaration,
    JudgeAssignment,
    Nomination,
    Recusal,
    Score,
)
from nalw.awards.results import TIE_BREAK_RULE
from nalw.core.csv_export import csv_response
from nalw.core.forms import EmptyForm, carry_out, carry_out_button
from nalw.core.paging import page_number
from nalw.core.permissions import Role, public, requires
from nalw.core.time import utcnow
from nalw.extensions import db


def _cycle(cycle_id) -> AwardCycle:
    return db.get_or_404(AwardCycle, cycle_id)


def _assignments(cycle):
    return db.session.scalars(
        sa.select(JudgeAssignment)
        .join(AwardCategory, AwardCategory.id == JudgeAssignment.category_id)
        .where(AwardCategory.cycle_id == cycle.id)
        .order_by(AwardCategory.position, AwardCategory.id, JudgeAssignment.id)
    ).all()


def _assign_form(cycle):
    return AssignJudgeForm(judges=judging.people_with_judge_role(), categories=cycle.categories)


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/judges", methods=["GET", "POST"])
@requires(Role.STAFF)
def staff_judging(cycle_id):
    """Judges by category with every judge's progress; assigning a judge posts here."""
    cycle = _cycle(cycle_id)
    form = _assign_form(cycle)
    if form.validate_on_submit():
        category = next(c for c in cycle.categories if c.id == form.category.data)
        with carry_out(form) as call:
            judging.assign_judge(current_user, category, db.session.get(Person, form.judge.data))
        if call.succeeded:
            flash("Judge assigned.", "success")
            return redirect(url_for("awards.staff_judging", cycle_id=cycle.id))
    assignments = _assignments(cycle)
    return render_template(
        "awards/results/judging.html",
        cycle=cycle,
        assignments=assignments,
        progress=judging.progress_for(assignments),
        form=form,
        reopen_form=ReopenJudgingForm(),
        button=EmptyForm(),
        state=judging.judging_state(cycle, utcnow()),
        closed=utcnow() >= cycle.judging_closes_at,
        judging_open=cycle.judging_open(utcnow()),
    )


@blueprint.route("/admin/awards/judges/<int:assignment_id>/remove", methods=["POST"])
@requires(Role.STAFF)
def unassign_judge(assignment_id):
    assignment = db.get_or_404(JudgeAssignment, assignment_id)
    cycle_id = assignment.category.cycle_id
    carry_out_button(lambda: judging.unassign_judge(current_user, assignment), done="Judge taken off the category.")
    return redirect(url_for("awards.staff_judging", cycle_id=cycle_id))


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/judges/reopen", methods=["POST"])
@requires(Role.STAFF)
def reopen_judging(cycle_id):
    cycle = _cycle(cycle_id)
    form = ReopenJudgingForm()
    if form.validate_on_submit():
        now = utcnow()
        with carry_out() as call:
            judging.reopen_judging(current_user, cycle, now + dt.timedelta(days=form.days.data), now)
        if call.succeeded:
            flash(judging.judging_state(cycle, now), "success")
    else:
        flash(" ".join(form.days.errors) or "The form expired. Try again.", "danger")
    return redirect(url_for("awards.staff_judging", cycle_id=cycle.id))


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/judges/close", methods=["GET", "POST"])
@requires(Role.STAFF)
def close_judging(cycle_id):
    """Asks first (GET), then closes judging at once (POST); the judging page offers it while judging is open."""
    cycle = _cycle(cycle_id)
    if request.method == "POST":
        carry_out_button(
            lambda: judging.close_judging_now(current_user, cycle, utcnow()),
            done="Judging is closed: judges can no longer change their scores. You can reopen it below.",
        )
        return redirect(url_for("awards.staff_judging", cycle_id=cycle.id))
    return render_template(
        "awards/results/close_judging.html",
        cycle=cycle,
        button=EmptyForm(),
        state=judging.judging_state(cycle, utcnow()),
        open=cycle.judging_open(utcnow()),
    )


def _results_of(nomination, page=1):
    return url_for(
        "awards.staff_results",
        cycle_id=nomination.category.cycle_id,
        category_id=nomination.category_id,
        **({"page": page} if page > 1 else {}),
    )


def _nomination(nomination_id) -> Nomination:
    return db.get_or_404(Nomination, nomination_id)


def _recusal_form(nomination):
    judges = judging.judges_of_category(nomination.category_id)
    return RecusalForm(judges=judges), judges


@blueprint.route("/admin/awards/nominations/<int:nomination_id>/judging", methods=["GET", "POST"])
@requires(Role.STAFF)
def staff_nomination_judging(nomination_id):
    """Every judge of the nomination's category: their declaration, the conflicts the system suggests, their
    scores and comments, recusal and withdrawing a conflict; recusing posts here."""
    nomination = _nomination(nomination_id)
    form, judges = _recusal_form(nomination)
    if form.validate_on_submit():
        judge = db.session.get(Person, form.judge.data)
        with carry_out(form) as call:
            judging.recuse(current_user, nomination, judge, form.reason.data)
        if call.succeeded:
            flash(f"{judge.name} is recused from this nomination. Their scores stay on record.", "success")
            return redirect(url_for("awards.staff_nomination_judging", nomination_id=nomination.id))
    declarations = _declarations(nomination)
    return _nomination_judging_page(
        nomination, judges, declarations, form, _withdraw_form(judges, declarations, formdata=None)
    )


@blueprint.route("/admin/awards/nominations/<int:nomination_id>/judging/withdraw-conflict", methods=["POST"])
@requires(Role.STAFF)
def withdraw_conflict(nomination_id):
    """Withdraw a conflict a judge declared in error: the judge declares again before opening the nomination."""
    nomination = _nomination(nomination_id)
    judges = judging.judges_of_category(nomination.category_id)
    declarations = _declarations(nomination)
    form = _withdraw_form(judges, declarations)
    if not form.judges_offered:
        flash(
            "No judge has a conflict of interest declared on this nomination: there is nothing to withdraw.", "danger"
        )
        return redirect(url_for("awards.staff_nomination_judging", nomination_id=nomination.id))
    if form.validate_on_submit():
        judge = db.session.get(Person, form.judge.data)
        with carry_out(form) as call:
            judging.withdraw_conflict(current_user, nomination, judge, form.reason.data)
        if call.succeeded:
            flash(
                f"{judge.name}'s conflict of interest is withdrawn. They see the nomination again and must declare "
                "before opening it.",
                "success",
            )
            return redirect(url_for("awards.staff_nomination_judging", nomination_id=nomination.id))
    return _nomination_judging_page(nomination, judges, declarations, RecusalForm(formdata=None, judges=judges), form)


def _declarations(nomination):
    return {
        d.judge_id: d
        for d in db.session.scalars(
            sa.select(ConflictDeclaration).where(ConflictDeclaration.nomination_id == nomination.id)
        )
    }


def _withdraw_form(judges, declarations, **kwargs):
    conflicted = [judge for judge in judges if judge.id in declarations and declarations[judge.id].conflicted]
    # Its own prefix: the recusal form on the same page has fields of the same names.
    return WithdrawConflictForm(judges=conflicted, prefix="withdraw", **kwargs)


def _nomination_judging_page(nomination, judges, declarations, form, withdraw_form):
    recusals = {
        r.judge_id: r for r in db.session.scalars(sa.select(Recusal).where(Recusal.nomination_id == nomination.id))
    }
    scores = {}
    for score in db.session.scalars(
        sa.select(Score).where(Score.nomination_id == nomination.id).order_by(Score.criterion_id)
    ):
        scores.setdefault(score.judge_id, {})[score.criterion_id] = score
    employers = conflicts.employers_of([nomination.nominator_id, *(judge.id for judge in judges)])
    contacts = conflicts.contacts_of([nomination])
    return render_template(
        "awards/results/nomination_judging.html",
        nomination=nomination,
        judges=judges,
        declarations=declarations,
        recusals=recusals,
        scores=scores,
        suggested={
            judge.id: conflicts.suggested_conflicts(judge, contacts, employers).get(nomination.id, [])
            for judge in judges
        },
        form=form,
        withdraw_form=withdraw_form,
    )


def _may_choose(cycle):
    return publishing.outcome_refusal(cycle, utcnow()) is None


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/results")
@requires(Role.STAFF)
def staff_cycle_results(cycle_id):
    """Each category's first nominations by rank, with the choice of outcome; every nomination of a category is
    on that category's own (paged) page."""
    cycle = _cycle(cycle_id)
    return render_template(
        "awards/results/cycle.html",
        cycle=cycle,
        standings=publishing.top_of_each_category(cycle),
        top=publishing.TOP_OF_CATEGORY,
        tie_break=TIE_BREAK_RULE,
        outcome_form=OutcomeForm(),
        may_choose=_may_choose(cycle),
    )


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/results/<int:category_id>")
@requires(Role.STAFF)
def staff_results(cycle_id, category_id):
    """Every eligible nomination of one category by rank, a page at a time, with the choice of outcome."""
    category = db.session.scalars(
        sa.select(AwardCategory)
        .options(joinedload(AwardCategory.cycle))
        .where(AwardCategory.id == category_id, AwardCategory.cycle_id == cycle_id)
    ).one_or_none()
    if category is None:
        abort(404)
    standing, page = publishing.standing_page(category, page_number())
    return render_template(
        "awards/results/category.html",
        category=category,
        cycle=category.cycle,
        standing=standing,
        page=page,
        tie_break=TIE_BREAK_RULE,
        outcome_form=OutcomeForm(),
        may_choose=_may_choose(category.cycle),
    )


@blueprint.route("/admin/awards/nominations/<int:nomination_id>/outcome", methods=["POST"])
@requires(Role.STAFF)
def choose_outcome(nomination_id):
    """Posted from the results of every category (?back=cycle) or a page of one category's (?page=N): back there."""
    nomination = _nomination(nomination_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        with carry_out() as call:
            publishing.choose_outcome(current_user, nomination, form.chosen, utcnow())
        if call.succeeded:
            flash(f"Nomination {nomination.id}: {form.chosen.label if form.chosen else 'no award'}.", "success")
    else:
        flash(" ".join(form.outcome.errors) or "The form expired. Try again.", "danger")
    if request.args.get("back") == "cycle":
        return redirect(
            url_for(
                "awards.staff_cycle_results",
                cycle_id=nomination.category.cycle_id,
                _anchor=f"category-{nomination.category_id}",
            )
        )
    return redirect(_results_of(nomination, page_number()))


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/results/publish", methods=["POST"])
@requires(Role.STAFF)
def publish_results(cycle_id):
    cycle = _cycle(cycle_id)
    carry_out_button(
        lambda: publishing.publish_results(current_user, cycle, utcnow()),
        done=lambda queued: f"The results are published. {queued} emails are on their way.",
    )
    return redirect(url_for("awards.staff_judging", cycle_id=cycle.id))


@blueprint.route("/admin/awards/cycles/<int:cycle_id>/results.csv")
@requires(Role.STAFF)
def results_csv(cycle_id):
    cycle = _cycle(cycle_id)
    return csv_response(f"award-results-{cycle.year}.csv", publishing.EXPORT_HEADER, publishing.export_rows(cycle))


@blueprint.route("/awards/<int:year>/results")
@public
def public_results(year):
    """Open to everyone once staff publish; until then there is no such page."""
    cycle = db.session.scalar(sa.select(AwardCycle).where(AwardCycle.year == year))
    if cycle is None or not cycle.is_published:
        abort(404)
    return render_template("awards/results/public.html", cycle=cycle, categories=publishing.published_outcomes(cycle))
