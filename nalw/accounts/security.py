"""Password hashing, signed links and one-time codes: the pure parts of account security."""

import hashlib
import hmac
import io
import secrets

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

TOTP_INTERVAL = 30
RECOVERY_CODE_COUNT = 10


def _hasher():
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# A hash that matches no password: the password of an erased account.
def unusable_password_hash() -> str:
    return hash_password(secrets.token_urlsafe(32))


_dummy_hashes = {}


def check_against_no_account(password: str) -> bool:
    """Spend exactly the work of one real password check, for an address with no account.

    The dummy hash is made once per set of hashing parameters, so an unknown address costs
    one verification, as a known one does: no more, or timing would tell them apart.
    """
    hasher = _hasher()
    parameters = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if parameters not in _dummy_hashes:
        _dummy_hashes[parameters] = hasher.hash(secrets.token_urlsafe(32))
    password_matches(_dummy_hashes[parameters], password)
    return False


# --- Signed links -----------------------------------------------------------------------


class InvalidLink(Exception):
    """A link that was tampered with, has expired, or was already used."""

    def __init__(self, message="This link is not valid. Ask for a new one."):
        super().__init__(message)
        self.message = message


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"nalw.{purpose}")


def make_link_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_link_token(purpose: str, token: str, max_age: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidLink("This link has expired. Ask for a new one.")
    except BadSignature:
        raise InvalidLink()


def session_token_digest(token: str) -> str:
    """What the sign-in sessions table keeps of a session id: the id is random, so SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def fingerprint(value: str) -> str:
    """A short digest of a secret value, put in a link so the link dies when the value changes."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), value.encode(), hashlib.sha256).hexdigest()[:16]


# --- Two-factor -------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret, interval=TOTP_INTERVAL).provisioning_uri(
        name=email, issuer_name=current_app.config["TWO_FACTOR_ISSUER"]
    )


def qr_code_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG, titled for screen readers."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="QR code for your authenticator app"
    )
    return buffer.getvalue().decode()


def matching_totp_step(secret: str, code: str, now_timestamp: float) -> int | None:
    """The time step `code` belongs to (allowing one step of clock drift), or None."""
    code = normalise_code(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_INTERVAL)
    current_step = int(now_timestamp // TOTP_INTERVAL)
    for step in (current_step, current_step - 1, current_step + 1):
        if hmac.compare_digest(totp.at(step * TOTP_INTERVAL), code):
            return step
    return None


def current_totp_code(secret: str) -> str:
    return pyotp.TOTP(secret, interval=TOTP_INTERVAL).now()


def new_recovery_codes() -> list[str]:
    """Ten codes like `k7d2-9fq3-x8mb`: 60 bits each, easy to read aloud."""
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    return [
        "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def recovery_code_digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).replace("-", "").encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).lower()
