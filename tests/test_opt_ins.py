"""Opt-ins (newsletter, prize draw) on the thank-you page, stored apart from the answers, and the
lists owners and editors keep."""

import copy
import csv
import io

import pytest
from sqlalchemy import Date, inspect, select

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.answering import opt_ins
from app.answering.models import OptIn
from app.core.types import utcnow
from app.extensions import db
from app.responses.models import Answer, Response
from app.surveys.models import Survey
from tests.answering_support import (
    DEFINITION,
    PAGE_1,
    PAGE_2,
    PAGE_3,
    Respondent,
    answering_survey,
    checked,
    hidden_fields,
    inputs,
    message,
    texts,
    visible_text,
)
from tests.support import csrf_token

NEWSLETTER = texts("Send meg nyhetsbrevet", "Send meg nyheitsbrevet", "Send me the newsletter")
PRIZE_DRAW = texts(
    "Bli med i trekningen av to billetter",
    "Bli med i trekkinga av to billettar",
    "Enter me in the prize draw for two tickets",
)
OPT_INS = [
    {"code": "newsletter", "kind": "newsletter", "text": NEWSLETTER},
    {"code": "prize_draw", "kind": "prize_draw", "text": PRIZE_DRAW},
]
PASSWORD = "opt-in-password-2026"


def with_opt_ins(items=OPT_INS, version: str = "2.0") -> dict:
    definition = copy.deepcopy(DEFINITION)
    definition.update(version=version, opt_ins=items)
    return definition


@pytest.fixture
def link(app):
    return answering_survey(app, with_opt_ins())


def nb(app, msgid: str, **variables) -> str:
    return message(app, "nb", msgid, **variables)


def completed(client, link) -> Respondent:
    respondent = Respondent(client, link)
    respondent.walk(PAGE_1, PAGE_2, PAGE_3)
    assert respondent.path == link.thanks_url
    return respondent


def sign_up(respondent: Respondent, *codes: str, email: str = "ola@example.no", **fields):
    """Send the thank-you page's sign-up form, as its button would; redirects are followed."""
    form = {"csrf_token": csrf_token(respondent.page), "opt_in": list(codes), "email": email, **fields}
    respondent.reply = respondent.client.post(
        f"{respondent.link.url}/opt-in", data=form, follow_redirects=True
    )
    return respondent.reply


def stored_opt_ins(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(OptIn.survey_id, OptIn.opt_in_code, OptIn.email, OptIn.created_on)
        ).all()
        return sorted(tuple(row) for row in rows)


def response_rows(app) -> list[tuple]:
    """Every column of every response and answer row, to see that a sign-up changes none of them."""
    with app.app_context():
        return [
            tuple(row)
            for table in (Response.__table__, Answer.__table__)
            for row in db.session.execute(select(table).order_by(table.c.id))
        ]


def sign_up_form_shown(page: str) -> bool:
    return "/opt-in" in page and 'name="email"' in page


# --- the thank-you page -----------------------------------------------------------------------------------


def test_after_a_complete_response_the_thank_you_page_offers_the_opt_ins(app, client, link):
    respondent = completed(client, link)

    page = respondent.page
    fields = {field.get("id"): field for field in inputs(page)}
    assert fields["opt-in-newsletter"]["type"] == "checkbox"
    assert fields["opt-in-prize_draw"]["type"] == "checkbox"
    assert '<label for="opt-in-newsletter">Send meg nyhetsbrevet</label>' in page
    assert '<label for="opt-in-prize_draw">Bli med i trekningen av to billetter</label>' in page
    email = fields["opt-in-email"]
    assert (email["type"], email["name"], email["autocomplete"]) == ("email", "email", "email")
    assert '<label class="field-label" for="opt-in-email">' in page
    text = visible_text(page)
    assert nb(app, "Your answers are saved. Thank you for taking the time!") in text
    separately = nb(
        app, "Your e-mail address is stored separately from your answers and cannot be linked to them."
    )
    assert separately in text
    assert nb(app, "Sign me up") in text


