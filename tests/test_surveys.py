import pytest

from app.extensions import db
from app.surveys.models import FrozenRevisionError, SurveyStatus
from tests import factories


def test_a_new_survey_is_a_draft_copy_of_the_base_questionnaire(app_context):
    base = factories.base_version("2026.1")
    survey, revision = factories.new_survey_from_base(factories.organisation(), "Høst 2026", base)
    assert survey.status == SurveyStatus.DRAFT
    assert revision.definition["kind"] == "survey"
    assert revision.definition["base_version"] == "2026.1"
    assert revision.definition["sections"] == base.definition["sections"]


def test_a_draft_revision_can_still_change(app_context):
    survey, revision = factories.new_survey_from_base(
        factories.organisation(), "Utkast", factories.base_version()
    )
    db.session.commit()
    revision.definition = dict(revision.definition, title={"nb": "Nytt navn"})
    db.session.commit()
    assert revision.definition["title"] == {"nb": "Nytt navn"}


def test_a_published_revision_refuses_changes_to_its_definition(app_context):
    _, revision, _ = factories.published_survey()
    db.session.commit()
    revision.definition = dict(revision.definition, sections=[])
    with pytest.raises(FrozenRevisionError):
        db.session.commit()


def test_collector_links_are_unguessable(app_context):
    tokens = {factories.published_survey()[2].token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(token) >= 32 for token in tokens)
