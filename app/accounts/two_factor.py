"""Two-factor sign-in with TOTP (RFC 6238) and single-use recovery codes."""

import hashlib
import hmac
import secrets

import pyotp
import segno

from app.accounts.models import User
from app.core.types import utcnow

ISSUER = "Grunnskjema"
RECOVERY_CODE_COUNT = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def matching_step(secret: str, code: str, after_step: int | None = None) -> int | None:
    """The time step a code belongs to, allowing one step each way for a phone clock that is a little
    off; None if it matches none, or only steps at or before `after_step` (codes are single-use)."""
    digits = "".join(code.split())
    if not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    for step in (current - 1, current, current + 1):
        if (after_step is None or step > after_step) and hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _recovery_hash(code: str) -> str:
    return hashlib.sha256("".join(code.split()).lower().encode()).hexdigest()


def enable(user: User, secret: str, code: str) -> list[str] | None:
    """Turn two-factor sign-in on if `code` proves the app has the secret; returns codes to show once."""
    step = matching_step(secret, code)
    if step is None:
        return None
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.totp_secret = secret
    user.totp_last_step = step
    user.recovery_code_hashes = [_recovery_hash(code) for code in codes]
    return codes


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.recovery_code_hashes = None


def verify_second_factor(user: User, code: str) -> bool:
    """A current TOTP code, or an unused recovery code (which is then spent)."""
    step = matching_step(user.totp_secret, code, after_step=user.totp_last_step) if user.totp_secret else None
    if step is not None:
        user.totp_last_step = step
        return True
    hashed = _recovery_hash(code)
    if hashed in (user.recovery_code_hashes or []):
        user.recovery_code_hashes = [h for h in user.recovery_code_hashes if h != hashed]
        return True
    return False
