"""A member's CPD: the year's progress, logging entries with evidence, exports."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from nalw.core import evidence_files
from nalw.core.cpd_years import FIRST_YEAR, current_year, year_starting_in
from nalw.core.errors import render_error
from nalw.core.forms import EmptyForm, carry_out
from nalw.core.paging import page_number
from nalw.core.permissions import Role, signed_in
from nalw.core.records import found_or_404
from nalw.cpd import audits, blueprint, exports, services, suggestions
from nalw.cpd.forms import AcceptCodeForm, EntryForm, ProfileForm
from nalw.members import services as member_services


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
    return found_or_404(services.own_entry(current_user, entry_id))


@blueprint.route("/cpd")
@signed_in
def my_cpd():
    year = year_from_request()
    progress = services.progress(current_user, year)
    return render_template(
        "cpd/my_cpd.html",
        progress=progress,
        # What is on offer for the standards still uncovered: only for the year still running.
        suggestions=suggestions.for_standards(progress.standards_without_entries) if year == current_year() else [],
        years=services.years_with_entries(current_user, current_year()),
        can_log=progress.version is not None,
        code_update=services.code_update(progress.version),
    )


@blueprint.route("/cpd/code-of-practice", methods=["GET", "POST"])
@signed_in
def accept_code():
    """A member accepts a newly published code of practice, so new entries use its standards."""
    membership = services.logging_membership(current_user)
    update = services.code_update(services.accepted_version(current_user, membership))
    if update is None:
        flash("You have already accepted the current code of practice.", "info")
        return redirect(url_for("cpd.my_cpd"))
    form = AcceptCodeForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            code = member_services.accept_current_code(
                membership, accepted_code=form.accept_code.data, code_version_id=form.code_version()
            )
            label = code.label  # read before the commit, which expires the version
        if call.succeeded:
            flash(f"You have accepted {label} of the code of practice. New entries use its standards.", "success")
            return redirect(url_for("cpd.my_cpd"))
    form.offer_code(update.current)
    return render_template("cpd/accept_code.html", form=form, update=update, accepted_at=membership.code_accepted_at)


def _entry_form(entry=None, from_request=True):
    """The entry form, filled from the request when it was posted, else from `entry` as saved.

    `from_request=False` is for a post that could not be read (a body over the upload limit): the
    form shows the entry as saved.
    """
    version = services.accepted_version(current_user)
    offered = version.standards if version else ()
    form = (
        EntryForm(obj=entry, standards_offered=offered)
        if from_request
        else EntryForm(formdata=None, obj=entry, standards_offered=offered)
    )
    if not isinstance(form.evidence.data, FileStorage):
        form.evidence.data = None  # not the entry's list of files, which `obj` would otherwise give it
    if entry is not None and not (from_request and form.is_submitted()):
        form.activity_type.data = entry.activity_type.value
        form.hours.data = f"{entry.hours:g}"
        form.standards.data = [standard.id for standard in entry.standards]
    return form, version


def _save(form, entry, version):
    """Save the entry as typed and, if a file was chosen (or Upload file pressed), add it as evidence, in
    one transaction: a refused file leaves the entry unsaved too, and the form shows it all as typed.
    Upload file keeps the entry as it was (a new one starts as a draft); the other buttons say."""
    complete = (entry is not None and entry.is_complete) if form.upload.data else not form.save_draft.data
    entry = services.save_entry(
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
        complete=complete,
    )
    upload = form.evidence.data
    evidence = None
    if form.upload.data or (upload is not None and upload.filename):
        evidence = services.add_evidence(current_user, entry, upload)
    return entry, evidence


def _saved_message(entry, evidence, new):
    if evidence is not None:
        return f"{evidence.original_name} added." + ("" if entry.is_complete else " The entry is saved as a draft.")
    if entry.is_complete:
        return "Entry saved."
    return "Entry saved as a draft: complete the reflection to count it." if new else "Draft saved."


@blueprint.route("/cpd/entries/new", methods=["GET", "POST"])
@signed_in
def new_entry():
    form, version = _entry_form()
    if version is None:
        flash("You need a membership to log CPD.", "info")
        return redirect(url_for("members.my_membership"))
    if form.validate_on_submit():
        with carry_out(form) as call:
            entry, evidence = _save(form, None, version)
            # Read before the commit, which expires the entry: no reload just to say where to go.
            entry_id, message = entry.id, _saved_message(entry, evidence, new=True)
        if call.succeeded:
            flash(message, "success")
            return redirect(url_for("cpd.edit_entry", entry_id=entry_id, _anchor=_anchor(evidence)))
    return render_template("cpd/entry.html", form=form, entry=None, version=version)


def _anchor(evidence):
    """After adding a file, back to the evidence section, where the file just added shows."""
    return "evidence-heading" if evidence is not None else None


@blueprint.route("/cpd/entries/<int:entry_id>", methods=["GET", "POST"])
@signed_in
def edit_entry(entry_id):
    entry = _own_entry_or_404(entry_id)
    form, version = _entry_form(entry)
    if form.validate_on_submit():
        with carry_out(form) as call:
            _, evidence = _save(form, entry, version)
            message = _saved_message(entry, evidence, new=False)
        if call.succeeded:
            flash(message, "success")
            return redirect(url_for("cpd.edit_entry", entry_id=entry.id, _anchor=_anchor(evidence)))
    return render_template("cpd/entry.html", form=form, entry=entry, version=version)


@blueprint.errorhandler(413)
def upload_too_large(_error):
    """A body over the upload limit cannot be read at all: give the entry form back with the limit at the
    file field, instead of a bare error page. (What was typed in that post cannot be read back.)"""
    if request.endpoint not in ("cpd.new_entry", "cpd.edit_entry") or not current_user.is_authenticated:
        return render_error(413)
    entry = _own_entry_or_404(request.view_args["entry_id"]) if request.endpoint == "cpd.edit_entry" else None
    form, version = _entry_form(entry, from_request=False)
    if version is None:
        return render_error(413)
    form.evidence.errors = [services.too_large_message()]
    return render_template("cpd/entry.html", form=form, entry=entry, version=version), 413


@blueprint.route("/cpd/entries/<int:entry_id>/delete", methods=["GET", "POST"])
@signed_in
def delete_entry(entry_id):
    """GET asks, saying what will go; only the POST from that page deletes."""
    entry = _own_entry_or_404(entry_id)
    form = EmptyForm()
    if evidence_files.delete_when_confirmed(form, lambda: services.delete_entry(current_user, entry)):
        flash("Entry deleted.", "success")
        return redirect(url_for("cpd.my_cpd"))
    return render_template("cpd/confirm_delete.html", form=form, entry=entry, evidence=None)


@blueprint.route("/cpd/evidence/<int:evidence_id>")
@signed_in
def evidence_file(evidence_id):
    """Served to the owner and to staff only, always as a download, never from the web root."""
    evidence = found_or_404(services.own_evidence(current_user, evidence_id, staff=current_user.has_role(Role.STAFF)))
    return evidence_files.download_response(
        services.evidence_path(evidence), evidence.content_type, services.download_name(evidence)
    )


@blueprint.route("/cpd/evidence/<int:evidence_id>/delete", methods=["GET", "POST"])
@signed_in
def delete_evidence(evidence_id):
    """GET asks, naming the file; only the POST from that page removes it."""
    evidence = found_or_404(services.own_evidence(current_user, evidence_id))
    entry_id = evidence.entry_id
    form = EmptyForm()
    if evidence_files.delete_when_confirmed(form, lambda: [services.remove_evidence(current_user, evidence)]):
        flash("File removed.", "success")
        return redirect(url_for("cpd.edit_entry", entry_id=entry_id, _anchor="evidence-heading"))
    return render_template("cpd/confirm_delete.html", form=form, entry=evidence.entry, evidence=evidence)


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
    return render_template("cpd/my_audits.html", page=audits.own_selections_page(current_user, page_number()))


@blueprint.route("/cpd/audit/<int:selection_id>", methods=["GET", "POST"])
@signed_in
def audit_profile(selection_id):
    selection = found_or_404(audits.own_selection(current_user, selection_id))
    year = selection.audit.year
    candidates = [entry for entry in services.entries_for_export(current_user, year) if entry.is_complete]
    form = ProfileForm(obj=selection if request.method == "GET" else None, entries_offered=candidates)
    if request.method == "GET":
        form.entries.data = [entry.id for entry in selection.entries]
    editable = audits.can_edit_profile(selection)
    if editable and form.validate_on_submit():
        with carry_out(form) as call:
            if form.submit.data:
                audits.submit_profile(current_user, selection, form.summary.data, form.entries.data or [])
            else:
                audits.save_profile_draft(current_user, selection, form.summary.data, form.entries.data or [])
        if call.succeeded:
            flash(
                "Profile submitted. We will email you the outcome." if form.submit.data else "Profile saved.", "success"
            )
            return redirect(url_for("cpd.audit_profile", selection_id=selection.id))
    return render_template("cpd/audit_profile.html", selection=selection, form=form, editable=editable, year=year)
