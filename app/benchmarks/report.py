"""The comparison report of one organisation for one period, built from published snapshots only.

Every peer figure leaves the viewer out (its contribution as it was when the snapshot was
published), passes the disclosure rules, and carries its interval; tests are corrected for the
number of tests in the report (Benjamini–Hochberg).
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np
from flask_babel import force_locale
from sqlalchemy import select

from app.answering.question_types import label
from app.benchmarks import statistics as stats
from app.benchmarks.disclosure import Candidate, decide
from app.benchmarks.distributions import unpack
from app.benchmarks.groups import GROUP_KINDS, KINDS_BY_NAME, OrganisationTraits, group_keys
from app.benchmarks.models import RESPONSES_KEY, WHOLE_QUESTION, BenchmarkContribution, BenchmarkSnapshot
from app.benchmarks.questions import NPS_GROUPS, Kind, catalogue
from app.benchmarks.rules import Rules, current_rules
from app.benchmarks.snapshots import organisation_cells
from app.benchmarks.values import MEAN, NPS, organisation_estimates
from app.benchmarks.wording import group_label, measure_label, sentence
from app.extensions import db
from app.organisations.models import Organisation

NO_VALUES = np.empty(0)


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

    @cached_property
    def by_measure(self) -> dict[str, Comparison]:
        """The comparisons by measure, for the page's table of every measure beside every group."""
        return {comparison.measure: comparison for comparison in self.comparisons}


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
    periods = db.session.scalars(
        select(BenchmarkSnapshot.period).where(
            BenchmarkSnapshot.question_key == RESPONSES_KEY,
            BenchmarkSnapshot.group_kind == "country",
            BenchmarkSnapshot.members[str(organisation_id)].as_integer().is_not(None),
        )
    )
    return sorted(set(periods), key=lambda period: (period[:4], "-Q" not in period, period), reverse=True)


@dataclass(frozen=True)
class _Snapshot:
    """What a report reads of a published snapshot."""

    members: dict[str, int]
    totals: dict[str, list]
    computed_at: datetime
    withdrawn: bool
    own_fingerprint: str | None  # the viewer's contribution, if it is a member
    distributions: dict[str, np.ndarray]


@dataclass
class _Context:
    """What every question of one viewer's report for one period draws on."""

    traits: OrganisationTraits
    own_cells: dict[str, dict]
    contributing: bool
    visible: list[str]
    labels: dict[str, str]  # group kind → label, for the kinds the viewer may see
    snapshots: dict[str, dict[str, _Snapshot]]
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
    own_cells = {key: cells for (_, _, key), cells in organisation_cells([organisation.id], period).items()}
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
        _snapshots(organisation.id, period, keys, with_distributions),
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
    entries = context.entries()
    measures = {entry.key: _measures(entry, language) for entry in entries}
    own = _own_estimates(entries, context.own_cells, measures)
    questions = [
        _question(entry, context, rules, language, pending, measures[entry.key], own.get(entry.key, {}))
        for entry in entries
    ]
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
    organisation_id: int, period: str, keys: dict[str, str], with_distributions: bool
) -> dict[str, dict[str, _Snapshot]]:
    found: dict[str, dict[str, _Snapshot]] = {}
    if not keys:
        return found
    columns = [
        BenchmarkSnapshot.question_key,
        BenchmarkSnapshot.group_kind,
        BenchmarkSnapshot.members,
        BenchmarkSnapshot.totals,
        BenchmarkSnapshot.computed_at,
        BenchmarkSnapshot.withdrawn,
        BenchmarkSnapshot.fingerprints[str(organisation_id)].as_string(),
    ]
    if with_distributions:
        # Only typical values and quartiles need them, and they are the largest columns.
        columns += [BenchmarkSnapshot.distribution_index, BenchmarkSnapshot.distributions]
    rows = db.session.execute(
        select(*columns).where(
            BenchmarkSnapshot.period == period, BenchmarkSnapshot.group_key.in_(list(keys.values()))
        )
    )
    for key, kind, members, totals, computed_at, withdrawn, own_print, *distribution in rows:
        found.setdefault(key, {})[kind] = _Snapshot(
            members, totals, computed_at, withdrawn, own_print, unpack(*distribution) if distribution else {}
        )
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


def _candidates(entry, context: _Context) -> tuple[list[Candidate], dict[str, tuple[_Snapshot, dict]]]:
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
        others = snapshot.members
        if me in others:
            others = dict(others)
            del others[me]
        candidates.append(Candidate(kind.name, others, snapshot.withdrawn))
        if not snapshot.withdrawn:
            mine = context.published_own.get((entry.key, snapshot.own_fingerprint), {})
            peers[kind.name] = (snapshot, mine)
    return candidates, peers


