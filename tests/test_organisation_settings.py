"""Owners' organisation settings: identity, benchmark opt-in, logo and a readable accent colour."""

import io

import pytest
from flask_babel import force_locale

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.extensions import db
from app.organisations.models import Organisation
from app.organisations.services import OrganisationError
from app.organisations.settings import check_accent_colour, contrast_with_white, logo_content_type
from tests import factories
from tests.support import csrf_token

PASSWORD = "settings-password-1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_contrast_is_computed_as_wcag_defines_it():
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#ffffff") == pytest.approx(1.0)
    assert contrast_with_white("#0b5394") == pytest.approx(7.84, abs=0.01)


def test_a_light_accent_colour_is_refused_with_its_contrast(app_context):
    with (
        force_locale("en"),
        pytest.raises(OrganisationError, match=r"contrast of 1\.1:1 .* at least 4\.5:1") as raised,
    ):
        check_accent_colour("#ffff00")
    assert raised.value.field == "accent_colour"
    assert check_accent_colour("#0B5394") == "#0b5394"


@pytest.mark.parametrize("colour", ["0b5394", "#0b539", "#gggggg", "blue"])
def test_a_malformed_colour_is_refused(app_context, colour):
    with pytest.raises(OrganisationError):
        check_accent_colour(colour)


def test_logos_must_be_small_png_or_jpeg(app_context):
    assert logo_content_type(PNG) == "image/png"
    assert logo_content_type(b"\xff\xd8\xff\xe0" + b"\x00" * 10) == "image/jpeg"
    for bad in (b"GIF89a" + b"\x00" * 10, b"<svg onload=alert(1)>", PNG + b"\x00" * 300 * 1024):
        with pytest.raises(OrganisationError):
            logo_content_type(bad)


@pytest.fixture
def owner_client(app, client):
    with app.app_context():
        organisation = factories.organisation(name="Scene Vest")
        user = User(email="eier@example.org", password_hash=hash_password(PASSWORD))
        db.session.add(Membership(user=user, organisation=organisation, role=OrgRole.OWNER))
        db.session.commit()
        org_id, orgnr = organisation.id, organisation.orgnr
    token = csrf_token(client.get("/login?lang=en").text)
    client.post("/login", data={"email": "eier@example.org", "password": PASSWORD, "csrf_token": token})
    return client, org_id, orgnr


def settings_form(token: str, orgnr: str, **changes) -> dict:
    form = {
        "csrf_token": token,
        "name": "Scene Vest",
        "orgnr": orgnr,
        "sector": "theatre",
        "fylke": "46",
        "size_band": "fte_5_19",
        "benchmark_opt_in": "y",
        "accent_colour": "",
    }
    return form | changes


def test_an_owner_saves_settings_and_uploads_a_logo(app, owner_client):
    client, org_id, orgnr = owner_client
    url = f"/org/{org_id}/settings"
    token = csrf_token(client.get(url).text)
    data = settings_form(
        token, orgnr, name="Scene Vest AS", accent_colour="#0b5394", logo=(io.BytesIO(PNG), "logo.png")
    )
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    logo = client.get(f"/org/{org_id}/logo")
    assert (logo.status_code, logo.content_type, logo.data) == (200, "image/png", PNG)
    with app.app_context():
        organisation = db.session.get(Organisation, org_id)
        assert (organisation.name, organisation.accent_colour, organisation.size_band_code) == (
            "Scene Vest AS",
            "#0b5394",
            "fte_5_19",
        )


def test_a_refused_value_is_shown_at_its_field_and_nothing_is_saved(app, owner_client):
    client, org_id, orgnr = owner_client
    url = f"/org/{org_id}/settings"
    token = csrf_token(client.get(url).text)
    response = client.post(url, data=settings_form(token, orgnr, name="Nytt navn", accent_colour="#ffff00"))
    assert response.status_code == 400
    assert 'aria-describedby="accent_colour-hint accent_colour-error" aria-invalid="true"' in response.text
    assert "at least 4.5:1" in response.text
    assert 'value="Nytt navn"' in response.text, "the input is kept"
    with app.app_context():
        assert db.session.get(Organisation, org_id).name == "Scene Vest"


def test_listed_sites_may_embed_the_organisations_survey_pages_and_no_others(app, owner_client):
    client, org_id, orgnr = owner_client
    url = f"/org/{org_id}/settings"
    token = csrf_token(client.get(url).text)
    origins = "https://www.scenevest.no\nhttps://billett.scenevest.no/"
    assert client.post(url, data=settings_form(token, orgnr, embed_origins=origins)).status_code == 302
    with app.app_context():
        survey, _, collector = factories.published_survey(db.session.get(Organisation, org_id))
        db.session.commit()
        link = f"/s/{collector.token}"
    page = client.get(link)
    assert (
        "frame-ancestors 'self' https://www.scenevest.no https://billett.scenevest.no"
        in page.headers["Content-Security-Policy"]
    )
    assert "X-Frame-Options" not in page.headers
    assert "frame-ancestors 'none'" in client.get(url).headers["Content-Security-Policy"]


def test_an_embedding_address_that_is_not_https_is_refused(app, owner_client):
    client, org_id, orgnr = owner_client
    url = f"/org/{org_id}/settings"
    token = csrf_token(client.get(url).text)
    response = client.post(url, data=settings_form(token, orgnr, embed_origins="javascript:alert(1)"))
    assert response.status_code == 400
    assert "is not a web address" in response.text


def test_the_owner_deletes_test_responses_and_keeps_real_ones(app, owner_client):
    from app.responses.models import Response

    client, org_id, _ = owner_client
    with app.app_context():
        survey, revision, _ = factories.published_survey(db.session.get(Organisation, org_id))
        factories.answer(revision, is_test=True)
        factories.answer(revision, is_test=True)
        factories.answer(revision)
        db.session.commit()
        survey_id = survey.id
    links = f"/org/{org_id}/surveys/{survey_id}/links"
    token = csrf_token(client.get(links).text)
    reply = client.post(
        f"/org/{org_id}/surveys/{survey_id}/test-responses/delete",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "2 test responses are deleted." in reply.text
    with app.app_context():
        assert [r.is_test for r in db.session.scalars(db.select(Response))] == [False]
