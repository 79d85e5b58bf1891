"""A member logged in with a draft survey, for the tests of the preview, the print version and YAML."""

from dataclasses import dataclass
from html.parser import HTMLParser

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.extensions import db
from app.questionnaires.services import current_base_version, load_definitions
from app.reference.services import load_reference_data
from app.surveys.models import Survey
from app.surveys.services import new_survey_from_base
from tests import answering_support, factories
from tests.support import csrf_token

PASSWORD = "survey-design-password-1"
PASSWORD_HASH = hash_password(PASSWORD)
SURVEY_TITLE = "Publikum 2026"


@dataclass(frozen=True)
class Designer:
    """A logged-in member's client and the draft survey they work on."""

    client: object
    org_id: int
    survey_id: int

    def url(self, path: str) -> str:
        return f"/org/{self.org_id}/surveys/{self.survey_id}{path}"


def designer(app, client, base_definition: dict | None = None, role: OrgRole = OrgRole.EDITOR) -> Designer:
    """A draft cloned from the real base questionnaire (bank loaded), or from `base_definition`."""
    with app.app_context():
        load_reference_data()
        load_definitions()
        base = answering_support.base_version(base_definition) if base_definition else current_base_version()
        organisation = factories.organisation(name="Scene Vest")
        user = User(email="designer@example.org", password_hash=PASSWORD_HASH)
        db.session.add(Membership(user=user, organisation=organisation, role=role))
        survey, _revision = new_survey_from_base(organisation, SURVEY_TITLE, base)
        db.session.commit()
        ids = organisation.id, survey.id
    token = csrf_token(client.get("/login?lang=en").text)
    reply = client.post(
        "/login", data={"email": "designer@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert reply.status_code == 302
    return Designer(client, *ids)


def stored_definition(app, survey_id: int) -> dict:
    """The newest definition as the database returns it."""
    with app.app_context():
        definition = db.session.get(Survey, survey_id).revisions[-1].definition
        db.session.remove()
        return definition


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def active_markup(page: str) -> list[str]:
    """Markup in the page that could run a script: event handlers, inline or unexpected scripts,
    script addresses, SVG, and the payloads' own tags. Empty for a page whose texts are inert."""
    parser = _Tags()
    parser.feed(page)
    found = []
    for tag, attributes in parser.tags:
        found += [f"<{tag} {name}>" for name in attributes if name.startswith("on")]
        found += [
            f"<{tag} {name}={value}>"
            for name, value in attributes.items()
            if name in ("href", "src", "action", "formaction")
            and value.strip().lower().startswith("javascript:")
        ]
        if tag == "script" and not attributes.get("src", "").startswith("/static/"):
            found.append(f"<script {attributes}>")
        if tag in ("svg", "iframe", "object", "embed") and not (
            tag == "iframe" and "/preview" in attributes.get("src", "")
        ):
            found.append(f"<{tag}>")
        if tag == "img" and attributes.get("src") == "x":
            found.append("<img src=x>")
    for raw in ("<script>", "<img src=x", "<svg"):
        if raw in page:
            found.append(raw)
    return found
