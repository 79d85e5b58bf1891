"""The results page: figures with intervals, respondent protection, filters, speeders, the crosstab,
chart downloads and the printable report."""

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.results import stats
from app.results.filters import ResultFilters
from app.results.services import crosstab, question_result, survey_results
from app.surveys.models import Survey
from tests.results_support import build, logged_in, respond, results_url


@pytest.fixture
def world(app):
    return build(app)


def results_of(app, world, **filters) -> dict:
    with app.app_context():
        return survey_results(db.session.get(Survey, world.survey_id), ResultFilters(**filters))


def option(results: dict, code: str, option_code: str) -> dict:
    return next(o for o in question_result(results, code)["options"] if o["code"] == option_code)


def table_row(html: str, label: str) -> list[str]:
    """The cells of the table row headed `label`, as plain text (hidden marks read "–")."""
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert match, f"no row {label!r}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [re.sub(r"<span class=\"visually-hidden\">.*?</span>|<[^>]+>", "", cell).strip() for cell in cells]


# --- Statistics -------------------------------------------------------------------------------


def test_wilson_interval_matches_the_textbook_value():
    interval = stats.wilson(9, 12)
    assert interval.value == 0.75
    assert interval.low == pytest.approx(0.4677, abs=1e-4)
    assert interval.high == pytest.approx(0.9111, abs=1e-4)


def test_mean_interval_uses_students_t():
    values = [3, 4, 5, 4, 4]
    interval = stats.mean_interval(len(values), sum(values), sum(v * v for v in values))
    assert interval.value == 4
    # t(0.975, 4) = 2.7764; s = sqrt(0.5); margin = 2.7764 * sqrt(0.5 / 5)
    assert interval.high - interval.value == pytest.approx(2.7764 * (0.5 / 5) ** 0.5, abs=1e-3)


def test_nps_is_100_times_the_mean_of_promoter_and_detractor_scores():
    interval = stats.nps_interval(promoters=6, passives=2, detractors=2)
    assert interval.value == pytest.approx(40.0)
    assert interval.low < 40 < interval.high
    assert stats.nps_interval(10, 0, 0).high == 100.0


# --- Figures and respondent protection --------------------------------------------------------


def test_counts_shares_and_intervals_and_small_cells_hidden(app, world):
    respond(app, world, 9, first_visit="yes", satisfaction=4, recommend=10)
    respond(app, world, 3, first_visit="no", satisfaction=2, recommend=3)
    results = results_of(app, world)
    assert results["respondents"] == 12
    yes, no = option(results, "first_visit", "yes"), option(results, "first_visit", "no")
    assert (yes["count"], yes["share"], yes["hidden"]) == (9, 0.75, False)
    assert yes["ci_low"] == pytest.approx(0.4677, abs=1e-4)
    assert no == {**no, "count": None, "share": None, "ci_low": None, "hidden": True}
    satisfaction = question_result(results, "satisfaction")
    assert satisfaction["mean"]["value"] == pytest.approx((9 * 4 + 3 * 2) / 12)
    assert option(results, "satisfaction", "4")["count"] == 9
    assert option(results, "satisfaction", "2")["hidden"] is True
    nps = question_result(results, "recommend")["nps"]
    assert nps["value"] == pytest.approx(100 * (9 - 3) / 12)
    assert (nps["promoters"], nps["passives"], nps["detractors"]) == (9, 0, None)

    page = logged_in(app, "viewer").get(results_url(world)).text
    assert table_row(page, "Ja") == ["9", "75 %", "47 %–91 %"]
    assert table_row(page, "Nei") == ["–", "–", "–"]
    assert "hidden: too few responses" in page
    assert "a figure based on fewer than 5 responses is shown as “–”" in page


def test_a_mean_from_fewer_than_five_answers_is_hidden(app, world):
    respond(app, world, 6, satisfaction=None)
    respond(app, world, 4, satisfaction=5)
    mean = question_result(results_of(app, world), "satisfaction")["mean"]
    assert mean["hidden"] is True and mean["value"] is None


def test_free_text_is_listed_only_from_ten_responses(app, world):
    respond(app, world, 9, comment="Flott forestilling")
    results = results_of(app, world)
    assert question_result(results, "comment")["texts"] is None
    client = logged_in(app)
    page = client.get(results_url(world)).text
    assert "Flott forestilling" not in page
    assert "Free-text answers are listed only when at least 10 responses match the filters" in page

    respond(app, world, 1, comment="<b>For lang pause</b>")
    results = results_of(app, world)
    assert (
        sorted(question_result(results, "comment")["texts"])
        == ["<b>For lang pause</b>"] + ["Flott forestilling"] * 9
    )
    page = client.get(results_url(world)).text
    assert page.count("<li>Flott forestilling</li>") == 9
    assert "&lt;b&gt;For lang pause&lt;/b&gt;" in page


