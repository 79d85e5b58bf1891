"""Anonymised peer comparisons: sufficient statistics per organisation, snapshots per peer group,
disclosure control and the statistics shown on the comparison page."""
