"""A judge's pages: their categories and progress, declaring a conflict or none, scoring, evidence and their
own scores as a CSV. In a blind cycle nothing here names the nominee or nominator: every nomination detail
goes through `fields.fields_for_judge` and `fields.text_for_judge`, and evidence through `blind_evidence`."""

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import lazyload

from nalw.awards import blind_evidence, blueprint, conflicts, judging
from nalw.awards.fields import fields_for_judge, text_for_judge
from nalw.awards.judging_forms import DeclarationForm, score_sheet_form
from nalw.awards.models import (
    ConflictDeclaration,
    Nomination,
    NominationStatus,
    Score,
)
from nalw.core.csv_export import csv_response
from nalw.core.evidence_files import download_name, stored_path
from nalw.core.forms import carry_out
from nalw.core.paging import page_number, paginate_models, whole_number_argument
from nalw.core.permissions import Role, requires
from nalw.core.time import utcnow
from nalw.extensions import db

PER_PAGE = 50


def judge_title(nomination_id, nominee_name, blind):
    """How a judge's pages name a nomination: by its number alone in a blind cycle."""
    return f"Nomination {nomination_id}" if blind else f"Nomination {nomination_id}: {nominee_name}"


def _nominations_page(judge, category, number):
    statement = (
        sa.select(Nomination)
        .options(*judging.LIST_OPTIONS)
        .where(
            Nomination.category_id == category.id,
            Nomination.status == NominationStatus.ELIGIBLE,
            sa.not_(judging.hidden_from(judge)),
        )
        .order_by(Nomination.id)
    )
    return paginate_models(statement, number, PER_PAGE)


def _judge_rows(judge, category, page):
    """What the list shows for each nomination on the page, in a fixed number of queries."""
    ids = [nomination.id for nomination in page.items] or [0]
    declared = set(
        db.session.scalars(
            sa.select(ConflictDeclaration.nomination_id).where(
                ConflictDeclaration.judge_id == judge.id, ConflictDeclaration.nomination_id.in_(ids)
            )
        )
    )
    scored = set(
        db.session.scalars(
            sa.select(Score.nomination_id).where(Score.judge_id == judge.id, Score.nomination_id.in_(ids)).distinct()
        )
    )
    employers = conflicts.employers_of([judge.id, *(n.nominator_id for n in page.items)])
    suggested = conflicts.suggested_conflicts(judge, conflicts.contacts_of(page.items), employers)
    blind = category.cycle.blind
    return [
        {
            "id": nomination.id,
            "title": judge_title(nomination.id, nomination.nominee_name, blind),
            "region": nomination.nominee_region.label,
            "state": "declare"
            if nomination.id not in declared
            else "scored"
            if nomination.id in scored
            else "to score",
            "suggested": nomination.id not in declared and nomination.id in suggested,
        }
        for nomination in page.items
    ]


@blueprint.route("/judging")
@requires(Role.JUDGE)
def judging_home():
    assignments = judging.assignments_of(current_user)
    if not assignments:
        return render_template("awards/judging/home.html", assignments=[], chosen=None)
    progress = judging.progress_for(assignments)
    wanted = whole_number_argument("category")
    chosen = next((a for a in assignments if a.category_id == wanted), assignments[0])
    page = _nominations_page(current_user, chosen.category, page_number())
    return render_template(
        "awards/judging/home.html",
        assignments=assignments,
        progress=progress,
        chosen=chosen,
        page=page,
        rows=_judge_rows(current_user, chosen.category, page),
        state=judging.judging_state(chosen.category.cycle, utcnow()),
    )


@blueprint.route("/judging/nominations/<int:nomination_id>/declare", methods=["GET", "POST"])
@requires(Role.JUDGE)
def declare_conflict(nomination_id):
    nomination = judging.nomination_to_declare(current_user, nomination_id)
    declaration = judging.declaration_of(current_user, nomination_id) if nomination else None
    if nomination is None or (declaration is not None and declaration.conflicted):
        abort(404)
    form = DeclarationForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            judging.declare(
                current_user, nomination, conflicted=form.conflicted, note=form.note.data or "", now=utcnow()
            )
        if call.succeeded:
            if form.conflicted:
                flash("Your conflict of interest is recorded. The nomination is no longer shown to you.", "success")
                return redirect(url_for("awards.judging_home", category=nomination.category_id))
            flash("Declaration saved: you can now read and score this nomination.", "success")
            return redirect(url_for("awards.judge_nomination", nomination_id=nomination.id))
    cycle = nomination.category.cycle
    return render_template(
        "awards/judging/declare.html",
        form=form,
        nomination=nomination,
        title=judge_title(nomination.id, nomination.nominee_name, cycle.blind),
        fields=fields_for_judge(nomination, cycle.blind),
        suggestions=conflicts.conflicts_suggested_for(current_user, nomination),
        declaration=declaration,
    )


