"""The comparison report of one organisation for one period, built from published snapshots only.

Every peer figure leaves the viewer out (its contribution as it was when the snapshot was
published), passes the disclosure rules, and carries its interval; tests are corrected for the
number of tests in the report (Benjamini–Hochberg).
"""

import bisect
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import defer

from app.answering.question_types import label
from app.benchmarks import statistics as stats
from app.benchmarks.disclosure import Candidate, decide
from app.benchmarks.groups import GROUP_KINDS, KINDS_BY_NAME, OrganisationTraits, group_keys
from app.benchmarks.models import RESPONSES_KEY, WHOLE_QUESTION, BenchmarkContribution, BenchmarkSnapshot
from app.benchmarks.questions import Kind, catalogue
from app.benchmarks.rules import Rules, current_rules
from app.benchmarks.snapshots import organisation_cells
from app.benchmarks.values import MEAN, NPS, organisation_estimates
from app.benchmarks.wording import group_label, measure_label, sentence
from app.extensions import db
from app.organisations.models import Organisation


@dataclass
class Comparison:
    """One measure (an option's share, a mean or an NPS) of one peer group beside the viewer's own."""

    measure: str
    label: str
    own: stats.Estimate | None
    # Shares get theirs with the rest of the report's shares, in one statsmodels call.
    peer: stats.Estimate | None
    difference: stats.Difference | None = None
    adjusted_p: float | None = None
    typical: stats.Estimate | None = None
    quartiles: tuple[float, float, float] | None = None
    percentile_rank: float | None = None

    @property
    def significant(self) -> bool:
        return self.adjusted_p is not None and self.adjusted_p < stats.ALPHA


@dataclass
class GroupResult:
    kind: str
    label: str
    reason: str | None  # why it is not shown, None when shown
    organisations: int | None = None  # counts only for shown groups
    responses: int | None = None
    computed_at: datetime | None = None
    fallback: str | None = None  # label of the broader group shown instead
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.reason is None


@dataclass
class QuestionResult:
    key: str
    kind: Kind
    text: str
    own_n: int
    small_base: bool
    own: list[tuple[str, str, stats.Estimate]]  # (measure, label, estimate)
    groups: list[GroupResult]
    sentence: str = ""

    @property
    def shown_groups(self) -> list[GroupResult]:
        return [group for group in self.groups if group.shown]


@dataclass
class ComparisonReport:
    organisation_id: int
    period: str
    contributing: bool
    visible_kinds: list[str]
    questions: list[QuestionResult]


def available_periods(organisation_id: int) -> list[str]:
    """Periods with published snapshots that include the organisation, newest first (years first)."""
    periods = {
        period
        for period, members in db.session.execute(
            select(BenchmarkSnapshot.period, BenchmarkSnapshot.members).where(
                BenchmarkSnapshot.question_key == RESPONSES_KEY, BenchmarkSnapshot.group_kind == "country"
            )
        )
        if str(organisation_id) in members
    }
    return sorted(periods, key=lambda period: (period[:4], "-Q" not in period, period), reverse=True)


@dataclass
class _Context:
    """What every question of one viewer's report for one period draws on."""

    traits: OrganisationTraits
    own_cells: dict[str, dict]
    contributing: bool
    visible: list[str]
    labels: dict[str, str]  # group kind → label, for the kinds the viewer may see
    snapshots: dict[str, dict[str, BenchmarkSnapshot]]
    published_own: dict[tuple[str, str], dict]

    def entries(self):
        """Catalogue entries with own cells or snapshots in this period, in questionnaire order."""
        return [
            entry
            for entry in sorted(catalogue().values(), key=lambda entry: entry.order)
            if entry.key in self.own_cells or self.snapshots.get(entry.key)
        ]


def _context(
    organisation: Organisation, period: str, language: str, rules: Rules, with_distributions: bool
) -> _Context:
    traits = OrganisationTraits(
        organisation.id,
        organisation.country_code,
        organisation.sector_code,
        organisation.fylke_code,
        organisation.size_band_code,
        organisation.is_member,
    )
    own_cells = {
        key: cells
        for (_, cell_period, key), cells in organisation_cells([organisation.id]).items()
        if cell_period == period
    }
    contributing = (
        organisation.benchmark_opt_in and own_cells.get(RESPONSES_KEY, {}).get(WHOLE_QUESTION, [0])[0] > 0
    )
    visible = (
        rules.visible_groups["member" if organisation.is_member else "non_member"] if contributing else []
    )
    keys = {kind: key for kind, key in group_keys(traits).items() if kind in visible}
    return _Context(
        traits,
        own_cells,
        contributing,
        visible,
        {kind: group_label(kind, traits, language) for kind in keys},
        _snapshots(period, keys, with_distributions),
        _published_contributions(organisation.id, period),
    )


