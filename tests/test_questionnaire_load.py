"""`flask questionnaire load`: idempotent, and the highest version is the current base."""

from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.questionnaires.models import BankModule, QuestionnaireVersion
from app.questionnaires.services import (
    BASE_DIR,
    current_base_version,
    latest_bank_modules,
    load_definitions,
    version_sort_key,
)


def base_file_with_version(tmp_path: Path, version: str) -> Path:
    text = (BASE_DIR / "grunnskjema-2026.yaml").read_text(encoding="utf-8")
    path = tmp_path / f"grunnskjema-{version}.yaml"
    path.write_text(text.replace('version: "2026.1"', f'version: "{version}"', 1), encoding="utf-8")
    return path


def test_loading_twice_adds_everything_once(app, runner):
    first = runner.invoke(args=["questionnaire", "load"])
    assert first.exit_code == 0, first.output
    assert "added: base grunnskjema 2026.1" in first.output
    second = runner.invoke(args=["questionnaire", "load"])
    assert second.exit_code == 0
    assert "added" not in second.output
    assert "unchanged: base grunnskjema 2026.1" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 1
        assert db.session.scalar(select(func.count()).select_from(BankModule)) >= 6
        assert len(latest_bank_modules()) >= 6


def test_the_current_base_is_the_highest_version_not_the_last_loaded(app_context, tmp_path):
    load_definitions(
        [base_file_with_version(tmp_path, "2026.10"), base_file_with_version(tmp_path, "2026.9")]
    )
    assert current_base_version().version == "2026.10"


def test_version_sort_keys_compare_numerically():
    assert version_sort_key("2026.10") > version_sort_key("2026.9")
    assert version_sort_key("2027.1") > version_sort_key("2026.99")


def test_a_broken_file_stops_the_load_and_names_file_and_line(app, runner, tmp_path, monkeypatch):
    broken = base_file_with_version(tmp_path, "2027.1")
    broken.write_text(broken.read_text(encoding="utf-8").replace("code: event_type", "code: Event-Type"))
    monkeypatch.setattr("app.questionnaires.services.BASE_DIR", tmp_path)
    result = runner.invoke(args=["questionnaire", "load"])
    assert result.exit_code == 1
    assert f"{broken}:" in result.output
    assert "invalid code 'Event-Type'" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0
