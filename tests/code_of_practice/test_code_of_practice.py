"""The code of practice: the public page shows the current version; admins draft and publish new ones,
and a published version never changes."""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from nalw.code_of_practice import services
from nalw.code_of_practice.defaults import FIRST_VERSION_STANDARDS
from nalw.code_of_practice.models import CodeVersion, Standard, VersionStatus
from nalw.core.audit import AuditEntry
from nalw.extensions import db
from tests.helpers import page_text, sign_in


def standards_on(response):
    """(code, title, description) of each standard the page shows."""
    html = response.get_data(as_text=True)
    found = re.findall(r'<h2 class="h4" id="[^"]*">([^.]+)\. ([^<]+)</h2>\s*<p>([^<]*)</p>', html)
    return [(code, unescape(title), unescape(description)) for code, title, description in found]


def code_tables():
    db.session.expire_all()
    return {
        model.__tablename__: db.session.execute(sa.select(model.__table__).order_by(model.__table__.c.id)).all()
        for model in (CodeVersion, Standard, AuditEntry)
    }


def audited(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.fixture
def admin_client(client, person_as):
    admin = person_as("admin")
    sign_in(client, admin)
    return client


def draft():
    return services.open_draft()


def add_standard(client, code="S10", title="Working with digital tools", description="I help people get online."):
    return client.post(
        "/admin/code-of-practice/draft/standards",
        data={"code": code, "title": title, "description": description},
        follow_redirects=True,
    )


def test_the_public_page_shows_the_current_versions_standards(client):
    response = client.get("/code-of-practice")

    assert response.status_code == 200
    assert "Code of practice for social prescribing link workers" in page_text(response)
    assert "Version 1, published" in page_text(response) and "(current)" in page_text(response)
    assert standards_on(response) == FIRST_VERSION_STANDARDS
    assert 8 <= len(FIRST_VERSION_STANDARDS) <= 10


def test_an_admin_drafts_edits_and_publishes_a_new_version(admin_client, client):
    first_version_page = standards_on(client.get("/code-of-practice/version-1"))

    response = admin_client.post("/admin/code-of-practice/draft", follow_redirects=True)
    assert "A new draft has been started from the current version." in page_text(response)
    new = draft()
    assert (new.number, new.status) == (2, VersionStatus.DRAFT)
    assert [(s.code, s.title, s.description) for s in new.standards] == FIRST_VERSION_STANDARDS

    admin_client.post(
        "/admin/code-of-practice/draft/edit",
        data={"draft-title": "Code of practice 2027", "draft-introduction": "What members promise."},
    )
    response = add_standard(admin_client, code="s10")
    assert "Standard S10 saved." in page_text(response)
    nine = next(s for s in new.standards if s.code == "S9")
    response = admin_client.post(f"/admin/code-of-practice/draft/standards/{nine.id}/remove", follow_redirects=True)
    assert "Standard S9 removed from the draft." in page_text(response)
    eight = next(s for s in new.standards if s.code == "S8")
    admin_client.post(
        f"/admin/code-of-practice/draft/standards/{eight.id}",
        data={"code": "S8", "title": "Working with primary care", "description": "I work as part of the team."},
    )
    # Nothing is public until it is published.
    assert standards_on(client.get("/code-of-practice")) == FIRST_VERSION_STANDARDS

    response = admin_client.post("/admin/code-of-practice/draft/publish", follow_redirects=True)

    assert "Version 2 is published. Members accept it when they join or renew." in page_text(response)
    assert services.current_version().id == new.id and new.published_at is not None
    public = client.get("/code-of-practice")
    assert "Code of practice 2027" in page_text(public) and "What members promise." in page_text(public)
    assert [code for code, _, _ in standards_on(public)] == ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S10"]
    assert ("S8", "Working with primary care", "I work as part of the team.") in standards_on(public)
    # The first version's page is as it was, marked as an earlier version.
    older = client.get("/code-of-practice/version-1")
    assert standards_on(older) == first_version_page
    assert "This is an earlier version." in page_text(older)
    assert [entry.action for entry in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))][-6:] == [
        "code.draft_started",
        "code.draft_edited",
        "code.standard_saved",
        "code.standard_removed",
        "code.standard_saved",
        "code.published",
    ]
    [published] = audited("code.published")
    assert (published.before, published.after) == ({"status": "draft"}, {"status": "published"})


def test_a_draft_is_not_shown_to_the_public(admin_client, client):
    admin_client.post("/admin/code-of-practice/draft")

    assert client.get("/code-of-practice/version-2").status_code == 404


def test_a_published_version_cannot_be_changed_through_the_services(app, person_as):
    admin = person_as("admin")
    published = services.current_version()
    standard = published.standards[0]
    before = code_tables()
    refusal = "Version 1 is published and cannot be changed. Start a new draft instead."

    attempts = [
        lambda: services.update_draft(admin, published, "A new title", ""),
        lambda: services.save_standard(admin, published, "S99", "New", "Added later"),
        lambda: services.save_standard(admin, published, "S1", "Changed", "Changed", standard=standard),
        lambda: services.remove_standard(admin, published, standard),
        lambda: services.publish(admin, published),
    ]
    for attempt in attempts:
        with pytest.raises(services.CodeOfPracticeError) as error:
            attempt()
        assert error.value.message == refusal

    db.session.flush()
    assert code_tables() == before


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("S1", "S1 is already used in this draft. Choose another code."),
        ("s3", "S3 is already used in this draft. Choose another code."),
        ("S 10", "Code can only use letters, numbers, dots and hyphens, like S10"),
        ("", "Enter a code, like S10"),
    ],
)
def test_a_bad_or_duplicate_code_in_a_draft_is_refused_on_the_field(admin_client, code, message):
    admin_client.post("/admin/code-of-practice/draft")
    before = code_tables()

    response = add_standard(admin_client, code=code)

    assert message in page_text(response)
    assert code_tables() == before


def test_changing_a_standard_to_another_ones_code_is_refused(admin_client):
    admin_client.post("/admin/code-of-practice/draft")
    two = next(s for s in draft().standards if s.code == "S2")
    before = code_tables()

    response = admin_client.post(
        f"/admin/code-of-practice/draft/standards/{two.id}",
        data={"code": "S1", "title": two.title, "description": two.description},
    )

    assert "S1 is already used in this draft. Choose another code." in page_text(response)
    assert code_tables() == before


def test_only_one_draft_at_a_time_and_an_empty_one_is_not_published(admin_client):
    admin_client.post("/admin/code-of-practice/draft")
    response = admin_client.post("/admin/code-of-practice/draft", follow_redirects=True)
    assert "A draft already exists. Edit or publish it first." in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(CodeVersion.id))) == 2

    for standard in list(draft().standards):
        admin_client.post(f"/admin/code-of-practice/draft/standards/{standard.id}/remove")
    response = admin_client.post("/admin/code-of-practice/draft/publish", follow_redirects=True)

    assert "A version needs at least one standard before it can be published." in page_text(response)
    assert draft().status is VersionStatus.DRAFT
    assert services.current_version().number == 1


def test_staff_who_are_not_admins_cannot_draft_or_publish(client, person_as):
    sign_in(client, person_as("staff"))
    before = code_tables()

    assert client.get("/admin/code-of-practice").status_code == 403
    assert client.post("/admin/code-of-practice/draft").status_code == 403
    assert client.post("/admin/code-of-practice/draft/publish").status_code == 403
    assert code_tables() == before