def _openable(nomination_id):
    """The nomination when the judge may open it; a redirect to declare first; 404 when it is not theirs to see."""
    nomination, reason = judging.nomination_for_judge(current_user, nomination_id)
    if reason == "declare":
        return None, redirect(url_for("awards.declare_conflict", nomination_id=nomination_id))
    if nomination is None:
        abort(404)
    return nomination, None


@blueprint.route("/judging/nominations/<int:nomination_id>", methods=["GET", "POST"])
@requires(Role.JUDGE)
def judge_nomination(nomination_id):
    nomination, elsewhere = _openable(nomination_id)
    if elsewhere is not None:
        return elsewhere
    category, cycle = nomination.category, nomination.category.cycle
    form = score_sheet_form(category.criteria, judging.scores_of(current_user, nomination.id))
    if form.validate_on_submit():
        with carry_out(form) as call:
            judging.save_scores(current_user, nomination, form.entries(), utcnow())
        if call.succeeded:
            flash("Your scores are saved. You can change them until judging closes.", "success")
            return redirect(url_for("awards.judging_home", category=category.id))
    return render_template(
        "awards/judging/nomination.html",
        form=form,
        nomination=nomination,
        category=category,
        title=judge_title(nomination.id, nomination.nominee_name, cycle.blind),
        fields=fields_for_judge(nomination, cycle.blind),
        answers={c.id: text_for_judge(nomination, nomination.answer_to(c), cycle.blind) for c in category.criteria},
        evidence=[
            (position, _evidence_name(nomination, position, item, cycle.blind))
            for position, item in enumerate(nomination.evidence, start=1)
        ],
        state=judging.judging_state(cycle, utcnow()),
        can_change=cycle.judging_open(utcnow()),
    )


def _evidence_name(nomination, position, item, blind):
    if blind:
        return blind_evidence.neutral_name(nomination.id, position, item.content_type)
    return download_name(item.original_name, item.content_type)


@blueprint.route("/judging/nominations/<int:nomination_id>/evidence/<int:position>")
@requires(Role.JUDGE)
def judge_evidence(nomination_id, position):
    """A download only for a judge who may open the nomination; in a blind cycle under a neutral name with its
    metadata removed, or refused where the metadata cannot be removed."""
    nomination, elsewhere = _openable(nomination_id)
    if elsewhere is not None:
        return elsewhere
    if not 1 <= position <= len(nomination.evidence):
        abort(404)
    item = nomination.evidence[position - 1]
    path = stored_path(item.stored_name)
    if not path.exists():
        abort(404)
    content = path.read_bytes()
    blind = nomination.category.cycle.blind
    if blind:
        try:
            content = blind_evidence.without_metadata(content, item.content_type)
        except blind_evidence.MetadataNotRemovable as refusal:
            flash(refusal.message, "warning")
            return redirect(url_for("awards.judge_nomination", nomination_id=nomination.id))
    name = _evidence_name(nomination, position, item, blind)
    return Response(
        content,
        mimetype=item.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@blueprint.route("/judging/my-scores.csv")
@requires(Role.JUDGE)
def judge_scores_csv():
    """The judge's own scores and comments, never another judge's, and none on a nomination they are conflicted
    on or recused from; in a blind cycle, nominations by number only."""
    rows = db.session.execute(
        sa.select(Score, Nomination)
        .join(Nomination, Nomination.id == Score.nomination_id)
        .options(lazyload(Nomination.answers), lazyload(Nomination.evidence))
        .where(Score.judge_id == current_user.id, sa.not_(judging.hidden_from(current_user)))
        .where(Nomination.category_id.in_([a.category_id for a in judging.assignments_of(current_user)] or [0]))
        .order_by(Nomination.category_id, Nomination.id, Score.criterion_id)
    ).all()
    criteria = judging.numbered_criteria({nomination.category for _score, nomination in rows})
    return csv_response(
        "my-award-scores.csv",
        ["Category", "Nomination", "Criterion", "Question", "Weight", "Score", "Comment"],
        (
            [
                nomination.category.name,
                judge_title(nomination.id, nomination.nominee_name, nomination.category.cycle.blind),
                criteria[score.criterion_id][0],
                criteria[score.criterion_id][1].question,
                criteria[score.criterion_id][1].weight,
                score.score,
                score.comment,
            ]
            for score, nomination in rows
        ),
    )