def build_report(
    organisation: Organisation, period: str, language: str, rules: Rules | None = None
) -> ComparisonReport:
    # Group names and sentences speak the report's language, whatever the request's (the API asks).
    with force_locale(language):
        return _build_report(organisation, period, language, rules)


def _build_report(
    organisation: Organisation, period: str, language: str, rules: Rules | None
) -> ComparisonReport:
    rules = rules or current_rules()
    context = _context(organisation, period, language, rules, with_distributions=True)
    pending = _PendingStatistics()
    questions = [_question(entry, context, rules, language, pending) for entry in context.entries()]
    pending.compute()
    _adjust_p_values(questions)
    for question in questions:
        question.sentence = sentence(question)
    return ComparisonReport(organisation.id, period, context.contributing, context.visible, questions)


@dataclass(frozen=True)
class QuestionValues:
    """A question's own and peer values without intervals or tests."""

    own: list[tuple[str, str, float]]  # (measure, label, value) in questionnaire order
    peers: list[
        tuple[str, dict[str, float]]
    ]  # (group label, {measure: value}) of shown groups, narrowest first


def report_values(
    organisation: Organisation, period: str, language: str, rules: Rules | None = None
) -> dict[str, QuestionValues]:
    """{question key: values}: the figures of build_report's questions, own and of the shown groups,
    without the statistics around them, for views that need the figures only (the trend)."""
    rules = rules or current_rules()
    context = _context(organisation, period, language, rules, with_distributions=False)
    result = {}
    for entry in context.entries():
        own_cells = context.own_cells.get(entry.key, {})
        candidates, peers = _candidates(entry, context)
        reasons = decide(candidates, rules)
        options = _measures(entry, language)
        codes = [code for code, _text in options]
        own_values = organisation_estimates(entry.kind, own_cells, codes)
        shown = []
        for candidate in candidates:
            if reasons[candidate.kind] is None:
                snapshot, mine = peers[candidate.kind]
                values = organisation_estimates(entry.kind, _minus(snapshot.totals, mine), codes)
                shown.append((context.labels[candidate.kind], values))
        result[entry.key] = QuestionValues(
            [(code, text, own_values[code]) for code, text in options if code in own_values], shown
        )
    return result


def values_of(report: ComparisonReport) -> dict[str, QuestionValues]:
    """report_values of a report already built."""
    return {
        question.key: QuestionValues(
            [(measure, text, estimate.value) for measure, text, estimate in question.own],
            [
                (group.label, {comparison.measure: comparison.peer.value for comparison in group.comparisons})
                for group in question.shown_groups
            ],
        )
        for question in report.questions
    }


def _snapshots(
    period: str, keys: dict[str, str], with_distributions: bool
) -> dict[str, dict[str, BenchmarkSnapshot]]:
    found: dict[str, dict[str, BenchmarkSnapshot]] = {}
    if not keys:
        return found
    query = select(BenchmarkSnapshot).where(
        BenchmarkSnapshot.period == period, BenchmarkSnapshot.group_key.in_(list(keys.values()))
    )
    if not with_distributions:
        # The members' own values are the largest column and only typical/quartiles need them.
        query = query.options(defer(BenchmarkSnapshot.organisation_values))
    for snapshot in db.session.scalars(query):
        found.setdefault(snapshot.question_key, {})[snapshot.group_kind] = snapshot
    return found


def _published_contributions(organisation_id: int, period: str) -> dict[tuple[str, str], dict]:
    return {
        (key, print_): cells
        for key, print_, cells in db.session.execute(
            select(
                BenchmarkContribution.question_key,
                BenchmarkContribution.fingerprint,
                BenchmarkContribution.cells,
            ).where(
                BenchmarkContribution.organisation_id == organisation_id,
                BenchmarkContribution.period == period,
            )
        )
    }


