"""Staff pages: themes by region over a period with the trend by month and the tile map, the reports behind
each figure, hiding a report, and the CSV."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from nalw.core.charts import line_chart
from nalw.core.csv_export import csv_response
from nalw.core.forms import carry_out
from nalw.core.paging import page_number
from nalw.core.permissions import Role, requires
from nalw.core.regions import Region
from nalw.core.time import Period, format_date
from nalw.extensions import db
from nalw.insight import blueprint, charts, figures, services
from nalw.insight.forms import HideForm, PeriodForm
from nalw.insight.models import Report, ReportStatus, Theme
from nalw.insight.suppression import unsuppressed

PER_PAGE = 25


def _period():
    form = PeriodForm(request.args)
    form.validate()
    return form, Period(*form.period_days())


def _enum_argument(enum_class, name):
    """?theme=transport as Theme.TRANSPORT; None when absent; 404 when it names nothing."""
    value = request.args.get(name)
    if not value:
        return None
    try:
        return enum_class(value)
    except ValueError:
        abort(404)


@blueprint.route("/admin/insight")
@requires(Role.STAFF)
def staff_figures():
    form, period = _period()
    counts, by_month = figures.counts_by_region_and_by_month(period)
    table = unsuppressed(figures.THEMES, figures.REGIONS, counts)
    months = tuple((month.year, month.month) for month in period.months())
    series = tuple(
        (theme.label, tuple(by_month.get((theme, month), 0) for month in months)) for theme in figures.THEMES
    )
    period_args = {"starts_on": period.starts_on.isoformat(), "ends_on": period.ends_on.isoformat()}

    def reports_link(theme=None, region=None):
        return url_for(
            "insight.staff_reports",
            theme=theme.value if theme else None,
            region=region.value if region else None,
            **period_args,
        )

    return render_template(
        "insight/staff.html",
        form=form,
        period=period,
        table=table,
        leading=figures.leading_theme_by_region(counts),
        months=months,
        month_label=charts.month_label,
        series=series,
        trend=line_chart(
            "trend",
            "Reports per month for each theme",
            "A line per theme. The same figures are in the table that follows.",
            [charts.month_label(month) for month in months],
            series,
        ),
        tiles=charts.region_tiles(table.column_totals),
        reports_link=reports_link,
        csv_url=url_for("insight.staff_reports_csv", **period_args),
    )


@blueprint.route("/admin/insight/reports")
@requires(Role.STAFF)
def staff_reports():
    """The reports behind one figure of the staff table: a theme, a region, both, or all of the period."""
    _form, period = _period()
    theme, region = _enum_argument(Theme, "theme"), _enum_argument(Region, "region")
    statement = figures.reports_in(period, theme, region)
    page = db.paginate(statement, page=page_number(), per_page=PER_PAGE)
    return render_template("insight/staff_reports.html", page=page, period=period, theme=theme, region=region)


@blueprint.route("/admin/insight/reports.csv")
@requires(Role.STAFF)
def staff_reports_csv():
    """Every active report of the period, without who made it."""
    _form, period = _period()
    reports = db.session.scalars(figures.reports_in(period)).all()
    return csv_response(
        f"insight-reports-{period.starts_on}-to-{period.ends_on}.csv",
        ["reported on", "theme", "region", "local authority area", "people affected", "service", "description"],
        [
            [
                report.reported_on.isoformat(),
                report.theme.label,
                report.region.label,
                report.local_authority,
                report.affected.label,
                report.service_state.label,
                report.description,
            ]
            for report in reports
        ],
    )


@blueprint.route("/admin/insight/reports/<int:report_id>/hide", methods=["GET", "POST"])
@requires(Role.STAFF)
def hide_report(report_id):
    report = db.get_or_404(Report, report_id)
    if report.status is not ReportStatus.ACTIVE:
        flash(f"This report is already {report.status.label.lower()}.", "info")
        return redirect(url_for("insight.staff_figures"))
    form = HideForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            services.hide_report(current_user, report, form.reason.data)
        if call.succeeded:
            flash(f"Report of {format_date(report.reported_on)} hidden. It no longer counts in any figure.", "success")
            return redirect(url_for("insight.staff_reports", theme=report.theme.value, region=report.region.value))
    return render_template("insight/staff_hide.html", form=form, report=report)
