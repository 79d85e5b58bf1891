"""Configuration read from environment variables.

Every setting has a safe development default except in production, where a missing or weak
secret and debug mode refuse to start.
"""

import os
import secrets
from pathlib import Path

KNOWN_DEFAULT_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development"}
MIN_SECRET_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The environment does not describe a deployment that may start."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the common short way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret(instance_path: Path) -> str:
    """Generate a secret once and keep it under instance/, so sessions survive restarts."""
    secret_file = instance_path / "secret_key"
    if secret_file.exists():
        return secret_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    secret_file.write_text(key)
    secret_file.chmod(0o600)
    return key


def load_config(instance_path: str, environ=os.environ) -> dict:
    instance = Path(instance_path)
    app_env = environ.get("APP_ENV", "development").strip().lower()
    if app_env not in {"development", "production", "testing"}:
        raise ConfigurationError(f"APP_ENV must be development, production or testing, not {app_env!r}")
    debug = _flag(environ.get("FLASK_DEBUG"))
    secret = environ.get("SECRET_KEY")

    if app_env == "production":
        if debug:
            raise ConfigurationError("Refusing to start: debug mode is on in production (unset FLASK_DEBUG).")
        if not secret or secret.strip().lower() in KNOWN_DEFAULT_SECRETS:
            raise ConfigurationError("Refusing to start: SECRET_KEY is missing or a well-known default.")
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigurationError(
                f"Refusing to start: SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters."
            )
    elif not secret:
        secret = _development_secret(instance)

    default_db = "sqlite:///" + str(instance / "grunnskjema.sqlite")
    production = app_env == "production"
    return {
        "APP_ENV": app_env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(environ.get("DATABASE_URL") or default_db),
        "REDIS_URL": environ.get("REDIS_URL") or None,
        "PUBLIC_BASE_URL": (environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_BACKEND": environ.get("MAIL_BACKEND", "smtp" if production else "outbox"),
        "MAIL_SERVER": environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _flag(environ.get("MAIL_USE_TLS"), default=True),
        "MAIL_FROM": environ.get("MAIL_FROM", "Grunnskjema <noreply@grunnskjema.invalid>"),
        # A runner thread drains background work when no Redis is configured.
        "BACKGROUND_RUNNER": _flag(environ.get("BACKGROUND_RUNNER"), default=not production),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # A survey definition pasted as YAML (up to 512 KB) is one form field; Flask's default is 500 kB.
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "nb",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "i18n"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # The load benchmark's floor endpoint (benchmarks/submit_load.py); never in production.
        "BENCHMARK_FLOOR": _flag(environ.get("BENCHMARK_FLOOR")),
        # Load tests turn the per-client submission limit off.
        "SUBMISSION_RATE_LIMIT": _flag(environ.get("SUBMISSION_RATE_LIMIT"), default=True),
        # X-Forwarded-For is trusted only from this many reverse proxies in front of the app.
        "TRUSTED_PROXY_COUNT": int(environ.get("TRUSTED_PROXY_COUNT", "0")),
        # Respondent protection on results pages: figures from fewer responses are hidden, free text
        # needs this many responses, and filters narrowing below the last are refused.
        "RESULTS_MIN_CELL": int(environ.get("RESULTS_MIN_CELL", "5")),
        "RESULTS_MIN_FREE_TEXT": int(environ.get("RESULTS_MIN_FREE_TEXT", "10")),
        "RESULTS_MIN_FILTER": int(environ.get("RESULTS_MIN_FILTER", "5")),
    }
