"""Staff pages for members: the list with its search and export, one page per person, and their notes."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from nalw.accounts.models import Person
from nalw.admin import blueprint, dashboard, member_page, notes
from nalw.admin.forms import RoleChangeForm, StaffNoteForm
from nalw.admin.members import MEMBERS, MEMBERSHIP_CHANGES, RENEWALS_DUE
from nalw.core.forms import EmptyForm, carry_out
from nalw.core.permissions import Role, requires
from nalw.extensions import db
from nalw.members.forms import ReasonForm


@blueprint.route("/members")
@requires(Role.STAFF)
def members():
    return render_template("admin/members.html", listing=MEMBERS.page())


@blueprint.route("/members.csv")
@requires(Role.STAFF)
def members_csv():
    return MEMBERS.csv()


@blueprint.route("/members/changes")
@requires(Role.STAFF)
def membership_changes():
    """Each move of a membership into a status on chosen days: the rows behind the dashboard's lapses and
    resignations."""
    return render_template("admin/membership_changes.html", listing=MEMBERSHIP_CHANGES.page())


@blueprint.route("/members/changes.csv")
@requires(Role.STAFF)
def membership_changes_csv():
    return MEMBERSHIP_CHANGES.csv()


@blueprint.route("/members/renewals")
@requires(Role.STAFF)
def renewals_due():
    """Memberships their holder renews, ending on chosen days: the rows behind the dashboard's renewals."""
    return render_template(
        "admin/renewals_due.html", listing=RENEWALS_DUE.page(), ahead_days=dashboard.RENEWALS_AHEAD_DAYS
    )


@blueprint.route("/members/renewals.csv")
@requires(Role.STAFF)
def renewals_due_csv():
    return RENEWALS_DUE.csv()


def _person_page(person, note_form):
    record = member_page.member_record(person)
    return render_template(
        "admin/person.html",
        person=person,
        membership=record.current_membership,
        organisation_membership=record.organisation_membership,
        memberships=record.memberships,
        timeline=member_page.timeline(record),
        cpd=member_page.cpd_this_year(record),
        note_form=note_form,
        button=EmptyForm(),
        reason_form=ReasonForm(),
        grant_form=RoleChangeForm(),
        revoke_form=EmptyForm(),
        can_manage_roles=current_user.has_role(Role.ADMIN),
    )


@blueprint.route("/people/<int:person_id>")
@requires(Role.STAFF)
def person(person_id):
    return _person_page(db.get_or_404(Person, person_id), StaffNoteForm(formdata=None))


@blueprint.route("/people/<int:person_id>/notes", methods=["POST"])
@requires(Role.STAFF)
def add_note(person_id):
    """A note with a problem comes back on the page with the message at the field; nothing is saved."""
    found = db.get_or_404(Person, person_id)
    form = StaffNoteForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            notes.add_note(current_user, found, form.body.data)
        if call.succeeded:
            flash("Note added. The member does not see it.", "success")
            return redirect(url_for("admin.person", person_id=found.id, _anchor="timeline-heading"))
    return _person_page(found, form)
