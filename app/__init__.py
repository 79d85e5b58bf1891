"""Grunnskjema: the application factory."""

from flask import Flask

from app.config import load_config
from app.core.logging import configure_logging


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.config.update(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    configure_logging()

    from app import extensions, i18n, models, security_headers  # noqa: F401  (models: full metadata)
    from app.access import policy
    from app.accounts import auth, sessions
    from app.jobs import dispatch

    extensions.db.init_app(app)
    _configure_sqlite(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(app.root_path + "/migrations"))
    extensions.csrf.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    sessions.init_app(app)
    policy.init_app(app)
    security_headers.init_app(app)
    dispatch.init_app(app)

    if app.config["TRUSTED_PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    _register_template_filters(app)
    _register_blueprints(app)
    _register_commands(app)
    _register_error_pages(app)
    return app


def _configure_sqlite(app: Flask) -> None:
    """WAL and foreign keys for SQLite, the embedded default."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def _register_template_filters(app: Flask) -> None:
    """Markdown in texts members write: `md` inline, `md_block` with paragraphs and lists, `md_text` bare."""
    from functools import partial

    from app.core.markdown import markdown_to_text, render_markdown

    app.jinja_env.filters.update(
        md=render_markdown, md_block=partial(render_markdown, block=True), md_text=markdown_to_text
    )


def _register_blueprints(app: Flask) -> None:
    from app import api
    from app.accounts.views import bp as accounts_bp
    from app.admin.views import bp as admin_bp
    from app.advisor.views import bp as advisor_bp
    from app.answering.views import bp as answer_bp
    from app.api_tokens.views import bp as api_tokens_bp
    from app.benchmarks.views import bp as benchmarks_bp
    from app.builder import bp as builder_bp
    from app.design_checks.views import bp as design_checks_bp
    from app.exports.views import bp as exports_bp
    from app.health.views import bp as health_bp
    from app.mail.views import bp as mail_bp
    from app.member.views import bp as member_bp
    from app.responses.views import bp as responses_bp
    from app.results.views import bp as results_bp
    from app.reviews.views import bp as notifications_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(member_bp)
    app.register_blueprint(builder_bp)
    app.register_blueprint(benchmarks_bp)
    app.register_blueprint(design_checks_bp)
    app.register_blueprint(answer_bp)
    app.register_blueprint(advisor_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(responses_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(api_tokens_bp)
    api.init_app(app)
    if app.config["BENCHMARK_FLOOR"] and app.config["APP_ENV"] != "production":
        from app.answering.floor import bp as floor_bp

        app.register_blueprint(floor_bp)
    if app.config["MAIL_BACKEND"] == "outbox" and app.config["APP_ENV"] != "production":
        app.register_blueprint(mail_bp)


def _register_commands(app: Flask) -> None:
    from app.accounts.cli import user_cli
    from app.benchmarks.cli import benchmarks_cli
    from app.demo.cli import demo_cli
    from app.design_checks.cli import survey_cli
    from app.exports.cli import responses_cli
    from app.jobs.cli import jobs_cli
    from app.organisations.cli import org_cli
    from app.questionnaires.cli import questionnaire_cli
    from app.responses.cli import purge_expired_command

    app.cli.add_command(questionnaire_cli)
    app.cli.add_command(survey_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(org_cli)
    app.cli.add_command(user_cli)
    responses_cli.add_command(purge_expired_command)
    app.cli.add_command(responses_cli)
    app.cli.add_command(benchmarks_cli)


def _register_error_pages(app: Flask) -> None:
    from app.core.errors import register_error_handlers

    register_error_handlers(app)
