"""The members' own estimates of a snapshot, stored packed: sorted float64 values per measure.

A report reads the distributions of about a hundred snapshots, the country group's with a value per
organisation and option; packed, they are read without parsing a number."""

import numpy as np

# Little-endian whatever the machine, so a database moves between machines unchanged.
VALUE_TYPE = np.dtype("<f8")


def pack(values: dict[str, np.ndarray]) -> tuple[list[list], bytes]:
    """(index, data) of {measure: sorted values}: the index lists [measure, count] in data order."""
    index = [[measure, len(sorted_values)] for measure, sorted_values in values.items()]
    if not values:
        return index, b""
    data = np.concatenate([np.asarray(v, dtype=VALUE_TYPE) for v in values.values()])
    return index, data.tobytes()


def unpack(index: list[list], data: bytes) -> dict[str, np.ndarray]:
    """{measure: sorted values} of pack's output; the arrays are read-only views of `data`."""
    values = np.frombuffer(data, dtype=VALUE_TYPE)
    result, start = {}, 0
    for measure, count in index:
        result[measure] = values[start : start + count]
        start += count
    return result