def test_the_form_speaks_the_respondents_language(app, client, link):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    respondent = completed(client, link)
    assert "Enter me in the prize draw for two tickets" in respondent.page
    assert "Your e-mail address is stored separately from your answers" in visible_text(respondent.page)


def test_signing_up_stores_one_row_per_ticked_box_and_leaves_the_response_untouched(app, client, link):
    respondent = completed(client, link)
    before = response_rows(app)

    reply = sign_up(respondent, "newsletter", "prize_draw", email="  Ola.Nordmann@Example.NO ")

    assert reply.status_code == 200
    assert respondent.path == link.thanks_url
    assert nb(app, "Your e-mail address is saved, apart from your answers.") in visible_text(reply.text)
    assert not sign_up_form_shown(reply.text)
    today = utcnow().date()
    assert stored_opt_ins(app) == [
        (link.survey_id, "newsletter", "ola.nordmann@example.no", today),
        (link.survey_id, "prize_draw", "ola.nordmann@example.no", today),
    ]
    assert response_rows(app) == before


def test_only_the_ticked_box_is_stored(app, client, link):
    sign_up(completed(client, link), "prize_draw")
    assert [row[1] for row in stored_opt_ins(app)] == ["prize_draw"]


def test_the_opt_in_table_has_no_column_that_could_link_to_a_response(app):
    with app.app_context():
        table = inspect(db.engine)
        columns = {column["name"]: column["type"] for column in table.get_columns("opt_in")}
        foreign_keys = table.get_foreign_keys("opt_in")
    assert set(columns) == {"id", "survey_id", "opt_in_code", "email", "created_on"}
    # A date only: a time of day could be matched with a response's submitted_at.
    assert isinstance(columns["created_on"], Date) and "TIME" not in str(columns["created_on"]).upper()
    assert [(key["constrained_columns"], key["referred_table"]) for key in foreign_keys] == [
        (["survey_id"], "survey")
    ]


def test_a_sign_up_cannot_be_sent_twice_for_one_completed_survey(app, client, link):
    respondent = completed(client, link)
    token = csrf_token(respondent.page)
    sign_up(respondent, "newsletter")
    form = {"csrf_token": token, "opt_in": "prize_draw", "email": "kari@example.no"}
    reply = client.post(f"{link.url}/opt-in", data=form)
    assert reply.status_code == 403
    assert [row[2] for row in stored_opt_ins(app)] == ["ola@example.no"]


def test_an_address_already_on_a_list_is_not_added_again(app):
    link = answering_survey(app, with_opt_ins(), allow_repeat=True)
    tablet = app.test_client()
    sign_up(completed(tablet, link), "prize_draw", email="ola@example.no")
    sign_up(completed(tablet, link), "prize_draw", "newsletter", email="OLA@example.no")
    assert [(row[1], row[2]) for row in stored_opt_ins(app)] == [
        ("newsletter", "ola@example.no"),
        ("prize_draw", "ola@example.no"),
    ]


# --- what is refused --------------------------------------------------------------------------------------

EXAMPLE = "Enter an e-mail address such as name@example.no."


@pytest.mark.parametrize(
    ("email", "msgid"),
    [
        pytest.param("", "Enter your e-mail address.", id="empty"),
        pytest.param("ola.nordmann", EXAMPLE, id="no at sign"),
        pytest.param("ola@", EXAMPLE, id="no domain"),
        pytest.param("ola@localhost", EXAMPLE, id="domain without a dot"),
        pytest.param("ola nordmann@example.no", EXAMPLE, id="space"),
        pytest.param("o\x00la@example.no", EXAMPLE, id="nul byte"),
        pytest.param("o\u202ela@example.no", EXAMPLE, id="right-to-left override"),
        pytest.param(
            "x" * 64 + "@" + "e" * 187 + ".no", "The e-mail address is too long.", id="255 characters"
        ),
    ],
)
def test_an_invalid_email_address_is_refused_with_a_clear_message_and_kept(app, client, link, email, msgid):
    respondent = completed(client, link)
    reply = sign_up(respondent, "newsletter", email=email)

    assert reply.status_code == 400
    text = visible_text(reply.text)
    assert nb(app, msgid) in text
    assert nb(app, "Please correct the following") in text
    assert '<a href="#opt-in-email">' in reply.text
    field = next(field for field in inputs(reply.text) if field.get("id") == "opt-in-email")
    assert field["value"] == email.strip()
    assert field["aria-invalid"] == "true"
    assert ("opt_in", "newsletter") in checked(reply.text)
    assert stored_opt_ins(app) == []


