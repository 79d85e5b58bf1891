"""Translated display names for the values users see."""

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {
    "owner": _l("owner"),
    "editor": _l("editor"),
    "viewer": _l("viewer"),
    "advisor": _l("advisor"),
    "admin": _l("administrator"),
}

SURVEY_STATUS_NAMES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted for review"),
    "changes_requested": _l("Changes requested"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "closed": _l("Closed"),
    "archived": _l("Archived"),
}

# What each step in a survey's history did (`app.surveys.lifecycle.Action`).
SURVEY_ACTION_NAMES = {
    "create": _l("Created"),
    "duplicate": _l("Created as a copy"),
    "submit": _l("Submitted for review"),
    "withdraw": _l("Taken back for editing"),
    "request_changes": _l("Changes requested"),
    "approve": _l("Approved"),
    "publish": _l("Published"),
    "close": _l("Closed"),
    "reopen": _l("Opened again"),
    "archive": _l("Archived"),
    "new_revision": _l("New revision started"),
    "discard_revision": _l("New revision discarded"),
    # Review comments (`app.reviews`), in the same history.
    "comment": _l("Commented"),
    "reply": _l("Replied to a comment"),
    "resolve_comment": _l("Resolved a comment"),
}

OPT_IN_KIND_NAMES = {
    "newsletter": _l("Newsletter"),
    "prize_draw": _l("Prize draw"),
}

ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    410: _l("This page is no longer available"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}

ERROR_TEXTS = {
    400: _l("Please go back and try again. If you submitted a form, reload it first."),
    404: _l("Check the address, or go to the front page."),
    413: _l("Please choose a smaller file."),
    429: _l("Please wait a moment before you try again."),
}
