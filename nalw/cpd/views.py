"""A member's CPD: the year's progress, logging entries with evidence, exports."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from nalw.core.cpd_years import FIRST_YEAR, current_year, year_starting_in
from nalw.core.forms import EmptyForm, show_refusal
from nalw.core.hours import format_hours
from nalw.core.permissions import Role, signed_in
from nalw.cpd import audits, blueprint, exports, services
from nalw.cpd.forms import EntryForm, EvidenceForm, ProfileForm
from nalw.extensions import db


def year_from_request():
    """The CPD year named in ?year=2025, or the current one."""
    current = current_year()
    key = request.args.get("year", type=int)
    if key is None:
        return current
    if not FIRST_YEAR <= key <= current.key:
        abort(404)
    return year_starting_in(key)


def _own_entry_or_404(entry_id):
    entry = services.own_entry(current_user, entry_id)
    if entry is None:
        abort(404)
    return entry


@blueprint.route("/cpd")
@signed_in
def my_cpd():
    year = year_from_request()
    progress = services.progress(current_user, year)
    return render_template(
        "cpd/my_cpd.html",
        progress=progress,
        years=services.years_with_entries(current_user, current_year()),
        can_log=progress.version is not None,
    )


def _entry_form(entry=None, from_request=True):
    """The entry form, filled from the request when it was posted, else from `entry` as saved.

    `from_request=False` is for a page answering another form's post (an evidence upload): the
    entry form must show the entry, not read the other form's fields as its own empty ones.
    """
    form = EntryForm(obj=entry) if from_request else EntryForm(formdata=None, obj=entry)
    version = services.accepted_version(current_user)
    form.standards.choices = services.standard_choices(version)
    if entry is not None and not (from_request and form.is_submitted()):
        form.activity_type.data = entry.activity_type.value
        form.hours.data = f"{entry.hours:g}"
        form.standards.data = [standard.id for standard in entry.standards]
    return form, version


def _save(form, entry, version):
    return services.save_entry(
        current_user,
        entry,
        version=version,
        done_on=form.done_on.data,
        title=form.title.data,
        activity_type=form.activity(),
        quarter_hours=form.hours.quarters,
        provider=form.provider.data,
        standard_ids=form.standards.data or [],
        reflection=form.reflection(),
        complete=not form.save_draft.data,
    )


@blueprint.route("/cpd/entries/new", methods=["GET", "POST"])
@signed_in
def new_entry():
    form, version = _entry_form()
    if version is None:
        flash("You need a membership to log CPD.", "info")
        return redirect(url_for("members.my_membership"))
    if form.validate_on_submit():
        try:
            entry = _save(form, None, version)
        except services.CpdError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            # Read before the commit, which expires the entry: no reload just to say where to go.
            entry_id, complete = entry.id, entry.is_complete
            db.session.commit()
            flash(
                "Entry saved." if complete else "Entry saved as a draft: complete the reflection to count it.",
                "success",
            )
            return redirect(url_for("cpd.edit_entry", entry_id=entry_id))
    return render_template("cpd/entry.html", form=form, entry=None, version=version, evidence_form=None)


@blueprint.route("/cpd/entries/<int:entry_id>", methods=["GET", "POST"])
@signed_in
def edit_entry(entry_id):
    entry = _own_entry_or_404(entry_id)
    form, version = _entry_form(entry)
    if form.validate_on_submit():
        try:
            _save(form, entry, version)
        except services.CpdError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash("Entry saved." if entry.is_complete else "Draft saved.", "success")
            return redirect(url_for("cpd.edit_entry", entry_id=entry.id))
    return render_template(
        "cpd/entry.html", form=form, entry=entry, version=version, evidence_form=EvidenceForm(), button=EmptyForm()
    )


@blueprint.route("/cpd/entries/<int:entry_id>/delete", methods=["POST"])
@signed_in
def delete_entry(entry_id):
    entry = _own_entry_or_404(entry_id)
    if EmptyForm().validate_on_submit():
        paths = services.delete_entry(current_user, entry)
        db.session.commit()
        services.delete_files(paths)
        flash("Entry deleted.", "success")
    return redirect(url_for("cpd.my_cpd"))


@blueprint.route("/cpd/entries/<int:entry_id>/evidence", methods=["POST"])
@signed_in
def upload_evidence(entry_id):
    entry = _own_entry_or_404(entry_id)
    evidence_form = EvidenceForm()
    if evidence_form.validate_on_submit():
        try:
            evidence = services.add_evidence(current_user, entry, evidence_form.evidence.data)
        except services.CpdError as error:
            db.session.rollback()
            show_refusal(evidence_form, error)
        else:
            db.session.commit()
            flash(f"{evidence.original_name} added.", "success")
            return redirect(url_for("cpd.edit_entry", entry_id=entry.id))
    form, version = _entry_form(entry, from_request=False)
    return render_template(
        "cpd/entry.html", form=form, entry=entry, version=version, evidence_form=evidence_form, button=EmptyForm()
    )


@blueprint.route("/cpd/evidence/<int:evidence_id>")
@signed_in
def evidence_file(evidence_id):
    """Served to the owner and to staff only, always as a download, never from the web root."""
    evidence = services.own_evidence(current_user, evidence_id, staff=current_user.has_role(Role.STAFF))
    if evidence is None:
        abort(404)
    path = services.evidence_path(evidence)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=evidence.content_type, as_attachment=True, download_name=evidence.original_name)
    response.headers["Cache-Control"] = "private, no-store"  # personal documents: no copy in any cache
    return response


@blueprint.route("/cpd/evidence/<int:evidence_id>/delete", methods=["POST"])
@signed_in
def delete_evidence(evidence_id):
    evidence = services.own_evidence(current_user, evidence_id)
    if evidence is None:
        abort(404)
    entry_id = evidence.entry_id
    if EmptyForm().validate_on_submit():
        path = services.remove_evidence(current_user, evidence)
        db.session.commit()
        services.delete_files([path])
        flash("File removed.", "success")
    return redirect(url_for("cpd.edit_entry", entry_id=entry_id))


@blueprint.route("/cpd/export.<any(csv, pdf):kind>")
@signed_in
def export(kind):
    """?year=2025 for one CPD year; ?year=all for the whole record."""
    year = None if request.args.get("year") == "all" else year_from_request()
    if kind == "csv":
        return exports.csv_record(current_user, year)
    return exports.pdf_record(current_user, year)


# --- The member's side of an audit ---------------------------------------------------------------


@blueprint.route("/cpd/audit")
@signed_in
def my_audits():
    return render_template("cpd/my_audits.html", selections=audits.open_selections(current_user))


@blueprint.route("/cpd/audit/<int:selection_id>", methods=["GET", "POST"])
@signed_in
def audit_profile(selection_id):
    selection = audits.own_selection(current_user, selection_id)
    if selection is None:
        abort(404)
    year = year_starting_in(selection.audit.year_starts_on.year)
    candidates = [entry for entry in services.entries_for_export(current_user, year) if entry.is_complete]
    form = ProfileForm(obj=selection if request.method == "GET" else None)
    form.entries.choices = [
        (entry.id, f"{entry.done_on:%d %b %Y}: {entry.title} ({format_hours(entry.hours)})") for entry in candidates
    ]
    if request.method == "GET":
        form.entries.data = [entry.id for entry in selection.entries]
    editable = audits.can_edit_profile(selection)
    if editable and form.validate_on_submit():
        try:
            if form.submit.data:
                audits.submit_profile(current_user, selection, form.summary.data, form.entries.data or [])
            else:
                audits.save_profile_draft(current_user, selection, form.summary.data, form.entries.data or [])
        except services.CpdError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                "Profile submitted. We will email you the outcome." if form.submit.data else "Profile saved.", "success"
            )
            return redirect(url_for("cpd.audit_profile", selection_id=selection.id))
    return render_template("cpd/audit_profile.html", selection=selection, form=form, editable=editable, year=year)
