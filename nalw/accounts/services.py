"""The rules of accounts. Views, commands and tests all change accounts through these.

Services flush and never commit: the caller (a view, a command) commits once.
"""

import contextlib
import datetime as dt
import functools
import unicodedata

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy.orm import contains_eager

from nalw.accounts.models import Person, RecoveryCode, RoleGrant, SignInFailure, SignInSession
from nalw.accounts.security import (
    InvalidLink,
    check_against_no_account,
    fingerprint,
    hash_password,
    make_link_token,
    matching_totp_step,
    new_recovery_codes,
    new_session_token,
    new_totp_secret,
    password_matches,
    password_needs_rehash,
    read_link_token,
    recovery_code_digest,
    session_token_digest,
    unusable_password_hash,
)
from nalw.core.audit import erase_mentions, record_audit
from nalw.core.errors import DomainError
from nalw.core.links import absolute_link
from nalw.core.outbox import queue_email
from nalw.core.permissions import Role
from nalw.core.personal_data import (
    ERASED_NAME,
    as_iso,
    collect_personal_data,
    erase_personal_data,
    erased_email,
    erasure_refusals,
    personal_data_exporter,
)
from nalw.core.time import format_datetime, utcnow
from nalw.extensions import db

# One answer for every refused sign-in (wrong password, unknown address, paused), so the page
# never tells whether an address has an account.
SIGN_IN_REFUSED = (
    "The email address or password is not right, or this device has made too many attempts. "
    "Check them and try again in a few minutes, or reset your password."
)
# How often a session's last-seen time is written: often enough to read, rarely enough to cost nothing.
LAST_SEEN_EVERY = dt.timedelta(minutes=10)


class AccountError(DomainError):
    """A rule of accounts refused the change; `message` says why, for the person."""


class InvalidCredentials(AccountError):
    pass


class AccountLocked(AccountError):
    pass


class InvalidCode(AccountError):
    field = "code"


class TwoFactorRequired(AccountError):
    pass


def folded_email(address: str) -> str:
    """NFKC then case-folded: full-width or differently cased letters give the same address."""
    return unicodedata.normalize("NFKC", address or "").strip().casefold()


def normalise_email(address: str) -> str:
    """The form we store and compare: folded, validated syntax. Raises AccountError."""
    try:
        result = validate_email(folded_email(address), check_deliverability=False)
    except EmailNotValidError:
        raise AccountError("Enter an email address in the right format, like name@example.org", field="email")
    return result.normalized.casefold()


def sign_in_limit_key(address: str, client_address: str) -> str:
    """The rate-limit key for sign-in attempts: the address as stored, tried from one client address.

    Keyed on both, so attempts from elsewhere never use up the owner's allowance.
    """
    try:
        email = normalise_email(address)
    except AccountError:
        email = folded_email(address)
    return f"sign-in:{email}:{client_address}"


def find_by_email(address: str) -> Person | None:
    try:
        email = normalise_email(address)
    except AccountError:
        return None
    return db.session.scalar(sa.select(Person).where(Person.email == email))


def email_link_days() -> int:
    """How many days a link to confirm an email address works (EMAIL_TOKEN_MAX_AGE), as the email says."""
    return current_app.config["EMAIL_TOKEN_MAX_AGE"] // (24 * 60 * 60)


# --- Sign-up and verification -----------------------------------------------------------


def sign_up(name: str, email: str, password: str) -> Person | None:
    """Create an account and email a verification link.

    If the address already has an account, its owner is emailed instead and no
    account is made: the page the person sees is the same, so sign-up cannot be
    used to find out who has an account.
    """
    email = normalise_email(email)
    existing = db.session.scalar(sa.select(Person).where(Person.email == email))
    if existing is not None:
        hash_password(password)  # spend the time a new account takes, so timing reveals nothing
        queue_email(
            existing.email,
            "accounts/already_registered",
            "You already have a NALW account",
            person=existing,
            sign_in_link=absolute_link("accounts.sign_in"),
            reset_link=absolute_link("accounts.forgot_password"),
        )
        return None
    person = Person(name=name.strip(), email=email, password_hash=hash_password(password), password_changed_at=utcnow())
    db.session.add(person)
    db.session.flush()
    send_verification_email(person)
    return person


def email_one_time_link(person, address, template, subject, endpoint, purpose, payload, **context):
    """Email `address` a signed link to `endpoint`, for `purpose`; the token stays masked for everyone but
    the recipient (see `queue_email`)."""
    token = make_link_token(purpose, payload)
    queue_email(
        address,
        template,
        subject,
        person=person,
        link=absolute_link(endpoint, token=token),
        secrets=(token,),
        **context,
    )


