"""Helpers for showing service errors on the form field they concern."""


def attach_error(form, field_name: str | None, message: str) -> None:
    """Add `message` to the named field (or the first visible one), so the error summary links to it."""
    field = getattr(form, field_name or "", None) or next(f for f in form if f.name != "csrf_token")
    field.errors = [*field.errors, message]
