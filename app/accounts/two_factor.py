"""Two-factor sign-in with TOTP (RFC 6238) and single-use recovery codes."""

import hashlib
import secrets

import pyotp
import segno

from app.accounts.models import User

ISSUER = "Grunnskjema"
RECOVERY_CODE_COUNT = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def code_is_valid(secret: str, code: str) -> bool:
    digits = "".join(code.split())
    # One step of tolerance each way covers a phone clock that is a little off.
    return digits.isdigit() and pyotp.TOTP(secret).verify(digits, valid_window=1)


def _recovery_hash(code: str) -> str:
    return hashlib.sha256("".join(code.split()).lower().encode()).hexdigest()


def enable(user: User, secret: str) -> list[str]:
    """Turn two-factor sign-in on; returns recovery codes to show once."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.totp_secret = secret
    user.recovery_code_hashes = [_recovery_hash(code) for code in codes]
    return codes


def disable(user: User) -> None:
    user.totp_secret = None
    user.recovery_code_hashes = None


def verify_second_factor(user: User, code: str) -> bool:
    """A current TOTP code, or an unused recovery code (which is then spent)."""
    if user.totp_secret and code_is_valid(user.totp_secret, code):
        return True
    hashed = _recovery_hash(code)
    if hashed in (user.recovery_code_hashes or []):
        user.recovery_code_hashes = [h for h in user.recovery_code_hashes if h != hashed]
        return True
    return False
