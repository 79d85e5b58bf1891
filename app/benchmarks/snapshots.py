"""Snapshots: the published figures of every peer group, per question and period.

Built from the cells of organisations that opted in. A published snapshot is only replaced when the
change is spread over enough organisations (see `Rules.min_changed_for_update`): otherwise comparing
two successive snapshots would show what one organisation added, or what it took away by leaving.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import JSON, delete, func, insert, select, update

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
from app.benchmarks.values import organisation_estimates
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


def organisation_cells(organisation_ids) -> dict[tuple[int, str, str], dict[str, list]]:
    """(organisation, period, question key) → {option: [responses, sum, sum of squares]}, summed over
    the organisation's surveys and revisions."""
    cell = BenchmarkCell
    rows = db.session.execute(
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


def fingerprint(cells: dict[str, list]) -> str:
    return hashlib.sha1(json.dumps(cells, sort_keys=True).encode(), usedforsecurity=False).hexdigest()


def compute_snapshots(rules: Rules | None = None) -> SnapshotReport:
    """Recompute every group's figures and publish those whose change passes the rules."""
    rules = rules or current_rules()
    organisations = contributing_organisations()
    cells = organisation_cells(organisations)
    kinds = question_kinds()
    report = SnapshotReport()

    contributions = {
        (organisation_id, period, key): (fingerprint(values), values)
        for (organisation_id, period, key), values in cells.items()
        if values.get(WHOLE_QUESTION, [0])[0] > 0
    }
    groups = _group_members(contributions, organisations)
    # Only the membership is compared, so the figures' large JSON columns are not loaded.
    existing = {
        (row.period, row.group_key, row.question_key): row
        for row in db.session.execute(
            select(
                BenchmarkSnapshot.id,
                BenchmarkSnapshot.period,
                BenchmarkSnapshot.group_key,
                BenchmarkSnapshot.question_key,
                BenchmarkSnapshot.members,
                BenchmarkSnapshot.generation,
                BenchmarkSnapshot.withdrawn,
            )
        )
    }
    estimates = _Estimates(contributions, kinds)
    now = utcnow()
    inserts, updates = [], []
    # (period, question key, membership) of every snapshot left published: the contributions to keep.
    published = []
    for identity, included in groups.items():
        period, _, key = identity
        members = {
            str(org): [print_, values[WHOLE_QUESTION][0]] for org, (print_, values) in included.items()
        }
        previous = existing.pop(identity, None)
        if previous is None:
            inserts.append(
                {
                    **_figures(identity, included, members, estimates),
                    "computed_at": now,
                    "generation": 1,
                    "withdrawn": False,
                }
            )
            published.append((period, key, members))
            continue
        changed = _changed_organisations(previous.members, members)
        if not changed:
            report.unchanged += 1
            if not previous.withdrawn:
                published.append((period, key, previous.members))
        elif len(changed) >= rules.min_changed_for_update:
            updates.append(
                {
                    **_figures(identity, included, members, estimates),
                    "id": previous.id,
                    "computed_at": now,
                    "generation": previous.generation + 1,
                    "withdrawn": False,
                }
            )
            published.append((period, key, members))
        elif previous.members.keys() - members.keys():
            updates.append(_withdrawn(previous, now))
            report.withdrawn += 1
        else:
            report.held_back += 1
            if not previous.withdrawn:
                published.append((period, key, previous.members))
    _write(inserts, updates)
    report.written = len(inserts) + len(updates)
    report.periods = {identity[0] for identity in groups}
    report.removed = _retire(list(existing.values()), rules, now)
    _store_contributions(contributions, published)
    db.session.flush()
    return report


def _group_members(contributions, organisations) -> dict[tuple[str, str, str], dict[int, tuple]]:
    """(period, group key, question key) → {organisation: (fingerprint, cells)}."""
    keys = {
        organisation_id: [key for kind in GROUP_KINDS if (key := group_key(kind, traits)) is not None]
        for organisation_id, traits in organisations.items()
    }
    members: dict[tuple[str, str, str], dict[int, tuple]] = defaultdict(dict)
    for (organisation_id, period, key), contribution in contributions.items():
        for group in keys[organisation_id]:
            members[(period, group, key)][organisation_id] = contribution
    return members


class _Estimates:
    """Each contribution's own estimates, computed once rather than once per group it belongs to.

    A member's estimate for an option it has no cell for is 0 (see `organisation_estimates`), so a
    group's options the member lacks are filled in with zeros per group."""

    def __init__(self, contributions, kinds):
        self.contributions = contributions
        self.kinds = kinds
        self.cache: dict[tuple[int, str, str], dict[str, float]] = {}

    def of(self, organisation_id: int, period: str, key: str) -> dict[str, float]:
        identity = (organisation_id, period, key)
        estimates = self.cache.get(identity)
        if estimates is None:
            kind = self.kinds.get(key, Kind.CHOICE)
            estimates = organisation_estimates(kind, self.contributions[identity][1])
            self.cache[identity] = estimates
        return estimates


def _figures(identity, included, members, estimates: _Estimates) -> dict:
    period, group, key = identity
    totals: dict[str, list] = {}
    for _, values in included.values():
        for option, (responses, value_sum, value_sum_sq) in values.items():
            total = totals.get(option)
            if total is None:
                totals[option] = total = [0, None, None]
            total[0] += responses
            if value_sum is not None:
                total[1] = (total[1] or 0.0) + value_sum
                total[2] = (total[2] or 0.0) + value_sum_sq
    organisation_values: dict[str, list] = defaultdict(list)
    for organisation_id in included:
        for measure, estimate in estimates.of(organisation_id, period, key).items():
            organisation_values[measure].append(estimate)
    if estimates.kinds.get(key, Kind.CHOICE) not in (Kind.MEAN, Kind.NPS):
        for option in totals.keys() - {WHOLE_QUESTION}:
            missing = len(included) - len(organisation_values[option])
            organisation_values[option].extend([0.0] * missing)
    return {
        "period": period,
        "group_key": group,
        "group_kind": group.split(":", 1)[0],
        "question_key": key,
        "organisation_count": len(included),
        "response_count": totals.get(WHOLE_QUESTION, [0])[0],
        "members": members,
        "totals": totals,
        "organisation_values": {measure: sorted(values) for measure, values in organisation_values.items()},
    }


def _changed_organisations(before: dict, after: dict) -> set[str]:
    return {
        org
        for org in before.keys() | after.keys()
        if (before.get(org) or [None])[0] != (after.get(org) or [None])[0]
    }


def _withdrawn(previous: BenchmarkSnapshot, now) -> dict:
    """Keep the published membership (the next update is measured against it) but no figures."""
    return {"id": previous.id, "totals": {}, "organisation_values": {}, "withdrawn": True, "computed_at": now}


def _retire(stale: list[BenchmarkSnapshot], rules: Rules, now) -> int:
    """Groups nobody contributes to any more: removed once enough organisations have left them,
    withdrawn until then."""
    removable = [row.id for row in stale if len(row.members) >= rules.min_changed_for_update]
    if removable:
        db.session.execute(delete(BenchmarkSnapshot).where(BenchmarkSnapshot.id.in_(removable)))
    withdrawals = [_withdrawn(row, now) for row in stale if row.id not in removable and not row.withdrawn]
    if withdrawals:
        db.session.execute(update(BenchmarkSnapshot), withdrawals)
    return len(removable)


def _write(inserts: list[dict], updates: list[dict]) -> None:
    if inserts:
        _insert(BenchmarkSnapshot, inserts)
    if updates:
        db.session.execute(update(BenchmarkSnapshot), updates)


def _store_contributions(contributions, published: list[tuple[str, str, dict]]) -> None:
    """Keep exactly the contributions some published snapshot refers to."""
    referenced = set()
    for period, key, members in published:
        referenced.update((int(org), period, key, print_) for org, (print_, _) in members.items())
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
    unused = [row_id for identity, row_id in stored.items() if identity not in referenced]
    if unused:
        db.session.execute(delete(BenchmarkContribution).where(BenchmarkContribution.id.in_(unused)))
    new = [
        {
            "organisation_id": org,
            "period": period,
            "question_key": key,
            "fingerprint": print_,
            "cells": values,
        }
        for (org, period, key), (print_, values) in contributions.items()
        if (org, period, key, print_) in referenced and (org, period, key, print_) not in stored
    ]
    if new:
        _insert(BenchmarkContribution, new)


def _insert(model, rows: list[dict]) -> None:
    """Rows with the same keys. PostgreSQL gets them through COPY: tens of thousands of rows with JSON
    columns in a fraction of the time INSERT statements take."""
    if dialect_name() != "postgresql":
        db.session.execute(insert(model), rows)
        return
    columns = list(rows[0])
    documents = {name for name in columns if isinstance(model.__table__.c[name].type, JSON)}
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copying:
        for row in rows:
            copying.write_row([json.dumps(row[name]) if name in documents else row[name] for name in columns])