def test_a_filter_narrowing_to_fewer_than_five_is_refused(app, world):
    respond(app, world, 10, first_visit="yes", comment="Bra")
    respond(app, world, 4, first_visit="no", comment="Kjent")
    results = results_of(app, world, answers=(("first_visit", ("no",)),))
    assert results["refused"] is True
    assert results["respondents"] is None and results["questions"] == []

    client = logged_in(app)
    page = client.get(results_url(world, query="answer=first_visit:no")).text
    assert "These filters select too few respondents" in page
    assert "Fewer than 5 responses match the filters" in page
    assert 'id="q-first_visit"' not in page and "Kjent" not in page
    chart = client.get(results_url(world, "/chart.svg", "question=first_visit&answer=first_visit:no"))
    assert chart.status_code == 403

    respond(app, world, 1, first_visit="no")
    assert results_of(app, world, answers=(("first_visit", ("no",)),))["respondents"] == 5


def test_test_and_partial_responses_stay_out_of_the_question_figures(app, world):
    respond(app, world, 5, first_visit="yes")
    respond(app, world, 7, first_visit="no", is_test=True)
    respond(app, world, 6, first_visit="no", status="partial")
    results = results_of(app, world)
    assert results["respondents"] == 5
    assert option(results, "first_visit", "no")["count"] == 0
    [period] = results["timeline"]["periods"]
    assert (period["complete"], period["partial"]) == (5, 6)


def test_timeline_per_day_and_per_week(app, world):
    respond(app, world, 5, days_ago=0)
    respond(app, world, 6, days_ago=1)
    respond(app, world, 2, days_ago=2)
    with app.app_context():
        survey = db.session.get(Survey, world.survey_id)
        daily = survey_results(survey)["timeline"]["periods"]
        weekly = survey_results(survey, interval="week")["timeline"]["periods"]
    assert [(p["complete"], p["complete_hidden"]) for p in daily] == [(None, True), (6, False), (5, False)]
    assert sum(p["complete"] or 0 for p in weekly) + sum(2 for p in weekly if p["complete_hidden"]) == 13
    assert all(date.fromisoformat(p["start"]).weekday() == 0 for p in weekly)


# --- Filters ----------------------------------------------------------------------------------


def test_filters_by_link_event_tag_language_period_and_answer(app, world):
    respond(app, world, 6, language="nb", first_visit="yes")
    respond(app, world, 7, language="en", premiere=True, first_visit="no", days_ago=10)
    assert results_of(app, world, collector_ids=(world.collector_id,))["respondents"] == 6
    assert results_of(app, world, event_tag="premiere")["respondents"] == 7
    assert results_of(app, world, language="en")["respondents"] == 7
    assert results_of(app, world, date_to=date.today() - timedelta(days=5))["respondents"] == 7
    assert results_of(app, world, date_from=date.today() - timedelta(days=1))["respondents"] == 6
    assert results_of(app, world, answers=(("first_visit", ("yes",)),))["respondents"] == 6

    client = logged_in(app)
    page = client.get(results_url(world, query="event_tag=premiere&language=en")).text
    assert "Complete responses matching the filters: 7." in page
    assert '<option value="premiere" selected>' in page
    page = client.get(results_url(world, query="answer=first_visit:no&answer=came_with:alone")).text
    assert '<option value="first_visit:no" selected>' in page
    assert '<option value="came_with:alone" selected>' in page


def test_unknown_filter_values_answer_400(app, world):
    client = logged_in(app)
    for query in (
        f"collector={world.collector_id + 1000}",
        "event_tag=nope",
        "language=de",
        "from=yesterday",
        "answer=first_visit:maybe",
        "answer=comment:x",
        "interval=month",
        "rows=first_visit&columns=comment",
    ):
        assert client.get(results_url(world, query=query)).status_code == 400, query


def test_speeders_under_a_third_of_the_median_are_left_out(app, world):
    respond(app, world, 10, duration=300, first_visit="yes")
    respond(app, world, 3, duration=90, first_visit="no")
    respond(app, world, 2, duration=100, first_visit="no")
    results = results_of(app, world, exclude_speeders=True)
    assert results["speeder_limit_seconds"] == 100
    assert (results["respondents"], results["speeders_excluded"]) == (12, 3)
    assert option(results, "first_visit", "no")["hidden"] is True
    assert results_of(app, world)["respondents"] == 15

    page = logged_in(app).get(results_url(world, query="exclude_speeders=y")).text
    assert "Speeders left out: 3." in page


# --- Crosstab ---------------------------------------------------------------------------------