def test_no_box_ticked_is_refused_and_the_address_kept(app, client, link):
    reply = sign_up(completed(client, link), email="ola@example.no")
    assert reply.status_code == 400
    assert nb(app, "Tick at least one box.") in visible_text(reply.text)
    assert '<a href="#opt-in-newsletter">' in reply.text
    assert 'value="ola@example.no"' in reply.text
    assert stored_opt_ins(app) == []


def test_an_opt_in_the_survey_does_not_offer_is_ignored(app, client, link):
    reply = sign_up(completed(client, link), "sms_offers", email="ola@example.no")
    assert reply.status_code == 400
    assert nb(app, "Tick at least one box.") in visible_text(reply.text)
    assert stored_opt_ins(app) == []


def test_a_screened_out_respondent_is_not_offered_opt_ins_and_cannot_send_them(app, client, link):
    respondent = Respondent(client, link)
    respondent.open()
    token = hidden_fields(respondent.page)["csrf_token"]
    respondent.send({"age_group": "under_16"})
    assert respondent.path == link.thanks_url
    assert not sign_up_form_shown(respondent.page)

    reply = client.post(
        f"{link.url}/opt-in", data={"csrf_token": token, "opt_in": "newsletter", "email": "a@b.no"}
    )
    assert reply.status_code == 403
    assert nb(app, "Sign-up is not possible here") in visible_text(reply.text)
    assert stored_opt_ins(app) == []


def test_a_browser_that_has_not_answered_cannot_sign_up(app, client, link):
    assert not sign_up_form_shown(client.get(link.thanks_url).text)
    token = hidden_fields(client.get(link.url).text)["csrf_token"]
    reply = client.post(
        f"{link.url}/opt-in", data={"csrf_token": token, "opt_in": "newsletter", "email": "a@b.no"}
    )
    assert reply.status_code == 403
    assert stored_opt_ins(app) == []


def test_a_survey_without_opt_ins_offers_none(app, client):
    link = answering_survey(app)
    token = hidden_fields(client.get(link.url).text)["csrf_token"]
    respondent = completed(client, link)
    assert not sign_up_form_shown(respondent.page)
    reply = client.post(
        f"{link.url}/opt-in", data={"csrf_token": token, "opt_in": "newsletter", "email": "a@b.no"}
    )
    assert reply.status_code == 403
    assert stored_opt_ins(app) == []


def test_an_invalid_csrf_token_keeps_what_was_typed_and_stores_nothing(app, client, link):
    respondent = completed(client, link)
    reply = sign_up(respondent, "prize_draw", email="ola@example.no", csrf_token="expired-or-forged")
    assert reply.status_code == 400
    assert nb(app, "The page was open for a long time. Check the form and send it again.") in visible_text(
        reply.text
    )
    assert 'value="ola@example.no"' in reply.text
    assert ("opt_in", "prize_draw") in checked(reply.text)
    assert stored_opt_ins(app) == []

    sign_up(respondent, "prize_draw", email="ola@example.no")  # the page's fresh token works
    assert [row[1] for row in stored_opt_ins(app)] == ["prize_draw"]


def test_more_than_thirty_sign_up_attempts_a_minute_from_one_client_are_refused(app, client, link):
    respondent = completed(client, link)
    form = {"csrf_token": csrf_token(respondent.page), "opt_in": "newsletter", "email": "not-an-address"}
    replies = [client.post(f"{link.url}/opt-in", data=form).status_code for _ in range(30)]
    assert set(replies) == {400}
    refused = client.post(f"{link.url}/opt-in", data={**form, "email": "ola@example.no"})
    assert refused.status_code == 429
    assert nb(app, "Too many attempts") in visible_text(refused.text)
    assert stored_opt_ins(app) == []


