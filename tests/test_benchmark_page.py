"""The member's comparison page: own results beside each shown peer group with intervals, the
plain-language sentence, suppressed groups explained without counts, give-to-get, the empty state,
periods, the trend across years, and the CSV, XLSX, SVG and PNG downloads."""

import copy
import csv
import html
import io
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.benchmarks.services import recompute_benchmarks
from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires.models import QuestionnaireVersion
from tests import benchmark_support as support
from tests.support import csrf_token

PASSWORD = "benchmark-page-2026"
THEATRES_IN_VESTLAND = "Theatre and performing arts in Vestland"
THEATRES_IN_NORWAY = "Theatre and performing arts in all of Norway"
ALL_IN_VESTLAND = "All sectors in Vestland"
ALL_IN_NORWAY = "All organisations in Norway"
EVERY_GROUP = [THEATRES_IN_VESTLAND, THEATRES_IN_NORWAY, ALL_IN_VESTLAND, ALL_IN_NORWAY]
LAST_YEAR = datetime(2025, 5, 20, 12, tzinfo=UTC)

# Texts of the base questionnaire that a spreadsheet would run as formulas, and markup for the SVG.
HOSTILE_QUESTION = "=First visit & <here>?"
HOSTILE_OPTION = '=HYPERLINK("http://evil.example")'


@dataclass(frozen=True)
class World:
    org_id: int
    survey_id: int


def build(
    app,
    *,
    peers: int = 6,
    peer_yes: int = 5,
    viewer_yes: int = 30,
    elsewhere: int = 0,
    opt_in: bool = True,
    last_year: bool = False,
    definition: dict | None = None,
    recompute: bool = True,
) -> World:
    """A theatre in Vestland (40 responses, `viewer_yes` first visits) with an owner, a viewer and an
    English-speaking editor, `peers` other theatres in Vestland (25 responses, `peer_yes` first visits)
    and `elsewhere` theatres in Oslo; with `last_year`, everyone answered in 2025 as well."""
    with app.app_context():
        if definition is not None:
            db.session.add(
                QuestionnaireVersion(
                    code="grunnskjema",
                    version="1.0",
                    sort_key="1.0",
                    title={"nb": "Test"},
                    definition=definition,
                    content_hash="benchmark-page-hostile",
                )
            )
            db.session.flush()
        viewer, revision = support.organisation_with_survey("Vårt teater", benchmark_opt_in=opt_in)
        support.respond_many(revision, 40, yes=viewer_yes)
        if last_year:
            support.respond_many(revision, 40, yes=20, at=LAST_YEAR)
        for index in range(peers):
            _organisation, peer = support.organisation_with_survey(f"Teater {index}")
            support.respond_many(peer, 25, yes=peer_yes)
            if last_year:
                support.respond_many(peer, 25, yes=peer_yes, at=LAST_YEAR)
        for index in range(elsewhere):
            _organisation, peer = support.organisation_with_survey(f"Oslo-teater {index}", fylke="03")
            support.respond_many(peer, 25, yes=peer_yes)
        password_hash = hash_password(PASSWORD)
        for role, locale in ((OrgRole.OWNER, "nb"), (OrgRole.VIEWER, "nb"), (OrgRole.EDITOR, "en")):
            user = User(email=f"{role.value}@page.example", password_hash=password_hash, locale=locale)
            db.session.add(Membership(user=user, organisation=viewer, role=role))
        if recompute:
            recompute_benchmarks()
        db.session.commit()
        return World(viewer.id, revision.survey_id)


def logged_in(app, role: str = "owner", language: str | None = "en"):
    """A client logged in as the role's member; `language` chosen in the address as a visitor would."""
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    reply = client.post(
        "/login", data={"email": f"{role}@page.example", "password": PASSWORD, "csrf_token": token}
    )
    assert reply.status_code == 302
    if language:
        client.get(f"/account?lang={language}")
    return client


def page_url(world: World, suffix: str = "", query: str = "") -> str:
    return f"/org/{world.org_id}/benchmarks{suffix}" + (f"?{query}" if query else "")


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page: str, key: str) -> str:
    match = re.search(rf'<section class="comparison" aria-labelledby="q-{key}">(.*?)</section>', page, re.S)
    assert match, f"no section for {key}"
    return match.group(1)


def column_headers(fragment: str) -> list[str]:
    table = fragment.split("<tbody>")[0]
    return [text_of(cell) for cell in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)]