def _candidates(
    entry, context: _Context
) -> tuple[list[Candidate], dict[str, tuple[BenchmarkSnapshot, dict]]]:
    """The question's peer groups as the viewer sees them, narrowest first, and of each group not
    withdrawn its snapshot and the viewer's own contribution to it."""
    me = str(context.traits.id)
    by_kind = context.snapshots.get(entry.key, {})
    candidates, peers = [], {}
    for kind in GROUP_KINDS:
        if kind.name not in context.labels:
            continue
        snapshot = by_kind.get(kind.name)
        if snapshot is None:
            candidates.append(Candidate(kind.name, {}))
            continue
        others = {org: member[1] for org, member in snapshot.members.items() if org != me}
        candidates.append(Candidate(kind.name, others, snapshot.withdrawn))
        if not snapshot.withdrawn:
            mine = (
                context.published_own.get((entry.key, snapshot.members[me][0]), {})
                if me in snapshot.members
                else {}
            )
            peers[kind.name] = (snapshot, mine)
    return candidates, peers


def _question(entry, context: _Context, rules, language, pending) -> QuestionResult:
    own_cells = context.own_cells.get(entry.key, {})
    candidates, peers = _candidates(entry, context)
    reasons = decide(candidates, rules)

    own_n = own_cells.get(WHOLE_QUESTION, [0])[0]
    options = _measures(entry, language)
    own_estimates = _own_estimates(entry.kind, own_cells, options)
    own = [(code, text, own_estimates[code]) for code, text in options if code in own_estimates]
    groups = []
    for candidate in candidates:
        reason = reasons[candidate.kind]
        group = GroupResult(candidate.kind, context.labels[candidate.kind], reason)
        if reason is None:
            snapshot, mine = peers[candidate.kind]
            group.organisations = len(candidate.others)
            group.responses = candidate.responses
            group.computed_at = snapshot.computed_at
            group.comparisons = _comparisons(
                entry, own_cells, own_estimates, snapshot, mine, options, rules, pending
            )
        groups.append(group)
    _mark_fallbacks(groups)
    text = label(entry.text, language)
    return QuestionResult(entry.key, entry.kind, text, own_n, 0 < own_n < rules.small_base, own, groups)


def _measures(entry, language) -> list[tuple[str, str]]:
    if entry.kind == Kind.MEAN:
        return [(MEAN, measure_label(MEAN))]
    if entry.kind == Kind.NPS:
        return [(NPS, measure_label(NPS))]
    return [(option["code"], label(option["label"], language)) for option in entry.options]


def _own_estimates(kind: Kind, cells: dict, options: list[tuple[str, str]]) -> dict[str, stats.Estimate]:
    """The viewer's estimate of each measure, the same beside every group."""
    n = cells.get(WHOLE_QUESTION, [0])[0]
    if not n:
        return {}
    if kind in (Kind.MEAN, Kind.NPS):
        return {code: _estimate(kind, cells, code) for code, _text in options}
    codes = [code for code, _text in options]
    return dict(
        zip(codes, stats.shares([cells.get(code, [0])[0] for code in codes], [n] * len(codes)), strict=True)
    )


def _estimate(kind: Kind, cells: dict, measure: str) -> stats.Estimate | None:
    n, value_sum, value_sum_sq = cells.get(WHOLE_QUESTION, [0, None, None])
    if not n:
        return None
    if kind == Kind.MEAN:
        return stats.mean(n, value_sum, value_sum_sq)
    if kind == Kind.NPS:
        return stats.nps(*(cells.get(group, [0])[0] for group in ("promoter", "passive", "detractor")))
    return stats.share(cells.get(measure, [0])[0], n)


def _minus(totals: dict, mine: dict) -> dict:
    """Group totals without the viewer's own published contribution."""
    result = {}
    for option, (responses, value_sum, value_sum_sq) in totals.items():
        own = mine.get(option, [0, None, None])
        result[option] = [
            responses - own[0],
            None if value_sum is None else value_sum - (own[1] or 0.0),
            None if value_sum_sq is None else value_sum_sq - (own[2] or 0.0),
        ]
    return result


