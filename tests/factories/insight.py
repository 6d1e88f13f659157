"""Reports of gaps and barriers: made through the insight services by a member in good standing."""

import factory

from nalw.core.regions import Region
from nalw.extensions import db
from nalw.insight import services
from nalw.insight.models import AffectedBand, Report, ServiceState, Theme
from tests.factories.accounts import staff_member
from tests.factories.members import MembershipFactory


class ReportFactory(factory.Factory):
    """An active report, made today by a new member unless `reporter` is given:
    `ReportFactory(theme=Theme.HOUSING, region=Region.WALES, reporter=person)`.
    `reported_on=day` dates it (as if reported that day); traits `withdrawn` and `hidden` take it further."""

    class Meta:
        model = Report

    reporter = factory.LazyFunction(lambda: MembershipFactory().person)
    theme = Theme.TRANSPORT
    region = Region.NORTH_WEST
    local_authority = ""
    affected = AffectedBand.TWO_TO_FIVE
    service_state = ServiceState.UNREACHABLE
    description = "No bus to the Tuesday walking group since the route was cut."
    reported_on = None
    withdrawn = False
    hidden = False

    @classmethod
    def _create(cls, model_class, *, reporter, reported_on, withdrawn, hidden, **values):
        report = services.make_report(reporter, **values)
        if reported_on is not None:
            report.reported_on = reported_on
        if withdrawn:
            services.withdraw_report(reporter, report)
        if hidden:
            services.hide_report(staff_member(), report, "Names a patient")
        db.session.flush()
        return report

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("A report is made through the services: use ReportFactory(), not .build().")


def reports_counted(counts, reporter=None):
    """As many active reports of each theme and region as `counts` ((Theme, Region) -> number) says, all by one
    member (`reporter`, or a new member)."""
    reporter = reporter or MembershipFactory().person
    return [
        ReportFactory(reporter=reporter, theme=theme, region=region)
        for (theme, region), count in counts.items()
        for _ in range(count)
    ]
