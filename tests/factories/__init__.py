"""factory_boy factories and small builders: the one home of test data, built the way the app builds it.

Where a service keeps an invariant (an application accepts the code of practice, a fee is recorded
before approval, an entry's hours are whole quarter hours) the factory goes through that service.
Import from here: `from tests.factories import MembershipFactory, CpdEntryFactory`.
"""

from tests.factories.accounts import DEFAULT_PASSWORD, PersonFactory, staff_member
from tests.factories.admin import staff_note
from tests.factories.awards import (
    AwardCategoryFactory,
    AwardCycleFactory,
    NominationFactory,
    answers_for,
    assign_judge,
    cycle_in_phase,
    judge,
    nominee_values,
)
from tests.factories.cpd import (
    REFLECTION,
    CpdAuditFactory,
    CpdEntryFactory,
    EvidenceFactory,
    audited_year,
    docx_file,
    drawn_for_an_audit,
    elf_file,
    jpeg_file,
    pdf_file,
    png_file,
    publish_new_code_version,
    review_profile,
    standard,
    windows_exe_file,
)
from tests.factories.events import EventFactory, event_values, under_way
from tests.factories.insight import ReportFactory, reports_counted
from tests.factories.judging import declared, eligible_with_evidence, judge_of, scored
from tests.factories.members import (
    MembershipFactory,
    application_answers,
    link_worker_tier,
    organisation_membership,
    organisation_tier,
    seat_in,
    service_answers,
    tier_named,
)
from tests.factories.payments import PaymentFactory, pay_by_invoice, renew_by_invoice, saved_card

__all__ = [
    "declared",
    "eligible_with_evidence",
    "judge_of",
    "scored",
    "DEFAULT_PASSWORD",
    "AwardCategoryFactory",
    "AwardCycleFactory",
    "NominationFactory",
    "answers_for",
    "assign_judge",
    "cycle_in_phase",
    "judge",
    "nominee_values",
    "audited_year",
    "REFLECTION",
    "CpdAuditFactory",
    "CpdEntryFactory",
    "EventFactory",
    "under_way",
    "EvidenceFactory",
    "MembershipFactory",
    "PaymentFactory",
    "PersonFactory",
    "ReportFactory",
    "reports_counted",
    "application_answers",
    "docx_file",
    "drawn_for_an_audit",
    "elf_file",
    "event_values",
    "jpeg_file",
    "link_worker_tier",
    "organisation_membership",
    "organisation_tier",
    "pay_by_invoice",
    "pdf_file",
    "png_file",
    "publish_new_code_version",
    "renew_by_invoice",
    "review_profile",
    "saved_card",
    "seat_in",
    "service_answers",
    "standard",
    "staff_member",
    "staff_note",
    "tier_named",
    "windows_exe_file",
]