def send_verification_email(person: Person):
    email_one_time_link(
        person,
        person.email,
        "accounts/verify_email",
        "Confirm your email address",
        "accounts.verify_email",
        "verify-email",
        {"person": person.id, "email": person.email},
        days=email_link_days(),
    )


def verify_email(token: str) -> Person:
    payload = read_link_token("verify-email", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    person = db.session.get(Person, payload.get("person"))
    if person is None or person.erased_at or person.email != payload.get("email"):
        raise InvalidLink()
    if person.email_verified_at is None:
        person.email_verified_at = utcnow()
    return person


# --- Signing in ---------------------------------------------------------------------------


def authenticate(email: str, password: str, client_address: str, now=None) -> Person:
    """The person whose password this is, or InvalidCredentials with one message for every refusal.

    Lock-out is per account and client address: failures count per (account, address) pair,
    and at the threshold sign-in to that account from that address pauses for a while (its
    owner is emailed). Someone failing on purpose elsewhere never locks the owner out. A
    paused pair refuses even the right password, with the same message as an unknown address,
    and every attempt does the same hashing work (one verification), known address or not.
    """
    now = now or utcnow()
    person = find_by_email(email)
    if person is None or person.erased_at is not None:
        check_against_no_account(password)
        raise InvalidCredentials(SIGN_IN_REFUSED)
    failure = _failures_from(person, client_address)
    right = password_matches(person.password_hash, password)
    if failure is not None and failure.is_locked(now):
        raise InvalidCredentials(SIGN_IN_REFUSED)
    if not right:
        _record_failed_sign_in(person, client_address, now, failure)
        raise InvalidCredentials(SIGN_IN_REFUSED)
    if password_needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    return person


def _failures_from(person, client_address) -> SignInFailure | None:
    return db.session.scalar(
        sa.select(SignInFailure).where(
            SignInFailure.person_id == person.id, SignInFailure.client_address == client_address
        )
    )


def _record_failed_sign_in(person, client_address, now, failure):
    """`failure` is the pair's row the caller has already read (None before the first failure)."""
    config = current_app.config
    # Counts from other addresses that have gone quiet are forgotten, so the table stays small.
    quiet_since = now - dt.timedelta(minutes=config["LOCKOUT_MINUTES"])
    db.session.execute(
        sa.delete(SignInFailure).where(
            SignInFailure.person_id == person.id,
            SignInFailure.client_address != client_address,
            SignInFailure.last_failed_at < quiet_since,
            sa.or_(SignInFailure.locked_until.is_(None), SignInFailure.locked_until < now),
        )
    )
    if failure is None:
        failure = SignInFailure(person_id=person.id, client_address=client_address, failed_count=0)
        db.session.add(failure)
    elif failure.last_failed_at < quiet_since:
        failure.failed_count = 0  # old failures are forgotten
    failure.failed_count += 1
    failure.last_failed_at = now
    if failure.failed_count >= config["LOCKOUT_THRESHOLD"]:
        failure.locked_until = now + dt.timedelta(minutes=config["LOCKOUT_MINUTES"])
        failure.failed_count = 0
        queue_email(
            person.email,
            "accounts/account_locked",
            "Sign-in to your NALW account was paused",
            person=person,
            client_address=client_address,
            locked_until=format_datetime(failure.locked_until),
            reset_link=absolute_link("accounts.forgot_password"),
        )
    db.session.flush()


def complete_sign_in(person: Person, client_address: str, user_agent: str = "", now=None) -> SignInSession:
    """Called once every factor has been checked: forgets this address's failures, opens a sign-in session."""
    now = now or utcnow()
    db.session.execute(
        sa.delete(SignInFailure).where(
            SignInFailure.person_id == person.id, SignInFailure.client_address == client_address
        )
    )
    person.last_sign_in_at = now
    return open_sign_in_session(person, user_agent, now)


def verify_second_factor(person: Person, code: str, client_address: str, now=None) -> str:
    """Accept a current authenticator code (once) or an unused recovery code.

    Returns "totp" or "recovery". A wrong code counts as a failed sign-in from this address.
    """
    now = now or utcnow()
    failure = _failures_from(person, client_address)
    if failure is not None and failure.is_locked(now):
        raise AccountLocked("Sign-in from this device is paused after too many failed attempts. Try again later.")
    step = matching_totp_step(person.totp_secret, code, now.timestamp()) if person.totp_secret else None
    if step is not None and (person.totp_last_step is None or step > person.totp_last_step):
        person.totp_last_step = step
        return "totp"
    recovery = db.session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.person_id == person.id,
            RecoveryCode.code_digest == recovery_code_digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is not None:
        recovery.used_at = now
        return "recovery"
    _record_failed_sign_in(person, client_address, now, failure)
    raise InvalidCode("That code is not right. Enter the 6-digit code your app shows now, or a recovery code.")


# --- Sign-in sessions ------------------------------------------------------------------------


def open_sign_in_session(person: Person, user_agent: str = "", now=None) -> SignInSession:
    """A new server-side session for `person`; its random id is on `.token`, only its digest is stored."""
    now = now or utcnow()
    token = new_session_token()
    record = SignInSession(
        person=person,
        token_digest=session_token_digest(token),
        created_at=now,
        last_seen_at=now,
        user_agent=user_agent or "",
    )
    db.session.add(record)
    db.session.flush()
    record.token = token
    person.sign_in_session = record
    return record


def sign_in_session_for(token) -> SignInSession | None:
    """The live session `token` names, with its person and their roles, in one indexed query.

    Runs on every signed-in request (the user loader), for the session cookie and the
    remember-me cookie alike.
    """
    if not token or not isinstance(token, str):
        return None
    record = (
        db.session.execute(
            _live_session_statement(), {"token_digest": session_token_digest(token), "live_since": _live_since()}
        )
        .unique()
        .scalar_one_or_none()
    )
    if record is None:
        return None
    record.token = token
    record.person.sign_in_session = record
    return record


@functools.cache
def _live_session_statement():
    """Built once and kept: each signed-in request only binds its token's digest and `_live_since`."""
    return (
        sa.select(SignInSession)
        .join(SignInSession.person)
        .where(
            SignInSession.token_digest == sa.bindparam("token_digest"),
            _is_live(sa.bindparam("live_since")),
            Person.erased_at.is_(None),
        )
        .options(contains_eager(SignInSession.person).joinedload(Person.role_grants))
    )


def _live_since(now=None):
    """The earliest a live session began: none is older than the longest a cookie lasts (remember me), so none
    lives forever."""
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION"]
    if not isinstance(lifetime, dt.timedelta):
        lifetime = dt.timedelta(seconds=lifetime)
    return (now or utcnow()) - lifetime


def _is_live(since):
    """Not ended, and begun after `since` (`_live_since`)."""
    return sa.and_(SignInSession.revoked_at.is_(None), SignInSession.created_at > since)


def needs_last_seen_update(record: SignInSession, now=None) -> bool:
    return record.last_seen_at < (now or utcnow()) - LAST_SEEN_EVERY


def note_last_seen(record_id: int, now=None):
    db.session.execute(
        sa.update(SignInSession).where(SignInSession.id == record_id).values(last_seen_at=now or utcnow())
    )


def end_sign_in_session(record: SignInSession | None, now=None):
    """Sign-out: this session, and every copy of its cookies, stops working."""
    if record is not None and record.revoked_at is None:
        _forget_secrets(record)
        record.revoked_at = now or utcnow()
        db.session.flush()


def end_other_sign_in_sessions(person: Person, keep: SignInSession | None = None, now=None):
    """Every session of `person` ends except `keep` (the one making the change), if given."""
    query = sa.update(SignInSession).where(SignInSession.person_id == person.id, SignInSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(SignInSession.id != keep.id)
    db.session.execute(
        query.values(revoked_at=now or utcnow(), pending_totp_secret=None, recovery_codes_to_show=None),
        execution_options={"synchronize_session": "fetch"},
    )


def sign_out_everywhere(person: Person):
    """Every session of `person` ends, the one asking too."""
    end_other_sign_in_sessions(person)


def live_sign_in_session_count(person: Person) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SignInSession)
        .where(SignInSession.person_id == person.id, _is_live(_live_since()))
    )


