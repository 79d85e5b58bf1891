"""Snapshots: the published figures of every peer group, per question and period.

Built from the cells of organisations that opted in. A published snapshot is only replaced when the
change is spread over enough organisations (see `Rules.min_changed_for_update`): otherwise comparing
two successive snapshots would show what one organisation added, or what it took away by leaving.
"""

import gc
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import orjson
from sqlalchemy import JSON, delete, func, insert, select, update

from app.benchmarks.distributions import pack
from app.benchmarks.groups import GROUP_KINDS, OrganisationTraits, group_key
from app.benchmarks.models import (
    RESPONSES_KEY,
    WHOLE_QUESTION,
    BenchmarkCell,
    BenchmarkContribution,
    BenchmarkQuestionMap,
    BenchmarkSnapshot,
)
from app.benchmarks.questions import Kind
from app.benchmarks.rules import Rules, current_rules
from app.benchmarks.values import MEAN, NPS
from app.core import json_documents
from app.core.sql import dialect_name
from app.core.types import utcnow
from app.extensions import db
from app.organisations.models import Organisation


@dataclass
class SnapshotReport:
    written: int = 0
    held_back: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    removed: int = 0
    periods: set = field(default_factory=set)


def contributing_organisations() -> dict[int, OrganisationTraits]:
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.country_code,
            Organisation.sector_code,
            Organisation.fylke_code,
            Organisation.size_band_code,
            Organisation.is_member,
        ).where(Organisation.benchmark_opt_in.is_(True))
    )
    return {row.id: OrganisationTraits(*row) for row in rows}


def organisation_cells(
    organisation_ids, period: str | None = None
) -> dict[tuple[int, str, str], dict[str, list]]:
    """(organisation, period, question key) → {option: [responses, sum, sum of squares]}, summed over
    the organisation's surveys and revisions; of one period only if given."""
    cell = BenchmarkCell
    query = (
        select(
            cell.organisation_id,
            cell.period,
            cell.question_key,
            cell.option_code,
            func.sum(cell.responses),
            func.sum(cell.value_sum),
            func.sum(cell.value_sum_sq),
        )
        .where(cell.organisation_id.in_(list(organisation_ids)))
        .group_by(cell.organisation_id, cell.period, cell.question_key, cell.option_code)
    )
    if period is not None:
        query = query.where(cell.period == period)
    rows = db.session.execute(query)
    cells: dict[tuple[int, str, str], dict[str, list]] = defaultdict(dict)
    for organisation_id, period, key, option, responses, value_sum, value_sum_sq in rows:
        cells[(organisation_id, period, key)][option] = [
            int(responses),
            None if value_sum is None else float(value_sum),
            None if value_sum_sq is None else float(value_sum_sq),
        ]
    return cells


def question_kinds() -> dict[str, Kind]:
    kinds = {RESPONSES_KEY: Kind.MEAN}
    for key, kind in db.session.execute(
        select(BenchmarkQuestionMap.question_key, BenchmarkQuestionMap.kind).distinct()
    ):
        kinds[key] = Kind(kind)
    return kinds


# json.dumps(cells, sort_keys=True) builds an encoder on every call; one encoder gives the same text.
_FINGERPRINT_ENCODER = json.JSONEncoder(sort_keys=True)


def fingerprint(cells: dict[str, list]) -> str:
    text = _FINGERPRINT_ENCODER.encode(cells)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while. A recompute keeps several hundred thousand small
    containers (every organisation's cells, every group's figures) until it ends and leaves next to
    no garbage that only the collector frees, so the collector's repeated passes over them were pure
    cost: a third of the recompute's time. The switch is process-wide: other threads' cyclic garbage
    waits until the recompute ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compute_snapshots(rules: Rules | None = None) -> SnapshotReport:
    """Recompute every group's figures and publish those whose change passes the rules."""
    with _collector_paused():
        return _compute_snapshots(rules or current_rules())