def test_crosstab_counts_respondents_in_each_pair_of_answers(app, world):
    respond(app, world, 6, first_visit="yes", came_with=("partner", "friends"))
    respond(app, world, 5, first_visit="no", came_with=("alone",))
    respond(app, world, 2, first_visit="no", came_with=("friends",))
    with app.app_context():
        table = crosstab(db.session.get(Survey, world.survey_id), ResultFilters(), "first_visit", "came_with")
    counts = [[cell["count"] for cell in row] for row in table["cells"]]
    assert counts == [[0, 6, 6], [5, 0, None]]
    assert [t["count"] for t in table["row_totals"]] == [6, 7]
    assert [t["count"] for t in table["column_totals"]] == [5, 6, 8]
    assert table["cells"][1][0]["share"] == pytest.approx(5 / 7)

    page = logged_in(app).get(results_url(world, query="rows=first_visit&columns=came_with")).text
    assert "Første besøk? (rows) by Hvem kom du med? (columns)" in page
    assert table_row(page, "Nei")[:3] == ["5 (71 %)", "0", "–"]


# --- Charts, downloads and the report ---------------------------------------------------------


def test_charts_download_as_svg_and_png_with_the_pages_filters(app, world):
    respond(app, world, 8, first_visit="yes", premiere=True)
    respond(app, world, 6, first_visit="no")
    client = logged_in(app)
    page = client.get(results_url(world, query="event_tag=premiere")).text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "<script" not in page.split("<main")[1]
    assert "style=" not in page.split("<main")[1]
    link = re.search(r'href="([^"]*chart\.svg\?[^"]*question=first_visit[^"]*)"', page).group(1)
    assert "event_tag=premiere" in link

    svg = client.get(link.replace("&amp;", "&"))
    assert svg.status_code == 200 and svg.content_type == "image/svg+xml"
    assert svg.headers["Content-Disposition"].startswith("attachment")
    assert svg.text.startswith("<?xml") and "Første besøk?" in svg.text
    assert ">100 %</text>" in svg.text  # only the premiere's first-time visitors

    png = client.get(results_url(world, "/chart.png", "question=recommend"))
    assert png.status_code == 200 and png.content_type == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    timeline = client.get(results_url(world, "/timeline.png"))
    assert timeline.content_type == "image/png" and timeline.data.startswith(b"\x89PNG")
    assert client.get(results_url(world, "/timeline.svg")).content_type == "image/svg+xml"
    assert client.get(results_url(world, "/chart.svg", "question=nothing")).status_code == 404


def test_question_texts_are_escaped_in_charts(app, world):
    respond(app, world, 5)
    with app.app_context():
        from app.results import charts

        question = {
            "code": "x",
            "text": {"nb": '<script>alert(1)</script>"'},
            "options": [
                {
                    "code": "a",
                    "label": {"nb": "<img src=x>"},
                    "share": 1.0,
                    "ci_low": 0.5,
                    "ci_high": 1.0,
                    "hidden": False,
                }
            ],
        }
        with app.test_request_context():
            svg = charts.to_svg(charts.with_title(charts.share_bars(question)), "chart", standalone=True)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;img src=x&gt;" in svg


def test_the_printable_report_has_the_figures_and_no_forms(app, world):
    respond(app, world, 7, first_visit="yes", language="en")
    respond(app, world, 6, first_visit="no")
    page = (
        logged_in(app)
        .get(results_url(world, "/report", "language=en&rows=first_visit&columns=first_visit"))
        .text
    )
    assert "Report: Publikum 2026" in page
    assert "Language of the response: English" in page
    assert "Complete responses matching the filters: 7." in page
    assert "(rows) by" in page
    assert table_row(page.split('id="q-first_visit"')[1], "Ja")[:2] == ["7", "100 %"]
    assert 'method="get"' not in page and "Download as" not in page
    assert "print.js" in page


def test_the_results_page_is_linked_from_the_dashboard_and_the_survey_page(app, world):
    respond(app, world, 1)
    client = logged_in(app, "viewer")
    url = results_url(world)
    assert f'href="{url}"' in client.get(f"/org/{world.org_id}/").text
    assert f'href="{url}"' in client.get(f"/org/{world.org_id}/surveys/{world.survey_id}").text


def test_another_organisations_results_answer_404(app, world):
    client = logged_in(app)
    assert client.get(f"/org/{world.other_org_id}/surveys/{world.other_survey_id}/results").status_code == 404
    assert client.get(f"/org/{world.org_id}/surveys/{world.other_survey_id}/results").status_code == 404
    chart = f"/org/{world.org_id}/surveys/{world.other_survey_id}/results/chart.png?question=first_visit"
    assert client.get(chart).status_code == 404
