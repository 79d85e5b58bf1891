"""Reference lists (sector, fylke, size band, country) read from the data files in `data/`.

The files are the source; `load_reference_data` copies them into the database so that
organisations and results can be queried by code.
"""

from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import select

from app.extensions import db
from app.reference.models import ReferenceItem

DATA_DIR = Path(__file__).parent / "data"
LIST_NAMES = ("sector", "fylke", "size_band", "country")


@cache
def reference_list(list_name: str) -> tuple[dict, ...]:
    if list_name not in LIST_NAMES:
        raise KeyError(f"unknown reference list {list_name!r}")
    with open(DATA_DIR / f"{list_name}.yaml", encoding="utf-8") as handle:
        return tuple(yaml.safe_load(handle))


def reference_codes(list_name: str, current_only: bool = False) -> set[str]:
    return {item["code"] for item in reference_list(list_name) if not (current_only and item.get("valid_to"))}


def current_items(list_name: str) -> list[dict]:
    """Entries valid today, in file order (historic fylker are left out)."""
    return [item for item in reference_list(list_name) if not item.get("valid_to")]


def label(list_name: str, code: str, language: str = "nb") -> str:
    for item in reference_list(list_name):
        if item["code"] == code:
            return item["labels"].get(language) or item["labels"]["nb"]
    return code


def load_reference_data() -> int:
    """Upsert every reference list into the database; returns the number of entries written."""
    existing = {(item.list_name, item.code): item for item in db.session.scalars(select(ReferenceItem))}
    written = 0
    for list_name in LIST_NAMES:
        for order, entry in enumerate(reference_list(list_name)):
            item = existing.get((list_name, entry["code"]))
            if item is None:
                item = ReferenceItem(list_name=list_name, code=entry["code"])
                db.session.add(item)
            values = {
                "labels": entry["labels"],
                "sort_order": order,
                "valid_from": entry.get("valid_from"),
                "valid_to": entry.get("valid_to"),
                "replaced_by": entry.get("replaced_by"),
            }
            if any(getattr(item, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(item, key, value)
                written += 1
    db.session.flush()
    return written
