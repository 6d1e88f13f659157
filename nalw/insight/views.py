"""Members' pages (report a gap or barrier, see, change and withdraw their own) and the public figures."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from nalw.core.csv_export import csv_response
from nalw.core.forms import EmptyForm, carry_out, carry_out_button, show_refusal
from nalw.core.paging import page_number
from nalw.core.permissions import Role, public, signed_in
from nalw.core.records import belonging_or_404
from nalw.core.regions import Region
from nalw.core.time import Period, london_today
from nalw.extensions import db
from nalw.insight import blueprint, charts, figures, open_data_file, services
from nalw.insight.forms import ReportForm, YearForm
from nalw.insight.models import Report
from nalw.insight.open_data_file import OPEN_GOVERNMENT_LICENCE
from nalw.insight.suppression import suppress


def _own_report(report_id) -> Report:
    return belonging_or_404(Report, report_id, reporter_id=current_user.id)


def _save(form, save):
    """Every problem at once: the form's own checks, then the report rules on what was read."""
    form.validate()
    region = Region(form.region.data) if form.region.data and not form.region.errors else None
    refusals = services.report_refusals(
        region=region, local_authority=form.local_authority.data, description=form.description.data or ""
    )
    checked_by_form = {name for name, errors in form.errors.items() if errors}
    for refusal in refusals:
        if refusal.field not in checked_by_form:
            show_refusal(form, refusal)
    if form.errors:
        return None
    with carry_out(form) as call:
        report = save(**form.report_values())
    return report if call.succeeded else None


@blueprint.route("/insight/report", methods=["GET", "POST"])
@signed_in
def new_report():
    membership = services.membership_in_good_standing(current_user)
    if membership is None:
        return render_template("insight/not_a_member.html")
    form = ReportForm()
    if not form.is_submitted():
        # The form starts with the region of the membership.
        form.region.data = membership.region.value if membership.region else None
    if form.is_submitted():
        report = _save(form, lambda **values: services.make_report(current_user, **values))
        if report is not None:
            flash("Thank you: your report is in. It counts in the figures from today.", "success")
            return redirect(url_for("insight.my_reports"))
    return render_template("insight/report.html", form=form, report=None)


@blueprint.route("/insight/my-reports")
@signed_in
def my_reports():
    page = db.paginate(services.own_reports(current_user), page=page_number(), per_page=services.PER_PAGE)
    return render_template("insight/my_reports.html", page=page, form=EmptyForm())


@blueprint.route("/insight/reports/<int:report_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_report(report_id):
    report = _own_report(report_id)
    refusal = services.change_refusal(current_user, report)
    if refusal is not None:
        flash(refusal, "warning")
        return redirect(url_for("insight.my_reports"))
    form = ReportForm()
    form.submit.label.text = "Save changes"
    if not form.is_submitted():
        form.show(report)
    else:
        saved = _save(form, lambda **values: services.edit_report(current_user, report, **values))
        if saved is not None:
            flash("Your report is saved.", "success")
            return redirect(url_for("insight.my_reports"))
    return render_template("insight/report.html", form=form, report=report)


@blueprint.route("/insight/reports/<int:report_id>/withdraw", methods=["POST"])
@signed_in
def withdraw_report(report_id):
    report = _own_report(report_id)
    carry_out_button(
        lambda: services.withdraw_report(current_user, report),
        done="Report withdrawn. It no longer counts in any figure.",
    )
    return redirect(url_for("insight.my_reports"))


def _public_year():
    """The year asked for (?year=2025), from the first year with reports to this one; else this year.
    Only whole calendar years are offered: figures for overlapping periods could be subtracted from
    each other to recover the small counts that each of them suppresses."""
    this_year = london_today().year
    first = min(figures.first_year(), this_year)
    form = YearForm(request.args, first=first, last=this_year)
    if not (request.args.get("year") and form.validate()):
        form = YearForm(formdata=None, year=str(this_year), first=first, last=this_year)
    return form, int(form.year.data)


def _public_table(year):
    counts = figures.counts_by_theme_and_region(Period.year(year))
    return suppress(figures.THEMES, figures.REGIONS, counts)


@blueprint.route("/insight")
@public
def public_figures():
    form, year = _public_year()
    table = _public_table(year)
    return render_template(
        "insight/public.html",
        form=form,
        year=year,
        table=table,
        tiles=charts.region_tiles(table.column_totals),
        licence_url=OPEN_GOVERNMENT_LICENCE,
        open_data_columns=open_data_file.COLUMNS,
        can_report=current_user.is_authenticated and current_user.has_role(Role.MEMBER),
    )


@blueprint.route("/insight/open-data.csv")
@public
def open_data():
    """The public table of the year as tidy data (`nalw.insight.open_data_file`), suppressed as on the page. The
    file holds only data; its licence is on the page and in the response's Link header."""
    _form, year = _public_year()
    table = _public_table(year)
    rows = open_data_file.rows(Period.year(year), table)
    response = csv_response(open_data_file.filename(year), open_data_file.HEADER, rows)
    response.headers["Link"] = f'<{OPEN_GOVERNMENT_LICENCE}>; rel="license"'
    return response