def test_the_privacy_page_says_how_an_opt_in_address_is_kept_when_the_survey_offers_one(app, client, link):
    text = visible_text(client.get(f"{link.url}/privacy").text)
    assert nb(app, "If you sign up after answering") in text
    assert "stored separately from your answers, with no link to them" in visible_text(
        client.get(f"{link.url}/privacy?lang=en").text
    )
    text = visible_text(client.get(f"{link.url}/privacy?lang=nb").text)
    assert nb(app, "“%(opt_in)s”: only to send you the newsletter.", opt_in=NEWSLETTER["nb"]) in text
    assert (
        nb(app, "“%(opt_in)s”: only to draw the winners and contact them.", opt_in=PRIZE_DRAW["nb"]) in text
    )

    without = answering_survey(app)
    assert nb(app, "If you sign up after answering") not in visible_text(
        client.get(f"{without.url}/privacy").text
    )


def test_opt_in_texts_are_escaped(app, client):
    hostile = texts(
        '<script>alert(1)</script>"><img src=x onerror=alert(2)>', "{{7*7}}", "{% if 1 %}x{% endif %}"
    )
    link = answering_survey(
        app, with_opt_ins([{"code": "newsletter", "kind": "newsletter", "text": hostile}])
    )
    page = completed(client, link).page
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    privacy = client.get(f"{link.url}/privacy?lang=nn").text
    assert "{{7*7}}" in privacy and "49" not in visible_text(privacy)


# --- the lists, for owners and editors --------------------------------------------------------------------


def member_client(app, survey_id: int, role: OrgRole):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        user = User(email=f"{role.value}@example.org", password_hash=hash_password(PASSWORD))
        db.session.add(Membership(user=user, organisation_id=survey.organisation_id, role=role))
        db.session.commit()
        email, org_id = user.email, survey.organisation_id
    client = app.test_client()
    token = csrf_token(client.get("/login?lang=en").text)
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    return client, f"/org/{org_id}/surveys/{survey_id}"


def add_opt_ins(app, survey_id: int, entries: list[tuple[str, str]]) -> None:
    with app.app_context():
        for code, email in entries:
            opt_ins.store(survey_id, [code], email)
        db.session.commit()


@pytest.mark.parametrize("role", [OrgRole.OWNER, OrgRole.EDITOR])
def test_owners_and_editors_see_how_many_signed_up_for_each_opt_in(app, link, role):
    add_opt_ins(app, link.survey_id, [("newsletter", "a@example.no"), ("newsletter", "b@example.no")])
    add_opt_ins(app, link.survey_id, [("prize_draw", "a@example.no")])
    client, survey_url = member_client(app, link.survey_id, role)

    design = client.get(survey_url).text
    assert f'href="{survey_url}/opt-ins"' in design
    page = client.get(f"{survey_url}/opt-ins")
    assert page.status_code == 200
    rows = [visible_text(row) for row in page.text.split("<tr>")[2:]]
    assert rows[0].startswith("Send me the newsletter Newsletter 2")
    assert rows[1].startswith("Enter me in the prize draw for two tickets Prize draw 1")
    assert "a@example.no" not in page.text, "the page counts; the addresses are in the download"


