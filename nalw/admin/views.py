"""Staff and admin pages for people, the audit log and the email outbox."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from nalw.accounts import services as account_services
from nalw.accounts.forms import EmptyForm
from nalw.accounts.models import Person, RoleGrant
from nalw.admin import blueprint
from nalw.admin.forms import AuditFilterForm, OutboxFilterForm, PeopleSearchForm, RoleChangeForm
from nalw.core.audit import AuditEntry, record_audit
from nalw.core.outbox import OutboxMessage, OutboxStatus, retry_now
from nalw.core.paging import page_number
from nalw.core.permissions import Role, requires
from nalw.extensions import db
from nalw.members.models import Membership, MembershipStatus

PER_PAGE = 50


@blueprint.route("/")
@requires(Role.STAFF)
def dashboard():
    people = db.session.scalar(sa.select(sa.func.count(Person.id)).where(Person.erased_at.is_(None)))
    memberships = dict(
        db.session.execute(
            sa.select(Membership.status, sa.func.count(Membership.id))
            .where(Membership.for_organisation.is_(False))
            .group_by(Membership.status)
        ).all()
    )
    emails = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
        ).all()
    )
    tiles = [
        ("Active members", memberships.get(MembershipStatus.ACTIVE, 0), "members.applications"),
        ("Applications waiting for a decision", memberships.get(MembershipStatus.PAID, 0), "members.applications"),
        ("Applications not paid yet", memberships.get(MembershipStatus.APPLIED, 0), "members.applications"),
        ("In grace period", memberships.get(MembershipStatus.GRACE, 0), "members.applications"),
        ("People with accounts", people, "admin.people"),
        ("Emails waiting to send", emails.get(OutboxStatus.WAITING, 0), "admin.outbox"),
        ("Emails that failed", emails.get(OutboxStatus.FAILED, 0), "admin.outbox"),
    ]
    return render_template("admin/dashboard.html", tiles=tiles)


@blueprint.route("/people")
@requires(Role.STAFF)
def people():
    form = PeopleSearchForm(request.args)
    query = (
        sa.select(Person)
        .where(Person.erased_at.is_(None))
        .options(selectinload(Person.role_grants))
        .order_by(Person.name, Person.id)
    )
    if form.validate():
        if form.q.data:
            pattern = f"%{form.q.data.strip().lower()}%"
            query = query.where(sa.or_(sa.func.lower(Person.name).like(pattern), Person.email.like(pattern)))
        if form.role.data:
            query = query.where(Person.role_grants.any(RoleGrant.role == Role(form.role.data)))
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/people.html", form=form, page=page)


@blueprint.route("/people/<int:person_id>")
@requires(Role.STAFF)
def person(person_id):
    found = db.get_or_404(Person, person_id)
    history = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.target_type == "Person", AuditEntry.target_id == str(found.id))
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
        .limit(50)
    ).all()
    emails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.person_id == found.id).order_by(OutboxMessage.id.desc()).limit(50)
    ).all()
    return render_template(
        "admin/person.html",
        person=found,
        history=history,
        emails=emails,
        grant_form=RoleChangeForm(),
        revoke_form=EmptyForm(),
        can_manage_roles=current_user.has_role(Role.ADMIN),
    )


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
    try:
        role = Role(role)
    except ValueError:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            account_services.revoke_role(current_user, found, role)
        except account_services.AccountError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"{found.name} is no longer {role.label}.", "success")
    return redirect(url_for("admin.person", person_id=found.id))


@blueprint.route("/audit")
@requires(Role.ADMIN)
def audit_log():
    form = AuditFilterForm(request.args)
    query = sa.select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if form.validate():
        if form.action.data:
            query = query.where(AuditEntry.action == form.action.data.strip())
        if form.target_type.data:
            query = query.where(AuditEntry.target_type == form.target_type.data.strip())
        if form.target_id.data:
            query = query.where(AuditEntry.target_id == form.target_id.data.strip())
        if form.actor.data:
            query = query.join(Person, AuditEntry.actor_id == Person.id).where(
                Person.email == form.actor.data.strip().lower()
            )
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/audit_log.html", form=form, page=page)


@blueprint.route("/emails")
@requires(Role.STAFF)
def outbox():
    form = OutboxFilterForm(request.args)
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if form.validate():
        if form.to.data:
            query = query.where(OutboxMessage.to_address.like(f"%{form.to.data.strip().lower()}%"))
        if form.status.data:
            query = query.where(OutboxMessage.status == OutboxStatus(form.status.data))
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/outbox.html", form=form, page=page)


@blueprint.route("/emails/<int:message_id>")
@requires(Role.STAFF)
def outbox_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message, retry_form=EmptyForm())


@blueprint.route("/emails/<int:message_id>/retry", methods=["POST"])
@requires(Role.STAFF)
def retry_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    if EmptyForm().validate_on_submit() and message.status is OutboxStatus.FAILED:
        before = {"status": message.status, "attempts": message.attempts}
        retry_now(message)
        record_audit(
            current_user,
            "email.retried",
            message,
            before=before,
            after={"status": message.status, "attempts": message.attempts},
            summary=f"Email to {message.to_address} queued again",
        )
        db.session.commit()
        flash("The email will be sent again within a minute.", "success")
    return redirect(url_for("admin.outbox_message", message_id=message.id))