def _forget_secrets(record):
    record.pending_totp_secret = None
    record.recovery_codes_to_show = None


# --- Two-factor enrolment ------------------------------------------------------------------


def enrolment_secret(record: SignInSession) -> str:
    """The key offered for the authenticator app: kept with the sign-in session on the server
    (never in the readable session cookie), the same until it is used."""
    if record.pending_totp_secret is None:
        record.pending_totp_secret = new_totp_secret()
        db.session.flush()
    return record.pending_totp_secret


def enable_two_factor(person: Person, record: SignInSession, code: str, now=None) -> list[str]:
    """Switch on two-factor once the person proves their app has the key offered to this session.

    Every other session ends. The new recovery codes are returned and kept with this session
    until they are shown once (`take_recovery_codes_to_show`).
    """
    now = now or utcnow()
    secret = record.pending_totp_secret
    step = matching_totp_step(secret, code, now.timestamp()) if secret else None
    if step is None:
        raise InvalidCode("That code is not right. Enter the 6-digit code your app shows for NALW now.")
    person.totp_secret = secret
    person.totp_enabled_at = now
    person.totp_last_step = step
    record.pending_totp_secret = None
    codes = make_new_recovery_codes(person, record)
    queue_email(person.email, "accounts/two_factor_on", "Two-factor sign-in is on", person=person)
    return codes