def _question(entry, context: _Context, rules, language, pending, options, own_estimates) -> QuestionResult:
    own_cells = context.own_cells.get(entry.key, {})
    candidates, peers = _candidates(entry, context)
    reasons = decide(candidates, rules)

    own_n = own_cells.get(WHOLE_QUESTION, [0])[0]
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


def _own_estimates(entries, own_cells: dict[str, dict], measures) -> dict[str, dict[str, stats.Estimate]]:
    """{question key: {measure: estimate}}: the viewer's own figures, the same beside every group; all
    shares in one statsmodels call and all means in another."""
    answered = [entry for entry in entries if own_cells.get(entry.key, {}).get(WHOLE_QUESTION, [0])[0]]
    averaged = [entry for entry in answered if entry.kind in (Kind.MEAN, Kind.NPS)]
    shared = [
        (entry.key, code, own_cells[entry.key])
        for entry in answered
        if entry.kind not in (Kind.MEAN, Kind.NPS)
        for code, _text in measures[entry.key]
    ]
    estimates: dict[str, dict[str, stats.Estimate]] = {}
    for entry, estimate in zip(
        averaged, stats.means([_moments(entry.kind, own_cells[entry.key]) for entry in averaged]), strict=True
    ):
        estimates[entry.key] = {code: estimate for code, _text in measures[entry.key]}
    shares = stats.shares(
        [cells.get(code, [0])[0] for _, code, cells in shared],
        [cells[WHOLE_QUESTION][0] for *_, cells in shared],
    )
    for (key, code, _cells), estimate in zip(shared, shares, strict=True):
        estimates.setdefault(key, {})[code] = estimate
    return estimates


def _moments(kind: Kind, cells: dict) -> stats.Moments:
    if kind == Kind.NPS:
        return stats.nps_moments(*(cells.get(group, [0])[0] for group in NPS_GROUPS))
    return tuple(cells[WHOLE_QUESTION])


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
        comparison = Comparison(measure, text, own, None)
        if is_share:
            pending.peer_share(comparison, peer_cells.get(measure, [0])[0], peer_n)
        else:
            pending.peer_mean(comparison, _moments(entry.kind, peer_cells))
        if own is not None and own_n >= rules.small_base and peer_n >= rules.small_base:
            if is_share:
                pending.share_difference(
                    comparison,
                    (own_cells.get(measure, [0])[0], own_n, peer_cells.get(measure, [0])[0], peer_n),
                )
            else:
                pending.mean_difference(
                    comparison, (_moments(entry.kind, own_cells), _moments(entry.kind, peer_cells))
                )
        values = _without(snapshot.distributions.get(measure, NO_VALUES), own_values.get(measure))
        pending.distribution(comparison, values, len(values) >= rules.min_peers_for_distribution)
        comparisons.append(comparison)
    return comparisons


class _PendingStatistics:
    """The statistics of a whole report that statsmodels computes for many values in one call:
    collected while the report is built, computed together at the end."""

    def __init__(self):
        self.peer_shares: list[tuple[Comparison, int, int]] = []
        self.share_differences: list[tuple[Comparison, tuple[int, int, int, int]]] = []
        self.peer_means: list[tuple[Comparison, stats.Moments]] = []
        self.mean_differences: list[tuple[Comparison, tuple[stats.Moments, stats.Moments]]] = []
        self.distributions: list[tuple[Comparison, np.ndarray, bool]] = []

    def peer_share(self, comparison: Comparison, count: int, n: int) -> None:
        self.peer_shares.append((comparison, count, n))

    def share_difference(self, comparison: Comparison, counts: tuple[int, int, int, int]) -> None:
        self.share_differences.append((comparison, counts))

    def peer_mean(self, comparison: Comparison, moments: stats.Moments) -> None:
        self.peer_means.append((comparison, moments))

    def mean_difference(self, comparison: Comparison, pair: tuple[stats.Moments, stats.Moments]) -> None:
        self.mean_differences.append((comparison, pair))

    def distribution(self, comparison: Comparison, values: np.ndarray, enough_peers: bool) -> None:
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
        for (comparison, _moments), estimate in zip(
            self.peer_means, stats.means([moments for _, moments in self.peer_means]), strict=True
        ):
            comparison.peer = estimate
        differences = stats.compare_many_means([pair for _, pair in self.mean_differences])
        for (comparison, _pair), difference in zip(self.mean_differences, differences, strict=True):
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


def _without(values: np.ndarray, own: float | None) -> np.ndarray:
    """The sorted values without one occurrence of the viewer's own value."""
    if own is None:
        return values
    index = int(np.searchsorted(values, own))
    if index < len(values) and values[index] == own:
        return np.concatenate((values[:index], values[index + 1 :]))
    return values


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
