"""`flask org create` and `flask user create`: bootstrapping a fresh deployment from the command line."""

import pytest

from app.accounts.models import GlobalRole, Membership, OrgRole, User
from app.accounts.passwords import verify_password
from app.extensions import db
from app.organisations.models import Organisation
from app.reference.models import ReferenceItem
from tests.factories import valid_orgnr

PASSWORD = "correct horse battery"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def create_org(runner, *extra: str, orgnr: str | None = None, **options: str):
    values = {"name": "Scene Vest", "orgnr": orgnr or valid_orgnr(), "sector": "theatre", "fylke": "46"}
    values.update(options)
    args = ["org", "create"]
    for option, value in values.items():
        args += [f"--{option.replace('_', '-')}", value]
    return runner.invoke(args=args + list(extra))


def create_user(runner, *args: str, **kwargs):
    return runner.invoke(args=["user", "create", *args], **kwargs)


@pytest.fixture
def orgnr(app, runner) -> str:
    number = valid_orgnr()
    assert create_org(runner, orgnr=number).exit_code == 0
    return number


# flask org create


def test_creating_an_organisation_loads_the_reference_lists_and_says_what_was_made(app, runner):
    number = valid_orgnr()
    result = create_org(runner, orgnr=number)
    assert result.exit_code == 0, result.output
    with app.app_context():
        organisation = db.session.scalar(db.select(Organisation))
        assert result.stdout == f"Created organisation Scene Vest (orgnr {number}), id {organisation.id}\n"
        assert (organisation.sector_code, organisation.fylke_code, organisation.country_code) == (
            "theatre",
            "46",
            "NO",
        )
        assert organisation.is_member is True
        assert organisation.size_band_code is None
    assert count(app, ReferenceItem) > 0


def test_a_non_member_with_a_size_band_and_spaces_in_the_number(app, runner):
    number = valid_orgnr()
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    result = create_org(runner, "--non-member", orgnr=spaced, size_band="fte_20_49", country="NO")
    assert result.exit_code == 0, result.output
    with app.app_context():
        organisation = db.session.scalar(db.select(Organisation))
        assert (organisation.orgnr, organisation.is_member, organisation.size_band_code) == (
            number,
            False,
            "fte_20_49",
        )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"orgnr": "923609017"},
            "'923609017' is not a valid organisasjonsnummer (9 digits with a MOD11 check digit)",
        ),
        ({"orgnr": "12345678"}, "'12345678' is not a valid organisasjonsnummer"),
        ({"sector": "circus"}, "unknown sector 'circus'"),
        ({"fylke": "30"}, "unknown or historic fylke '30'"),
        ({"fylke": "99"}, "unknown or historic fylke '99'"),
        ({"size_band": "huge"}, "unknown size band 'huge'"),
        ({"country": "XX"}, "unknown country 'XX'"),
        ({"name": "  "}, "The organisation needs a name."),
    ],
)
def test_a_bad_organisation_value_is_named_and_nothing_is_written(app, runner, options, message):
    result = create_org(runner, **options)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stdout == ""
    assert count(app, Organisation) == 0
    assert count(app, ReferenceItem) == 0


def test_a_taken_organisation_number_is_refused(app, runner, orgnr):
    result = create_org(runner, orgnr=orgnr, name="Another")
    assert result.exit_code == 1
    assert result.stderr == f"Error: Another organisation is registered with organisasjonsnummer {orgnr}\n"
    assert count(app, Organisation) == 1


def test_errors_are_in_english_whatever_the_default_language(app, runner):
    result = create_org(runner, sector="circus")
    assert "unknown sector" in result.stderr


# flask user create


