"""Public and nominator pages of the awards: the awards page, nominating, and a nominator's nominations."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from nalw.awards import blueprint, cycles, nominations, publishing
from nalw.awards.forms import nomination_form
from nalw.awards.models import AwardCategory, Nomination, NominationEvidence, NominationStatus
from nalw.core import evidence_files
from nalw.core.forms import EmptyForm, carry_out
from nalw.core.permissions import public, signed_in
from nalw.core.records import found_or_404
from nalw.core.time import utcnow
from nalw.extensions import db


@blueprint.route("/awards")
@public
def awards_page():
    outcomes = publishing.past_winners()
    by_cycle = {}
    for nomination in outcomes:
        by_cycle.setdefault(nomination.category.cycle, []).append(nomination)
    return render_template(
        "awards/awards.html", open_categories=cycles.categories_open_for_nominations(), results=by_cycle
    )


def _nominate_page(form, category, nomination=None):
    return render_template(
        "awards/nominate.html",
        form=form,
        category=category,
        nomination=nomination,
        answer_fields=[getattr(form, nominations.answer_field(criterion)) for criterion in category.criteria],
    )


def _save(form, category, nomination=None):
    """Save the draft from the form (and its file); submit it too when the person pressed Submit."""
    nomination = nominations.save_draft(
        current_user,
        category,
        answers=form.answers(category),
        nominating_myself=form.nominating_myself.data,
        nomination=nomination,
        **form.nominee_values(),
    )
    if form.send.data:
        # Refuse an incomplete submission before a file is written, so a refusal leaves nothing behind.
        nominations.check_ready_to_submit(current_user, nomination)
    if form.evidence.data and form.evidence.data.filename:
        nominations.add_evidence(current_user, nomination, form.evidence.data)
    if form.send.data:
        nominations.submit(current_user, nomination)
    return nomination


def _after_saving(form, nomination):
    if form.send.data:
        flash("Thank you: your nomination is submitted. We have emailed you a confirmation.", "success")
        return redirect(url_for("awards.my_nominations"))
    flash("Draft saved. Submit it before nominations close.", "success")
    return redirect(url_for("awards.edit_nomination", nomination_id=nomination.id))


@blueprint.route("/awards/categories/<int:category_id>/nominate", methods=["GET", "POST"])
@signed_in
def nominate(category_id):
    category = db.get_or_404(AwardCategory, category_id)
    if nominations.closed_reason(category, utcnow()) is not None:
        flash(f"Nominations for {category.name} are not open.", "warning")
        return redirect(url_for("awards.awards_page"))
    form = nomination_form(category)
    if form.validate_on_submit():
        with carry_out(form) as call:
            nomination = _save(form, category)
        if call.succeeded:
            return _after_saving(form, nomination)
    return _nominate_page(form, category)


def _own_nomination_or_404(nomination_id) -> Nomination:
    return found_or_404(nominations.own_nomination(current_user, nomination_id))


@blueprint.route("/awards/nominations/<int:nomination_id>", methods=["GET", "POST"])
@signed_in
def edit_nomination(nomination_id):
    """A draft is edited here; a submitted nomination is shown as it was sent."""
    nomination = _own_nomination_or_404(nomination_id)
    category = nomination.category
    if nomination.status is not NominationStatus.DRAFT:
        return render_template("awards/nomination.html", nomination=nomination)
    form = nomination_form(category)
    if not form.is_submitted():
        form.show(nomination)
    if form.validate_on_submit():
        with carry_out(form) as call:
            _save(form, category, nomination)
        if call.succeeded:
            return _after_saving(form, nomination)
    return _nominate_page(form, category, nomination)


@blueprint.route("/awards/nominations/<int:nomination_id>/delete", methods=["GET", "POST"])
@signed_in
def delete_nomination(nomination_id):
    """GET asks; only the POST from that page deletes the draft."""
    nomination = _own_nomination_or_404(nomination_id)
    form = EmptyForm()
    if evidence_files.delete_when_confirmed(form, lambda: nominations.delete_draft(current_user, nomination)):
        flash("Draft deleted.", "success")
        return redirect(url_for("awards.my_nominations"))
    return render_template("awards/confirm_delete.html", form=form, nomination=nomination, evidence=None)


@blueprint.route("/awards/my-nominations")
@signed_in
def my_nominations():
    return render_template("awards/my_nominations.html", nominations=nominations.nominations_by(current_user))


def _own_evidence_or_404(evidence_id) -> NominationEvidence:
    evidence = db.session.get(NominationEvidence, evidence_id)
    if evidence is None or evidence.nomination.nominator_id != current_user.id:
        abort(404)
    return evidence


@blueprint.route("/awards/evidence/<int:evidence_id>")
@signed_in
def evidence_file(evidence_id):
    """The nominator's own file; staff download it from the screening page."""
    evidence = _own_evidence_or_404(evidence_id)
    return evidence_files.download_response(
        nominations.evidence_path(evidence), evidence.content_type, nominations.download_name(evidence)
    )


@blueprint.route("/awards/evidence/<int:evidence_id>/delete", methods=["GET", "POST"])
@signed_in
def delete_evidence(evidence_id):
    """GET asks, naming the file; only the POST from that page removes it from the draft."""
    evidence = _own_evidence_or_404(evidence_id)
    nomination = evidence.nomination
    form = EmptyForm()
    if evidence_files.delete_when_confirmed(form, lambda: [nominations.remove_evidence(current_user, evidence)]):
        flash("File removed.", "success")
        return redirect(url_for("awards.edit_nomination", nomination_id=nomination.id))
    return render_template("awards/confirm_delete.html", form=form, nomination=nomination, evidence=evidence)