def _compute_snapshots(rules: Rules) -> SnapshotReport:
    organisations = contributing_organisations()
    kinds = question_kinds()
    report = SnapshotReport()
    tables = _question_tables(organisation_cells(organisations), kinds)
    keys = {
        organisation_id: [key for kind in GROUP_KINDS if (key := group_key(kind, traits)) is not None]
        for organisation_id, traits in organisations.items()
    }
    # Only the membership digests are compared at first: the fingerprints of a snapshot are read
    # only when its membership changed.
    existing = {
        (row.period, row.group_key, row.question_key): row
        for row in db.session.execute(
            select(
                BenchmarkSnapshot.id,
                BenchmarkSnapshot.period,
                BenchmarkSnapshot.group_key,
                BenchmarkSnapshot.question_key,
                BenchmarkSnapshot.membership_digest,
                BenchmarkSnapshot.organisation_count,
                BenchmarkSnapshot.generation,
                BenchmarkSnapshot.withdrawn,
            )
        )
    }
    now = utcnow()
    # Per table: groups to publish afresh, and (group, rows, digest, previous) of changed ones.
    fresh, changed = defaultdict(list), []
    # Contributions some published snapshot refers to: (table, rows) of current memberships, and
    # (organisation, period, key, fingerprint) of memberships published earlier.
    current, earlier = [], set()
    for table in tables.values():
        for group, rows in table.groups(keys).items():
            digest = table.digest(rows)
            previous = existing.pop((table.period, group, table.key), None)
            if previous is None:
                fresh[table].append((group, rows, digest, None))
                current.append((table, rows))
            elif previous.membership_digest == digest:
                report.unchanged += 1
                if not previous.withdrawn:
                    current.append((table, rows))
            else:
                changed.append((table, group, rows, digest, previous))
    updates = []
    previous_prints = _fingerprints_of([previous.id for *_, previous in changed])
    for table, group, rows, digest, previous in changed:
        before = previous_prints[previous.id]
        moved = _changed_organisations(before, table.fingerprints_of(rows))
        if len(moved) >= rules.min_changed_for_update:
            fresh[table].append((group, rows, digest, previous))
            current.append((table, rows))
        elif before.keys() - table.fingerprints_of(rows).keys():
            updates.append(_withdrawn(previous.id, now))
            report.withdrawn += 1
        else:
            report.held_back += 1
            if not previous.withdrawn:
                earlier.update((int(org), table.period, table.key, print_) for org, print_ in before.items())
    new = []
    for table, publish in fresh.items():
        replaced = [entry for entry in publish if entry[-1] is not None]
        if replaced:
            for (*_, previous), figures in zip(replaced, table.figures_of(replaced), strict=True):
                updates.append(
                    {**figures, "id": previous.id, "computed_at": now, "generation": previous.generation + 1}
                )
        if len(replaced) < len(publish):
            new.append((table, [entry for entry in publish if entry[-1] is None]))
    # New snapshots are computed while they are written, so that PostgreSQL takes in each table's
    # snapshots while the next table's are computed.
    inserts = (
        {**figures, "computed_at": now, "generation": 1}
        for table, publish in new
        for figures in table.figures_of(publish)
    )
    report.written = _insert(BenchmarkSnapshot, inserts)
    if updates:
        db.session.execute(update(BenchmarkSnapshot), updates)
    report.written += len(updates)
    report.periods = {table.period for table in tables.values()}
    report.removed = _retire(list(existing.values()), rules, now)
    _store_contributions(tables, current, earlier)
    db.session.flush()
    return report


