import pytest

from app.config import ConfigurationError, load_config, normalise_database_url

STRONG_SECRET = "x" * 40


def test_production_refuses_to_start_in_debug_mode(tmp_path):
    with pytest.raises(ConfigurationError, match="debug"):
        load_config(str(tmp_path), {"APP_ENV": "production", "FLASK_DEBUG": "1", "SECRET_KEY": STRONG_SECRET})


@pytest.mark.parametrize("secret", [None, "", "changeme", "dev", "short-secret"])
def test_production_refuses_a_missing_default_or_short_secret(tmp_path, secret):
    environ = {"APP_ENV": "production"} | ({"SECRET_KEY": secret} if secret is not None else {})
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config(str(tmp_path), environ)


def test_production_with_a_strong_secret_starts_with_secure_cookies(tmp_path):
    config = load_config(str(tmp_path), {"APP_ENV": "production", "SECRET_KEY": STRONG_SECRET})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["BACKGROUND_RUNNER"] is False


def test_development_generates_a_secret_once_and_keeps_it(tmp_path):
    first = load_config(str(tmp_path), {})["SECRET_KEY"]
    second = load_config(str(tmp_path), {})["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults_are_sqlite_under_instance_and_no_redis(tmp_path):
    config = load_config(str(tmp_path), {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'grunnskjema.sqlite'}"
    assert config["REDIS_URL"] is None
    assert config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


def test_settings_come_from_the_environment(tmp_path):
    config = load_config(
        str(tmp_path),
        {
            "DATABASE_URL": "postgres://u@db/grunnskjema",
            "REDIS_URL": "redis://cache:6379/0",
            "PUBLIC_BASE_URL": "https://survey.example.no/",
            "MAIL_SERVER": "smtp.example.no",
            "MAIL_PORT": "2525",
        },
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/grunnskjema"
    assert config["REDIS_URL"] == "redis://cache:6379/0"
    assert config["PUBLIC_BASE_URL"] == "https://survey.example.no"
    assert (config["MAIL_SERVER"], config["MAIL_PORT"]) == ("smtp.example.no", 2525)


def test_an_unknown_app_env_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="APP_ENV"):
        load_config(str(tmp_path), {"APP_ENV": "staging"})


def test_postgres_urls_use_the_psycopg_driver():
    assert normalise_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_forwarded_addresses_are_trusted_only_from_configured_proxies(tmp_path):
    assert load_config(str(tmp_path), {})["TRUSTED_PROXY_COUNT"] == 0
    assert load_config(str(tmp_path), {"TRUSTED_PROXY_COUNT": "1"})["TRUSTED_PROXY_COUNT"] == 1
