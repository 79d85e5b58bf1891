"""Members build their surveys: editing, the question bank, texts, preview, print and YAML."""

from app.builder import comments, editing, previewing, yaml_files  # noqa: F401  (register their routes)
from app.builder.blueprint import bp

__all__ = ["bp"]