def test_creating_an_owner_of_an_organisation(app, runner, orgnr):
    result = create_user(
        runner, "--email", "Eier@Example.org", "--role", "owner", "--org", orgnr, "--password", PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Created user eier@example.org (id ")
    assert f"owner of Scene Vest (orgnr {orgnr})" in result.stdout
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert (user.email, user.global_role) == ("eier@example.org", None)
        assert verify_password(user.password_hash, PASSWORD)
        assert [(m.organisation.orgnr, m.role) for m in user.memberships] == [(orgnr, OrgRole.OWNER)]


@pytest.mark.parametrize("role", ["advisor", "admin"])
def test_creating_npu_staff(app, runner, role):
    result = create_user(
        runner, "--email", f"{role}@npu.no", "--role", role, "--password", PASSWORD, "--name", "Kari"
    )
    assert result.exit_code == 0, result.output
    assert f"NPU {role}" in result.stdout
    assert "two-factor" in result.stdout
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert (user.global_role, user.name, user.memberships) == (GlobalRole(role), "Kari", [])


def test_the_password_is_asked_for_twice_without_echo(app, runner):
    result = create_user(
        runner, "--email", "admin@npu.no", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output
    assert "Repeat for confirmation: " in result.output
    assert PASSWORD not in result.output
    with app.app_context():
        assert verify_password(db.session.scalar(db.select(User.password_hash)), PASSWORD)


def test_a_short_password_from_the_prompt_is_refused(app, runner):
    result = create_user(runner, "--email", "admin@npu.no", "--role", "admin", input="pw\npw\n")
    assert result.exit_code == 1
    assert result.stderr == "Error: The password must be at least 10 characters.\n"
    assert count(app, User) == 0


def test_an_existing_user_is_added_to_another_organisation(app, runner, orgnr):
    assert (
        create_user(
            runner, "--email", "eier@example.org", "--role", "owner", "--org", orgnr, "--password", PASSWORD
        ).exit_code
        == 0
    )
    other = valid_orgnr()
    assert create_org(runner, orgnr=other, name="Scene Øst").exit_code == 0
    result = create_user(runner, "--email", "EIER@example.org", "--role", "viewer", "--org", other)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Added existing user eier@example.org as viewer of Scene Øst (orgnr {other})\n"
    with app.app_context():
        roles = db.session.execute(
            db.select(Organisation.orgnr, Membership.role).join(Membership.organisation)
        ).all()
        assert sorted(roles) == sorted([(orgnr, OrgRole.OWNER), (other, OrgRole.VIEWER)])
    again = create_user(runner, "--email", "eier@example.org", "--role", "editor", "--org", other)
    assert again.exit_code == 1
    assert again.stderr == "Error: eier@example.org is already a member of Scene Øst.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--email", "eier@example.org", "--role", "owner", "--password", PASSWORD],
            "the role owner belongs to an organisation: give --org ORGNR",
        ),
        (
            ["--email", "r@npu.no", "--role", "advisor", "--org", "ORGNR", "--password", PASSWORD],
            "the role advisor is for NPU staff and belongs to no organisation: leave out --org",
        ),
        (
            ["--email", "eier@example.org", "--role", "editor", "--org", "923609016", "--password", PASSWORD],
            "no organisation has organisasjonsnummer 923609016",
        ),
        (
            ["--email", "eier@example.org", "--role", "owner", "--org", "ORGNR", "--password", "short"],
            "The password must be at least 10 characters.",
        ),
        (
            [
                "--email",
                "eier@example.org",
                "--role",
                "owner",
                "--org",
                "ORGNR",
                "--password",
                "eier@example.org",
            ],
            "The password must not be your e-mail address.",
        ),
        (
            ["--email", "not-an-address", "--role", "admin", "--password", PASSWORD],
            "'not-an-address' is not a valid e-mail address",
        ),
    ],
)
def test_a_bad_user_value_is_named_and_nothing_is_written(app, runner, orgnr, args, message):
    args = [orgnr if arg == "ORGNR" else arg for arg in args]
    result = create_user(runner, *args)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
    assert count(app, User) == 0
    assert count(app, Membership) == 0


@pytest.mark.parametrize("role", ["admin", "advisor"])
def test_an_existing_e_mail_address_is_refused(app, runner, role):
    first = create_user(runner, "--email", "kari@npu.no", "--role", "advisor", "--password", PASSWORD)
    assert first.exit_code == 0
    result = create_user(runner, "--email", "Kari@npu.no", "--role", role, "--password", "another password")
    assert result.exit_code == 1
    assert result.stderr == "Error: A user with the e-mail address kari@npu.no already exists.\n"
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.global_role == GlobalRole.ADVISOR
        assert verify_password(user.password_hash, PASSWORD)


def test_npu_staff_may_also_join_an_organisation(app, runner, orgnr):
    assert (
        create_user(runner, "--email", "kari@npu.no", "--role", "advisor", "--password", PASSWORD).exit_code
        == 0
    )
    result = create_user(runner, "--email", "kari@npu.no", "--role", "viewer", "--org", orgnr)
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.global_role == GlobalRole.ADVISOR
        assert [m.role for m in user.memberships] == [OrgRole.VIEWER]


def test_an_unknown_role_is_a_usage_error(runner):
    result = create_user(runner, "--email", "x@npu.no", "--role", "superuser", "--password", PASSWORD)
    assert result.exit_code == 2
    assert "superuser" in result.stderr
