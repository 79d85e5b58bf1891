"""Logging that never records who a respondent is: no client address in access logs."""

import logging
import re

CLIENT_ADDRESS = re.compile(r"^\S+ - - \[")


class DropClientAddress(logging.Filter):
    """The development server starts each access line with the client's address; replace it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if CLIENT_ADDRESS.match(message):
            record.msg = CLIENT_ADDRESS.sub("- - - [", message)
            record.args = ()
        return True


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(existing, DropClientAddress) for existing in werkzeug.filters):
        werkzeug.addFilter(DropClientAddress())
