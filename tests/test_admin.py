"""NPU administration pages: organisations, users, reference data, and who may see them."""

import re

import pyotp
import pytest

from app.accounts.models import GlobalRole, Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.extensions import db
from app.organisations.models import Organisation, ReviewRule
from app.reference.services import reference_list
from tests import factories
from tests.support import csrf_token

PASSWORD = "correct horse battery"


@pytest.fixture
def people(app):
    """An organisation with an owner and an editor, and NPU's admin and advisor (with two-factor on)."""
    with app.app_context():
        organisation = factories.organisation(name="Scene Vest")
        ids = {"org": organisation.id, "orgnr": organisation.orgnr, "secrets": {}}
        for key, role in (("owner", OrgRole.OWNER), ("editor", OrgRole.EDITOR)):
            user = User(email=f"{key}@example.org", name=key.title(), password_hash=hash_password(PASSWORD))
            db.session.add(Membership(user=user, organisation=organisation, role=role))
        for key, global_role in (("admin", GlobalRole.ADMIN), ("advisor", GlobalRole.ADVISOR)):
            secret = pyotp.random_base32()
            user = User(
                email=f"{key}@example.org",
                name=key.title(),
                password_hash=hash_password(PASSWORD),
                global_role=global_role,
                totp_secret=secret,
            )
            db.session.add(user)
            ids["secrets"][key] = secret
        db.session.commit()
        for key in ("owner", "editor", "admin", "advisor"):
            ids[key] = db.session.scalar(db.select(User.id).where(User.email == f"{key}@example.org"))
        return ids


