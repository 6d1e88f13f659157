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
from nalw.members.organisations import organisations_handed_on_by
from nalw.members.services import reasoned_decisions_open

MEMBERS.serve(blueprint, "/members", "admin/members.html", requires(Role.STAFF))
# Each move of a membership into a status on chosen days: the rows behind the dashboard's lapses and resignations.
MEMBERSHIP_CHANGES.serve(blueprint, "/members/changes", "admin/membership_changes.html", requires(Role.STAFF))
# Memberships their holder renews, ending on chosen days: the rows behind the dashboard's renewals.
RENEWALS_DUE.serve(
    blueprint,
    "/members/renewals",
    "admin/renewals_due.html",
    requires(Role.STAFF),
    ahead_days=dashboard.RENEWALS_AHEAD_DAYS,
)


def _person_page(person, note_form):
    record = member_page.member_record(person)
    return render_template(
        "admin/person.html",
        person=person,
        membership=record.current_membership,
        organisation_membership=record.organisation_membership,
        memberships=record.memberships,
        # Their memberships name them no more once handed on: the handovers' audit entries do.
        handed_on=organisations_handed_on_by(person.id),
        timeline=member_page.timeline(record),
        cpd=member_page.cpd_this_year(record),
        note_form=note_form,
        button=EmptyForm(),
        # The decisions with a reason each membership shown allows, by its id.
        decisions={
            shown.id: reasoned_decisions_open(shown)
            for shown in (record.current_membership, record.organisation_membership)
            if shown is not None
        },
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
