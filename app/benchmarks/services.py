"""Entry points of the benchmark work, called alike by RQ jobs, the CLI and tests."""

from app.benchmarks.aggregation import rebuild_all_cells
from app.benchmarks.snapshots import SnapshotReport, compute_snapshots


def recompute_benchmarks() -> SnapshotReport:
    """The full recompute: every survey's cells from the responses, then every group's snapshot."""
    rebuild_all_cells()
    return compute_snapshots()
