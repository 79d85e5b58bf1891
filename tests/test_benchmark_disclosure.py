"""What the comparison report shows and suppresses: thresholds, dominance, differencing between
nested groups, and changes between snapshots (the attacks of docs/anonymity.md)."""

from app.benchmarks.aggregation import aggregate_survey
from app.benchmarks.disclosure import (
    DIFFERENCING,
    DOMINATED,
    TOO_FEW_ORGANISATIONS,
    TOO_FEW_RESPONSES,
    WITHDRAWN,
)
from app.benchmarks.report import build_report
from app.benchmarks.services import recompute_benchmarks
from app.benchmarks.snapshots import compute_snapshots
from tests import benchmark_support as support


def peers(count: int, responses: int = 25, yes: int = 10, fylke: str = "46", sector: str = "theatre"):
    organisations = []
    for index in range(count):
        organisation, revision = support.organisation_with_survey(
            f"Peer {fylke} {sector} {index}", sector, fylke
        )
        support.respond_many(revision, responses, yes=yes)
        organisations.append((organisation, revision))
    return organisations


def viewer(responses: int = 40, yes: int = 30, **traits):
    organisation, revision = support.organisation_with_survey("Viewer", **traits)
    support.respond_many(revision, responses, yes=yes)
    return organisation, revision


def groups(report, key: str = "first_visit") -> dict:
    question = next(question for question in report.questions if question.key == key)
    return {group.kind: group for group in question.groups}


def share_of_yes(group) -> float:
    return next(c for c in group.comparisons if c.measure == "yes").peer.value


def test_four_other_organisations_are_too_few_five_are_enough(app_context):
    me, _ = viewer()
    others = peers(4)
    recompute_benchmarks()
    shown = groups(build_report(me, "2026", "en"))["sector_fylke"]
    assert shown.reason == TOO_FEW_ORGANISATIONS
    # No counts where a value is suppressed.
    assert shown.organisations is None and shown.responses is None and shown.comparisons == []

    fifth = peers(1, yes=20)
    others += fifth
    recompute_benchmarks()
    # The first snapshot stays as published: one organisation joining is too small a change.
    assert groups(build_report(me, "2026", "en"))["sector_fylke"].reason == TOO_FEW_ORGANISATIONS


def test_five_and_six_other_organisations_are_shown_without_the_viewer(app_context):
    me, _ = viewer(yes=40)
    peers(5, yes=10)
    recompute_benchmarks()
    group = groups(build_report(me, "2026", "en"))["sector_fylke"]
    assert group.reason is None
    assert (group.organisations, group.responses) == (5, 125)
    # The viewer's 40 first visits are left out: 50 of 125.
    assert share_of_yes(group) == 50 / 125


def test_six_other_organisations(app_context):
    me, _ = viewer()
    peers(6, yes=5)
    recompute_benchmarks()
    group = groups(build_report(me, "2026", "en"))["sector_fylke"]
    assert (group.organisations, group.responses) == (6, 150)
    assert share_of_yes(group) == 30 / 150


def test_fewer_than_100_responses_from_others_are_not_shown(app_context):
    me, _ = viewer()
    peers(5, responses=19)
    recompute_benchmarks()
    assert groups(build_report(me, "2026", "en"))["sector_fylke"].reason == TOO_FEW_RESPONSES


def test_a_dominant_organisation_suppresses_the_group(app_context):
    me, _ = viewer()
    peers(4, responses=25)
    peers(1, responses=101)
    recompute_benchmarks()
    group = groups(build_report(me, "2026", "en"))["sector_fylke"]
    assert group.reason == DOMINATED
    assert group.comparisons == []


def test_nested_groups_differing_by_one_organisation_show_only_one_of_them(app_context):
    me, _ = viewer()
    peers(6)
    # One more theatre elsewhere: "theatres in Norway" minus "theatres in Vestland" would be it alone.
    peers(1, fylke="03", yes=25)
    recompute_benchmarks()
    report = build_report(me, "2026", "en")
    shown = groups(report)
    assert shown["sector_country"].reason is None
    assert shown["sector_fylke"].reason == DIFFERENCING
    assert shown["sector_fylke"].fallback == shown["sector_country"].label
    visible = [group for group in shown.values() if group.reason is None]
    counts = sorted(group.organisations for group in visible)
    # Whatever is shown, no two shown groups differ by between one and four organisations.
    assert all(b - a == 0 or b - a >= 5 for a in counts for b in counts if b >= a)
    question = next(question for question in report.questions if question.key == "first_visit")
    assert "cannot be shown" in question.sentence


def test_nested_groups_differing_by_five_organisations_are_both_shown(app_context):
    me, _ = viewer()
    peers(6)
    peers(5, fylke="03")
    recompute_benchmarks()
    shown = groups(build_report(me, "2026", "en"))
    assert shown["sector_fylke"].reason is None and shown["sector_country"].reason is None
    assert (shown["sector_fylke"].organisations, shown["sector_country"].organisations) == (6, 11)


def test_one_organisation_joining_does_not_change_published_figures(app_context):
    me, _ = viewer()
    peers(6, yes=10)
    recompute_benchmarks()
    before = groups(build_report(me, "2026", "en"))["sector_fylke"]

    peers(1, yes=25)
    recompute_benchmarks()
    after = groups(build_report(me, "2026", "en"))["sector_fylke"]
    # Subtracting the two would give the newcomer's answers: the old snapshot stays published.
    assert (after.organisations, share_of_yes(after)) == (before.organisations, share_of_yes(before))

    # Once six organisations have changed, the new figures are published.
    peers(5, yes=0)
    recompute_benchmarks()
    latest = groups(build_report(me, "2026", "en"))["sector_fylke"]
    assert latest.organisations == 12


def test_one_organisation_adding_responses_alone_changes_nothing(app_context):
    me, _ = viewer()
    others = peers(6, yes=10)
    recompute_benchmarks()
    before = share_of_yes(groups(build_report(me, "2026", "en"))["sector_fylke"])
    support.respond_many(others[0][1], 30, yes=30)
    aggregate_survey(others[0][1].survey_id)
    report = compute_snapshots()
    assert report.held_back > 0
    assert share_of_yes(groups(build_report(me, "2026", "en"))["sector_fylke"]) == before


def test_an_organisation_leaving_withdraws_the_group_until_enough_have_changed(app_context):
    me, _ = viewer()
    others = peers(7)
    recompute_benchmarks()
    others[0][0].benchmark_opt_in = False
    recompute_benchmarks()
    group = groups(build_report(me, "2026", "en"))["sector_fylke"]
    # Neither the old figures (still holding the leaver) nor new ones (the difference is the leaver).
    assert group.reason == WITHDRAWN
    assert group.comparisons == []


def test_organisations_that_do_not_contribute_see_no_peers(app_context):
    me, _ = viewer()
    peers(6)
    me.benchmark_opt_in = False
    recompute_benchmarks()
    report = build_report(me, "2026", "en")
    assert not report.contributing
    assert all(not question.groups for question in report.questions)


def test_non_members_who_contribute_see_only_country_wide_groups(app_context):
    me, _ = viewer()
    me.is_member = False
    peers(6)
    recompute_benchmarks()
    shown = groups(build_report(me, "2026", "en"))
    assert "sector_fylke" not in shown and "fylke" not in shown
    assert shown["sector_country"].reason is None and shown["country"].reason is None
