"""The languages Grunnskjema speaks: Bokmål (the default), Nynorsk and English."""

LANGUAGES = ("nb", "nn", "en")
DEFAULT_LANGUAGE = "nb"