def make_new_recovery_codes(person: Person, record: SignInSession) -> list[str]:
    """New codes replace the old; every other session ends; this session shows them once."""
    codes = replace_recovery_codes(person)
    record.recovery_codes_to_show = codes
    end_other_sign_in_sessions(person, keep=record)
    db.session.flush()
    return codes


def take_recovery_codes_to_show(record: SignInSession) -> list[str] | None:
    """The new codes, once: they are forgotten as they are handed over."""
    codes = record.recovery_codes_to_show
    record.recovery_codes_to_show = None
    db.session.flush()
    return codes


def replace_recovery_codes(person: Person) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    codes = new_recovery_codes()
    db.session.add_all(RecoveryCode(person_id=person.id, code_digest=recovery_code_digest(code)) for code in codes)
    db.session.flush()
    return codes


def disable_two_factor(person: Person, password: str, keep: SignInSession | None = None):
    if person.two_factor_required:
        raise TwoFactorRequired("Your role needs two-factor sign-in, so it cannot be switched off.")
    if not password_matches(person.password_hash, password):
        raise AccountError("Your password is not right. Enter the password you sign in with.", field="password")
    person.totp_secret = None
    person.totp_enabled_at = None
    person.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    end_other_sign_in_sessions(person, keep=keep)
    queue_email(person.email, "accounts/two_factor_off", "Two-factor sign-in is off", person=person)


def unused_recovery_code_count(person: Person) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(RecoveryCode.person_id == person.id, RecoveryCode.used_at.is_(None))
    )


# --- Passwords ---------------------------------------------------------------------------


def change_password(person: Person, current_password: str, new_password: str, keep: SignInSession | None = None):
    """A new password ends every session but `keep`, the one making the change."""
    if not password_matches(person.password_hash, current_password):
        raise AccountError(
            "Your current password is not right. Enter the password you sign in with.", field="current_password"
        )
    _set_password(person, new_password)
    end_other_sign_in_sessions(person, keep=keep)
    queue_email(person.email, "accounts/password_changed", "Your NALW password was changed", person=person)


def _set_password(person, new_password):
    person.password_hash = hash_password(new_password)
    person.password_changed_at = utcnow()


def request_password_reset(email: str):
    """Email a reset link if the address has an account. Says nothing either way."""
    person = find_by_email(email)
    if person is None or person.erased_at is not None:
        return
    email_one_time_link(
        person,
        person.email,
        "accounts/reset_password",
        "Reset your NALW password",
        "accounts.reset_password",
        "reset-password",
        {"person": person.id, "password": fingerprint(person.password_hash)},
        minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
    )


