"""TOTP codes are single-use, and a half-finished two-factor login expires."""

from datetime import timedelta

import pyotp

from app.accounts import two_factor
from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.core import types
from app.extensions import db
from tests.support import csrf_token

PASSWORD = "two-factor-password"


def test_a_code_is_accepted_once():
    secret = pyotp.random_base32()
    user = User(email="a@example.org")
    code = pyotp.TOTP(secret).now()
    assert two_factor.enable(user, secret, code) is not None
    assert two_factor.verify_second_factor(user, code) is False, "the code that enabled it is spent"
    next_code = pyotp.TOTP(secret).at(types.utcnow() + timedelta(seconds=30))
    assert two_factor.verify_second_factor(user, next_code) is True
    assert two_factor.verify_second_factor(user, next_code) is False


def test_a_wrong_code_and_a_code_from_long_ago_are_refused():
    secret = pyotp.random_base32()
    user = User(email="a@example.org")
    two_factor.enable(user, secret, pyotp.TOTP(secret).now())
    old = pyotp.TOTP(secret).at(types.utcnow() - timedelta(minutes=5))
    assert two_factor.verify_second_factor(user, old) is False
    assert two_factor.verify_second_factor(user, "12 34 5x") is False


def test_a_recovery_code_works_once():
    user = User(email="a@example.org")
    secret = pyotp.random_base32()
    codes = two_factor.enable(user, secret, pyotp.TOTP(secret).now())
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert two_factor.verify_second_factor(user, codes[0].upper()) is True
    assert two_factor.verify_second_factor(user, codes[0]) is False


def test_the_second_step_of_a_login_expires_after_ten_minutes(app, client, monkeypatch):
    secret = pyotp.random_base32()
    with app.app_context():
        db.session.add(
            User(email="npu@example.org", password_hash=hash_password(PASSWORD), totp_secret=secret)
        )
        db.session.commit()
    token = csrf_token(client.get("/login").text)
    client.post("/login", data={"email": "npu@example.org", "password": PASSWORD, "csrf_token": token})
    page = client.get("/login/two-factor")
    assert page.status_code == 200

    later = types.utcnow() + timedelta(minutes=11)
    for module in ("app.accounts.views", "app.accounts.two_factor"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: later)
    code = pyotp.TOTP(secret).at(later)
    response = client.post("/login/two-factor", data={"code": code, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/account").status_code == 302
