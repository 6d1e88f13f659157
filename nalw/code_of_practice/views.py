"""The public code of practice, and the admin pages that draft and publish new versions."""

import functools

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from nalw.code_of_practice import blueprint, services
from nalw.code_of_practice.forms import DraftForm, StandardForm
from nalw.code_of_practice.models import Standard
from nalw.core.forms import EmptyForm, carry_out, carry_out_button
from nalw.core.permissions import Role, public, requires
from nalw.core.records import belonging_or_404, found_or_404
from nalw.extensions import db


@blueprint.route("/code-of-practice")
@public
def current():
    version = found_or_404(services.current_version())
    return render_template(
        "code_of_practice/version.html", version=version, is_current=True, versions=services.published_versions()
    )


@blueprint.route("/code-of-practice/version-<int:number>")
@public
def version(number):
    found = services.version_by_number(number)
    if found is None or not found.is_published:
        abort(404)
    current = services.current_version()
    return render_template(
        "code_of_practice/version.html",
        version=found,
        is_current=current is not None and current.id == found.id,
        versions=services.published_versions(),
    )


@blueprint.route("/admin/code-of-practice")
@requires(Role.ADMIN)
def manage():
    return render_template(
        "code_of_practice/manage.html",
        versions=services.published_versions(),
        draft=services.open_draft(),
        button=EmptyForm(),
    )


@blueprint.route("/admin/code-of-practice/draft", methods=["POST"])
@requires(Role.ADMIN)
def start_draft():
    carry_out_button(
        lambda: services.start_draft(current_user), done="A new draft has been started from the current version."
    )
    return redirect(url_for("code_of_practice.edit_draft"))


def with_open_draft(view):
    """Give the view the open draft as its first argument; with none, go back to the code of practice page."""

    @functools.wraps(view)
    def view_with_draft(*args, **kwargs):
        draft = services.open_draft()
        if draft is None:
            flash("There is no draft. Start one first.", "warning")
            return redirect(url_for("code_of_practice.manage"))
        return view(draft, *args, **kwargs)

    return view_with_draft


@blueprint.route("/admin/code-of-practice/draft/edit", methods=["GET", "POST"])
@requires(Role.ADMIN)
@with_open_draft
def edit_draft(draft):
    # Prefixed: the page also holds the form to add a standard, whose fields have the same names,
    # and two inputs with one id leave the second without its label.
    form = DraftForm(obj=draft, prefix="draft")
    if form.validate_on_submit():
        services.update_draft(current_user, draft, form.title.data, form.introduction.data)
        db.session.commit()
        flash("Draft saved.", "success")
        return redirect(url_for("code_of_practice.edit_draft"))
    return render_template(
        "code_of_practice/edit_draft.html",
        draft=draft,
        form=form,
        standard_form=StandardForm(formdata=None),
        button=EmptyForm(),
    )


@blueprint.route("/admin/code-of-practice/draft/standards", methods=["POST"])
@blueprint.route("/admin/code-of-practice/draft/standards/<int:standard_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
@with_open_draft
def save_standard(draft, standard_id=None):
    standard = belonging_or_404(Standard, standard_id, version_id=draft.id) if standard_id is not None else None
    form = StandardForm(obj=standard)
    if form.validate_on_submit():
        with carry_out(form) as call:
            services.save_standard(
                current_user, draft, form.code.data, form.title.data, form.description.data, standard
            )
        if call.succeeded:
            flash(f"Standard {form.code.data.upper()} saved.", "success")
            return redirect(url_for("code_of_practice.edit_draft"))
    return render_template("code_of_practice/standard.html", draft=draft, standard=standard, form=form)


@blueprint.route("/admin/code-of-practice/draft/standards/<int:standard_id>/remove", methods=["POST"])
@requires(Role.ADMIN)
def remove_standard(standard_id):
    draft = services.open_draft() or abort(404)
    standard = belonging_or_404(Standard, standard_id, version_id=draft.id)
    carry_out_button(
        lambda: services.remove_standard(current_user, draft, standard),
        done=f"Standard {standard.code} removed from the draft.",
    )
    return redirect(url_for("code_of_practice.edit_draft"))


@blueprint.route("/admin/code-of-practice/draft/publish", methods=["POST"])
@requires(Role.ADMIN)
@with_open_draft
def publish(draft):
    published = carry_out_button(
        lambda: services.publish(current_user, draft),
        done=f"{draft.label} is published. Members accept it when they join or renew.",
    )
    # A refused publication goes back to the draft, where what is missing can be put right.
    return redirect(url_for("code_of_practice.manage" if published else "code_of_practice.edit_draft"))
