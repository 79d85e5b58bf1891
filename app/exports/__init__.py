"""Exports of a survey's responses (CSV, XLSX, SPSS) and imports of responses collected elsewhere."""