def person_for_reset_link(token: str) -> Person:
    """The link works once: it carries a fingerprint of the password it replaces."""
    payload = read_link_token("reset-password", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    person = db.session.get(Person, payload.get("person"))
    if person is None or person.erased_at or payload.get("password") != fingerprint(person.password_hash):
        raise InvalidLink("This link has already been used or is no longer valid. Ask for a new one.")
    return person


def reset_password(token: str, new_password: str) -> Person:
    person = person_for_reset_link(token)
    _set_password(person, new_password)
    # Whoever follows the emailed link owns the account: every session ends, every pause lifts.
    end_other_sign_in_sessions(person)
    db.session.execute(sa.delete(SignInFailure).where(SignInFailure.person_id == person.id))
    # Following the emailed link proves the address, too.
    person.email_verified_at = person.email_verified_at or utcnow()
    queue_email(person.email, "accounts/password_changed", "Your NALW password was changed", person=person)
    return person


# --- Changing email ----------------------------------------------------------------------


def request_email_change(person: Person, new_email: str, password: str):
    """Email a confirmation link to the new address; the change happens when it is followed."""
    new_email = normalise_email(new_email)
    if not password_matches(person.password_hash, password):
        raise AccountError("Your password is not right. Enter the password you sign in with.", field="password")
    if new_email == person.email:
        raise AccountError("That is already your email address. Enter a different one.", field="email")
    if db.session.scalar(sa.select(Person.id).where(Person.email == new_email)) is not None:
        raise AccountError("Another account uses that email address. Enter a different one.", field="email")
    email_one_time_link(
        person,
        new_email,
        "accounts/confirm_new_email",
        "Confirm your new email address",
        "accounts.confirm_email_change",
        "change-email",
        {"person": person.id, "old": person.email, "new": new_email},
        days=email_link_days(),
    )
    return new_email


def confirm_email_change(token: str) -> Person:
    payload = read_link_token("change-email", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    person = db.session.get(Person, payload.get("person"))
    if person is None or person.erased_at or person.email != payload.get("old"):
        raise InvalidLink("This link has already been used or is no longer valid.")
    new_email = payload["new"]
    if db.session.scalar(sa.select(Person.id).where(Person.email == new_email)) is not None:
        raise InvalidLink("Another account now uses that email address, so it cannot be changed.")
    old_email = person.email
    person.email = new_email
    person.email_verified_at = utcnow()
    queue_email(
        old_email,
        "accounts/email_changed",
        "Your NALW email address was changed",
        # Linked to the person, so their download includes it and erasure blanks it.
        person=person,
        new_email=new_email,
        name=person.name,
    )
    record_audit(person, "account.email_changed", person, before={"email": old_email}, after={"email": new_email})
    return person


# --- Roles ---------------------------------------------------------------------------------


def grant_role(actor: Person, person: Person, role: Role):
    if role in person.roles:
        return
    with _roles_audited(actor, person, "role.granted", f"Granted {role.label} to {person.name}"):
        person.role_grants.append(RoleGrant(role=role, granted_by_id=getattr(actor, "id", None)))


def revoke_role(actor: Person, person: Person, role: Role):
    grant = next((grant for grant in person.role_grants if grant.role is role), None)
    if grant is None:
        return
    if role is Role.ADMIN and actor is not None and actor.id == person.id:
        raise AccountError("You cannot remove your own admin role. Ask another admin.")
    with _roles_audited(actor, person, "role.revoked", f"Removed {role.label} from {person.name}"):
        person.role_grants.remove(grant)


@contextlib.contextmanager
def _roles_audited(actor, person, action, summary):
    """Audit the change of `person`'s roles made in the block: their roles before and after."""
    before = sorted(role.value for role in person.roles)
    yield
    db.session.flush()
    record_audit(
        actor,
        action,
        person,
        before={"roles": before},
        after={"roles": sorted(r.value for r in person.roles)},
        summary=summary,
    )


# --- Personal data ---------------------------------------------------------------------------


def export_personal_data(person: Person) -> dict:
    return {"exported_at": utcnow().isoformat(), **collect_personal_data(person)}


@personal_data_exporter("account")
def _export_account(person):
    return {
        "name": person.name,
        "email": person.email,
        "email_verified_at": as_iso(person.email_verified_at),
        "created_at": as_iso(person.created_at),
        "last_sign_in_at": as_iso(person.last_sign_in_at),
        "roles": ["account_holder", *sorted(role.value for role in person.roles)],
        "two_factor_enabled": person.two_factor_enabled,
    }


def erase_person(person: Person, password: str, actor: Person | None = None):
    """Anonymise the person. Records that must be kept (payments, audit) stay, linked to the anonymous person.
    Refused while a domain still needs them (`erasure_refusal`), by staff (`actor`) as by the person."""
    if (actor is None or actor.id == person.id) and not password_matches(person.password_hash, password):
        raise AccountError("Your password is not right. Enter the password you sign in with.", field="password")
    if Role.ADMIN in person.roles and _other_admin_count(person) == 0:
        raise AccountError("You are the only admin. Make someone else an admin before erasing your account.")
    # A domain the person is still needed in (they run an organisation's membership) says so before anything goes.
    refusals = erasure_refusals(person)
    if refusals:
        raise AccountError(refusals[0])
    erase_personal_data(person)
    erase_mentions(person)
    person.name = ERASED_NAME
    person.email = erased_email(person.id)
    person.password_hash = unusable_password_hash()
    person.totp_secret = None
    person.totp_enabled_at = None
    person.email_verified_at = None
    person.erased_at = utcnow()
    person.role_grants.clear()
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    # Every session ends with its record (they hold browser details), and so do the failure counts.
    db.session.execute(sa.delete(SignInSession).where(SignInSession.person_id == person.id))
    db.session.execute(sa.delete(SignInFailure).where(SignInFailure.person_id == person.id))
    record_audit(actor or person, "account.erased", person, summary=f"Personal data of person {person.id} erased")


def _other_admin_count(person):
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RoleGrant)
        .where(RoleGrant.role == Role.ADMIN, RoleGrant.person_id != person.id)
    )
