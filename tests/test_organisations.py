import pytest
from flask_babel import force_locale

from app.organisations.services import OrganisationError, create_organisation, is_valid_orgnr
from tests.factories import valid_orgnr


@pytest.mark.parametrize("orgnr", ["923609016", "974760673", "971524960"])
def test_real_organisation_numbers_pass_the_mod11_check(orgnr):
    assert is_valid_orgnr(orgnr)


@pytest.mark.parametrize("orgnr", ["923609017", "12345678", "1234567890", "92360901a", ""])
def test_wrong_check_digits_and_lengths_are_refused(orgnr):
    assert not is_valid_orgnr(orgnr)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("orgnr", "923609017", "not a valid organisasjonsnummer"),
        ("sector", "circus", "unknown sector 'circus'"),
        ("fylke", "30", "unknown or historic fylke '30'"),
        ("country", "XX", "unknown country 'XX'"),
        ("size_band", "huge", "unknown size band 'huge'"),
    ],
)
def test_creating_an_organisation_with_bad_values_says_which(app_context, field, value, message):
    values = {"name": "Scene Vest", "orgnr": valid_orgnr(), "sector": "theatre", "fylke": "46"} | {
        field: value
    }
    with force_locale("en"), pytest.raises(OrganisationError, match=message):
        create_organisation(**values)


def test_an_organisation_is_stored_with_its_reference_codes(app_context):
    organisation = create_organisation(
        name="  Scene Vest ", orgnr=valid_orgnr(), sector="theatre", fylke="46", size_band="fte_5_19"
    )
    assert organisation.id is not None
    assert (organisation.name, organisation.country_code, organisation.is_member) == (
        "Scene Vest",
        "NO",
        True,
    )
