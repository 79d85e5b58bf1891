"""How JSON columns are written and read: with orjson, several times faster than the standard
library on the benchmark snapshots' large documents, and the same JSON."""

import orjson


def dumps(value) -> str:
    # Dict keys that are not strings (YAML gives scale labels integer keys) become strings, as the
    # standard library's json.dumps makes them.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


loads = orjson.loads