def log_in(client, people, who: str):
    """Choose English, then log in with the password and the second factor where the user has one."""
    token = csrf_token(client.get("/login").text)
    client.post("/language", data={"language": "en", "csrf_token": token})
    response = client.post(
        "/login", data={"email": f"{who}@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    secret = people["secrets"].get(who)
    if secret:
        assert response.headers["Location"] == "/login/two-factor"
        token = csrf_token(client.get("/login/two-factor").text)
        code = pyotp.TOTP(secret).now()
        response = client.post("/login/two-factor", data={"code": code, "csrf_token": token})
        assert response.status_code == 302
        assert "/login" not in response.headers["Location"]
    return response


def admin_urls(people) -> list[str]:
    return [
        "/admin/",
        "/admin/organisations",
        f"/admin/organisations/{people['org']}",
        "/admin/users",
        f"/admin/users/{people['owner']}",
        "/admin/reference",
    ]


def new_organisation_data(token: str, **changes) -> dict:
    data = {
        "csrf_token": token,
        "name": "Ny Scene",
        "orgnr": factories.valid_orgnr(),
        "sector": "art_museum",
        "fylke": "03",
        "size_band": "fte_5_19",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_admin_lists_organisations_with_their_labels(client, people):
    log_in(client, people, "admin")
    page = client.get("/admin/organisations")
    assert page.status_code == 200
    assert "Scene Vest" in page.text
    assert people["orgnr"] in page.text
    assert "Theatre and performing arts" in page.text
    assert "Vestland" in page.text
    assert re.search(r"<td class=\"numeric\">2</td>", page.text)


def test_the_admin_registers_an_organisation(app, client, people):
    log_in(client, people, "admin")
    token = csrf_token(client.get("/admin/organisations").text)
    data = new_organisation_data(token)
    response = client.post("/admin/organisations", data=data)
    assert response.status_code == 302
    with app.app_context():
        created = db.session.scalar(db.select(Organisation).where(Organisation.orgnr == data["orgnr"]))
        assert (created.name, created.sector_code, created.fylke_code, created.size_band_code) == (
            "Ny Scene",
            "art_museum",
            "03",
            "fte_5_19",
        )
        assert created.is_member is False  # the box was left unticked
        assert created.benchmark_opt_in is True
        assert response.headers["Location"] == f"/admin/organisations/{created.id}"
    listing = client.get("/admin/organisations").text
    assert "Ny Scene" in listing
    assert "Art museum" in listing


@pytest.mark.parametrize(
    ("orgnr", "message"),
    [
        ("923609017", "is not a valid organisasjonsnummer (9 digits with a MOD11 check digit)"),
        (None, "Another organisation is registered with organisasjonsnummer"),
    ],
)
def test_a_refused_organisation_number_is_explained_and_the_input_kept(app, client, people, orgnr, message):
    log_in(client, people, "admin")
    token = csrf_token(client.get("/admin/organisations").text)
    orgnr = orgnr or people["orgnr"]
    response = client.post(
        "/admin/organisations", data=new_organisation_data(token, orgnr=orgnr, is_member="y")
    )
    assert response.status_code == 400
    assert message in response.text
    assert "<title>Error: Organisations" in response.text
    assert re.search(r'aria-describedby="orgnr-hint orgnr-error"[^>]*aria-invalid="true"', response.text)
    assert f'value="{orgnr}"' in response.text
    assert 'value="Ny Scene"' in response.text
    assert re.search(
        r'<option selected value="art_museum">|<option value="art_museum" selected', response.text
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1


def test_the_admin_sets_the_npu_terms_of_an_organisation(app, client, people):
    log_in(client, people, "admin")
    url = f"/admin/organisations/{people['org']}"
    page = client.get(url)
    assert page.status_code == 200
    assert "owner@example.org" in page.text and "editor@example.org" in page.text
    token = csrf_token(page.text)
    response = client.post(url, data={"csrf_token": token, "action": "terms", "review_rule": "always"})
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.get(Organisation, people["org"])
        assert organisation.review_rule == ReviewRule.ALWAYS
        assert organisation.is_member is False
        assert organisation.name == "Scene Vest"  # the other form is left alone
    page = client.get(url)
    assert "The NPU terms of Scene Vest are saved." in page.text
    assert re.search(r'<option selected value="always">|<option value="always" selected', page.text)


def test_the_admin_corrects_an_organisations_details(app, client, people):
    log_in(client, people, "admin")
    url = f"/admin/organisations/{people['org']}"
    token = csrf_token(client.get(url).text)
    data = {
        "csrf_token": token,
        "action": "profile",
        "name": "Scene Vest AS",
        "orgnr": people["orgnr"],
        "sector": "theatre",
        "fylke": "11",
        "size_band": "",
    }
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        organisation = db.session.get(Organisation, people["org"])
        assert (organisation.name, organisation.fylke_code, organisation.benchmark_opt_in) == (
            "Scene Vest AS",
            "11",
            False,
        )
        assert organisation.is_member is True  # the NPU terms are left alone
    refused = client.post(url, data=data | {"orgnr": "923609017"})
    assert refused.status_code == 400
    assert "is not a valid organisasjonsnummer" in refused.text
    assert 'value="923609017"' in refused.text


def test_an_unknown_organisation_or_user_is_not_found(client, people):
    log_in(client, people, "admin")
    assert client.get("/admin/organisations/999999").status_code == 404
    assert client.get("/admin/users/999999").status_code == 404


def test_the_admin_lists_users_with_roles_and_organisations(client, people):
    log_in(client, people, "admin")
    page = client.get("/admin/users")
    assert page.status_code == 200
    for email in ("owner@example.org", "editor@example.org", "admin@example.org", "advisor@example.org"):
        assert email in page.text
    assert "Scene Vest (owner)" in page.text
    assert "administrator" in page.text


def test_the_admin_appoints_an_advisor(app, client, people):
    log_in(client, people, "admin")
    url = f"/admin/users/{people['owner']}"
    token = csrf_token(client.get(url).text)
    assert (
        client.post(url, data={"csrf_token": token, "action": "role", "global_role": "advisor"}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(User, people["owner"]).global_role == GlobalRole.ADVISOR
    token = csrf_token(client.get(url).text)
    client.post(url, data={"csrf_token": token, "action": "role", "global_role": ""})
    with app.app_context():
        assert db.session.get(User, people["owner"]).global_role is None


def test_deactivating_a_user_ends_their_session_at_once(app, client, people):
    owner_client = app.test_client()
    log_in(owner_client, people, "owner")
    assert owner_client.get("/").status_code == 302  # to the organisation's dashboard
    assert owner_client.get(f"/org/{people['org']}/").status_code == 200

    log_in(client, people, "admin")
    url = f"/admin/users/{people['owner']}"
    token = csrf_token(client.get(url).text)
    response = client.post(url, data={"csrf_token": token, "action": "deactivate"})
    assert response.status_code == 302
    assert "owner@example.org is deactivated" in client.get(url).text

    gone = owner_client.get(f"/org/{people['org']}/")
    assert gone.status_code == 302
    assert gone.headers["Location"].startswith("/login")
    token = csrf_token(owner_client.get("/login").text)
    again = owner_client.post(
        "/login", data={"email": "owner@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert again.status_code == 401

    token = csrf_token(client.get(url).text)
    client.post(url, data={"csrf_token": token, "action": "reactivate"})
    with app.app_context():
        assert db.session.get(User, people["owner"]).is_active_account is True
    log_in(owner_client, people, "owner")
    assert owner_client.get(f"/org/{people['org']}/").status_code == 200


def test_an_admin_cannot_deactivate_themselves_or_drop_their_own_role(app, client, people):
    log_in(client, people, "admin")
    url = f"/admin/users/{people['admin']}"
    token = csrf_token(client.get(url).text)
    refused = client.post(url, data={"csrf_token": token, "action": "deactivate"})
    assert refused.status_code == 400
    assert "You cannot deactivate your own account." in refused.text
    refused = client.post(url, data={"csrf_token": token, "action": "role", "global_role": "advisor"})
    assert refused.status_code == 400
    assert "You cannot remove your own administrator role." in refused.text
    with app.app_context():
        admin = db.session.get(User, people["admin"])
        assert (admin.is_active_account, admin.global_role) == (True, GlobalRole.ADMIN)
    assert client.get("/admin/").status_code == 200


def test_the_reference_page_shows_the_lists_read_only(client, people):
    log_in(client, people, "admin")
    page = client.get("/admin/reference")
    assert page.status_code == 200
    assert "app/reference/data/" in page.text
    assert "Viken" in page.text and "31, 32, 33" in page.text and "2023" in page.text
    assert "Theatre and performing arts" in page.text
    assert "Under 5 FTE" in page.text
    assert f"The list has {len(reference_list('country'))} countries" in page.text
    assert "<form" not in page.text.split("<main", 1)[1]


def test_admin_pages_have_a_heading_captions_and_labels(client, people):
    log_in(client, people, "admin")
    for url in admin_urls(people):
        html = client.get(url).text
        assert html.count("<h1") == 1, url
        assert html.count("<table") == html.count("<caption"), url
        assert "<th>" not in html, url
        for form in re.findall(r"<form method=\"post\"[^>]*>.*?</form>", html, flags=re.S):
            assert 'name="csrf_token"' in form, url
        for input_id in re.findall(r"<(?:input|select)(?![^>]*type=\"hidden\")[^>]*\bid=\"([^\"]+)\"", html):
            assert f'for="{input_id}"' in html, (url, input_id)


def test_an_admin_without_two_factor_is_sent_to_set_it_up(app, client, people):
    with app.app_context():
        db.session.get(User, people["admin"]).totp_secret = None
        db.session.commit()
    people["secrets"].pop("admin")
    log_in(client, people, "admin")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-factor"


def test_visitors_who_are_not_logged_in_are_sent_to_the_login(client, people):
    for url in admin_urls(people):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("who", ["owner", "editor", "advisor"])
def test_everyone_but_admins_gets_404_on_every_admin_page(client, people, who):
    log_in(client, people, who)
    for url in admin_urls(people):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client.get("/account").text)
    for url in admin_urls(people):
        assert client.post(url, data={"csrf_token": token, "action": "deactivate"}).status_code in (
            404,
            405,
        ), url
    posted = client.post(
        f"/admin/users/{people['admin']}", data={"csrf_token": token, "action": "deactivate"}
    )
    assert posted.status_code == 404