def row_cells(fragment: str, label: str) -> list[str]:
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', fragment, re.S)
    assert match, f"no row {label!r}"
    return [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The Wilson score interval at 95 %, written out from its formula."""
    z = 1.959963984540054
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    margin = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - margin, centre + margin


def percent(value: float) -> str:
    return f"{round(value * 100)} %"


def shown_with_interval(successes: int, n: int) -> str:
    low, high = wilson(successes, n)
    return f"{percent(successes / n)} ({percent(low)}–{percent(high)})"


def hostile_definition() -> dict:
    definition = copy.deepcopy(support.DEFINITION)
    first_visit = definition["sections"][0]["questions"][0]
    first_visit["text"]["en"] = HOSTILE_QUESTION
    first_visit["options"][0]["label"]["en"] = HOSTILE_OPTION
    return definition


def comparable(value) -> float | str:
    """A cell as a number where it is one (the spreadsheet stores 0.0 as 0), else as text."""
    if value is None or value == "":
        return ""
    try:
        return float(value)
    except ValueError:
        return value


def csv_rows(reply) -> list[list[str]]:
    return list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))


# --- The page ---------------------------------------------------------------------------------


def test_own_result_and_every_shown_group_with_its_figure_and_interval(app):
    world = build(app)
    page = logged_in(app).get(page_url(world))
    assert page.status_code == 200
    first_visit = section(page.text, "first_visit")
    assert column_headers(first_visit) == [
        "Answer",
        "Your organisation (n = 40)",
        *(f"{group} (6 organisations, 150 responses)" for group in EVERY_GROUP),
    ]
    # Own: 30 of 40 first visits. Every group: the six peers' 30 of 150, the viewer left out.
    own, *groups = row_cells(first_visit, "Yes")
    assert own == shown_with_interval(30, 40)
    assert groups == [shown_with_interval(30, 150) + " Significant difference"] * 4
    own, *groups = row_cells(first_visit, "No")
    assert own == shown_with_interval(10, 40)
    assert groups == [shown_with_interval(120, 150) + " Significant difference"] * 4
    # Every peer answered 4 on the five-point scale: a mean without spread.
    assert row_cells(section(page.text, "overall"), "Mean")[1:] == ["4.0 (4.0–4.0)"] * 4


def test_the_sentence_names_the_strongest_difference_with_both_figures(app):
    world = build(app)
    page = logged_in(app).get(page_url(world))
    lead = re.search(r'<p class="lead">(.*?)</p>', section(page.text, "first_visit"), re.S).group(1)
    assert text_of(lead) == (
        f"Significantly more answered “Yes” than among {THEATRES_IN_VESTLAND} (75 % vs 20 %)."
    )


def test_no_sentence_claims_a_difference_where_there_is_none(app):
    world = build(app, viewer_yes=8, peer_yes=5)
    page = logged_in(app).get(page_url(world))
    lead = re.search(r'<p class="lead">(.*?)</p>', section(page.text, "first_visit"), re.S).group(1)
    assert text_of(lead) == f"No significant difference from {THEATRES_IN_VESTLAND}."
    assert "Significant difference" not in section(page.text, "first_visit")


def test_the_page_speaks_the_users_language(app):
    world = build(app)
    # The editor chose English in their account; nobody asks for a language in the address.
    english = logged_in(app, "editor", language=None).get(page_url(world)).text
    assert f"than among {THEATRES_IN_VESTLAND} (75 % vs 20 %)." in english
    # The owner reads Bokmål: group names come from the Norwegian reference data.
    norwegian = logged_in(app, "owner", language=None).get(page_url(world)).text
    assert "Teater og scenekunst" in norwegian
    assert "Theatre and performing arts" not in norwegian
    sentence = "Signifikant flere svarte «Ja» enn blant Teater og scenekunst i Vestland (75 % mot 20 %)."
    assert sentence in norwegian


def test_a_suppressed_group_is_explained_without_counts_and_falls_back(app):
    # Four other theatres in Vestland are too few; with six in Oslo, the country-wide groups show.
    world = build(app, peers=4, elsewhere=6)
    page = logged_in(app).get(page_url(world)).text
    first_visit = section(page, "first_visit")
    notes = [text_of(note) for note in re.findall(r'<p class="suppressed">(.*?)</p>', first_visit, re.S)]
    assert notes == [
        f"{THEATRES_IN_VESTLAND}: Too few organisations to show without revealing anyone. "
        f"Compared with {THEATRES_IN_NORWAY} instead.",
        f"{ALL_IN_VESTLAND}: Too few organisations to show without revealing anyone. "
        f"Compared with {ALL_IN_NORWAY} instead.",
    ]
    assert column_headers(first_visit)[2:] == [
        f"{THEATRES_IN_NORWAY} (10 organisations, 250 responses)",
        f"{ALL_IN_NORWAY} (10 organisations, 250 responses)",
    ]
    # Nothing on the page counts the four theatres in Vestland or their responses.
    assert "4 organisations" not in page and "100 responses" not in page
    lead = text_of(re.search(r'<p class="lead">(.*?)</p>', first_visit, re.S).group(1))
    assert lead.startswith(f"{THEATRES_IN_VESTLAND} cannot be shown; compared with {THEATRES_IN_NORWAY}.")


def test_an_organisation_that_never_shared_its_answers_sees_no_one(app):
    world = build(app, opt_in=False)
    page = logged_in(app).get(page_url(world)).text
    assert "There are no comparisons for your organisation yet." in page
    assert "Your organisation does not share its answers for comparisons, so it sees none" in page
    assert "organisations, " not in page and "20 %" not in page


def test_an_organisation_that_stopped_sharing_sees_no_peer_groups(app):
    world = build(app)
    with app.app_context():
        db.session.get(Organisation, world.org_id).benchmark_opt_in = False
        recompute_benchmarks()
        db.session.commit()
    page = logged_in(app).get(page_url(world)).text
    assert "Your organisation does not contribute to the comparisons for this period" in page
    first_visit = section(page, "first_visit")
    assert column_headers(first_visit) == ["Answer", "Your organisation (n = 40)"]
    assert row_cells(first_visit, "Yes") == [shown_with_interval(30, 40)]
    assert "20 %" not in page and "organisations, " not in page


def test_without_snapshots_the_page_says_none_are_there_yet(app):
    world = build(app, recompute=False)
    client = logged_in(app)
    page = client.get(page_url(world)).text
    assert "There are no comparisons for your organisation yet." in page
    assert '<select id="period"' not in page and '<section class="comparison"' not in page
    assert "does not share its answers" not in page
    assert client.get(page_url(world, ".csv")).status_code == 404
    assert client.get(page_url(world, "/first_visit.svg")).status_code == 404


def test_the_period_selector_lists_years_and_quarters_and_refuses_others(app):
    world = build(app)
    client = logged_in(app)
    page = client.get(page_url(world)).text
    options = re.findall(r'<option value="([^"]+)"( selected)?>', page)
    assert options == [("2026", " selected"), ("2026-Q2", "")]
    quarter = client.get(page_url(world, query="period=2026-Q2")).text
    assert '<option value="2026-Q2" selected>' in quarter
    assert row_cells(section(quarter, "first_visit"), "Yes")[0] == shown_with_interval(30, 40)
    for unknown in ("2025", "2026-Q3", "all"):
        assert client.get(page_url(world, query=f"period={unknown}")).status_code == 404
        assert client.get(page_url(world, ".csv", f"period={unknown}")).status_code == 404


def test_two_years_give_a_trend_table(app):
    world = build(app, last_year=True)
    page = logged_in(app).get(page_url(world)).text
    first_visit = section(page, "first_visit")
    trend = re.search(r'<caption id="trend-first_visit">(.*?)</caption>(.*?)</table>', first_visit, re.S)
    assert trend, "no trend table"
    assert text_of(trend.group(1)) == "Trend across years: Yes"
    rows = [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", trend.group(2).split("<tbody>")[1], re.S)
    ]
    # 2025: 20 of 40 against the peers' 30 of 150; 2026: 30 of 40 against 30 of 150.
    assert rows == [
        ["2025", "50 %", "20 %", THEATRES_IN_VESTLAND],
        ["2026", "75 %", "20 %", THEATRES_IN_VESTLAND],
    ]


def test_one_year_gives_no_trend_table(app):
    world = build(app)
    page = logged_in(app).get(page_url(world)).text
    assert "Trend across years" not in page


def test_a_viewer_sees_the_page_too(app):
    world = build(app)
    page = logged_in(app, "viewer").get(page_url(world))
    assert page.status_code == 200
    assert row_cells(section(page.text, "first_visit"), "Yes")[0] == shown_with_interval(30, 40)


# --- Downloads --------------------------------------------------------------------------------


def test_csv_has_a_row_per_shown_comparison_and_neutralised_labels(app):
    world = build(app, peers=4, elsewhere=6, definition=hostile_definition())
    reply = logged_in(app).get(page_url(world, ".csv"))
    assert reply.status_code == 200
    assert reply.mimetype == "text/csv"
    assert 'filename="benchmarks-2026.csv"' in reply.headers["Content-Disposition"]
    assert reply.data.startswith(b"\xef\xbb\xbf")
    header, *rows = csv_rows(reply)
    assert header[:7] == [
        "Period",
        "Question",
        "Answer",
        "Compared with",
        "Shown",
        "Organisations",
        "Responses",
    ]
    question = "'" + HOSTILE_QUESTION
    first_visit = [row for row in rows if row[1] == question]
    shown = [row for row in first_visit if row[4] == "Yes"]
    assert sorted((row[2], row[3]) for row in shown) == sorted(
        (answer, group)
        for answer in ("'" + HOSTILE_OPTION, "No")
        for group in (THEATRES_IN_NORWAY, ALL_IN_NORWAY)
    )
    # Suppressed groups get one row each, with no counts and no figures.
    suppressed = [row for row in first_visit if row[4] == "No"]
    assert [row[3] for row in suppressed] == [THEATRES_IN_VESTLAND, ALL_IN_VESTLAND]
    assert all(cell == "" for row in suppressed for cell in row[5:])
    yes = next(row for row in shown if row[2].startswith("'=") and row[3] == THEATRES_IN_NORWAY)
    # Own 30 of 40, peers 4 × 5 + 6 × 5 = 50 of 250.
    assert yes[5:8] == ["10", "250", "0.75"]
    assert float(yes[10]) == pytest.approx(0.2)
    no = next(row for row in shown if row[2] == "No" and row[3] == THEATRES_IN_NORWAY)
    # A negative difference is a number, not text a spreadsheet would have to be protected from.
    assert float(no[13]) == pytest.approx(-0.55)
    # Every benchmarkable question: two options, three options, a mean and an NPS, in two groups each.
    assert sum(row[4] == "Yes" for row in rows) == (2 + 3 + 1 + 1) * 2
    # No cell anywhere starts with a character that a spreadsheet could run.
    assert not [cell for row in [header, *rows] for cell in row if cell[:1] in ("=", "+", "@")]


def test_xlsx_has_the_same_rows_as_the_csv_with_text_never_a_formula(app):
    world = build(app, peers=4, elsewhere=6, definition=hostile_definition())
    client = logged_in(app)
    reply = client.get(page_url(world, ".xlsx"))
    assert reply.status_code == 200
    assert reply.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(reply.data)).active
    cells = [list(row) for row in sheet.iter_rows()]
    assert all(cell.data_type != "f" for row in cells for cell in row)
    values = [[comparable(cell.value) for cell in row] for row in cells]
    assert values == [
        [comparable(cell) for cell in row] for row in csv_rows(client.get(page_url(world, ".csv")))
    ]
    assert "'" + HOSTILE_OPTION in values[1] + values[2]


def test_chart_downloads_as_svg_with_the_question_escaped_and_as_png(app):
    world = build(app, definition=hostile_definition())
    client = logged_in(app)
    svg = client.get(page_url(world, "/first_visit.svg"))
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"
    assert 'filename="benchmarks-2026-first_visit.svg"' in svg.headers["Content-Disposition"]
    body = svg.data.decode()
    assert "=First visit &amp; &lt;here&gt;?" in body and "<here>" not in body
    assert 'role="img"' in body
    png = client.get(page_url(world, "/first_visit.png", "period=2026-Q2"))
    assert png.status_code == 200
    assert png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    # The page itself shows the same question text inert.
    page = client.get(page_url(world)).text
    assert "<here>" not in page and "=First visit &amp; &lt;here&gt;?" in page


def test_a_chart_of_an_unknown_or_own_question_is_not_found(app):
    world = build(app)
    client = logged_in(app)
    # "own_question" is the organisation's own question: never benchmarked.
    for key in ("no_such_question", "own_question"):
        assert client.get(page_url(world, f"/{key}.svg")).status_code == 404
        assert client.get(page_url(world, f"/{key}.png")).status_code == 404
