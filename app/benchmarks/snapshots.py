"""Snapshots: the published figures of every peer group, per question and period.

Built from the cells of organisations that opted in. A published snapshot is only replaced when the
change is spread over enough organisations (see `Rules.min_changed_for_update`): otherwise comparing
two successive snapshots would show what one organisation added, or what it took away by leaving.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select, update

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
    computed = _group_figures(contributions, organisations, kinds)
    existing = {
        (row.period, row.group_key, row.question_key): row
        for row in db.session.scalars(select(BenchmarkSnapshot))
    }
    now = utcnow()
    inserts, updates = [], []
    for identity, figures in computed.items():
        previous = existing.pop(identity, None)
        if previous is None:
            inserts.append({**figures, "computed_at": now, "generation": 1})
            continue
        changed = _changed_organisations(previous.members, figures["members"])
        if not changed:
            report.unchanged += 1
        elif len(changed) >= rules.min_changed_for_update:
            updates.append(
                {
                    **figures,
                    "id": previous.id,
                    "computed_at": now,
                    "generation": previous.generation + 1,
                    "withdrawn": False,
                }
            )
        elif previous.members.keys() - figures["members"].keys():
            updates.append(_withdrawn(previous, now))
            report.withdrawn += 1
        else:
            report.held_back += 1
    _write(inserts, updates)
    report.written = len(inserts) + len(updates)
    report.periods = {identity[0] for identity in computed}
    report.removed = _retire(list(existing.values()), rules, now)
    _store_contributions(contributions)
    db.session.flush()
    return report


def _group_figures(contributions, organisations, kinds) -> dict[tuple[str, str, str], dict]:
    members: dict[tuple[str, str, str], dict[int, list]] = defaultdict(dict)
    for (organisation_id, period, key), (print_, values) in contributions.items():
        traits = organisations[organisation_id]
        for kind in GROUP_KINDS:
            group = group_key(kind, traits)
            if group is not None:
                members[(period, group, key)][organisation_id] = [print_, values]
    figures = {}
    for (period, group, key), included in members.items():
        totals: dict[str, list] = {}
        for _, values in included.values():
            for option, (responses, value_sum, value_sum_sq) in values.items():
                total = totals.setdefault(option, [0, None, None])
                total[0] += responses
                if value_sum is not None:
                    total[1] = (total[1] or 0.0) + value_sum
                    total[2] = (total[2] or 0.0) + value_sum_sq
        estimates: dict[str, list] = defaultdict(list)
        for _, values in included.values():
            for measure, estimate in organisation_estimates(
                kinds.get(key, Kind.CHOICE), values, totals
            ).items():
                estimates[measure].append(estimate)
        figures[(period, group, key)] = {
            "period": period,
            "group_key": group,
            "group_kind": group.split(":", 1)[0],
            "question_key": key,
            "organisation_count": len(included),
            "response_count": totals.get(WHOLE_QUESTION, [0])[0],
            "members": {
                str(org): [print_, values[WHOLE_QUESTION][0]] for org, (print_, values) in included.items()
            },
            "totals": totals,
            "organisation_values": {measure: sorted(values) for measure, values in estimates.items()},
        }
    return figures


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
        db.session.execute(insert(BenchmarkSnapshot), inserts)
    if updates:
        db.session.execute(update(BenchmarkSnapshot), updates)


def _store_contributions(contributions) -> None:
    """Keep exactly the contributions some published snapshot refers to."""
    referenced = set()
    for period, key, members in db.session.execute(
        select(BenchmarkSnapshot.period, BenchmarkSnapshot.question_key, BenchmarkSnapshot.members).where(
            BenchmarkSnapshot.withdrawn.is_(False)
        )
    ):
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
        db.session.execute(insert(BenchmarkContribution), new)