def test_a_viewer_has_no_access_to_the_lists(app, link):
    add_opt_ins(app, link.survey_id, [("newsletter", "a@example.no")])
    client, survey_url = member_client(app, link.survey_id, OrgRole.VIEWER)
    assert "/opt-ins" not in client.get(survey_url).text
    assert client.get(f"{survey_url}/opt-ins").status_code == 403
    assert client.get(f"{survey_url}/opt-ins.csv").status_code == 403


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_the_download_is_a_utf8_csv_sorted_by_opt_in_and_address_with_formulas_neutralised(app, link):
    add_opt_ins(
        app,
        link.survey_id,
        [
            ("prize_draw", "=cmd|'/c calc'!a0@example.no"),
            ("newsletter", "ærlig@example.no"),
            ("newsletter", "+47@example.no"),
            ("newsletter", "-x@example.no"),
            ("prize_draw", "@home@example.no"),
        ],
    )
    client, survey_url = member_client(app, link.survey_id, OrgRole.EDITOR)
    reply = client.get(f"{survey_url}/opt-ins.csv")

    assert reply.status_code == 200
    assert reply.content_type == "text/csv; charset=utf-8"
    assert reply.headers["Content-Disposition"] == f'attachment; filename="opt-ins-{link.survey_id}.csv"'
    assert b"\r\n" in reply.data
    assert read_csv(reply.data) == [
        ["Opt-in code", "Opt-in", "E-mail address"],
        ["newsletter", "Send me the newsletter", "'+47@example.no"],
        ["newsletter", "Send me the newsletter", "'-x@example.no"],
        ["newsletter", "Send me the newsletter", "ærlig@example.no"],
        ["prize_draw", "Enter me in the prize draw for two tickets", "'=cmd|'/c calc'!a0@example.no"],
        ["prize_draw", "Enter me in the prize draw for two tickets", "'@home@example.no"],
    ]


def test_opt_in_texts_beginning_like_a_formula_are_neutralised_in_the_download(app):
    formula = texts('=HYPERLINK("http://x")', '=HYPERLINK("http://x")', '=HYPERLINK("http://x")')
    link = answering_survey(
        app, with_opt_ins([{"code": "newsletter", "kind": "newsletter", "text": formula}])
    )
    add_opt_ins(app, link.survey_id, [("newsletter", "a@example.no")])
    client, survey_url = member_client(app, link.survey_id, OrgRole.OWNER)
    assert read_csv(client.get(f"{survey_url}/opt-ins.csv").data)[1] == [
        "newsletter",
        '\'=HYPERLINK("http://x")',
        "a@example.no",
    ]


def test_deleting_a_list_after_the_prize_draw_keeps_the_other_list(app, link):
    add_opt_ins(app, link.survey_id, [("newsletter", "a@example.no"), ("prize_draw", "a@example.no")])
    add_opt_ins(app, link.survey_id, [("prize_draw", "b@example.no")])
    other = answering_survey(app, with_opt_ins(version="2.1"))
    add_opt_ins(app, other.survey_id, [("prize_draw", "c@example.no")])
    client, survey_url = member_client(app, link.survey_id, OrgRole.EDITOR)

    token = csrf_token(client.get(f"{survey_url}/opt-ins").text)
    reply = client.post(
        f"{survey_url}/opt-ins/delete",
        data={"csrf_token": token, "code": "prize_draw"},
        follow_redirects=True,
    )

    assert reply.request.path == f"{survey_url}/opt-ins"
    assert "E-mail addresses deleted: 2." in visible_text(reply.text)
    assert [(row[0], row[1], row[2]) for row in stored_opt_ins(app)] == sorted(
        [(link.survey_id, "newsletter", "a@example.no"), (other.survey_id, "prize_draw", "c@example.no")]
    )


def test_a_list_no_longer_offered_is_still_shown_so_it_can_be_deleted(app, link):
    add_opt_ins(app, link.survey_id, [("old_draw", "a@example.no")])
    client, survey_url = member_client(app, link.survey_id, OrgRole.OWNER)
    text = visible_text(client.get(f"{survey_url}/opt-ins").text)
    assert "old_draw No longer offered 1" in text


def test_a_survey_without_opt_ins_says_so(app):
    link = answering_survey(app)
    client, survey_url = member_client(app, link.survey_id, OrgRole.OWNER)
    assert "This survey offers no sign-up for a newsletter or a prize draw." in visible_text(
        client.get(f"{survey_url}/opt-ins").text
    )


def test_deleting_a_survey_deletes_its_lists(app, link):
    add_opt_ins(app, link.survey_id, [("newsletter", "a@example.no")])
    with app.app_context():
        db.session.delete(db.session.get(Survey, link.survey_id))
        db.session.commit()
    assert stored_opt_ins(app) == []