class _QuestionTable:
    """The contributions to one question in one period, one row per organisation (in id order) and
    one column per option, so that every group's figures are sums and sorts of a few rows."""

    def __init__(self, period: str, key: str, kind: Kind, contributions: list[tuple[int, dict]]):
        self.period, self.key, self.kind = period, key, kind
        self.organisations = [organisation_id for organisation_id, _ in contributions]
        self.cells = [cells for _, cells in contributions]
        self.prints = [fingerprint(cells) for cells in self.cells]
        self.options = sorted({option for cells in self.cells for option in cells})
        column = {option: index for index, option in enumerate(self.options)}
        shape = (len(self.cells), len(self.options))
        self.responses = np.zeros(shape, dtype=np.int64)
        # Sums are missing for choice options; a group's sum is missing only where every member's is,
        # as SQL's sum leaves missing values out.
        self.sums = np.zeros(shape)
        self.squares = np.zeros(shape)
        self.has_sum = np.zeros(shape, dtype=bool)
        for row, cells in enumerate(self.cells):
            for option, (responses, value_sum, value_sum_sq) in cells.items():
                self.responses[row, column[option]] = responses
                if value_sum is not None:
                    self.sums[row, column[option]] = value_sum
                    self.squares[row, column[option]] = value_sum_sq
                    self.has_sum[row, column[option]] = True
        self.whole = column[WHOLE_QUESTION]
        self.measures, self.estimates = self._estimates()
        # Object arrays: a group's members are picked out by one indexing of its rows.
        self.member_keys = np.array(
            [str(organisation_id) for organisation_id in self.organisations], dtype=object
        )
        self.print_array = np.array(self.prints, dtype=object)
        self.member_entries = np.array(
            [
                f'"{organisation_id}":{responses}'
                for organisation_id, responses in zip(
                    self.organisations, self.responses[:, self.whole].tolist(), strict=True
                )
            ],
            dtype=object,
        )
        self.print_entries = np.array(
            [
                f'"{organisation_id}":"{print_}"'
                for organisation_id, print_ in zip(self.organisations, self.prints, strict=True)
            ],
            dtype=object,
        )
        self.digest_parts = np.array(
            [
                f"{organisation_id}:{print_}"
                for organisation_id, print_ in zip(self.organisations, self.prints, strict=True)
            ],
            dtype=object,
        )

    def _estimates(self) -> tuple[list[str], np.ndarray]:
        """Each member's own estimate per measure, as `organisation_estimates` gives them (NaN where a
        member has none)."""
        answered = self.responses[:, self.whole].astype(float)
        if self.kind == Kind.MEAN:
            means = np.where(self.has_sum[:, self.whole], self.sums[:, self.whole], np.nan) / answered
            return [MEAN], means[:, None]
        if self.kind == Kind.NPS:
            counts = {option: self.responses[:, index] for index, option in enumerate(self.options)}
            zeros = np.zeros(len(answered), dtype=np.int64)
            score = 100.0 * (counts.get("promoter", zeros) - counts.get("detractor", zeros)) / answered
            return [NPS], score[:, None]
        choices = [index for index, option in enumerate(self.options) if option != WHOLE_QUESTION]
        return [self.options[index] for index in choices], self.responses[:, choices] / answered[:, None]

    def groups(self, keys: dict[int, list[str]]) -> dict[str, np.ndarray]:
        """{group key: rows of its members}."""
        members = defaultdict(list)
        for row, organisation_id in enumerate(self.organisations):
            for group in keys[organisation_id]:
                members[group].append(row)
        return {group: np.asarray(rows) for group, rows in members.items()}

    def fingerprints_of(self, rows: np.ndarray) -> dict[str, str]:
        return dict(zip(self.member_keys[rows].tolist(), self.print_array[rows].tolist(), strict=True))

    def digest(self, rows: np.ndarray) -> str:
        text = ",".join(self.digest_parts[rows].tolist())
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()

    def figures_of(self, groups: list[tuple]) -> list[dict]:
        """The snapshot columns of each (group key, rows, digest, …): the members' sums and sorted
        estimates, computed for all the groups at once."""
        sizes = [len(rows) for _, rows, *_ in groups]
        rows = np.concatenate([rows for _, rows, *_ in groups])
        ends = np.cumsum(sizes).tolist()
        starts = [0, *ends[:-1]]
        responses = np.add.reduceat(self.responses[rows], starts, axis=0).tolist()
        value_sums = np.add.reduceat(self.sums[rows], starts, axis=0).tolist()
        value_squares = np.add.reduceat(self.squares[rows], starts, axis=0).tolist()
        has_sum = np.logical_or.reduceat(self.has_sum[rows], starts, axis=0).tolist()
        # Each measure's estimates sorted within each group (NaN, a member without one, last).
        group_of_row = np.repeat(np.arange(len(groups)), sizes)
        estimates = self.estimates[rows]
        ordered = [
            estimates[np.lexsort((estimates[:, column], group_of_row)), column]
            for column in range(len(self.measures))
        ]
        choices = self.kind in (Kind.CHOICE, Kind.MULTIPLE)
        figures = []
        for index, (group, group_rows, digest, *_) in enumerate(groups):
            counts, sums, squares, summed = (
                responses[index],
                value_sums[index],
                value_squares[index],
                has_sum[index],
            )
            # An option is in the totals when a member chose it, as the members' cells are.
            totals = {
                option: [counts[i], sums[i], squares[i]] if summed[i] else [counts[i], None, None]
                for i, option in enumerate(self.options)
                if counts[i] > 0
            }
            distribution = {}
            for column, measure in enumerate(self.measures):
                if choices and measure not in totals:
                    continue
                values = ordered[column][starts[index] : ends[index]]
                distribution[measure] = values if choices else values[~np.isnan(values)]
            distribution_index, data = pack(distribution)
            figures.append(
                {
                    "period": self.period,
                    "group_key": group,
                    "group_kind": group.split(":", 1)[0],
                    "question_key": self.key,
                    "organisation_count": len(group_rows),
                    "response_count": counts[self.whole],
                    "members": _object_of(self.member_entries[group_rows]),
                    "fingerprints": _object_of(self.print_entries[group_rows]),
                    "membership_digest": digest,
                    "totals": totals,
                    "distribution_index": distribution_index,
                    "distributions": data,
                    "withdrawn": False,
                }
            )
        return figures


