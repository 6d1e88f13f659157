"""The rules of the code of practice. A published version never changes; admins draft a new one."""

import sqlalchemy as sa

from nalw.code_of_practice.defaults import FIRST_VERSION_INTRODUCTION, FIRST_VERSION_STANDARDS, FIRST_VERSION_TITLE
from nalw.code_of_practice.models import CodeVersion, Standard, VersionStatus
from nalw.core.audit import record_audit
from nalw.core.errors import DomainError
from nalw.core.time import utcnow
from nalw.extensions import db


class CodeOfPracticeError(DomainError):
    """A rule of the code of practice refused the change; `message` says why and what to do."""


def _newest_published(what) -> sa.Select:
    return (
        sa.select(what)
        .where(CodeVersion.status == VersionStatus.PUBLISHED)
        .order_by(CodeVersion.number.desc())
        .limit(1)
    )


def current_version() -> CodeVersion | None:
    """The newest published version: the one people accept when they join or renew."""
    return db.session.scalar(_newest_published(CodeVersion))


def current_version_id():
    """`current_version`'s id as a value inside a larger query (NULL while none is published)."""
    return _newest_published(CodeVersion.id).scalar_subquery()


def published_versions() -> list[CodeVersion]:
    return db.session.scalars(
        sa.select(CodeVersion).where(CodeVersion.status == VersionStatus.PUBLISHED).order_by(CodeVersion.number.desc())
    ).all()


def version_by_number(number: int) -> CodeVersion | None:
    return db.session.scalar(sa.select(CodeVersion).where(CodeVersion.number == number))


def open_draft() -> CodeVersion | None:
    return db.session.scalar(sa.select(CodeVersion).where(CodeVersion.status == VersionStatus.DRAFT))


def _snapshot(version):
    return {
        "title": version.title,
        "introduction": version.introduction,
        "status": version.status,
        "standards": [f"{standard.code}: {standard.title}" for standard in version.standards],
    }


def _require_draft(version):
    if version.is_published:
        raise CodeOfPracticeError(f"{version.label} is published and cannot be changed. Start a new draft instead.")


def start_draft(actor) -> CodeVersion:
    """A new draft, copied from the current version. Only one draft at a time."""
    if open_draft() is not None:
        raise CodeOfPracticeError("A draft already exists. Edit or publish it first.")
    base = current_version()
    highest = db.session.scalar(sa.select(sa.func.max(CodeVersion.number))) or 0
    draft = CodeVersion(
        number=highest + 1,
        title=base.title if base else FIRST_VERSION_TITLE,
        introduction=base.introduction if base else FIRST_VERSION_INTRODUCTION,
        standards=[
            Standard(code=s.code, title=s.title, description=s.description, position=s.position)
            for s in (base.standards if base else [])
        ],
    )
    db.session.add(draft)
    db.session.flush()
    record_audit(actor, "code.draft_started", draft, after=_snapshot(draft), summary=f"Started draft {draft.label}")
    return draft


def update_draft(actor, version, title, introduction):
    _require_draft(version)
    before = _snapshot(version)
    version.title = title.strip()
    version.introduction = introduction.strip()
    record_audit(actor, "code.draft_edited", version, before=before, after=_snapshot(version))


def save_standard(actor, version, code, title, description, standard=None) -> Standard:
    """Add a standard to a draft, or change one already in it."""
    _require_draft(version)
    code = code.strip().upper()
    clash = next((s for s in version.standards if s.code == code and s is not standard), None)
    if clash is not None:
        raise CodeOfPracticeError(f"{code} is already used in this draft. Choose another code.", field="code")
    before = _snapshot(version)
    if standard is None:
        position = max((s.position for s in version.standards), default=0) + 1
        standard = Standard(code=code, title=title.strip(), description=description.strip(), position=position)
        version.standards.append(standard)
    else:
        standard.code, standard.title, standard.description = code, title.strip(), description.strip()
    db.session.flush()
    record_audit(
        actor,
        "code.standard_saved",
        version,
        before=before,
        after=_snapshot(version),
        summary=f"Saved {code} in {version.label}",
    )
    return standard


def remove_standard(actor, version, standard):
    _require_draft(version)
    before = _snapshot(version)
    version.standards.remove(standard)
    db.session.flush()
    record_audit(
        actor,
        "code.standard_removed",
        version,
        before=before,
        after=_snapshot(version),
        summary=f"Removed {standard.code} from {version.label}",
    )


def publish(actor, version):
    """Publish a draft: it becomes the version people accept from now on, and never changes again."""
    _require_draft(version)
    if not version.standards:
        raise CodeOfPracticeError("A version needs at least one standard before it can be published.")
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    record_audit(
        actor,
        "code.published",
        version,
        before={"status": VersionStatus.DRAFT},
        after={"status": version.status},
        summary=f"Published {version.label}",
    )


def seed_first_version() -> CodeVersion | None:
    """The default code, on an installation that has none yet."""
    if db.session.scalar(sa.select(sa.func.count(CodeVersion.id))):
        return None
    version = CodeVersion(
        number=1,
        title=FIRST_VERSION_TITLE,
        introduction=FIRST_VERSION_INTRODUCTION,
        status=VersionStatus.PUBLISHED,
        published_at=utcnow(),
        standards=[
            Standard(code=code, title=title, description=description, position=position)
            for position, (code, title, description) in enumerate(FIRST_VERSION_STANDARDS, start=1)
        ],
    )
    db.session.add(version)
    db.session.flush()
    return version
