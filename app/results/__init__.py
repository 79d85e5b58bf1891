"""A survey's own results for its organisation: figures, filters, charts, the printable report."""
