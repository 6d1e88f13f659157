"""Staff and admin pages: the dashboard, people, the audit log and the email outbox."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from nalw.accounts import services as account_services
from nalw.accounts.models import Person
from nalw.admin import blueprint, lists, services
from nalw.admin import dashboard as staff_dashboard
from nalw.admin.dashboard import DEFAULT_PRESET, preset_period
from nalw.admin.forms import DashboardPeriodForm, RoleChangeForm
from nalw.core.forms import EmptyForm, carry_out_button
from nalw.core.outbox import OutboxMessage
from nalw.core.permissions import Role, requires
from nalw.core.records import found_or_404
from nalw.core.time import london_today, utcnow
from nalw.extensions import db


@blueprint.route("/")
@requires(Role.STAFF)
def dashboard():
    form = DashboardPeriodForm(request.args)
    today = london_today()
    period = form.chosen_period(today) if form.validate() else preset_period(DEFAULT_PRESET, today)
    return render_template(
        "admin/dashboard.html", form=form, period=period, sections=staff_dashboard.dashboard(period, utcnow())
    )


lists.PEOPLE.serve(blueprint, "/people", "admin/people.html", requires(Role.STAFF))


@blueprint.route("/people/<int:person_id>/roles", methods=["POST"])
@requires(Role.ADMIN)
def grant_role(person_id):
    found = db.get_or_404(Person, person_id)
    form = RoleChangeForm()
    if form.validate_on_submit():
        role = Role(form.role.data)
        account_services.grant_role(current_user, found, role)
        db.session.commit()
        flash(f"{found.name} is now {role.label}.", "success")
    else:
        flash("Choose a role from the list, then press Grant role.", "danger")
    return redirect(url_for("admin.person", person_id=found.id))


@blueprint.route("/people/<int:person_id>/roles/<role>/revoke", methods=["POST"])
@requires(Role.ADMIN)
def revoke_role(person_id, role):
    found = db.get_or_404(Person, person_id)
    role = found_or_404(Role.parse(role))
    carry_out_button(
        lambda: account_services.revoke_role(current_user, found, role), done=f"{found.name} is no longer {role.label}."
    )
    return redirect(url_for("admin.person", person_id=person_id))


# Staff read the log too (it is read-only); admins as well.
lists.AUDIT_LOG.serve(blueprint, "/audit", "admin/audit_log.html", requires(Role.STAFF))
lists.EMAILS.serve(blueprint, "/emails", "admin/outbox.html", requires(Role.STAFF))


@blueprint.route("/emails/<int:message_id>")
@requires(Role.STAFF)
def outbox_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message, retry_form=EmptyForm())


@blueprint.route("/emails/<int:message_id>/retry", methods=["POST"])
@requires(Role.STAFF)
def retry_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    if EmptyForm().validate_on_submit() and services.send_email_again(current_user, message):
        db.session.commit()
        flash("The email will be sent again within a minute.", "success")
    return redirect(url_for("admin.outbox_message", message_id=message_id))
