"""Disclosure rules and who may see which peer groups. Defaults follow NPU's anonymity rules; every
number can be changed in the app's configuration (keys in DEFAULTS)."""

from dataclasses import dataclass

from flask import current_app

DEFAULTS = {
    # A peer figure needs at least this many other organisations (the viewer never counts)...
    "BENCHMARK_MIN_ORGANISATIONS": 5,
    # ...and at least this many responses from them.
    "BENCHMARK_MIN_RESPONSES": 100,
    # Suppressed when one organisation gives more than this share of the responses.
    "BENCHMARK_MAX_SHARE": 0.5,
    # Quartiles and percentile ranks only with at least this many peer organisations.
    "BENCHMARK_MIN_PEERS_FOR_DISTRIBUTION": 10,
    # Below this many own responses a result is a small base: shown, flagged, never tested.
    "BENCHMARK_SMALL_BASE": 30,
    # Peer group kinds each kind of contributing organisation sees; non-contributors see none.
    "BENCHMARK_VISIBLE_GROUPS": {
        "member": ["sector_fylke", "sector_size", "sector_country", "fylke", "country"],
        "non_member": ["sector_size", "sector_country", "country"],
    },
}


@dataclass(frozen=True)
class Rules:
    min_organisations: int
    min_responses: int
    max_share: float
    min_peers_for_distribution: int
    small_base: int
    visible_groups: dict

    @property
    def min_changed_for_update(self) -> int:
        """A published snapshot is replaced only when at least this many organisations changed, so
        that every viewer, who is left out of what they see, sees a change spread over at least
        `min_organisations` others."""
        return self.min_organisations + 1


def current_rules() -> Rules:
    config = current_app.config
    value = {key: config.get(key, default) for key, default in DEFAULTS.items()}
    return Rules(
        min_organisations=int(value["BENCHMARK_MIN_ORGANISATIONS"]),
        min_responses=int(value["BENCHMARK_MIN_RESPONSES"]),
        max_share=float(value["BENCHMARK_MAX_SHARE"]),
        min_peers_for_distribution=int(value["BENCHMARK_MIN_PEERS_FOR_DISTRIBUTION"]),
        small_base=int(value["BENCHMARK_SMALL_BASE"]),
        visible_groups=dict(value["BENCHMARK_VISIBLE_GROUPS"]),
    )