def _comparisons(
    entry, own_cells, own_estimates, snapshot, mine, options, rules, pending
) -> list[Comparison]:
    peer_cells = _minus(snapshot.totals, mine)
    own_values = organisation_estimates(entry.kind, mine, snapshot.totals)
    own_n = own_cells.get(WHOLE_QUESTION, [0])[0]
    peer_n = peer_cells.get(WHOLE_QUESTION, [0])[0]
    is_share = entry.kind not in (Kind.MEAN, Kind.NPS)
    comparisons = []
    for measure, text in options:
        if not peer_n:
            continue
        own = own_estimates.get(measure)
        comparison = Comparison(
            measure, text, own, None if is_share else _estimate(entry.kind, peer_cells, measure)
        )
        if is_share:
            pending.peer_share(comparison, peer_cells.get(measure, [0])[0], peer_n)
        if own is not None and own_n >= rules.small_base and peer_n >= rules.small_base:
            if is_share:
                pending.share_difference(
                    comparison,
                    (own_cells.get(measure, [0])[0], own_n, peer_cells.get(measure, [0])[0], peer_n),
                )
            else:
                comparison.difference = _difference(entry.kind, own_cells, peer_cells, measure)
        values = _without(snapshot.organisation_values.get(measure, []), own_values.get(measure))
        pending.distribution(comparison, values, len(values) >= rules.min_peers_for_distribution)
        comparisons.append(comparison)
    return comparisons


class _PendingStatistics:
    """The statistics of a whole report that statsmodels computes for many values in one call:
    collected while the report is built, computed together at the end."""

    def __init__(self):
        self.peer_shares: list[tuple[Comparison, int, int]] = []
        self.share_differences: list[tuple[Comparison, tuple[int, int, int, int]]] = []
        self.distributions: list[tuple[Comparison, list[float], bool]] = []

    def peer_share(self, comparison: Comparison, count: int, n: int) -> None:
        self.peer_shares.append((comparison, count, n))

    def share_difference(self, comparison: Comparison, counts: tuple[int, int, int, int]) -> None:
        self.share_differences.append((comparison, counts))

    def distribution(self, comparison: Comparison, values: list[float], enough_peers: bool) -> None:
        self.distributions.append((comparison, values, enough_peers))

    def compute(self) -> None:
        estimates = stats.shares(
            [count for _, count, _ in self.peer_shares], [n for _, _, n in self.peer_shares]
        )
        for (comparison, _count, _n), estimate in zip(self.peer_shares, estimates, strict=True):
            comparison.peer = estimate
        differences = stats.compare_many_shares([counts for _, counts in self.share_differences])
        for (comparison, _counts), difference in zip(self.share_differences, differences, strict=True):
            comparison.difference = difference
        summaries = stats.peer_distributions([values for _, values, _ in self.distributions])
        for (comparison, values, enough_peers), (typical, quartiles) in zip(
            self.distributions, summaries, strict=True
        ):
            comparison.typical = typical
            if enough_peers:
                comparison.quartiles = quartiles
                if comparison.own is not None:
                    comparison.percentile_rank = stats.percentile_rank(comparison.own.value, values)


def _without(values: list[float], own: float | None) -> list[float]:
    if own is None:
        return list(values)
    index = bisect.bisect_left(values, own)
    if index < len(values) and values[index] == own:
        return values[:index] + values[index + 1 :]
    return list(values)


def _difference(kind: Kind, own_cells: dict, peer_cells: dict, measure: str) -> stats.Difference:
    if kind == Kind.MEAN:
        return stats.compare_means(
            stats.moments_sample(*own_cells[WHOLE_QUESTION]),
            stats.moments_sample(*peer_cells[WHOLE_QUESTION]),
        )
    if kind == Kind.NPS:
        groups = ("promoter", "passive", "detractor")
        return stats.compare_means(
            stats.nps_sample(*(own_cells.get(g, [0])[0] for g in groups)),
            stats.nps_sample(*(peer_cells.get(g, [0])[0] for g in groups)),
        )
    return stats.compare_shares(
        own_cells.get(measure, [0])[0],
        own_cells[WHOLE_QUESTION][0],
        peer_cells.get(measure, [0])[0],
        peer_cells[WHOLE_QUESTION][0],
    )


def _mark_fallbacks(groups: list[GroupResult]) -> None:
    """A suppressed group names the broader group the comparison falls back to, if that one is shown."""
    shown = {group.kind: group for group in groups if group.shown}
    for group in groups:
        broader = KINDS_BY_NAME[group.kind].broader
        while group.reason is not None and broader is not None:
            if broader in shown:
                group.fallback = shown[broader].label
                break
            broader = KINDS_BY_NAME[broader].broader


def _adjust_p_values(questions: list[QuestionResult]) -> None:
    tested = [
        comparison
        for question in questions
        for group in question.shown_groups
        for comparison in group.comparisons
        if comparison.difference is not None
    ]
    for comparison, adjusted in zip(
        tested, stats.benjamini_hochberg([c.difference.p_value for c in tested]), strict=True
    ):
        comparison.adjusted_p = adjusted