def _object_of(entries: np.ndarray) -> orjson.Fragment:
    """A JSON object from its members' entries already encoded: a group's members and fingerprints
    are hundreds of entries, written for tens of thousands of groups."""
    return orjson.Fragment("{" + ",".join(entries.tolist()) + "}")


def _question_tables(cells, kinds) -> dict[tuple[str, str], _QuestionTable]:
    """One table per period and question of the contributions: organisations that had responses."""
    contributions = defaultdict(list)
    for (organisation_id, period, key), values in sorted(cells.items()):
        if values.get(WHOLE_QUESTION, [0])[0] > 0:
            contributions[(period, key)].append((organisation_id, values))
    return {
        (period, key): _QuestionTable(period, key, kinds.get(key, Kind.CHOICE), rows)
        for (period, key), rows in contributions.items()
    }


def _fingerprints_of(snapshot_ids: list[int]) -> dict[int, dict[str, str]]:
    found = {}
    for start in range(0, len(snapshot_ids), 1000):
        chunk = snapshot_ids[start : start + 1000]
        found.update(
            db.session.execute(
                select(BenchmarkSnapshot.id, BenchmarkSnapshot.fingerprints).where(
                    BenchmarkSnapshot.id.in_(chunk)
                )
            ).all()
        )
    return found


def _changed_organisations(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {org for org in before.keys() | after.keys() if before.get(org) != after.get(org)}


def _withdrawn(snapshot_id: int, now) -> dict:
    """Keep the published membership (the next update is measured against it) but no figures."""
    return {
        "id": snapshot_id,
        "totals": {},
        "distribution_index": [],
        "distributions": b"",
        "withdrawn": True,
        "computed_at": now,
    }


def _retire(stale: list, rules: Rules, now) -> int:
    """Groups nobody contributes to any more: removed once enough organisations have left them,
    withdrawn until then."""
    removable = [row.id for row in stale if row.organisation_count >= rules.min_changed_for_update]
    if removable:
        db.session.execute(delete(BenchmarkSnapshot).where(BenchmarkSnapshot.id.in_(removable)))
    withdrawals = [_withdrawn(row.id, now) for row in stale if row.id not in removable and not row.withdrawn]
    if withdrawals:
        db.session.execute(update(BenchmarkSnapshot), withdrawals)
    return len(removable)


def _store_contributions(tables, current: list[tuple], earlier: set[tuple]) -> None:
    """Keep exactly the contributions some published snapshot refers to: the current contributions
    of members of snapshots published now or unchanged, and those held-back snapshots still show."""
    referenced_rows = defaultdict(set)
    for table, rows in current:
        referenced_rows[(table.period, table.key)].update(rows.tolist())
    fresh = {}
    for (period, key), rows in referenced_rows.items():
        table = tables[(period, key)]
        for row in rows:
            fresh[(table.organisations[row], period, key, table.prints[row])] = table.cells[row]
    stored = {
        (row.organisation_id, row.period, row.question_key, row.fingerprint): row.id
        for row in db.session.execute(
            select(
                BenchmarkContribution.id,
                BenchmarkContribution.organisation_id,
                BenchmarkContribution.period,
                BenchmarkContribution.question_key,
                BenchmarkContribution.fingerprint,
            )
        )
    }
    unused = [
        row_id for identity, row_id in stored.items() if identity not in fresh and identity not in earlier
    ]
    for start in range(0, len(unused), 10_000):
        chunk = unused[start : start + 10_000]
        db.session.execute(delete(BenchmarkContribution).where(BenchmarkContribution.id.in_(chunk)))
    new = [
        {"organisation_id": org, "period": period, "question_key": key, "fingerprint": print_, "cells": cells}
        for (org, period, key, print_), cells in fresh.items()
        if (org, period, key, print_) not in stored
    ]
    if new:
        _insert(BenchmarkContribution, new)


def _insert(model, rows: Iterable[dict]) -> int:
    """Rows with the same keys; returns how many. PostgreSQL gets them through COPY: tens of thousands
    of rows with JSON columns in a fraction of the time INSERT statements take. Rows may be computed
    as they are written: PostgreSQL reads the first while the next are computed."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    if dialect_name() != "postgresql":
        everything = [first, *rows]
        db.session.execute(insert(model), everything)
        return len(everything)
    columns = list(first)
    documents = {name for name in columns if isinstance(model.__table__.c[name].type, JSON)}
    cursor = db.session.connection().connection.driver_connection.cursor()
    count = 0
    with cursor.copy(f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copying:
        for row in chain([first], rows):
            copying.write_row(
                [json_documents.dumps(row[name]) if name in documents else row[name] for name in columns]
            )
            count += 1
    return count
