"""The reference lists are well-formed data: a text code and a label in each language per entry."""

import pytest

from app.reference.services import LIST_NAMES, current_items, reference_list


@pytest.mark.parametrize("list_name", LIST_NAMES)
def test_every_entry_has_a_code_and_three_labels(list_name):
    entries = reference_list(list_name)
    assert entries
    for entry in entries:
        assert isinstance(entry["code"], str), entry
        assert set(entry) <= {"code", "labels", "valid_from", "valid_to", "replaced_by"}, entry
        assert set(entry["labels"]) == {"nb", "nn", "en"}, entry
        assert all(isinstance(text, str) and text for text in entry["labels"].values()), entry
    codes = [entry["code"] for entry in entries]
    assert len(codes) == len(set(codes))


def test_the_fifteen_current_fylker_and_their_historic_predecessors():
    current = [item["code"] for item in current_items("fylke")]
    assert len(current) == 15
    historic = {item["code"]: item["replaced_by"] for item in reference_list("fylke") if item.get("valid_to")}
    assert historic == {"30": ["31", "32", "33"], "38": ["39", "40"], "54": ["55", "56"]}


def test_sector_labels_keep_their_commas():
    labels = {item["code"]: item["labels"]["nb"] for item in reference_list("sector")}
    assert labels["opera_dance"] == "Opera, ballett og dans"
